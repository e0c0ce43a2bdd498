//! Fidelity: drive every implemented endpoint and validate every response —
//! successes and errors — against the official spec's response schemas.

mod common;

use clerk_emulator::{EmulatorConfig, Fault, RateLimit, Seed};
use common::{Api, Spec, convert};
use serde_json::{Value, json};

/// Operations the emulator implements; each must be answered 200 at least once.
const IMPLEMENTED: &[&str] = &[
    "GET /users",
    "POST /users",
    "GET /users/count",
    "GET /users/{user_id}",
    "PATCH /users/{user_id}",
    "DELETE /users/{user_id}",
    "POST /users/{user_id}/ban",
    "POST /users/{user_id}/unban",
    "POST /users/ban",
    "POST /users/unban",
    "POST /users/{user_id}/lock",
    "POST /users/{user_id}/unlock",
    "PATCH /users/{user_id}/metadata",
    "PUT /users/{user_id}/metadata",
    "GET /users/{user_id}/organization_memberships",
    "GET /users/{user_id}/organization_invitations",
    "GET /organizations",
    "POST /organizations",
    "GET /organizations/{organization_id}",
    "PATCH /organizations/{organization_id}",
    "DELETE /organizations/{organization_id}",
    "PATCH /organizations/{organization_id}/metadata",
    "PUT /organizations/{organization_id}/metadata",
    "POST /organizations/{organization_id}/memberships",
    "GET /organizations/{organization_id}/memberships",
    "PATCH /organizations/{organization_id}/memberships/{user_id}",
    "DELETE /organizations/{organization_id}/memberships/{user_id}",
    "PATCH /organizations/{organization_id}/memberships/{user_id}/metadata",
    "GET /organization_memberships",
    "POST /organizations/{organization_id}/invitations",
    "GET /organizations/{organization_id}/invitations",
    "POST /organizations/{organization_id}/invitations/bulk",
    "GET /organizations/{organization_id}/invitations/pending",
    "GET /organizations/{organization_id}/invitations/{invitation_id}",
    "POST /organizations/{organization_id}/invitations/{invitation_id}/revoke",
    "GET /organization_invitations",
    "POST /invitations",
    "GET /invitations",
    "POST /invitations/bulk",
    "POST /invitations/{invitation_id}/revoke",
    "GET /sessions",
    "POST /sessions",
    "GET /sessions/{session_id}",
    "POST /sessions/{session_id}/revoke",
    "POST /email_addresses",
    "GET /email_addresses/{email_address_id}",
    "PATCH /email_addresses/{email_address_id}",
    "DELETE /email_addresses/{email_address_id}",
    "POST /phone_numbers",
    "GET /phone_numbers/{phone_number_id}",
    "PATCH /phone_numbers/{phone_number_id}",
    "DELETE /phone_numbers/{phone_number_id}",
];

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn converter_handles_openapi_specifics() {
    let s = convert(&json!({
        "type": "object",
        "nullable": true,
        "additionalProperties": false,
        "properties": {
            "a": { "$ref": "#/components/schemas/Thing" },
            "b": { "type": "integer", "minimum": 0, "exclusiveMinimum": true, "x-foo": 1 },
        },
        "discriminator": { "propertyName": "object" },
    }));
    assert_eq!(
        s,
        json!({ "anyOf": [ { "type": "null" }, {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "a": { "$ref": "#/$defs/Thing" },
                "b": { "type": "integer", "exclusiveMinimum": 0 },
            },
        } ] })
    );
}

#[test]
fn validator_rejects_drift() {
    let spec = Spec::get();
    let good = json!({ "object": "total_count", "total_count": 3 });
    spec.validate("GET", "/v1/users/count", 200, &good);
    for bad in [
        json!({ "object": "total_count" }),
        json!({ "object": "total_count", "total_count": 3, "extra": true }),
        json!({ "object": "count", "total_count": 3 }),
    ] {
        let r = std::panic::catch_unwind(|| spec.validate("GET", "/v1/users/count", 200, &bad));
        assert!(r.is_err(), "drift not detected for {bad}");
    }
    let r = std::panic::catch_unwind(|| {
        spec.validate(
            "GET",
            "/v1/users/x",
            404,
            &json!({ "errors": [{ "code": "x" }] }),
        )
    });
    assert!(r.is_err(), "error body drift not detected");
}

#[tokio::test]
async fn every_endpoint_matches_the_spec() {
    let api = Api::empty().await;

    // ---- users -----------------------------------------------------------
    let alice = api
        .post(
            "/v1/users",
            json!({
                "external_id": "ext-alice",
                "first_name": "Alice",
                "last_name": "Anders",
                "locale": "en-US",
                "email_address": ["alice@example.com", "alice.work@example.com"],
                "phone_number": ["+15550001111"],
                "username": "alice_a",
                "password": "correct-horse-battery",
                "totp_secret": "AICJ3HCXKO4KOU6NDHPCMPT4G3AQ",
                "backup_codes": ["abc123", "def456"],
                "public_metadata": { "plan": "pro", "prefs": { "theme": "dark" } },
                "private_metadata": { "crm": 1 },
                "unsafe_metadata": { "nick": "al" },
                "legal_accepted_at": "2024-01-02T03:04:05.678Z",
                "created_at": "2024-01-01T00:00:00Z",
                "create_organizations_limit": 3,
                "skip_password_checks": false,
            }),
        )
        .await
        .ok();
    let alice_id = id(&alice);
    assert!(alice_id.starts_with("user_"));
    // The validator is strict on real objects: unknown fields, wrong types and
    // missing required fields are all drift.
    for drift in [
        |u: &mut Value| u["bogus"] = json!(1),
        |u: &mut Value| u["username"] = json!(5),
        |u: &mut Value| {
            u["email_addresses"][0]["verification"]["strategy"] = json!("carrier_pigeon")
        },
        |u: &mut Value| {
            u.as_object_mut().unwrap().remove("banned");
        },
    ] {
        let mut drifted = alice.clone();
        drift(&mut drifted);
        let r = std::panic::catch_unwind(|| {
            Spec::get().validate("GET", &format!("/v1/users/{alice_id}"), 200, &drifted)
        });
        assert!(r.is_err(), "drift not detected: {drifted}");
    }
    let bob_id = api.user("Bob", "Builder").await;
    let carol_id = api.user("Carol", "Cruz").await;
    let reserved = api
        .post(
            "/v1/users",
            json!({
                "email_address": ["dora@example.com"],
                "email_address_identification_status": ["reserved"],
                "banned": true,
                "locked": true,
            }),
        )
        .await
        .ok();
    let dora_id = id(&reserved);

    api.get("/v1/users").await.ok();
    api.get("/v1/users?limit=2&offset=1&order_by=+first_name")
        .await
        .ok();
    api.get("/v1/users?email_address=alice@example.com&email_address=bob.builder@example.com")
        .await
        .ok();
    api.get(&format!("/v1/users?user_id={alice_id}&user_id=-{bob_id}"))
        .await
        .ok();
    api.get("/v1/users?query=ali&banned=false&order_by=-last_sign_in_at")
        .await
        .ok();
    api.get(&format!("/v1/users?starting_after={alice_id}&limit=1"))
        .await
        .ok();
    api.get("/v1/users/count?query=example").await.ok();
    api.get(&format!("/v1/users/{alice_id}")).await.ok();
    api.patch(
        &format!("/v1/users/{alice_id}"),
        json!({ "first_name": "Alicia", "username": "alicia", "password": "another-good-one", "sign_out_of_other_sessions": true, "delete_self_enabled": false }),
    )
    .await
    .ok();
    api.post_empty(&format!("/v1/users/{bob_id}/ban"))
        .await
        .ok();
    api.post_empty(&format!("/v1/users/{bob_id}/unban"))
        .await
        .ok();
    api.post_empty(&format!("/v1/users/{bob_id}/lock"))
        .await
        .ok();
    api.post_empty(&format!("/v1/users/{bob_id}/unlock"))
        .await
        .ok();
    api.post("/v1/users/ban", json!({ "user_ids": [carol_id] }))
        .await
        .ok();
    api.post("/v1/users/unban", json!({ "user_ids": [carol_id] }))
        .await
        .ok();
    api.patch(
        &format!("/v1/users/{alice_id}/metadata"),
        json!({ "public_metadata": { "prefs": { "theme": null, "lang": "en" } } }),
    )
    .await
    .ok();
    api.put(
        &format!("/v1/users/{alice_id}/metadata"),
        json!({ "private_metadata": null, "unsafe_metadata": {} }),
    )
    .await
    .ok();

    // ---- email addresses and phone numbers --------------------------------
    let email = api
        .post(
            "/v1/email_addresses",
            json!({ "user_id": bob_id, "email_address": "bob.alt@example.com", "verified": true }),
        )
        .await
        .ok();
    let email_id = id(&email);
    api.get(&format!("/v1/email_addresses/{email_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/email_addresses/{email_id}"),
        json!({ "primary": true }),
    )
    .await
    .ok();
    api.delete(&format!("/v1/email_addresses/{email_id}"))
        .await
        .ok();
    let phone = api
        .post(
            "/v1/phone_numbers",
            json!({ "user_id": bob_id, "phone_number": "+15550002222", "verified": true, "reserved_for_second_factor": true }),
        )
        .await
        .ok();
    let phone_id = id(&phone);
    api.get(&format!("/v1/phone_numbers/{phone_id}")).await.ok();
    api.patch(
        &format!("/v1/phone_numbers/{phone_id}"),
        json!({ "primary": true, "reserved_for_second_factor": false }),
    )
    .await
    .ok();
    api.get(&format!("/v1/users/{bob_id}")).await.ok();
    api.delete(&format!("/v1/phone_numbers/{phone_id}"))
        .await
        .ok();

    // ---- organizations -----------------------------------------------------
    let acme = api
        .post(
            "/v1/organizations",
            json!({ "name": "Acme", "slug": "acme", "created_by": alice_id, "max_allowed_memberships": 50,
                    "public_metadata": { "tier": "gold" }, "private_metadata": { "secret": true } }),
        )
        .await
        .ok();
    let acme_id = id(&acme);
    let globex_id = api.org("Globex", "globex", None).await;
    api.post(
        "/v1/organizations",
        json!({ "name": "No Slug Given, Inc." }),
    )
    .await
    .ok();
    api.get("/v1/organizations?include_members_count=true&include_missing_member_with_elevated_permissions=true&order_by=-members_count")
        .await
        .ok();
    api.get(&format!("/v1/organizations?query=acm&user_id={alice_id}"))
        .await
        .ok();
    api.get(&format!(
        "/v1/organizations/{acme_id}?include_members_count=true"
    ))
    .await
    .ok();
    api.get("/v1/organizations/acme").await.ok();
    api.patch(
        &format!("/v1/organizations/{globex_id}"),
        json!({ "name": "Globex Corp", "slug": "globex-corp", "admin_delete_enabled": false }),
    )
    .await
    .ok();
    api.patch(
        &format!("/v1/organizations/{acme_id}/metadata"),
        json!({ "public_metadata": { "tier": null, "region": "eu" } }),
    )
    .await
    .ok();
    api.put(
        &format!("/v1/organizations/{acme_id}/metadata"),
        json!({ "private_metadata": { "replaced": true } }),
    )
    .await
    .ok();

    // ---- memberships ---------------------------------------------------------
    api.post(
        &format!("/v1/organizations/{acme_id}/memberships"),
        json!({ "user_id": bob_id, "role": "org:member", "public_metadata": { "team": "a" } }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/organizations/{globex_id}/memberships"),
        json!({ "user_id": carol_id, "role": "org:admin" }),
    )
    .await
    .ok();
    api.get(&format!("/v1/organizations/{acme_id}/memberships"))
        .await
        .ok();
    api.get(&format!(
        "/v1/organizations/{acme_id}/memberships?role=org:member&order_by=+email_address&query=bob"
    ))
    .await
    .ok();
    api.patch(
        &format!("/v1/organizations/{acme_id}/memberships/{bob_id}"),
        json!({ "role": "org:admin" }),
    )
    .await
    .ok();
    api.patch(
        &format!("/v1/organizations/{acme_id}/memberships/{bob_id}/metadata"),
        json!({ "public_metadata": { "team": null, "desk": 4 }, "private_metadata": { "x": 1 } }),
    )
    .await
    .ok();
    api.get("/v1/organization_memberships?order_by=+created_at")
        .await
        .ok();
    api.get(&format!("/v1/users/{bob_id}/organization_memberships"))
        .await
        .ok();

    // ---- organization invitations ----------------------------------------------
    let inv = api
        .post(
            &format!("/v1/organizations/{acme_id}/invitations"),
            json!({ "email_address": "newbie@example.com", "role": "org:member", "inviter_user_id": alice_id,
                    "redirect_url": "https://app.example.com/accept", "public_metadata": { "from": "test" } }),
        )
        .await
        .ok();
    let inv_id = id(&inv);
    api.post(
        &format!("/v1/organizations/{acme_id}/invitations"),
        json!({ "email_address": "dora@example.com", "role": "org:member" }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/organizations/{acme_id}/invitations/bulk"),
        json!([
            { "email_address": "bulk1@example.com", "role": "org:member" },
            { "email_address": "bulk2@example.com", "role": "org:admin", "inviter_user_id": alice_id },
        ]),
    )
    .await
    .ok();
    api.get(&format!(
        "/v1/organizations/{acme_id}/invitations?status=pending&order_by=email_address"
    ))
    .await
    .ok();
    api.get(&format!("/v1/organizations/{acme_id}/invitations/pending"))
        .await
        .ok();
    api.get(&format!("/v1/organizations/{acme_id}/invitations/{inv_id}"))
        .await
        .ok();
    api.post(
        &format!("/v1/organizations/{acme_id}/invitations/{inv_id}/revoke"),
        json!({ "requesting_user_id": alice_id }),
    )
    .await
    .ok();
    let both = api
        .get("/v1/organization_invitations?status=revoked&status=pending")
        .await
        .ok();
    assert_eq!(both["total_count"], 4);
    api.get("/v1/organization_invitations?status=revoked")
        .await
        .ok();
    api.get("/v1/organization_invitations?query=bulk&order_by=-email_address")
        .await
        .ok();
    api.get(&format!(
        "/v1/users/{dora_id}/organization_invitations?status=pending"
    ))
    .await
    .ok();

    // ---- application invitations ---------------------------------------------------
    let app_inv = api
        .post(
            "/v1/invitations",
            json!({ "email_address": "guest@example.com", "public_metadata": { "beta": true }, "expires_in_days": 7, "notify": false }),
        )
        .await
        .ok();
    let app_inv_id = id(&app_inv);
    api.post(
        "/v1/invitations/bulk",
        json!([{ "email_address": "guest2@example.com" }, { "email_address": "guest3@example.com", "redirect_url": "https://app.example.com/join" }]),
    )
    .await
    .ok();
    api.get("/v1/invitations").await.ok();
    api.get("/v1/invitations?paginated=true&status=pending&order_by=email_address")
        .await
        .ok();
    api.post_empty(&format!("/v1/invitations/{app_inv_id}/revoke"))
        .await
        .ok();

    // ---- sessions -------------------------------------------------------------
    let sess = api
        .post(
            "/v1/sessions",
            json!({ "user_id": bob_id, "active_organization_id": acme_id }),
        )
        .await
        .ok();
    let sess_id = id(&sess);
    api.get(&format!("/v1/sessions?user_id={bob_id}"))
        .await
        .ok();
    api.get(&format!(
        "/v1/sessions?user_id={bob_id}&paginated=true&status=active"
    ))
    .await
    .ok();
    api.get(&format!("/v1/sessions/{sess_id}")).await.ok();
    api.post_empty(&format!("/v1/sessions/{sess_id}/revoke"))
        .await
        .ok();

    // ---- deletes ------------------------------------------------------------------
    api.delete(&format!("/v1/organizations/{acme_id}/memberships/{bob_id}"))
        .await
        .ok();
    api.delete(&format!("/v1/organizations/{globex_id}"))
        .await
        .ok();
    api.delete(&format!("/v1/users/{carol_id}")).await.ok();

    // ---- error bodies -----------------------------------------------------------------
    api.send_with_auth("GET", "/v1/users", None, None)
        .await
        .expect_error(401, "authentication_invalid");
    api.send_with_auth("GET", "/v1/users/count", None, Some("Bearer sk_test_wrong"))
        .await
        .expect_error(401, "authentication_invalid");
    api.get("/v1/users/user_missing")
        .await
        .expect_error(404, "resource_not_found");
    api.get("/v1/organizations/nope")
        .await
        .expect_error(404, "resource_not_found");
    api.get("/v1/sessions/sess_nope")
        .await
        .expect_error(404, "resource_not_found");
    api.get("/v1/jwt_templates")
        .await
        .expect_error(404, "resource_not_found");
    api.get("/v1/users?limit=0")
        .await
        .expect_error(422, "form_param_value_invalid");
    api.get("/v1/organizations?limit=501")
        .await
        .expect_error(422, "form_param_value_invalid");
    api.get("/v1/users?order_by=-shoe_size")
        .await
        .expect_error(422, "form_param_value_invalid");
    api.patch(
        &format!("/v1/users/{alice_id}"),
        json!({ "public_metadata": {} }),
    )
    .await
    .expect_error(422, "form_param_unknown");
    api.patch(
        &format!("/v1/organizations/{acme_id}"),
        json!({ "private_metadata": {} }),
    )
    .await
    .expect_error(422, "form_param_unknown");
    api.post(
        "/v1/users",
        json!({ "email_address": ["alice@example.com"] }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post("/v1/organizations", json!({ "slug": "x" }))
        .await
        .expect_error(422, "form_param_missing");
    api.post(
        "/v1/organizations",
        json!({ "name": "Dup", "slug": "acme" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post(
        "/v1/invitations",
        json!({ "email_address": "guest2@example.com" }),
    )
    .await
    .expect_error(400, "duplicate_record");
    api.post(
        "/v1/invitations",
        json!({ "email_address": "not-an-email" }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    api.post_empty(&format!("/v1/invitations/{app_inv_id}/revoke"))
        .await
        .expect_error(400, "invitation_already_revoked");
    api.post(
        &format!("/v1/organizations/{acme_id}/memberships"),
        json!({ "user_id": alice_id, "role": "org:admin" }),
    )
    .await
    .expect_error(400, "already_a_member_in_organization");
    api.post(
        &format!("/v1/organizations/{acme_id}/invitations/{inv_id}/revoke"),
        json!({}),
    )
    .await
    .expect_error(404, "organization_invitation_not_pending");
    // A missing or `null` body where Clerk requires one is a 400, and creates nothing.
    let before = api.get("/v1/users/count").await.ok()["total_count"].clone();
    api.send("POST", "/v1/users", None)
        .await
        .expect_error(400, "request_body_invalid");
    api.post("/v1/users", Value::Null)
        .await
        .expect_error(400, "request_body_invalid");
    api.post("/v1/organizations", Value::Null)
        .await
        .expect_error(400, "request_body_invalid");
    assert_eq!(api.get("/v1/users/count").await.ok()["total_count"], before);
    let raw = api
        .client
        .post(format!("{}/v1/users", api.base))
        .bearer_auth(&api.key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().await.unwrap();
    Spec::get().validate("POST", "/v1/users", 400, &body);

    // Every implemented operation was answered 200 at least once.
    let seen = Spec::get().seen.lock().unwrap().clone();
    let missing: Vec<&&str> = IMPLEMENTED
        .iter()
        .filter(|op| !seen.get(**op).is_some_and(|s| s.contains(&200)))
        .collect();
    assert!(missing.is_empty(), "never answered 200: {missing:?}");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn demo_seed_objects_match_the_spec() {
    let api = Api::demo().await;
    let users = api.get("/v1/users?limit=500").await.ok();
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 50);
    for u in users {
        let uid = u["id"].as_str().unwrap();
        api.get(&format!("/v1/users/{uid}")).await.ok();
        api.get(&format!(
            "/v1/users/{uid}/organization_memberships?limit=500"
        ))
        .await
        .ok();
        api.get(&format!("/v1/users/{uid}/organization_invitations"))
            .await
            .ok();
        for e in u["email_addresses"].as_array().unwrap() {
            api.get(&format!(
                "/v1/email_addresses/{}",
                e["id"].as_str().unwrap()
            ))
            .await
            .ok();
        }
        for p in u["phone_numbers"].as_array().unwrap() {
            api.get(&format!("/v1/phone_numbers/{}", p["id"].as_str().unwrap()))
                .await
                .ok();
        }
    }
    let orgs = api
        .get("/v1/organizations?include_members_count=true&include_missing_member_with_elevated_permissions=true")
        .await
        .ok();
    for o in orgs["data"].as_array().unwrap() {
        let oid = o["id"].as_str().unwrap();
        api.get(&format!("/v1/organizations/{oid}/memberships?limit=500"))
            .await
            .ok();
        let invs = api
            .get(&format!("/v1/organizations/{oid}/invitations?limit=500"))
            .await
            .ok();
        for i in invs["data"].as_array().unwrap() {
            api.get(&format!(
                "/v1/organizations/{oid}/invitations/{}",
                i["id"].as_str().unwrap()
            ))
            .await
            .ok();
        }
    }
    api.get("/v1/organization_memberships?limit=500").await.ok();
    api.get("/v1/organization_invitations?limit=500").await.ok();
    for status in ["pending", "revoked", "expired", "accepted"] {
        api.get(&format!("/v1/invitations?status={status}&paginated=true"))
            .await
            .ok();
    }
    let sessions = api.get("/v1/sessions?limit=500").await.ok();
    for s in sessions.as_array().unwrap() {
        api.get(&format!("/v1/sessions/{}", s["id"].as_str().unwrap()))
            .await
            .ok();
    }
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn knob_errors_match_the_spec() {
    let api = Api::start(
        EmulatorConfig::default()
            .with_seed(Seed::Empty)
            .with_rate_limit(RateLimit::new(2, std::time::Duration::from_secs(30)))
            .with_fault(Fault::status("GET", "/v1/organizations", 503).times(1))
            .with_fault(Fault::status("GET", "/v1/sessions", 500).times(1)),
    )
    .await;
    api.get("/v1/organizations")
        .await
        .expect_error(503, "service_unavailable");
    api.get("/v1/sessions")
        .await
        .expect_error(500, "internal_clerk_error");
    api.get("/v1/users").await.ok();
    api.get("/v1/users").await.ok();
    api.get("/v1/users")
        .await
        .expect_error(429, "too_many_requests");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn machine_authentication_endpoints_match_the_spec() {
    let api = Api::demo().await;
    let user = api.get("/v1/users?limit=1").await.ok()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // API keys: create, verify, revoke, unknown.
    let key = api
        .post(
            "/v1/api_keys",
            json!({"name": "fidelity", "subject": user, "scopes": ["clerk_mcp:read"], "claims": {"a": 1}}),
        )
        .await
        .ok();
    let secret = key["secret"].as_str().unwrap();
    let verified = api
        .post("/v1/api_keys/verify", json!({"secret": secret}))
        .await
        .ok();
    assert_eq!(verified["id"], key["id"]);
    api.post(
        &format!("/v1/api_keys/{}/revoke", id(&key)),
        json!({"revocation_reason": "done"}),
    )
    .await
    .ok();
    api.post("/v1/api_keys/verify", json!({"secret": "ak_nope"}))
        .await
        .expect_error(404, "resource_not_found");
    // M2M tokens: 201 on create.
    let m2m = api
        .post("/v1/m2m_tokens", json!({"seconds_until_expiration": 60}))
        .await;
    assert_eq!(m2m.status, 201, "{}", m2m.body);
    let token = m2m.body["token"].as_str().unwrap().to_string();
    let m2m_id = m2m.body["id"].as_str().unwrap().to_string();
    api.post("/v1/m2m_tokens/verify", json!({"token": token}))
        .await
        .ok();
    api.post(&format!("/v1/m2m_tokens/{m2m_id}/revoke"), json!({}))
        .await
        .ok();
    // OAuth access tokens: issue one through the authorization server, then verify it.
    let http = common::http_client();
    let reg: Value = http
        .post(format!("{}/oauth/register", api.base))
        .json(&json!({"redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verifier = "fidelity-verifier-fidelity-verifier-fidelity-verifier";
    let challenge = {
        use sha2::Digest;
        data_encoding::BASE64URL_NOPAD.encode(&sha2::Sha256::digest(verifier.as_bytes()))
    };
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let loc = no_redirects
        .get(format!("{}/oauth/authorize", api.base))
        .query(&[
            ("response_type", "code"),
            ("client_id", reg["client_id"].as_str().unwrap()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let code = url::Url::parse(&loc)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tok: Value = http
        .post(format!("{}/oauth/token", api.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("client_id", reg["client_id"].as_str().unwrap()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    api.post(
        "/v1/oauth_applications/access_tokens/verify",
        json!({"access_token": tok["access_token"]}),
    )
    .await
    .ok();
    api.post(
        "/v1/oauth_applications/access_tokens/verify",
        json!({"access_token": "oat_unknown"}),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.get("/v1/jwks").await.ok();
    let seen = Spec::get().seen.lock().unwrap().clone();
    for op in [
        "POST /api_keys",
        "POST /api_keys/verify",
        "POST /api_keys/{apiKeyID}/revoke",
        "POST /m2m_tokens/verify",
        "POST /m2m_tokens/{m2m_token_id}/revoke",
        "POST /oauth_applications/access_tokens/verify",
        "GET /jwks",
    ] {
        assert!(
            seen.get(op).is_some_and(|s| s.contains(&200)),
            "{op} never validated: {seen:?}"
        );
    }
    assert!(
        seen.get("POST /m2m_tokens")
            .is_some_and(|s| s.contains(&201))
    );
    api.emulator.shutdown().await;
}
