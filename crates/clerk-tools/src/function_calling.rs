//! The tools as OpenAI and Anthropic function calling: definitions in each API's shape, and
//! tool calls given in each API's shape executed through the same [`Pipeline`](crate::Pipeline)
//! (validation, policy, confirmation, audit, masking) as every other front-end.
//!
//! ```no_run
//! # async fn run(toolkit: clerk_tools::Toolkit, assistant_message: serde_json::Value) {
//! use clerk_tools::function_calling::{anthropic_tools, execute_openai, openai_tools};
//! let tools = openai_tools(&toolkit);        // the `tools` of a Chat Completions request
//! let _ = anthropic_tools(&toolkit);         // the `tools` of a Messages request
//! // After a model turn: run its `tool_calls`, append the `role: tool` messages it gets back.
//! let replies = execute_openai(&toolkit, &assistant_message).await;
//! # let _ = (tools, replies); }
//! ```
//!
//! Both APIs want names of at most 64 characters from `[A-Za-z0-9_-]` and an object schema for
//! the arguments; every tool here complies (a test checks it). Results go back as the tool's
//! JSON; failures as their message and structured error, marked as errors.

use serde_json::{Value, json};

use crate::registry::{CallError, Toolkit};

/// Whether `name` is a valid OpenAI / Anthropic tool name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One tool as a function a model can call: the parts every function-calling API (OpenAI,
/// Anthropic, and the agent frameworks over them, such as `clerk-rig`) takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The tool name (valid for every API: see [`valid_name`]).
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// The JSON Schema of the arguments (an object schema).
    pub parameters: Value,
}

/// The tools visible to the toolkit's context as [`Function`]s, in order; a tool whose name
/// no API would take ([`valid_name`]) is left out.
pub fn functions(toolkit: &Toolkit) -> Vec<Function> {
    toolkit
        .definitions()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|mut d| {
            let name = d["name"].as_str().filter(|n| valid_name(n))?.to_string();
            let description = d["description"].as_str().unwrap_or_default().to_string();
            Some(Function {
                name,
                description,
                parameters: d["inputSchema"].take(),
            })
        })
        .collect()
}

/// The tools visible to the toolkit's context as OpenAI `tools` entries
/// (`{"type": "function", "function": {name, description, parameters}}`).
pub fn openai_tools(toolkit: &Toolkit) -> Vec<Value> {
    functions(toolkit)
        .into_iter()
        .map(|f| {
            json!({
                "type": "function",
                "function": {"name": f.name, "description": f.description, "parameters": f.parameters},
            })
        })
        .collect()
}

/// The tools visible to the toolkit's context as Anthropic `tools` entries
/// (`{name, description, input_schema}`).
pub fn anthropic_tools(toolkit: &Toolkit) -> Vec<Value> {
    functions(toolkit)
        .into_iter()
        .map(
            |f| json!({"name": f.name, "description": f.description, "input_schema": f.parameters}),
        )
        .collect()
}

/// Runs one tool call given as a model gives it (JSON arguments: an object, or `null` for
/// none) through the toolkit's pipeline. `Ok` is the tool's result; `Err` is the structured
/// error for the model ([`ToolError::to_json`](crate::ToolError::to_json): `error` code,
/// `message`, `field` …), with the code `unknown_tool` for a tool that does not exist or is
/// not visible, and `invalid_arguments` for arguments that are not an object.
pub async fn call(toolkit: &Toolkit, name: &str, arguments: Value) -> Result<Value, Value> {
    let args = match arguments {
        Value::Object(m) => Some(m),
        Value::Null => None,
        other => {
            return Err(json!({
                "error": "invalid_arguments",
                "message": format!("the arguments must be a JSON object, got {other}"),
            }));
        }
    };
    match toolkit.call(name, args).await {
        Ok(v) => Ok(v),
        Err(CallError::UnknownTool(n)) => {
            Err(json!({"error": "unknown_tool", "message": format!("there is no tool {n}")}))
        }
        Err(CallError::Tool(e)) => Err(e.to_json()),
    }
}

/// Runs one tool call ([`call`]); the text for the model and whether it is an error.
pub async fn run(toolkit: &Toolkit, name: &str, arguments: Value) -> (String, bool) {
    match call(toolkit, name, arguments).await {
        Ok(v) => (v.to_string(), false),
        Err(e) => (e.to_string(), true),
    }
}

/// Executes the `tool_calls` of an OpenAI assistant message (Chat Completions); returns the
/// `role: tool` messages to append, in order.
pub async fn execute_openai(toolkit: &Toolkit, assistant: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for call in assistant["tool_calls"].as_array().into_iter().flatten() {
        let name = call["function"]["name"].as_str().unwrap_or_default();
        // OpenAI sends the arguments as a JSON string.
        let arguments = match &call["function"]["arguments"] {
            Value::String(s) if s.trim().is_empty() => Value::Null,
            Value::String(s) => serde_json::from_str(s)
                .unwrap_or_else(|e| Value::String(format!("(not JSON: {e})"))),
            other => other.clone(),
        };
        let (content, _) = run(toolkit, name, arguments).await;
        out.push(json!({"role": "tool", "tool_call_id": call["id"], "content": content}));
    }
    out
}

/// Executes the `tool_use` blocks of an Anthropic assistant message (Messages API); returns the
/// `role: user` message carrying one `tool_result` block per call.
pub async fn execute_anthropic(toolkit: &Toolkit, assistant: &Value) -> Value {
    let mut results = Vec::new();
    for block in assistant["content"].as_array().into_iter().flatten() {
        if block["type"] != "tool_use" {
            continue;
        }
        let name = block["name"].as_str().unwrap_or_default();
        let (content, is_error) = run(toolkit, name, block["input"].clone()).await;
        results.push(json!({
            "type": "tool_result", "tool_use_id": block["id"], "content": content, "is_error": is_error,
        }));
    }
    json!({"role": "user", "content": results})
}
