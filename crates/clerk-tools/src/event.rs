//! One structured event per tool call: what the [`Pipeline`](crate::Pipeline) saw and did.
//!
//! Every call that names a tool, whether it succeeds, fails validation, is denied or fails at
//! Clerk, produces exactly one [`CallEvent`], handed to every [`EventSink`] before the result
//! goes back to the front-end. The event never holds a secret: arguments are masked
//! ([`mask_arguments`]), the tenant is a key fingerprint, never the key.

use serde::Serialize;
use serde_json::Value;

use crate::confirm::Confirmation;
use crate::context::ClientInfo;
use crate::risk::Risk;
use crate::tool::JsonObject;

/// What happened to a call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
#[non_exhaustive]
pub enum Outcome {
    /// Not known yet (an audit log's intent line).
    Pending,
    /// The tool ran and succeeded.
    Ok,
    /// The call failed; nothing is said here that the error result does not say.
    Error {
        /// Machine-readable code (`invalid_arguments`, `denied`, `clerk_api_error`, …).
        code: String,
        /// Clerk's HTTP status, when Clerk answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        clerk_status: Option<u16>,
        /// Clerk's first error code, when Clerk answered with one.
        #[serde(skip_serializing_if = "Option::is_none")]
        clerk_code: Option<String>,
    },
}

/// One tool call, as the audit log will write it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    /// When the call started, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// The request id of the context.
    pub request_id: String,
    /// Tool name.
    pub tool: String,
    /// The tool's risk class (absent for a tool that does not exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// How the request was authenticated (`local`, `static_token`, `secret_key_header`, …).
    pub auth: &'static str,
    /// The signed-in user, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The client application, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientInfo>,
    /// The tenant: a fingerprint of the Clerk key (never the key).
    pub tenant: String,
    /// The policy that decided.
    pub policy: &'static str,
    /// The arguments as given, secrets masked.
    pub arguments: Value,
    /// Whether this was a dry run (nothing changed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// How the person confirmed the call, when it needed confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
    /// What happened.
    pub outcome: Outcome,
    /// Clerk trace ids seen (of error answers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clerk_trace_ids: Vec<String>,
    /// Wall time of the call in milliseconds.
    pub duration_ms: f64,
}

/// Receives call events. Implementations must be cheap or hand the event to a task of their own:
/// they run on the call's path.
pub trait EventSink: Send + Sync + 'static {
    /// Records one event.
    fn record(&self, event: &CallEvent);
}

impl<F> EventSink for F
where
    F: Fn(&CallEvent) + Send + Sync + 'static,
{
    fn record(&self, event: &CallEvent) {
        self(event)
    }
}

/// Writes each event as a `tracing` event (target `clerk_tools::call`): `debug` for successes,
/// `info` for failures. The default sink of every pipeline.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingSink;

impl EventSink for TracingSink {
    fn record(&self, e: &CallEvent) {
        let risk = e.risk.map(Risk::as_str).unwrap_or("unknown");
        match &e.outcome {
            Outcome::Pending => {}
            Outcome::Ok => tracing::debug!(
                target: "clerk_tools::call",
                request_id = %e.request_id, tool = %e.tool, risk, auth = e.auth,
                tenant = %e.tenant, duration_ms = e.duration_ms, "tool call succeeded"
            ),
            Outcome::Error {
                code,
                clerk_status,
                clerk_code,
            } => tracing::info!(
                target: "clerk_tools::call",
                request_id = %e.request_id, tool = %e.tool, risk, auth = e.auth,
                tenant = %e.tenant, duration_ms = e.duration_ms, code = %code,
                clerk_status = ?clerk_status, clerk_code = ?clerk_code, "tool call failed"
            ),
        }
    }
}

/// Argument names whose values are secrets. A key matches when, lower-cased and without `_`,
/// it contains one of these.
const SECRET_KEYS: &[&str] = &[
    "password",
    "secret",
    "token",
    "totp",
    "backupcode",
    "privatekey",
    "apikey",
    "code",
];

/// Whether an argument or field name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_KEYS.iter().any(|k| n.contains(k))
}

/// The arguments with every secret value (at any depth) replaced by `"[masked]"`.
pub fn mask_arguments(args: &JsonObject) -> Value {
    fn walk(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        // Booleans and numbers are flags (`skipPasswordChecks`), never secrets.
                        let masked = if is_secret_name(k)
                            && (v.is_string() || v.is_array() || v.is_object())
                        {
                            Value::String("[masked]".into())
                        } else {
                            walk(v)
                        };
                        (k.clone(), masked)
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(walk).collect()),
            other => other.clone(),
        }
    }
    walk(&Value::Object(args.clone()))
}

/// Now, RFC 3339 UTC with milliseconds.
pub(crate) fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_secret_names_at_any_depth() {
        let args = json!({
            "userId": "user_1",
            "password": "hunter22",
            "nested": {"totp_secret": "ABC", "list": [{"backup_codes": ["1"]}], "name": "x"},
            "skipPasswordChecks": true
        });
        let masked = mask_arguments(args.as_object().unwrap());
        assert_eq!(
            masked,
            json!({
                "userId": "user_1",
                "password": "[masked]",
                "nested": {"totp_secret": "[masked]", "list": [{"backup_codes": "[masked]"}], "name": "x"},
                "skipPasswordChecks": true
            })
        );
        assert!(!masked.to_string().contains("hunter22"));
    }
}
