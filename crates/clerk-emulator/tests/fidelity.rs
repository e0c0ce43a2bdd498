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
    "DELETE /users/{user_id}/mfa",
    "DELETE /users/{user_id}/totp",
    "DELETE /users/{user_id}/backup_code",
    "POST /users/{user_id}/remove_password",
    "POST /users/{user_id}/verify_password",
    "POST /users/{user_id}/verify_totp",
    "POST /users/{user_id}/password/set_compromised",
    "POST /users/{user_id}/password/unset_compromised",
    "POST /users/{user_id}/profile_image",
    "DELETE /users/{user_id}/profile_image",
    "PUT /organizations/{organization_id}/logo",
    "DELETE /organizations/{organization_id}/logo",
    "DELETE /users/{user_id}/passkeys/{passkey_identification_id}",
    "DELETE /users/{user_id}/web3_wallets/{web3_wallet_identification_id}",
    "DELETE /users/{user_id}/external_accounts/{external_account_id}",
    "GET /users/{user_id}/trusted_devices",
    "DELETE /users/{user_id}/trusted_devices/{trusted_device_id}",
    "GET /users/{user_id}/oauth_access_tokens/{provider}",
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
    "POST /email_addresses/{email_address_id}/prepare_verification",
    "POST /email_addresses/{email_address_id}/attempt_verification",
    "PUT /users/{user_id}/email_address",
    "POST /phone_numbers/{phone_number_id}/prepare_verification",
    "POST /phone_numbers/{phone_number_id}/attempt_verification",
    "PUT /users/{user_id}/phone_number",
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
    for part in ["totp", "backup_code", "mfa"] {
        api.delete(&format!("/v1/users/{dora_id}/{part}"))
            .await
            .ok();
    }
    api.post_empty(&format!("/v1/users/{dora_id}/remove_password"))
        .await
        .ok();
    // Passwords and second factors (alice's password was changed to another-good-one above).
    let verify = format!("/v1/users/{alice_id}/verify_password");
    api.post(&verify, json!({ "password": "another-good-one" }))
        .await
        .ok();
    api.post(&verify, json!({ "password": "wrong-password" }))
        .await
        .expect_error(422, "form_password_incorrect");
    api.post(
        &format!("/v1/users/{dora_id}/verify_password"),
        json!({ "password": "x" }),
    )
    .await
    .expect_error(400, "password_not_set");
    let totp = format!("/v1/users/{alice_id}/verify_totp");
    api.post(&totp, json!({ "code": clerk_emulator::TOTP_CODE }))
        .await
        .ok();
    api.post(&totp, json!({ "code": "abc123" })).await.ok();
    api.post(&totp, json!({ "code": "abc123" }))
        .await
        .expect_error(422, "form_code_incorrect");
    api.post(
        &format!("/v1/users/{alice_id}/password/set_compromised"),
        json!({ "revoke_all_sessions": false }),
    )
    .await
    .ok();
    api.post_empty(&format!("/v1/users/{alice_id}/password/unset_compromised"))
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
    // Verifications (the emulator's code is 424242) and replacing the only address / number.
    let carol_email = api
        .put(
            &format!("/v1/users/{carol_id}/email_address"),
            json!({ "email_address": "carol.new@example.com", "identification_status": "unverified", "notify_primary_email_address_changed": false }),
        )
        .await
        .ok();
    let carol_phone = api
        .put(
            &format!("/v1/users/{carol_id}/phone_number"),
            json!({ "phone_number": "+15550003333", "identification_status": "reserved" }),
        )
        .await
        .ok();
    for (kind, idn) in [
        ("email_addresses", id(&carol_email)),
        ("phone_numbers", id(&carol_phone)),
    ] {
        let v = api
            .post_empty(&format!("/v1/{kind}/{idn}/prepare_verification"))
            .await
            .ok();
        let attempt = format!("/v1/{kind}/{idn}/attempt_verification");
        api.post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "000000" }),
        )
        .await
        .ok();
        api.post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "424242" }),
        )
        .await
        .ok();
        api.post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "424242" }),
        )
        .await
        .expect_error(400, "verification_already_verified");
        api.post(
            &attempt,
            json!({ "verification_id": "ver_missing", "code": "424242" }),
        )
        .await
        .expect_error(404, "resource_not_found");
    }
    api.get(&format!("/v1/users/{carol_id}")).await.ok();

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
    api.get("/v1/templates/email")
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
    let (status, body) = api.post_text("/v1/users", "{not json").await;
    assert_eq!(status, 400);
    Spec::get().validate("POST", "/v1/users", 400, &body);

    // Image uploads (multipart/form-data).
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-an-image";
    let pic = format!("/v1/users/{bob_id}/profile_image");
    api.upload("POST", &pic, Some(("image/png", PNG)), &[])
        .await
        .ok();
    api.upload("POST", &pic, Some(("text/plain", b"hi")), &[])
        .await
        .expect_error(400, "unsupported_content_type");
    api.upload("POST", &pic, None, &[])
        .await
        .expect_error(400, "form_param_missing");
    api.delete(&pic).await.ok();
    let logo = format!("/v1/organizations/{acme_id}/logo");
    api.upload(
        "PUT",
        &logo,
        Some(("image/webp", PNG)),
        &[("uploader_user_id", &bob_id)],
    )
    .await
    .ok();
    api.delete(&logo).await.ok();
    api.upload(
        "PUT",
        "/v1/organizations/org_missing/logo",
        Some(("image/png", PNG)),
        &[],
    )
    .await
    .expect_error(404, "resource_not_found");

    // Passkeys, Web3 wallets, external accounts and trusted devices come with the demo seed.
    let demo = Api::demo().await;
    let st = demo.emulator.snapshot();
    let with = |pick: fn(&clerk_emulator::state::User) -> &Vec<Value>| {
        let u = st.users.values().find(|u| !pick(u).is_empty()).unwrap();
        (u.id.clone(), pick(u)[0]["id"].as_str().unwrap().to_string())
    };
    let (u, pk) = with(|u| &u.passkeys);
    demo.delete(&format!("/v1/users/{u}/passkeys/{pk}"))
        .await
        .ok();
    demo.delete(&format!("/v1/users/{u}/passkeys/{pk}"))
        .await
        .expect_error(404, "resource_not_found");
    let (u, w) = with(|u| &u.web3_wallets);
    demo.get(&format!("/v1/users/{u}")).await.ok();
    demo.delete(&format!("/v1/users/{u}/web3_wallets/{w}"))
        .await
        .ok();
    let (u, ea) = with(|u| &u.external_accounts);
    demo.get(&format!("/v1/users/{u}/oauth_access_tokens/oauth_google"))
        .await
        .ok();
    demo.get(&format!(
        "/v1/users/{u}/oauth_access_tokens/oauth_google?paginated=true&limit=5"
    ))
    .await
    .ok();
    demo.get(&format!("/v1/users/{u}/oauth_access_tokens/oauth_github"))
        .await
        .ok();
    demo.delete(&format!("/v1/users/{u}/external_accounts/{ea}"))
        .await
        .ok();
    let (u, td) = with(|u| &u.trusted_devices);
    demo.get(&format!("/v1/users/{u}/trusted_devices"))
        .await
        .ok();
    demo.delete(&format!("/v1/users/{u}/trusted_devices/{td}"))
        .await
        .ok();
    demo.delete(&format!("/v1/users/{u}/trusted_devices/{td}"))
        .await
        .expect_error(404, "resource_not_found");
    demo.emulator.shutdown().await;

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
/// Operations of the generic resource store and the machine-authentication endpoints; each must
/// be answered with its success status at least once.
const STORE_IMPLEMENTED: &[&str] = &[
    "GET /jwt_templates",
    "POST /jwt_templates",
    "GET /jwt_templates/{template_id}",
    "PATCH /jwt_templates/{template_id}",
    "DELETE /jwt_templates/{template_id}",
    "GET /oauth_applications",
    "POST /oauth_applications",
    "GET /oauth_applications/{oauth_application_id}",
    "PATCH /oauth_applications/{oauth_application_id}",
    "DELETE /oauth_applications/{oauth_application_id}",
    "POST /oauth_applications/{oauth_application_id}/rotate_secret",
    "PUT /oauth_applications/{oauth_application_id}/logo",
    "POST /oauth_applications/{oauth_application_id}/revoke_token",
    "GET /domains",
    "POST /domains",
    "PATCH /domains/{domain_id}",
    "DELETE /domains/{domain_id}",
    "POST /proxy_checks",
    "GET /allowlist_identifiers",
    "POST /allowlist_identifiers",
    "DELETE /allowlist_identifiers/{identifier_id}",
    "GET /blocklist_identifiers",
    "POST /blocklist_identifiers",
    "DELETE /blocklist_identifiers/{identifier_id}",
    "GET /redirect_urls",
    "POST /redirect_urls",
    "GET /redirect_urls/{id}",
    "DELETE /redirect_urls/{id}",
    "POST /actor_tokens",
    "POST /actor_tokens/{actor_token_id}/revoke",
    "POST /sign_in_tokens",
    "POST /sign_in_tokens/{sign_in_token_id}/revoke",
    "POST /testing_tokens",
    "GET /machines",
    "POST /machines",
    "GET /machines/{machine_id}",
    "PATCH /machines/{machine_id}",
    "DELETE /machines/{machine_id}",
    "GET /machines/{machine_id}/secret_key",
    "POST /machines/{machine_id}/secret_key/rotate",
    "POST /machines/{machine_id}/scopes",
    "DELETE /machines/{machine_id}/scopes/{other_machine_id}",
    "GET /organization_permissions",
    "POST /organization_permissions",
    "GET /organization_permissions/{permission_id}",
    "PATCH /organization_permissions/{permission_id}",
    "DELETE /organization_permissions/{permission_id}",
    "GET /organization_roles",
    "POST /organization_roles",
    "GET /organization_roles/{organization_role_id}",
    "PATCH /organization_roles/{organization_role_id}",
    "DELETE /organization_roles/{organization_role_id}",
    "POST /organization_roles/{organization_role_id}/permissions/{permission_id}",
    "DELETE /organization_roles/{organization_role_id}/permissions/{permission_id}",
    "GET /role_sets",
    "POST /role_sets",
    "GET /role_sets/{role_set_key_or_id}",
    "PATCH /role_sets/{role_set_key_or_id}",
    "POST /role_sets/{role_set_key_or_id}/replace",
    "POST /role_sets/{role_set_key_or_id}/roles",
    "POST /role_sets/{role_set_key_or_id}/roles/replace",
    "POST /organizations/{organization_id}/domains",
    "GET /organizations/{organization_id}/domains",
    "PATCH /organizations/{organization_id}/domains/{domain_id}",
    "DELETE /organizations/{organization_id}/domains/{domain_id}",
    "POST /organizations/{organization_id}/domains/{domain_id}/verify_ownership",
    "GET /organization_domains",
    "GET /enterprise_connections",
    "POST /enterprise_connections",
    "GET /enterprise_connections/{enterprise_connection_id}",
    "PATCH /enterprise_connections/{enterprise_connection_id}",
    "DELETE /enterprise_connections/{enterprise_connection_id}",
    "GET /enterprise_connections/{enterprise_connection_id}/test_runs",
    "POST /enterprise_connections/{enterprise_connection_id}/test_runs",
    "GET /saml_connections",
    "POST /saml_connections",
    "GET /saml_connections/{saml_connection_id}",
    "PATCH /saml_connections/{saml_connection_id}",
    "DELETE /saml_connections/{saml_connection_id}",
    "GET /directories",
    "POST /directories",
    "GET /directories/{directory_id}",
    "PATCH /directories/{directory_id}",
    "DELETE /directories/{directory_id}",
    "POST /directories/{directory_id}/rotate_api_key",
    "GET /directories/{directory_id}/group_role_mappings",
    "POST /directories/{directory_id}/group_role_mappings",
    "PUT /directories/{directory_id}/group_role_mappings",
    "DELETE /directories/{directory_id}/group_role_mappings/{mapping_id}",
    "GET /scim_directories",
    "POST /scim_directories",
    "GET /scim_directories/{scim_directory_id}",
    "PATCH /scim_directories/{scim_directory_id}",
    "DELETE /scim_directories/{scim_directory_id}",
    "POST /scim_directories/{scim_directory_id}/rotate_api_key",
    "GET /scim_directories/{scim_directory_id}/group_role_mappings",
    "POST /scim_directories/{scim_directory_id}/group_role_mappings",
    "PUT /scim_directories/{scim_directory_id}/group_role_mappings",
    "DELETE /scim_directories/{scim_directory_id}/group_role_mappings/{mapping_id}",
    "GET /waitlist_entries",
    "POST /waitlist_entries",
    "POST /waitlist_entries/bulk",
    "DELETE /waitlist_entries/{waitlist_entry_id}",
    "POST /waitlist_entries/{waitlist_entry_id}/invite",
    "POST /waitlist_entries/{waitlist_entry_id}/reject",
    "POST /webhooks/svix",
    "DELETE /webhooks/svix",
    "POST /webhooks/svix_url",
    "GET /instance",
    "PATCH /instance",
    "PATCH /instance/restrictions",
    "GET /instance/communication",
    "PATCH /instance/communication",
    "GET /instance/protect",
    "PATCH /instance/protect",
    "GET /instance/organization_settings",
    "PATCH /instance/organization_settings",
    "GET /instance/oauth_application_settings",
    "PATCH /instance/oauth_application_settings",
    "GET /billing/plans",
    "GET /billing/prices",
    "POST /billing/prices",
    "GET /billing/subscription_items",
    "DELETE /billing/subscription_items/{subscription_item_id}",
    "POST /billing/subscription_items/{subscription_item_id}/extend_free_trial",
    "POST /billing/subscription_items/{subscription_item_id}/price_transition",
    "POST /billing/subscription_items/{subscription_item_id}/discounts",
    "DELETE /billing/subscription_items/{subscription_item_id}/discounts/{discount_id}",
    "GET /billing/statements",
    "PATCH /beta_features/instance_settings",
    "POST /instance/change_domain",
    "PUT /beta_features/domain",
    "GET /users/{user_id}/billing/subscription",
    "GET /users/{user_id}/billing/credits",
    "POST /users/{user_id}/billing/credits",
    "GET /organizations/{organization_id}/billing/subscription",
    "GET /organizations/{organization_id}/billing/credits",
    "POST /organizations/{organization_id}/billing/credits",
    "GET /billing/statements/{statementID}",
    "GET /billing/statements/{statementID}/payment_attempts",
    "POST /agents/tasks",
    "POST /agents/tasks/{agent_task_id}/revoke",
    "POST /admin_portal_link_tokens",
    "POST /admin_portal_link_tokens/{adminPortalLinkTokenID}/revoke",
    "POST /sessions/{session_id}/tokens",
    "POST /sessions/{session_id}/tokens/{template_name}",
    "POST /sessions/{session_id}/refresh",
    "GET /sign_ups/{id}",
    "PATCH /sign_ups/{id}",
    "GET /clients",
    "GET /clients/{client_id}",
    "POST /clients/verify",
    "GET /api_keys",
    "POST /api_keys",
    "GET /api_keys/{apiKeyID}",
    "PATCH /api_keys/{apiKeyID}",
    "DELETE /api_keys/{apiKeyID}",
    "GET /api_keys/{apiKeyID}/secret",
    "POST /api_keys/{apiKeyID}/revoke",
    "POST /api_keys/verify",
    "GET /m2m_tokens",
    "POST /m2m_tokens",
    "POST /m2m_tokens/{m2m_token_id}/revoke",
    "POST /m2m_tokens/verify",
    "GET /jwks",
];

fn sid(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_string()
}

/// Drive every operation of the generic store (and the machine-authentication extras) and
/// validate each response against the spec's schema; list responses in the spec's shape.
#[tokio::test]
async fn every_store_endpoint_matches_the_spec() {
    let api = Api::demo().await;
    let user = api.get("/v1/users?limit=2").await.ok();
    let user_id = sid(&user[0], "id");
    let other_user = sid(&user[1], "id");
    let org = api.get("/v1/organizations?limit=1").await.ok();
    let org_id = sid(&org["data"][0], "id");

    // JWT templates
    let t = api
        .post("/v1/jwt_templates", json!({"name": "hasura", "claims": {"role": "{{user.public_metadata.role}}"}, "lifetime": 120}))
        .await
        .ok();
    let tid = id(&t);
    api.get("/v1/jwt_templates").await.ok();
    api.get(&format!("/v1/jwt_templates/{tid}")).await.ok();
    api.patch(
        &format!("/v1/jwt_templates/{tid}"),
        json!({"name": "hasura2", "claims": {"a": 1}, "allowed_clock_skew": 10}),
    )
    .await
    .ok();
    api.delete(&format!("/v1/jwt_templates/{tid}")).await.ok();

    // OAuth applications
    let app = api
        .post("/v1/oauth_applications", json!({"name": "Acme CLI", "redirect_uris": ["https://cli.example.com/cb"], "scopes": "profile email"}))
        .await
        .ok();
    let app_id = id(&app);
    api.get("/v1/oauth_applications").await.ok();
    api.get(&format!("/v1/oauth_applications/{app_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/oauth_applications/{app_id}"),
        json!({"name": "Acme CLI 2", "consent_screen_enabled": true}),
    )
    .await
    .ok();
    api.post_empty(&format!("/v1/oauth_applications/{app_id}/rotate_secret"))
        .await
        .ok();
    let with_logo = api
        .upload(
            "PUT",
            &format!("/v1/oauth_applications/{app_id}/logo"),
            Some(("image/jpeg", b"\xff\xd8\xff-jpeg")),
            &[],
        )
        .await
        .ok();
    assert!(sid(&with_logo, "client_image_url").starts_with("https://img.clerk.com/"));
    api.post(
        &format!("/v1/oauth_applications/{app_id}/revoke_token"),
        json!({"token": "oat_unknown"}),
    )
    .await
    .ok_with(204);
    api.delete(&format!("/v1/oauth_applications/{app_id}"))
        .await
        .ok();

    // Domains and proxy checks
    let primary = api.get("/v1/domains").await.ok();
    assert_eq!(primary["total_count"], 1);
    let d = api
        .post(
            "/v1/domains",
            json!({"name": "satellite.example.com", "is_satellite": true}),
        )
        .await
        .ok();
    let did = id(&d);
    api.patch(
        &format!("/v1/domains/{did}"),
        json!({"proxy_url": "https://satellite.example.com/__clerk"}),
    )
    .await
    .ok();
    api.post(
        "/v1/proxy_checks",
        json!({"domain_id": did, "proxy_url": "https://satellite.example.com/__clerk"}),
    )
    .await
    .ok();
    api.delete(&format!("/v1/domains/{did}")).await.ok();

    // Allow-list, block-list
    let a = api
        .post(
            "/v1/allowlist_identifiers",
            json!({"identifier": "*@example.org", "notify": false}),
        )
        .await
        .ok();
    api.get("/v1/allowlist_identifiers").await.ok();
    api.delete(&format!("/v1/allowlist_identifiers/{}", id(&a)))
        .await
        .ok();
    let b = api
        .post(
            "/v1/blocklist_identifiers",
            json!({"identifier": "spam@example.net"}),
        )
        .await
        .ok();
    api.get("/v1/blocklist_identifiers").await.ok();
    api.delete(&format!("/v1/blocklist_identifiers/{}", id(&b)))
        .await
        .ok();

    // Redirect URLs
    let r = api
        .post(
            "/v1/redirect_urls",
            json!({"url": "myapp://oauth-callback"}),
        )
        .await
        .ok();
    api.get("/v1/redirect_urls").await.ok();
    api.get(&format!("/v1/redirect_urls/{}", id(&r))).await.ok();
    api.delete(&format!("/v1/redirect_urls/{}", id(&r)))
        .await
        .ok();

    // Actor, sign-in and testing tokens
    let act = api
        .post(
            "/v1/actor_tokens",
            json!({"user_id": user_id, "actor": {"sub": other_user}, "expires_in_seconds": 600}),
        )
        .await
        .ok();
    api.post_empty(&format!("/v1/actor_tokens/{}/revoke", id(&act)))
        .await
        .ok();
    let sit = api
        .post(
            "/v1/sign_in_tokens",
            json!({"user_id": user_id, "expires_in_seconds": 600}),
        )
        .await
        .ok();
    api.post_empty(&format!("/v1/sign_in_tokens/{}/revoke", id(&sit)))
        .await
        .ok();
    api.post_empty("/v1/testing_tokens").await.ok();

    // Machines
    let m1 = api
        .post("/v1/machines", json!({"name": "billing-worker"}))
        .await
        .ok();
    let m1_id = id(&m1);
    let m2 = api
        .post(
            "/v1/machines",
            json!({"name": "ledger", "default_token_ttl": 600, "scoped_machines": [m1_id]}),
        )
        .await
        .ok();
    let m2_id = id(&m2);
    api.get("/v1/machines").await.ok();
    api.get(&format!("/v1/machines/{m2_id}")).await.ok();
    api.patch(
        &format!("/v1/machines/{m1_id}"),
        json!({"name": "billing-worker-2"}),
    )
    .await
    .ok();
    api.get(&format!("/v1/machines/{m1_id}/secret_key"))
        .await
        .ok();
    api.post(
        &format!("/v1/machines/{m1_id}/secret_key/rotate"),
        json!({"previous_token_ttl": 0}),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/machines/{m1_id}/scopes"),
        json!({"to_machine_id": m2_id}),
    )
    .await
    .ok();
    api.delete(&format!("/v1/machines/{m1_id}/scopes/{m2_id}"))
        .await
        .ok();
    api.delete(&format!("/v1/machines/{m1_id}")).await.ok();

    // Permissions and roles
    let perm = api
        .post("/v1/organization_permissions", json!({"name": "Read invoices", "key": "org:invoices:read", "description": "Can read invoices"}))
        .await
        .ok();
    let perm_id = id(&perm);
    api.get("/v1/organization_permissions").await.ok();
    api.get(&format!("/v1/organization_permissions/{perm_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/organization_permissions/{perm_id}"),
        json!({"name": "Read all invoices"}),
    )
    .await
    .ok();
    let role = api
        .post("/v1/organization_roles", json!({"name": "Billing", "key": "org:billing", "description": "Billing team", "permissions": ["org:sys_memberships:read"]}))
        .await
        .ok();
    let role_id = id(&role);
    api.get("/v1/organization_roles").await.ok();
    api.get(&format!("/v1/organization_roles/{role_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/organization_roles/{role_id}"),
        json!({"description": "The billing team"}),
    )
    .await
    .ok();
    api.post_empty(&format!(
        "/v1/organization_roles/{role_id}/permissions/{perm_id}"
    ))
    .await
    .ok();
    api.delete(&format!(
        "/v1/organization_roles/{role_id}/permissions/{perm_id}"
    ))
    .await
    .ok();

    // Role sets
    let rs = api
        .post("/v1/role_sets", json!({"name": "Default", "key": "role_set:default", "roles": ["org:admin", "org:member"], "default_role_key": "org:member", "creator_role_key": "org:admin"}))
        .await
        .ok();
    let rs2 = api
        .post("/v1/role_sets", json!({"name": "Other", "roles": ["org:admin", "org:member"], "default_role_key": "org:member", "creator_role_key": "org:admin"}))
        .await
        .ok();
    api.get("/v1/role_sets").await.ok();
    api.get("/v1/role_sets/role_set:default").await.ok();
    api.get(&format!("/v1/role_sets/{}", id(&rs))).await.ok();
    api.patch(
        "/v1/role_sets/role_set:default",
        json!({"description": "The default set"}),
    )
    .await
    .ok();
    api.post(
        "/v1/role_sets/role_set:default/roles",
        json!({"role_keys": ["org:billing"]}),
    )
    .await
    .ok();
    api.post(
        "/v1/role_sets/role_set:default/roles/replace",
        json!({"role_key": "org:billing", "to_role_key": "org:clerk_mcp_reader"}),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/role_sets/{}/replace", id(&rs2)),
        json!({"dest_role_set_key": "role_set:default"}),
    )
    .await
    .ok();
    api.delete(&format!("/v1/organization_roles/{role_id}"))
        .await
        .ok();
    api.delete(&format!("/v1/organization_permissions/{perm_id}"))
        .await
        .ok();

    // Organization domains
    let od = api
        .post(&format!("/v1/organizations/{org_id}/domains"), json!({"name": "acme.example.com", "enrollment_mode": "automatic_invitation", "verified": true}))
        .await
        .ok();
    let od_id = id(&od);
    api.get(&format!("/v1/organizations/{org_id}/domains"))
        .await
        .ok();
    api.get(&format!(
        "/v1/organization_domains?organization_id={org_id}"
    ))
    .await
    .ok();
    api.patch(
        &format!("/v1/organizations/{org_id}/domains/{od_id}"),
        json!({"enrollment_mode": "automatic_suggestion"}),
    )
    .await
    .ok();
    api.post_empty(&format!(
        "/v1/organizations/{org_id}/domains/{od_id}/verify_ownership"
    ))
    .await
    .ok();
    api.delete(&format!("/v1/organizations/{org_id}/domains/{od_id}"))
        .await
        .ok();

    // Enterprise connections, test runs
    let ec = api
        .post("/v1/enterprise_connections", json!({"name": "Okta", "provider": "saml_okta", "domains": ["corp.example.com"], "organization_id": org_id}))
        .await
        .ok_with(201);
    let ec_id = id(&ec);
    api.get("/v1/enterprise_connections").await.ok();
    api.get(&format!("/v1/enterprise_connections/{ec_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/enterprise_connections/{ec_id}"),
        json!({"active": true, "sync_user_attributes": true}),
    )
    .await
    .ok();
    api.post_empty(&format!("/v1/enterprise_connections/{ec_id}/test_runs"))
        .await
        .ok();
    api.get(&format!("/v1/enterprise_connections/{ec_id}/test_runs"))
        .await
        .ok();

    // SAML connections
    let saml = api
        .post("/v1/saml_connections", json!({"name": "Okta SAML", "provider": "saml_okta", "domains": ["saml.example.com"], "idp_entity_id": "http://www.okta.com/exk", "idp_sso_url": "https://acme.okta.com/app/sso/saml"}))
        .await
        .ok();
    let saml_id = id(&saml);
    api.get("/v1/saml_connections").await.ok();
    api.get(&format!("/v1/saml_connections/{saml_id}"))
        .await
        .ok();
    api.patch(
        &format!("/v1/saml_connections/{saml_id}"),
        json!({"active": true, "force_authn": true}),
    )
    .await
    .ok();
    api.delete(&format!("/v1/saml_connections/{saml_id}"))
        .await
        .ok();

    // Directories and SCIM directories
    for (base, group_key) in [
        ("/v1/directories", "directory_group_id"),
        ("/v1/scim_directories", "scim_group_id"),
    ] {
        let dir = api
            .post(
                base,
                json!({"enterprise_connection_id": ec_id, "provider": "okta", "name": "Okta SCIM"}),
            )
            .await
            .ok();
        let dir_id = id(&dir);
        api.get(base).await.ok();
        api.get(&format!("{base}/{dir_id}")).await.ok();
        api.patch(
            &format!("{base}/{dir_id}"),
            json!({"enabled": false, "name": "Okta"}),
        )
        .await
        .ok();
        api.post_empty(&format!("{base}/{dir_id}/rotate_api_key"))
            .await
            .ok();
        let mut body = json!({"role_id": "org:member", "precedence": 1});
        body[group_key] = json!("grp_engineering");
        if group_key == "directory_group_id" {
            body["scim_group_id"] = json!("grp_engineering");
        }
        let m = api
            .post(&format!("{base}/{dir_id}/group_role_mappings"), body)
            .await
            .ok();
        api.get(&format!("{base}/{dir_id}/group_role_mappings"))
            .await
            .ok();
        api.delete(&format!("{base}/{dir_id}/group_role_mappings/{}", id(&m)))
            .await
            .ok();
        let mut mapping = json!({"role_id": "org:admin", "precedence": 2});
        mapping[if group_key == "directory_group_id" {
            "scim_group_id"
        } else {
            group_key
        }] = json!("grp_admins");
        api.put(
            &format!("{base}/{dir_id}/group_role_mappings"),
            json!({"mappings": [mapping]}),
        )
        .await
        .ok();
        api.delete(&format!("{base}/{dir_id}")).await.ok();
    }
    api.delete(&format!("/v1/enterprise_connections/{ec_id}"))
        .await
        .ok();

    // Waitlist
    let w = api
        .post(
            "/v1/waitlist_entries",
            json!({"email_address": "early@example.com", "notify": false}),
        )
        .await
        .ok();
    api.post("/v1/waitlist_entries/bulk", json!([{"email_address": "bulk1@wait.example.com"}, {"email_address": "bulk2@wait.example.com"}]))
        .await
        .ok();
    let listed = api.get("/v1/waitlist_entries?status=pending").await.ok();
    let other = sid(&listed["data"][0], "id");
    api.get("/v1/waitlist_entries?query=bulk").await.ok();
    api.post(
        &format!("/v1/waitlist_entries/{}/invite", id(&w)),
        json!({"ignore_existing": false}),
    )
    .await
    .ok();
    api.post_empty(&format!("/v1/waitlist_entries/{other}/reject"))
        .await
        .ok();
    api.delete(&format!("/v1/waitlist_entries/{}", id(&w)))
        .await
        .ok();

    // Webhooks
    api.post_empty("/v1/webhooks/svix").await.ok();
    api.post_empty("/v1/webhooks/svix_url").await.ok();
    api.delete("/v1/webhooks/svix").await.ok_with(204);

    // Instance settings
    api.get("/v1/instance").await.ok();
    api.patch("/v1/instance", json!({"support_email": "help@example.com", "allowed_origins": ["https://app.example.com"]}))
        .await
        .ok_with(204);
    api.patch(
        "/v1/instance/restrictions",
        json!({"allowlist": true, "block_email_subaddresses": true}),
    )
    .await
    .ok();
    api.get("/v1/instance/communication").await.ok();
    api.patch(
        "/v1/instance/communication",
        json!({"blocked_country_codes": ["KP"]}),
    )
    .await
    .ok();
    api.get("/v1/instance/protect").await.ok();
    api.patch("/v1/instance/protect", json!({"rules_enabled": true}))
        .await
        .ok();
    api.get("/v1/instance/organization_settings").await.ok();
    api.patch(
        "/v1/instance/organization_settings",
        json!({"max_allowed_memberships": 10, "domains_enabled": true}),
    )
    .await
    .ok();
    api.get("/v1/instance/oauth_application_settings")
        .await
        .ok();
    api.patch(
        "/v1/instance/oauth_application_settings",
        json!({"oauth_jwt_access_tokens": true}),
    )
    .await
    .ok();

    // Billing
    let plans = api.get("/v1/billing/plans").await.ok();
    let plan_id = sid(&plans["data"][0], "id");
    let prices = api.get("/v1/billing/prices").await.ok();
    assert!(prices["total_count"].as_u64().unwrap() >= 2);
    let new_price = api
        .post(
            "/v1/billing/prices",
            json!({"plan_id": plan_id, "amount": 1500, "currency": "USD"}),
        )
        .await
        .ok();
    let items = api.get("/v1/billing/subscription_items").await.ok();
    let item = &items["data"][0];
    let item_id = sid(item, "id");
    let price_id = sid(item, "price_id");
    // Payer billing: the seeded paid subscriber, a user on the default plan, an organization.
    let subscriber = sid(&item["payer"], "user_id");
    for uid in [&subscriber, &other_user] {
        api.get(&format!("/v1/users/{uid}/billing/subscription"))
            .await
            .ok();
        api.get(&format!("/v1/users/{uid}/billing/credits"))
            .await
            .ok();
        api.post(
            &format!("/v1/users/{uid}/billing/credits"),
            json!({"amount": 500, "action": "increase", "idempotency_key": "k1", "note": "welcome"}),
        )
        .await
        .ok();
    }
    // The payer shown with the subscriber's items carries the balance just granted.
    let items = api.get("/v1/billing/subscription_items").await.ok();
    let payer = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["payer"])
        .find(|p| p["user_id"] == subscriber.as_str())
        .unwrap();
    let credits = api
        .get(&format!("/v1/users/{subscriber}/billing/credits"))
        .await
        .ok();
    assert_eq!(payer["credits_balance"], credits["balance"], "{payer}");
    assert_eq!(credits["balance"]["amount"], 500, "{credits}");
    api.get(&format!("/v1/organizations/{org_id}/billing/subscription"))
        .await
        .ok();
    api.post(
        &format!("/v1/organizations/{org_id}/billing/credits"),
        json!({"amount": 250, "action": "increase", "idempotency_key": "k1", "currency": "USD"}),
    )
    .await
    .ok();
    api.get(&format!("/v1/organizations/{org_id}/billing/credits"))
        .await
        .ok();
    api.post(
        &format!("/v1/organizations/{org_id}/billing/credits"),
        json!({"amount": 1000, "action": "decrease", "idempotency_key": "k2"}),
    )
    .await
    .expect_error(422, "insufficient_credit_balance");
    api.get("/v1/users/user_missing/billing/credits")
        .await
        .expect_error(404, "resource_not_found");
    api.post(
        &format!("/v1/billing/subscription_items/{item_id}/extend_free_trial"),
        json!({"extend_to": "2099-01-01T00:00:00Z"}),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/billing/subscription_items/{item_id}/price_transition"),
        json!({"from_price_id": price_id, "to_price_id": id(&new_price)}),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/billing/subscription_items/{item_id}/discounts"),
        json!({"discount_id": "disc_launch"}),
    )
    .await
    .ok();
    api.delete(&format!(
        "/v1/billing/subscription_items/{item_id}/discounts/disc_launch"
    ))
    .await
    .ok();
    api.delete(&format!("/v1/billing/subscription_items/{item_id}"))
        .await
        .ok();
    let statements = api.get("/v1/billing/statements").await.ok();
    let stmt = sid(&statements["data"][0], "id");
    api.get(&format!("/v1/billing/statements/{stmt}"))
        .await
        .ok();
    api.get(&format!("/v1/billing/statements/{stmt}/payment_attempts"))
        .await
        .ok();

    // Agent tasks, admin portal link tokens
    let task = api
        .post("/v1/agents/tasks", json!({"on_behalf_of": {"user_id": user_id}, "permissions": "*", "agent_name": "helper", "task_description": "file a report", "redirect_url": "https://app.example.com/done"}))
        .await
        .ok();
    api.post_empty(&format!(
        "/v1/agents/tasks/{}/revoke",
        sid(&task, "agent_task_id")
    ))
    .await
    .ok();
    let link = api
        .post(
            "/v1/admin_portal_link_tokens",
            json!({"organization_id": org_id, "seconds_until_expiration": 600}),
        )
        .await
        .ok_with(201);
    api.post(
        &format!("/v1/admin_portal_link_tokens/{}/revoke", id(&link)),
        json!({"revocation_reason": "done"}),
    )
    .await
    .ok();

    // Session tokens
    let sessions = api.get("/v1/sessions?status=active&limit=1").await.ok();
    let sess = sid(&sessions[0], "id");
    let token = api
        .post_empty(&format!("/v1/sessions/{sess}/tokens"))
        .await
        .ok();
    let refresh = format!("/v1/sessions/{sess}/refresh");
    for format in ["token", "cookie"] {
        api.post(
            &refresh,
            json!({"expired_token": token["jwt"], "refresh_token": "rt", "request_origin": "http://localhost:3000", "format": format}),
        )
        .await
        .ok();
    }
    api.post(
        &refresh,
        json!({"expired_token": "not.a.jwt", "refresh_token": "rt", "request_origin": "http://localhost:3000"}),
    )
    .await
    .expect_error(401, "authentication_invalid");
    api.post(
        &refresh,
        json!({"refresh_token": "rt", "request_origin": "x"}),
    )
    .await
    .expect_error(400, "form_param_missing");
    api.post(
        "/v1/jwt_templates",
        json!({"name": "fidelity", "claims": {"email": "{{user.primary_email_address}}"}}),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/sessions/{sess}/tokens/fidelity"),
        json!({"expires_in_seconds": 120}),
    )
    .await
    .ok();

    // Sign-ups and clients
    let st = api.emulator.snapshot();
    let sign_up = st.records["sign_ups"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    api.get(&format!("/v1/sign_ups/{sign_up}")).await.ok();
    api.patch(
        &format!("/v1/sign_ups/{sign_up}"),
        json!({"external_id": "ext-signup", "custom_action": true}),
    )
    .await
    .ok();
    let clients = api.get("/v1/clients").await.ok();
    let client = sid(&clients[0], "id");
    api.get(&format!("/v1/clients/{client}")).await.ok();
    api.post("/v1/clients/verify", json!({"token": client}))
        .await
        .ok();

    // API keys and M2M tokens: the rest of their operations
    let key = api
        .post(
            "/v1/api_keys",
            json!({"name": "store-fidelity", "subject": user_id}),
        )
        .await
        .ok();
    let key_id = id(&key);
    api.get(&format!("/v1/api_keys?subject={user_id}"))
        .await
        .ok();
    api.get(&format!("/v1/api_keys/{key_id}")).await.ok();
    api.get(&format!("/v1/api_keys/{key_id}/secret")).await.ok();
    api.patch(
        &format!("/v1/api_keys/{key_id}"),
        json!({"description": "updated", "scopes": ["read"]}),
    )
    .await
    .ok();
    api.post(&format!("/v1/api_keys/{key_id}/revoke"), json!({}))
        .await
        .ok();
    api.post("/v1/api_keys/verify", json!({"secret": key["secret"]}))
        .await
        .ok();
    api.delete(&format!("/v1/api_keys/{key_id}")).await.ok();
    let machine = api
        .post("/v1/machines", json!({"name": "m2m-owner"}))
        .await
        .ok();
    let m2m = api
        .post("/v1/m2m_tokens", json!({"subject": id(&machine)}))
        .await
        .ok_with(201);
    api.get(&format!("/v1/m2m_tokens?subject={}", id(&machine)))
        .await
        .ok();
    api.post("/v1/m2m_tokens/verify", json!({"token": m2m["token"]}))
        .await
        .ok();
    api.post(&format!("/v1/m2m_tokens/{}/revoke", id(&m2m)), json!({}))
        .await
        .ok();
    api.get("/v1/jwks").await.ok();

    // Beta features, the instance's domain
    api.patch(
        "/v1/beta_features/instance_settings",
        json!({"restricted_to_allowlist": true, "from_email_address": "hello", "progressive_sign_up": false, "test_mode": true}),
    )
    .await
    .ok();
    api.patch(
        "/v1/beta_features/instance_settings",
        json!({"from_email_address": "hello@example.com"}),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    api.post(
        "/v1/instance/change_domain",
        json!({"home_url": "https://www.acme.dev"}),
    )
    .await
    .ok_with(202);
    api.put(
        "/v1/beta_features/domain",
        json!({"home_url": "https://acme.io/", "is_secondary": false}),
    )
    .await
    .ok_with(202);
    api.put("/v1/beta_features/domain", json!({"home_url": "not a url"}))
        .await
        .expect_error(422, "form_param_format_invalid");

    // Error bodies of the store are Clerk's too.
    api.get("/v1/jwt_templates/jtmpl_missing")
        .await
        .expect_error(404, "resource_not_found");
    api.post("/v1/jwt_templates", json!({"name": "x"}))
        .await
        .expect_error(422, "form_param_missing");
    api.post("/v1/redirect_urls", json!({"url": 5}))
        .await
        .expect_error(422, "form_param_value_invalid");

    let seen = Spec::get().seen.lock().unwrap().clone();
    let missing: Vec<&&str> = STORE_IMPLEMENTED
        .iter()
        .filter(|op| {
            !seen
                .get(**op)
                .is_some_and(|s| s.iter().any(|c| (200..300).contains(c)))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "never answered with success: {missing:?}"
    );
    api.emulator.shutdown().await;
}

/// `src/resources/shapes.json` (generated by `tests/gen_shapes.py`) agrees with the vendored
/// spec: every operation exists there, with the success status the store answers.
#[test]
fn store_shapes_match_the_spec() {
    let shapes: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/resources/shapes.json"
    )))
    .expect("shapes.json");
    let shapes = shapes.as_object().expect("object");
    assert!(shapes.len() > 100, "{} operations", shapes.len());
    for (key, shape) in shapes {
        let (method, template) = key.split_once(' ').expect("METHOD /path");
        let statuses = Spec::get()
            .statuses(method, template)
            .unwrap_or_else(|| panic!("{key} is not in the spec"));
        let status = shape["status"].as_u64().expect("status").to_string();
        assert!(
            statuses.contains(&status),
            "{key}: {status} not in {statuses:?}"
        );
    }
    for op in STORE_IMPLEMENTED {
        let (method, template) = op.split_once(' ').expect("METHOD /path");
        assert!(
            Spec::get().statuses(method, template).is_some(),
            "{op} is not in the spec"
        );
    }
}
