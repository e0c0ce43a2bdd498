//! # clerk-api-codegen
//!
//! Reads Clerk's vendored OpenAPI spec (`spec/clerk-bapi-2026-05-12.yml`) and writes the parts
//! of `clerk-api` that follow from it mechanically:
//!
//! * `crates/clerk-api/src/generated/<module>.rs`: one module per spec tag, one method per
//!   operation that is not written by hand, with its request body type and, for lists and other
//!   operations with query parameters, a builder ending in `.send()`;
//! * `crates/clerk-api/src/generated/models.rs`: lenient models of every response schema those
//!   operations use (unknown fields kept in `extra`, unknown enum values kept as `Other`,
//!   secrets as [`Secret`](https://docs.rs/clerk-api)`);
//! * `crates/clerk-api/src/operations.rs`: every operation of the spec and the SDK call that
//!   serves it (hand-written or generated);
//! * `crates/clerk-api/tests/operations.rs`: a wiremock test per generated operation.
//!
//! Run `cargo run -p clerk-api-codegen` after changing the spec or [`config`]; the test
//! `generated_code_is_current` fails when the checked-in output differs from what the
//! generator writes. Output is formatted with `rustfmt`.

pub mod config;
mod names;
mod rust;
mod tools;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

pub use names::{pascal, snake};

/// The spec's path, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/clerk-bapi-2026-05-12.yml";

/// Reads the spec from the workspace root and generates every file: path (relative to the
/// workspace root) → contents.
pub fn generate_from(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(root.join(SPEC_PATH))
        .map_err(|e| format!("cannot read {SPEC_PATH}: {e}"))?;
    let spec: Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{SPEC_PATH} does not parse: {e}"))?;
    let files = rust::generate(&spec)?;
    files
        .into_iter()
        .map(|(path, code)| Ok((path, rustfmt(&code)?)))
        .collect()
}

/// Formats Rust code with the toolchain's `rustfmt`.
fn rustfmt(code: &str) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = code.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked".to_string())?
        .map_err(|e| format!("cannot write to rustfmt: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first: String = err.lines().take(20).collect::<Vec<_>>().join("\n");
        return Err(format!("rustfmt rejected the generated code:\n{first}"));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output is not UTF-8: {e}"))
}

/// One non-deprecated operation of the spec.
#[derive(Debug, Clone)]
pub struct SpecOperation {
    /// `operationId`.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template, e.g. `/users/{user_id}`.
    pub path: String,
    /// First tag.
    pub tag: String,
}

/// Every non-deprecated operation of the spec, in the spec's order.
pub fn operations(spec: &Value) -> Vec<SpecOperation> {
    let mut out = Vec::new();
    let Some(paths) = spec["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let op = &item[method];
            if !op.is_object() || op["deprecated"].as_bool() == Some(true) {
                continue;
            }
            out.push(SpecOperation {
                operation_id: op["operationId"].as_str().unwrap_or_default().to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                tag: op["tags"][0].as_str().unwrap_or_default().to_string(),
            });
        }
    }
    out
}
