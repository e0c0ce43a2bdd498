//! OpenAI and Anthropic function calling over the pipeline, on the in-process emulator.

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::function_calling::{
    anthropic_tools, execute_anthropic, execute_openai, openai_tools, valid_name,
};
use clerk_tools::{Toolkit, ToolkitOptions};
use serde_json::{Value, json};

async fn toolkit() -> (Emulator, Toolkit) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    (
        emulator,
        Toolkit::new(client, ToolkitOptions::default()).unwrap(),
    )
}

#[tokio::test]
async fn definitions_fit_both_apis() {
    let (_e, toolkit) = toolkit().await;
    let openai = openai_tools(&toolkit);
    let anthropic = anthropic_tools(&toolkit);
    assert_eq!(openai.len(), toolkit.tools().len());
    assert_eq!(anthropic.len(), openai.len());
    for (o, a) in openai.iter().zip(&anthropic) {
        assert_eq!(o["type"], "function");
        let name = o["function"]["name"].as_str().unwrap();
        assert!(valid_name(name), "{name}");
        assert_eq!(a["name"], name);
        assert_eq!(o["function"]["parameters"]["type"], "object");
        assert_eq!(a["input_schema"], o["function"]["parameters"]);
        assert!(
            o["function"]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
    assert!(!valid_name("has space") && !valid_name(&"x".repeat(65)) && !valid_name(""));
}

#[tokio::test]
async fn calls_in_either_format_run_through_the_pipeline() {
    let (_e, toolkit) = toolkit().await;
    let replies = execute_openai(
        &toolkit,
        &json!({"role": "assistant", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "getUserCount", "arguments": "{}"}},
            {"id": "call_2", "type": "function", "function": {"name": "getUserList", "arguments": "{\"limit\": 9000}"}},
            {"id": "call_3", "type": "function", "function": {"name": "getUserList", "arguments": "{oops"}}
        ]}),
    )
    .await;
    assert_eq!(replies.len(), 3);
    assert_eq!(replies[0]["tool_call_id"], "call_1");
    let count: Value = serde_json::from_str(replies[0]["content"].as_str().unwrap()).unwrap();
    assert!(count["totalCount"].as_u64().unwrap() > 0);
    let bad: Value = serde_json::from_str(replies[1]["content"].as_str().unwrap()).unwrap();
    assert_eq!(bad["field"], "limit");
    assert!(
        replies[2]["content"]
            .as_str()
            .unwrap()
            .contains("invalid_arguments")
    );

    let reply = execute_anthropic(
        &toolkit,
        &json!({"role": "assistant", "content": [
            {"type": "text", "text": "thinking"},
            {"type": "tool_use", "id": "toolu_1", "name": "createOrganization", "input": {"name": "FC Inc"}},
            {"type": "tool_use", "id": "toolu_2", "name": "noSuchTool", "input": {}}
        ]}),
    )
    .await;
    assert_eq!(reply["role"], "user");
    let blocks = reply["content"].as_array().unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0]["tool_use_id"], "toolu_1");
    assert_eq!(blocks[0]["is_error"], false);
    assert!(blocks[0]["content"].as_str().unwrap().contains("FC Inc"));
    assert_eq!(blocks[1]["is_error"], true);
    assert!(
        blocks[1]["content"]
            .as_str()
            .unwrap()
            .contains("unknown_tool")
    );
}
