//! `clerk-mcp install | uninstall | list`: one server entry in the MCP configuration of Claude
//! Desktop, Claude Code, Cursor, VS Code, Windsurf, Codex and Gemini CLI.
//!
//! Every other entry and setting of the file is kept; the file is written atomically (a
//! temporary file renamed over it) after a copy to `<file>.bak`; a file that does not parse is
//! refused and left untouched. The secret key is never put in `args`: with `--store-key` it goes
//! into the entry's `env` (and the file is made private), otherwise the user sets it.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// The clients we know.
pub const CLIENTS: &[&str] = &[
    "claude-desktop",
    "claude-code",
    "cursor",
    "vscode",
    "windsurf",
    "codex",
    "gemini",
];

/// What the entry runs. Its `Debug` leaves out the environment's values (the key).
#[derive(Clone)]
pub enum Target {
    /// This binary over stdio, with these arguments and environment.
    Stdio {
        /// The command (this executable's absolute path).
        command: String,
        /// Its arguments (never the key).
        args: Vec<String>,
        /// Its environment (the key, with `--store-key`).
        env: Map<String, Value>,
    },
    /// A remote clerk-mcp over Streamable HTTP.
    Http {
        /// Its URL.
        url: String,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Stdio { command, args, env } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", args)
                .field(
                    "env",
                    &env.keys()
                        .map(|k| format!("{k}=[REDACTED]"))
                        .collect::<Vec<_>>(),
                )
                .finish(),
            Target::Http { url } => f.debug_struct("Http").field("url", url).finish(),
        }
    }
}

/// An operating system (platform) whose client configuration paths we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux and the other Unix-likes (XDG layout).
    Linux,
    /// macOS (`~/Library/Application Support`).
    MacOs,
    /// Windows (`%APPDATA%`, `%USERPROFILE%`).
    Windows,
}

impl Platform {
    /// The operating system this binary was built for.
    pub fn current() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Linux
        }
    }
}

/// What locating a client's configuration reads from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathEnv {
    /// `HOME`.
    pub home: Option<String>,
    /// `USERPROFILE` (Windows' home).
    pub userprofile: Option<String>,
    /// `APPDATA` (Windows' roaming application data).
    pub appdata: Option<String>,
    /// `XDG_CONFIG_HOME` (Linux; used only when absolute, as the XDG spec says).
    pub xdg_config_home: Option<String>,
}

impl PathEnv {
    /// The variables of this process (empty values count as unset).
    pub fn from_process() -> PathEnv {
        let var = |name: &str| {
            std::env::var_os(name)
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| !v.is_empty())
        };
        PathEnv {
            home: var("HOME"),
            userprofile: var("USERPROFILE"),
            appdata: var("APPDATA"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
        }
    }
}

/// `base` joined with `parts`, with the separator of `os` (so a Windows path is right even
/// when computed, e.g. in a test, on another system).
fn join(os: Platform, base: &str, parts: &[&str]) -> PathBuf {
    if os == Platform::Windows {
        let mut path = base.trim_end_matches(['\\', '/']).to_string();
        for part in parts {
            path.push('\\');
            path.push_str(part);
        }
        PathBuf::from(path)
    } else {
        let mut path = PathBuf::from(base);
        path.extend(parts);
        path
    }
}

fn home(os: Platform, env: &PathEnv) -> Result<String, String> {
    let found = match os {
        // Node's `os.homedir()` (what the clients use) reads USERPROFILE on Windows.
        Platform::Windows => env.userprofile.clone().or_else(|| env.home.clone()),
        _ => env.home.clone(),
    };
    found.ok_or_else(|| {
        let var = if os == Platform::Windows {
            "USERPROFILE"
        } else {
            "HOME"
        };
        format!("cannot find the home directory ({var} is not set); give --config PATH")
    })
}

/// The user-level "application data" folder and the parts below it: `~/Library/Application
/// Support` on macOS, `%APPDATA%` (else `%USERPROFILE%\AppData\Roaming`) on Windows,
/// `$XDG_CONFIG_HOME` (when absolute) or `~/.config` elsewhere.
fn app_config(os: Platform, env: &PathEnv, parts: &[&str]) -> Result<PathBuf, String> {
    Ok(match os {
        Platform::MacOs => {
            let mut all = vec!["Library", "Application Support"];
            all.extend(parts);
            join(os, &home(os, env)?, &all)
        }
        Platform::Windows => match &env.appdata {
            Some(appdata) => join(os, appdata, parts),
            None => {
                let mut all = vec!["AppData", "Roaming"];
                all.extend(parts);
                join(os, &home(os, env)?, &all)
            }
        },
        Platform::Linux => match env
            .xdg_config_home
            .as_deref()
            .filter(|x| x.starts_with('/'))
        {
            Some(xdg) => join(os, xdg, parts),
            None => {
                let mut all = vec![".config"];
                all.extend(parts);
                join(os, &home(os, env)?, &all)
            }
        },
    })
}

/// Where a client keeps its user-level MCP configuration on `os`, given the environment: a
/// pure function of its arguments ([`config_path`] gives it this process's).
pub fn config_path_for(client: &str, os: Platform, env: &PathEnv) -> Result<PathBuf, String> {
    let in_home = |parts: &[&str]| home(os, env).map(|h| join(os, &h, parts));
    match client {
        "claude-desktop" => app_config(os, env, &["Claude", "claude_desktop_config.json"]),
        "claude-code" => in_home(&[".claude.json"]),
        "cursor" => in_home(&[".cursor", "mcp.json"]),
        "vscode" => app_config(os, env, &["Code", "User", "mcp.json"]),
        "windsurf" => in_home(&[".codeium", "windsurf", "mcp_config.json"]),
        "codex" => in_home(&[".codex", "config.toml"]),
        "gemini" => in_home(&[".gemini", "settings.json"]),
        other => Err(format!(
            "unknown client `{other}`: one of {}",
            CLIENTS.join(", ")
        )),
    }
}

/// Where a client keeps its user-level MCP configuration on this system.
pub fn config_path(client: &str) -> Result<PathBuf, String> {
    config_path_for(client, Platform::current(), &PathEnv::from_process())
}

/// The JSON key that holds the servers, and the entry for `target`, in a client's dialect.
fn json_entry(client: &str, target: &Target) -> (&'static str, Value) {
    let key = if client == "vscode" {
        "servers"
    } else {
        "mcpServers"
    };
    let entry = match target {
        Target::Stdio { command, args, env } => {
            let mut e = json!({"command": command, "args": args});
            if client == "vscode" || client == "claude-code" {
                e["type"] = json!("stdio");
            }
            if !env.is_empty() {
                e["env"] = Value::Object(env.clone());
            }
            e
        }
        Target::Http { url } => match client {
            "vscode" | "claude-code" => json!({"type": "http", "url": url}),
            "windsurf" => json!({"serverUrl": url}),
            "gemini" => json!({"httpUrl": url}),
            _ => json!({"url": url}),
        },
    };
    (key, entry)
}

fn codex_entry(target: &Target) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    match target {
        Target::Stdio { command, args, env } => {
            t["command"] = toml_edit::value(command.as_str());
            let mut a = toml_edit::Array::new();
            for x in args {
                a.push(x.as_str());
            }
            t["args"] = toml_edit::value(a);
            if !env.is_empty() {
                let mut e = toml_edit::InlineTable::new();
                for (k, v) in env {
                    e.insert(k, v.as_str().unwrap_or_default().into());
                }
                t["env"] = toml_edit::value(e);
            }
        }
        Target::Http { url } => {
            t["url"] = toml_edit::value(url.as_str());
        }
    }
    t
}

fn read(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn parse_json(path: &Path, text: Option<&str>) -> Result<Map<String, Value>, String> {
    match text.map(str::trim) {
        None | Some("") => Ok(Map::new()),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(format!(
                "{} is not a JSON object; not touching it",
                path.display()
            )),
            Err(e) => Err(format!(
                "{} is not valid JSON ({e}); fix it or give --config, it was not touched",
                path.display()
            )),
        },
    }
}

fn parse_toml(path: &Path, text: Option<&str>) -> Result<toml_edit::DocumentMut, String> {
    text.unwrap_or_default()
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| {
            format!(
                "{} is not valid TOML ({e}); fix it or give --config, it was not touched",
                path.display()
            )
        })
}

/// Writes `contents` to `path` atomically, after copying the old file to `<path>.bak`.
fn write_atomically(path: &Path, contents: &str, private: bool) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if path.exists() {
        let backup = PathBuf::from(format!("{}.bak", path.display()));
        std::fs::copy(path, &backup).map_err(|e| {
            format!(
                "cannot back up {} to {}: {e}",
                path.display(),
                backup.display()
            )
        })?;
    }
    let tmp = PathBuf::from(format!("{}.clerk-mcp-tmp", path.display()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::PermissionsExt;
            let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        let _ = private;
        f.write_all(contents.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))
}

/// The file's new contents with our entry `name` set (`Some`) or removed (`None`).
fn edited(
    client: &str,
    path: &Path,
    name: &str,
    target: Option<&Target>,
) -> Result<String, String> {
    let text = read(path)?;
    if client == "codex" {
        let mut doc = parse_toml(path, text.as_deref())?;
        if !doc.contains_table("mcp_servers") {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            doc["mcp_servers"] = toml_edit::Item::Table(t);
        }
        let servers = doc["mcp_servers"].as_table_mut().ok_or_else(|| {
            format!(
                "{}: mcp_servers is not a table; not touching it",
                path.display()
            )
        })?;
        match target {
            Some(t) => {
                servers.insert(name, toml_edit::Item::Table(codex_entry(t)));
            }
            None => {
                servers.remove(name);
            }
        }
        return Ok(doc.to_string());
    }
    let mut root = parse_json(path, text.as_deref())?;
    let (key, _) = json_entry(client, &Target::Http { url: String::new() });
    let servers = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
    let Some(servers) = servers.as_object_mut() else {
        return Err(format!(
            "{}: `{key}` is not an object; not touching it",
            path.display()
        ));
    };
    match target {
        Some(t) => {
            servers.insert(name.to_string(), json_entry(client, t).1);
        }
        None => {
            servers.remove(name);
        }
    }
    serde_json::to_string_pretty(&Value::Object(root))
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// The entry as it would be written (for `--print`).
pub fn printed(client: &str, name: &str, target: &Target) -> String {
    if client == "codex" {
        let mut doc = toml_edit::DocumentMut::new();
        let mut servers = toml_edit::Table::new();
        servers.set_implicit(true);
        servers.insert(name, toml_edit::Item::Table(codex_entry(target)));
        doc["mcp_servers"] = toml_edit::Item::Table(servers);
        return doc.to_string();
    }
    let (key, entry) = json_entry(client, target);
    serde_json::to_string_pretty(&json!({ key: { name: entry } })).unwrap_or_default()
}

/// Adds or replaces the entry; the path written.
pub fn install(
    client: &str,
    config: Option<PathBuf>,
    name: &str,
    target: &Target,
) -> Result<PathBuf, String> {
    let path = match config {
        Some(p) => p,
        None => config_path(client)?,
    };
    let contents = edited(client, &path, name, Some(target))?;
    let private = matches!(target, Target::Stdio { env, .. } if !env.is_empty());
    write_atomically(&path, &contents, private)?;
    Ok(path)
}

/// Removes the entry (only ours); whether there was one.
pub fn uninstall(
    client: &str,
    config: Option<PathBuf>,
    name: &str,
) -> Result<(PathBuf, bool), String> {
    let path = match config {
        Some(p) => p,
        None => config_path(client)?,
    };
    if !path.exists() || !has_entry(client, &path, name)? {
        return Ok((path, false));
    }
    let contents = edited(client, &path, name, None)?;
    write_atomically(&path, &contents, false)?;
    Ok((path, true))
}

/// Whether the client's file has an entry `name`.
pub fn has_entry(client: &str, path: &Path, name: &str) -> Result<bool, String> {
    let text = read(path)?;
    if client == "codex" {
        let doc = parse_toml(path, text.as_deref())?;
        return Ok(doc
            .get("mcp_servers")
            .and_then(|s| s.as_table_like())
            .is_some_and(|s| s.contains_key(name)));
    }
    let root = parse_json(path, text.as_deref())?;
    let (key, _) = json_entry(client, &Target::Http { url: String::new() });
    Ok(root.get(key).and_then(|s| s.get(name)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_not_in_debug() {
        let mut env = Map::new();
        env.insert("CLERK_SECRET_KEY".into(), json!("sk_test_debugLeakCheck1"));
        let t = Target::Stdio {
            command: "clerk-mcp".into(),
            args: vec!["--read-only".into()],
            env,
        };
        let d = format!("{t:?}");
        assert!(
            !d.contains("debugLeakCheck") && d.contains("CLERK_SECRET_KEY=[REDACTED]"),
            "{d}"
        );
    }

    fn env(pairs: &[(&str, &str)]) -> PathEnv {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        };
        PathEnv {
            home: get("HOME"),
            userprofile: get("USERPROFILE"),
            appdata: get("APPDATA"),
            xdg_config_home: get("XDG_CONFIG_HOME"),
        }
    }

    fn paths(os: Platform, env: &PathEnv) -> Vec<(&'static str, String)> {
        CLIENTS
            .iter()
            .map(|c| {
                let p = config_path_for(c, os, env).unwrap();
                (*c, p.to_string_lossy().into_owned())
            })
            .collect()
    }

    #[test]
    fn config_paths_on_linux() {
        let e = env(&[("HOME", "/home/ada")]);
        assert_eq!(
            paths(Platform::Linux, &e),
            [
                (
                    "claude-desktop",
                    "/home/ada/.config/Claude/claude_desktop_config.json"
                ),
                ("claude-code", "/home/ada/.claude.json"),
                ("cursor", "/home/ada/.cursor/mcp.json"),
                ("vscode", "/home/ada/.config/Code/User/mcp.json"),
                ("windsurf", "/home/ada/.codeium/windsurf/mcp_config.json"),
                ("codex", "/home/ada/.codex/config.toml"),
                ("gemini", "/home/ada/.gemini/settings.json"),
            ]
            .map(|(c, p)| (c, p.to_string()))
        );
        // XDG_CONFIG_HOME moves the application-data clients only; a relative one is ignored.
        let e = env(&[("HOME", "/home/ada"), ("XDG_CONFIG_HOME", "/cfg")]);
        let p = |c| config_path_for(c, Platform::Linux, &e).unwrap();
        assert_eq!(
            p("claude-desktop"),
            PathBuf::from("/cfg/Claude/claude_desktop_config.json")
        );
        assert_eq!(p("vscode"), PathBuf::from("/cfg/Code/User/mcp.json"));
        assert_eq!(p("cursor"), PathBuf::from("/home/ada/.cursor/mcp.json"));
        let e = env(&[("HOME", "/home/ada"), ("XDG_CONFIG_HOME", "rel")]);
        assert_eq!(
            config_path_for("vscode", Platform::Linux, &e).unwrap(),
            PathBuf::from("/home/ada/.config/Code/User/mcp.json")
        );
    }

    #[test]
    fn config_paths_on_macos() {
        // XDG_CONFIG_HOME is not what macOS applications read.
        let e = env(&[("HOME", "/Users/ada"), ("XDG_CONFIG_HOME", "/cfg")]);
        assert_eq!(
            paths(Platform::MacOs, &e),
            [
                (
                    "claude-desktop",
                    "/Users/ada/Library/Application Support/Claude/claude_desktop_config.json"
                ),
                ("claude-code", "/Users/ada/.claude.json"),
                ("cursor", "/Users/ada/.cursor/mcp.json"),
                (
                    "vscode",
                    "/Users/ada/Library/Application Support/Code/User/mcp.json"
                ),
                ("windsurf", "/Users/ada/.codeium/windsurf/mcp_config.json"),
                ("codex", "/Users/ada/.codex/config.toml"),
                ("gemini", "/Users/ada/.gemini/settings.json"),
            ]
            .map(|(c, p)| (c, p.to_string()))
        );
    }

    #[test]
    fn config_paths_on_windows() {
        let e = env(&[
            ("USERPROFILE", r"C:\Users\ada"),
            ("APPDATA", r"C:\Users\ada\AppData\Roaming"),
            // Set by Git Bash and MSYS; the clients use USERPROFILE.
            ("HOME", "/c/Users/ada"),
        ]);
        assert_eq!(
            paths(Platform::Windows, &e),
            [
                (
                    "claude-desktop",
                    r"C:\Users\ada\AppData\Roaming\Claude\claude_desktop_config.json"
                ),
                ("claude-code", r"C:\Users\ada\.claude.json"),
                ("cursor", r"C:\Users\ada\.cursor\mcp.json"),
                ("vscode", r"C:\Users\ada\AppData\Roaming\Code\User\mcp.json"),
                (
                    "windsurf",
                    r"C:\Users\ada\.codeium\windsurf\mcp_config.json"
                ),
                ("codex", r"C:\Users\ada\.codex\config.toml"),
                ("gemini", r"C:\Users\ada\.gemini\settings.json"),
            ]
            .map(|(c, p)| (c, p.to_string()))
        );
        // Without APPDATA: the roaming folder under the profile.
        let e = env(&[("USERPROFILE", r"C:\Users\ada\")]);
        assert_eq!(
            config_path_for("claude-desktop", Platform::Windows, &e).unwrap(),
            PathBuf::from(r"C:\Users\ada\AppData\Roaming\Claude\claude_desktop_config.json")
        );
    }

    #[test]
    fn a_missing_home_or_client_is_an_error_naming_what_to_do() {
        let err = config_path_for("cursor", Platform::Linux, &PathEnv::default()).unwrap_err();
        assert!(err.contains("HOME") && err.contains("--config"), "{err}");
        let err = config_path_for("cursor", Platform::Windows, &PathEnv::default()).unwrap_err();
        assert!(err.contains("USERPROFILE"), "{err}");
        let err = config_path_for("emacs", Platform::Linux, &env(&[("HOME", "/h")])).unwrap_err();
        assert!(
            err.contains("unknown client `emacs`") && err.contains("claude-desktop"),
            "{err}"
        );
        assert_eq!(
            config_path("cursor").unwrap(),
            config_path_for("cursor", Platform::current(), &PathEnv::from_process()).unwrap()
        );
    }
}
