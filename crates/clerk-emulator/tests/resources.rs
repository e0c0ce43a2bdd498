//! Behaviour of the generic resource store: stateful cycles (create → get → list → update →
//! delete → 404), secrets that rotate, tokens that stay revoked, Clerk's validation errors.
//! Every response read through `Api` is also validated against the spec.

mod common;

use common::Api;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(s.as_bytes()))
}

#[tokio::test]
async fn jwt_template_lifecycle() {
    let api = Api::empty().await;
    let t = api
        .post(
            "/v1/jwt_templates",
            json!({ "name": "supabase", "claims": { "aud": "authenticated", "role": "{{user.public_metadata.role}}" } }),
        )
        .await
        .ok();
    let id = s(&t["id"]);
    assert!(id.starts_with("jtmpl_"), "{id}");
    assert_eq!(t["object"], "jwt_template");
    assert_eq!(t["lifetime"], 60, "Clerk's default lifetime");
    assert_eq!(t["allowed_clock_skew"], 5);
    assert_eq!(t["signing_algorithm"], "RS256");
    assert_eq!(t["custom_signing_key"], false);

    let got = api.get(&format!("/v1/jwt_templates/{id}")).await.ok();
    assert_eq!(got, t, "a read answers what the create did");
    let list = api.get("/v1/jwt_templates").await.ok();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "a bare array, as the spec says"
    );
    assert_eq!(list[0]["id"], json!(id));

    let updated = api
        .patch(
            &format!("/v1/jwt_templates/{id}"),
            json!({ "name": "supabase-v2", "claims": { "aud": "x" }, "lifetime": 300 }),
        )
        .await
        .ok();
    assert_eq!(updated["name"], "supabase-v2");
    assert_eq!(updated["lifetime"], 300);
    assert_eq!(updated["claims"], json!({ "aud": "x" }));
    assert_eq!(
        api.get(&format!("/v1/jwt_templates/{id}")).await.ok()["name"],
        "supabase-v2"
    );

    // Validation: duplicates, missing fields, wrong types, bad values, non-JSON bodies.
    let r = api
        .post(
            "/v1/jwt_templates",
            json!({ "name": "SUPABASE-v2", "claims": {} }),
        )
        .await;
    r.expect_error(422, "form_identifier_exists");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "name");
    let r = api
        .post("/v1/jwt_templates", json!({ "name": "no-claims" }))
        .await;
    r.expect_error(422, "form_param_missing");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "claims");
    assert_eq!(
        r.body["errors"][0]["long_message"],
        "claims must be included."
    );
    let r = api
        .post(
            "/v1/jwt_templates",
            json!({ "name": "typed", "claims": {}, "lifetime": "long" }),
        )
        .await;
    r.expect_error(422, "form_param_value_invalid");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "lifetime");
    api.post(
        "/v1/jwt_templates",
        json!({ "name": "short", "claims": {}, "lifetime": 5 }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post(
        "/v1/jwt_templates",
        json!({ "name": "reserved", "claims": { "iss": "me" } }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post(
        "/v1/jwt_templates",
        json!({ "name": "unknown", "claims": {}, "colour": "red" }),
    )
    .await
    .expect_error(422, "form_param_unknown");
    let (status, body) = api.post_text("/v1/jwt_templates", "{not json").await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "request_body_invalid");
    assert_eq!(
        api.get("/v1/jwt_templates")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let del = api.delete(&format!("/v1/jwt_templates/{id}")).await.ok();
    assert_eq!(
        del,
        json!({ "id": id, "object": "jwt_template", "deleted": true })
    );
    for r in [
        api.get(&format!("/v1/jwt_templates/{id}")).await,
        api.patch(
            &format!("/v1/jwt_templates/{id}"),
            json!({ "name": "x", "claims": {} }),
        )
        .await,
        api.delete(&format!("/v1/jwt_templates/{id}")).await,
    ] {
        r.expect_error(404, "resource_not_found");
    }
    assert_eq!(api.get("/v1/jwt_templates").await.ok(), json!([]));
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn oauth_application_secret_is_shown_once_and_rotates() {
    let api = Api::empty().await;
    let app = api
        .post(
            "/v1/oauth_applications",
            json!({ "name": "Acme", "redirect_uris": ["https://acme.example.com/cb"] }),
        )
        .await
        .ok();
    let id = s(&app["id"]);
    let client_id = s(&app["client_id"]);
    let first = s(&app["client_secret"]);
    assert!(!first.is_empty());
    assert_eq!(app["callback_url"], "https://acme.example.com/cb");

    let got = api.get(&format!("/v1/oauth_applications/{id}")).await.ok();
    assert!(
        got.get("client_secret").is_none(),
        "a read never shows the secret"
    );
    let list = api.get("/v1/oauth_applications").await.ok();
    assert_eq!(list["total_count"], 1);
    assert!(list["data"][0].get("client_secret").is_none());
    // The authorization server knows the application, with the secret's hash only.
    let st = api.emulator.snapshot();
    assert_eq!(
        st.oauth_clients[&client_id].secret_hash.as_deref(),
        Some(sha256_hex(&first).as_str())
    );
    assert!(
        !serde_json::to_string(&st).unwrap().contains(&first),
        "the state never holds the secret in clear"
    );

    let rotated = api
        .post_empty(&format!("/v1/oauth_applications/{id}/rotate_secret"))
        .await
        .ok();
    let second = s(&rotated["client_secret"]);
    assert_ne!(first, second, "rotating changes the secret");
    assert_eq!(
        rotated["client_id"],
        json!(client_id),
        "the client id stays"
    );
    let st = api.emulator.snapshot();
    assert_eq!(
        st.oauth_clients[&client_id].secret_hash.as_deref(),
        Some(sha256_hex(&second).as_str())
    );

    let renamed = api
        .patch(
            &format!("/v1/oauth_applications/{id}"),
            json!({ "name": "Acme 2", "public": true }),
        )
        .await
        .ok();
    assert_eq!(renamed["name"], "Acme 2");
    assert_eq!(
        api.emulator.snapshot().oauth_clients[&client_id].token_endpoint_auth_method,
        "none"
    );
    api.post(
        "/v1/oauth_applications",
        json!({ "name": "Bad", "redirect_uris": ["not a uri"] }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    api.post(
        &format!("/v1/oauth_applications/{id}/revoke_token"),
        json!({}),
    )
    .await
    .expect_error(422, "form_param_missing");
    api.delete(&format!("/v1/oauth_applications/{id}"))
        .await
        .ok();
    assert!(
        !api.emulator
            .snapshot()
            .oauth_clients
            .contains_key(&client_id)
    );
    api.post_empty(&format!("/v1/oauth_applications/{id}/rotate_secret"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn tokens_stay_revoked() {
    let api = Api::empty().await;
    let uid = api.user("Ada", "Actor").await;
    let admin = api.user("Root", "Admin").await;
    let act = api
        .post(
            "/v1/actor_tokens",
            json!({ "user_id": uid, "actor": { "sub": admin } }),
        )
        .await
        .ok();
    assert!(s(&act["id"]).starts_with("act_"));
    assert_eq!(act["status"], "pending");
    assert!(s(&act["url"]).contains(&s(&act["token"])));
    let revoked = api
        .post_empty(&format!("/v1/actor_tokens/{}/revoke", s(&act["id"])))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    let again = api
        .post_empty(&format!("/v1/actor_tokens/{}/revoke", s(&act["id"])))
        .await;
    again.expect_error(400, "actor_token_not_pending");
    api.post(
        "/v1/actor_tokens",
        json!({ "user_id": "user_missing", "actor": { "sub": admin } }),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.post(
        "/v1/actor_tokens",
        json!({ "user_id": uid, "actor": { "name": "no sub" } }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post("/v1/actor_tokens", json!({ "user_id": uid }))
        .await
        .expect_error(422, "form_param_missing");

    let sit = api
        .post("/v1/sign_in_tokens", json!({ "user_id": uid }))
        .await
        .ok();
    assert!(s(&sit["id"]).starts_with("sit_"));
    let id = s(&sit["id"]);
    assert_eq!(
        api.post_empty(&format!("/v1/sign_in_tokens/{id}/revoke"))
            .await
            .ok()["status"],
        "revoked"
    );
    api.post_empty(&format!("/v1/sign_in_tokens/{id}/revoke"))
        .await
        .expect_error(400, "sign_in_token_not_pending");
    api.post_empty("/v1/sign_in_tokens/sit_missing/revoke")
        .await
        .expect_error(404, "resource_not_found");

    let key = api
        .post("/v1/api_keys", json!({ "name": "cycle", "subject": uid }))
        .await
        .ok();
    let key_id = s(&key["id"]);
    assert_eq!(
        api.get(&format!("/v1/api_keys/{key_id}/secret")).await.ok()["secret"],
        key["secret"]
    );
    assert!(
        api.get(&format!("/v1/api_keys/{key_id}"))
            .await
            .ok()
            .get("secret")
            .is_none()
    );
    api.post(&format!("/v1/api_keys/{key_id}/revoke"), json!({}))
        .await
        .ok();
    let listed = api.get(&format!("/v1/api_keys?subject={uid}")).await.ok();
    assert_eq!(listed["total_count"], 0, "revoked keys are invalid");
    let listed = api
        .get(&format!("/v1/api_keys?subject={uid}&include_invalid=true"))
        .await
        .ok();
    assert_eq!(listed["data"][0]["revoked"], true);
    api.get("/v1/api_keys")
        .await
        .expect_error(422, "form_param_missing");
    api.delete(&format!("/v1/api_keys/{key_id}")).await.ok();
    api.get(&format!("/v1/api_keys/{key_id}"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn identifiers_domains_and_redirect_urls() {
    let api = Api::empty().await;
    let a = api
        .post(
            "/v1/allowlist_identifiers",
            json!({ "identifier": "Alice@Example.com" }),
        )
        .await
        .ok();
    assert_eq!(a["identifier"], "alice@example.com");
    assert_eq!(a["identifier_type"], "email_address");
    assert!(s(&a["id"]).starts_with("alid_"));
    api.post(
        "/v1/allowlist_identifiers",
        json!({ "identifier": "alice@example.com" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post(
        "/v1/allowlist_identifiers",
        json!({ "identifier": "not an identifier" }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    let phone = api
        .post(
            "/v1/blocklist_identifiers",
            json!({ "identifier": "+15550001234" }),
        )
        .await
        .ok();
    assert_eq!(phone["identifier_type"], "phone_number");
    assert!(s(&phone["id"]).starts_with("blid_"));
    assert_eq!(
        api.get("/v1/blocklist_identifiers").await.ok()["total_count"],
        1
    );
    api.delete(&format!("/v1/allowlist_identifiers/{}", s(&a["id"])))
        .await
        .ok();
    api.delete(&format!("/v1/allowlist_identifiers/{}", s(&a["id"])))
        .await
        .expect_error(404, "resource_not_found");
    assert_eq!(api.get("/v1/allowlist_identifiers").await.ok(), json!([]));

    let d = api
        .post(
            "/v1/domains",
            json!({ "name": "sat.example.com", "is_satellite": true }),
        )
        .await
        .ok();
    assert_eq!(d["frontend_api_url"], "https://clerk.sat.example.com");
    api.post(
        "/v1/domains",
        json!({ "name": "primary2.example.com", "is_satellite": false }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post(
        "/v1/domains",
        json!({ "name": "sat.example.com", "is_satellite": true }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post("/v1/domains", json!({ "name": "x.example.com" }))
        .await
        .expect_error(422, "form_param_missing");
    let renamed = api
        .patch(
            &format!("/v1/domains/{}", s(&d["id"])),
            json!({ "name": "sat2.example.com" }),
        )
        .await
        .ok();
    assert_eq!(
        renamed["frontend_api_url"],
        "https://clerk.sat2.example.com"
    );
    assert_eq!(
        api.get("/v1/domains").await.ok()["data"][0]["name"],
        "sat2.example.com"
    );
    api.post(
        "/v1/proxy_checks",
        json!({ "domain_id": s(&d["id"]), "proxy_url": "https://elsewhere.com/p" }),
    )
    .await
    .expect_error(400, "proxy_request_invalid");
    api.delete(&format!("/v1/domains/{}", s(&d["id"])))
        .await
        .ok();
    assert_eq!(api.get("/v1/domains").await.ok()["total_count"], 0);

    let r = api
        .post("/v1/redirect_urls", json!({ "url": "myapp://callback" }))
        .await
        .ok();
    assert!(s(&r["id"]).starts_with("ru_"));
    api.post("/v1/redirect_urls", json!({ "url": "myapp://callback" }))
        .await
        .expect_error(422, "form_identifier_exists");
    api.post("/v1/redirect_urls", json!({ "url": "nope" }))
        .await
        .expect_error(422, "form_param_format_invalid");
    assert_eq!(
        api.get(&format!("/v1/redirect_urls/{}", s(&r["id"])))
            .await
            .ok()["url"],
        "myapp://callback"
    );
    api.delete(&format!("/v1/redirect_urls/{}", s(&r["id"])))
        .await
        .ok();
    api.get(&format!("/v1/redirect_urls/{}", s(&r["id"])))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn machines_scopes_and_secret_keys() {
    let api = Api::empty().await;
    let a = api.post("/v1/machines", json!({ "name": "a" })).await.ok();
    let a_id = s(&a["id"]);
    let first_secret = s(&a["secret_key"]);
    let b = api
        .post(
            "/v1/machines",
            json!({ "name": "b", "scoped_machines": [a_id] }),
        )
        .await
        .ok();
    let b_id = s(&b["id"]);
    assert_eq!(b["scoped_machines"][0]["id"], json!(a_id));
    assert!(
        api.get(&format!("/v1/machines/{a_id}"))
            .await
            .ok()
            .get("secret_key")
            .is_none()
    );
    assert_eq!(
        api.get(&format!("/v1/machines/{a_id}/secret_key"))
            .await
            .ok()["secret"],
        json!(first_secret)
    );
    let rotated = api
        .post(
            &format!("/v1/machines/{a_id}/secret_key/rotate"),
            json!({ "previous_token_ttl": 60 }),
        )
        .await
        .ok();
    assert_ne!(s(&rotated["secret"]), first_secret);
    assert_eq!(
        api.get(&format!("/v1/machines/{a_id}/secret_key"))
            .await
            .ok()["secret"],
        rotated["secret"]
    );
    api.post(&format!("/v1/machines/{a_id}/secret_key/rotate"), json!({}))
        .await
        .expect_error(422, "form_param_missing");
    api.post("/v1/machines", json!({ "name": "a" }))
        .await
        .expect_error(422, "form_identifier_exists");
    api.post(
        &format!("/v1/machines/{a_id}/scopes"),
        json!({ "to_machine_id": b_id }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/machines/{a_id}/scopes"),
        json!({ "to_machine_id": b_id }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    assert_eq!(
        api.get(&format!("/v1/machines/{a_id}")).await.ok()["scoped_machines"][0]["id"],
        json!(b_id)
    );
    api.delete(&format!("/v1/machines/{a_id}/scopes/{b_id}"))
        .await
        .ok();
    api.delete(&format!("/v1/machines/{a_id}/scopes/{b_id}"))
        .await
        .expect_error(404, "resource_not_found");
    // Deleting a machine drops it from the scopes of the others.
    api.delete(&format!("/v1/machines/{a_id}")).await.ok();
    assert_eq!(
        api.get(&format!("/v1/machines/{b_id}")).await.ok()["scoped_machines"],
        json!([])
    );
    assert_eq!(api.get("/v1/machines").await.ok()["total_count"], 1);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn roles_permissions_and_role_sets() {
    let api = Api::empty().await;
    let perm = api
        .post(
            "/v1/organization_permissions",
            json!({ "name": "Read invoices", "key": "org:invoices:read" }),
        )
        .await
        .ok();
    let perm_id = s(&perm["id"]);
    assert_eq!(perm["type"], "user");
    api.post(
        "/v1/organization_permissions",
        json!({ "name": "Bad", "key": "invoices" }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    api.post(
        "/v1/organization_permissions",
        json!({ "name": "Dup", "key": "org:invoices:read" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    let role = api
        .post("/v1/organization_roles", json!({ "name": "Billing", "key": "org:billing", "permissions": ["org:sys_memberships:read"] }))
        .await
        .ok();
    let role_id = s(&role["id"]);
    assert_eq!(role["permissions"][0]["key"], "org:sys_memberships:read");
    let with = api
        .post_empty(&format!(
            "/v1/organization_roles/{role_id}/permissions/{perm_id}"
        ))
        .await
        .ok();
    assert_eq!(with["permissions"].as_array().unwrap().len(), 2);
    api.post_empty(&format!(
        "/v1/organization_roles/{role_id}/permissions/{perm_id}"
    ))
    .await
    .expect_error(400, "permission_already_assigned");
    let without = api
        .delete(&format!(
            "/v1/organization_roles/{role_id}/permissions/{perm_id}"
        ))
        .await
        .ok();
    assert_eq!(without["permissions"].as_array().unwrap().len(), 1);
    // A created role can be given to members.
    let uid = api.user("Bill", "Ing").await;
    let org = api.org("Acme", "acme", None).await;
    let m = api
        .post(
            &format!("/v1/organizations/{org}/memberships"),
            json!({ "user_id": uid, "role": "org:billing" }),
        )
        .await
        .ok();
    assert_eq!(m["role"], "org:billing");
    assert_eq!(m["role_name"], "Billing", "the created role's name");
    assert_eq!(m["permissions"], json!(["org:sys_memberships:read"]));

    let set = api
        .post("/v1/role_sets", json!({ "name": "Main", "key": "role_set:main", "roles": ["org:admin", "org:member"], "default_role_key": "org:member", "creator_role_key": "org:admin" }))
        .await
        .ok();
    assert_eq!(set["default_role"]["key"], "org:member");
    assert_eq!(set["creator_role"]["key"], "org:admin");
    api.post("/v1/role_sets", json!({ "name": "Bad", "roles": ["org:admin"], "default_role_key": "org:member", "creator_role_key": "org:admin" }))
        .await
        .expect_error(422, "form_param_value_invalid");
    let added = api
        .post(
            "/v1/role_sets/role_set:main/roles",
            json!({ "role_keys": ["org:billing"], "default_role_key": "org:billing" }),
        )
        .await
        .ok();
    assert_eq!(added["roles"].as_array().unwrap().len(), 3);
    assert_eq!(added["default_role"]["key"], "org:billing");
    let replaced = api
        .post(
            "/v1/role_sets/role_set:main/roles/replace",
            json!({ "role_key": "org:billing", "to_role_key": "org:clerk_mcp_reader" }),
        )
        .await
        .ok();
    assert_eq!(replaced["default_role"]["key"], "org:clerk_mcp_reader");
    assert_eq!(
        api.get(&format!("/v1/role_sets/{}", s(&set["id"])))
            .await
            .ok()["key"],
        "role_set:main"
    );
    api.delete(&format!("/v1/organization_permissions/{perm_id}"))
        .await
        .ok();
    api.get(&format!("/v1/organization_permissions/{perm_id}"))
        .await
        .expect_error(404, "resource_not_found");
    api.delete(&format!("/v1/organization_roles/{role_id}"))
        .await
        .ok();
    assert_eq!(
        api.get("/v1/organization_roles").await.ok()["total_count"],
        0
    );
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn organization_domains_enterprise_connections_and_directories() {
    let api = Api::empty().await;
    let org = api.org("Acme", "acme", None).await;
    let d = api
        .post(
            &format!("/v1/organizations/{org}/domains"),
            json!({ "name": "Acme.com", "enrollment_mode": "automatic_invitation" }),
        )
        .await
        .ok();
    let did = s(&d["id"]);
    assert_eq!(d["name"], "acme.com");
    assert_eq!(d["organization_id"], json!(org));
    assert_eq!(d["verification"]["status"], "unverified");
    api.post(
        &format!("/v1/organizations/{org}/domains"),
        json!({ "name": "acme.com", "enrollment_mode": "automatic_invitation" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post(
        &format!("/v1/organizations/{org}/domains"),
        json!({ "name": "other.com", "enrollment_mode": "whatever" }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    let v = api
        .post_empty(&format!(
            "/v1/organizations/acme/domains/{did}/verify_ownership"
        ))
        .await
        .ok();
    assert_eq!(v["ownership_verification"]["status"], "verified");
    let other = api.org("Globex", "globex", None).await;
    api.patch(
        &format!("/v1/organizations/{other}/domains/{did}"),
        json!({ "verified": true }),
    )
    .await
    .expect_error(404, "resource_not_found");
    assert_eq!(
        api.get("/v1/organization_domains").await.ok()["total_count"],
        1
    );
    assert_eq!(
        api.get(&format!("/v1/organization_domains?organization_id={other}"))
            .await
            .ok()["total_count"],
        0
    );
    api.delete(&format!("/v1/organizations/{org}/domains/{did}"))
        .await
        .ok();
    assert_eq!(
        api.get(&format!("/v1/organizations/{org}/domains"))
            .await
            .ok()["total_count"],
        0
    );
    // Deleting an organization deletes its domains.
    api.post(
        &format!("/v1/organizations/{other}/domains"),
        json!({ "name": "globex.com", "enrollment_mode": "manual_invitation" }),
    )
    .await
    .ok();
    api.delete(&format!("/v1/organizations/{other}")).await.ok();
    assert_eq!(
        api.get("/v1/organization_domains").await.ok()["total_count"],
        0
    );

    let ec = api
        .post(
            "/v1/enterprise_connections",
            json!({ "name": "Okta", "provider": "saml_okta", "domains": ["acme.com"] }),
        )
        .await
        .ok_with(201);
    let ec_id = s(&ec["id"]);
    api.post(
        "/v1/enterprise_connections",
        json!({ "name": "X", "provider": "carrier_pigeon", "domains": ["x.com"] }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    let run = api
        .post_empty(&format!("/v1/enterprise_connections/{ec_id}/test_runs"))
        .await
        .ok();
    assert!(s(&run["url"]).starts_with("https://"));
    let runs = api
        .get(&format!("/v1/enterprise_connections/{ec_id}/test_runs"))
        .await
        .ok();
    assert_eq!(runs["total_count"], 1);
    assert_eq!(runs["data"][0]["status"], "pending");

    let dir = api
        .post(
            "/v1/scim_directories",
            json!({ "enterprise_connection_id": ec_id, "provider": "okta" }),
        )
        .await
        .ok();
    let dir_id = s(&dir["id"]);
    let key = s(&dir["api_key"]);
    let rotated = api
        .post_empty(&format!("/v1/scim_directories/{dir_id}/rotate_api_key"))
        .await
        .ok();
    assert_ne!(s(&rotated["api_key"]), key);
    api.post(
        "/v1/scim_directories",
        json!({ "enterprise_connection_id": "ec_missing", "provider": "okta" }),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.post(
        &format!("/v1/scim_directories/{dir_id}/group_role_mappings"),
        json!({ "scim_group_id": "g1", "role_id": "org:admin" }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/scim_directories/{dir_id}/group_role_mappings"),
        json!({ "scim_group_id": "g2", "role_id": "org:nope" }),
    )
    .await
    .expect_error(404, "resource_not_found");
    let replaced = api
        .put(
            &format!("/v1/scim_directories/{dir_id}/group_role_mappings"),
            json!({ "mappings": [
            { "scim_group_id": "g2", "role_id": "org:member" },
            { "scim_group_id": "g3", "role_id": "org:admin", "precedence": 2 },
        ] }),
        )
        .await
        .ok();
    assert_eq!(replaced["total_count"], 2);
    let listed = api
        .get(&format!(
            "/v1/scim_directories/{dir_id}/group_role_mappings"
        ))
        .await
        .ok();
    assert_eq!(listed["total_count"], 2, "PUT replaced the first mapping");
    api.delete(&format!("/v1/scim_directories/{dir_id}"))
        .await
        .ok();
    api.get(&format!("/v1/scim_directories/{dir_id}"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn waitlist_webhooks_and_instance_settings() {
    let api = Api::empty().await;
    let w = api
        .post(
            "/v1/waitlist_entries",
            json!({ "email_address": "Early@Example.com" }),
        )
        .await
        .ok();
    let wid = s(&w["id"]);
    assert!(wid.starts_with("wle_"));
    assert_eq!(w["status"], "pending");
    api.post(
        "/v1/waitlist_entries",
        json!({ "email_address": "early@example.com" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post("/v1/waitlist_entries", json!({ "email_address": "nope" }))
        .await
        .expect_error(422, "form_param_format_invalid");
    let invited = api
        .post_empty(&format!("/v1/waitlist_entries/{wid}/invite"))
        .await
        .ok();
    assert_eq!(invited["status"], "invited");
    assert_eq!(invited["invitation"]["email_address"], "early@example.com");
    assert_eq!(
        api.get("/v1/invitations").await.ok()[0]["email_address"],
        "early@example.com",
        "inviting creates an application invitation"
    );
    api.post_empty(&format!("/v1/waitlist_entries/{wid}/invite"))
        .await
        .expect_error(400, "waitlist_entry_already_invited");
    let bulk = api
        .post(
            "/v1/waitlist_entries/bulk",
            json!([{ "email_address": "b1@example.com" }, { "email_address": "b2@example.com" }]),
        )
        .await
        .ok();
    let b1 = s(&bulk[0]["id"]);
    api.post_empty(&format!("/v1/waitlist_entries/{b1}/reject"))
        .await
        .ok();
    api.post_empty(&format!("/v1/waitlist_entries/{b1}/reject"))
        .await
        .expect_error(400, "waitlist_entry_already_rejected");
    assert_eq!(
        api.get("/v1/waitlist_entries?status=pending").await.ok()["total_count"],
        1
    );
    assert_eq!(api.get("/v1/waitlist_entries").await.ok()["total_count"], 3);
    api.delete(&format!("/v1/waitlist_entries/{wid}"))
        .await
        .ok();
    api.delete(&format!("/v1/waitlist_entries/{wid}"))
        .await
        .expect_error(404, "resource_not_found");

    api.post_empty("/v1/webhooks/svix_url")
        .await
        .expect_error(400, "svix_app_missing");
    let url = api.post_empty("/v1/webhooks/svix").await.ok();
    assert_eq!(api.post_empty("/v1/webhooks/svix_url").await.ok(), url);
    api.delete("/v1/webhooks/svix").await.ok_with(204);
    api.delete("/v1/webhooks/svix")
        .await
        .expect_error(400, "svix_app_missing");

    // Settings: a PATCH is read back.
    let before = api.get("/v1/instance/organization_settings").await.ok();
    assert_eq!(before["enabled"], true);
    api.patch(
        "/v1/instance/organization_settings",
        json!({ "max_allowed_memberships": 25, "creator_role_id": "org:member" }),
    )
    .await
    .ok();
    let after = api.get("/v1/instance/organization_settings").await.ok();
    assert_eq!(after["max_allowed_memberships"], 25);
    assert_eq!(after["creator_role"], "org:member");
    api.patch(
        "/v1/instance/organization_settings",
        json!({ "max_allowed_memberships": "many" }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.patch(
        "/v1/instance/communication",
        json!({ "blocked_country_codes": ["KP", "IR"] }),
    )
    .await
    .ok();
    assert_eq!(
        api.get("/v1/instance/communication").await.ok()["blocked_country_codes"],
        json!(["KP", "IR"])
    );
    // Turning HaveIBeenPwned off lets breached passwords through, as on Clerk.
    api.post(
        "/v1/users",
        json!({ "email_address": ["p1@example.com"], "password": "password123" }),
    )
    .await
    .expect_error(422, "form_password_pwned");
    api.patch("/v1/instance", json!({ "hibp": false }))
        .await
        .ok_with(204);
    api.post(
        "/v1/users",
        json!({ "email_address": ["p1@example.com"], "password": "password123" }),
    )
    .await
    .ok();
    api.patch("/v1/instance", json!({ "allowed_origins": ["nope"] }))
        .await
        .expect_error(422, "form_param_format_invalid");
    api.patch(
        "/v1/instance",
        json!({ "allowed_origins": ["https://app.example.com"] }),
    )
    .await
    .ok_with(204);
    assert_eq!(
        api.get("/v1/instance").await.ok()["allowed_origins"],
        json!(["https://app.example.com"])
    );
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn billing_writes_over_the_seeded_data() {
    let api = Api::demo().await;
    let items = api.get("/v1/billing/subscription_items").await.ok();
    let item = &items["data"][0];
    let item_id = s(&item["id"]);
    let plans = api.get("/v1/billing/plans").await.ok();
    assert_eq!(
        plans["total_count"], 3,
        "two user plans and a default organization plan"
    );
    let plan = s(&plans["data"][0]["id"]);
    api.post(
        "/v1/billing/prices",
        json!({ "plan_id": "cplan_missing", "amount": 100 }),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.post(
        "/v1/billing/prices",
        json!({ "plan_id": plan, "amount": -1 }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    let price = api
        .post(
            "/v1/billing/prices",
            json!({ "plan_id": plan, "amount": 999 }),
        )
        .await
        .ok();
    assert_eq!(price["fee"]["amount_formatted"], "9.99");
    api.post(
        &format!("/v1/billing/subscription_items/{item_id}/price_transition"),
        json!({ "from_price_id": "cprice_wrong", "to_price_id": s(&price["id"]) }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post(
        &format!("/v1/billing/subscription_items/{item_id}/extend_free_trial"),
        json!({ "extend_to": "2001-01-01T00:00:00Z" }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    let canceled = api
        .delete(&format!("/v1/billing/subscription_items/{item_id}"))
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    api.delete(&format!("/v1/billing/subscription_items/{item_id}"))
        .await
        .expect_error(400, "subscription_item_already_canceled");
    assert_eq!(
        api.get("/v1/billing/subscription_items").await.ok()["data"][0]["status"],
        "canceled"
    );
    api.get("/v1/billing/statements/cstmt_missing")
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn payer_credits_and_subscriptions_are_stateful() {
    let api = Api::demo().await;
    let items = api.get("/v1/billing/subscription_items").await.ok();
    let subscriber = s(&items["data"][0]["payer"]["user_id"]);
    let payer_id = s(&items["data"][0]["payer_id"]);
    let sub = api
        .get(&format!("/v1/users/{subscriber}/billing/subscription"))
        .await
        .ok();
    assert_eq!(sub["payer_id"], json!(payer_id));
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["subscription_items"][0]["id"], items["data"][0]["id"]);
    assert_eq!(sub["next_payment"]["amount"]["amount"], 2000);
    assert_eq!(sub["eligible_for_free_trial"], false);
    assert_eq!(
        api.get(&format!("/v1/users/{subscriber}/billing/subscription"))
            .await
            .ok()["id"],
        sub["id"],
        "one subscription per payer"
    );

    // A user without items is put on the default free plan, which the item list then shows.
    let free_user = api.user("Fay", "Free").await;
    let sub = api
        .get(&format!("/v1/users/{free_user}/billing/subscription"))
        .await
        .ok();
    let free_plan = api.get("/v1/billing/plans?payer_type=user").await.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["is_default"] == true)
        .cloned()
        .unwrap();
    assert_eq!(sub["subscription_items"][0]["plan_id"], free_plan["id"]);
    assert!(
        sub.get("next_payment").is_none(),
        "a free plan has no next payment"
    );
    assert_eq!(
        api.get("/v1/billing/subscription_items").await.ok()["total_count"],
        2
    );

    // Credits: a ledger with a balance; idempotent; no decrease below zero.
    let path = format!("/v1/users/{free_user}/billing/credits");
    assert_eq!(
        api.get(&path).await.ok()["balance"],
        Value::Null,
        "never had credits"
    );
    let grant = api
        .post(
            &path,
            json!({"amount": 1250, "action": "increase", "idempotency_key": "a"}),
        )
        .await
        .ok();
    assert_eq!(grant["object"], "commerce_credit_ledger");
    assert_eq!(grant["amount"]["amount_formatted"], "12.50");
    assert_eq!(grant["payer_id"], sub["payer_id"]);
    let again = api
        .post(
            &path,
            json!({"amount": 1250, "action": "increase", "idempotency_key": "a"}),
        )
        .await
        .ok();
    assert_eq!(again, grant, "a retry answers the original entry");
    api.post(
        &path,
        json!({"amount": 99, "action": "increase", "idempotency_key": "a"}),
    )
    .await
    .expect_error(409, "idempotency_key_conflict");
    let debit = api
        .post(
            &path,
            json!({"amount": 1000, "action": "decrease", "idempotency_key": "b", "note": "refund"}),
        )
        .await
        .ok();
    assert_eq!(debit["amount"]["amount"], -1000);
    assert_eq!(debit["amount"]["amount_formatted"], "-10.00");
    assert_eq!(debit["note"], "refund");
    api.post(
        &path,
        json!({"amount": 251, "action": "decrease", "idempotency_key": "c"}),
    )
    .await
    .expect_error(422, "insufficient_credit_balance");
    let balance = api.get(&path).await.ok();
    assert_eq!(balance["balance"]["amount"], 250);
    assert_eq!(balance["balance"]["amount_formatted"], "2.50");
    for bad in [
        json!({"amount": 0, "action": "increase", "idempotency_key": "d"}),
        json!({"amount": 5, "action": "double", "idempotency_key": "d"}),
        json!({"amount": 5, "action": "increase", "idempotency_key": "d", "currency": "EUR"}),
    ] {
        api.post(&path, bad)
            .await
            .expect_error(422, "form_param_value_invalid");
    }
    api.post(&path, json!({"amount": 5, "action": "increase"}))
        .await
        .expect_error(422, "form_param_missing");

    // Organizations: their own payer and balance, by id or slug; unknown ones are 404.
    let org = api.org("Billed", "billed", None).await;
    api.post(
        "/v1/organizations/billed/billing/credits",
        json!({"amount": 100, "action": "increase", "idempotency_key": "a"}),
    )
    .await
    .ok();
    let org_balance = api
        .get(&format!("/v1/organizations/{org}/billing/credits"))
        .await
        .ok();
    assert_eq!(org_balance["balance"]["amount"], 100);
    let org_sub = api
        .get(&format!("/v1/organizations/{org}/billing/subscription"))
        .await
        .ok();
    assert_ne!(org_sub["payer_id"], sub["payer_id"]);
    assert_eq!(org_sub["status"], "active");
    for p in [
        "/v1/organizations/org_missing/billing/credits",
        "/v1/organizations/org_missing/billing/subscription",
        "/v1/users/user_missing/billing/subscription",
    ] {
        api.get(p).await.expect_error(404, "resource_not_found");
    }
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn lists_filter_order_and_paginate() {
    let api = Api::empty().await;
    for name in ["beta", "alpha", "gamma"] {
        api.post("/v1/jwt_templates", json!({ "name": name, "claims": {} }))
            .await
            .ok();
    }
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| v["data"].as_array().unwrap())
            .iter()
            .map(|t| s(&t["name"]))
            .collect()
    };
    let newest_first = api.get("/v1/jwt_templates").await.ok();
    assert_eq!(names(&newest_first), ["gamma", "alpha", "beta"]);
    let by_name = api.get("/v1/jwt_templates?order_by=name").await.ok();
    assert_eq!(names(&by_name), ["alpha", "beta", "gamma"]);
    let desc = api
        .get("/v1/jwt_templates?order_by=-name&limit=2&offset=1")
        .await
        .ok();
    assert_eq!(names(&desc), ["beta", "alpha"]);
    let paged = api
        .get("/v1/jwt_templates?paginated=true&limit=1")
        .await
        .ok();
    assert_eq!(paged["total_count"], 3);
    assert_eq!(paged["data"].as_array().unwrap().len(), 1);
    api.get("/v1/jwt_templates?order_by=-shoe_size")
        .await
        .expect_error(422, "form_param_value_invalid");
    api.get("/v1/jwt_templates?limit=0")
        .await
        .expect_error(422, "form_param_value_invalid");

    for name in ["Mobile app", "CLI", "Mobile web"] {
        api.post("/v1/oauth_applications", json!({ "name": name }))
            .await
            .ok();
    }
    let mobile = api
        .get("/v1/oauth_applications?name_query=mobile")
        .await
        .ok();
    assert_eq!(mobile["total_count"], 2);

    let org = api.org("Acme", "acme", None).await;
    for (name, verified) in [("a.example.com", true), ("b.example.com", false)] {
        api.post(
            &format!("/v1/organizations/{org}/domains"),
            json!({ "name": name, "enrollment_mode": "manual_invitation", "verified": verified }),
        )
        .await
        .ok();
    }
    let verified = api
        .get(&format!("/v1/organizations/{org}/domains?verified=true"))
        .await
        .ok();
    assert_eq!(verified["total_count"], 1);
    assert_eq!(verified["data"][0]["name"], "a.example.com");
    let by_mode = api
        .get("/v1/organization_domains?enrollment_mode=manual_invitation&domains=b.example.com")
        .await
        .ok();
    assert_eq!(by_mode["total_count"], 1);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn agent_tasks_portal_links_sign_ups_and_clients() {
    let api = Api::demo().await;
    let users = api.get("/v1/users?limit=1").await.ok();
    let uid = s(&users[0]["id"]);
    let body = |user: &str| {
        json!({ "on_behalf_of": { "user_id": user }, "permissions": "*", "agent_name": "bot",
                "task_description": "triage", "redirect_url": "https://app.example.com/done" })
    };
    api.post("/v1/agents/tasks", body("user_missing"))
        .await
        .expect_error(404, "resource_not_found");
    let task = api.post("/v1/agents/tasks", body(&uid)).await.ok();
    let tid = s(&task["agent_task_id"]);
    api.post_empty(&format!("/v1/agents/tasks/{tid}/revoke"))
        .await
        .ok();
    api.post_empty(&format!("/v1/agents/tasks/{tid}/revoke"))
        .await
        .expect_error(400, "agent_task_already_revoked");

    let link = api
        .post(
            "/v1/admin_portal_link_tokens",
            json!({ "seconds_until_expiration": 60 }),
        )
        .await
        .ok_with(201);
    assert!(s(&link["token"]).starts_with("aplt_"));
    let lid = s(&link["id"]);
    let revoked = api
        .post(
            &format!("/v1/admin_portal_link_tokens/{lid}/revoke"),
            json!({}),
        )
        .await
        .ok();
    assert_eq!(revoked["revoked"], true);
    assert!(revoked.get("token").is_none(), "the token is shown once");
    api.post(
        &format!("/v1/admin_portal_link_tokens/{lid}/revoke"),
        json!({}),
    )
    .await
    .expect_error(400, "admin_portal_link_token_already_revoked");

    let sign_up = api.emulator.snapshot().records["sign_ups"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    api.patch(
        &format!("/v1/sign_ups/{sign_up}"),
        json!({ "external_id": "crm-7" }),
    )
    .await
    .ok();
    assert_eq!(
        api.get(&format!("/v1/sign_ups/{sign_up}")).await.ok()["external_id"],
        "crm-7"
    );
    api.get("/v1/sign_ups/sua_missing")
        .await
        .expect_error(404, "resource_not_found");

    let sess = api.get("/v1/sessions?limit=1").await.ok();
    let client = s(&sess[0]["client_id"]);
    let c = api.get(&format!("/v1/clients/{client}")).await.ok();
    assert!(
        c["session_ids"]
            .as_array()
            .unwrap()
            .contains(&sess[0]["id"])
    );
    api.post("/v1/clients/verify", json!({ "token": "nope" }))
        .await
        .expect_error(400, "client_token_invalid");
    api.get("/v1/clients/client_missing")
        .await
        .expect_error(404, "resource_not_found");
    let t = api.post_empty("/v1/testing_tokens").await.ok();
    assert!(t["expires_at"].as_i64().unwrap() > 0);
    api.emulator.shutdown().await;
}

/// Decode a JWT with the key the emulator publishes at `GET /v1/jwks`.
async fn verify_jwt(api: &Api, jwt: &str) -> Value {
    let jwks = api.get("/v1/jwks").await.ok();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .expect("the kid is published");
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.validate_aud = false;
    jsonwebtoken::decode::<Value>(jwt, &decoding, &v)
        .unwrap()
        .claims
}

#[tokio::test]
async fn session_tokens_and_jwt_templates() {
    let api = Api::empty().await;
    let uid = api.user("Tok", "En").await;
    let org = api.org("Acme", "acme", Some(&uid)).await;
    api.patch(
        &format!("/v1/users/{uid}/metadata"),
        json!({ "public_metadata": { "role": "editor" } }),
    )
    .await
    .ok();
    let sess = api
        .post(
            "/v1/sessions",
            json!({ "user_id": uid, "active_organization_id": org }),
        )
        .await
        .ok();
    let sid = s(&sess["id"]);
    let t = api
        .post_empty(&format!("/v1/sessions/{sid}/tokens"))
        .await
        .ok();
    assert_eq!(t["object"], "token");
    let claims = verify_jwt(&api, &s(&t["jwt"])).await;
    assert_eq!(claims["sub"], json!(uid));
    assert_eq!(claims["sid"], json!(sid));
    assert_eq!(claims["o"]["id"], json!(org));
    assert_eq!(claims["o"]["rol"], "admin");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );

    api.post(
        "/v1/jwt_templates",
        json!({ "name": "hasura", "lifetime": 600, "claims": {
            "role": "{{user.public_metadata.role}}",
            "email": "{{user.primary_email_address}}",
            "greeting": "hi {{user.first_name}}!",
            "org": { "id": "{{org.id}}", "role": "{{org.role}}" },
            "missing": "{{user.nope}}",
        } }),
    )
    .await
    .ok();
    let t = api
        .post_empty(&format!("/v1/sessions/{sid}/tokens/hasura"))
        .await
        .ok();
    let claims = verify_jwt(&api, &s(&t["jwt"])).await;
    assert_eq!(claims["role"], "editor");
    assert_eq!(claims["email"], "tok.en@example.com");
    assert_eq!(claims["greeting"], "hi Tok!");
    assert_eq!(claims["org"], json!({ "id": org, "role": "org:admin" }));
    assert_eq!(claims["missing"], Value::Null);
    assert_eq!(claims["sub"], json!(uid));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    let t = api
        .post(
            &format!("/v1/sessions/{sid}/tokens/hasura"),
            json!({ "expires_in_seconds": 45 }),
        )
        .await
        .ok();
    let claims = verify_jwt(&api, &s(&t["jwt"])).await;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        45
    );
    api.post(
        &format!("/v1/sessions/{sid}/tokens/hasura"),
        json!({ "expires_in_seconds": 5 }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.post_empty(&format!("/v1/sessions/{sid}/tokens/nope"))
        .await
        .expect_error(404, "resource_not_found");
    api.post_empty(&format!("/v1/sessions/{sid}/revoke"))
        .await
        .ok();
    api.post_empty(&format!("/v1/sessions/{sid}/tokens"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn saml_connections_lifecycle() {
    let api = Api::empty().await;
    api.post(
        "/v1/saml_connections",
        json!({ "name": "No domain", "provider": "saml_custom" }),
    )
    .await
    .expect_error(422, "form_param_missing");
    api.post(
        "/v1/saml_connections",
        json!({ "name": "Bad", "provider": "oidc_custom", "domain": "x.com" }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    let c = api
        .post(
            "/v1/saml_connections",
            json!({ "name": "Corp", "provider": "saml_custom", "domain": "corp.example.com" }),
        )
        .await
        .ok();
    let id = s(&c["id"]);
    assert!(id.starts_with("samlc_"));
    assert_eq!(
        c["domains"],
        json!(["corp.example.com"]),
        "domain is the one-item domains"
    );
    assert_eq!(c["authenticatable"], false, "no IdP configured yet");
    assert!(s(&c["acs_url"]).ends_with(&id));
    let c = api
        .patch(&format!("/v1/saml_connections/{id}"), json!({ "idp_entity_id": "urn:idp", "idp_sso_url": "https://idp.example.com/sso", "active": true }))
        .await
        .ok();
    assert_eq!(c["authenticatable"], true);
    assert_eq!(c["active"], true);
    assert_eq!(api.get("/v1/saml_connections").await.ok()["total_count"], 1);
    api.delete(&format!("/v1/saml_connections/{id}")).await.ok();
    api.get(&format!("/v1/saml_connections/{id}"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}
