//! Lean list results: list tools return summaries by default and every field with
//! `view: "full"`; secrets stay masked and `private_metadata` stays out in both views. Also
//! prints the bytes per user of either view on the emulator's demo users (the README's figure).

mod support;

use std::sync::Arc;

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::{
    Annotations, CallError, Category, Output, Tool, ToolContext, ToolError, Toolkit,
    ToolkitOptions, TypedTool,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use support::*;

fn compact_len(v: &Value) -> usize {
    serde_json::to_string(v).unwrap().len()
}

async fn emulator_toolkit() -> (Emulator, Toolkit) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    let toolkit = Toolkit::new(client, ToolkitOptions::default()).unwrap();
    (emulator, toolkit)
}

#[tokio::test]
async fn get_user_list_is_compact_by_default_and_full_on_request() {
    let (_emulator, toolkit) = emulator_toolkit().await;
    let summary = call_ok(&toolkit, "getUserList", json!({"limit": 100})).await;
    let full = call_ok(
        &toolkit,
        "getUserList",
        json!({"limit": 100, "view": "full"}),
    )
    .await;
    let explicit = call_ok(
        &toolkit,
        "getUserList",
        json!({"limit": 100, "view": "summary"}),
    )
    .await;
    assert_eq!(explicit, summary, "`summary` is the default");
    assert_eq!(summary["totalCount"], full["totalCount"]);
    assert_eq!(summary["hasMore"], full["hasMore"]);

    let users = summary["data"].as_array().unwrap();
    let full_users = full["data"].as_array().unwrap();
    assert!(!users.is_empty());
    assert_eq!(users.len(), full_users.len());
    let allowed = [
        "id",
        "first_name",
        "last_name",
        "email",
        "username",
        "external_id",
        "created_at",
        "last_sign_in_at",
        "last_active_at",
        "banned",
        "locked",
    ];
    for (s, f) in users.iter().zip(full_users) {
        assert_eq!(s["id"], f["id"]);
        for key in s.as_object().unwrap().keys() {
            assert!(allowed.contains(&key.as_str()), "unexpected `{key}` in {s}");
        }
        for key in ["id", "created_at", "banned", "locked"] {
            assert!(s.get(key).is_some(), "`{key}` missing from {s}");
        }
        // `email` is the primary address of the full user.
        let primary = f["primary_email_address_id"].as_str();
        let email = f["email_addresses"].as_array().and_then(|a| {
            a.iter()
                .find(|e| e["id"].as_str() == primary)
                .map(|e| e["email_address"].clone())
        });
        assert_eq!(s.get("email").cloned(), email, "{s} vs {f}");
        for key in [
            "first_name",
            "last_name",
            "username",
            "last_sign_in_at",
            "last_active_at",
        ] {
            assert_eq!(s.get(key), f.get(key), "`{key}` of {}", s["id"]);
        }
        assert!(f.get("email_addresses").is_some() && f.get("object").is_some());
        let bytes = compact_len(s);
        assert!(bytes <= 350, "{bytes} bytes: {s}");
    }
    assert_no_private_metadata(&full);

    let n = users.len();
    let summary_bytes: usize = users.iter().map(compact_len).sum();
    let full_bytes: usize = full_users.iter().map(compact_len).sum();
    println!(
        "getUserList on {n} demo users: summary {} B/user, full {} B/user ({:.1}x smaller); page {} B vs {} B",
        summary_bytes / n,
        full_bytes / n,
        full_bytes as f64 / summary_bytes as f64,
        compact_len(&summary),
        compact_len(&full),
    );
    assert!(summary_bytes * 2 < full_bytes, "a summary is much smaller");
}

#[tokio::test]
async fn the_view_argument_is_in_every_list_tool_schema_and_only_there() {
    let (_emulator, toolkit) = emulator_toolkit().await;
    let all = Toolkit::new(
        toolkit.context().client.clone(),
        ToolkitOptions {
            toolsets: vec!["all".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let defs = all.definitions();
    let mut lists = 0;
    for (tool, def) in all.tools().iter().zip(defs.as_array().unwrap()) {
        let view = def.pointer("/inputSchema/properties/view");
        if matches!(tool.output(), Output::List(_)) {
            lists += 1;
            let view = view.unwrap_or_else(|| panic!("{} has no view", tool.name()));
            assert_eq!(view["enum"], json!(["summary", "full"]));
            assert!(compact_len(view) < 120, "keep it short: {view}");
        } else {
            assert!(view.is_none(), "{} is not a list tool", tool.name());
        }
    }
    assert!(lists > 20, "{lists} list tools");
}

#[tokio::test]
async fn a_bad_view_is_an_invalid_argument_naming_view() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    for bad in [json!("everything"), json!(true), json!(["full"])] {
        match call_err(&toolkit, "getUserList", json!({"view": bad})).await {
            CallError::Tool(ToolError::InvalidArguments { tool, errors }) => {
                assert_eq!(tool, "getUserList");
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!(errors[0].field, "view");
            }
            other => panic!("expected invalid arguments, got {other}"),
        }
    }
    // With other bad arguments, every one is reported at once.
    match call_err(&toolkit, "getUserList", json!({"view": "x", "limit": 9000})).await {
        CallError::Tool(ToolError::InvalidArguments { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert!(
                fields.contains(&"view") && fields.contains(&"limit"),
                "{fields:?}"
            );
        }
        other => panic!("expected invalid arguments, got {other}"),
    }
    // A tool that is not a list takes no `view`.
    match call_err(
        &toolkit,
        "getUser",
        json!({"userId": "user_1", "view": "full"}),
    )
    .await
    {
        CallError::Tool(ToolError::InvalidArguments { errors, .. }) => {
            assert_eq!(errors[0].field, "view");
        }
        other => panic!("expected invalid arguments, got {other}"),
    }
}

#[tokio::test]
async fn user_and_session_summaries_over_http() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users")
        .respond_with(ok(json!([user("user_1")])))
        .mount(&server)
        .await;
    given("GET", "/v1/users/count")
        .respond_with(ok(json!({"object": "total_count", "total_count": 1})))
        .mount(&server)
        .await;
    let page = call_ok(&toolkit, "getUserList", json!({})).await;
    assert_eq!(
        page,
        json!({
            "data": [{
                "id": "user_1", "first_name": "Ada", "last_name": "Lovelace",
                "email": "ada@example.com", "username": "ada",
                "created_at": T0, "last_sign_in_at": T0 + 5_000,
                "last_active_at": T0 + 6_000, "banned": false, "locked": false
            }],
            "totalCount": 1,
            "hasMore": false
        })
    );
    let full = call_ok(&toolkit, "getUserList", json!({"view": "full"})).await;
    assert_list_result(&full, &[user("user_1")], 1, false, None);

    given("GET", "/v1/sessions")
        .respond_with(ok(
            json!({"data": [session("sess_1", "user_1", "active")], "total_count": 1}),
        ))
        .mount(&server)
        .await;
    let sessions = call_ok(&toolkit, "getSessionList", json!({"userId": "user_1"})).await;
    let s = &sessions["data"][0];
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "user_id",
            "status",
            "last_active_at",
            "expire_at",
            "latest_activity"
        ],
        "{s}"
    );
    assert_eq!(s["status"], "active");
    assert!(
        s.get("last_active_token").is_none(),
        "no token in a summary: {s}"
    );
    for key in s["latest_activity"].as_object().unwrap().keys() {
        assert!(
            ["city", "country", "browser_name"].contains(&key.as_str()),
            "{s}"
        );
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Empty {}

const CLIENT_SECRET: &str = "cs_live_do_not_show_me";
const TICKET: &str = "tkt_do_not_show_me";

/// A list tool of a kind without its own summary, whose objects carry secrets.
fn secret_list_tool() -> Arc<dyn Tool> {
    Arc::new(TypedTool::new(
        "getSecretThingList",
        Category::Users,
        "Secret things",
        "Lists things that carry secrets.",
        Annotations::READ,
        Output::List("oauth_application"),
        |_ctx, _: Empty| async move {
            Ok(json!({
                "data": [{
                    "object": "oauth_application",
                    "id": "oa_1",
                    "name": "App",
                    "client_secret": CLIENT_SECRET,
                    "callback_url": format!("https://app.example.com/cb?ticket={TICKET}&x=1"),
                    "public": false,
                    "scopes": "profile email",
                    "private_metadata": {"note": "hidden"},
                    "public_metadata": {"note": "shown in full"},
                    "created_at": 1
                }],
                "totalCount": 1,
                "hasMore": false
            }))
        },
    ))
}

#[tokio::test]
async fn secrets_stay_masked_and_private_metadata_out_in_both_views() {
    let toolkit = Toolkit::from_tools(
        vec![secret_list_tool()],
        ToolContext::new(Client::new("sk_test_unused").unwrap()),
        ToolkitOptions::default(),
    )
    .unwrap();
    let summary = call_ok(&toolkit, "getSecretThingList", json!({})).await;
    let full = call_ok(&toolkit, "getSecretThingList", json!({"view": "full"})).await;
    for (name, page) in [("summary", &summary), ("full", &full)] {
        let text = page.to_string();
        assert!(!text.contains(CLIENT_SECRET), "{name}: {text}");
        assert!(!text.contains(TICKET), "{name}: {text}");
        assert!(!text.contains("hidden"), "{name}: {text}");
        assert_no_private_metadata(page);
        let item = &page["data"][0];
        assert!(
            item["client_secret"]
                .as_str()
                .unwrap()
                .starts_with("[masked:")
        );
        assert!(
            item["callback_url"]
                .as_str()
                .unwrap()
                .contains("ticket=[masked:")
        );
        // The same fingerprint in either view.
        assert_eq!(item["client_secret"], full["data"][0]["client_secret"]);
    }
    assert_eq!(
        summary["data"][0],
        json!({
            "id": "oa_1", "name": "App", "client_secret": full["data"][0]["client_secret"],
            "callback_url": full["data"][0]["callback_url"], "public": false,
            "scopes": "profile email", "created_at": 1
        })
    );
    assert_eq!(full["data"][0]["public_metadata"]["note"], "shown in full");
    assert_eq!(full["data"][0]["object"], "oauth_application");
}
