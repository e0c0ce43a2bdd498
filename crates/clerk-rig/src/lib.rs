//! # clerk-rig
//!
//! The [`clerk_tools`] tools (Clerk users, organizations, memberships, invitations, sessions) as
//! [rig](https://rig.rs) tools, for agents built with `rig-core` / `rig-agent` 0.44.
//!
//! Each tool becomes a rig [`DynamicTool`] whose name, description and JSON Schema are the
//! ones [`clerk_tools::function_calling`] gives OpenAI and Anthropic, and whose every call goes
//! through the toolkit's one [`Pipeline`](clerk_tools::Pipeline) with
//! [`function_calling::call`]: visibility, argument validation, policy, confirmation, budgets,
//! audit, result shaping and secret masking, exactly as for every other front-end. Only the
//! tools visible to the toolkit's context are offered (`read_only`, `--tools`-style patterns
//! and the policy decide), and the pipeline checks visibility again on every call.
//!
//! A result is the tool's JSON ([`ToolOutput::json`]). A failure is a
//! [`ToolExecutionError`] whose model-visible output is the structured error of
//! [`clerk_tools::ToolError::to_json`] (`error` code, `message`, and `field` for a bad
//! argument), whose [`code`](ToolExecutionError::code) is that `error` code, and whose kind
//! follows it: `invalid_arguments` → [`ToolErrorKind::InvalidArgs`], `unknown_tool` →
//! `NotFound`, `denied` / `forbidden` → `PermissionDenied`, `confirmation_required`,
//! `not_confirmed` and `audit_unavailable` → a refusal ([`ToolExecutionError::refused`]),
//! `over_budget` → `RateLimited`, `timeout` → `Timeout`, `clerk_unreachable` → `Network`,
//! `clerk_api_error` → `Provider` (with Clerk's HTTP status), anything else → `Other`. A
//! change whose outcome is unknown (`outcome_unknown`) is marked not retryable.
//!
//! ```no_run
//! use clerk_tools::{Toolkit, ToolkitOptions};
//! use rig_agent::AgentBuilder;
//!
//! # async fn run(model: rig_core::DynModel<rig_core::operation::Completion>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = clerk_api::Client::from_env()?; // CLERK_SECRET_KEY
//! let toolkit = Toolkit::new(client, ToolkitOptions { read_only: true, ..Default::default() })?;
//! let agent = AgentBuilder::new(model)
//!     .preamble("You manage a Clerk instance.")
//!     .dynamic_tools(clerk_rig::tools(&toolkit))
//!     .build();
//! let answer = agent.prompt("How many users are there?").max_turns(5).await?;
//! println!("{}", answer.output());
//! # Ok(()) }
//! ```
//!
//! The toolkit is a pipeline plus the context calls run with: build it with
//! [`Toolkit::from_pipeline`](clerk_tools::Toolkit::from_pipeline) to bring your own
//! [`Pipeline`](clerk_tools::Pipeline) (policy, audit logs, budgets) and
//! [`ToolContext`](clerk_tools::ToolContext) (caller, confirmer or grant). Risky calls
//! (destructive, credentials, instance) need the person's confirmation as everywhere else: set a
//! confirmer or grant on the toolkit, or let the `confirmation_required` refusal's question and
//! code reach the person.

#![warn(missing_docs)]

use std::sync::Arc;

use clerk_tools::Toolkit;
use clerk_tools::function_calling::{self, Function};
use rig_agent::tool::ToolSet;
use rig_core::message::ToolName;
use rig_core::tool::{DynamicTool, ToolErrorKind, ToolExecutionError, ToolOutput};
use serde_json::Value;

pub use rig_agent;
pub use rig_core;

/// The tools visible to the toolkit's context as rig [`DynamicTool`]s, in the toolkit's order
/// (for `AgentBuilder::dynamic_tools` or `ToolServer::dynamic_tools`). Every call runs through
/// the toolkit's pipeline.
pub fn tools(toolkit: &Toolkit) -> Vec<DynamicTool> {
    let toolkit = Arc::new(toolkit.clone());
    function_calling::functions(&toolkit)
        .into_iter()
        .filter_map(|f| dynamic_tool(&toolkit, f))
        .collect()
}

/// One tool by name, when the toolkit offers it to its context (`None` for a tool that does
/// not exist, or that `read_only`, the tool selection or the policy leaves out).
pub fn tool(toolkit: &Toolkit, name: &str) -> Option<DynamicTool> {
    let toolkit = Arc::new(toolkit.clone());
    function_calling::functions(&toolkit)
        .into_iter()
        .find(|f| f.name == name)
        .and_then(|f| dynamic_tool(&toolkit, f))
}

/// The tools of [`tools`] as a rig [`ToolSet`] (for `ToolServer::add_tools`, or to look
/// definitions up by name).
pub fn toolset(toolkit: &Toolkit) -> ToolSet {
    ToolSet::from_dynamic_tools(tools(toolkit))
}

fn dynamic_tool(toolkit: &Arc<Toolkit>, f: Function) -> Option<DynamicTool> {
    // `function_calling` only gives names valid for every provider (never empty).
    let name = ToolName::new(f.name.clone()).ok()?;
    let toolkit = Arc::clone(toolkit);
    let tool_name: Arc<str> = f.name.into();
    Some(DynamicTool::new(
        name,
        f.description,
        f.parameters,
        move |arguments: Value| {
            let toolkit = Arc::clone(&toolkit);
            let tool_name = Arc::clone(&tool_name);
            Box::pin(async move {
                function_calling::call(&toolkit, &tool_name, arguments)
                    .await
                    .map(ToolOutput::json)
                    .map_err(execution_error)
            })
        },
    ))
}

/// A pipeline failure (the JSON of [`function_calling::call`]) as a rig error the model reads.
fn execution_error(error: Value) -> ToolExecutionError {
    let code = error["error"].as_str().unwrap_or("error").to_string();
    let message = error["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| error.to_string());
    let status = error["clerkStatus"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok());
    let mut e = match code.as_str() {
        "confirmation_required" | "not_confirmed" | "audit_unavailable" => {
            ToolExecutionError::refused(message)
        }
        other => ToolExecutionError::new(kind_of(other, status), message),
    };
    if let Some(status) = status {
        e = e.with_http_status(status);
    }
    if code == "outcome_unknown" || error["outcomeUnknown"] == Value::Bool(true) {
        e = e.with_retryable(false);
    }
    e.with_code(code).with_model_output(ToolOutput::json(error))
}

fn kind_of(code: &str, status: Option<u16>) -> ToolErrorKind {
    match code {
        "invalid_arguments" => ToolErrorKind::InvalidArgs,
        "unknown_tool" => ToolErrorKind::NotFound,
        "denied" | "forbidden" => ToolErrorKind::PermissionDenied,
        "over_budget" => ToolErrorKind::RateLimited,
        "timeout" => ToolErrorKind::Timeout,
        "clerk_unreachable" | "outcome_unknown" => ToolErrorKind::Network,
        "clerk_api_error" if status == Some(429) => ToolErrorKind::RateLimited,
        "clerk_api_error" if status == Some(404) => ToolErrorKind::NotFound,
        "clerk_api_error" => ToolErrorKind::Provider,
        _ => ToolErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_keep_the_structured_body_and_get_a_kind() {
        let e = execution_error(json!({
            "error": "invalid_arguments", "message": "Invalid arguments for getUserList: `limit`: too big",
            "field": "limit",
        }));
        assert_eq!(e.kind(), ToolErrorKind::InvalidArgs);
        assert_eq!(e.code(), Some("invalid_arguments"));
        assert_eq!(e.model_output().as_json().unwrap()["field"], "limit");
        assert!(e.message().contains("`limit`"));

        let e = execution_error(
            json!({"error": "clerk_api_error", "message": "m", "clerkStatus": 429}),
        );
        assert_eq!(e.kind(), ToolErrorKind::RateLimited);
        let e = execution_error(json!({"error": "confirmation_required", "message": "ask"}));
        assert_eq!(e.kind(), ToolErrorKind::PermissionDenied);
        let e = execution_error(
            json!({"error": "outcome_unknown", "message": "m", "outcomeUnknown": true}),
        );
        assert_eq!(e.kind(), ToolErrorKind::Network);
        assert_eq!(e.retryable(), Some(false));
    }
}
