//! A rig agent (rig-agent's runner, with a scripted model) using the Clerk tools: the model's
//! tool calls run through the pipeline, and their results and errors go back to the model.

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::{Toolkit, ToolkitOptions};
use rig_agent::AgentBuilder;
use rig_core::test_utils::{MockCompletionModel, MockTurn};
use serde_json::json;

#[tokio::test]
async fn an_agent_calls_the_tools_and_reads_their_results() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    let toolkit = Toolkit::new(client, ToolkitOptions::default()).unwrap();
    let model = MockCompletionModel::from_turns([
        MockTurn::tool_call(
            "call_1",
            "createOrganization",
            json!({"name": "Agent Rig Inc"}),
        ),
        MockTurn::tool_call("call_2", "getUserList", json!({"limit": 9000})),
        MockTurn::text("Created Agent Rig Inc."),
    ]);
    let agent = AgentBuilder::new(model.clone())
        .preamble("You administer a Clerk instance.")
        .dynamic_tools(clerk_rig::tools(&toolkit))
        .build();
    let answer = agent
        .prompt("Create the organization Agent Rig Inc")
        .max_turns(5)
        .await
        .unwrap();
    assert_eq!(answer.output(), "Created Agent Rig Inc.");

    let requests = model.requests();
    assert_eq!(requests.len(), 3);
    // The model was offered the Clerk tools, with their schemas.
    let offered: Vec<&str> = requests[0].tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        offered.len(),
        toolkit.definitions().as_array().unwrap().len()
    );
    assert!(offered.contains(&"createOrganization"));
    // It saw the created organization, then the error naming the bad field.
    let second = serde_json::to_string(&requests[1].chat_history).unwrap();
    assert!(
        second.contains("Agent Rig Inc") && second.contains("org_"),
        "{second}"
    );
    let third = serde_json::to_string(&requests[2].chat_history).unwrap();
    assert!(
        third.contains("invalid_arguments") && third.contains("limit"),
        "{third}"
    );

    // The change is real.
    let orgs = toolkit
        .call(
            "getOrganizationList",
            json!({"query": "Agent Rig"}).as_object().cloned(),
        )
        .await
        .unwrap();
    assert_eq!(orgs["data"][0]["name"], "Agent Rig Inc");
    emulator.shutdown().await;
}
