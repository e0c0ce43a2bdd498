//! The one error type of this crate.
//!
//! Every failure of a call is an [`Error`]. A response from Clerk that is not a success becomes
//! [`Error::Api`], which keeps everything Clerk said: the HTTP status, every entry of `errors[]`,
//! the `clerk_trace_id` and, on a 429, the `Retry-After` delay. The secret key never appears in
//! any error or in its `Display` / `Debug` output.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling Clerk's Backend API.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Clerk answered with a non-success status. Carries Clerk's own error body.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request did not complete within the configured timeout.
    #[error("request to Clerk timed out after {timeout:?} ({method} {path})")]
    Timeout {
        /// HTTP method of the request.
        method: String,
        /// Path of the request, relative to the API base (no query string).
        path: String,
        /// The timeout that expired.
        timeout: Duration,
    },

    /// The request could not be sent or its response could not be read (DNS, connection refused,
    /// TLS, reset, …).
    #[error("could not reach Clerk ({method} {path}): {message}")]
    Transport {
        /// HTTP method of the request.
        method: String,
        /// Path of the request, relative to the API base.
        path: String,
        /// What failed, as reported by the HTTP stack (never contains the secret key).
        message: String,
        /// Whether the failure happened before the request reached the server (safe to retry).
        connect: bool,
    },

    /// Clerk answered with a success status but the body did not decode into the expected type.
    #[error("could not decode Clerk's response as {type_name} at `{path}`: {message}")]
    Decode {
        /// Rust type that was expected.
        type_name: &'static str,
        /// JSON path of the offending value (`.` for the root).
        path: String,
        /// What failed.
        message: String,
    },

    /// An argument was rejected before any request was sent (for example an empty resource id).
    #[error("invalid argument `{field}`: {message}")]
    InvalidArgument {
        /// Name of the argument.
        field: &'static str,
        /// What is wrong and what is expected.
        message: String,
    },

    /// The client was configured wrongly (bad base URL, invalid key characters, …).
    #[error("invalid Clerk client configuration: {0}")]
    Config(String),
}

impl Error {
    /// Whether a request that changes something (`POST`, `PATCH`, `PUT`, `DELETE`) may have been
    /// applied although it failed: it reached Clerk, and its answer was lost (timeout, connection
    /// closed after sending). Retrying blindly could then do the change twice.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout { method, .. } => method != "GET",
            Error::Transport {
                method, connect, ..
            } => method != "GET" && !connect,
            _ => false,
        }
    }

    pub(crate) fn outcome_unknown_for(&self, method: &reqwest::Method) -> bool {
        *method != reqwest::Method::GET && self.outcome_unknown()
    }

    /// The API error, if Clerk answered with a non-success status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|e| e.status)
    }

    /// First Clerk error code (`resource_not_found`, `form_identifier_exists`, …) of an API error.
    pub fn code(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.code())
    }

    /// Whether this is a 404 from Clerk.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether this is a 429 (rate limited) from Clerk.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field,
            message: message.into(),
        }
    }
}

/// One entry of the `errors` array of a Clerk error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ClerkErrorEntry {
    /// Short, human-readable message.
    pub message: String,
    /// Longer explanation, often naming the offending parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_message: Option<String>,
    /// Machine-readable code, e.g. `resource_not_found`, `form_param_missing`.
    pub code: String,
    /// Extra data, e.g. `{"param_name": "email_address"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

impl ClerkErrorEntry {
    /// `meta.param_name`, when Clerk names the offending parameter.
    pub fn param_name(&self) -> Option<&str> {
        self.meta.as_ref()?.get("param_name")?.as_str()
    }
}

/// Clerk's error body: `{"errors": [...], "clerk_trace_id": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ClerkErrorBody {
    /// Every error Clerk reported.
    pub errors: Vec<ClerkErrorEntry>,
    /// Trace id to quote to Clerk support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clerk_trace_id: Option<String>,
}

/// A non-success answer from Clerk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the request that failed.
    pub method: String,
    /// Path of the request that failed (relative to the API base, no query string).
    pub path: String,
    /// Every entry of Clerk's `errors[]` (empty when the body was not Clerk's JSON).
    pub errors: Vec<ClerkErrorEntry>,
    /// `clerk_trace_id` from the body, if any.
    pub clerk_trace_id: Option<String>,
    /// `Retry-After` of a 429 (or 503), when given.
    pub retry_after: Option<Duration>,
    /// The start of the body when it was not Clerk's JSON error shape (e.g. a proxy's HTML page).
    pub raw_body: Option<String>,
}

impl ApiError {
    /// First error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.errors.first().map(|e| e.code.as_str())
    }

    /// First error's message, if any.
    pub fn message(&self) -> Option<&str> {
        self.errors.first().map(|e| e.message.as_str())
    }

    /// The HTTP reason phrase for the status (`Not Found`, …).
    pub fn reason(&self) -> &'static str {
        reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown status")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Clerk API error {} {} on {} {}",
            self.status,
            self.reason(),
            self.method,
            self.path
        )?;
        for (i, e) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            if !e.code.is_empty() {
                write!(f, "[{}] ", e.code)?;
            }
            match e.long_message.as_deref() {
                Some(long) if !long.is_empty() && long != e.message => {
                    write!(f, "{} ({long})", e.message)?
                }
                _ => f.write_str(&e.message)?,
            }
        }
        if self.errors.is_empty()
            && let Some(raw) = &self.raw_body
        {
            write!(f, ": {raw}")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, "; retry after {}s", after.as_secs_f64().ceil() as u64)?;
        }
        if let Some(trace) = &self.clerk_trace_id {
            write!(f, " (clerk_trace_id: {trace})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
