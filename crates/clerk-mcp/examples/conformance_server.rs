//! The MCP conformance suite's fixture server, behind clerk-mcp's own HTTP front-end.
//!
//! `@modelcontextprotocol/conformance server` drives a server that exposes fixture tools,
//! resources and prompts with fixed names (`test_simple_text`, `test://static-text`, …). This
//! example implements them in [`Fixtures`] and mounts them with
//! [`clerk_mcp::http::router_with`]: the same Host/Origin checks, bearer/key layer, body limit,
//! per-request context, `/health` and panic guard that `clerk-mcp --http` runs, on the same rmcp
//! transport configuration. What the suite finds wrong here, it would find wrong in production.
//! The fixtures never ship in the `clerk-mcp` binary.
//!
//! ```text
//! cargo run -p clerk-mcp --example conformance_server -- 127.0.0.1:3001
//! npx @modelcontextprotocol/conformance server --url http://127.0.0.1:3001/mcp
//! ```
//!
//! `scripts/test` runs both protocol revisions' requirement sets against it, with
//! `tests/conformance/expected-failures-*.yml` listing what does not apply and why.

#![allow(deprecated)] // sampling, roots and logging are deprecated by SEP-2577 but still tested

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clerk_mcp::http::{HttpOptions, router_with};
use clerk_tools::connect::{ConnectOptions, connect};
use rmcp::model::*;
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use tokio::sync::{Mutex, broadcast};
use tokio_util::sync::CancellationToken;

/// A 1×1 PNG and a silent WAV, base64.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
const WAV: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";

/// The fixture tools: name, description, input schema (`{}` means no arguments).
fn tool_table() -> Vec<(&'static str, &'static str, Value)> {
    let none = json!({"type": "object", "properties": {}});
    let string_arg = |name: &str, description: &str| {
        json!({
            "type": "object",
            "properties": {name: {"type": "string", "description": description}},
            "required": [name],
        })
    };
    vec![
        ("test_simple_text", "Returns one text block", none.clone()),
        ("test_image_content", "Returns one PNG image", none.clone()),
        ("test_audio_content", "Returns one WAV clip", none.clone()),
        (
            "test_embedded_resource",
            "Returns an embedded text resource",
            none.clone(),
        ),
        (
            "test_multiple_content_types",
            "Returns text, an image and a resource",
            none.clone(),
        ),
        (
            "test_tool_with_logging",
            "Logs three messages while it runs",
            none.clone(),
        ),
        (
            "test_error_handling",
            "Always fails with isError",
            none.clone(),
        ),
        (
            "test_tool_with_progress",
            "Reports progress 0, 50, 100",
            none.clone(),
        ),
        (
            "test_sampling",
            "Asks the client's model",
            string_arg("prompt", "What to ask"),
        ),
        (
            "test_elicitation",
            "Asks the user",
            string_arg("message", "What to show"),
        ),
        (
            "test_elicitation_sep1034_defaults",
            "Elicits a form whose fields have defaults",
            none.clone(),
        ),
        (
            "test_elicitation_sep1330_enums",
            "Elicits every enum form of SEP-1330",
            none.clone(),
        ),
        (
            "test_reconnection",
            "Answers after a short pause",
            none.clone(),
        ),
        (
            "json_schema_2020_12_tool",
            "Tool with JSON Schema 2020-12 features",
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "$defs": {
                    "address": {
                        "$anchor": "addressDef",
                        "type": "object",
                        "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
                    }
                },
                "properties": {
                    "name": {"type": "string"},
                    "address": {"$ref": "#/$defs/address"},
                    "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                    "phone": {"type": "string"},
                    "email": {"type": "string"}
                },
                "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
                "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
                "then": {"required": ["phone"]},
                "else": {"required": ["email"]},
                "additionalProperties": false
            }),
        ),
        (
            "test_custom_headers",
            "Takes a region that also travels in the Mcp-Param-Region header",
            json!({
                "type": "object",
                "properties": {"region": {"type": "string", "x-mcp-header": "Region"}},
                "required": ["region"],
            }),
        ),
        // 2026-07-28 (stateless) diagnostics.
        (
            "test_missing_capability",
            "Needs the client's sampling capability",
            none.clone(),
        ),
        (
            "test_logging_tool",
            "Logs only when the request asks for a log level",
            none.clone(),
        ),
        (
            "test_streaming_elicitation",
            "Needs input, streamed as an incomplete result",
            none.clone(),
        ),
        (
            "test_trigger_tool_change",
            "Changes the tool list",
            none.clone(),
        ),
        (
            "test_trigger_prompt_change",
            "Changes the prompt list",
            none.clone(),
        ),
        (
            "test_input_required_result_elicitation",
            "Needs the user's name",
            none.clone(),
        ),
        (
            "test_input_required_result_sampling",
            "Needs a model's answer",
            none.clone(),
        ),
        (
            "test_input_required_result_list_roots",
            "Needs the client's roots",
            none.clone(),
        ),
        (
            "test_input_required_result_request_state",
            "Keeps state across rounds",
            none.clone(),
        ),
        (
            "test_input_required_result_multiple_inputs",
            "Needs three inputs at once",
            none.clone(),
        ),
        (
            "test_input_required_result_multi_round",
            "Needs two rounds of input",
            none.clone(),
        ),
        (
            "test_input_required_result_tampered_state",
            "Rejects a forged requestState",
            none.clone(),
        ),
        (
            "test_input_required_result_capabilities",
            "Asks only for what the client can give",
            none,
        ),
    ]
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

fn text(s: impl Into<String>) -> CallToolResponse {
    CallToolResult::success(vec![ContentBlock::text(s)]).into()
}

fn invalid(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}

/// `{"method": …, "params": …}` as an input request.
fn input(method: &str, params: Value) -> InputRequest {
    serde_json::from_value(json!({"method": method, "params": params}))
        .expect("fixture input requests are well-formed")
}

fn ask_name(message: &str, field: &str) -> InputRequest {
    input(
        "elicitation/create",
        json!({
            "message": message,
            "requestedSchema": {
                "type": "object",
                "properties": {field: {"type": "string"}},
                "required": [field],
            },
        }),
    )
}

fn ask_model(question: &str, max_tokens: u32) -> InputRequest {
    input(
        "sampling/createMessage",
        json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": question}}],
            "maxTokens": max_tokens,
        }),
    )
}

fn ask_roots() -> InputRequest {
    input("roots/list", json!({}))
}

fn needs(requests: Vec<(&str, InputRequest)>, state: Option<String>) -> CallToolResponse {
    let requests: InputRequests = requests
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    InputRequiredResult::new(Some(requests), state).into()
}

/// The accepted elicitation content's `field`, if the response has it.
fn elicited<'a>(responses: &'a InputResponses, key: &str, field: &str) -> Option<&'a str> {
    let response = responses.get(key)?;
    if response.get("action").and_then(Value::as_str) != Some("accept") {
        return None;
    }
    response.get("content")?.get(field)?.as_str()
}

fn sampled(responses: &InputResponses, key: &str) -> Option<String> {
    let content = responses.get(key)?.get("content")?;
    let first = if content.is_array() {
        content.get(0)?
    } else {
        content
    };
    first.get("text")?.as_str().map(str::to_owned)
}

#[derive(Clone)]
struct Fixtures {
    subscriptions: Arc<Mutex<HashSet<String>>>,
    codec: Arc<RequestStateCodec>,
    extra_tool: Arc<AtomicBool>,
    extra_prompt: Arc<AtomicBool>,
    /// List changes, fanned out to every open `subscriptions/listen` stream (2026-07-28).
    changes: broadcast::Sender<Change>,
}

#[derive(Debug, Clone, Copy)]
enum Change {
    Tools,
    Prompts,
}

impl Fixtures {
    fn new() -> Self {
        let key: Vec<u8> = (0..32)
            .map(|i| (i as u8).wrapping_mul(151).wrapping_add(7))
            .collect();
        Fixtures {
            subscriptions: Arc::default(),
            codec: Arc::new(RequestStateCodec::new(key)),
            extra_tool: Arc::default(),
            extra_prompt: Arc::default(),
            changes: broadcast::channel(16).0,
        }
    }

    fn tools(&self) -> Vec<Tool> {
        let mut tools: Vec<Tool> = tool_table()
            .into_iter()
            .map(|(name, description, schema)| Tool::new(name, description, object(schema)))
            .collect();
        if self.extra_tool.load(Ordering::Relaxed) {
            tools.push(Tool::new(
                "test_added_tool",
                "Added by test_trigger_tool_change",
                object(json!({"type": "object"})),
            ));
        }
        tools
    }

    fn seal(&self, value: &Value) -> String {
        self.codec
            .seal_json(value)
            .expect("a JSON value always seals")
    }

    fn open(&self, state: Option<&str>) -> Result<Value, ErrorData> {
        let state = state.ok_or_else(|| invalid("requestState is missing"))?;
        self.codec
            .open_json(state)
            .map_err(|_| invalid("requestState failed its integrity check"))
    }

    async fn input_required(
        &self,
        name: &str,
        request: &CallToolRequestParams,
        cx: &RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let empty = InputResponses::new();
        let responses = request.input_responses.as_ref().unwrap_or(&empty);
        let state = request.request_state.as_deref();
        Ok(match name {
            "test_input_required_result_elicitation" => {
                match elicited(responses, "user_name", "name") {
                    Some(name) => text(format!("Hello, {name}!")),
                    None => needs(
                        vec![("user_name", ask_name("What is your name?", "name"))],
                        None,
                    ),
                }
            }
            "test_input_required_result_sampling" => match sampled(responses, "capital_question") {
                Some(answer) => text(format!("The model said: {answer}")),
                None => needs(
                    vec![(
                        "capital_question",
                        ask_model("What is the capital of France?", 100),
                    )],
                    None,
                ),
            },
            "test_input_required_result_list_roots" => {
                match responses.get("client_roots").and_then(|r| r.get("roots")) {
                    Some(Value::Array(roots)) => {
                        let uris: Vec<&str> = roots
                            .iter()
                            .filter_map(|r| r.get("uri").and_then(Value::as_str))
                            .collect();
                        text(format!("Roots: {}", uris.join(", ")))
                    }
                    _ => needs(vec![("client_roots", ask_roots())], None),
                }
            }
            "test_input_required_result_request_state" => {
                if responses.contains_key("confirm") && state.is_some() {
                    let state = self.open(state)?;
                    if state["tool"] != name {
                        return Err(invalid("requestState belongs to another tool"));
                    }
                    text("state-ok: confirmed")
                } else {
                    let confirm = input(
                        "elicitation/create",
                        json!({
                            "message": "Please confirm",
                            "requestedSchema": {
                                "type": "object",
                                "properties": {"ok": {"type": "boolean"}},
                                "required": ["ok"],
                            },
                        }),
                    );
                    needs(
                        vec![("confirm", confirm)],
                        Some(self.seal(&json!({"tool": name}))),
                    )
                }
            }
            "test_input_required_result_multiple_inputs" => {
                let all = ["user_name", "greeting", "client_roots"];
                if all.iter().all(|k| responses.contains_key(*k)) && state.is_some() {
                    self.open(state)?;
                    text("Received all three inputs")
                } else {
                    needs(
                        vec![
                            ("user_name", ask_name("What is your name?", "name")),
                            ("greeting", ask_model("Generate a greeting", 50)),
                            ("client_roots", ask_roots()),
                        ],
                        Some(self.seal(&json!({"tool": name}))),
                    )
                }
            }
            "test_input_required_result_multi_round" => {
                let round = match state {
                    Some(_) => self.open(state)?["round"].as_u64().unwrap_or(0),
                    None => 0,
                };
                match round {
                    1 if responses.contains_key("step1") => {
                        let name = elicited(responses, "step1", "name").unwrap_or("you");
                        needs(
                            vec![(
                                "step2",
                                ask_name("Step 2: What is your favorite color?", "color"),
                            )],
                            Some(self.seal(&json!({"round": 2, "name": name}))),
                        )
                    }
                    2 if responses.contains_key("step2") => {
                        let saved = self.open(state)?;
                        let color = elicited(responses, "step2", "color").unwrap_or("?");
                        text(format!(
                            "{} likes {color}",
                            saved["name"].as_str().unwrap_or("you")
                        ))
                    }
                    _ => needs(
                        vec![("step1", ask_name("Step 1: What is your name?", "name"))],
                        Some(self.seal(&json!({"round": 1}))),
                    ),
                }
            }
            "test_input_required_result_tampered_state" => {
                if state.is_some() {
                    self.open(state)?;
                    text("requestState verified")
                } else {
                    needs(
                        vec![("user_name", ask_name("What is your name?", "name"))],
                        Some(self.seal(&json!({"tool": name}))),
                    )
                }
            }
            "test_input_required_result_capabilities" => {
                let caps = cx.client_capabilities().unwrap_or_default();
                if !responses.is_empty() {
                    return Ok(text("Thanks for the input"));
                }
                let mut asks = Vec::new();
                if caps.elicitation.is_some() {
                    asks.push(("user_name", ask_name("What is your name?", "name")));
                }
                if caps.sampling.is_some() {
                    asks.push(("greeting", ask_model("Generate a greeting", 50)));
                }
                if caps.roots.is_some() {
                    asks.push(("client_roots", ask_roots()));
                }
                if asks.is_empty() {
                    text("The client declared nothing to ask with")
                } else {
                    needs(asks, None)
                }
            }
            _ => return Err(invalid(format!("unknown tool `{name}`"))),
        })
    }

    async fn elicit(
        &self,
        cx: &RequestContext<RoleServer>,
        message: &str,
        schema: Value,
    ) -> CallToolResponse {
        let schema: ElicitationSchema = match serde_json::from_value(schema) {
            Ok(s) => s,
            Err(e) => return CallToolResult::error(vec![ContentBlock::text(e.to_string())]).into(),
        };
        let request = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: message.into(),
            requested_schema: schema,
        };
        match cx.peer.create_elicitation(request).await {
            Ok(result) => text(format!(
                "Elicitation finished: action={}, content={}",
                serde_json::to_value(&result.action).unwrap_or(Value::Null),
                result.content.unwrap_or(Value::Null),
            )),
            Err(e) => {
                CallToolResult::error(vec![ContentBlock::text(format!("Elicitation failed: {e}"))])
                    .into()
            }
        }
    }
}

impl ServerHandler for Fixtures {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .enable_prompts()
                .enable_prompts_list_changed()
                .enable_resources()
                .enable_resources_subscribe()
                .enable_logging()
                .enable_completions()
                .build(),
        );
        info.server_info = Implementation::new("clerk-mcp-conformance", env!("CARGO_PKG_VERSION"));
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools().into_iter().find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.clone().unwrap_or_default();
        let arg = |k: &str, default: &'static str| -> String {
            args.get(k)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        let name = request.name.to_string();
        if name.starts_with("test_input_required_result_") {
            return self.input_required(&name, &request, &cx).await;
        }
        Ok(match name.as_str() {
            "test_simple_text" => text("This is a simple text response for testing."),
            "test_image_content" => {
                CallToolResult::success(vec![ContentBlock::image(PNG, "image/png")]).into()
            }
            "test_audio_content" => {
                CallToolResult::success(vec![ContentBlock::audio(WAV, "audio/wav")]).into()
            }
            "test_embedded_resource" => CallToolResult::success(vec![ContentBlock::resource(
                ResourceContents::text("This is an embedded resource content.", "test://embedded-resource")
                    .with_mime_type("text/plain"),
            )])
            .into(),
            "test_multiple_content_types" => CallToolResult::success(vec![
                ContentBlock::text("Multiple content types test:"),
                ContentBlock::image(PNG, "image/png"),
                ContentBlock::resource(
                    ResourceContents::text(
                        r#"{"test":"data","value":123}"#,
                        "test://mixed-content-resource",
                    )
                    .with_mime_type("application/json"),
                ),
            ])
            .into(),
            "test_tool_with_logging" | "test_logging_tool" => {
                // In 2026-07-28 a request that sets no log level gets no log messages.
                let stateless = cx.meta.protocol_version().is_some();
                if !stateless || cx.meta.log_level().is_some() {
                    for message in ["Tool execution started", "Tool processing data", "Tool execution completed"] {
                        let _ = cx
                            .peer
                            .notify_logging_message(
                                LoggingMessageNotificationParam::new(LoggingLevel::Info, json!(message))
                                    .with_logger("conformance"),
                            )
                            .await;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                text("Logging test completed")
            }
            "test_error_handling" => CallToolResult::error(vec![ContentBlock::text(
                "This tool intentionally returns an error for testing",
            )])
            .into(),
            "test_tool_with_progress" => {
                if let Some(token) = cx.meta.get_progress_token() {
                    for (done, message) in [(0.0, "Starting"), (50.0, "Halfway"), (100.0, "Complete")] {
                        let _ = cx
                            .peer
                            .notify_progress(
                                ProgressNotificationParam::new(token.clone(), done)
                                    .with_total(100.0)
                                    .with_message(message),
                            )
                            .await;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                text("Progress test completed")
            }
            "test_sampling" => {
                let params = CreateMessageRequestParams::new(
                    vec![SamplingMessage::user_text(arg("prompt", "Hello"))],
                    100,
                );
                match cx.peer.create_message(params).await {
                    Ok(result) => {
                        let answer = result
                            .message
                            .content
                            .first()
                            .and_then(|c| c.as_text())
                            .map(|t| t.text.clone())
                            .unwrap_or_default();
                        text(format!("LLM response: {answer}"))
                    }
                    Err(e) => CallToolResult::error(vec![ContentBlock::text(format!(
                        "Sampling failed: {e}"
                    ))])
                    .into(),
                }
            }
            "test_elicitation" => {
                self.elicit(
                    &cx,
                    &arg("message", "Please provide your information"),
                    json!({
                        "type": "object",
                        "properties": {
                            "username": {"type": "string", "description": "User's response"},
                            "email": {"type": "string", "description": "User's email address"}
                        },
                        "required": ["username", "email"]
                    }),
                )
                .await
            }
            "test_elicitation_sep1034_defaults" => {
                self.elicit(
                    &cx,
                    "Please provide values (all have defaults)",
                    json!({
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "description": "User's name", "default": "John Doe"},
                            "age": {"type": "integer", "description": "User's age", "default": 30},
                            "score": {"type": "number", "description": "User's score", "default": 95.5},
                            "status": {"type": "string", "description": "User's status", "enum": ["active", "inactive", "pending"], "default": "active"},
                            "verified": {"type": "boolean", "description": "Whether user is verified", "default": true}
                        }
                    }),
                )
                .await
            }
            "test_elicitation_sep1330_enums" => {
                let choices = |titles: [&str; 3]| -> Value {
                    Value::Array(
                        titles
                            .iter()
                            .enumerate()
                            .map(|(i, t)| json!({"const": format!("value{}", i + 1), "title": t}))
                            .collect(),
                    )
                };
                self.elicit(
                    &cx,
                    "Test enum schema improvements",
                    json!({
                        "type": "object",
                        "properties": {
                            "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
                            "titledSingle": {"type": "string", "oneOf": choices(["First Option", "Second Option", "Third Option"])},
                            "legacyEnum": {"type": "string", "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"]},
                            "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                            "titledMulti": {"type": "array", "items": {"anyOf": choices(["First Choice", "Second Choice", "Third Choice"])}}
                        }
                    }),
                )
                .await
            }
            "json_schema_2020_12_tool" => text(format!("Hello, {}!", arg("name", "world"))),
            "test_reconnection" => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                text("Reconnection test completed")
            }
            "test_missing_capability" => {
                let caps = cx.client_capabilities().unwrap_or_default();
                if caps.sampling.is_none() {
                    return Err(ErrorData::new(
                        ErrorCode(-32021),
                        "this tool needs the client's sampling capability",
                        Some(json!({"requiredCapabilities": {"sampling": {}}})),
                    ));
                }
                text("The client can sample")
            }
            "test_streaming_elicitation" => needs(
                vec![("user_name", ask_name("What is your name?", "name"))],
                None,
            ),
            "test_custom_headers" => text(format!("Region: {}", arg("region", ""))),
            "test_trigger_tool_change" => {
                self.extra_tool.fetch_xor(true, Ordering::Relaxed);
                if cx.meta.protocol_version().is_some() {
                    let _ = self.changes.send(Change::Tools);
                } else {
                    let _ = cx.peer.notify_tool_list_changed().await;
                }
                text("The tool list changed")
            }
            "test_trigger_prompt_change" => {
                self.extra_prompt.fetch_xor(true, Ordering::Relaxed);
                if cx.meta.protocol_version().is_some() {
                    let _ = self.changes.send(Change::Prompts);
                } else {
                    let _ = cx.peer.notify_prompt_list_changed().await;
                }
                text("The prompt list changed")
            }
            other => return Err(invalid(format!("unknown tool `{other}`"))),
        })
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(requested.clone())
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let mut changes = self.changes.subscribe();
        let sink = context.sink().clone();
        loop {
            tokio::select! {
                _ = context.cancelled() => return Ok(()),
                change = changes.recv() => {
                    // The sink drops what the client's filter did not ask for.
                    let _ = match change {
                        Ok(Change::Tools) => sink.notify_tool_list_changed().await,
                        Ok(Change::Prompts) => sink.notify_prompt_list_changed().await,
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return Ok(()),
                    };
                }
            }
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![
            Resource::new("test://static-text", "Static Text Resource")
                .with_description("A static text resource")
                .with_mime_type("text/plain"),
            Resource::new("test://static-binary", "Static Binary Resource")
                .with_description("A static PNG")
                .with_mime_type("image/png"),
            Resource::new("test://watched-resource", "Watched Resource")
                .with_description("A resource clients may subscribe to")
                .with_mime_type("text/plain"),
        ]))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new("test://template/{id}/data", "Dynamic Resource")
                .with_description("A resource with a parameter")
                .with_mime_type("application/json"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.as_str();
        let contents = match uri {
            "test://static-text" => {
                ResourceContents::text("This is the content of the static text resource.", uri)
                    .with_mime_type("text/plain")
            }
            "test://watched-resource" => ResourceContents::text("Watched resource content.", uri)
                .with_mime_type("text/plain"),
            "test://static-binary" => ResourceContents::blob(PNG, uri).with_mime_type("image/png"),
            _ => match uri
                .strip_prefix("test://template/")
                .and_then(|rest| rest.strip_suffix("/data"))
            {
                Some(id) if !id.is_empty() && !id.contains('/') => ResourceContents::text(
                    json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")})
                        .to_string(),
                    uri,
                )
                .with_mime_type("application/json"),
                _ => {
                    return Err(ErrorData::invalid_params(
                        "Resource not found",
                        Some(json!({"uri": uri})),
                    ));
                }
            },
        };
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.subscriptions.lock().await.insert(request.uri);
        Ok(())
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.subscriptions.lock().await.remove(&request.uri);
        Ok(())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _cx: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let mut prompts = vec![
            Prompt::new(
                "test_simple_prompt",
                Some("A prompt without arguments"),
                None,
            ),
            Prompt::new(
                "test_prompt_with_arguments",
                Some("A prompt with two arguments"),
                Some(vec![
                    PromptArgument::new("arg1")
                        .with_description("First argument")
                        .with_required(true),
                    PromptArgument::new("arg2")
                        .with_description("Second argument")
                        .with_required(true),
                ]),
            ),
            Prompt::new(
                "test_prompt_with_embedded_resource",
                Some("A prompt that embeds a resource"),
                Some(vec![
                    PromptArgument::new("resourceUri")
                        .with_description("The resource to embed")
                        .with_required(true),
                ]),
            ),
            Prompt::new(
                "test_prompt_with_image",
                Some("A prompt with an image"),
                None,
            ),
            Prompt::new(
                "test_input_required_result_prompt",
                Some("A prompt that needs the user's context first"),
                None,
            ),
        ];
        if self.extra_prompt.load(Ordering::Relaxed) {
            prompts.push(Prompt::new(
                "test_added_prompt",
                Some("Added by test_trigger_prompt_change"),
                None,
            ));
        }
        Ok(ListPromptsResult::with_all_items(prompts))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let args: BTreeMap<String, String> = request
            .arguments
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let v = v
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string());
                (k, v)
            })
            .collect();
        let arg = |k: &str| args.get(k).cloned().unwrap_or_default();
        let user = |s: String| PromptMessage::new_text(Role::User, s);
        let result = match request.name.as_str() {
            "test_simple_prompt" => {
                GetPromptResult::new(vec![user("This is a simple prompt for testing.".into())])
            }
            "test_prompt_with_arguments" => GetPromptResult::new(vec![user(format!(
                "Prompt with arguments: arg1='{}', arg2='{}'",
                arg("arg1"),
                arg("arg2")
            ))]),
            "test_prompt_with_embedded_resource" => {
                let uri = match arg("resourceUri") {
                    u if u.is_empty() => "test://example-resource".to_owned(),
                    u => u,
                };
                GetPromptResult::new(vec![
                    PromptMessage::new(
                        Role::User,
                        ContentBlock::resource(
                            ResourceContents::text("Embedded resource content for testing.", uri)
                                .with_mime_type("text/plain"),
                        ),
                    ),
                    user("Please process the embedded resource above.".into()),
                ])
            }
            "test_prompt_with_image" => GetPromptResult::new(vec![
                PromptMessage::new(Role::User, ContentBlock::image(PNG, "image/png")),
                user("Please analyze the image above.".into()),
            ]),
            "test_input_required_result_prompt" => {
                let empty = InputResponses::new();
                let responses = request.input_responses.as_ref().unwrap_or(&empty);
                match elicited(responses, "user_context", "context") {
                    Some(context) => GetPromptResult::new(vec![user(format!(
                        "Answer with this context in mind: {context}"
                    ))]),
                    None => {
                        let ask = ask_name("What context should the prompt use?", "context");
                        let requests: InputRequests =
                            [("user_context".to_owned(), ask)].into_iter().collect();
                        return Ok(InputRequiredResult::new(Some(requests), None).into());
                    }
                }
            }
            other => return Err(invalid(format!("unknown prompt `{other}`"))),
        };
        Ok(result.into())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let candidates: &[&str] = match request.argument.name.as_str() {
            "id" => &["1", "2", "3"],
            "arg1" | "arg2" => &["alpha", "beta", "gamma"],
            _ => &[],
        };
        let prefix = request.argument.value.as_str();
        let values: Vec<String> = candidates
            .iter()
            .filter(|c| c.starts_with(prefix))
            .map(|c| c.to_string())
            .collect();
        Ok(CompleteResult::new(
            CompletionInfo::new(values).map_err(|e| ErrorData::internal_error(e, None))?,
        ))
    }

    async fn set_level(
        &self,
        _request: SetLevelRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3001".into());
    // `/health` probes the embedded emulator, as `clerk-mcp --http --emulator` does.
    let connection = connect(&ConnectOptions {
        emulator: true,
        user_agent: "clerk-mcp-conformance".into(),
        ..Default::default()
    })
    .await?;
    let cancel = CancellationToken::new();
    let fixtures = Fixtures::new();
    let tools = fixtures.tools().len();
    let router = router_with(
        fixtures,
        connection.client.clone(),
        tools,
        HttpOptions::default(),
        &cancel,
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!(
        "conformance fixtures at http://{}/mcp",
        listener.local_addr()?
    );
    axum::serve(listener, router).await?;
    Ok(())
}
