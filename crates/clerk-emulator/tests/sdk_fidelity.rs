//! Fidelity fixes found by driving the emulator with Clerk's official SDKs: breached
//! passwords, users without the identifier the instance requires, unverified primary email
//! addresses, and requests missing the `/v1` prefix. Every response read through `Api` is also
//! validated against the spec.

mod common;

use common::Api;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().expect("string").to_string()
}

const PWNED_MESSAGE: &str = "Password has been found in an online data breach. For account safety, please use a different password.";

#[tokio::test]
async fn breached_passwords_are_rejected_on_create_and_update() {
    let api = Api::empty().await;
    for (i, pw) in [
        "password123",
        "password",
        "12345678",
        "qwerty123",
        "iloveyou",
        "Password123",
    ]
    .iter()
    .enumerate()
    {
        let r = api
            .post(
                "/v1/users",
                json!({ "email_address": [format!("p{i}@example.com")], "password": pw }),
            )
            .await;
        r.expect_error(422, "form_password_pwned");
        let e = &r.body["errors"][0];
        assert_eq!(e["message"], PWNED_MESSAGE);
        assert_eq!(e["long_message"], PWNED_MESSAGE);
        assert_eq!(e["meta"]["param_name"], "password");
    }
    // Nothing was created.
    assert_eq!(api.get("/v1/users/count").await.ok()["total_count"], 0);
    // A good password passes; skip_password_checks lets a breached one through (migrations).
    let uid = s(&api
        .post(
            "/v1/users",
            json!({ "email_address": ["ok@example.com"], "password": "correct-horse-battery" }),
        )
        .await
        .ok()["id"]);
    api.post(
        "/v1/users",
        json!({ "email_address": ["mig@example.com"], "password": "password123", "skip_password_checks": true }),
    )
    .await
    .ok();
    let r = api
        .patch(
            &format!("/v1/users/{uid}"),
            json!({ "password": "iloveyou" }),
        )
        .await;
    r.expect_error(422, "form_password_pwned");
    assert_eq!(r.body["errors"][0]["long_message"], PWNED_MESSAGE);
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "password");
    api.patch(
        &format!("/v1/users/{uid}"),
        json!({ "password": "another-fine-passphrase" }),
    )
    .await
    .ok();
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn a_user_needs_the_identifier_the_instance_requires() {
    let api = Api::demo().await;
    let before = api.get("/v1/users/count").await.ok()["total_count"].clone();
    for body in [
        json!({}),
        json!({ "first_name": "No", "last_name": "Identifier" }),
        json!({ "username": "only_a_username" }),
        json!({ "phone_number": ["+15550109999"] }),
    ] {
        let r = api.post("/v1/users", body.clone()).await;
        r.expect_error(422, "form_param_missing");
        let e = &r.body["errors"][0];
        assert_eq!(e["meta"]["param_name"], "email_address", "{body}");
        let long = e["long_message"].as_str().unwrap();
        assert!(
            long.starts_with("email_address must be included.")
                && long.contains("requires an email address"),
            "{long}"
        );
    }
    assert_eq!(
        api.get("/v1/users/count").await.ok()["total_count"],
        before,
        "a rejected user is not created"
    );
    // With an email address, or with skip_user_requirement, it is created.
    api.post(
        "/v1/users",
        json!({ "first_name": "Has", "email_address": ["has.email@example.com"] }),
    )
    .await
    .ok();
    api.post(
        "/v1/users",
        json!({ "first_name": "Skips", "skip_user_requirement": true }),
    )
    .await
    .ok();
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn an_unverified_email_address_cannot_become_primary() {
    let api = Api::empty().await;
    let u = api
        .post(
            "/v1/users",
            json!({ "email_address": ["first@example.com"] }),
        )
        .await
        .ok();
    let uid = s(&u["id"]);
    let first = s(&u["primary_email_address_id"]);
    let unverified = s(&api
        .post(
            "/v1/email_addresses",
            json!({ "user_id": uid, "email_address": "second@example.com", "verified": false }),
        )
        .await
        .ok()["id"]);

    let mut errors = Vec::new();
    // 1. PATCH /users/{id} primary_email_address_id
    let r = api
        .patch(
            &format!("/v1/users/{uid}"),
            json!({ "primary_email_address_id": unverified }),
        )
        .await;
    errors.push((r, "primary_email_address_id"));
    // 2. POST /email_addresses primary: true, verified: false
    let r = api
        .post(
            "/v1/email_addresses",
            json!({ "user_id": uid, "email_address": "third@example.com", "primary": true, "verified": false }),
        )
        .await;
    errors.push((r, "primary"));
    // 3. PATCH /email_addresses/{id} primary: true on an unverified one
    let r = api
        .patch(
            &format!("/v1/email_addresses/{unverified}"),
            json!({ "primary": true }),
        )
        .await;
    errors.push((r, "primary"));
    let first_err = errors[0].0.body["errors"][0].clone();
    for (r, param) in &errors {
        r.expect_error(422, "form_param_value_invalid");
        let e = &r.body["errors"][0];
        assert_eq!(e["meta"]["param_name"], *param);
        assert_eq!(e["message"], first_err["message"]);
        assert_eq!(e["long_message"], first_err["long_message"]);
        assert!(
            e["long_message"]
                .as_str()
                .unwrap()
                .contains("unverified email address cannot be set as the primary")
        );
    }
    // Nothing changed: the primary is still the first address, the third was not created.
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(s(&u["primary_email_address_id"]), first);
    assert_eq!(u["email_addresses"].as_array().unwrap().len(), 2);
    // Verifying and making primary in one PATCH is allowed; so is creating a verified primary.
    api.patch(
        &format!("/v1/email_addresses/{unverified}"),
        json!({ "primary": true, "verified": true }),
    )
    .await
    .ok();
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(s(&u["primary_email_address_id"]), unverified);
    let fourth = s(&api
        .post(
            "/v1/email_addresses",
            json!({ "user_id": uid, "email_address": "fourth@example.com", "primary": true, "verified": true }),
        )
        .await
        .ok()["id"]);
    api.patch(
        &format!("/v1/users/{uid}"),
        json!({ "primary_email_address_id": first }),
    )
    .await
    .ok();
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(s(&u["primary_email_address_id"]), first);
    assert_ne!(first, fourth);
    api.emulator.shutdown().await;
}
