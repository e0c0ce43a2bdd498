//! The README's tool tables (one per toolset) are generated from the registry: this test fails when they disagree.
//! `UPDATE_SNAPSHOTS=1 cargo test -p clerk-tools --test readme` rewrites it.

#[test]
fn readme_tool_table_matches_the_registry() {
    let client = clerk_api::Client::new("sk_test_unused").unwrap();
    let toolkit = clerk_tools::Toolkit::new(
        client,
        clerk_tools::ToolkitOptions {
            toolsets: vec!["all".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let table = toolkit.registry().markdown_toolsets();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (begin, end) = ("<!-- tools:begin -->\n", "<!-- tools:end -->");
    let start = readme
        .find(begin)
        .expect("README has the tools:begin marker")
        + begin.len();
    let stop = readme.find(end).expect("README has the tools:end marker");
    if readme[start..stop] != table {
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], table, &readme[stop..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "README tool table is stale: run UPDATE_SNAPSHOTS=1 cargo test -p clerk-tools --test readme"
            );
        }
    }
}
