//! Properties of the generated models beyond decoding: secrets never in `Debug`, unknown fields
//! and enum values kept.

mod support;

use clerk_api::models::{
    ActorToken, MachineSecretKey, OauthApplicationWithSecret, SignInToken, TestingToken,
};
use serde_json::json;

fn debug_hides<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    body: serde_json::Value,
    secrets: &[&str],
) {
    let decoded: T = serde_json::from_value(body).expect("decodes");
    let shown = format!("{decoded:?}");
    for s in secrets {
        assert!(
            !shown.contains(s),
            "{} shows `{s}` in Debug: {shown}",
            std::any::type_name::<T>()
        );
    }
    assert!(shown.contains("[REDACTED]"), "{shown}");
}

#[test]
fn secrets_of_generated_models_never_appear_in_debug() {
    let mut app = support::example("POST", "/oauth_applications");
    app["client_secret"] = json!("oauth-client-secret-value");
    debug_hides::<OauthApplicationWithSecret>(app, &["oauth-client-secret-value"]);

    let mut key = support::example("GET", "/machines/{machine_id}/secret_key");
    key["secret"] = json!("ak-machine-secret-value");
    debug_hides::<MachineSecretKey>(key, &["ak-machine-secret-value"]);

    let mut sit = support::example("POST", "/sign_in_tokens");
    sit["token"] = json!("sign-in-ticket-value");
    sit["url"] = json!("https://example.com/?__clerk_ticket=sign-in-ticket-value");
    debug_hides::<SignInToken>(sit, &["sign-in-ticket-value"]);

    let mut act = support::example("POST", "/actor_tokens");
    act["token"] = json!("actor-ticket-value");
    act["url"] = json!("https://example.com/?__clerk_ticket=actor-ticket-value");
    debug_hides::<ActorToken>(act, &["actor-ticket-value"]);

    let mut tt = support::example("POST", "/testing_tokens");
    tt["token"] = json!("testing-token-value");
    debug_hides::<TestingToken>(tt, &["testing-token-value"]);

    // Request bodies too.
    let body = clerk_api::jwt_templates::CreateJwtTemplate {
        name: "t".into(),
        signing_key: Some("test-only private-signing-key".into()),
        ..Default::default()
    };
    assert!(!format!("{body:?}").contains("private-signing-key"));
    // … yet the wire carries the value.
    assert_eq!(
        serde_json::to_value(&body).unwrap()["signing_key"],
        "test-only private-signing-key"
    );
}

#[test]
fn unknown_fields_and_enum_values_are_kept() {
    use clerk_api::models::{EnterpriseConnectionTestRun, EnterpriseConnectionTestRunStatus};
    let mut run = support::example_schema("EnterpriseConnectionTestRun");
    run["status"] = json!("a_status_clerk_adds_later");
    run["brand_new_field"] = json!({"nested": [1, 2]});
    let decoded: EnterpriseConnectionTestRun = serde_json::from_value(run).expect("decodes");
    assert_eq!(
        decoded.status,
        Some(EnterpriseConnectionTestRunStatus::Other(
            "a_status_clerk_adds_later".into()
        ))
    );
    assert_eq!(decoded.extra["brand_new_field"], json!({"nested": [1, 2]}));
    // Serializing gives both back.
    let back = serde_json::to_value(&decoded).unwrap();
    assert_eq!(back["status"], "a_status_clerk_adds_later");
    assert_eq!(back["brand_new_field"]["nested"][1], 2);
}

#[test]
fn absent_and_null_fields_take_defaults() {
    let decoded: clerk_api::models::JwtTemplate =
        serde_json::from_value(json!({"id": "jtmpl_1", "name": null, "claims": null}))
            .expect("decodes");
    assert_eq!(decoded.id, "jtmpl_1");
    assert_eq!(decoded.name, "");
    assert!(decoded.claims.is_empty());
}
