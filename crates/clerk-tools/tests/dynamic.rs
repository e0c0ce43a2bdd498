//! Dynamic mode: three meta-tools stand for the whole catalogue, and a call through
//! `callClerkTool` takes exactly the path of a direct call.

mod support;

use std::sync::{Arc, Mutex};

use clerk_tools::{CallError, CallEvent, ToolError, Toolkit, ToolkitOptions};
use serde_json::json;
use support::{args, given, ok};

fn dynamic(toolkit: Toolkit) -> (Toolkit, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let toolkit = toolkit
        .map_pipeline(|p| p.with_dynamic(true))
        .with_sink(move |e: &CallEvent| s.lock().unwrap().push(e.tool.clone()));
    (toolkit, seen)
}

fn all_toolsets() -> ToolkitOptions {
    ToolkitOptions {
        toolsets: vec!["all".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn lists_three_small_meta_tools_whatever_the_catalogue() {
    let (_server, toolkit) = support::setup_with(all_toolsets()).await;
    assert!(toolkit.tools().len() >= 200);
    let (toolkit, _) = dynamic(toolkit);
    let defs = toolkit.pipeline().definitions_for(toolkit.context());
    let names: Vec<&str> = defs.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["searchClerkTools", "describeClerkTool", "callClerkTool"]
    );
    let bytes = serde_json::to_string(&defs).unwrap().len();
    assert!(bytes <= 4096, "{bytes} bytes");
}

#[tokio::test]
async fn search_describe_and_call_go_through_the_pipeline() {
    let (server, toolkit) = support::setup_with(all_toolsets()).await;
    let (toolkit, seen) = dynamic(toolkit);

    let toolsets = toolkit.call("searchClerkTools", None).await.unwrap();
    let jwt = toolsets["toolsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["toolset"] == "jwt")
        .expect("the jwt toolset is listed");
    assert!(jwt["tools"].as_u64().unwrap() >= 5);

    let found = toolkit
        .call("searchClerkTools", args(json!({"query": "jwt templates"})))
        .await
        .unwrap();
    let names: Vec<&str> = found["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"getJwtTemplateList"), "{names:?}");
    let by_set = toolkit
        .call(
            "searchClerkTools",
            args(json!({"toolset": "machines", "limit": 50})),
        )
        .await
        .unwrap();
    assert!(
        by_set["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["toolset"] == "machines")
    );

    let described = toolkit
        .call("describeClerkTool", args(json!({"name": "getJwtTemplate"})))
        .await
        .unwrap();
    assert_eq!(described["name"], "getJwtTemplate");
    assert_eq!(described["inputSchema"]["required"], json!(["templateId"]));
    assert_eq!(described["toolset"], "jwt");

    given("GET", "/v1/jwt_templates/jtmpl_1")
        .respond_with(ok(
            json!({"object": "jwt_template", "id": "jtmpl_1", "name": "hasura"}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let via = toolkit
        .call(
            "callClerkTool",
            args(json!({"name": "getJwtTemplate", "arguments": {"templateId": "jtmpl_1"}})),
        )
        .await
        .unwrap();
    let direct = toolkit
        .call("getJwtTemplate", args(json!({"templateId": "jtmpl_1"})))
        .await
        .unwrap();
    assert_eq!(via, direct);
    assert_eq!(via["name"], "hasura");
    // One event per call, naming the tool that ran (not the meta-tool).
    assert_eq!(*seen.lock().unwrap(), ["getJwtTemplate", "getJwtTemplate"]);

    // Bad arguments of the target are reported as the target's.
    let err = toolkit
        .call(
            "callClerkTool",
            args(json!({"name": "getJwtTemplate", "arguments": {}})),
        )
        .await
        .unwrap_err();
    match err {
        CallError::Tool(ToolError::InvalidArguments { tool, errors }) => {
            assert_eq!(tool, "getJwtTemplate");
            assert!(errors.iter().any(|e| e.field == "templateId"), "{errors:?}");
        }
        other => panic!("{other}"),
    }
    let err = toolkit
        .call("callClerkTool", args(json!({"arguments": {}})))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("name"), "{err}");
}

#[tokio::test]
async fn scoping_and_confirmation_hold_through_call_clerk_tool() {
    // Read-only: a write tool is neither found nor callable.
    let (server, toolkit) = support::setup_with(ToolkitOptions {
        read_only: true,
        ..all_toolsets()
    })
    .await;
    support::forbid_requests(&server).await;
    let (toolkit, _) = dynamic(toolkit);
    let found = toolkit
        .call(
            "searchClerkTools",
            args(json!({"query": "delete jwt template"})),
        )
        .await
        .unwrap();
    assert!(
        found["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["risk"] == "read"),
        "{found}"
    );
    let err = toolkit
        .call(
            "callClerkTool",
            args(json!({"name": "deleteJwtTemplate", "arguments": {"templateId": "jtmpl_1"}})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallError::UnknownTool(ref n) if n == "deleteJwtTemplate"),
        "{err}"
    );
    let err = toolkit
        .call(
            "describeClerkTool",
            args(json!({"name": "deleteJwtTemplate"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::UnknownTool(_)));

    // Confirmation: a destructive call through callClerkTool asks, as a direct one does.
    let server = wiremock::MockServer::start().await;
    support::forbid_requests(&server).await;
    let toolkit = Toolkit::new(support::client(&server), all_toolsets()).unwrap();
    let (toolkit, _) = dynamic(toolkit);
    let err = toolkit
        .call(
            "callClerkTool",
            args(json!({"name": "deleteJwtTemplate", "arguments": {"templateId": "jtmpl_1"}})),
        )
        .await
        .unwrap_err();
    match err {
        CallError::Tool(ToolError::ConfirmationRequired(_)) => {}
        other => panic!("expected a confirmation request, got {other}"),
    }
}
