//! Clerk-shaped error responses and the library's own error type.

use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Errors of the emulator library itself (start-up, seed files, saving).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// Binding, reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A state file could not be read or parsed.
    #[error("cannot load emulator state from {path}: {message}")]
    SeedFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// State (de)serialization failed.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

/// One Clerk API error, rendered as
/// `{"errors":[{"message","long_message","code","meta"}],"meta":{},"clerk_trace_id"}`.
#[derive(Debug, Clone)]
pub struct ClerkError(Box<Detail>);

#[derive(Debug, Clone)]
struct Detail {
    status: StatusCode,
    code: String,
    message: String,
    long_message: String,
    meta: Map<String, Value>,
    retry_after: Option<u64>,
}

impl ClerkError {
    /// Build an error.
    pub fn new(
        status: u16,
        code: &str,
        message: impl Into<String>,
        long_message: impl Into<String>,
    ) -> ClerkError {
        ClerkError(Box::new(Detail {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code: code.to_string(),
            message: message.into(),
            long_message: long_message.into(),
            meta: Map::new(),
            retry_after: None,
        }))
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// Clerk error code, e.g. `resource_not_found`.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// Short message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Human readable message.
    pub fn long_message(&self) -> &str {
        &self.0.long_message
    }

    /// The error's `meta` object (e.g. `param_name`).
    pub fn meta(&self) -> &Map<String, Value> {
        &self.0.meta
    }

    /// Add `meta.param_name`.
    pub fn param(mut self, name: &str) -> ClerkError {
        self.0
            .meta
            .insert("param_name".into(), Value::String(name.into()));
        self
    }

    /// Add an arbitrary `meta` entry.
    pub fn with_meta(mut self, key: &str, value: Value) -> ClerkError {
        self.0.meta.insert(key.into(), value);
        self
    }

    /// 401 `authentication_invalid`.
    pub fn unauthenticated() -> ClerkError {
        ClerkError::new(
            401,
            "authentication_invalid",
            "Invalid authentication",
            "Unable to authenticate the request, you need to supply an active session",
        )
    }

    /// 404 `resource_not_found` with a custom long message.
    pub fn not_found(long_message: impl Into<String>) -> ClerkError {
        ClerkError::new(404, "resource_not_found", "not found", long_message)
    }

    /// 404 for a user id.
    pub fn user_not_found(id: &str) -> ClerkError {
        ClerkError::not_found(format!("No user was found with id {id}"))
    }

    /// 404 for an organization id or slug.
    pub fn org_not_found() -> ClerkError {
        ClerkError::not_found("Given organization not found.")
    }

    /// 422 `form_param_missing`.
    pub fn missing(param: &str) -> ClerkError {
        ClerkError::new(
            422,
            "form_param_missing",
            "is missing",
            format!("{param} must be included."),
        )
        .param(param)
    }

    /// 422 `form_param_unknown`.
    pub fn unknown_param(param: &str) -> ClerkError {
        ClerkError::new(
            422,
            "form_param_unknown",
            "is unknown",
            format!("{param} is not a valid parameter for this request."),
        )
        .param(param)
    }

    /// 422 `form_param_value_invalid` (`<value> does not match one of the allowed values…`).
    pub fn invalid_value(param: &str, value: &str) -> ClerkError {
        ClerkError::new(
            422,
            "form_param_value_invalid",
            "is invalid",
            format!("{value} does not match one of the allowed values for parameter {param}"),
        )
        .param(param)
    }

    /// 422 `form_param_value_invalid` for a JSON value of the wrong type.
    pub fn wrong_type(param: &str, received: &Value, expected: &str) -> ClerkError {
        let got = match received {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        ClerkError::new(
            422,
            "form_param_value_invalid",
            "is invalid",
            format!("{param} is invalid. Received {got}, must be of type {expected}."),
        )
        .param(param)
    }

    /// 422 `form_param_format_invalid` with a custom long message.
    pub fn format_invalid(param: &str, long_message: impl Into<String>) -> ClerkError {
        ClerkError::new(422, "form_param_format_invalid", "is invalid", long_message).param(param)
    }

    /// 422 `form_identifier_exists` ("That email address is taken. Please try another.").
    pub fn identifier_exists(param: &str, what: &str) -> ClerkError {
        let msg = format!("That {what} is taken. Please try another.");
        ClerkError::new(422, "form_identifier_exists", msg.clone(), msg).param(param)
    }

    /// 400 `request_body_invalid`.
    pub fn body_invalid() -> ClerkError {
        ClerkError::new(
            400,
            "request_body_invalid",
            "Request body invalid",
            "The request body is invalid. Please consult the API documentation for more information.",
        )
    }

    /// 429 `too_many_requests` with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64) -> ClerkError {
        let mut e = ClerkError::new(
            429,
            "too_many_requests",
            "Too many requests",
            "Too many requests, retry later",
        )
        .with_meta("resets_in", json!(retry_after_secs));
        e.0.retry_after = Some(retry_after_secs);
        e
    }

    /// The JSON body Clerk sends for this error.
    pub fn body(&self) -> Value {
        json!({
            "errors": [{
                "message": self.0.message,
                "long_message": self.0.long_message,
                "code": self.0.code,
                "meta": self.0.meta,
            }],
            "meta": {},
            "clerk_trace_id": trace_id(),
        })
    }
}

/// A random 32-hex-digit trace id.
pub(crate) fn trace_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

impl IntoResponse for ClerkError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut resp = (self.0.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.0.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}
