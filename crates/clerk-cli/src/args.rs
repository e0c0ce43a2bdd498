//! The fixed part of the command line: global flags (shared with `clerk-mcp`), the built-in
//! subcommands (`call`, `tools`, `completions`, `emulator`) and a light pre-scan of argv that
//! finds, before clap runs, what the generated part of the command tree depends on.

use std::ffi::OsString;

use clap::{ArgAction, Args, Subcommand, ValueEnum};

/// Flags accepted before or after any subcommand.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Tools to enable: `*`, a category (users, organizations, invitations, sessions),
    /// `category.*`, `category.toolName`, or a glob like `users.get*`. Repeatable; also
    /// comma-separated. Default: all.
    #[arg(
        short = 't',
        long = "tools",
        value_name = "PATTERN",
        action = ArgAction::Append,
        global = true
    )]
    pub tools: Vec<String>,

    /// Toolsets to offer (users, organizations, invitations, sessions, identifiers, security,
    /// instance, oauth, jwt, machines, roles, enterprise, waitlist, webhooks, billing, agents,
    /// clients). Default: all of them.
    #[arg(long = "toolsets", value_name = "TOOLSET", action = ArgAction::Append, global = true)]
    pub toolsets: Vec<String>,

    /// Only offer read-only tools (wins over --tools).
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Keep private_metadata in results (removed everywhere by default).
    #[arg(long, global = true)]
    pub allow_private_metadata: bool,

    /// Clerk API origin (default `https://api.clerk.com`) [env: CLERK_API_URL].
    #[arg(long, value_name = "URL", global = true)]
    pub api_url: Option<String>,

    /// Clerk secret key. Prefer the CLERK_SECRET_KEY environment variable: command lines are
    /// visible to other users of the machine.
    #[arg(
        long = "secret-key",
        visible_alias = "sk",
        value_name = "KEY",
        global = true
    )]
    pub secret_key: Option<String>,

    /// A file holding the Clerk secret key (must not be readable by other users). Also
    /// CLERK_SECRET_KEY_FILE, or systemd's $CREDENTIALS_DIRECTORY/clerk-secret-key.
    #[arg(
        long,
        value_name = "PATH",
        global = true,
        conflicts_with = "secret_key"
    )]
    pub secret_key_file: Option<std::path::PathBuf>,
    /// Run the command on an embedded, offline Clerk emulator seeded with demo data (no key
    /// needed). Its state lives only for this one invocation: changes do not persist between
    /// commands (use `clerkctl emulator serve` for a long-lived one).
    #[arg(long, global = true, conflicts_with = "secret_key")]
    pub emulator: bool,

    /// Answer yes to confirmation questions (deletions, bans, revocations) without asking. Without
    /// it clerkctl asks on the terminal, and refuses when there is none.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// For tools that change something: print what would be done (the Clerk requests and the
    /// current target) and change nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Risk classes that need confirmation: `none`, or comma-separated write, destructive,
    /// credentials, instance. Default: destructive,credentials,instance.
    #[arg(long, value_name = "RISKS", global = true, value_parser = clerk_tools::governance::parse_confirm)]
    pub confirm: Option<std::collections::BTreeSet<clerk_tools::Risk>>,
    /// Offer only tools up to this risk: read, write, destructive, credentials or instance.
    #[arg(long, value_name = "RISK", global = true)]
    pub max_risk: Option<clerk_tools::Risk>,
    /// Secret classes shown unmasked in results: comma-separated keys, tokens, links, mfa.
    #[arg(long, value_name = "CLASSES", global = true, value_parser = clerk_tools::governance::parse_reveal)]
    pub reveal: Option<std::collections::BTreeSet<clerk_tools::SecretClass>>,
    /// Write one JSON line per tool call to this file (appended) or `stderr`. Repeatable.
    #[arg(long = "audit-log", value_name = "PATH|stderr", global = true, action = ArgAction::Append)]
    pub audit_log: Vec<String>,
    /// When the audit file is synced: never, writes, always.
    #[arg(long, value_name = "POLICY", global = true, default_value = "writes")]
    pub audit_fsync: clerk_tools::Fsync,
    /// Output format. Default: JSON when stdout is not a terminal; on a terminal a table for
    /// lists and pretty JSON for everything else.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", global = true)]
    pub output: Option<OutputFormat>,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The tool's structured result as JSON (NDJSON items with `--all`).
    Json,
    /// A readable table.
    Table,
}

// The subcommands that are not tools (a doc comment here would become clerkctl's about).
#[derive(Debug, Clone, Subcommand)]
pub enum Builtin {
    /// Call a tool by its exact name with JSON arguments (from --json, or stdin).
    #[command(after_help = crate::EXIT_CODES)]
    Call {
        /// Tool name, e.g. `getUserList` (also `users.getUserList` or `get-user-list`).
        #[arg(value_name = "TOOL")]
        tool: String,
        /// Arguments as a JSON object. Absent or `-`: read from stdin.
        #[arg(long, value_name = "JSON")]
        json: Option<String>,
        /// For list tools: fetch every page (see `--all` on list subcommands).
        #[arg(long)]
        all: bool,
    },
    /// List the available tools (name, category, kind, title).
    Tools {
        /// Print the full definitions (name, title, description, input and output schemas,
        /// annotations) as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script to stdout, e.g. `mkdir -p
    /// ~/.local/share/bash-completion/completions && clerkctl completions bash >
    /// ~/.local/share/bash-completion/completions/clerkctl`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `clerkctl man > clerkctl.1`.
    Man,
    /// Run the offline Clerk emulator.
    Emulator {
        #[command(subcommand)]
        command: EmulatorCommand,
    },
}

// `clerkctl emulator …`.
#[derive(Debug, Clone, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator until Ctrl-C, printing the URL and secret key to use.
    Serve(ServeArgs),
}

/// `clerkctl emulator serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8787, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Address to listen on. Anything but loopback needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Listen on a non-loopback --host. The emulator's admin API (/__emulator/: state, faults,
    /// reset) has no authentication, and its secret key is public: anyone who reaches the
    /// address can read and change everything.
    #[arg(long)]
    pub allow_remote: bool,
    /// Start from a state file (written by the emulator's save / `GET /__emulator/state`)
    /// instead of the demo data.
    #[arg(long, value_name = "FILE", conflicts_with = "empty")]
    pub seed: Option<std::path::PathBuf>,
    /// Start with no data at all instead of the demo data.
    #[arg(long)]
    pub empty: bool,
    /// Rate-limit like a Clerk development instance (100 requests per 10 s).
    #[arg(long)]
    pub rate_limit: bool,
    /// Add this fixed latency to every API request.
    #[arg(long, value_name = "N")]
    pub latency_ms: Option<u64>,
}

/// What the generated part of the command tree depends on, found by [`prescan`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prescan {
    /// `--tools` patterns.
    pub tools: Vec<String>,
    /// `--toolsets`.
    pub toolsets: Vec<String>,
    /// `--read-only`.
    pub read_only: bool,
    /// `--max-risk`.
    pub max_risk: Option<clerk_tools::Risk>,
    /// The first positional arguments (subcommand names), `help` skipped.
    pub words: Vec<String>,
}

/// Global flags that take a value (their value is not a subcommand name).
const VALUE_LONGS: &[&str] = &[
    "tools",
    "toolsets",
    "api-url",
    "secret-key",
    "secret-key-file",
    "sk",
    "output",
    "confirm",
    "max-risk",
    "reveal",
    "audit-log",
    "audit-fsync",
];
const VALUE_SHORTS: &[char] = &['t', 'o'];

/// Finds `--tools`, `--read-only` and the subcommand names without clap (the generated
/// subcommands depend on them). clap parses everything again afterwards.
pub fn prescan(argv: &[OsString]) -> Prescan {
    let mut out = Prescan::default();
    let mut tokens = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(token) = tokens.next() {
        if token == "--" {
            break;
        }
        if let Some(long) = token.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if name == "read-only" {
                out.read_only = true;
            } else if VALUE_LONGS.contains(&name) {
                let value = inline.or_else(|| tokens.next().map(|t| t.into_owned()));
                if name == "tools" {
                    out.tools.extend(value);
                } else if name == "toolsets" {
                    out.toolsets.extend(value);
                } else if name == "max-risk" {
                    out.max_risk = value.and_then(|v| v.parse().ok());
                }
            }
        } else if let Some(short) = token.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            let first = chars.next().unwrap_or_default();
            if VALUE_SHORTS.contains(&first) {
                let rest = chars.as_str().trim_start_matches('=');
                let value = if rest.is_empty() {
                    tokens.next().map(|t| t.into_owned())
                } else {
                    Some(rest.to_string())
                };
                if first == 't' {
                    out.tools.extend(value);
                }
            }
        } else if out.words.len() < 2 && !(out.words.is_empty() && token == "help") {
            out.words.push(token.into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(line: &str) -> Prescan {
        let argv: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        prescan(&argv)
    }

    #[test]
    fn finds_scope_and_subcommands_wherever_they_are() {
        let p = scan(
            "clerkctl -o json --tools users users --read-only get-user-list --limit 5 -t=sessions",
        );
        assert_eq!(p.tools, ["users", "sessions"]);
        assert!(p.read_only);
        assert_eq!(p.words, ["users", "get-user-list"]);
        let p = scan("clerkctl --api-url http://x help users get-user -- --read-only");
        assert_eq!(p.words, ["users", "get-user"]);
        assert!(!p.read_only);
        let p = scan("clerkctl --max-risk write --confirm none users list");
        assert_eq!(p.max_risk, Some(clerk_tools::Risk::Write));
        assert_eq!(p.words, ["users", "list"]);
        let p = scan("clerkctl --tools=users.get* -tsessions call getUser");
        assert_eq!(p.tools, ["users.get*", "sessions"]);
        assert_eq!(p.words, ["call", "getUser"]);
    }
}
