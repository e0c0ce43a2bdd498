//! The call pipeline: visibility, pinning, validation, policy, the call (timeout, panics),
//! structured errors and exactly one call event per call.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_tools::{
    Annotations, AuthMethod, CallError, CallEvent, Caller, Category, ClientInfo, Decision,
    JsonObject, Outcome, Output, Pipeline, Policy, Registry, Tool, ToolContext, ToolError,
    ToolkitOptions, TypedTool,
};
use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use support::*;
use wiremock::{MockServer, ResponseTemplate};

/// Records every event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<CallEvent>>>);

impl Recorder {
    fn events(&self) -> Vec<CallEvent> {
        self.0.lock().unwrap().clone()
    }
    fn sink(&self) -> impl Fn(&CallEvent) + Send + Sync + 'static {
        let inner = self.0.clone();
        move |e: &CallEvent| inner.lock().unwrap().push(e.clone())
    }
}

/// Hides `deleteUser`, denies `deleteOrganization`, allows the rest.
struct TestPolicy;

impl Policy for TestPolicy {
    fn name(&self) -> &'static str {
        "test"
    }
    fn visible(&self, tool: &dyn Tool, _ctx: &ToolContext) -> bool {
        tool.name() != "deleteUser"
    }
    fn authorize<'a>(
        &'a self,
        tool: &'a dyn Tool,
        args: &'a JsonObject,
        _ctx: &'a ToolContext,
    ) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            if tool.name() == "deleteOrganization" {
                Decision::deny_missing(
                    format!("you may not delete {}", args["organizationId"]),
                    "org:clerk_mcp:destructive",
                )
            } else {
                Decision::Allow
            }
        })
    }
}

fn pipeline(server: &MockServer) -> (Pipeline, ToolContext, Recorder) {
    let recorder = Recorder::default();
    let pipeline =
        Pipeline::new(Registry::new(ToolkitOptions::default()).unwrap()).with_sink(recorder.sink());
    (pipeline, ToolContext::new(client(server)), recorder)
}

#[tokio::test]
async fn policy_hides_tools_from_lists_and_calls() {
    let server = MockServer::start().await;
    forbid_requests(&server).await;
    let (pipeline, ctx, recorder) = pipeline(&server);
    let pipeline = pipeline.with_policy(TestPolicy);

    let names: Vec<String> = pipeline
        .definitions_for(&ctx)
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.contains(&"deleteUser".to_string()));
    assert!(names.contains(&"deleteOrganization".to_string()));
    assert_eq!(names.len(), pipeline.registry().tools().len() - 1);

    // A hidden tool is unknown, exactly like a tool that does not exist.
    let err = pipeline
        .call(&ctx, "deleteUser", args(json!({"userId": "user_1"})))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CallError::UnknownTool(n) if n == "deleteUser"),
        "{err:?}"
    );

    // A denied call names what is missing and sends nothing.
    let err = pipeline
        .call(
            &ctx,
            "deleteOrganization",
            args(json!({"organizationId": "org_1"})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(e, ToolError::Denied { .. }), "{e:?}");
    let j = e.to_json();
    assert_eq!(j["error"], "denied");
    assert_eq!(j["missing"], "org:clerk_mcp:destructive");
    assert!(j["message"].as_str().unwrap().contains("org_1"), "{j}");

    let events = recorder.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].risk, None);
    assert_eq!(
        events[1].outcome,
        Outcome::Error {
            code: "denied".into(),
            clerk_status: None,
            clerk_code: None
        }
    );
    assert_eq!(events[1].policy, "test");
}

#[tokio::test]
async fn validation_comes_before_the_policy_and_reports_fields() {
    let server = MockServer::start().await;
    forbid_requests(&server).await;
    let (pipeline, ctx, recorder) = pipeline(&server);
    let pipeline = pipeline.with_policy(TestPolicy);
    let err = pipeline
        .call(
            &ctx,
            "deleteOrganization",
            args(json!({"organizationId": 7})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else { panic!() };
    let j = e.to_json();
    assert_eq!(j["error"], "invalid_arguments");
    assert_eq!(j["field"], "organizationId");
    assert_eq!(j["fields"][0]["field"], "organizationId");
    assert_eq!(recorder.events().len(), 1);
}

#[tokio::test]
async fn one_event_per_call_with_masked_arguments_and_no_key() {
    let server = MockServer::start().await;
    given("POST", "/v1/users")
        .respond_with(ok(user("user_new")))
        .expect(1)
        .mount(&server)
        .await;
    let (pipeline, ctx, recorder) = pipeline(&server);
    let ctx = ctx
        .with_request_id("req-42")
        .with_auth(AuthMethod::StaticToken)
        .with_client_info(ClientInfo {
            name: "pytest".into(),
            version: Some("1.0".into()),
        });
    pipeline
        .call(
            &ctx,
            "createUser",
            args(json!({"emailAddress": ["new@example.com"], "password": "correct-horse-battery"})),
        )
        .await
        .unwrap();
    let events = recorder.events();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.request_id, "req-42");
    assert_eq!(e.tool, "createUser");
    assert_eq!(e.risk, Some(clerk_tools::Risk::Write));
    assert_eq!(e.auth, "static_token");
    assert_eq!(e.outcome, Outcome::Ok);
    assert_eq!(e.client.as_ref().unwrap().name, "pytest");
    assert_eq!(e.arguments["password"], "[masked]");
    assert_eq!(e.arguments["emailAddress"], json!(["new@example.com"]));
    assert!(e.tenant.starts_with("sk_test:"), "{}", e.tenant);
    let line = serde_json::to_string(e).unwrap();
    assert!(!line.contains("correct-horse-battery"), "{line}");
    assert!(!line.contains(KEY), "{line}");
    assert!(e.time.ends_with('Z') && e.time.contains('T'), "{}", e.time);
}

#[tokio::test]
async fn clerk_errors_are_structured() {
    let server = MockServer::start().await;
    given("GET", "/v1/users/user_gone")
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(clerk_error(
                    "resource_not_found",
                    "not found",
                    "No user was found with id user_gone",
                    "trace-abc",
                ))
                .insert_header("Retry-After", "3"),
        )
        .mount(&server)
        .await;
    let (pipeline, ctx, recorder) = pipeline(&server);
    let err = pipeline
        .call(&ctx, "getUser", args(json!({"userId": "user_gone"})))
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else { panic!() };
    let j = e.to_json();
    assert_eq!(j["error"], "clerk_api_error");
    assert_eq!(j["clerkStatus"], 404);
    assert_eq!(j["clerkCode"], "resource_not_found");
    assert_eq!(j["clerkTraceId"], "trace-abc");
    assert_eq!(
        j["clerkErrors"][0]["long_message"],
        "No user was found with id user_gone"
    );
    assert!(j["message"].as_str().unwrap().contains("trace-abc"), "{j}");
    let events = recorder.events();
    assert_eq!(
        events[0].outcome,
        Outcome::Error {
            code: "clerk_api_error".into(),
            clerk_status: Some(404),
            clerk_code: Some("resource_not_found".into())
        }
    );
    assert_eq!(events[0].clerk_trace_ids, vec!["trace-abc".to_string()]);
}

#[tokio::test]
async fn a_caller_without_organization_cannot_reach_organization_tools() {
    let server = MockServer::start().await;
    forbid_requests(&server).await;
    let (pipeline, ctx, _) = pipeline(&server);
    let ctx = ctx.with_caller(Caller::user("user_me"));
    let names: Vec<String> = pipeline
        .definitions_for(&ctx)
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !names.contains(&"deleteOrganization".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"getUser".to_string()));
    let err = pipeline
        .call(
            &ctx,
            "deleteOrganization",
            args(json!({"organizationId": "org_someone_else"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::UnknownTool(_)), "{err:?}");
    // With an organization, only that one.
    let ctx = ctx.with_caller(Caller::user("user_me").with_organization("org_mine"));
    let err = pipeline
        .call(
            &ctx,
            "deleteOrganization",
            args(json!({"organizationId": "org_someone_else"})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else { panic!() };
    assert_eq!(e.to_json()["error"], "forbidden");
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Empty {}

fn custom(name: &'static str, behaviour: &'static str) -> Arc<dyn Tool> {
    Arc::new(TypedTool::new(
        name,
        Category::Users,
        "Test",
        "A test tool.",
        Annotations::READ,
        Output::Object("thing"),
        move |_ctx, _: Empty| async move {
            match behaviour {
                "panic" => panic!("boom in the tool"),
                "slow" => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(json!({}))
                }
                _ => Ok(json!({"ok": true, "empty": null})),
            }
        },
    ))
}

#[tokio::test]
async fn panics_and_timeouts_become_errors() {
    let server = MockServer::start().await;
    let registry = Registry::from_tools(
        vec![
            custom("boom", "panic"),
            custom("slow", "slow"),
            custom("fine", "ok"),
        ],
        ToolkitOptions::default(),
    )
    .unwrap();
    let recorder = Recorder::default();
    let pipeline = Pipeline::new(registry)
        .with_sink(recorder.sink())
        .with_call_timeout(Some(Duration::from_millis(50)));
    let ctx = ToolContext::new(client(&server));
    let err = pipeline.call(&ctx, "boom", None).await.unwrap_err();
    let CallError::Tool(e) = err else { panic!() };
    assert_eq!(e.code(), "internal");
    assert!(e.to_string().contains("boom in the tool"), "{e}");
    let err = pipeline.call(&ctx, "slow", None).await.unwrap_err();
    let CallError::Tool(e) = err else { panic!() };
    assert_eq!(e.code(), "timeout");
    // The pipeline is still fine, and results are shaped (null dropped).
    let v: Value = pipeline.call(&ctx, "fine", None).await.unwrap();
    assert_eq!(v, json!({"ok": true}));
    assert_eq!(recorder.events().len(), 3);
}
