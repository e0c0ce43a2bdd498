//! Errors and exit statuses.
//!
//! | Status | Meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | Clerk answered with an error (status, code, message, trace id on stderr), or another runtime failure |
//! | 2 | invalid usage or arguments: unknown subcommand or flag, bad value, missing required flag, invalid JSON, a `--tools` pattern matching nothing, no secret key, a risky call without confirmation (no terminal and no `--yes`) |
//! | 3 | Clerk could not be reached: connection failure or timeout |

use std::io;
use std::process::ExitCode;

use clerk_tools::{CallError, ToolError};

/// Success.
pub const OK: u8 = 0;
/// Clerk (or the run) failed.
pub const CLERK: u8 = 1;
/// Usage or arguments.
pub const USAGE: u8 = 2;
/// Clerk unreachable.
pub const UNREACHABLE: u8 = 3;

/// A failure: what to print on stderr and the exit status.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: Option<String>,
}

impl Failure {
    /// Exit 2.
    pub fn usage(message: impl std::fmt::Display) -> Self {
        Failure {
            code: USAGE,
            message: Some(message.to_string()),
        }
    }

    /// Exit 1.
    pub fn runtime(message: impl std::fmt::Display) -> Self {
        Failure {
            code: CLERK,
            message: Some(message.to_string()),
        }
    }

    /// Prints the message (if any) and returns the exit status.
    pub fn report(self) -> ExitCode {
        if let Some(message) = self.message {
            eprintln!("error: {message}");
        }
        ExitCode::from(self.code)
    }
}

impl From<CallError> for Failure {
    fn from(e: CallError) -> Self {
        let code = match &e {
            CallError::UnknownTool(_) => USAGE,
            CallError::Tool(t) => tool_error_code(t),
        };
        let mut message = e.to_string();
        if matches!(e, CallError::UnknownTool(_)) {
            message.push_str(" (see `clerkctl tools`)");
        }
        if let CallError::Tool(ToolError::ConfirmationRequired(ask)) = &e {
            message = format!(
                "this needs confirmation: {} Nothing was done. Run it on a terminal to be asked, or add --yes (or --dry-run to see what it would do).",
                ask.prompt
            );
        }
        Failure {
            code,
            message: Some(message),
        }
    }
}

/// The exit status of a tool failure.
pub fn tool_error_code(e: &ToolError) -> u8 {
    match e {
        ToolError::InvalidArguments { .. }
        | ToolError::Precondition(_)
        | ToolError::CallerMismatch { .. }
        | ToolError::ConfirmationRequired(_) => USAGE,
        ToolError::Api(clerk_api::Error::Transport { .. } | clerk_api::Error::Timeout { .. }) => {
            UNREACHABLE
        }
        ToolError::Api(clerk_api::Error::InvalidArgument { .. } | clerk_api::Error::Config(_)) => {
            USAGE
        }
        _ => CLERK,
    }
}

impl From<io::Error> for Failure {
    /// A closed stdout (`clerkctl … | head`) ends the command quietly.
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure {
                code: OK,
                message: None,
            }
        } else {
            Failure::runtime(format!("could not write the output: {e}"))
        }
    }
}
