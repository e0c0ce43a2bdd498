//! `clerk-mcp`: Clerk's Backend API as MCP tools over stdio.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_… clerk-mcp [--tools users organizations.*] [--read-only]
//! clerk-mcp --emulator            # an offline Clerk with demo data, no key needed
//! ```

use std::process::ExitCode;

use clap::Parser;
use clerk_api::{Client, SecretKey};
use clerk_mcp::ClerkServer;
use clerk_tools::{Toolkit, ToolkitOptions};
use rmcp::ServiceExt;

/// Clerk Backend API tools for AI agents, over MCP (stdio).
///
/// The secret key is read from CLERK_SECRET_KEY. Logs go to stderr (set CLERK_MCP_LOG or
/// RUST_LOG, e.g. `debug`).
#[derive(Debug, Parser)]
#[command(name = "clerk-mcp", version, about, long_about = None)]
struct Args {
    /// Tools to enable: `*`, a category (users, organizations, invitations, sessions),
    /// `category.*`, `category.toolName`, or a glob like `users.get*`. Repeatable; also
    /// comma-separated. Default: all.
    #[arg(short = 't', long = "tools", num_args = 1.., value_name = "PATTERN")]
    tools: Vec<String>,

    /// Only serve read-only tools (wins over --tools).
    #[arg(long)]
    read_only: bool,

    /// Keep private_metadata in results (removed everywhere by default).
    #[arg(long)]
    allow_private_metadata: bool,

    /// Clerk secret key. Prefer the CLERK_SECRET_KEY environment variable: command lines are
    /// visible to other users of the machine.
    #[arg(
        long = "secret-key",
        visible_alias = "sk",
        value_name = "KEY",
        hide = false
    )]
    secret_key: Option<String>,

    /// Clerk API origin (default https://api.clerk.com).
    #[arg(long, env = "CLERK_API_URL", value_name = "URL")]
    api_url: Option<String>,

    /// Run on an embedded, offline Clerk emulator seeded with demo data (no key needed).
    #[arg(long, conflicts_with_all = ["secret_key", "api_url"])]
    emulator: bool,

    /// Accepted and ignored, for command lines copied from `npx @clerk/agent-toolkit -p=local-mcp`.
    #[arg(short = 'p', long = "preset", hide = true, value_name = "PRESET")]
    _preset: Option<String>,
}

fn init_logging() {
    let filter = std::env::var("CLERK_MCP_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false)
        .init();
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("clerk-mcp: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args = Args::parse();
    init_logging();
    // One thread is plenty for a stdio server (every call waits on the network), and each
    // extra worker costs resident memory (stack pages, allocator arenas).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("could not start the async runtime: {e}")),
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let options = ToolkitOptions {
        tools: args.tools.clone(),
        read_only: args.read_only,
        allow_private_metadata: args.allow_private_metadata,
        ..Default::default()
    };

    let mut _emulator = None;
    let builder = if args.emulator {
        let emulator = match clerk_emulator::Emulator::start(
            clerk_emulator::EmulatorConfig::default(),
        )
        .await
        {
            Ok(e) => e,
            Err(e) => return fail(format!("could not start the embedded emulator: {e}")),
        };
        tracing::info!(url = %emulator.url(), "serving on the embedded Clerk emulator (demo data)");
        let b = Client::builder(emulator.secret_key()).api_url(emulator.url());
        _emulator = Some(emulator);
        b
    } else {
        let key = match (&args.secret_key, SecretKey::from_env()) {
            (Some(flag), _) => {
                tracing::warn!(
                    "--secret-key is visible to other users of this machine (ps, /proc); prefer the CLERK_SECRET_KEY environment variable"
                );
                SecretKey::new(flag.trim())
            }
            (None, Some(env)) => env,
            (None, None) => {
                return fail(
                    "no Clerk secret key. Set CLERK_SECRET_KEY=sk_… in the server's environment \
                     (in Claude Desktop / Cursor: the \"env\" of this server's config), or run \
                     `clerk-mcp --emulator` to try it on an offline emulator with demo data.",
                );
            }
        };
        if key.is_empty() {
            return fail("the Clerk secret key is empty; set CLERK_SECRET_KEY=sk_…");
        }
        let mut b = Client::builder(key);
        if let Some(url) = args.api_url.as_deref().filter(|u| !u.trim().is_empty()) {
            b = b.api_url(url);
        }
        b
    };
    let client = match builder
        .user_agent_suffix(concat!("clerk-mcp/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let toolkit = match Toolkit::new(client, options) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    tracing::info!(tools = toolkit.tools().len(), "clerk-mcp ready on stdio");

    let io = clerk_mcp::stdio::guarded_stdio();
    let service = match ClerkServer::new(toolkit)
        .serve((io.reader, io.writer))
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(error = %e, "MCP session ended before it started");
            let _ = io.output.await;
            return ExitCode::SUCCESS;
        }
    };
    if let Err(e) = service.waiting().await {
        tracing::warn!(error = %e, "MCP service stopped with an error");
    }
    let _ = io.output.await;
    ExitCode::SUCCESS
}
