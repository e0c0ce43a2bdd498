//! `cargo run -p clerk-api --example coverage`: how many of the vendored spec's non-deprecated
//! operations the SDK serves, and which are missing (none, when the table is current).

use std::collections::BTreeSet;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/clerk-bapi-2026-05-12.yml"
    );
    let text = std::fs::read_to_string(path).expect("the vendored spec");
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("the spec parses");
    let mut in_spec = BTreeSet::new();
    for (p, item) in spec["paths"].as_object().expect("paths") {
        for m in ["get", "post", "put", "patch", "delete"] {
            let op = &item[m];
            if op.is_object() && op["deprecated"].as_bool() != Some(true) {
                in_spec.insert((
                    op["operationId"].as_str().unwrap_or_default(),
                    m,
                    p.as_str(),
                ));
            }
        }
    }
    let served: BTreeSet<&str> = clerk_api::operations::OPERATIONS
        .iter()
        .map(|o| o.operation_id)
        .collect();
    let missing: Vec<_> = in_spec
        .iter()
        .filter(|(id, _, _)| !served.contains(id))
        .collect();
    let hand = clerk_api::operations::OPERATIONS
        .iter()
        .filter(|o| !o.generated)
        .count();
    println!(
        "covered {}/{} operations ({hand} hand-written, {} generated)",
        in_spec.len() - missing.len(),
        in_spec.len(),
        clerk_api::operations::OPERATIONS.len() - hand
    );
    for (id, m, p) in &missing {
        println!("missing: {id} ({} {p})", m.to_uppercase());
    }
}
