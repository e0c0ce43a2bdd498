//! The Clerk tools as rig tools, called through rig (its tool server, as an agent dispatches
//! them, and `DynamicTool::execute`) on the in-process emulator.

use std::sync::{Arc, Mutex};

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::function_calling::{functions, valid_name};
use clerk_tools::{CallEvent, Outcome, Toolkit, ToolkitOptions};
use rig_agent::tool::server::{ToolServer, ToolServerHandle};
use rig_core::tool::{ToolContext, ToolErrorKind};
use serde_json::{Value, json};

async fn toolkit(options: ToolkitOptions) -> (Emulator, Toolkit) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    (emulator, Toolkit::new(client, options).unwrap())
}

/// A rig tool server holding the Clerk tools, as an agent built with them has.
fn server(toolkit: &Toolkit) -> ToolServerHandle {
    ToolServer::new()
        .dynamic_tools(clerk_rig::tools(toolkit))
        .run()
}

async fn execute(server: &ToolServerHandle, name: &str, args: Value) -> rig_core::tool::ToolResult {
    server
        .execute(name, &args.to_string(), &mut ToolContext::new())
        .await
}

#[tokio::test]
async fn definitions_are_clerk_tools_definitions() {
    let (_e, toolkit) = toolkit(ToolkitOptions::default()).await;
    let tools = clerk_rig::tools(&toolkit);
    let mcp = toolkit.definitions();
    let mcp = mcp.as_array().unwrap();
    assert_eq!(tools.len(), mcp.len());
    assert_eq!(tools.len(), functions(&toolkit).len());
    for (tool, def) in tools.iter().zip(mcp) {
        let d = tool.definition();
        assert_eq!(d.name.as_str(), def["name"].as_str().unwrap());
        assert!(valid_name(d.name.as_str()), "{}", d.name);
        assert_eq!(d.description, def["description"].as_str().unwrap());
        assert!(!d.description.is_empty());
        assert_eq!(d.parameters, def["inputSchema"]);
        assert_eq!(d.parameters["type"], "object");
    }
    // The same definitions reach the model through a tool server and a ToolSet.
    let served = server(&toolkit).static_tool_defs();
    assert_eq!(served.len(), tools.len());
    let set = clerk_rig::toolset(&toolkit);
    assert_eq!(set.len(), tools.len());
    assert!(set.contains("getUserList") && set.contains("createOrganization"));
}

#[tokio::test]
async fn read_and_write_calls_run_through_the_pipeline() {
    let events: Arc<Mutex<Vec<(String, bool)>>> = Arc::default();
    let sink = Arc::clone(&events);
    let (_e, toolkit) = toolkit(ToolkitOptions::default()).await;
    let toolkit = toolkit.with_sink(move |e: &CallEvent| {
        sink.lock()
            .unwrap()
            .push((e.tool.clone(), matches!(e.outcome, Outcome::Ok)));
    });
    let server = server(&toolkit);

    // A read.
    let count = execute(&server, "getUserCount", json!({})).await;
    assert!(count.is_success(), "{count:?}");
    let total = count.output().as_json().unwrap()["totalCount"]
        .as_u64()
        .unwrap();
    assert!(total > 0);

    // A write, then a read that sees it.
    let created = execute(
        &server,
        "createOrganization",
        json!({"name": "Rig Inc", "slug": "rig-inc"}),
    )
    .await;
    assert!(created.is_success(), "{created:?}");
    let org = created.output().as_json().unwrap().clone();
    assert_eq!(org["name"], "Rig Inc");
    assert!(org["id"].as_str().unwrap().starts_with("org_"));
    let got = clerk_rig::tool(&toolkit, "getOrganization")
        .unwrap()
        .execute(json!({"organizationId": org["id"]}))
        .await
        .unwrap();
    assert_eq!(got.as_json().unwrap()["slug"], "rig-inc");

    // Every call was one pipeline call event.
    let events = events.lock().unwrap().clone();
    assert_eq!(
        events,
        [
            ("getUserCount".to_string(), true),
            ("createOrganization".to_string(), true),
            ("getOrganization".to_string(), true),
        ]
    );
}

#[tokio::test]
async fn bad_arguments_are_an_error_naming_the_field() {
    let (_e, toolkit) = toolkit(ToolkitOptions::default()).await;
    let server = server(&toolkit);
    let result = execute(&server, "getUserList", json!({"limit": 9000})).await;
    assert!(
        result.is_error_kind(ToolErrorKind::InvalidArgs),
        "{result:?}"
    );
    let error = result.error().unwrap();
    assert_eq!(error.code(), Some("invalid_arguments"));
    assert!(error.message().contains("limit"), "{}", error.message());
    // What the model reads: the structured error, with the field.
    let body = result.output().as_json().unwrap();
    assert_eq!(body["error"], "invalid_arguments");
    assert_eq!(body["field"], "limit");

    // Arguments that are not an object.
    let error = clerk_rig::tool(&toolkit, "getUserList")
        .unwrap()
        .execute(json!([1, 2]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ToolErrorKind::InvalidArgs);
    assert!(error.message().contains("must be a JSON object"));

    // A required argument missing.
    let error = clerk_rig::tool(&toolkit, "getOrganization")
        .unwrap()
        .execute(json!({"organizationId": 42}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ToolErrorKind::InvalidArgs);
    assert_eq!(
        error.model_output().as_json().unwrap()["field"],
        "organizationId"
    );
}

#[tokio::test]
async fn read_only_offers_no_write_and_risky_calls_are_refused() {
    let (_e, read_only) = toolkit(ToolkitOptions {
        read_only: true,
        ..Default::default()
    })
    .await;
    let names: Vec<String> = clerk_rig::tools(&read_only)
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    assert!(names.contains(&"getUserList".to_string()));
    for write in ["createOrganization", "deleteUser", "updateUser"] {
        assert!(!names.contains(&write.to_string()), "{write} offered");
        assert!(clerk_rig::tool(&read_only, write).is_none());
    }
    // A model that names it anyway gets no tool.
    let result = execute(
        &server(&read_only),
        "createOrganization",
        json!({"name": "X"}),
    )
    .await;
    assert!(!result.is_success(), "{result:?}");

    // A destructive call needs the person's confirmation: refused, nothing done.
    let (_e, toolkit) = toolkit(ToolkitOptions::default()).await;
    let server = server(&toolkit);
    let users = execute(&server, "getUserList", json!({"limit": 1})).await;
    let user_id = users.output().as_json().unwrap()["data"][0]["id"].clone();
    let deleted = execute(&server, "deleteUser", json!({"userId": user_id})).await;
    assert!(deleted.is_refused(), "{deleted:?}");
    let refusal = deleted.refusal().unwrap();
    assert_eq!(refusal.code(), Some("confirmation_required"));
    assert!(deleted.output().as_json().unwrap()["prompt"].is_string());
    let still = execute(&server, "getUser", json!({"userId": user_id})).await;
    assert!(still.is_success(), "{still:?}");
}
