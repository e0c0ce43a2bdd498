//! `--all`: walk every page of a list tool (limit 500, offset = the previous `nextOffset` while
//! `hasMore`), streaming the items as they arrive, with a progress bar on stderr.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use clerk_tools::{JsonObject, Tool, Toolkit};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;

use crate::failure::Failure;
use crate::output::{self, Printer};
use crate::table;

/// Page size of `--all` unless `--limit` is given (Clerk's maximum).
pub const PAGE_SIZE: u64 = 500;

/// Fetches every page of `tool` from `args` (`offset` as the start, `limit` as the page size)
/// and prints the items: NDJSON lines as pages arrive, or one table at the end.
pub async fn all(
    toolkit: &Toolkit,
    tool: &dyn Tool,
    mut args: JsonObject,
    printer: &Printer,
) -> Result<(), Failure> {
    let schema = tool.input_schema();
    let declares = |name: &str| schema.get("properties").and_then(|p| p.get(name)).is_some();
    let pageable = declares("limit") && declares("offset");
    if pageable && !args.contains_key("limit") {
        args.insert("limit".into(), PAGE_SIZE.into());
    }
    let mut offset = args.get("offset").and_then(Value::as_u64).unwrap_or(0);

    let bar = progress_bar();
    let tables = printer.tables();
    let mut collected: Vec<Value> = Vec::new();
    let mut pages = 0u32;
    loop {
        if pageable {
            args.insert("offset".into(), offset.into());
        }
        let page = match toolkit.call(tool.name(), Some(args.clone())).await {
            Ok(p) => p,
            Err(e) => {
                bar.abandon();
                return Err(e.into());
            }
        };
        pages += 1;
        let items = match page.get("data") {
            Some(Value::Array(items)) => items.as_slice(),
            _ => &[],
        };
        if let Some(total) = page.get("totalCount").and_then(Value::as_u64)
            && bar.length() != Some(total)
        {
            bar.set_style(counted_style());
            bar.set_length(total);
        }
        bar.inc(items.len() as u64);
        if tables {
            collected.extend(items.iter().cloned());
        } else {
            bar.suspend(|| -> io::Result<()> {
                let mut out = io::stdout().lock();
                for item in items {
                    output::ndjson(&mut out, item)?;
                }
                out.flush()
            })?;
        }
        let more = page
            .get("hasMore")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match page.get("nextOffset").and_then(Value::as_u64) {
            Some(next) if pageable && more && next > offset && !items.is_empty() => offset = next,
            _ => break,
        }
    }
    bar.finish_and_clear();
    tracing::debug!(pages, "fetched every page");
    if tables {
        if collected.is_empty() {
            eprintln!("no results");
        } else {
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "{}",
                table::list(output::kind(tool.output()), &collected)
            )?;
            eprintln!("{} items", collected.len());
        }
    }
    Ok(())
}

/// A bar on stderr, hidden when stderr is not a terminal.
fn progress_bar() -> ProgressBar {
    let visible = io::stderr().is_terminal();
    let target = if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} fetched")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    if visible {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    bar
}

fn counted_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} fetched")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}
