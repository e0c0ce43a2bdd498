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

impl FieldError {
    /// The longest message kept: a message may quote the value, and a huge value must not
    /// make a huge error.
    pub(crate) const MAX_MESSAGE: usize = 300;

    /// This error with its message cut to [`FieldError::MAX_MESSAGE`] bytes (at a character
    /// boundary, marked with `…`).
    pub(crate) fn capped(mut self) -> Self {
        if self.message.len() > Self::MAX_MESSAGE {
            let cut = (0..=Self::MAX_MESSAGE)
                .rev()
                .find(|i| self.message.is_char_boundary(*i))
                .unwrap_or(0);
            self.message.truncate(cut);
            self.message.push('…');
        }
        self
    }
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

    /// The policy refused this call (see [`Policy`](crate::Policy)).
    #[error("{tool} is not permitted: {reason}{}", .missing.as_ref().map(|m| format!(" (needs {m})")).unwrap_or_default())]
    Denied {
        /// Tool name.
        tool: String,
        /// Why.
        reason: String,
        /// The permission or scope that would allow it, if one would.
        missing: Option<String>,
    },

    /// The call did not finish in time; when it wrote, the change may or may not have been made.
    #[error(
        "{tool} did not finish within {seconds} s (the per-call deadline: all of its Clerk requests, retries and waits; set with --call-timeout) and was stopped. If it changes something, the change may or may not have been made: check before retrying"
    )]
    TimedOut {
        /// Tool name.
        tool: String,
        /// The limit.
        seconds: u64,
    },

    /// The tool failed in a way that is a bug of this server, not of the request.
    #[error("{tool} failed inside the server ({message}); this is a bug, please report it")]
    Internal {
        /// Tool name.
        tool: String,
        /// What is known.
        message: String,
    },

    /// The call needs the person's confirmation, and this front-end cannot ask now. Nothing was
    /// done. A 2026-07-28 front-end turns it into an `input_required` round; otherwise the agent
    /// asks the person and calls again with `confirm` set to the code.
    #[error(
        "Confirmation needed: {}. Nothing was done. Ask the user this question; only if they agree, call the tool again with the same arguments and \"confirm\": \"{}\" (valid for {} minutes).",
        .0.prompt, .0.code, .0.expires_in_seconds / 60
    )]
    ConfirmationRequired(Box<crate::confirm::ConfirmRequest>),

    /// The confirmation was declined, expired, altered or replayed. Nothing was done.
    #[error("{tool} was not run: {reason}")]
    NotConfirmed {
        /// Tool name.
        tool: String,
        /// What happened.
        reason: String,
    },

    /// The audit log cannot be written, so no change is made (fail closed).
    #[error(
        "{tool} was refused: the audit log cannot be written ({reason}), and changes are only made when they can be recorded. Nothing was done; tell the operator."
    )]
    AuditUnavailable {
        /// Tool name.
        tool: String,
        /// The I/O error.
        reason: String,
    },

    /// A budget for this kind of call is used up.
    #[error(
        "{tool} was refused: {budget} are used up for {scope}; the budget allows another call in {retry_after_seconds} s. Nothing was done."
    )]
    OverBudget {
        /// Tool name.
        tool: String,
        /// The budget, in words (`at most 20 destructive calls an hour`).
        budget: String,
        /// Whose budget (`principal user_…`, `tenant sk_test:…`).
        scope: String,
        /// When another call is allowed.
        retry_after_seconds: u64,
    },

    /// A tool that makes several requests failed after some of them were applied.
    #[error("{tool}: {applied} was applied; then {failed_step} failed: {source}")]
    Partial {
        /// Tool name.
        tool: String,
        /// What was done (`the name and slug`).
        applied: String,
        /// What failed (`the metadata update`).
        failed_step: String,
        /// Why.
        source: Box<ToolError>,
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
    if e.outcome_unknown() {
        return format!(
            "{e}. The request reached Clerk and its answer was lost: the change MAY HAVE BEEN APPLIED. Check before retrying (look the object up, e.g. getOrganization by slug or getUserList by email); retrying blindly may do it twice"
        );
    }
    match e {
        clerk_api::Error::Api(api) if api.status == 401 => format!(
            "{api}; Clerk did not accept the secret key: check CLERK_SECRET_KEY (Dashboard → API keys, the instance you mean)"
        ),
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
    /// A machine-readable code: `invalid_arguments`, `forbidden` (caller pinning), `denied`
    /// (policy), `timeout`, `internal`, `confirmation_required`, `not_confirmed`,
    /// `audit_unavailable`, `over_budget`, `partially_applied`, `outcome_unknown` (a change
    /// reached Clerk and its answer was lost: it may have been applied), `clerk_api_error` (Clerk
    /// answered with an error) or `clerk_unreachable`.
    pub fn code(&self) -> &'static str {
        match self {
            ToolError::InvalidArguments { .. } | ToolError::Precondition(_) => "invalid_arguments",
            ToolError::CallerMismatch { .. } => "forbidden",
            ToolError::Denied { .. } => "denied",
            ToolError::TimedOut { .. } => "timeout",
            ToolError::Internal { .. } => "internal",
            ToolError::ConfirmationRequired(_) => "confirmation_required",
            ToolError::NotConfirmed { .. } => "not_confirmed",
            ToolError::AuditUnavailable { .. } => "audit_unavailable",
            ToolError::OverBudget { .. } => "over_budget",
            ToolError::Api(clerk_api::Error::Api(_)) => "clerk_api_error",
            ToolError::Api(clerk_api::Error::InvalidArgument { .. }) => "invalid_arguments",
            ToolError::Api(e) if e.outcome_unknown() => "outcome_unknown",
            ToolError::Partial { .. } => "partially_applied",
            ToolError::Api(_) => "clerk_unreachable",
        }
    }

    /// Clerk's HTTP error answer, when Clerk answered with one.
    pub fn clerk_error(&self) -> Option<&clerk_api::ApiError> {
        match self {
            ToolError::Api(clerk_api::Error::Api(api)) => Some(api),
            _ => None,
        }
    }

    /// A structured view of the error, sent as a failed call's `structuredContent` beside the
    /// text: `error` (the [`code`](Self::code)), `message` (the same text), and where they
    /// apply `field` and `fields` (every bad argument), `clerkStatus`, `clerkCode`,
    /// `clerkErrors` (Clerk's whole `errors[]`), `clerkTraceId`, `retryAfterSeconds`, `missing`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Value, json};
        let mut out = serde_json::Map::new();
        out.insert("error".into(), json!(self.code()));
        out.insert("message".into(), json!(self.to_string()));
        match self {
            ToolError::InvalidArguments { tool, errors } => {
                out.insert("tool".into(), json!(tool));
                if let Some(first) = errors.iter().find(|e| !e.field.is_empty()) {
                    out.insert("field".into(), json!(first.field));
                }
                out.insert("fields".into(), json!(errors));
            }
            ToolError::CallerMismatch { field, .. } => {
                out.insert("field".into(), json!(field));
            }
            ToolError::Api(clerk_api::Error::InvalidArgument { field, .. }) => {
                // The SDK names the path parameter (`user_id`); tools name it `userId`.
                let mut camel = String::new();
                let mut upper = false;
                for c in field.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        camel.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        camel.push(c);
                    }
                }
                out.insert("field".into(), json!(camel));
            }
            ToolError::Denied { tool, missing, .. } => {
                out.insert("tool".into(), json!(tool));
                if let Some(m) = missing {
                    out.insert("missing".into(), json!(m));
                }
            }
            ToolError::ConfirmationRequired(request) => {
                out.insert("prompt".into(), json!(request.prompt));
                out.insert("confirm".into(), json!(request.code));
                out.insert("expiresInSeconds".into(), json!(request.expires_in_seconds));
            }
            ToolError::NotConfirmed { tool, .. } | ToolError::AuditUnavailable { tool, .. } => {
                out.insert("tool".into(), json!(tool));
            }
            ToolError::Partial {
                applied, source, ..
            } => {
                out.insert("applied".into(), json!(applied));
                out.insert("cause".into(), source.to_json());
            }
            ToolError::Api(e) if e.outcome_unknown() => {
                out.insert("outcomeUnknown".into(), json!(true));
            }
            ToolError::OverBudget {
                tool,
                retry_after_seconds,
                ..
            } => {
                out.insert("tool".into(), json!(tool));
                out.insert("retryAfterSeconds".into(), json!(retry_after_seconds));
            }
            ToolError::Api(clerk_api::Error::Api(api)) => {
                out.insert("clerkStatus".into(), json!(api.status));
                if let Some(code) = api.errors.first().map(|e| e.code.clone()) {
                    out.insert("clerkCode".into(), json!(code));
                }
                if let Some(field) = api.errors.iter().find_map(|e| e.param_name()) {
                    out.insert("field".into(), json!(field));
                }
                out.insert("clerkErrors".into(), json!(api.errors));
                if let Some(t) = &api.clerk_trace_id {
                    out.insert("clerkTraceId".into(), json!(t));
                }
                if let Some(d) = api.retry_after {
                    out.insert(
                        "retryAfterSeconds".into(),
                        json!(d.as_secs_f64().ceil() as u64),
                    );
                }
            }
            _ => {}
        }
        Value::Object(out)
    }
}
