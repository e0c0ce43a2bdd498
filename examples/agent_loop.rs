//! A Rust agent embedding `clerk-tools` directly, with no MCP in between.
//!
//! It builds the toolkit, turns its definitions into the function-calling JSON that the OpenAI
//! (Chat Completions) and Anthropic (Messages) APIs take, then executes tool calls given in each
//! API's format and builds the tool-result messages, as an agent loop would after each model turn
//! — all with `clerk_tools::function_calling`. The model's turns are scripted here, so the example runs offline on the
//! embedded emulator:
//!
//! ```text
//! cargo run -p clerk-examples --example agent_loop
//! ```

use clerk_tools::function_calling::{
    anthropic_tools, execute_anthropic, execute_openai, openai_tools,
};
use clerk_tools::{Toolkit, ToolkitOptions};
use serde_json::{Value, json};

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
