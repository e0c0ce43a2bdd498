//! `server.json` (the official MCP registry's entry) agrees with the crate and the binary: the
//! name matches the README's `mcp-name:` token (the registry's ownership check for cargo
//! packages), the version and package are this crate's, the key is a secret environment
//! variable (never an argument), and every argument it names is a real flag.

use std::process::Command;

use serde_json::Value;

#[test]
fn server_json_matches_the_crate_and_the_binary() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/server.json"))
        .expect("server.json at the repository root");
    let s: Value = serde_json::from_str(&text).expect("server.json is JSON");
    let name = s["name"].as_str().unwrap();
    assert!(
        name.starts_with("io.github.") && name.contains('/'),
        "{name}"
    );
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(
        readme.contains(&format!("mcp-name: {name}`"))
            || readme.contains(&format!("mcp-name: {name}\n")),
        "the README (the crate's readme) carries a visible `mcp-name: {name}` token"
    );
    assert!(
        s["description"].as_str().unwrap().len() <= 100,
        "the registry limits descriptions to 100 characters"
    );
    assert_eq!(s["version"], env!("CARGO_PKG_VERSION"));
    let pkg = &s["packages"][0];
    assert_eq!(pkg["registryType"], "cargo");
    assert_eq!(pkg["identifier"], env!("CARGO_PKG_NAME"));
    assert_eq!(pkg["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(pkg["transport"]["type"], "stdio");
    let key = pkg["environmentVariables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "CLERK_SECRET_KEY")
        .expect("the key is an environment variable");
    assert_eq!(key["isSecret"], true);
    assert_eq!(key["isRequired"], true);
    let help = Command::new(env!("CARGO_BIN_EXE_clerk-mcp"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for arg in pkg["packageArguments"].as_array().unwrap() {
        let flag = arg["name"].as_str().unwrap();
        assert!(
            help.contains(flag),
            "server.json names {flag}, which clerk-mcp does not take"
        );
        assert!(!flag.contains("secret"), "no secret is an argument");
    }
}
