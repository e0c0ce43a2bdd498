//! Resources and completion on the in-process emulator: a read is a pipeline call of the mapped
//! tool (one call event, result shaping applies), scoping hides templates, completion goes
//! through the list tools.

use std::sync::{Arc, Mutex};

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::resources::{self, ReadError, ResourceError};
use clerk_tools::{CallEvent, Toolkit, ToolkitOptions};
use serde_json::{Value, json};

async fn toolkit(options: ToolkitOptions) -> (Emulator, Toolkit, Arc<Mutex<Vec<CallEvent>>>) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let toolkit = Toolkit::new(client, options)
        .unwrap()
        .with_sink(move |e: &CallEvent| sink.lock().unwrap().push(e.clone()));
    (emulator, toolkit, events)
}

#[tokio::test]
async fn reads_go_through_the_pipeline_and_are_shaped_like_the_tool() {
    let (_e, tk, events) = toolkit(ToolkitOptions::default()).await;
    let (p, ctx) = (tk.pipeline(), tk.context());
    let org = resources::read(p, ctx, "clerk://organizations/acme")
        .await
        .unwrap();
    assert_eq!(org.mime_type, "application/json");
    assert_eq!(org.value["slug"], "acme");
    // Private metadata is removed, as for the tool (the demo orgs have some).
    assert!(org.value.get("private_metadata").is_none(), "{}", org.value);
    {
        let ev = events.lock().unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].tool, "getOrganization");
        assert_eq!(ev[0].arguments["slug"], "acme");
    }

    let members = resources::read(p, ctx, "clerk://organizations/acme/memberships")
        .await
        .unwrap();
    let data = members.value["data"].as_array().unwrap();
    assert!(!data.is_empty());
    let user_id = data[0]["public_user_data"]["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    {
        let ev = events.lock().unwrap();
        let tools: Vec<&str> = ev.iter().map(|e| e.tool.as_str()).collect();
        assert_eq!(
            tools,
            [
                "getOrganization",
                "getOrganization",
                "getOrganizationMembershipList"
            ]
        );
        assert_eq!(ev[2].arguments["organizationId"], org.value["id"]);
    }

    let uri = format!("clerk://users/{user_id}");
    let user = resources::read(p, ctx, &uri).await.unwrap();
    let by_tool = tk
        .call("getUser", json!({"userId": user_id}).as_object().cloned())
        .await
        .unwrap();
    assert_eq!(user.value, by_tool);
    assert!(user.text().contains(&user_id));

    let e = resources::read(p, ctx, "clerk://users/user_nobody")
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    let e = resources::read(p, ctx, "clerk://nope").await.unwrap_err();
    assert!(matches!(
        e,
        ReadError::Resource(ResourceError::Malformed { .. })
    ));
    assert!(!e.is_not_found());
}

#[tokio::test]
async fn scoping_hides_templates_and_completions() {
    let options = ToolkitOptions {
        tools: vec!["organizations".into()],
        ..Default::default()
    };
    let (_e, tk, events) = toolkit(options).await;
    let (p, ctx) = (tk.pipeline(), tk.context());
    let visible: Vec<&str> = resources::templates_for(p, ctx)
        .iter()
        .map(|t| t.uri_template)
        .collect();
    assert_eq!(
        visible,
        [
            "clerk://organizations/{slugOrId}",
            "clerk://organizations/{slugOrId}/memberships"
        ]
    );
    let e = resources::read(p, ctx, "clerk://users/user_1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            ReadError::Resource(ResourceError::Unavailable {
                tool: "getUser",
                ..
            })
        ),
        "{e:?}"
    );
    assert!(
        resources::complete(p, ctx, "userId", "a")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(events.lock().unwrap().is_empty(), "nothing was called");
    let slugs = resources::complete(p, ctx, "slugOrId", "glo")
        .await
        .unwrap();
    assert_eq!(slugs, ["globex"]);
    // An id (Clerk matches organization ids exactly) completes to the id, not the slug.
    let acme = resources::read(p, ctx, "clerk://organizations/acme")
        .await
        .unwrap();
    let id = acme.value["id"].as_str().unwrap();
    let ids = resources::complete(p, ctx, "slugOrId", id).await.unwrap();
    assert_eq!(ids, [id]);
    let ev = events.lock().unwrap();
    assert_eq!(ev[0].tool, "getOrganizationList");
    assert_eq!(ev[0].arguments["query"], "glo");
    assert_eq!(ev[0].arguments["limit"], Value::from(10));
}

#[tokio::test]
async fn completes_user_ids_by_email_prefix() {
    let (_e, tk, _) = toolkit(ToolkitOptions::default()).await;
    let (p, ctx) = (tk.pipeline(), tk.context());
    let all = resources::complete(p, ctx, "userId", "").await.unwrap();
    assert_eq!(all.len(), resources::MAX_COMPLETIONS);
    let first = tk
        .call("getUser", json!({"userId": all[0]}).as_object().cloned())
        .await
        .unwrap();
    let email = first["email_addresses"][0]["email_address"]
        .as_str()
        .unwrap();
    let found = resources::complete(p, ctx, "user", &email[..5])
        .await
        .unwrap();
    assert!(found.contains(&all[0]), "{email}: {found:?}");
    assert!(
        resources::complete(p, ctx, "somethingElse", "x")
            .await
            .unwrap()
            .is_empty()
    );
}
