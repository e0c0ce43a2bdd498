//! `clerkctl`: the Clerk Backend API tools of `clerk-mcp` on the command line.
//!
//! Every tool is a subcommand, grouped by category, named in kebab case (the exact tool name is
//! accepted too), with one flag per argument generated from the tool's input JSON Schema:
//!
//! ```text
//! export CLERK_SECRET_KEY=sk_test_…
//! clerkctl users get-user-count
//! clerkctl users get-user-list --email-address ada@example.com --email-address bob@example.com
//! clerkctl users getUserList --query ada --limit 5 -o table
//! clerkctl users get-user-list --all | jq -r .id          # every page, one JSON object per line
//! clerkctl organizations create-organization --name Acme --public-metadata '{"tier":"gold"}'
//! clerkctl call getUser --json '{"userId":"user_123"}'
//! echo '{"limit":3}' | clerkctl call getOrganizationList
//! clerkctl tools                       # name, category, kind, title (--json: full definitions)
//! clerkctl --read-only --tools users users --help
//! clerkctl --emulator users get-user-list               # offline demo data, nothing persists
//! clerkctl emulator serve --port 8787                   # a long-lived emulator
//! mkdir -p ~/.local/share/bash-completion/completions
//! clerkctl completions bash > ~/.local/share/bash-completion/completions/clerkctl
//! ```
//!
//! Global flags (as in `clerk-mcp`): `--tools PATTERN` (repeatable), `--read-only`,
//! `--allow-private-metadata`, `--api-url` (env `CLERK_API_URL`), `--secret-key` (prefer env
//! `CLERK_SECRET_KEY`), `--emulator`, and `-o/--output json|table`. Output defaults to JSON when
//! stdout is not a terminal (exactly the tool's structured result, for `jq`), and on a terminal
//! to a table for lists and pretty JSON otherwise.
//!
//! Exit status: 0 success; 1 Clerk answered with an error (its status, code, message and trace
//! id are printed on stderr) or another runtime failure; 2 invalid usage or arguments (unknown
//! subcommand or flag, bad or missing value, invalid JSON, a `--tools` pattern matching nothing,
//! no secret key); 3 Clerk could not be reached (connection failure or timeout).
//!
//! There is no Clerk logic here: everything goes through [`clerk_tools::Toolkit::call`].

mod args;
mod confirm;
mod connect;
mod dynamic;
#[cfg(feature = "emulator")]
mod emulator_cmd;
mod failure;
mod output;
mod paging;
mod table;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args as _, Command, FromArgMatches as _, Subcommand as _};
use clerk_tools::{
    AuditTarget, Governance, Grant, JsonObject, Tool, ToolContext, Toolkit, ToolkitOptions,
};
use serde_json::Value;

use crate::args::{Builtin, EmulatorCommand, Global, OutputFormat};
use crate::dynamic::Detail;
use crate::failure::Failure;
use crate::output::Printer;

/// Shown after `--help`.
pub const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  Clerk answered with an error (status, code, message, clerk_trace_id on stderr),
     or another runtime failure
  2  invalid usage or arguments: unknown subcommand or flag, bad or missing value,
     invalid JSON, a --tools pattern matching nothing, no secret key
  3  Clerk could not be reached (connection failure or timeout)";

const LONG_ABOUT: &str = "\
Clerk Backend API tools on the command line: the same tools as the clerk-mcp server.

Every tool is `clerkctl <category> <tool-name>` (e.g. `clerkctl users get-user-list \
--email-address a@b.co`; the exact tool name, `getUserList`, works too), or `clerkctl call \
<toolName> --json '{…}'`. The secret key is read from CLERK_SECRET_KEY; `--emulator` runs on an \
embedded offline emulator with demo data instead (its state does not persist between \
invocations).";

/// The whole command tree for a toolkit.
fn command(toolkit: &Toolkit, detail: Detail<'_>) -> Command {
    let cmd = Global::augment_args(Command::new("clerkctl"));
    let cmd = cmd.subcommands(dynamic::category_commands(toolkit, detail));
    Builtin::augment_subcommands(cmd)
        .version(env!("CARGO_PKG_VERSION"))
        .about("Clerk Backend API tools on the command line (the same tools as clerk-mcp)")
        .long_about(LONG_ABOUT)
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
}

/// The toolkit the command tree is built from (its client is never used: calls get a real one).
fn scoped_toolkit(scan: &args::Prescan) -> Result<Toolkit, Failure> {
    let placeholder = clerk_api::Client::new("sk_unused").map_err(Failure::runtime)?;
    let options = ToolkitOptions {
        tools: scan.tools.clone(),
        toolsets: cli_toolsets(&scan.toolsets),
        read_only: scan.read_only,
        max_risk: scan.max_risk,
        ..Default::default()
    };
    Toolkit::new(placeholder, options).map_err(Failure::usage)
}

/// When the command names a tool that exists but the flags leave out, says which flag does.
fn disabled_tool(scan: &args::Prescan, tree: &Toolkit) -> Option<String> {
    let (category, word) = (scan.words.first()?, scan.words.get(1)?);
    let category = dynamic::category(category)?;
    let offered = tree
        .tools()
        .iter()
        .any(|t| t.category() == category && dynamic::names_tool(t.as_ref(), word));
    if offered {
        return None;
    }
    let all = scoped_toolkit(&args::Prescan::default()).ok()?;
    let tool = all
        .tools()
        .iter()
        .find(|t| t.category() == category && dynamic::names_tool(t.as_ref(), word))?
        .clone();
    let why = if scan.read_only && !tool.is_read_only() {
        "--read-only".to_string()
    } else if let Some(max) = scan.max_risk.filter(|m| tool.risk() > *m) {
        format!("--max-risk {max} (it is {})", tool.risk())
    } else {
        "--tools".to_string()
    };
    Some(format!(
        "`{} {word}` ({}) is disabled by {why}",
        category,
        tool.name()
    ))
}

fn init_logging() {
    let filter = std::env::var("CLERKCTL_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false)
        .init();
}

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let scan = args::prescan(&argv);
    let tree = match scoped_toolkit(&scan) {
        Ok(t) => t,
        Err(f) => return f.report(),
    };
    let detail = match scan.words.first().and_then(|w| dynamic::category(w)) {
        Some(c) => Detail::Category(c, scan.words.get(1).map(String::as_str)),
        None => Detail::None,
    };
    let matches = match command(&tree, detail).try_get_matches_from(&argv) {
        Ok(m) => m,
        Err(e) => {
            if let Some(message) = disabled_tool(&scan, &tree) {
                return Failure::usage(message).report();
            }
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(failure::USAGE));
        }
    };
    init_logging();
    match run(&tree, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}

fn run(tree: &Toolkit, matches: &clap::ArgMatches) -> Result<(), Failure> {
    let global = Global::from_arg_matches(matches).map_err(Failure::usage)?;
    if global.secret_key.is_some() {
        eprintln!("{}", connect::SECRET_FLAG_WARNING);
    }
    if let Some((name, sub)) = matches.subcommand()
        && let Some(category) = dynamic::category(name)
    {
        let Some((word, tool_matches)) = sub.subcommand() else {
            return Err(Failure::usage(format!("missing tool name after `{name}`")));
        };
        let tool = tree
            .tools()
            .iter()
            .find(|t| t.category() == category && dynamic::names_tool(t.as_ref(), word))
            .ok_or_else(|| Failure::usage(format!("unknown tool `{name} {word}`")))?;
        let args = dynamic::arguments(tool.as_ref(), tool_matches);
        let all = matches!(
            tool_matches.try_get_one::<bool>(dynamic::ALL_ID),
            Ok(Some(true))
        );
        return block_on(call_tool(&global, tool.name(), args, all));
    }
    match Builtin::from_arg_matches(matches).map_err(Failure::usage)? {
        Builtin::Call { tool, json, all } => {
            let tool = resolve(tree, &tool)?;
            let args = read_arguments(json.as_deref())?;
            block_on(call_tool(&global, tool.name(), args, all))
        }
        Builtin::Tools { json } => {
            // Like every command: JSON when piped, unless a table is asked for.
            let piped = !io::stdout().is_terminal();
            list_tools(
                tree,
                json || global.output == Some(OutputFormat::Json)
                    || (piped && global.output != Some(OutputFormat::Table)),
            )
        }
        Builtin::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command(tree, Detail::All))
                .render(&mut page)
                .map_err(|e| Failure::runtime(format!("could not render the manual page: {e}")))?;
            let mut out = io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
            Ok(())
        }
        Builtin::Completions { shell } => {
            let mut cmd = command(tree, Detail::All);
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "clerkctl", &mut script);
            let mut out = io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            Ok(())
        }
        Builtin::Emulator {
            command: EmulatorCommand::Serve(serve),
        } => {
            #[cfg(feature = "emulator")]
            {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        Failure::runtime(format!("could not start the async runtime: {e}"))
                    })?;
                runtime.block_on(emulator_cmd::serve(serve))
            }
            #[cfg(not(feature = "emulator"))]
            {
                let _ = serve;
                Err(Failure::usage(
                    "this build of clerkctl has no emulator (built without the `emulator` feature)",
                ))
            }
        }
    }
}

fn block_on<F: Future<Output = Result<(), Failure>>>(future: F) -> Result<(), Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("could not start the async runtime: {e}")))?
        .block_on(future)
}

/// Calls one tool (every page with `all`) and prints the result.
async fn call_tool(
    global: &Global,
    name: &str,
    args: JsonObject,
    all: bool,
) -> Result<(), Failure> {
    let connection = connect::connect(global).await?;
    let options = ToolkitOptions {
        tools: global.tools.clone(),
        toolsets: cli_toolsets(&global.toolsets),
        read_only: global.read_only,
        allow_private_metadata: global.allow_private_metadata,
        ..Default::default()
    };
    let governance = Governance {
        confirm: global
            .confirm
            .clone()
            .unwrap_or_else(clerk_tools::default_confirm),
        max_risk: global.max_risk,
        reveal: global.reveal.clone().unwrap_or_default(),
        audit: global
            .audit_log
            .iter()
            .map(|a| AuditTarget::parse(a))
            .collect(),
        fsync: global.audit_fsync,
        // Budgets count per process; a clerkctl process makes one call.
        budgets: Vec::new(),
    };
    let pipeline = governance.pipeline(options).map_err(Failure::usage)?;
    let mut context =
        ToolContext::new(connection.client.clone()).with_client_info(clerk_tools::ClientInfo {
            name: "clerkctl".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        });
    if global.yes {
        context = context.with_grant(Grant::preapproved("--yes"));
    } else if io::stdin().is_terminal() && io::stderr().is_terminal() {
        context = context.with_confirmer(Arc::new(confirm::Terminal));
    }
    let toolkit = Toolkit::from_pipeline(pipeline, context);
    let tool = resolve(&toolkit, name)?;
    let mut args = args;
    if global.dry_run {
        if !toolkit.registry().takes_dry_run(tool.as_ref()) {
            return Err(Failure::usage(format!(
                "--dry-run only applies to tools that change something; {name} only reads"
            )));
        }
        args.insert(clerk_tools::dry_run::DRY_RUN_ARG.into(), Value::Bool(true));
    }
    let printer = Printer::new(global.output);
    if all {
        if !dynamic::is_list(tool.as_ref()) {
            return Err(Failure::usage(format!(
                "--all only applies to list tools; {name} is not one"
            )));
        }
        return paging::all(&toolkit, tool.as_ref(), args, &printer).await;
    }
    let result = toolkit.call(tool.name(), Some(args)).await?;
    let mut out = io::stdout().lock();
    printer.result(&mut out, &result, tool.output())?;
    out.flush()?;
    Ok(())
}

/// A tool by exact name, `category.name` or kebab-case name.
fn resolve(toolkit: &Toolkit, name: &str) -> Result<Arc<dyn Tool>, Failure> {
    let (category, bare) = match name.split_once('.') {
        Some((c, b)) => (Some(c), b),
        None => (None, name),
    };
    toolkit
        .get(bare)
        .or_else(|| {
            toolkit
                .tools()
                .iter()
                .find(|t| dynamic::names_tool(t.as_ref(), bare))
        })
        .filter(|t| category.is_none_or(|c| t.category().as_str() == c))
        .cloned()
        .ok_or_else(|| clerk_tools::CallError::UnknownTool(name.to_string()).into())
}

/// `call` arguments: `--json`, or stdin when it is absent or `-`. Empty means no arguments.
fn read_arguments(json: Option<&str>) -> Result<JsonObject, Failure> {
    let text = match json {
        Some(text) if text != "-" => text.to_string(),
        _ => {
            let mut stdin = io::stdin();
            if stdin.is_terminal() {
                eprintln!("reading the JSON arguments from stdin (end with Ctrl-D)…");
            }
            let mut text = String::new();
            stdin.read_to_string(&mut text).map_err(|e| {
                Failure::usage(format!("could not read the JSON arguments from stdin: {e}"))
            })?;
            text
        }
    };
    if text.trim().is_empty() {
        return Ok(JsonObject::new());
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(args)) => Ok(args),
        Ok(Value::Null) => Ok(JsonObject::new()),
        Ok(_) => Err(Failure::usage(
            "the arguments must be a JSON object, e.g. --json '{\"userId\":\"user_123\"}'",
        )),
        Err(e) => Err(Failure::usage(format!(
            "the arguments are not valid JSON: {e}"
        ))),
    }
}

/// `clerkctl tools`: a table, or the full definitions as JSON.
fn list_tools(toolkit: &Toolkit, json: bool) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &toolkit.definitions()).map_err(io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(["NAME", "CATEGORY", "RISK", "TITLE", "COMMAND"]);
    for t in toolkit.tools() {
        table.add_row([
            t.name().to_string(),
            t.category().to_string(),
            t.risk().to_string(),
            t.title().to_string(),
            format!("clerkctl {} {}", t.category(), dynamic::kebab(t.name())),
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

/// A command line has no context to save: every toolset unless `--toolsets` narrows it.
fn cli_toolsets(given: &[String]) -> Vec<String> {
    if given.is_empty() {
        vec!["all".into()]
    } else {
        given.to_vec()
    }
}
