//! A Rust agent embedding `clerk-tools` directly, with no MCP in between.
//!
//! It builds the toolkit, turns its definitions into the function-calling JSON that the OpenAI
//! (Chat Completions / Responses) and Anthropic (Messages) APIs take, then executes tool calls
//! given in each API's format and builds the tool-result messages, as an agent loop would after
//! each model turn. The model's turns are scripted here, so the example runs offline on the
//! embedded emulator:
//!
//! ```text
//! cargo run -p clerk-examples --example agent_loop
//! ```

use clerk_tools::{CallError, Toolkit, ToolkitOptions};
use serde_json::{Value, json};

/// Tool definitions as OpenAI `tools` entries.
fn openai_tools(toolkit: &Toolkit) -> Vec<Value> {
    toolkit
        .tools()
        .iter()
        .map(|t| {
            json!({
                "type": "function",
                "function": {
                    "name": t.name(),
                    "description": t.description(),
                    "parameters": Value::Object((*t.input_schema()).clone()),
                    "strict": false,
                }
            })
        })
        .collect()
}

/// Tool definitions as Anthropic `tools` entries.
fn anthropic_tools(toolkit: &Toolkit) -> Vec<Value> {
    toolkit
        .tools()
        .iter()
        .map(|t| {
            json!({
                "name": t.name(),
                "description": t.description(),
                "input_schema": Value::Object((*t.input_schema()).clone()),
            })
        })
        .collect()
}

/// Runs a tool and renders the outcome as (text, is_error).
async fn run_tool(toolkit: &Toolkit, name: &str, args: Value) -> (String, bool) {
    let args = match args {
        Value::Object(m) => Some(m),
        Value::Null => None,
        other => {
            return (
                format!("arguments must be a JSON object, got {other}"),
                true,
            );
        }
    };
    match toolkit.call(name, args).await {
        Ok(v) => (v.to_string(), false),
        Err(CallError::UnknownTool(n)) => (format!("unknown tool {n}"), true),
        Err(CallError::Tool(e)) => (e.to_string(), true),
    }
}

/// Executes the `tool_calls` of an OpenAI assistant message; returns the `role: tool` messages.
async fn execute_openai(toolkit: &Toolkit, assistant: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for call in assistant["tool_calls"].as_array().into_iter().flatten() {
        let name = call["function"]["name"].as_str().unwrap_or_default();
        // OpenAI sends arguments as a JSON *string*.
        let args = call["function"]["arguments"]
            .as_str()
            .map(|s| serde_json::from_str(s).unwrap_or(Value::Null))
            .unwrap_or(Value::Null);
        let (content, _) = run_tool(toolkit, name, args).await;
        out.push(json!({"role": "tool", "tool_call_id": call["id"], "content": content}));
    }
    out
}

/// Executes the `tool_use` blocks of an Anthropic assistant message; returns the user message
/// carrying the `tool_result` blocks.
async fn execute_anthropic(toolkit: &Toolkit, assistant: &Value) -> Value {
    let mut results = Vec::new();
    for block in assistant["content"].as_array().into_iter().flatten() {
        if block["type"] != "tool_use" {
            continue;
        }
        let name = block["name"].as_str().unwrap_or_default();
        let (content, is_error) = run_tool(toolkit, name, block["input"].clone()).await;
        results.push(json!({
            "type": "tool_result", "tool_use_id": block["id"], "content": content, "is_error": is_error,
        }));
    }
    json!({"role": "user", "content": results})
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator =
        clerk_emulator::Emulator::start(clerk_emulator::EmulatorConfig::default()).await?;
    let client = clerk_api::Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()?;
    let toolkit = Toolkit::new(client, ToolkitOptions::default())?;

    let openai = openai_tools(&toolkit);
    let anthropic = anthropic_tools(&toolkit);
    println!("{} tools; first as OpenAI: {}", openai.len(), openai[0]);
    println!("first as Anthropic: {}", anthropic[0]);
    assert_eq!(openai.len(), anthropic.len());

    // Turn 1 (OpenAI format): the model asks for the user list and the user count.
    let assistant = json!({
        "role": "assistant",
        "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "getUserList", "arguments": "{\"limit\": 3}"}},
            {"id": "call_2", "type": "function",
             "function": {"name": "getUserCount", "arguments": "{}"}}
        ]
    });
    let tool_messages = execute_openai(&toolkit, &assistant).await;
    for m in &tool_messages {
        println!("openai tool message: {}", truncate(&m["content"]));
    }
    let users: Value = serde_json::from_str(tool_messages[0]["content"].as_str().unwrap())?;
    let first_user = users["data"][0]["id"]
        .as_str()
        .ok_or("no users")?
        .to_string();

    // Turn 2 (Anthropic format): the model creates an organization and adds that user.
    let assistant = json!({
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Creating the organization."},
            {"type": "tool_use", "id": "toolu_1", "name": "createOrganization",
             "input": {"name": "Agent Loop Inc", "slug": "agent-loop-inc"}}
        ]
    });
    let reply = execute_anthropic(&toolkit, &assistant).await;
    println!(
        "anthropic tool_result: {}",
        truncate(&reply["content"][0]["content"])
    );
    let org: Value = serde_json::from_str(reply["content"][0]["content"].as_str().unwrap())?;
    let assistant = json!({
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "toolu_2", "name": "createOrganizationMembership",
                     "input": {"organizationId": org["id"], "userId": first_user, "role": "org:admin"}}]
    });
    let reply = execute_anthropic(&toolkit, &assistant).await;
    assert_eq!(reply["content"][0]["is_error"], false, "{reply}");
    println!("membership: {}", truncate(&reply["content"][0]["content"]));

    // A bad call comes back as an error result the model can read and fix.
    let assistant = json!({
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "toolu_3", "name": "getUserList", "input": {"limit": 9000}}]
    });
    let reply = execute_anthropic(&toolkit, &assistant).await;
    assert_eq!(reply["content"][0]["is_error"], true);
    println!("error for the model: {}", reply["content"][0]["content"]);

    emulator.shutdown().await;
    Ok(())
}

fn truncate(v: &Value) -> String {
    let s = v
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string());
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}
