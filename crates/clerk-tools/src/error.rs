//! Tool failures. Every failure is something the agent can read and act on: which argument is
//! wrong and what was expected, or what Clerk said (status, code, message, trace id, when to
//! retry).

use std::fmt;

/// One invalid argument.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldError {
    /// JSON path of the argument, e.g. `limit` or `emailAddress/1` (empty for the whole input).
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.field, self.message)
        }
    }
}

/// Why a tool call failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The arguments do not match the tool's input schema.
    #[error("Invalid arguments for {tool}: {}", join(errors))]
    InvalidArguments {
        /// Tool name.
        tool: String,
        /// Every problem found.
        errors: Vec<FieldError>,
    },

    /// The arguments are well-formed but not usable together (e.g. neither id nor slug).
    #[error("{0}")]
    Precondition(String),

    /// An argument names another user or organization than the signed-in caller.
    #[error(
        "`{field}` must be the signed-in caller's ({expected}); this server is pinned to its caller and got {got}"
    )]
    CallerMismatch {
        /// Argument name.
        field: &'static str,
        /// The caller's id.
        expected: String,
        /// The id given.
        got: String,
    },

    /// Clerk (or the network on the way) failed.
    #[error("{}", describe_api(.0))]
    Api(#[from] clerk_api::Error),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_api(e: &clerk_api::Error) -> String {
    match e {
        clerk_api::Error::Api(api) if api.status == 429 => {
            let mut s = api.to_string();
            if api.retry_after.is_none() {
                s.push_str("; rate limited: wait a few seconds before retrying");
            }
            s
        }
        other => other.to_string(),
    }
}

impl ToolError {
    /// A structured view of the error, for clients that want fields rather than prose.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            ToolError::InvalidArguments { tool, errors } => json!({
                "error": "invalid_arguments", "tool": tool, "fields": errors,
                "message": self.to_string(),
            }),
            ToolError::Precondition(m) => json!({"error": "invalid_arguments", "message": m}),
            ToolError::CallerMismatch { .. } => {
                json!({"error": "forbidden", "message": self.to_string()})
            }
            ToolError::Api(clerk_api::Error::Api(api)) => json!({
                "error": "clerk_api_error",
                "status": api.status,
                "errors": api.errors,
                "clerkTraceId": api.clerk_trace_id,
                "retryAfterSeconds": api.retry_after.map(|d| d.as_secs_f64().ceil() as u64),
                "message": self.to_string(),
            }),
            ToolError::Api(other) => {
                json!({"error": "clerk_unreachable", "message": other.to_string()})
            }
        }
    }
}
