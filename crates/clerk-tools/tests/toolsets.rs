//! The `tools/list` of each toolset (and of dynamic mode) is checked in: a change to any tool's
//! definition shows up in review. `UPDATE_SNAPSHOTS=1 cargo test -p clerk-tools --test toolsets`
//! accepts the new ones. Also prints the sizes (the figures the README quotes).

use clerk_tools::{Category, Toolkit, ToolkitOptions};
use serde_json::Value;

fn toolkit(toolsets: &[&str]) -> Toolkit {
    let client = clerk_api::Client::new("sk_test_unused").unwrap();
    Toolkit::new(
        client,
        ToolkitOptions {
            toolsets: toolsets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn check(name: &str, defs: &Value, stale: &mut Vec<String>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/toolsets");
    let path = format!("{dir}/{name}.json");
    let text = serde_json::to_string_pretty(defs).unwrap() + "\n";
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != text {
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&path, text).unwrap();
        } else {
            stale.push(name.to_string());
        }
    }
}

#[test]
fn tools_list_of_every_toolset_matches_its_snapshot() {
    let mut stale = Vec::new();
    let mut total_bytes = 0;
    let mut total_tools = 0;
    for c in Category::ALL {
        let t = toolkit(&[c.as_str()]);
        let defs = t.definitions();
        let n = defs.as_array().unwrap().len();
        assert!(n > 0, "toolset {c} has no tool");
        let bytes = serde_json::to_string(&defs).unwrap().len();
        println!(
            "{:<14} {n:>3} tools {bytes:>7} bytes {:>5} B/tool",
            c.as_str(),
            bytes / n
        );
        total_bytes += bytes;
        total_tools += n;
        check(c.as_str(), &defs, &mut stale);
    }
    let all = toolkit(&["all"]);
    assert_eq!(
        all.tools().len(),
        total_tools,
        "every tool is in exactly one toolset"
    );
    println!(
        "{:<14} {total_tools:>3} tools {total_bytes:>7} bytes {:>5} B/tool",
        "all",
        total_bytes / total_tools
    );

    let dynamic = all.map_pipeline(|p| p.with_dynamic(true));
    let defs = Value::Array(dynamic.pipeline().definitions_for(dynamic.context()));
    let bytes = serde_json::to_string(&defs).unwrap().len();
    println!(
        "{:<14} {:>3} tools {bytes:>7} bytes (for all {total_tools})",
        "--dynamic", 3
    );
    assert!(bytes <= 4096, "dynamic tools/list is {bytes} bytes");
    check("dynamic", &defs, &mut stale);

    assert!(
        stale.is_empty(),
        "tools/list changed for {stale:?}; review and run `UPDATE_SNAPSHOTS=1 cargo test -p clerk-tools --test toolsets`"
    );
}
