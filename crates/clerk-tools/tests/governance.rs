//! Governance on a real (in-process) emulator: risk classes, confirmation in each of its forms,
//! dry runs, the audit log (intent lines, one line per call, no secrets, fail closed) and
//! masked results. Every state change is read back from the emulator.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_tools::confirm::Claim;
use clerk_tools::{
    AuditLog, AuditTarget, CallError, ConfirmAnswer, Confirmer, Fsync, Grant, JsonObject,
    RISK_META, Risk, ToolContext, ToolError, Toolkit, ToolkitOptions,
};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

async fn emulator() -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    (emulator, client)
}

fn args(v: Value) -> Option<JsonObject> {
    v.as_object().cloned()
}

/// A demo user with a name and an email, and the toolkit (default options) on the emulator.
async fn setup() -> (Emulator, Client, Toolkit, Value) {
    let (emulator, client) = emulator().await;
    let toolkit = Toolkit::new(client.clone(), ToolkitOptions::default()).unwrap();
    let list = toolkit
        .call("getUserList", args(json!({"limit": 50, "view": "full"})))
        .await
        .unwrap();
    let user = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["first_name"].is_string() && u["email_addresses"].is_array())
        .expect("a demo user with a name and an email")
        .clone();
    (emulator, client, toolkit, user)
}

async fn exists(client: &Client, user_id: &str) -> bool {
    match client.users().get(user_id).await {
        Ok(_) => true,
        Err(e) if e.is_not_found() => false,
        Err(e) => panic!("{e}"),
    }
}

fn confirmation_request(e: CallError) -> (String, String) {
    match e {
        CallError::Tool(ToolError::ConfirmationRequired(ask)) => (ask.prompt, ask.code),
        other => panic!("expected a confirmation request, got {other}"),
    }
}

fn not_confirmed(e: CallError) -> String {
    match e {
        CallError::Tool(ToolError::NotConfirmed { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[tokio::test]
async fn every_tool_has_a_risk_class_in_its_definition_and_max_risk_selects() {
    let client = Client::new("sk_test_unused").unwrap();
    let all = Toolkit::new(client.clone(), ToolkitOptions::default()).unwrap();
    for d in all.definitions().as_array().unwrap() {
        let risk = d["_meta"][RISK_META].as_str().unwrap();
        assert!(risk.parse::<Risk>().is_ok(), "{d}");
    }
    let risk_of = |name: &str| all.get(name).unwrap().risk();
    assert_eq!(risk_of("getUser"), Risk::Read);
    assert_eq!(risk_of("updateUser"), Risk::Write);
    assert_eq!(risk_of("deleteUser"), Risk::Destructive);
    assert_eq!(risk_of("banUser"), Risk::Destructive);
    // Confirmable tools take `confirm`, every tool that changes something takes `dryRun`.
    let defs = all.definitions();
    let def = |name: &str| {
        defs.as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(def("deleteUser")["inputSchema"]["properties"]["confirm"].is_object());
    assert!(def("deleteUser")["inputSchema"]["properties"]["dryRun"].is_object());
    assert!(def("updateUser")["inputSchema"]["properties"]["confirm"].is_null());
    assert!(def("updateUser")["inputSchema"]["properties"]["dryRun"].is_object());
    assert!(def("getUser")["inputSchema"]["properties"]["dryRun"].is_null());

    let up_to_write = Toolkit::new(
        client,
        ToolkitOptions {
            max_risk: Some(Risk::Write),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(up_to_write.get("updateUser").is_some() && up_to_write.get("getUser").is_some());
    assert!(up_to_write.get("deleteUser").is_none() && up_to_write.get("banUser").is_none());

    // `--tools risk:…` selects by class too.
    let destructive = Toolkit::new(
        Client::new("sk_test_unused").unwrap(),
        ToolkitOptions {
            tools: vec!["risk:destructive".into(), "users.getUser".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert!(destructive.get("deleteUser").is_some() && destructive.get("revokeSession").is_some());
    assert!(destructive.get("getUser").is_some() && destructive.get("updateUser").is_none());
    assert!(
        destructive
            .tools()
            .iter()
            .all(|t| t.name() == "getUser" || t.risk() == Risk::Destructive)
    );
}

#[tokio::test]
async fn a_confirmation_code_names_the_target_changes_nothing_and_works_once() {
    let (_emu, client, toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let first = user["first_name"].as_str().unwrap();

    let asked = toolkit
        .call("deleteUser", args(json!({"userId": id})))
        .await
        .unwrap_err();
    let (prompt, code) = confirmation_request(asked);
    assert!(prompt.starts_with("Delete user "), "{prompt}");
    assert!(prompt.contains(first) && prompt.contains(id), "{prompt}");
    assert!(
        prompt.contains('@') && prompt.ends_with("This cannot be undone."),
        "{prompt}"
    );
    assert!(exists(&client, id).await, "asking deleted the user");

    // A code is bound to the arguments: it does not delete someone else.
    let other = toolkit
        .call("getUserList", args(json!({"limit": 50})))
        .await
        .unwrap()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .find(|u| u != id)
        .unwrap();
    let wrong = toolkit
        .call(
            "deleteUser",
            args(json!({"userId": other, "confirm": code})),
        )
        .await
        .unwrap_err();
    assert!(not_confirmed(wrong).contains("wrong, expired, or was issued for other arguments"));
    assert!(exists(&client, &other).await);
    // A made-up code does nothing either.
    let forged = toolkit
        .call(
            "deleteUser",
            args(json!({"userId": id, "confirm": "AAAA-AAAA-AAAAA"})),
        )
        .await
        .unwrap_err();
    not_confirmed(forged);
    assert!(exists(&client, id).await);

    let deleted = toolkit
        .call(
            "deleteUser",
            args(json!({"userId": id, "confirm": code.to_lowercase()})),
        )
        .await
        .unwrap();
    assert_eq!(deleted["deleted"], true);
    assert!(!exists(&client, id).await);

    let replayed = toolkit
        .call("deleteUser", args(json!({"userId": id, "confirm": code})))
        .await
        .unwrap_err();
    assert!(not_confirmed(replayed).contains("already used"));
}

struct Answers(Mutex<Vec<ConfirmAnswer>>, Mutex<Vec<String>>);

impl Confirmer for Answers {
    fn method(&self) -> &'static str {
        "test"
    }
    fn confirm<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, ConfirmAnswer> {
        self.1.lock().unwrap().push(prompt.to_string());
        let answer = self.0.lock().unwrap().remove(0);
        Box::pin(async move { answer })
    }
}

#[tokio::test]
async fn a_confirmer_is_asked_and_a_no_changes_nothing() {
    let (_emu, client, toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let answers = Arc::new(Answers(
        Mutex::new(vec![
            ConfirmAnswer::Declined,
            ConfirmAnswer::Cancelled,
            ConfirmAnswer::Unavailable,
            ConfirmAnswer::Accepted,
        ]),
        Mutex::new(Vec::new()),
    ));
    let toolkit = toolkit.with_confirmer(answers.clone());
    let call = || toolkit.call("banUser", args(json!({"userId": id})));

    assert!(not_confirmed(call().await.unwrap_err()).contains("declined"));
    assert!(not_confirmed(call().await.unwrap_err()).contains("dismissed"));
    // A confirmer that cannot ask falls back to a code.
    confirmation_request(call().await.unwrap_err());
    assert!(
        !client.users().get(id).await.unwrap().banned,
        "banned without a yes"
    );

    let banned = call().await.unwrap();
    assert_eq!(banned["banned"], true);
    assert!(client.users().get(id).await.unwrap().banned);
    let prompts = answers.1.lock().unwrap();
    assert_eq!(prompts.len(), 4);
    assert!(prompts[0].starts_with("Ban user ") && prompts[0].contains(id));
}

#[tokio::test]
async fn a_sealed_claim_is_checked_against_the_call() {
    let (_emu, client, toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap().to_string();
    let claim_for = |toolkit: &Toolkit, args_v: Value| {
        let toolkit = toolkit.clone();
        async move {
            match toolkit.call("deleteUser", args(args_v)).await.unwrap_err() {
                CallError::Tool(ToolError::ConfirmationRequired(ask)) => ask.claim,
                other => panic!("{other}"),
            }
        }
    };
    let with = |grant: Grant| {
        let ctx = toolkit.context().for_new_request().with_grant(grant);
        let toolkit = toolkit.clone();
        let id = id.clone();
        async move {
            toolkit
                .call_with(&ctx, "deleteUser", args(json!({"userId": id})))
                .await
        }
    };
    let claim: Claim = claim_for(&toolkit, json!({"userId": id})).await;

    // Declined, for other arguments, expired: refused, nothing deleted.
    let declined = with(Grant::Claim {
        claim: claim.clone(),
        accepted: false,
    })
    .await
    .unwrap_err();
    assert!(not_confirmed(declined).contains("declined"));
    let mut altered = claim.clone();
    altered.args = "0".repeat(64);
    let altered = with(Grant::Claim {
        claim: altered,
        accepted: true,
    })
    .await
    .unwrap_err();
    assert!(not_confirmed(altered).contains("different call"));
    let mut expired = claim.clone();
    expired.exp = 1;
    let expired = with(Grant::Claim {
        claim: expired,
        accepted: true,
    })
    .await
    .unwrap_err();
    assert!(not_confirmed(expired).contains("expired"));
    let invalid = with(Grant::Invalid {
        reason: "the confirmation state is not valid".into(),
    })
    .await
    .unwrap_err();
    not_confirmed(invalid);
    assert!(exists(&client, &id).await);

    // Accepted: done, once.
    let ok = with(Grant::Claim {
        claim: claim.clone(),
        accepted: true,
    })
    .await
    .unwrap();
    assert_eq!(ok["deleted"], true);
    assert!(!exists(&client, &id).await);
    let again = with(Grant::Claim {
        claim,
        accepted: true,
    })
    .await
    .unwrap_err();
    assert!(not_confirmed(again).contains("already used"));
}

#[tokio::test]
async fn confirmation_can_be_turned_off_or_extended() {
    let (_emu, client, _toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let none = Toolkit::new(
        client.clone(),
        ToolkitOptions {
            confirm: BTreeSet::new(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        none.call("lockUser", args(json!({"userId": id})))
            .await
            .unwrap()["locked"],
        true
    );
    let writes_too = Toolkit::new(
        client,
        ToolkitOptions {
            confirm: [Risk::Write].into_iter().collect(),
            ..Default::default()
        },
    )
    .unwrap();
    confirmation_request(
        writes_too
            .call("unlockUser", args(json!({"userId": id})))
            .await
            .unwrap_err(),
    );
}

#[tokio::test]
async fn dry_runs_show_the_requests_and_the_target_and_change_nothing() {
    let (_emu, client, toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();

    let preview = toolkit
        .call("deleteUser", args(json!({"userId": id, "dryRun": true})))
        .await
        .unwrap();
    assert_eq!(preview["dryRun"], true);
    assert_eq!(preview["deleted"], false);
    assert_eq!(
        preview["wouldSend"],
        json!([{"method": "DELETE", "path": format!("/users/{id}")}])
    );
    assert_eq!(preview["current"]["user"]["id"], id);
    assert!(exists(&client, id).await);

    let create = toolkit
        .call(
            "createUser",
            args(json!({
                "emailAddress": ["dry.run@example.com"],
                "password": "correct horse battery staple",
                "dryRun": true
            })),
        )
        .await
        .unwrap();
    let sent = &create["wouldSend"][0];
    assert_eq!(sent["method"], "POST");
    assert_eq!(sent["path"], "/users");
    assert_eq!(
        sent["body"]["email_address"],
        json!(["dry.run@example.com"])
    );
    assert_eq!(sent["body"]["password"], "[masked]");
    assert!(!create.to_string().contains("battery"));
    let found = client
        .users()
        .list()
        .email_address(["dry.run@example.com"])
        .send()
        .await
        .unwrap();
    assert!(found.data.is_empty(), "a dry run created a user");

    // Reads take no dryRun.
    let bad = toolkit
        .call("getUser", args(json!({"userId": id, "dryRun": true})))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("dryRun"), "{bad}");
}

fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn every_call_is_audited_writes_first_as_intent_and_no_line_holds_a_secret() {
    let (emu, client, _toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let dir = std::env::temp_dir().join(format!("clerk-audit-{}", fastrand::u64(..)));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let log = AuditLog::open(AuditTarget::File(path.clone()), Fsync::Writes).unwrap();
    let toolkit = Toolkit::new(client.clone(), ToolkitOptions::default())
        .unwrap()
        .map_pipeline(|p| p.with_audit(log));

    toolkit
        .call("getUser", args(json!({"userId": id})))
        .await
        .unwrap();
    toolkit
        .call(
            "createUser",
            args(json!({"emailAddress": ["audited@example.com"], "password": "hunter2-hunter2"})),
        )
        .await
        .unwrap();
    let (_, code) = confirmation_request(
        toolkit
            .call("deleteUser", args(json!({"userId": id})))
            .await
            .unwrap_err(),
    );
    toolkit
        .call("deleteUser", args(json!({"userId": id, "confirm": code})))
        .await
        .unwrap();
    toolkit
        .call("deleteUser", args(json!({"userId": id, "dryRun": true})))
        .await
        .unwrap();
    let _ = toolkit.call("noSuchTool", None).await.unwrap_err();

    let lines = audit_lines(&path);
    let summary: Vec<(String, String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_string(),
                l["tool"].as_str().unwrap().to_string(),
                l["outcome"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        summary,
        vec![
            s("call", "getUser", "ok"),
            s("intent", "createUser", "pending"),
            s("call", "createUser", "ok"),
            s("call", "deleteUser", "error"),
            s("intent", "deleteUser", "pending"),
            s("call", "deleteUser", "ok"),
            s("call", "deleteUser", "ok"),
            s("call", "noSuchTool", "error"),
        ]
    );
    // The asking call says why it stopped; the confirmed one how it was confirmed; the dry run
    // is marked.
    assert_eq!(lines[3]["outcome"]["code"], "confirmation_required");
    assert_eq!(lines[5]["confirmation"]["method"], "code");
    assert_eq!(lines[4]["confirmation"]["method"], "code");
    assert_eq!(lines[6]["dryRun"], true);
    for l in &lines {
        assert_eq!(l["tenant"], client.key_fingerprint());
        assert!(l["requestId"].is_string() && l["time"].is_string());
    }
    assert_eq!(lines[1]["risk"], "write");
    assert_eq!(lines[5]["risk"], "destructive");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("hunter2"),
        "a password reached the audit log"
    );
    assert!(
        !text.contains(emu.secret_key()),
        "the key reached the audit log"
    );
    assert!(
        !text.contains(&code),
        "a confirmation code reached the audit log"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the audit log is readable by others");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn without_a_writable_audit_log_changes_are_refused_and_reads_go_on() {
    if !std::path::Path::new("/dev/full").exists() {
        panic!("this test needs /dev/full (a device every write to fails)");
    }
    let (_emu, client, _toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let log = AuditLog::open(AuditTarget::File("/dev/full".into()), Fsync::Never).unwrap();
    let toolkit = Toolkit::new(client.clone(), ToolkitOptions::default())
        .unwrap()
        .with_grant(Grant::preapproved("test"))
        .map_pipeline(|p| p.with_audit(log));
    let refused = toolkit
        .call("banUser", args(json!({"userId": id})))
        .await
        .unwrap_err();
    match refused {
        CallError::Tool(ToolError::AuditUnavailable { reason, .. }) => {
            assert!(reason.contains("/dev/full"), "{reason}")
        }
        other => panic!("expected a refusal, got {other}"),
    }
    assert!(!client.users().get(id).await.unwrap().banned);
    let read = toolkit
        .call("getUser", args(json!({"userId": id})))
        .await
        .unwrap();
    assert_eq!(read["id"], id);
    // A second log that works is enough.
    let dir = std::env::temp_dir().join(format!("clerk-audit-{}", fastrand::u64(..)));
    std::fs::create_dir_all(&dir).unwrap();
    let good = AuditLog::open(AuditTarget::File(dir.join("a.jsonl")), Fsync::Never).unwrap();
    let toolkit = toolkit.map_pipeline(|p| p.with_audit(good));
    toolkit
        .call("banUser", args(json!({"userId": id})))
        .await
        .unwrap();
    assert!(client.users().get(id).await.unwrap().banned);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn results_mask_secrets_unless_revealed() {
    let (_emu, client, toolkit, _user) = setup().await;
    let invited = toolkit
        .call(
            "createInvitation",
            args(json!({"emailAddress": "masked@example.com"})),
        )
        .await
        .unwrap();
    let url = invited["url"].as_str().expect("an invitation link");
    assert!(url.contains("__clerk_ticket=[masked:"), "{url}");
    let stored = client.invitations().list().send().await.unwrap();
    let real = stored
        .data
        .iter()
        .find(|i| i.email_address == "masked@example.com")
        .and_then(|i| i.url.clone())
        .unwrap();
    assert!(!url.contains(real.split("__clerk_ticket=").nth(1).unwrap()));

    let revealing = Toolkit::new(
        client,
        ToolkitOptions {
            reveal: [clerk_tools::SecretClass::Links].into_iter().collect(),
            ..Default::default()
        },
    )
    .unwrap();
    let shown = revealing
        .call(
            "createInvitation",
            args(json!({"emailAddress": "shown@example.com"})),
        )
        .await
        .unwrap();
    assert!(!shown["url"].as_str().unwrap().contains("[masked"));
}

#[tokio::test]
async fn a_context_grant_answers_one_call_only() {
    let (_emu, client, toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let claim = match toolkit
        .call("lockUser", args(json!({"userId": id})))
        .await
        .unwrap_err()
    {
        CallError::Tool(ToolError::ConfirmationRequired(ask)) => ask.claim,
        other => panic!("{other}"),
    };
    let ctx: ToolContext = toolkit.context().clone().with_grant(Grant::Claim {
        claim,
        accepted: true,
    });
    assert!(ctx.for_new_request().grant.is_none());
    toolkit
        .call_with(&ctx, "lockUser", args(json!({"userId": id})))
        .await
        .unwrap();
    assert!(client.users().get(id).await.unwrap().locked);
}

#[tokio::test]
async fn budgets_trip_per_principal_and_per_tenant() {
    use clerk_tools::{Budget, BudgetScope, Caller};
    let (_emu, client, _toolkit, _user) = setup().await;
    let toolkit = Toolkit::new(client.clone(), ToolkitOptions::default())
        .unwrap()
        .with_grant(Grant::preapproved("test"))
        .map_pipeline(|p| {
            p.with_budgets(vec![
                Budget::parse("write=2/h", BudgetScope::Principal).unwrap(),
                Budget::parse("write=3/h", BudgetScope::Tenant).unwrap(),
            ])
        });
    let create = |ctx: ToolContext, n: u32| {
        let toolkit = toolkit.clone();
        async move {
            toolkit
                .call_with(
                    &ctx,
                    "createOrganization",
                    args(json!({"name": format!("Budget {n}"), "slug": format!("budget-{n}")})),
                )
                .await
        }
    };
    let ada = toolkit
        .context()
        .clone()
        .with_caller(Caller::user("user_ada"));
    let bob = toolkit
        .context()
        .clone()
        .with_caller(Caller::user("user_bob"));
    create(ada.for_new_request(), 1).await.unwrap();
    create(ada.for_new_request(), 2).await.unwrap();
    let over = create(ada.for_new_request(), 3).await.unwrap_err();
    match &over {
        CallError::Tool(ToolError::OverBudget {
            budget,
            scope,
            retry_after_seconds,
            ..
        }) => {
            assert_eq!(budget, "at most 2 write calls an hour");
            assert_eq!(scope, "principal user_ada");
            assert!(
                (1..=1800).contains(retry_after_seconds),
                "{retry_after_seconds}"
            );
        }
        other => panic!("expected over budget, got {other}"),
    }
    // Nothing was created by the refused call.
    let orgs = client
        .organizations()
        .list()
        .query("budget-3")
        .send()
        .await
        .unwrap();
    assert!(orgs.data.is_empty());
    // Another principal has a budget of their own, until the tenant's runs out.
    create(bob.for_new_request(), 4).await.unwrap();
    let tenant_over = create(bob.for_new_request(), 5).await.unwrap_err();
    assert!(tenant_over.to_string().contains("tenant "), "{tenant_over}");
    // Reads and dry runs do not count.
    toolkit
        .call_with(&ada.for_new_request(), "getUserCount", None)
        .await
        .unwrap();
    toolkit
        .call_with(
            &ada.for_new_request(),
            "createOrganization",
            args(json!({"name": "Dry", "dryRun": true})),
        )
        .await
        .unwrap();
}

#[cfg(feature = "otlp")]
#[tokio::test]
async fn audit_lines_go_to_an_otlp_collector_and_a_failing_one_fails_closed() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let (_emu, client, _toolkit, user) = setup().await;
    let id = user["id"].as_str().unwrap();
    let collector = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&collector)
        .await;
    let log = AuditLog::open(
        AuditTarget::parse(&format!("otlp:{}", collector.uri())),
        Fsync::Writes,
    )
    .unwrap();
    let toolkit = Toolkit::new(client.clone(), ToolkitOptions::default())
        .unwrap()
        .map_pipeline(|p| p.with_audit(log));
    toolkit
        .call("getUser", args(json!({"userId": id})))
        .await
        .unwrap();
    toolkit
        .call(
            "createUser",
            args(json!({"emailAddress": ["otlp@example.com"], "password": "otlp-secret-pw"})),
        )
        .await
        .unwrap();
    let requests = collector.received_requests().await.unwrap();
    assert!(!requests.is_empty());
    let bodies: String = requests
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(
        bodies.contains("clerk.tool_call") && bodies.contains("clerk-mcp"),
        "{bodies}"
    );
    for needle in ["getUser", "createUser", "\"intent\"", "clerk.risk"] {
        assert!(bodies.contains(needle), "{needle} not exported: {bodies}");
    }
    assert!(
        !bodies.contains("otlp-secret-pw"),
        "a password reached the collector"
    );

    // A collector that refuses: changes are refused, reads go on.
    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&down)
        .await;
    let log = AuditLog::open(AuditTarget::Otlp(down.uri()), Fsync::Writes).unwrap();
    let toolkit = Toolkit::new(client, ToolkitOptions::default())
        .unwrap()
        .map_pipeline(|p| p.with_audit(log));
    let refused = toolkit
        .call("createOrganization", args(json!({"name": "No Audit"})))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, CallError::Tool(ToolError::AuditUnavailable { .. })),
        "{refused}"
    );
    toolkit
        .call("getUser", args(json!({"userId": id})))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_id_that_cannot_be_a_clerk_id_is_refused_before_any_request() {
    let (_emu, _client, toolkit, _user) = setup().await;
    let err = toolkit
        .call("getUser", args(json!({"userId": "count"})))
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else {
        panic!("{err}")
    };
    let j = e.to_json();
    assert_eq!(j["error"], "invalid_arguments", "{j}");
    assert_eq!(j["field"], "userId", "{j}");
    assert!(e.to_string().contains("must be a Clerk id"), "{e}");
}

#[tokio::test]
async fn integers_out_of_range_are_reported_by_field_and_errors_stay_short() {
    let (_emu, _client, toolkit, _user) = setup().await;
    let err = toolkit
        .call(
            "getUserList",
            args(json!({"offset": 9_223_372_036_854_775_808u64})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else {
        panic!("{err}")
    };
    assert_eq!(e.to_json()["field"], "offset", "{}", e.to_json());
    let defs = toolkit.definitions();
    let list = defs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "getUserList")
        .unwrap();
    assert_eq!(
        list["inputSchema"]["properties"]["offset"]["maximum"],
        u32::MAX
    );
    // A 1 MB id gives a short error.
    let huge = "user_".to_string() + &"a/".repeat(500_000);
    let err = toolkit
        .call("getUser", args(json!({"userId": huge})))
        .await
        .unwrap_err();
    assert!(
        err.to_string().len() < 2048,
        "{} bytes",
        err.to_string().len()
    );
}

#[tokio::test]
async fn validation_errors_quote_huge_values_shortened() {
    let (_emu, _client, toolkit, _user) = setup().await;
    let err = toolkit
        .call("getUserList", args(json!({"limit": "x".repeat(1_000_000)})))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    assert!(
        err.to_string().len() < 2048,
        "{} bytes",
        err.to_string().len()
    );
}

#[tokio::test]
async fn a_lost_answer_and_a_half_done_update_are_said_plainly() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(2)))
        .mount(&server)
        .await;
    let org = json!({"object": "organization", "id": "org_1", "name": "New", "slug": "new",
        "created_at": 1, "updated_at": 1, "public_metadata": {}, "private_metadata": {}});
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(org))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1/metadata"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"errors": [
            {"code": "internal_clerk_error", "message": "boom", "long_message": "boom"}]})))
        .mount(&server)
        .await;
    let client = Client::builder("sk_test_x")
        .api_url(server.uri())
        .timeout(std::time::Duration::from_millis(200))
        .retry(clerk_api::RetryConfig::disabled())
        .build()
        .unwrap();
    let toolkit = Toolkit::new(client, ToolkitOptions::default()).unwrap();
    let err = toolkit
        .call(
            "createOrganization",
            args(json!({"name": "Acme", "slug": "acme"})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else {
        panic!("{err}")
    };
    assert_eq!(e.code(), "outcome_unknown");
    assert_eq!(e.to_json()["outcomeUnknown"], true);
    assert!(e.to_string().contains("MAY HAVE BEEN APPLIED"), "{e}");

    let err = toolkit
        .call(
            "updateOrganization",
            args(json!({"organizationId": "org_1", "name": "New", "publicMetadata": {"a": 1}})),
        )
        .await
        .unwrap_err();
    let CallError::Tool(e) = err else {
        panic!("{err}")
    };
    assert_eq!(e.code(), "partially_applied");
    let j = e.to_json();
    assert!(j["applied"].as_str().unwrap().contains("name"), "{j}");
    assert_eq!(j["cause"]["clerkStatus"], 500, "{j}");
}
