//! Asking the person on the terminal before a risky call (`--yes` skips it).

use std::io::{BufRead, BufReader, Write};

use clerk_tools::{ConfirmAnswer, Confirmer};
use futures_util::future::BoxFuture;

/// Asks on the controlling terminal (`/dev/tty`), so it works while stdin carries the JSON
/// arguments of `clerkctl call`.
pub struct Terminal;

impl Confirmer for Terminal {
    fn method(&self) -> &'static str {
        "terminal"
    }

    fn confirm<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, ConfirmAnswer> {
        let prompt = prompt.to_string();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || ask(&prompt))
                .await
                .unwrap_or(ConfirmAnswer::Unavailable)
        })
    }
}

fn ask(prompt: &str) -> ConfirmAnswer {
    let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    else {
        return ConfirmAnswer::Unavailable;
    };
    let mut out = match tty.try_clone() {
        Ok(t) => t,
        Err(_) => return ConfirmAnswer::Unavailable,
    };
    if write!(out, "{prompt} [y/N] ")
        .and_then(|_| out.flush())
        .is_err()
    {
        return ConfirmAnswer::Unavailable;
    }
    let mut line = String::new();
    match BufReader::new(tty).read_line(&mut line) {
        Ok(0) => ConfirmAnswer::Cancelled,
        Ok(_) if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") => {
            ConfirmAnswer::Accepted
        }
        Ok(_) => ConfirmAnswer::Declined,
        Err(_) => ConfirmAnswer::Unavailable,
    }
}
