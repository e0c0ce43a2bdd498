//! Every non-deprecated operation of the vendored spec maps to an SDK call, and every mapping
//! names a real operation (same method and path).

mod support;

use std::collections::BTreeMap;

use clerk_api::operations::{OPERATIONS, find};

#[test]
fn every_operation_of_the_spec_has_an_sdk_call() {
    let mut in_spec = BTreeMap::new();
    for (p, item) in support::spec()["paths"].as_object().unwrap() {
        for m in ["get", "post", "put", "patch", "delete"] {
            let op = &item[m];
            if op.is_object() && op["deprecated"].as_bool() != Some(true) {
                in_spec.insert(
                    op["operationId"].as_str().unwrap().to_string(),
                    (m.to_uppercase(), p.clone()),
                );
            }
        }
    }
    assert_eq!(
        in_spec.len(),
        235,
        "the vendored spec has 235 non-deprecated operations"
    );
    let missing: Vec<&String> = in_spec.keys().filter(|id| find(id).is_none()).collect();
    assert!(
        missing.is_empty(),
        "operations with no SDK call: {missing:?}"
    );
    for op in OPERATIONS {
        let (method, path) = in_spec
            .get(op.operation_id)
            .unwrap_or_else(|| panic!("{} maps to no operation of the spec", op.operation_id));
        assert_eq!(
            (op.method, op.path),
            (method.as_str(), path.as_str()),
            "{}",
            op.operation_id
        );
        assert!(
            op.call.starts_with("client."),
            "{}: {}",
            op.operation_id,
            op.call
        );
    }
    assert_eq!(OPERATIONS.len(), in_spec.len(), "one entry per operation");
    assert!(
        OPERATIONS
            .windows(2)
            .all(|w| w[0].operation_id < w[1].operation_id),
        "sorted, unique"
    );
}

#[test]
fn hand_written_calls_name_documented_methods() {
    // Each hand-written call's method is documented with the operation's `METHOD /path` in its
    // module, so the table and the code cannot drift apart silently.
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut sources = String::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            sources.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let normalise = |p: &str| {
        let mut out = String::new();
        let mut depth = 0;
        for c in p.chars() {
            match c {
                '{' => {
                    depth += 1;
                    out.push_str("{}");
                }
                '}' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    let documented: Vec<String> = sources
        .lines()
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix("/// `")?;
            let end = l.find('`')?;
            Some(normalise(&l[..end]))
        })
        .collect();
    for op in OPERATIONS.iter().filter(|o| !o.generated) {
        let want = format!("{} {}", op.method, normalise(op.path));
        assert!(
            documented.contains(&want),
            "{} ({want}) is marked hand-written but no method documents it",
            op.operation_id
        );
        let method = op.call.rsplit('.').next().unwrap();
        assert!(
            sources.contains(&format!("fn {method}("))
                || sources.contains(&format!("fn {method}<")),
            "{}: no method `{method}`",
            op.operation_id
        );
    }
}
