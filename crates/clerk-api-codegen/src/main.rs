//! `cargo run -p clerk-api-codegen [-- --check]`: writes (or, with `--check`, compares) the
//! generated parts of clerk-api.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = match clerk_api_codegen::generate_from(&root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (rel, code) in &files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == *code {
            continue;
        }
        if check {
            stale.push(rel.clone());
            continue;
        }
        if let Err(e) = write(&path, code) {
            eprintln!("error: cannot write {rel}: {e}");
            return ExitCode::FAILURE;
        }
        println!("wrote {rel}");
    }
    if check && !stale.is_empty() {
        eprintln!(
            "stale generated files (run `cargo run -p clerk-api-codegen`): {}",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    println!("{} files current", files.len());
    ExitCode::SUCCESS
}

fn write(path: &Path, code: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("rs.tmp");
    std::fs::write(&tmp, code)?;
    std::fs::rename(tmp, path)
}
