//! The checked-in generated code is what the generator writes from the vendored spec.

use std::path::PathBuf;

#[test]
fn generated_code_is_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = clerk_api_codegen::generate_from(&root).expect("the generator runs");
    assert!(files.len() > 10, "the generator writes every module");
    let mut stale = Vec::new();
    for (rel, code) in &files {
        let on_disk = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if on_disk != *code {
            stale.push(rel.as_str());
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from the generator's output; run `cargo run -p clerk-api-codegen`: {stale:?}"
    );
}
