//! Printing results: exactly the tool's JSON (pretty on a terminal, one line otherwise), or a
//! table; NDJSON lines for `--all`.

use std::io::{self, IsTerminal, Write};

use clerk_tools::Output;
use serde_json::Value;

use crate::args::OutputFormat;
use crate::table;

/// How results are printed, from `--output` and whether stdout is a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: Option<OutputFormat>,
    tty: bool,
}

impl Printer {
    /// From `--output`; the default depends on whether stdout is a terminal.
    pub fn new(format: Option<OutputFormat>) -> Self {
        Printer {
            format,
            tty: io::stdout().is_terminal(),
        }
    }

    /// Whether list results are printed as tables (`--output table`, or a terminal by default).
    pub fn tables(&self) -> bool {
        match self.format {
            Some(OutputFormat::Table) => true,
            Some(OutputFormat::Json) => false,
            None => self.tty,
        }
    }

    /// Prints one tool result.
    pub fn result(&self, out: &mut impl Write, value: &Value, output: Output) -> io::Result<()> {
        let items = value.get("data").and_then(Value::as_array);
        match items {
            Some(items) if self.tables() => {
                if items.is_empty() {
                    eprintln!("no results");
                } else {
                    writeln!(out, "{}", table::list(kind(output), items))?;
                }
                if let Some(note) = page_note(value, items.len()) {
                    eprintln!("{note}");
                }
                Ok(())
            }
            _ if self.format == Some(OutputFormat::Table) => {
                writeln!(out, "{}", table::object(value))
            }
            _ => self.json(out, value),
        }
    }

    /// Prints a JSON document: pretty on a terminal, one line otherwise.
    pub fn json(&self, out: &mut impl Write, value: &Value) -> io::Result<()> {
        if self.tty {
            serde_json::to_writer_pretty(&mut *out, value)?;
        } else {
            serde_json::to_writer(&mut *out, value)?;
        }
        writeln!(out)
    }
}

/// One NDJSON line.
pub fn ndjson(out: &mut impl Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// The kind of Clerk object a tool returns (`user`, …).
pub fn kind(output: Output) -> Option<&'static str> {
    match output {
        Output::List(k) | Output::Bulk(k) | Output::Object(k) => Some(k),
        _ => None,
    }
}

/// `10 of 52 shown; next page: --offset 10 (or --all for every page)`.
fn page_note(page: &Value, shown: usize) -> Option<String> {
    let total = page.get("totalCount").and_then(Value::as_u64);
    let more = page
        .get("hasMore")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let next = page.get("nextOffset").and_then(Value::as_u64);
    let mut note = match total {
        Some(0) => return None,
        Some(t) => format!("{shown} of {t} shown"),
        None if more => format!("{shown} shown"),
        None => return None,
    };
    if more {
        match next {
            Some(n) => note.push_str(&format!(
                "; next page: --offset {n} (or --all for every page)"
            )),
            None => note.push_str("; more with --all"),
        }
    }
    Some(note)
}
