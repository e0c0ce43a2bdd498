//! `clerk-mcp`: Clerk's Backend API as MCP tools, over stdio or Streamable HTTP.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_… clerk-mcp [--tools users organizations.*] [--read-only]
//! clerk-mcp --emulator                               # an offline Clerk with demo data
//! clerk-mcp --http 127.0.0.1:8080 --emulator         # Streamable HTTP at /mcp, /health
//! clerk-mcp --http 0.0.0.0:8080 --mode public        # each request brings X-Clerk-Secret-Key
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

mod doctor;
mod install;
use clerk_api::SecretKey;
use clerk_mcp::ClerkServer;
use clerk_mcp::http::{self, HttpOptions, KeyMode};
use clerk_tools::connect::{ConnectOptions, connect};
use clerk_tools::governance::{parse_budget, parse_confirm, parse_reveal, parse_tenant_budget};
use clerk_tools::{
    AuditTarget, Budget, Fsync, Governance, Pipeline, Risk, SecretClass, ToolContext,
    ToolkitOptions,
};
use rmcp::ServiceExt;
use secrecy::SecretString;
use std::collections::BTreeSet;

/// A value that is never printed, not even by `Debug` (the `--secret-key` flag).
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

fn secret(s: &str) -> Result<Secret, String> {
    Ok(Secret(s.trim().to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuthKind {
    /// No sign-in (a static bearer token, or none on loopback).
    None,
    /// Sign in with Clerk: the instance is the OAuth authorization server.
    Clerk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PolicyKind {
    /// People manage their own account and the organizations their role lets them manage.
    #[value(name = "self")]
    SelfService,
    /// Members of the operators organization get tools by their clerk_mcp permissions.
    Operators,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// The server holds one key: CLERK_SECRET_KEY (or --emulator).
    Hosted,
    /// Each request brings its own key in the X-Clerk-Secret-Key header.
    Public,
}

/// Clerk Backend API tools for AI agents, over MCP (stdio, or Streamable HTTP with --http).
///
/// The secret key is read from CLERK_SECRET_KEY. Logs go to stderr (set CLERK_MCP_LOG or
/// RUST_LOG, e.g. `debug`).
#[derive(Debug, Parser)]
#[command(name = "clerk-mcp", version, about, long_about = None)]
struct Args {
    /// Tools to enable: `*`, a category (users, organizations, invitations, sessions),
    /// `category.*`, `category.toolName`, or a glob like `users.get*`. Repeatable; also
    /// comma-separated. Default: all.
    #[arg(short = 't', long = "tools", num_args = 1.., value_name = "PATTERN", global = true)]
    tools: Vec<String>,

    /// Only serve read-only tools (wins over --tools).
    #[arg(long, global = true)]
    read_only: bool,

    /// Toolsets to serve: users, organizations, invitations, sessions (the default core),
    /// identifiers, security, instance, oauth, jwt, machines, roles, enterprise, waitlist,
    /// webhooks, billing, agents, clients; or `all`. Repeatable; also comma-separated.
    #[arg(long = "toolsets", num_args = 1.., value_name = "TOOLSET", global = true)]
    toolsets: Vec<String>,

    /// Dynamic mode: list three meta-tools (search, describe, call) instead of every tool, so
    /// the whole catalogue costs ~2 KB of context. Calls take the same checks as direct ones.
    #[arg(long, global = true)]
    dynamic: bool,

    /// Keep private_metadata in results (removed everywhere by default).
    #[arg(long)]
    allow_private_metadata: bool,

    /// Clerk secret key. Prefer the CLERK_SECRET_KEY environment variable: command lines are
    /// visible to other users of the machine.
    #[arg(long = "secret-key", visible_alias = "sk", value_name = "KEY", value_parser = secret, global = true)]
    secret_key: Option<Secret>,

    /// A file holding the Clerk secret key (must not be readable by other users). Also
    /// CLERK_SECRET_KEY_FILE, or systemd's $CREDENTIALS_DIRECTORY/clerk-secret-key.
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "secret_key",
        global = true
    )]
    secret_key_file: Option<PathBuf>,

    /// Clerk API origin (default https://api.clerk.com).
    #[arg(long, env = "CLERK_API_URL", value_name = "URL", global = true)]
    api_url: Option<String>,

    /// Run on an embedded, offline Clerk emulator seeded with demo data (no key needed).
    #[arg(long, conflicts_with_all = ["secret_key", "secret_key_file", "api_url"], global = true)]
    emulator: bool,

    /// Risk classes whose calls need the person's confirmation first (MCP elicitation, a
    /// 2026-07-28 input_required round, or a confirmation code the agent must ask for):
    /// `none`, or a comma-separated list of write, destructive, credentials, instance.
    #[arg(long, value_name = "RISKS", value_parser = parse_confirm, default_value = "destructive,credentials,instance")]
    confirm: BTreeSet<Risk>,

    /// Serve only tools up to this risk: read, write, destructive, credentials or instance.
    #[arg(long, value_name = "RISK", global = true)]
    max_risk: Option<Risk>,

    /// Secret classes shown unmasked in results (masked by default): comma-separated keys,
    /// tokens, links, mfa.
    #[arg(long, value_name = "CLASSES", value_parser = parse_reveal)]
    reveal: Option<BTreeSet<SecretClass>>,

    /// Write one JSON line per tool call to this file (appended, mode 0600) or `stderr`.
    /// Repeatable. Calls that change something are refused when no log can be written.
    #[arg(long = "audit-log", value_name = "PATH|stderr")]
    audit_log: Vec<String>,

    /// When the audit file is synced to disk: never, writes (lines of calls that change
    /// something), always.
    #[arg(long, value_name = "POLICY", default_value = "writes")]
    audit_fsync: Fsync,

    /// A budget per principal (the signed-in user, else the tenant): RISK=N/PERIOD, e.g.
    /// `destructive=20/h` (periods s, m, h, d). Repeatable.
    #[arg(long = "budget", value_name = "RISK=N/PERIOD", value_parser = parse_budget)]
    budgets: Vec<Budget>,

    /// A budget per tenant (Clerk instance), e.g. `destructive=100/d`. Repeatable.
    #[arg(long = "tenant-budget", value_name = "RISK=N/PERIOD", value_parser = parse_tenant_budget)]
    tenant_budgets: Vec<Budget>,

    /// Longest a tool call may take, in seconds (all its Clerk requests and retries).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    call_timeout: u64,

    /// Serve Streamable HTTP on this address (e.g. 127.0.0.1:8080) at /mcp, with /health,
    /// instead of stdio.
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,

    /// HTTP: where the Clerk key comes from.
    #[arg(long, value_enum, default_value = "hosted", requires = "http")]
    mode: Mode,

    /// HTTP: a file holding the bearer token clients must send (`Authorization: Bearer …`).
    /// Or set CLERK_MCP_HTTP_TOKEN. The file must not be readable by other users.
    #[arg(long, value_name = "PATH", requires = "http")]
    http_token_file: Option<PathBuf>,

    /// HTTP: a Host name (or host:port) clients use to reach this server, besides loopback
    /// names. Repeatable. Requests with any other Host are refused (DNS-rebinding protection).
    #[arg(long = "allowed-host", value_name = "NAME", requires = "http")]
    allowed_hosts: Vec<String>,

    /// HTTP: a browser Origin (scheme://host[:port|:*]) allowed besides loopback ones.
    /// Repeatable.
    #[arg(long = "allowed-origin", value_name = "ORIGIN", requires = "http")]
    allowed_origins: Vec<String>,

    /// HTTP: how callers sign in. `clerk`: every request carries an OAuth access token issued
    /// by the Clerk instance (or an API key / M2M token), and runs as that user.
    #[arg(long, value_enum, default_value = "none", requires = "http")]
    auth: AuthKind,

    /// --auth clerk: the authorization server, the instance's Frontend API URL (default: from
    /// CLERK_PUBLISHABLE_KEY, or the embedded emulator).
    #[arg(long, value_name = "URL", requires = "http")]
    issuer: Option<String>,

    /// --auth clerk: the URL clients use for the MCP endpoint (default http://ADDR/mcp).
    #[arg(long, value_name = "URL", requires = "http")]
    public_url: Option<String>,

    /// --auth clerk: who may do what (default self).
    #[arg(long, value_enum, default_value = "self", requires = "http")]
    policy: PolicyKind,

    /// --auth clerk --policy operators: the organization whose members are operators.
    #[arg(long, value_name = "ORG_ID", requires = "http")]
    operators_org: Option<String>,

    /// --auth clerk: accept OAuth tokens of these client ids only. Repeatable.
    #[arg(
        long = "allowed-client-id",
        value_name = "CLIENT_ID",
        requires = "http"
    )]
    allowed_clients: Vec<String>,

    /// --auth clerk: a scope every token must hold (403 insufficient_scope otherwise).
    /// Repeatable.
    #[arg(long = "required-scope", value_name = "SCOPE", requires = "http")]
    required_scopes: Vec<String>,

    /// HTTP: serve hosted mode on a non-loopback address without a token. Anyone who reaches
    /// the address can then use the server's Clerk key.
    #[arg(long, requires = "http")]
    allow_unauthenticated: bool,

    /// HTTP: the largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024, requires = "http")]
    max_body_bytes: usize,

    /// HTTP: seconds in-flight calls get to finish after SIGTERM / SIGINT.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, requires = "http")]
    shutdown_grace: u64,

    /// A command instead of serving (`doctor`).
    #[command(subcommand)]
    command: Option<Cmd>,

    /// Accepted and ignored, for command lines copied from `npx @clerk/agent-toolkit -p=local-mcp`.
    #[arg(short = 'p', long = "preset", hide = true, value_name = "PRESET")]
    _preset: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Check the key, that Clerk (or the emulator) answers, which instance it is, how many tools
    /// the flags select, and with --url a running HTTP server's /health. Exit 1 on a failure.
    Doctor {
        /// A running clerk-mcp HTTP server to check (its /health).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Add (or update) clerk-mcp in an MCP client's configuration, keeping everything else.
    /// The flags given with it (--emulator, --tools, --read-only, --max-risk) go into the entry.
    Install {
        /// claude-desktop, claude-code, cursor, vscode, windsurf, codex or gemini.
        #[arg(long)]
        client: String,
        /// The configuration file (default: the client's own, for this user).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// The entry's name.
        #[arg(long, default_value = "clerk")]
        name: String,
        /// A remote clerk-mcp (Streamable HTTP) instead of this binary over stdio.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Write CLERK_SECRET_KEY (from the environment) into the entry's env; the file is then
        /// made readable by you only. Without it, set the key yourself.
        #[arg(long)]
        store_key: bool,
        /// Print the entry instead of writing it.
        #[arg(long)]
        print: bool,
    },
    /// Remove our entry (only ours) from a client's configuration.
    Uninstall {
        /// The client (as for install).
        #[arg(long)]
        client: String,
        /// The configuration file.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// The entry's name.
        #[arg(long, default_value = "clerk")]
        name: String,
    },
    /// Print a shell completion script, e.g. `clerk-mcp completions bash`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `clerk-mcp man > clerk-mcp.1`.
    Man,
    /// Show which clients have clerk-mcp configured.
    List {
        /// The entry's name.
        #[arg(long, default_value = "clerk")]
        name: String,
    },
}

fn install_command(args: &Args, cmd: &Cmd) -> ExitCode {
    match cmd {
        Cmd::Install {
            client,
            config,
            name,
            url,
            store_key,
            print,
        } => {
            if args.secret_key.is_some() {
                return fail(
                    "install never writes a key from the command line; export CLERK_SECRET_KEY and add --store-key, or set the key in the client yourself",
                );
            }
            let target = match url {
                Some(u) => install::Target::Http { url: u.clone() },
                None => {
                    let command = match std::env::current_exe() {
                        Ok(p) => p.display().to_string(),
                        Err(e) => return fail(format!("cannot find this executable's path: {e}")),
                    };
                    let mut a = Vec::new();
                    if args.emulator {
                        a.push("--emulator".to_string());
                    }
                    for t in &args.tools {
                        a.push("--tools".into());
                        a.push(t.clone());
                    }
                    for t in &args.toolsets {
                        a.push("--toolsets".into());
                        a.push(t.clone());
                    }
                    if args.dynamic {
                        a.push("--dynamic".into());
                    }
                    if args.read_only {
                        a.push("--read-only".into());
                    }
                    if let Some(r) = args.max_risk {
                        a.push("--max-risk".into());
                        a.push(r.to_string());
                    }
                    let mut env = serde_json::Map::new();
                    if *store_key {
                        let key = std::env::var("CLERK_SECRET_KEY")
                            .ok()
                            .map(|k| k.trim().to_string())
                            .filter(|k| !k.is_empty());
                        match key {
                            Some(k) => {
                                if let Some(problem) = SecretKey::new(k.clone()).shape_problem() {
                                    return fail(format!("CLERK_SECRET_KEY: {problem}"));
                                }
                                env.insert("CLERK_SECRET_KEY".into(), serde_json::Value::String(k));
                            }
                            None => {
                                return fail(
                                    "--store-key needs CLERK_SECRET_KEY in the environment",
                                );
                            }
                        }
                    }
                    install::Target::Stdio {
                        command,
                        args: a,
                        env,
                    }
                }
            };
            if *print {
                println!("{}", install::printed(client, name, &target));
                return ExitCode::SUCCESS;
            }
            match install::install(client, config.clone(), name, &target) {
                Ok(path) => {
                    eprintln!(
                        "clerk-mcp: `{name}` written to {} for {client}",
                        path.display()
                    );
                    if matches!(&target, install::Target::Stdio { env, .. } if env.is_empty())
                        && !args.emulator
                    {
                        eprintln!(
                            "clerk-mcp: the entry has no key: set CLERK_SECRET_KEY in its env (or rerun with --store-key)"
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Cmd::Uninstall {
            client,
            config,
            name,
        } => match install::uninstall(client, config.clone(), name) {
            Ok((path, true)) => {
                eprintln!("clerk-mcp: removed `{name}` from {}", path.display());
                ExitCode::SUCCESS
            }
            Ok((path, false)) => {
                eprintln!(
                    "clerk-mcp: {} has no `{name}` entry; nothing to do",
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Cmd::List { name } => {
            for client in install::CLIENTS {
                let line = match install::config_path(client) {
                    Err(e) => format!("{client}: {e}"),
                    Ok(path) if !path.exists() => {
                        format!("{client}: - ({} not found)", path.display())
                    }
                    Ok(path) => match install::has_entry(client, &path, name) {
                        Ok(true) => format!("{client}: installed ({})", path.display()),
                        Ok(false) => format!("{client}: - ({})", path.display()),
                        Err(e) => format!("{client}: {e}"),
                    },
                };
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Cmd::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                *shell,
                &mut Args::command(),
                "clerk-mcp",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Cmd::Man => {
            use clap::CommandFactory;
            match clap_mangen::Man::new(Args::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(format!("could not write the manual page: {e}")),
            }
        }
        Cmd::Doctor { .. } => ExitCode::SUCCESS,
    }
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
    if args.secret_key.is_some() {
        // Printed whatever the log filter: this is about the key's safety.
        eprintln!(
            "clerk-mcp: warning: --secret-key is visible to other users of this machine (ps, /proc); prefer the CLERK_SECRET_KEY environment variable"
        );
    }
    let runtime = if args.http.is_some() {
        // Many clients at once: use every core.
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        // One thread is plenty for a stdio server (every call waits on the network), and each
        // extra worker costs resident memory (stack pages, allocator arenas).
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    match runtime {
        Ok(rt) => rt.block_on(run(args)),
        Err(e) => fail(format!("could not start the async runtime: {e}")),
    }
}

/// The HTTP bearer token: CLERK_MCP_HTTP_TOKEN or --http-token-file.
fn http_token(args: &Args) -> Result<Option<SecretString>, String> {
    if let Some(path) = &args.http_token_file {
        return clerk_tools::connect::read_secret_file(path, "--http-token-file")
            .map(|t| Some(SecretString::from(t)))
            .map_err(|e| e.to_string());
    }
    Ok(std::env::var("CLERK_MCP_HTTP_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(SecretString::from))
}

/// How to reach Clerk, from the flags (`keyless`: every request brings its own key).
fn connect_options(args: &Args, keyless: bool) -> ConnectOptions {
    ConnectOptions {
        secret_key: args
            .secret_key
            .as_ref()
            .map(|s| SecretKey::new(s.0.clone())),
        secret_key_file: args.secret_key_file.clone(),
        api_url: args.api_url.clone(),
        emulator: args.emulator,
        keyless,
        user_agent: concat!("clerk-mcp/", env!("CARGO_PKG_VERSION")).into(),
    }
}

async fn run(args: Args) -> ExitCode {
    if let Some(
        cmd @ (Cmd::Install { .. }
        | Cmd::Uninstall { .. }
        | Cmd::List { .. }
        | Cmd::Completions { .. }
        | Cmd::Man),
    ) = &args.command
    {
        return install_command(&args, cmd);
    }
    if let Some(Cmd::Doctor { url }) = &args.command {
        let options = connect_options(&args, false);
        let tools = ToolkitOptions {
            tools: args.tools.clone(),
            toolsets: args.toolsets.clone(),
            read_only: args.read_only,
            max_risk: args.max_risk,
            ..Default::default()
        };
        return if doctor::run(options, tools, url.clone()).await {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    let signed_in = args.http.is_some() && args.auth == AuthKind::Clerk;
    let options = ToolkitOptions {
        tools: args.tools.clone(),
        toolsets: args.toolsets.clone(),
        read_only: args.read_only,
        allow_private_metadata: args.allow_private_metadata,
        // With signed-in callers the policy decides what each argument may name.
        pin_to_caller: !signed_in,
        ..Default::default()
    };
    let governance = Governance {
        confirm: args.confirm.clone(),
        max_risk: args.max_risk,
        reveal: args.reveal.clone().unwrap_or_default(),
        audit: args
            .audit_log
            .iter()
            .map(|a| AuditTarget::parse(a))
            .collect(),
        fsync: args.audit_fsync,
        budgets: args
            .budgets
            .iter()
            .chain(&args.tenant_budgets)
            .cloned()
            .collect(),
    };
    let pipeline = match governance.pipeline(options) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let pipeline = pipeline
        .with_call_timeout((args.call_timeout > 0).then(|| Duration::from_secs(args.call_timeout)))
        .with_dynamic(args.dynamic);
    let public = args.http.is_some() && args.mode == Mode::Public;
    let connection = match connect(&connect_options(&args, public)).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let pipeline = match (signed_in, args.policy, &args.operators_org) {
        (false, _, _) => pipeline,
        (true, PolicyKind::SelfService, _) => pipeline.with_policy(clerk_tools::SelfPolicy::new()),
        (true, PolicyKind::Operators, Some(org)) => {
            pipeline.with_policy(clerk_tools::OperatorsPolicy::new(org.clone()))
        }
        (true, PolicyKind::Operators, None) => {
            return fail(
                "--policy operators needs --operators-org ORG_ID (the organization whose members are operators)",
            );
        }
    };
    let auth = if signed_in {
        let Some(addr) = args.http else {
            unreachable!("signed_in implies --http")
        };
        if public {
            return fail(
                "--auth clerk needs the server's own key (--mode hosted): tokens are verified with it",
            );
        }
        let issuer = args
            .issuer
            .clone()
            .or_else(|| connection.emulator_url.clone())
            .or_else(|| {
                std::env::var("CLERK_PUBLISHABLE_KEY")
                    .ok()
                    .and_then(|k| clerk_mcp::auth::issuer_from_publishable_key(&k))
            });
        let Some(issuer) = issuer else {
            return fail(
                "--auth clerk needs the authorization server: set CLERK_PUBLISHABLE_KEY (pk_…), or --issuer https://<your-frontend-api>",
            );
        };
        let resource = match &args.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None if addr.ip().is_unspecified() => {
                return fail(format!(
                    "--auth clerk on {addr}: give --public-url, the URL clients use (e.g. https://mcp.example.com/mcp)"
                ));
            }
            None => format!("http://{addr}/mcp"),
        };
        Some(std::sync::Arc::new(clerk_mcp::auth::ClerkAuth::new(
            connection.client.clone(),
            clerk_mcp::auth::AuthSettings {
                issuer,
                resource,
                scopes: vec!["openid".into(), "profile".into(), "email".into()],
                required_scopes: args.required_scopes.clone(),
                allowed_clients: args.allowed_clients.clone(),
            },
        )))
    } else {
        None
    };
    match args.http {
        Some(addr) => serve_http(&args, addr, pipeline, connection.client.clone(), auth).await,
        None => serve_stdio(pipeline, ToolContext::new(connection.client.clone())).await,
    }
}

async fn serve_stdio(pipeline: Pipeline, context: ToolContext) -> ExitCode {
    tracing::info!(
        tools = pipeline.registry().tools().len(),
        "clerk-mcp ready on stdio"
    );
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        // Someone started it by hand: say what it is waiting for (stdout stays untouched).
        eprintln!(
            "clerk-mcp: ready on stdio, serving {} tools: waiting for an MCP client's JSON-RPC messages on stdin (MCP clients start this themselves; Ctrl-D ends)",
            pipeline.registry().tools().len()
        );
    }
    let io = clerk_mcp::stdio::guarded_stdio();
    let service = match ClerkServer::new(pipeline, context)
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

async fn serve_http(
    args: &Args,
    addr: SocketAddr,
    pipeline: Pipeline,
    client: clerk_api::Client,
    auth: Option<std::sync::Arc<clerk_mcp::auth::ClerkAuth>>,
) -> ExitCode {
    let token = match http_token(args) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mode = match args.mode {
        Mode::Hosted => KeyMode::Hosted,
        Mode::Public => KeyMode::Public,
    };
    if mode == KeyMode::Hosted
        && !http::is_loopback(&addr)
        && token.is_none()
        && auth.is_none()
        && !args.allow_unauthenticated
    {
        return fail(format!(
            "refusing to serve hosted mode on {addr} without authentication: anyone who reaches it could use this server's Clerk key. \
             Set CLERK_MCP_HTTP_TOKEN (or --http-token-file), bind a loopback address, use --mode public, \
             or pass --allow-unauthenticated if a proxy in front authenticates"
        ));
    }
    let tools = pipeline.registry().tools().len();
    let app = http::app(
        pipeline,
        client,
        HttpOptions {
            mode,
            token,
            allowed_hosts: args.allowed_hosts.clone(),
            allowed_origins: args.allowed_origins.clone(),
            max_body_bytes: args.max_body_bytes,
            auth: auth.clone(),
            ..Default::default()
        },
    );
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {addr}: {e}")),
    };
    let local = listener.local_addr().unwrap_or(addr);
    eprintln!(
        "clerk-mcp: serving {tools} tools over Streamable HTTP at http://{local}/mcp ({} mode; health at http://{local}/health)",
        mode.as_str()
    );
    if let Some(auth) = &auth {
        eprintln!(
            "clerk-mcp: sign in with Clerk: resource {}, authorization server {}, policy {}",
            auth.settings().resource,
            auth.settings().issuer,
            pipeline_policy_name(args)
        );
    }
    if !http::is_loopback(&local) && args.allowed_hosts.is_empty() {
        eprintln!(
            "clerk-mcp: note: only loopback Host names are accepted; add --allowed-host NAME for the names clients use"
        );
    }
    let grace = Duration::from_secs(args.shutdown_grace);
    match http::serve(listener, app, shutdown_signal(), grace).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("HTTP server failed: {e}")),
    }
}

fn pipeline_policy_name(args: &Args) -> &'static str {
    match args.policy {
        PolicyKind::SelfService => "self",
        PolicyKind::Operators => "operators",
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("clerk-mcp: shutting down");
}
