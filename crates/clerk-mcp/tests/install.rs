//! `clerk-mcp install | uninstall | list` on temporary homes, for every client: other entries
//! and settings are kept, the key never lands in `args`, a malformed file is refused untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-mcp");

struct Home(PathBuf);

impl Home {
    fn new(tag: &str) -> Home {
        let dir = std::env::temp_dir().join(format!(
            "clerk-mcp-install-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Home(dir)
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("HOME", &self.0)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("CLERK_SECRET_KEY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (client, file under HOME, what an existing file of it holds, how to find our entry)
fn clients() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "claude-desktop",
            ".config/Claude/claude_desktop_config.json",
            r#"{"globalShortcut": "x", "mcpServers": {"other": {"command": "other"}}}"#,
        ),
        (
            "claude-code",
            ".claude.json",
            r#"{"numStartups": 7, "projects": {"/p": {}}, "mcpServers": {"other": {"type": "stdio", "command": "other"}}}"#,
        ),
        (
            "cursor",
            ".cursor/mcp.json",
            r#"{"mcpServers": {"other": {"command": "other"}}}"#,
        ),
        (
            "vscode",
            ".config/Code/User/mcp.json",
            r#"{"inputs": [], "servers": {"other": {"type": "stdio", "command": "other"}}}"#,
        ),
        (
            "windsurf",
            ".codeium/windsurf/mcp_config.json",
            r#"{"mcpServers": {"other": {"command": "other"}}}"#,
        ),
        (
            "codex",
            ".codex/config.toml",
            "# my settings\nmodel = \"o3\"\n\n[mcp_servers.other]\ncommand = \"other\"\n",
        ),
        (
            "gemini",
            ".gemini/settings.json",
            r#"{"theme": "dark", "mcpServers": {"other": {"command": "other"}}}"#,
        ),
    ]
}

fn servers_of(client: &str, text: &str) -> serde_json::Value {
    if client == "codex" {
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        let mut out = serde_json::Map::new();
        if let Some(t) = doc.get("mcp_servers").and_then(|t| t.as_table()) {
            for (k, v) in t.iter() {
                out.insert(k.to_string(), serde_json::Value::String(v.to_string()));
            }
        }
        return serde_json::Value::Object(out);
    }
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v[if client == "vscode" {
        "servers"
    } else {
        "mcpServers"
    }]
    .clone()
}

fn read(home: &Home, file: &str) -> String {
    std::fs::read_to_string(home.0.join(file)).unwrap()
}

#[test]
fn every_client_gets_one_entry_and_keeps_the_rest() {
    for (client, file, existing) in clients() {
        let home = Home::new(client);
        let path = home.0.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, existing).unwrap();

        let out = home.run(
            &["install", "--client", client, "--store-key", "--read-only"],
            &[("CLERK_SECRET_KEY", "sk_test_installKeyValue1")],
        );
        assert!(
            out.status.success(),
            "{client}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = read(&home, file);
        let servers = servers_of(client, &text);
        assert!(
            servers.get("other").is_some(),
            "{client}: the other server was lost: {text}"
        );
        let ours = servers
            .get("clerk")
            .unwrap_or_else(|| panic!("{client}: no entry: {text}"));
        let ours = ours.to_string();
        assert!(ours.contains("--read-only"), "{client}: {ours}");
        // The key is in env, never in args.
        assert!(
            text.contains("sk_test_installKeyValue1"),
            "{client}: key not stored"
        );
        if client != "codex" {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let entry = &v[if client == "vscode" {
                "servers"
            } else {
                "mcpServers"
            }]["clerk"];
            assert!(
                !entry["args"].to_string().contains("sk_test"),
                "{client}: key in args"
            );
            assert_eq!(entry["env"]["CLERK_SECRET_KEY"], "sk_test_installKeyValue1");
        } else {
            assert!(
                text.contains("# my settings") && text.contains("model = \"o3\""),
                "{text}"
            );
        }
        // Other settings kept, a backup made, the file private (it holds a key).
        for kept in ["globalShortcut", "numStartups", "inputs", "theme"] {
            if existing.contains(kept) {
                assert!(text.contains(kept), "{client}: lost {kept}");
            }
        }
        assert_eq!(
            std::fs::read_to_string(format!("{}.bak", path.display())).unwrap(),
            existing
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{client}: readable by others");
        }
        // Again: replaced, not duplicated.
        let out = home.run(&["install", "--client", client, "--emulator"], &[]);
        assert!(out.status.success());
        let text = read(&home, file);
        assert_eq!(
            text.matches("\"clerk\"").count() + text.matches("mcp_servers.clerk]").count(),
            1,
            "{client}: {text}"
        );
        assert!(
            text.contains("--emulator") && !text.contains("--read-only"),
            "{client}: {text}"
        );
        // list sees it; uninstall removes only ours.
        let list = String::from_utf8_lossy(&home.run(&["list"], &[]).stdout).into_owned();
        assert!(list.contains(&format!("{client}: installed")), "{list}");
        let out = home.run(&["uninstall", "--client", client], &[]);
        assert!(out.status.success());
        let servers = servers_of(client, &read(&home, file));
        assert!(
            servers.get("clerk").is_none() && servers.get("other").is_some(),
            "{client}"
        );
    }
}

#[test]
fn http_entries_and_print() {
    let home = Home::new("http");
    for (client, expected) in [
        ("claude-code", r#""type": "http""#),
        ("vscode", r#""type": "http""#),
        ("cursor", r#""url": "https://mcp.example.com/mcp""#),
        ("windsurf", r#""serverUrl""#),
        ("gemini", r#""httpUrl""#),
        ("codex", r#"url = "https://mcp.example.com/mcp""#),
    ] {
        let out = home.run(
            &[
                "install",
                "--client",
                client,
                "--url",
                "https://mcp.example.com/mcp",
                "--print",
            ],
            &[],
        );
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains(expected), "{client}: {printed}");
    }
    assert!(
        !Path::new(&home.0.join(".cursor/mcp.json")).exists(),
        "--print wrote a file"
    );
}

#[test]
fn a_malformed_file_is_refused_and_untouched_and_keys_stay_off_the_command_line() {
    let home = Home::new("bad");
    let path = home.0.join(".cursor/mcp.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{ not json").unwrap();
    let out = home.run(&["install", "--client", "cursor", "--emulator"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    let out = home.run(
        &[
            "install",
            "--client",
            "cursor",
            "--secret-key",
            "sk_test_abcdefghijk",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("never writes a key from the command line")
    );
    let out = home.run(&["install", "--client", "notepad"], &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown client"));
}

#[test]
fn man_page_and_completions_are_generated() {
    let man = Command::new(BIN).arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.status.success() && page.contains(".TH clerk-mcp 1"),
        "{page}"
    );
    for word in ["install", "doctor", "\\-\\-audit\\-log"] {
        assert!(page.contains(word), "the man page lacks {word}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .unwrap();
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && script.contains("clerk-mcp"),
            "{shell}"
        );
        assert!(
            script.contains("install"),
            "{shell} completions lack install"
        );
    }
}

/// The README's man-page and completion commands work in a home where the target folders do
/// not exist yet: each one that writes under `~/` creates its folder first (`mkdir -p`), and
/// the `clerk-mcp` ones, run in a fresh home, leave the files behind.
#[test]
fn readme_install_commands_work_in_a_fresh_home() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("completions bash >") || l.contains(" man >"))
        .collect();
    assert!(lines.len() >= 3, "the README's commands moved: {lines:?}");
    for line in &lines {
        for target in line.split("> ").skip(1) {
            let target = target.split_whitespace().next().unwrap();
            let dir = &target[..target.rfind('/').unwrap()];
            let made = line
                .find(&format!("mkdir -p {dir}"))
                .is_some_and(|at| at < line.find(&format!("> {target}")).unwrap());
            assert!(
                made,
                "`{line}` writes {target} without `mkdir -p {dir}` first"
            );
        }
    }
    let home = Home::new("readme");
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in lines.iter().filter(|l| !l.contains("clerkctl")) {
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", line])
            .env("HOME", &home.0)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{line}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let completions = read(&home, ".local/share/bash-completion/completions/clerk-mcp");
    assert!(completions.contains("clerk-mcp"));
}
