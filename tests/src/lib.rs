//! Workspace-level end-to-end tests live in `tests/tests/`: they drive the built `clerk-mcp`
//! binary over stdio against an in-process emulator and read the resulting state back with the
//! `clerk-api` SDK. Run with `cargo test -p clerk-e2e` (after `cargo build -p clerk-mcp`, which
//! `cargo test --workspace` does).
