//! Runs the real `clerkctl` binary against a Clerk emulator started in the test process (state
//! persists across invocations because the emulator outlives them).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use clerk_emulator::{Emulator, EmulatorConfig};
use predicates::prelude::*;
use serde_json::Value;

/// An emulator with demo data on a runtime kept alive for the test.
struct Clerk {
    emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl Clerk {
    fn start() -> Clerk {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(Emulator::start(EmulatorConfig::default()))
            .unwrap();
        Clerk {
            emulator,
            _runtime: runtime,
        }
    }

    /// `clerkctl` pointed at the emulator.
    fn cmd(&self) -> Command {
        let mut cmd = clerkctl();
        cmd.env("CLERK_API_URL", self.emulator.url())
            .env("CLERK_SECRET_KEY", self.emulator.secret_key());
        cmd
    }

    /// Runs `args` successfully and parses stdout as one JSON document.
    fn json(&self, args: &[&str]) -> Value {
        let out = self
            .cmd()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
    }
}

/// `clerkctl` with a clean environment.
fn clerkctl() -> Command {
    let mut cmd = Command::cargo_bin("clerkctl").unwrap();
    for var in [
        "CLERK_API_URL",
        "CLERK_SECRET_KEY",
        "CLERK_SECRET_KEY_FILE",
        "CREDENTIALS_DIRECTORY",
        "CLERKCTL_LOG",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn reads_the_user_count() {
    let clerk = Clerk::start();
    let count = clerk.json(&["users", "get-user-count"]);
    assert!(count["totalCount"].as_u64().unwrap() > 0, "{count}");
}

#[test]
fn the_exact_tool_name_is_an_alias() {
    let clerk = Clerk::start();
    let page = clerk.json(&["users", "getUserList", "--limit", "2"]);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["hasMore"], true);
}

#[test]
fn repeatable_flags_become_arrays() {
    let clerk = Clerk::start();
    let first = clerk.json(&["users", "get-user-list", "--limit", "2"]);
    let emails: Vec<&str> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    let found = clerk.json(&[
        "users",
        "get-user-list",
        "--email-address",
        emails[0],
        "--email-address",
        emails[1],
    ]);
    assert_eq!(found["totalCount"], 2, "{found}");
}

#[test]
fn list_tools_print_summaries_unless_view_full() {
    let clerk = Clerk::start();
    let summary = clerk.json(&["users", "get-user-list", "--limit", "1"]);
    let user = &summary["data"][0];
    assert!(
        user["email"].is_string() && user.get("email_addresses").is_none(),
        "{user}"
    );
    let full = clerk.json(&["users", "get-user-list", "--limit", "1", "--view", "full"]);
    let user = &full["data"][0];
    assert_eq!(user["object"], "user");
    assert!(user["email_addresses"].is_array(), "{user}");
    let call = clerk.json(&[
        "call",
        "getUserList",
        "--json",
        r#"{"limit":1,"view":"full"}"#,
    ]);
    assert_eq!(call["data"][0]["id"], user["id"]);
    assert!(call["data"][0]["email_addresses"].is_array());
    clerk
        .cmd()
        .args(["users", "get-user-list", "--view", "everything"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--view"));
}

#[test]
fn a_write_is_read_back() {
    let clerk = Clerk::start();
    let created = clerk.json(&[
        "organizations",
        "create-organization",
        "--name",
        "Gold Corp",
        "--slug",
        "gold-corp",
        "--public-metadata",
        r#"{"tier":"gold"}"#,
    ]);
    assert!(
        created["id"].as_str().unwrap().starts_with("org_"),
        "{created}"
    );
    let read = clerk.json(&[
        "organizations",
        "get-organization",
        "--slug",
        "gold-corp",
        "--include-members-count",
    ]);
    assert_eq!(read["id"], created["id"]);
    assert_eq!(read["name"], "Gold Corp");
    assert_eq!(read["public_metadata"]["tier"], "gold");
}

#[test]
fn bad_metadata_json_names_the_flag() {
    let clerk = Clerk::start();
    for bad in ["nope", "[1]"] {
        let out = clerk
            .cmd()
            .args([
                "organizations",
                "create-organization",
                "--name",
                "X",
                "--public-metadata",
                bad,
            ])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert!(
            err.contains("--public-metadata") && err.contains("JSON object"),
            "{err}"
        );
    }
}

#[test]
fn all_pages_stream_as_ndjson() {
    let clerk = Clerk::start();
    let total = clerk.json(&["users", "get-user-count"])["totalCount"]
        .as_u64()
        .unwrap();
    for extra in [&[][..], &["--limit", "7"][..]] {
        let out = clerk
            .cmd()
            .args(["users", "get-user-list", "--all"])
            .args(extra)
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        let ids: std::collections::BTreeSet<String> = stdout
            .lines()
            .map(|line| {
                let user: Value = serde_json::from_str(line).unwrap();
                // Summaries by default (no `object`, no `email_addresses`).
                assert!(user.get("email_addresses").is_none(), "{user}");
                let id = user["id"].as_str().unwrap();
                assert!(id.starts_with("user_"), "{id}");
                id.to_string()
            })
            .collect();
        assert_eq!(stdout.lines().count() as u64, total, "{extra:?}");
        assert_eq!(ids.len() as u64, total, "{extra:?}: duplicates");
        // The progress bar stays quiet when stderr is not a terminal.
        assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
    }
}

#[test]
fn table_output() {
    let clerk = Clerk::start();
    clerk
        .cmd()
        .args(["organizations", "get-organization-list", "-o", "table"])
        .assert()
        .success()
        .stdout(predicate::str::contains("SLUG").and(predicate::str::contains("acme")));
    clerk
        .cmd()
        .args([
            "users",
            "get-user-list",
            "--all",
            "--limit",
            "20",
            "--output",
            "table",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("EMAIL").and(predicate::str::contains("@example.com")))
        .stderr(predicate::str::contains("50 items"));
}

#[test]
fn out_of_range_and_missing_arguments_are_usage_errors() {
    let clerk = Clerk::start();
    clerk
        .cmd()
        .args(["users", "get-user-list", "--limit", "900"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--limit"));
    clerk
        .cmd()
        .args(["users", "get-user"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--user-id"));
    // Checked by the toolkit: neither id nor slug.
    clerk
        .cmd()
        .args(["organizations", "get-organization"])
        .assert()
        .code(2);
}

#[test]
fn a_clerk_error_exits_1_with_code_and_trace_id() {
    let clerk = Clerk::start();
    clerk
        .cmd()
        .args(["users", "get-user", "--user-id", "user_missing"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("resource_not_found")
                .and(predicate::str::contains("clerk_trace_id")),
        );
}

#[test]
fn call_with_json_and_with_stdin() {
    let clerk = Clerk::start();
    let page = clerk.json(&["call", "getOrganizationList", "--json", r#"{"limit":2}"#]);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);

    let out = clerk
        .cmd()
        .args(["call", "getOrganization"])
        .write_stdin(r#"{"slug":"acme"}"#)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let org: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(org["slug"], "acme");

    clerk
        .cmd()
        .args(["call", "getUserList", "--json", "-"])
        .write_stdin(r#"{"limit":900}"#)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("limit"));
    clerk
        .cmd()
        .args(["call", "getUser", "--json", "not json"])
        .assert()
        .code(2);
    clerk
        .cmd()
        .args(["call", "noSuchTool", "--json", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("noSuchTool"));
}

#[test]
fn tools_lists_every_definition() {
    let out = clerkctl()
        .args(["tools", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let defs: Value = serde_json::from_slice(&out).unwrap();
    // A command line offers every toolset by default; --toolsets narrows it.
    assert!(defs.as_array().unwrap().len() >= 200);
    let core = clerkctl()
        .args([
            "tools",
            "--json",
            "--toolsets",
            "users,organizations,invitations,sessions",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let core: Value = serde_json::from_slice(&core).unwrap();
    assert_eq!(core.as_array().unwrap().len(), 38);
    clerkctl().arg("tools").assert().success().stdout(
        predicate::str::contains("getUserList").and(predicate::str::contains("destructive")),
    );
}

#[test]
fn read_only_hides_write_tools() {
    let clerk = Clerk::start();
    clerk
        .cmd()
        .args(["--read-only", "users", "delete-user", "--user-id", "user_x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`users delete-user` (deleteUser) is disabled by --read-only",
        ));
    clerk
        .cmd()
        .args(["users", "get-user-count", "--read-only"])
        .assert()
        .success();
    let out = clerkctl()
        .args(["--read-only", "tools", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let defs: Value = serde_json::from_slice(&out).unwrap();
    assert!(
        defs.as_array()
            .unwrap()
            .iter()
            .all(|d| d["annotations"]["readOnlyHint"] == true)
    );
}

#[test]
fn a_tools_pattern_matching_nothing_exits_2() {
    clerkctl()
        .args(["--tools", "nothing.here", "tools"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing.here"));
    let out = clerkctl()
        .args(["--tools", "sessions", "tools", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let defs: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(defs.as_array().unwrap().len(), 3);
}

#[test]
fn tool_help_shows_its_description_and_flag_docs() {
    clerkctl()
        .args(["users", "get-user-list", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Find users")
                .and(predicate::str::contains("--email-address"))
                .and(predicate::str::contains("Exact email addresses"))
                .and(predicate::str::contains("--all")),
        );
    clerkctl().arg("--help").assert().success().stdout(
        predicate::str::contains("Exit status").and(predicate::str::contains("does not persist")),
    );
}

#[test]
fn bash_completions_include_the_tools() {
    clerkctl()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("get-user-list")
                .and(predicate::str::contains("--email-address")),
        );
}

#[test]
fn a_missing_key_says_how_to_give_one() {
    clerkctl()
        .args(["users", "get-user-count"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("CLERK_SECRET_KEY")
                .and(predicate::str::contains("--emulator")),
        );
}

#[test]
fn the_secret_key_is_never_printed() {
    let out = clerkctl()
        .args([
            "--secret-key",
            "sk_test_NEVERPRINT",
            "--api-url",
            "http://127.0.0.1:9",
            "users",
            "get-user-count",
        ])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), stderr_of(&out));
    assert!(
        !stdout.contains("NEVERPRINT") && !stderr.contains("NEVERPRINT"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.contains("--secret-key is visible"), "{stderr}");
    assert!(stderr.contains("could not reach Clerk"), "{stderr}");
}

#[test]
fn embedded_emulator() {
    let out = clerkctl()
        .args(["--emulator", "users", "get-user-count"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let count: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(count["totalCount"], 50);
}

#[test]
fn emulator_serve_runs_until_killed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = assert_cmd::cargo::cargo_bin("clerkctl");
    let mut child = std::process::Command::new(&bin)
        .args(["emulator", "serve", "--empty", "--port", &port.to_string()])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    for _ in 0..4 {
        stderr.read_line(&mut banner).unwrap();
    }
    let url = format!("http://127.0.0.1:{port}");
    assert!(
        banner.contains(&url) && banner.contains("CLERK_SECRET_KEY=sk_test_emulator"),
        "{banner}"
    );
    assert!(banner.contains("clerkctl users get-user-count"), "{banner}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let count = loop {
        let out = clerkctl()
            .env("CLERK_API_URL", &url)
            .env("CLERK_SECRET_KEY", "sk_test_emulator")
            .args(["users", "get-user-count"])
            .output()
            .unwrap();
        if out.status.success() {
            break serde_json::from_slice::<Value>(&out.stdout).unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "emulator never answered: {}",
            stderr_of(&out)
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(count["totalCount"], 0);
}

/// A risky command without a terminal and without `--yes` does nothing and says how to go on;
/// `--dry-run` shows the request; `--yes` runs it; `--audit-log` records every call.
#[test]
fn risky_commands_need_yes_or_a_terminal_and_dry_run_changes_nothing() {
    let clerk = Clerk::start();
    let users = clerk.json(&["users", "get-user-list", "--limit", "1"]);
    let id = users["data"][0]["id"].as_str().unwrap().to_string();

    let refused = clerk
        .cmd()
        .args(["users", "delete-user", "--user-id", &id])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr_of(&refused);
    assert!(err.contains("needs confirmation: Delete user "), "{err}");
    assert!(err.contains(&id) && err.contains("--yes"), "{err}");
    assert_eq!(
        clerk.json(&["users", "get-user", "--user-id", &id])["id"],
        id
    );

    let preview = clerk.json(&["users", "delete-user", "--user-id", &id, "--dry-run"]);
    assert_eq!(preview["dryRun"], true);
    assert_eq!(preview["wouldSend"][0]["method"], "DELETE");
    assert_eq!(
        clerk.json(&["users", "get-user", "--user-id", &id])["id"],
        id
    );

    let dir = std::env::temp_dir().join(format!("clerkctl-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("audit.jsonl");
    let log_arg = log.to_str().unwrap();
    let deleted = clerk.json(&[
        "users",
        "delete-user",
        "--user-id",
        &id,
        "--yes",
        "--audit-log",
        log_arg,
    ]);
    assert_eq!(deleted["deleted"], true);
    clerk
        .cmd()
        .args(["users", "get-user", "--user-id", &id])
        .assert()
        .code(1);
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["type"], "intent");
    assert_eq!(lines[1]["type"], "call");
    assert_eq!(lines[1]["confirmation"]["method"], "preapproved");
    assert_eq!(lines[1]["confirmation"]["by"], "--yes");
    assert_eq!(lines[1]["client"]["name"], "clerkctl");
    std::fs::remove_dir_all(&dir).ok();

    // `--max-risk read` leaves no destructive command.
    clerk
        .cmd()
        .args([
            "--max-risk",
            "read",
            "users",
            "delete-user",
            "--user-id",
            &id,
        ])
        .assert()
        .code(2);
    // Reads take no --dry-run.
    clerk
        .cmd()
        .args(["users", "get-user", "--user-id", &id, "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only reads"));
}

/// The key can come from a file only its owner can read, or from systemd's credential
/// directory; never needs to be on the command line.
#[cfg(unix)]
#[test]
fn the_key_comes_from_a_private_file_or_the_credentials_directory() {
    use std::os::unix::fs::PermissionsExt;
    let clerk = Clerk::start();
    let dir = std::env::temp_dir().join(format!("clerkctl-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("clerk-secret-key");
    std::fs::write(&file, format!("{}\n", clerk.emulator.secret_key())).unwrap();
    let count = |cmd: &mut Command| {
        cmd.env("CLERK_API_URL", clerk.emulator.url())
            .args(["users", "get-user-count"])
            .assert()
    };

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    count(clerkctl().args(["--secret-key-file", file.to_str().unwrap()]))
        .code(2)
        .stderr(
            predicate::str::contains("readable by other users")
                .and(predicate::str::contains("chmod 600")),
        );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    count(clerkctl().args(["--secret-key-file", file.to_str().unwrap()])).success();
    count(clerkctl().env("CLERK_SECRET_KEY_FILE", &file)).success();
    count(clerkctl().env("CREDENTIALS_DIRECTORY", &dir)).success();
    count(&mut clerkctl())
        .code(2)
        .stderr(predicate::str::contains("no Clerk secret key"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The mistakes a newcomer makes are named at once, with the fix.
#[test]
fn newcomer_mistakes_are_named_with_the_fix() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("CLERK_SECRET_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")],
            "publishable key",
        ),
        (&[("CLERK_SECRET_KEY", "sk_test_xxxxxxxx")], "placeholder"),
        (&[("CLERK_SECRET_KEY", "sk_test_…")], "placeholder"),
        (
            &[("CLERK_SECRET_KEY", "not-a-key")],
            "starts with sk_test_ or sk_live_",
        ),
        (
            &[
                ("CLERK_SECRET_KEY", "sk_test_abcdefghij"),
                ("CLERK_API_URL", "https://api.clerk.com/v1/v1"),
            ],
            "/v1 twice",
        ),
    ];
    for (env, expected) in cases {
        let mut cmd = clerkctl();
        for (k, v) in *env {
            cmd.env(k, v);
        }
        cmd.args(["users", "get-user-count"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*expected));
    }
    // `clerkctl tools` piped is JSON, like every other command.
    let out = clerkctl().args(["--emulator", "tools"]).output().unwrap();
    let defs: Value = serde_json::from_slice(&out.stdout).expect("JSON when piped");
    assert!(defs.as_array().unwrap().len() >= 38);
}

#[test]
fn man_page_is_generated() {
    let out = clerkctl().arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && page.contains(".TH clerkctl"),
        "{page}"
    );
    assert!(
        page.contains("users") && page.contains("completions"),
        "{page}"
    );
}
