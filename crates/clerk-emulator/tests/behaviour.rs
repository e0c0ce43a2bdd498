//! Behaviour: Clerk semantics, realism knobs, persistence and the demo seed.
//! Every response these tests read through `Api` is also validated against
//! the spec.

mod common;

use std::time::{Duration, Instant};

use clerk_emulator::{Emulator, EmulatorConfig, EmulatorError, Fault, RateLimit, Seed, State};
use common::{Api, temp_path};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().expect("string").to_string()
}

fn assert_id(id: &str, prefix: &str) {
    let rest = id
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .unwrap_or_else(|| panic!("{id} does not start with {prefix}_"));
    assert_eq!(rest.len(), 27, "{id}: expected 27 chars after the prefix");
    assert!(
        rest.bytes().all(|c| c.is_ascii_alphanumeric()),
        "{id}: not base62"
    );
}

#[tokio::test]
async fn authentication_is_required() {
    let api = Api::empty().await;
    for auth in [
        None,
        Some("Bearer sk_test_other"),
        Some("Basic c2tfdGVzdA=="),
        Some("sk_test_emulator"),
    ] {
        let r = api.send_with_auth("GET", "/v1/users", None, auth).await;
        r.expect_error(401, "authentication_invalid");
        assert!(r.body["clerk_trace_id"].is_string());
        assert!(r.body["errors"][0]["long_message"].is_string());
    }
    api.get("/v1/users").await.ok();
    // The admin API is not under /v1 and needs no key.
    let health = api
        .client
        .get(format!("{}/__emulator/health", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn custom_secret_key() {
    let api = Api::start(
        EmulatorConfig::default()
            .with_seed(Seed::Empty)
            .with_secret_key("sk_test_custom"),
    )
    .await;
    assert_eq!(api.emulator.secret_key(), "sk_test_custom");
    api.get("/v1/users").await.ok();
    api.send_with_auth("GET", "/v1/users", None, Some("Bearer sk_test_emulator"))
        .await
        .expect_error(401, "authentication_invalid");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn unimplemented_paths_answer_clerk_shaped_404() {
    let api = Api::empty().await;
    let r = api.get("/v1/templates/email").await;
    r.expect_error(404, "resource_not_found");
    assert_eq!(
        r.body["errors"][0]["long_message"],
        "The emulator does not implement GET /v1/templates/email"
    );
    let r = api.send("PUT", "/v1/users", Some(json!({}))).await;
    r.expect_error(404, "resource_not_found");
    assert_eq!(
        r.body["errors"][0]["long_message"],
        "The emulator does not implement PUT /v1/users"
    );
    let r = api.get("/nope").await;
    r.expect_error(404, "resource_not_found");
    assert_eq!(
        r.body["errors"][0]["long_message"],
        "The emulator does not implement GET /nope"
    );
    api.emulator.shutdown().await;
}

/// Every operation of Clerk's spec is served, except the email/SMS `templates` ones (deprecated
/// in the spec): a request
/// with placeholder ids may well fail (unknown id, missing field), but never with the answer
/// for a path the emulator does not implement.
#[tokio::test]
async fn every_spec_operation_but_templates_is_emulated() {
    let api = Api::demo().await;
    let spec = common::Spec::get();
    let (mut served, mut missing) = (0, Vec::new());
    for (method, template) in spec.operations() {
        let path: String = template
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    "emu_placeholder"
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = api
            .send(method, &format!("/v1{path}"), Some(json!({})))
            .await;
        let long = r.body["errors"][0]["long_message"].as_str().unwrap_or("");
        if long.starts_with("The emulator does not implement") {
            missing.push(format!("{method} {template}"));
        } else {
            served += 1;
        }
    }
    println!(
        "emulated {served} of {} spec operations; not: {missing:?}",
        served + missing.len()
    );
    assert!(
        missing.iter().all(|m| m.contains(" /templates")),
        "not emulated: {missing:?}"
    );
    assert_eq!(missing.len(), 6, "{missing:?}");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn a_base_url_without_v1_gets_a_clerk_shaped_hint() {
    let api = Api::empty().await;
    for (method, path) in [
        ("GET", "/users"),
        ("POST", "/organizations"),
        ("GET", "/jwt_templates/jtmpl_x"),
        ("PATCH", "/instance"),
    ] {
        let r = api.send(method, path, Some(json!({}))).await;
        r.expect_error(404, "resource_not_found");
        let long = r.body["errors"][0]["long_message"].as_str().unwrap();
        assert!(
            long.contains("base URL is probably missing /v1")
                && long.contains(&format!("/v1{path}")),
            "{long}"
        );
        assert_eq!(r.body["errors"][0]["meta"]["path"], path);
        assert!(r.body["clerk_trace_id"].is_string());
    }
    // Clerk's JS SDK calls the machine-authentication endpoints without /v1; they are served.
    let uid = api.user("Key", "Owner").await;
    let created = api
        .post("/api_keys", json!({ "name": "no-v1", "subject": uid }))
        .await
        .ok();
    let listed = api.get(&format!("/api_keys?subject={uid}")).await.ok();
    assert_eq!(listed["data"][0]["id"], created["id"]);
    api.post("/api_keys/verify", json!({ "secret": created["secret"] }))
        .await
        .ok();
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn ids_and_timestamps_look_like_clerk() {
    let api = Api::empty().await;
    let u = api
        .post(
            "/v1/users",
            json!({ "email_address": ["ids@example.com"], "phone_number": ["+15550109999"] }),
        )
        .await
        .ok();
    assert_id(u["id"].as_str().unwrap(), "user");
    assert_id(u["email_addresses"][0]["id"].as_str().unwrap(), "idn");
    assert_id(u["phone_numbers"][0]["id"].as_str().unwrap(), "idn");
    assert_eq!(u["primary_email_address_id"], u["email_addresses"][0]["id"]);
    let uid = s(&u["id"]);
    let created = u["created_at"].as_i64().unwrap();
    assert!(
        created > 1_600_000_000_000,
        "timestamps are in milliseconds"
    );
    assert_eq!(u["updated_at"].as_i64().unwrap(), created);
    let org = api
        .post(
            "/v1/organizations",
            json!({ "name": "Ids Inc", "created_by": uid }),
        )
        .await
        .ok();
    assert_id(org["id"].as_str().unwrap(), "org");
    assert_eq!(org["slug"], "ids-inc");
    let oid = s(&org["id"]);
    let members = api
        .get(&format!("/v1/organizations/{oid}/memberships"))
        .await
        .ok();
    assert_id(members["data"][0]["id"].as_str().unwrap(), "orgmem");
    assert_eq!(members["data"][0]["role"], "org:admin");
    let inv = api
        .post(
            &format!("/v1/organizations/{oid}/invitations"),
            json!({ "email_address": "x@example.com", "role": "org:member" }),
        )
        .await
        .ok();
    assert_id(inv["id"].as_str().unwrap(), "orginv");
    assert_eq!(inv["status"], "pending");
    let app = api
        .post(
            "/v1/invitations",
            json!({ "email_address": "y@example.com" }),
        )
        .await
        .ok();
    assert_id(app["id"].as_str().unwrap(), "inv");
    let sess = api
        .post("/v1/sessions", json!({ "user_id": uid }))
        .await
        .ok();
    assert_id(sess["id"].as_str().unwrap(), "sess");
    assert_id(sess["client_id"].as_str().unwrap(), "client");
    assert_eq!(sess["status"], "active");

    tokio::time::sleep(Duration::from_millis(5)).await;
    let patched = api
        .patch(&format!("/v1/users/{uid}"), json!({ "first_name": "Ida" }))
        .await
        .ok();
    assert_eq!(patched["created_at"].as_i64().unwrap(), created);
    assert!(patched["updated_at"].as_i64().unwrap() > created);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn user_metadata_patch_deep_merges_and_put_replaces() {
    let api = Api::empty().await;
    let u = api
        .post(
            "/v1/users",
            json!({
                "email_address": ["meta@example.com"],
                "public_metadata": { "a": { "b": 1, "c": { "d": 2, "e": 3 } }, "keep": true },
                "private_metadata": { "p": 1 },
                "unsafe_metadata": { "u": 1 },
            }),
        )
        .await
        .ok();
    let uid = s(&u["id"]);
    let u = api
        .patch(
            &format!("/v1/users/{uid}/metadata"),
            json!({
                "public_metadata": { "a": { "c": { "d": null, "f": 4 } }, "keep": null, "new": { "x": null, "y": 1 } },
                "private_metadata": { "q": 2 },
            }),
        )
        .await
        .ok();
    assert_eq!(
        u["public_metadata"],
        json!({ "a": { "b": 1, "c": { "e": 3, "f": 4 } }, "new": { "y": 1 } })
    );
    assert_eq!(u["private_metadata"], json!({ "p": 1, "q": 2 }));
    assert_eq!(u["unsafe_metadata"], json!({ "u": 1 }));

    let u = api
        .put(
            &format!("/v1/users/{uid}/metadata"),
            json!({ "public_metadata": { "only": 1 }, "private_metadata": {} }),
        )
        .await
        .ok();
    assert_eq!(u["public_metadata"], json!({ "only": 1 }));
    assert_eq!(u["private_metadata"], json!({}));
    assert_eq!(
        u["unsafe_metadata"],
        json!({ "u": 1 }),
        "omitted fields are unchanged"
    );

    let u = api
        .put(
            &format!("/v1/users/{uid}/metadata"),
            json!({ "private_metadata": null }),
        )
        .await
        .ok();
    assert_eq!(u["private_metadata"], Value::Null, "PUT null stores null");

    api.patch(
        &format!("/v1/users/{uid}/metadata"),
        json!({ "public_metadata": [1] }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.patch(
        &format!("/v1/users/{uid}/metadata"),
        json!({ "other_metadata": {} }),
    )
    .await
    .expect_error(422, "form_param_unknown");
    api.patch("/v1/users/user_nope/metadata", json!({}))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn organization_and_membership_metadata() {
    let api = Api::empty().await;
    let uid = api.user("Meta", "Member").await;
    let o = api
        .post(
            "/v1/organizations",
            json!({ "name": "Meta Org", "created_by": uid, "public_metadata": { "a": { "b": 1, "c": 2 } }, "private_metadata": { "k": 1 } }),
        )
        .await
        .ok();
    let oid = s(&o["id"]);
    let o = api
        .patch(
            &format!("/v1/organizations/{oid}/metadata"),
            json!({ "public_metadata": { "a": { "b": null, "d": 3 } } }),
        )
        .await
        .ok();
    assert_eq!(o["public_metadata"], json!({ "a": { "c": 2, "d": 3 } }));
    assert_eq!(o["private_metadata"], json!({ "k": 1 }));
    let o = api
        .put(
            &format!("/v1/organizations/{oid}/metadata"),
            json!({ "public_metadata": { "z": 0 } }),
        )
        .await
        .ok();
    assert_eq!(o["public_metadata"], json!({ "z": 0 }));
    assert_eq!(o["private_metadata"], json!({ "k": 1 }));

    let m = api
        .patch(
            &format!("/v1/organizations/{oid}/memberships/{uid}/metadata"),
            json!({ "public_metadata": { "team": { "name": "x", "size": 3 } } }),
        )
        .await
        .ok();
    assert_eq!(
        m["public_metadata"],
        json!({ "team": { "name": "x", "size": 3 } })
    );
    let m = api
        .patch(
            &format!("/v1/organizations/{oid}/memberships/{uid}/metadata"),
            json!({ "public_metadata": { "team": { "size": null } } }),
        )
        .await
        .ok();
    assert_eq!(m["public_metadata"], json!({ "team": { "name": "x" } }));
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn update_endpoints_reject_metadata_and_unknown_params() {
    let api = Api::empty().await;
    let uid = api.user("Pat", "Chen").await;
    let oid = api.org("Unknowns", "unknowns", None).await;
    for key in ["public_metadata", "private_metadata", "unsafe_metadata"] {
        let r = api
            .patch(&format!("/v1/users/{uid}"), json!({ key: { "a": 1 } }))
            .await;
        r.expect_error(422, "form_param_unknown");
        assert_eq!(
            r.body["errors"][0]["long_message"],
            format!("{key} is not a valid parameter for this request.")
        );
        assert_eq!(r.body["errors"][0]["meta"]["param_name"], key);
    }
    for key in ["public_metadata", "private_metadata"] {
        api.patch(&format!("/v1/organizations/{oid}"), json!({ key: {} }))
            .await
            .expect_error(422, "form_param_unknown");
    }
    api.post("/v1/users", json!({ "favourite_colour": "blue" }))
        .await
        .expect_error(422, "form_param_unknown");
    api.post("/v1/organizations", json!({ "name": "X", "colour": 1 }))
        .await
        .expect_error(422, "form_param_unknown");
    // Wrong types and missing params.
    api.post("/v1/users", json!({ "first_name": 12 }))
        .await
        .expect_error(422, "form_param_value_invalid");
    api.post(
        &format!("/v1/organizations/{oid}/memberships"),
        json!({ "role": "org:member" }),
    )
    .await
    .expect_error(422, "form_param_missing");
    api.post(
        &format!("/v1/organizations/{oid}/memberships"),
        json!({ "user_id": uid, "role": "org:overlord" }),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.post("/v1/users", json!({ "email_address": ["not an email"] }))
        .await
        .expect_error(422, "form_param_format_invalid");
    api.post("/v1/users", json!({ "phone_number": ["555-1234"] }))
        .await
        .expect_error(422, "form_param_format_invalid");
    api.post("/v1/users", json!({ "password": "short" }))
        .await
        .expect_error(422, "form_password_length_too_short");
    api.post("/v1/users", json!({ "created_at": "yesterday" }))
        .await
        .expect_error(422, "form_param_invalid_time");
    // The PATCH itself still works.
    let u = api
        .patch(
            &format!("/v1/users/{uid}"),
            json!({ "first_name": "Patricia", "username": "patricia" }),
        )
        .await
        .ok();
    assert_eq!(u["first_name"], "Patricia");
    let u = api
        .patch(&format!("/v1/users/{uid}"), json!({ "username": "" }))
        .await
        .ok();
    assert_eq!(u["username"], Value::Null, "an empty username removes it");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn identifiers_and_slugs_are_unique() {
    let api = Api::empty().await;
    let a = api
        .post(
            "/v1/users",
            json!({ "email_address": ["Taken@Example.com"], "username": "taken", "external_id": "ext-1", "phone_number": ["+15550123456"] }),
        )
        .await
        .ok();
    let aid = s(&a["id"]);
    let r = api
        .post(
            "/v1/users",
            json!({ "email_address": ["taken@example.COM"] }),
        )
        .await;
    r.expect_error(422, "form_identifier_exists");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "email_address");
    assert_eq!(
        r.body["errors"][0]["long_message"],
        "That email address is taken. Please try another."
    );
    api.post("/v1/users", json!({ "username": "TAKEN" }))
        .await
        .expect_error(422, "form_identifier_exists");
    api.post("/v1/users", json!({ "external_id": "ext-1" }))
        .await
        .expect_error(422, "form_identifier_exists");
    api.post("/v1/users", json!({ "phone_number": ["+15550123456"] }))
        .await
        .expect_error(422, "form_identifier_exists");
    let b = api.user("Other", "Person").await;
    api.patch(&format!("/v1/users/{b}"), json!({ "username": "taken" }))
        .await
        .expect_error(422, "form_identifier_exists");
    // Re-saving your own username is fine.
    api.patch(&format!("/v1/users/{aid}"), json!({ "username": "taken" }))
        .await
        .ok();
    api.post(
        "/v1/email_addresses",
        json!({ "user_id": b, "email_address": "taken@example.com" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");

    api.org("First", "shared-slug", None).await;
    let r = api
        .post(
            "/v1/organizations",
            json!({ "name": "Second", "slug": "shared-slug" }),
        )
        .await;
    r.expect_error(422, "form_identifier_exists");
    assert_eq!(r.body["errors"][0]["meta"]["param_name"], "slug");
    let other = api.org("Third", "third", None).await;
    api.patch(
        &format!("/v1/organizations/{other}"),
        json!({ "slug": "shared-slug" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.post(
        "/v1/organizations",
        json!({ "name": "Bad", "slug": "Bad Slug" }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    // Generated slugs avoid collisions.
    let g1 = api
        .post("/v1/organizations", json!({ "name": "Same Name" }))
        .await
        .ok();
    let g2 = api
        .post("/v1/organizations", json!({ "name": "Same Name" }))
        .await
        .ok();
    assert_eq!(g1["slug"], "same-name");
    assert_ne!(g1["slug"], g2["slug"]);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn invitation_rules() {
    let api = Api::empty().await;
    let member = api.user("Mem", "Ber").await;
    let outsider = api.user("Out", "Sider").await;
    api.post(
        "/v1/invitations",
        json!({ "email_address": "inv@example.com" }),
    )
    .await
    .ok();
    let r = api
        .post(
            "/v1/invitations",
            json!({ "email_address": "INV@example.com" }),
        )
        .await;
    r.expect_error(400, "duplicate_record");
    assert_eq!(
        r.body["errors"][0]["meta"]["email_addresses"],
        json!(["inv@example.com"])
    );
    // ignore_existing lets a second one through.
    api.post(
        "/v1/invitations",
        json!({ "email_address": "inv@example.com", "ignore_existing": true }),
    )
    .await
    .ok();
    // An address that belongs to a user.
    api.post(
        "/v1/invitations",
        json!({ "email_address": "mem.ber@example.com" }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    // In bulk, existing users are refused whatever ignore_existing says.
    api.post(
        "/v1/invitations/bulk",
        json!([{ "email_address": "fresh@example.com" }, { "email_address": "mem.ber@example.com", "ignore_existing": true }]),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    let r = api
        .post(
            "/v1/invitations/bulk",
            json!([{ "email_address": "fresh@example.com" }, { "email_address": "inv@example.com" }]),
        )
        .await;
    r.expect_error(400, "duplicate_record");
    let too_many: Vec<Value> = (0..11)
        .map(|i| json!({ "email_address": format!("b{i}@example.com") }))
        .collect();
    api.post("/v1/invitations/bulk", Value::Array(too_many))
        .await
        .expect_error(422, "form_param_array_size_exceeded");
    let none = api.get("/v1/invitations?status=pending").await.ok();
    assert!(
        none.as_array()
            .unwrap()
            .iter()
            .all(|i| i["email_address"] != "fresh@example.com"),
        "a failed bulk request creates nothing"
    );

    // Revoke: pending → revoked; twice → error; revoked ones leave the default list.
    let inv = api
        .post(
            "/v1/invitations",
            json!({ "email_address": "revoke.me@example.com" }),
        )
        .await
        .ok();
    let iid = s(&inv["id"]);
    let revoked = api
        .post_empty(&format!("/v1/invitations/{iid}/revoke"))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revoked"], true);
    api.post_empty(&format!("/v1/invitations/{iid}/revoke"))
        .await
        .expect_error(400, "invitation_already_revoked");
    api.post_empty("/v1/invitations/inv_missing/revoke")
        .await
        .expect_error(404, "resource_not_found");
    let listed = api.get("/v1/invitations?limit=100").await.ok();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != json!(iid))
    );
    let listed = api.get("/v1/invitations?status=revoked").await.ok();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Organization invitations.
    let oid = api.org("Inviting", "inviting", Some(&member)).await;
    let oinv = api
        .post(
            &format!("/v1/organizations/{oid}/invitations"),
            json!({ "email_address": "join@example.com", "role": "org:member", "inviter_user_id": member }),
        )
        .await
        .ok();
    assert_eq!(oinv["public_inviter_data"]["user_id"], json!(member));
    api.post(
        &format!("/v1/organizations/{oid}/invitations"),
        json!({ "email_address": "JOIN@example.com", "role": "org:admin" }),
    )
    .await
    .expect_error(400, "organization_invitation_not_unique");
    api.post(
        &format!("/v1/organizations/{oid}/invitations"),
        json!({ "email_address": "mem.ber@example.com", "role": "org:member" }),
    )
    .await
    .expect_error(400, "already_a_member_in_organization");
    api.post(
        &format!("/v1/organizations/{oid}/invitations"),
        json!({ "email_address": "z@example.com", "role": "org:member", "inviter_user_id": outsider }),
    )
    .await
    .expect_error(403, "not_an_admin_in_organization");
    let oiid = s(&oinv["id"]);
    let revoked = api
        .post(
            &format!("/v1/organizations/{oid}/invitations/{oiid}/revoke"),
            json!({}),
        )
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    let got = api
        .get(&format!("/v1/organizations/{oid}/invitations/{oiid}"))
        .await
        .ok();
    assert_eq!(got["status"], "revoked");
    api.post(
        &format!("/v1/organizations/{oid}/invitations/{oiid}/revoke"),
        json!({}),
    )
    .await
    .expect_error(404, "organization_invitation_not_pending");
    // Revoked invitations do not block a new one.
    api.post(
        &format!("/v1/organizations/{oid}/invitations"),
        json!({ "email_address": "join@example.com", "role": "org:member" }),
    )
    .await
    .ok();
    let pending = api
        .get(&format!(
            "/v1/organizations/{oid}/invitations?status=pending"
        ))
        .await
        .ok();
    assert_eq!(pending["total_count"], 1);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn membership_accepts_pending_org_invitation() {
    let api = Api::empty().await;
    let admin = api.user("Ad", "Min").await;
    let oid = api.org("Accepting", "accepting", Some(&admin)).await;
    let inv = api
        .post(
            &format!("/v1/organizations/{oid}/invitations"),
            json!({ "email_address": "later.user@example.com", "role": "org:member" }),
        )
        .await
        .ok();
    let uid = api.user("Later", "User").await;
    let invs = api
        .get(&format!("/v1/users/{uid}/organization_invitations"))
        .await
        .ok();
    assert_eq!(invs["total_count"], 1);
    assert_eq!(
        invs["data"][0]["public_organization_data"]["slug"],
        "accepting"
    );
    api.post(
        &format!("/v1/organizations/{oid}/memberships"),
        json!({ "user_id": uid, "role": "org:member" }),
    )
    .await
    .ok();
    let got = api
        .get(&format!(
            "/v1/organizations/{oid}/invitations/{}",
            s(&inv["id"])
        ))
        .await
        .ok();
    assert_eq!(got["status"], "accepted");
    // The last admin cannot be demoted.
    api.patch(
        &format!("/v1/organizations/{oid}/memberships/{admin}"),
        json!({ "role": "org:member" }),
    )
    .await
    .expect_error(400, "organization_minimum_permissions_needed");
    let m = api
        .patch(
            &format!("/v1/organizations/{oid}/memberships/{uid}"),
            json!({ "role": "org:admin" }),
        )
        .await
        .ok();
    assert_eq!(m["role"], "org:admin");
    assert_eq!(m["role_name"], "Admin");
    assert!(
        m["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("org:sys_memberships:manage"))
    );
    api.delete(&format!("/v1/organizations/{oid}/memberships/user_missing"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn deletes_cascade() {
    let api = Api::empty().await;
    let a = api.user("Ann", "Alpha").await;
    let b = api.user("Ben", "Beta").await;
    let o1 = api.org("One", "one", Some(&a)).await;
    let o2 = api.org("Two", "two", Some(&b)).await;
    api.post(
        &format!("/v1/organizations/{o1}/memberships"),
        json!({ "user_id": b, "role": "org:member" }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/organizations/{o2}/memberships"),
        json!({ "user_id": a, "role": "org:member" }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/organizations/{o1}/invitations"),
        json!({ "email_address": "pending@example.com", "role": "org:member" }),
    )
    .await
    .ok();
    let sess = api
        .post(
            "/v1/sessions",
            json!({ "user_id": b, "active_organization_id": o1 }),
        )
        .await
        .ok();
    let a_sess = api.post("/v1/sessions", json!({ "user_id": a })).await.ok();
    assert_eq!(
        api.get("/v1/organization_memberships").await.ok()["total_count"],
        4
    );

    // Deleting a user removes their memberships (and sessions).
    let del = api.delete(&format!("/v1/users/{a}")).await.ok();
    assert_eq!(del, json!({ "object": "user", "id": a, "deleted": true }));
    api.get(&format!("/v1/users/{a}"))
        .await
        .expect_error(404, "resource_not_found");
    let all = api.get("/v1/organization_memberships").await.ok();
    assert_eq!(all["total_count"], 2);
    assert!(
        all["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["public_user_data"]["user_id"] != json!(a))
    );
    api.get(&format!("/v1/sessions/{}", s(&a_sess["id"])))
        .await
        .expect_error(404, "resource_not_found");
    let count = api
        .get(&format!(
            "/v1/organizations/{o2}?include_members_count=true"
        ))
        .await
        .ok();
    assert_eq!(count["members_count"], 1);

    // Deleting an organization removes its memberships and invitations.
    let del = api.delete(&format!("/v1/organizations/{o1}")).await.ok();
    assert_eq!(del["deleted"], true);
    assert_eq!(del["object"], "organization");
    api.get(&format!("/v1/organizations/{o1}"))
        .await
        .expect_error(404, "resource_not_found");
    api.get(&format!("/v1/organizations/{o1}/memberships"))
        .await
        .expect_error(404, "resource_not_found");
    let all = api.get("/v1/organization_memberships").await.ok();
    assert_eq!(all["total_count"], 1);
    let invs = api.get("/v1/organization_invitations").await.ok();
    assert_eq!(invs["total_count"], 0);
    let b_orgs = api
        .get(&format!("/v1/users/{b}/organization_memberships"))
        .await
        .ok();
    assert_eq!(b_orgs["total_count"], 1);
    let sess = api
        .get(&format!("/v1/sessions/{}", s(&sess["id"])))
        .await
        .ok();
    assert_eq!(sess["last_active_organization_id"], Value::Null);
    api.delete(&format!("/v1/organizations/{o1}"))
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn list_shapes() {
    let api = Api::demo().await;
    assert!(api.get("/v1/users").await.ok().is_array());
    let count = api.get("/v1/users/count").await.ok();
    assert_eq!(count, json!({ "object": "total_count", "total_count": 50 }));
    let orgs = api.get("/v1/organizations").await.ok();
    assert_eq!(orgs["total_count"], 4);
    assert!(
        orgs["data"][0].get("members_count").is_none(),
        "members_count only on request"
    );
    let orgs = api
        .get("/v1/organizations?include_members_count=true")
        .await
        .ok();
    assert!(orgs["data"][0]["members_count"].as_u64().unwrap() > 0);
    assert!(api.get("/v1/invitations").await.ok().is_array());
    let p = api.get("/v1/invitations?paginated=true").await.ok();
    assert_eq!(
        p["total_count"], 5,
        "4 pending + 1 expired: the default list hides revoked ones"
    );
    assert!(p["data"].is_array());
    assert!(
        api.get("/v1/invitations?paginated=false")
            .await
            .ok()
            .is_array()
    );
    assert!(api.get("/v1/sessions").await.ok().is_array());
    let p = api.get("/v1/sessions?paginated=true&limit=3").await.ok();
    assert_eq!(p["data"].as_array().unwrap().len(), 3);
    assert_eq!(p["total_count"], 17);
    for path in [
        "/v1/organization_memberships",
        "/v1/organization_invitations",
    ] {
        let v = api.get(path).await.ok();
        assert!(v["data"].is_array() && v["total_count"].is_u64(), "{path}");
    }
    api.emulator.shutdown().await;
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|u| s(&u["first_name"]))
        .collect()
}

#[tokio::test]
async fn ordering_and_pagination() {
    let api = Api::empty().await;
    for (f, l) in [("Carla", "C"), ("adam", "A"), ("Bea", "B"), ("Dan", "D")] {
        api.user(f, l).await;
    }
    // Default: newest first.
    assert_eq!(
        names(&api.get("/v1/users").await.ok()),
        ["Dan", "Bea", "adam", "Carla"]
    );
    assert_eq!(
        names(&api.get("/v1/users?order_by=created_at").await.ok()),
        ["Carla", "adam", "Bea", "Dan"]
    );
    assert_eq!(
        names(&api.get("/v1/users?order_by=%2Bfirst_name").await.ok()),
        ["adam", "Bea", "Carla", "Dan"]
    );
    assert_eq!(
        names(&api.get("/v1/users?order_by=-first_name").await.ok()),
        ["Dan", "Carla", "Bea", "adam"]
    );
    // Clerk keeps the first of repeated order_by parameters.
    assert_eq!(
        names(
            &api.get("/v1/users?order_by=first_name&order_by=-created_at")
                .await
                .ok()
        ),
        ["adam", "Bea", "Carla", "Dan"]
    );
    assert_eq!(
        names(
            &api.get("/v1/users?order_by=first_name&limit=2&offset=1")
                .await
                .ok()
        ),
        ["Bea", "Carla"]
    );
    // Cursor pagination.
    let first = api.get("/v1/users?limit=2").await.ok();
    let cursor = s(&first[1]["id"]);
    assert_eq!(
        names(
            &api.get(&format!("/v1/users?limit=2&starting_after={cursor}"))
                .await
                .ok()
        ),
        ["adam", "Carla"]
    );
    api.get(&format!(
        "/v1/users?starting_after={cursor}&order_by=first_name"
    ))
    .await
    .expect_error(422, "form_param_value_invalid");
    api.get(&format!("/v1/users?starting_after={cursor}&offset=1"))
        .await
        .expect_error(422, "form_conditional_param_disallowed");
    api.get("/v1/users?order_by=height")
        .await
        .expect_error(422, "form_param_value_invalid");

    for name in ["Zeta", "alpha", "Mu"] {
        api.post("/v1/organizations", json!({ "name": name }))
            .await
            .ok();
    }
    let orgs = api.get("/v1/organizations?order_by=name").await.ok();
    let org_names: Vec<String> = orgs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| s(&o["name"]))
        .collect();
    assert_eq!(org_names, ["alpha", "Mu", "Zeta"]);
    let orgs = api.get("/v1/organizations?limit=1&offset=1").await.ok();
    assert_eq!(orgs["total_count"], 3);
    assert_eq!(orgs["data"][0]["name"], "alpha");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn limit_and_offset_bounds() {
    let api = Api::demo().await;
    for bad in ["0", "501", "-3", "ten", "10.0"] {
        let r = api.get(&format!("/v1/users?limit={bad}")).await;
        r.expect_error(422, "form_param_value_invalid");
        assert_eq!(r.body["errors"][0]["meta"]["param_name"], "limit");
        assert_eq!(
            r.body["errors"][0]["long_message"],
            format!("{bad} does not match one of the allowed values for parameter limit")
        );
        api.get(&format!("/v1/organizations?limit={bad}"))
            .await
            .expect_error(422, "form_param_value_invalid");
        api.get(&format!("/v1/invitations?limit={bad}"))
            .await
            .expect_error(422, "form_param_value_invalid");
    }
    api.get("/v1/users?offset=-1")
        .await
        .expect_error(422, "form_param_value_invalid");
    assert_eq!(
        api.get("/v1/users").await.ok().as_array().unwrap().len(),
        10,
        "default limit"
    );
    assert_eq!(
        api.get("/v1/users?limit=1")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.get("/v1/users?limit=500")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert_eq!(
        api.get("/v1/users?offset=45")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn user_list_filters() {
    let api = Api::empty().await;
    let a = api
        .post(
            "/v1/users",
            json!({ "first_name": "Grace", "last_name": "Hopper", "email_address": ["grace@navy.example.com"], "username": "amazing_grace", "external_id": "g1", "phone_number": ["+15550100001"] }),
        )
        .await
        .ok();
    let a = s(&a["id"]);
    let b = api.user("Alan", "Turing").await;
    let c = api.user("Ada", "Lovelace").await;
    let org = api.org("Computing", "computing", Some(&b)).await;
    let ids =
        |v: Value| -> Vec<String> { v.as_array().unwrap().iter().map(|u| s(&u["id"])).collect() };

    let r = ids(api.get("/v1/users?email_address=grace@navy.example.com&email_address=ada.lovelace@example.com&order_by=created_at").await.ok());
    assert_eq!(r, [a.as_str(), c.as_str()]);
    let r = ids(api
        .get(&format!(
            "/v1/users?user_id={a}&user_id={b}&order_by=created_at"
        ))
        .await
        .ok());
    assert_eq!(r, [a.as_str(), b.as_str()]);
    let r = ids(api
        .get(&format!("/v1/users?user_id=-{a}&order_by=created_at"))
        .await
        .ok());
    assert_eq!(r, [b.as_str(), c.as_str()]);
    let r = ids(api
        .get(&format!("/v1/users?organization_id={org}"))
        .await
        .ok());
    assert_eq!(r, [b.as_str()]);
    let r = ids(api
        .get(&format!(
            "/v1/users?organization_id=-{org}&order_by=created_at"
        ))
        .await
        .ok());
    assert_eq!(r, [a.as_str(), c.as_str()]);
    assert_eq!(
        ids(api.get("/v1/users?username=AMAZING_GRACE").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?external_id=g1").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?phone_number=%2B15550100001").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?query=hopp").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?query=NAVY").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?query=grace").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        ids(api.get(&format!("/v1/users?query={c}")).await.ok()),
        [c.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?name_query=lovel").await.ok()),
        [c.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?email_address_query=TURING").await.ok()),
        [b.as_str()]
    );
    assert_eq!(
        ids(api.get("/v1/users?username_query=amazing").await.ok()),
        [a.as_str()]
    );
    assert_eq!(
        api.get("/v1/users/count?query=example.com").await.ok()["total_count"],
        3
    );
    assert_eq!(
        api.get("/v1/users/count?email_address=nobody@example.com")
            .await
            .ok()["total_count"],
        0
    );
    api.post_empty(&format!("/v1/users/{c}/ban")).await.ok();
    assert_eq!(
        ids(api.get("/v1/users?banned=true").await.ok()),
        [c.as_str()]
    );
    assert_eq!(
        api.get("/v1/users/count?banned=false").await.ok()["total_count"],
        2
    );
    api.get("/v1/users?banned=maybe")
        .await
        .expect_error(422, "form_param_value_invalid");

    // Organization filters.
    let orgs = api
        .get(&format!("/v1/organizations?user_id={b}"))
        .await
        .ok();
    assert_eq!(orgs["total_count"], 1);
    let orgs = api.get("/v1/organizations?query=comp").await.ok();
    assert_eq!(orgs["total_count"], 1);
    let orgs = api
        .get(&format!("/v1/organizations?query={org}"))
        .await
        .ok();
    assert_eq!(orgs["total_count"], 1);
    let orgs = api
        .get(&format!("/v1/organizations?organization_id=-{org}"))
        .await
        .ok();
    assert_eq!(orgs["total_count"], 0);
    // Membership filters.
    api.post(
        &format!("/v1/organizations/{org}/memberships"),
        json!({ "user_id": a, "role": "org:member" }),
    )
    .await
    .ok();
    let m = api
        .get(&format!(
            "/v1/organizations/{org}/memberships?role=org:admin"
        ))
        .await
        .ok();
    assert_eq!(m["total_count"], 1);
    assert_eq!(m["data"][0]["public_user_data"]["user_id"], json!(b));
    let m = api
        .get(&format!("/v1/organizations/{org}/memberships?query=grace"))
        .await
        .ok();
    assert_eq!(m["total_count"], 1);
    assert_eq!(
        m["data"][0]["public_user_data"]["identifier"],
        "grace@navy.example.com"
    );
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn organizations_by_id_or_slug() {
    let api = Api::demo().await;
    let by_slug = api.get("/v1/organizations/acme").await.ok();
    assert_eq!(by_slug["name"], "Acme Corporation");
    let oid = s(&by_slug["id"]);
    let by_id = api.get(&format!("/v1/organizations/{oid}")).await.ok();
    assert_eq!(by_id, by_slug);
    let patched = api
        .patch(
            "/v1/organizations/acme",
            json!({ "name": "Acme Corp", "max_allowed_memberships": 100 }),
        )
        .await
        .ok();
    assert_eq!(patched["name"], "Acme Corp");
    assert_eq!(patched["max_allowed_memberships"], 100);
    let counted = api
        .get("/v1/organizations/acme?include_members_count=true&include_missing_member_with_elevated_permissions=true")
        .await
        .ok();
    assert!(counted["members_count"].as_u64().unwrap() >= 10);
    assert_eq!(counted["missing_member_with_elevated_permissions"], false);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn membership_quota() {
    let api = Api::empty().await;
    let a = api.user("Quo", "Ta").await;
    let b = api.user("Ful", "L").await;
    let o = api
        .post(
            "/v1/organizations",
            json!({ "name": "Tiny", "created_by": a, "max_allowed_memberships": 2 }),
        )
        .await
        .ok();
    let oid = s(&o["id"]);
    api.post(
        &format!("/v1/organizations/{oid}/invitations"),
        json!({ "email_address": "seat@example.com", "role": "org:member" }),
    )
    .await
    .ok();
    api.post(
        &format!("/v1/organizations/{oid}/memberships"),
        json!({ "user_id": b, "role": "org:member" }),
    )
    .await
    .expect_error(403, "organization_membership_quota_exceeded");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn sessions_lifecycle() {
    let api = Api::empty().await;
    let uid = api.user("Ses", "Sion").await;
    let s1 = api
        .post("/v1/sessions", json!({ "user_id": uid }))
        .await
        .ok();
    let s2 = api
        .post("/v1/sessions", json!({ "user_id": uid }))
        .await
        .ok();
    let user = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert!(user["last_sign_in_at"].is_i64());
    let list = api
        .get(&format!("/v1/sessions?user_id={uid}&status=active"))
        .await
        .ok();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let by_client = api
        .get(&format!("/v1/sessions?client_id={}", s(&s1["client_id"])))
        .await
        .ok();
    assert_eq!(by_client.as_array().unwrap().len(), 1);
    let revoked = api
        .post_empty(&format!("/v1/sessions/{}/revoke", s(&s1["id"])))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    // Banning revokes the remaining sessions and blocks new ones.
    api.post_empty(&format!("/v1/users/{uid}/ban")).await.ok();
    let got = api
        .get(&format!("/v1/sessions/{}", s(&s2["id"])))
        .await
        .ok();
    assert_eq!(got["status"], "revoked");
    api.post("/v1/sessions", json!({ "user_id": uid }))
        .await
        .expect_error(403, "user_banned");
    api.post("/v1/sessions", json!({ "user_id": "user_missing" }))
        .await
        .expect_error(404, "resource_not_found");
    api.post("/v1/sessions", json!({}))
        .await
        .expect_error(422, "form_param_missing");
    api.get("/v1/sessions?status=sleeping")
        .await
        .expect_error(422, "form_param_value_invalid");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn ban_and_lock() {
    let api = Api::empty().await;
    let uid = api.user("Lock", "Ed").await;
    let u = api.post_empty(&format!("/v1/users/{uid}/lock")).await.ok();
    assert_eq!(u["locked"], true);
    assert!(u["lockout_expires_in_seconds"].is_i64());
    let u = api
        .post_empty(&format!("/v1/users/{uid}/unlock"))
        .await
        .ok();
    assert_eq!(u["locked"], false);
    assert_eq!(u["lockout_expires_in_seconds"], Value::Null);
    let u = api.post_empty(&format!("/v1/users/{uid}/ban")).await.ok();
    assert_eq!(u["banned"], true);
    let u = api.post_empty(&format!("/v1/users/{uid}/unban")).await.ok();
    assert_eq!(u["banned"], false);
    api.post_empty("/v1/users/user_missing/ban")
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn email_and_phone_identifications() {
    let api = Api::empty().await;
    let uid = api.user("Iden", "Tity").await;
    let e = api
        .post("/v1/email_addresses", json!({ "user_id": uid, "email_address": "second@example.com", "verified": true, "primary": true }))
        .await
        .ok();
    let eid = s(&e["id"]);
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(u["primary_email_address_id"], json!(eid));
    assert_eq!(u["email_addresses"].as_array().unwrap().len(), 2);
    let unverified = api
        .post(
            "/v1/email_addresses",
            json!({ "user_id": uid, "email_address": "third@example.com" }),
        )
        .await
        .ok();
    assert_eq!(unverified["verification"], Value::Null);
    let verified = api
        .patch(
            &format!("/v1/email_addresses/{}", s(&unverified["id"])),
            json!({ "verified": true }),
        )
        .await
        .ok();
    assert_eq!(verified["verification"]["status"], "verified");
    api.delete(&format!("/v1/email_addresses/{eid}")).await.ok();
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_ne!(u["primary_email_address_id"], json!(eid));
    api.get(&format!("/v1/email_addresses/{eid}"))
        .await
        .expect_error(404, "resource_not_found");

    let only = api
        .post(
            "/v1/users",
            json!({ "phone_number": ["+15550107777"], "skip_user_requirement": true }),
        )
        .await
        .ok();
    let pid = s(&only["phone_numbers"][0]["id"]);
    api.delete(&format!("/v1/phone_numbers/{pid}"))
        .await
        .expect_error(400, "identification_deletion_failed");
    api.post(
        "/v1/phone_numbers",
        json!({ "user_id": uid, "phone_number": "+15550108888", "reserved_for_second_factor": true }),
    )
    .await
    .expect_error(400, "identification_create_second_factor_unverified");
    let p = api
        .post("/v1/phone_numbers", json!({ "user_id": uid, "phone_number": "+15550108888", "verified": true, "reserved_for_second_factor": true }))
        .await
        .ok();
    assert_eq!(p["default_second_factor"], true);
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(u["two_factor_enabled"], true);
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn rate_limit_like_a_development_instance() {
    let api = Api::start(
        EmulatorConfig::default()
            .with_seed(Seed::Empty)
            .with_rate_limit(RateLimit::development()),
    )
    .await;
    assert_eq!(
        RateLimit::development(),
        RateLimit::new(100, Duration::from_secs(10))
    );
    for _ in 0..100 {
        api.get("/v1/users/count").await.ok();
    }
    let r = api.get("/v1/users/count").await;
    r.expect_error(429, "too_many_requests");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry), "Retry-After {retry}");
    // Turning it off at runtime.
    api.emulator.set_rate_limit(None);
    api.get("/v1/users/count").await.ok();
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn rate_limit_window_slides_and_admin_api() {
    let api = Api::empty().await;
    // Off by default.
    for _ in 0..20 {
        api.get("/v1/users/count").await.ok();
    }
    let admin = format!("{}/__emulator", api.base);
    let r = api
        .client
        .put(format!("{admin}/rate_limit"))
        .json(&json!({ "requests": 3, "per_ms": 400 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    for _ in 0..3 {
        api.get("/v1/users/count").await.ok();
    }
    let r = api.get("/v1/users/count").await;
    r.expect_error(429, "too_many_requests");
    assert_eq!(r.headers["retry-after"], "1");
    tokio::time::sleep(Duration::from_millis(450)).await;
    api.get("/v1/users/count").await.ok();
    let cfg: Value = api
        .client
        .get(format!("{admin}/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["rate_limit"], json!({ "requests": 3, "per_ms": 400 }));
    api.client
        .delete(format!("{admin}/rate_limit"))
        .send()
        .await
        .unwrap();
    for _ in 0..10 {
        api.get("/v1/users/count").await.ok();
    }
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn fault_injection() {
    let api = Api::start(
        EmulatorConfig::default()
            .with_seed(Seed::Empty)
            .with_fault(Fault::status("GET", "/v1/users", 503).times(2)),
    )
    .await;
    // POSTs are not affected by a GET fault.
    api.post("/v1/users", json!({ "skip_user_requirement": true }))
        .await
        .ok();
    api.get("/v1/users")
        .await
        .expect_error(503, "service_unavailable");
    api.get("/v1/users/count")
        .await
        .expect_error(503, "service_unavailable");
    api.get("/v1/users").await.ok();
    api.get("/v1/organizations").await.ok();

    // A dropped connection.
    api.emulator
        .add_fault(Fault::drop_connection("*", "/v1/organizations").times(1));
    let err = api
        .client
        .get(format!("{}/v1/organizations", api.base))
        .bearer_auth(&api.key)
        .send()
        .await;
    assert!(err.is_err(), "expected a transport error, got {err:?}");
    api.get("/v1/organizations").await.ok();

    // Through the admin API, with faults that never run out.
    let admin = format!("{}/__emulator/faults", api.base);
    let r = api
        .client
        .post(&admin)
        .json(&json!({ "method": "POST", "path_prefix": "/v1/invitations", "status": 500 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    for _ in 0..3 {
        api.post(
            "/v1/invitations",
            json!({ "email_address": "f@example.com" }),
        )
        .await
        .expect_error(500, "internal_clerk_error");
    }
    let listed: Value = api
        .client
        .get(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    api.client.delete(&admin).send().await.unwrap();
    api.post(
        "/v1/invitations",
        json!({ "email_address": "f@example.com" }),
    )
    .await
    .ok();
    // Faults come before authentication, like an unhealthy edge.
    api.emulator
        .add_fault(Fault::status("GET", "/v1/sessions", 504).times(1));
    api.send_with_auth("GET", "/v1/sessions", None, None)
        .await
        .expect_error(504, "gateway_timeout");
    api.emulator.clear_faults();
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn injected_latency() {
    let api = Api::start(
        EmulatorConfig::default()
            .with_seed(Seed::Empty)
            .with_latency(Duration::from_millis(120)),
    )
    .await;
    let t = Instant::now();
    api.get("/v1/users").await.ok();
    assert!(t.elapsed() >= Duration::from_millis(120));
    api.emulator.set_latency(None);
    let t = Instant::now();
    api.get("/v1/users").await.ok();
    assert!(t.elapsed() < Duration::from_millis(120));
    let r = api
        .client
        .put(format!("{}/__emulator/latency", api.base))
        .json(&json!({ "ms": 80 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let t = Instant::now();
    api.get("/v1/users").await.ok();
    assert!(t.elapsed() >= Duration::from_millis(80));
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn save_and_load_round_trip() {
    let api = Api::demo().await;
    let uid = api.user("Saved", "User").await;
    api.patch(
        &format!("/v1/users/{uid}/metadata"),
        json!({ "public_metadata": { "saved": true } }),
    )
    .await
    .ok();
    let path = temp_path("state.json");
    api.emulator.save(&path).unwrap();
    let before = api.get(&format!("/v1/users/{uid}")).await.ok();
    let snapshot = api.emulator.snapshot();
    api.emulator.shutdown().await;

    let loaded = Api::start(EmulatorConfig::default().with_seed(Seed::File(path.clone()))).await;
    let after = loaded.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(before, after);
    assert_eq!(loaded.emulator.snapshot(), snapshot);
    // New ids keep coming without collisions.
    let fresh = loaded.user("Fresh", "Id").await;
    assert!(!snapshot.users.contains_key(&fresh));
    loaded.emulator.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(State::from_json(&text).unwrap(), snapshot);
    std::fs::write(&path, "{ not json").unwrap();
    let err = Emulator::start(EmulatorConfig::default().with_seed(Seed::File(path.clone())))
        .await
        .unwrap_err();
    assert!(matches!(err, EmulatorError::SeedFile { .. }), "{err}");
    std::fs::remove_file(&path).ok();
    let err = Emulator::start(EmulatorConfig::default().with_seed(Seed::File(path)))
        .await
        .unwrap_err();
    assert!(matches!(err, EmulatorError::SeedFile { .. }));
}

#[tokio::test]
async fn admin_state_and_reset() {
    let api = Api::demo().await;
    let admin = format!("{}/__emulator", api.base);
    let dump: Value = api
        .client
        .get(format!("{admin}/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dump["users"].as_object().unwrap().len(), 50);
    let r = api
        .client
        .post(format!("{admin}/reset"))
        .json(&json!({ "seed": "empty" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(api.get("/v1/users/count").await.ok()["total_count"], 0);
    let r = api
        .client
        .put(format!("{admin}/state"))
        .json(&dump)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(api.get("/v1/users/count").await.ok()["total_count"], 50);
    api.emulator.reset(Seed::Empty).unwrap();
    assert_eq!(api.get("/v1/users/count").await.ok()["total_count"], 0);
    api.emulator.shutdown().await;
}

#[test]
fn demo_seed_is_deterministic_and_fast() {
    let t = Instant::now();
    let a = Seed::Demo.load().unwrap();
    let elapsed = t.elapsed();
    let b = Seed::Demo.load().unwrap();
    // Same ids, names and emails every run (timestamps are relative to now).
    assert_eq!(
        a.users.keys().collect::<Vec<_>>(),
        b.users.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        a.organizations.keys().collect::<Vec<_>>(),
        b.organizations.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        a.memberships.keys().collect::<Vec<_>>(),
        b.memberships.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        a.invitations.keys().collect::<Vec<_>>(),
        b.invitations.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        a.organization_invitations.keys().collect::<Vec<_>>(),
        b.organization_invitations.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        a.sessions.keys().collect::<Vec<_>>(),
        b.sessions.keys().collect::<Vec<_>>()
    );
    for (id, u) in &a.users {
        assert_eq!(u.email_addresses, {
            let mut e = b.users[id].email_addresses.clone();
            for (x, y) in e.iter_mut().zip(&u.email_addresses) {
                x.created_at = y.created_at;
                x.updated_at = y.updated_at;
            }
            e
        });
        assert_eq!(u.first_name, b.users[id].first_name);
        assert!(u.email_addresses[0].email_address.ends_with("@example.com"));
    }
    assert_eq!(a.organizations.len(), 4);
    assert_eq!(a.users.len(), 50);
    assert!(a.memberships.values().any(|m| m.role == "org:admin"));
    assert!(a.memberships.values().any(|m| m.role == "org:member"));
    assert!(
        a.organization_invitations
            .values()
            .filter(|i| i.status == "pending")
            .count()
            >= 4
    );
    assert!(
        a.invitations
            .values()
            .filter(|i| i.status == "pending")
            .count()
            >= 3
    );
    assert!(a.sessions.values().filter(|s| s.status == "active").count() >= 10);
    let prefixes = a
        .users
        .keys()
        .all(|k| k.starts_with("user_") && k.len() == 5 + 27);
    assert!(prefixes);
    // Generous bound for unoptimized builds; release seeding is well under 1 ms.
    assert!(
        elapsed < Duration::from_millis(50),
        "demo seed took {elapsed:?}"
    );
}

#[tokio::test]
async fn router_and_bind_can_be_used_directly() {
    let app = clerk_emulator::router(EmulatorConfig::default().with_seed(Seed::Empty)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum_serve(listener, app).await });
    let r = common::http_client()
        .get(format!("http://{addr}/v1/users/count"))
        .bearer_auth(clerk_emulator::DEFAULT_SECRET_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    task.abort();

    let e = Emulator::bind(
        EmulatorConfig::default().with_seed(Seed::Empty),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    assert!(e.url().starts_with("http://127.0.0.1:"));
    assert_eq!(e.url(), format!("http://{}", e.addr()));
    e.shutdown().await;
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    axum::serve(listener, app).await.unwrap();
}

/// A client that never finishes its request head is disconnected, not kept for ever.
#[tokio::test]
async fn unfinished_request_heads_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = clerk_emulator::EmulatorConfig {
        header_read_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let emulator = clerk_emulator::Emulator::start(config).await.unwrap();
    let addr = emulator.url().trim_start_matches("http://").to_string();
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut half = tokio::net::TcpStream::connect(&addr).await.unwrap();
    half.write_all(b"GET /v1/users HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    for stream in [&mut silent, &mut half] {
        let mut buf = [0u8; 64];
        let closed =
            tokio::time::timeout(std::time::Duration::from_secs(3), stream.read(&mut buf)).await;
        match closed {
            Ok(Ok(_)) | Ok(Err(_)) => {}
            Err(_) => panic!("the connection was still open after 3 s"),
        }
    }
    // Complete requests are still served.
    clerk_api::install_crypto_provider();
    let r = reqwest::Client::new()
        .get(format!("{}/__emulator/health", emulator.url()))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

#[tokio::test]
async fn second_factors_and_passwords_can_be_removed() {
    let api = Api::empty().await;
    let u = api
        .post(
            "/v1/users",
            json!({ "email_address": ["mfa@example.com"], "password": "a-fine-passphrase",
                    "totp_secret": "AICJ3HCXKO4KOU6NDHPCMPT4G3AQ", "backup_codes": ["a1", "b2"] }),
        )
        .await
        .ok();
    let uid = s(&u["id"]);
    assert_eq!(
        (u["totp_enabled"].clone(), u["two_factor_enabled"].clone()),
        (json!(true), json!(true))
    );
    let r = api.delete(&format!("/v1/users/{uid}/totp")).await.ok();
    assert_eq!(r, json!({ "user_id": uid }));
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(u["totp_enabled"], false);
    assert_eq!(u["backup_code_enabled"], true);
    api.delete(&format!("/v1/users/{uid}/backup_code"))
        .await
        .ok();
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(u["two_factor_enabled"], false);
    assert!(u["mfa_disabled_at"].is_i64());
    api.delete(&format!("/v1/users/{uid}/mfa")).await.ok();
    let u = api
        .post_empty(&format!("/v1/users/{uid}/remove_password"))
        .await
        .ok();
    assert_eq!(u["password_enabled"], false);
    let again = api
        .post_empty(&format!("/v1/users/{uid}/remove_password"))
        .await
        .ok();
    assert_eq!(
        again["password_enabled"], false,
        "unchanged without a password"
    );
    api.delete("/v1/users/user_missing/mfa")
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn identifications_are_verified_with_the_emulator_code() {
    let api = Api::empty().await;
    let uid = api.user("Vera", "Verify").await;
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    let old_email = s(&u["email_addresses"][0]["id"]);
    let e = api
        .put(
            &format!("/v1/users/{uid}/email_address"),
            json!({ "email_address": "Vera.New@Example.com", "identification_status": "unverified" }),
        )
        .await
        .ok();
    assert_eq!(e["email_address"], "vera.new@example.com");
    assert_eq!(e["verification"], Value::Null);
    let eid = s(&e["id"]);
    let u = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(
        u["email_addresses"].as_array().unwrap().len(),
        1,
        "replaced"
    );
    assert_eq!(u["primary_email_address_id"], json!(eid));
    api.get(&format!("/v1/email_addresses/{old_email}"))
        .await
        .expect_error(404, "resource_not_found");

    let v = api
        .post_empty(&format!("/v1/email_addresses/{eid}/prepare_verification"))
        .await
        .ok();
    assert_eq!(v["status"], "unverified");
    assert_eq!(v["strategy"], "email_code");
    assert_eq!(v["attempts"], 0);
    assert!(v["expire_at"].as_i64().unwrap() > 0);
    let attempt = format!("/v1/email_addresses/{eid}/attempt_verification");
    let wrong = api
        .post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "111111" }),
        )
        .await
        .ok();
    assert_eq!(
        (wrong["status"].clone(), wrong["attempts"].clone()),
        (json!("unverified"), json!(1)),
        "a wrong code is reported in the status, not as an error"
    );
    assert_eq!(
        api.get(&format!("/v1/email_addresses/{eid}")).await.ok()["verification"],
        Value::Null
    );
    let ok = api
        .post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "424242" }),
        )
        .await
        .ok();
    assert_eq!(
        (ok["status"].clone(), ok["attempts"].clone()),
        (json!("verified"), json!(2))
    );
    assert_eq!(
        api.get(&format!("/v1/email_addresses/{eid}")).await.ok()["verification"]["status"],
        "verified"
    );
    api.post(
        &attempt,
        json!({ "verification_id": v["id"], "code": "424242" }),
    )
    .await
    .expect_error(400, "verification_already_verified");
    api.post(&attempt, json!({ "verification_id": v["id"] }))
        .await
        .expect_error(422, "form_param_missing");

    // Three wrong codes fail a verification for good.
    let p = api
        .put(
            &format!("/v1/users/{uid}/phone_number"),
            json!({ "phone_number": "+15550004444", "identification_status": "reserved" }),
        )
        .await
        .ok();
    assert_eq!(p["reserved"], true);
    let pid = s(&p["id"]);
    let v = api
        .post_empty(&format!("/v1/phone_numbers/{pid}/prepare_verification"))
        .await
        .ok();
    assert_eq!(v["channel"], "sms");
    let attempt = format!("/v1/phone_numbers/{pid}/attempt_verification");
    for n in 1..=3 {
        let r = api
            .post(
                &attempt,
                json!({ "verification_id": v["id"], "code": "999999" }),
            )
            .await
            .ok();
        assert_eq!(r["attempts"], n);
    }
    let failed = api
        .post(
            &attempt,
            json!({ "verification_id": v["id"], "code": "424242" }),
        )
        .await
        .ok();
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        api.get(&format!("/v1/phone_numbers/{pid}")).await.ok()["verification"],
        Value::Null
    );
    // A verification belongs to its identification.
    api.post(
        &format!("/v1/email_addresses/{eid}/attempt_verification"),
        json!({ "verification_id": v["id"], "code": "424242" }),
    )
    .await
    .expect_error(404, "resource_not_found");

    // Replacing: unknown users, taken and malformed identifiers.
    let other = api.user("Otto", "Other").await;
    let o = api.get(&format!("/v1/users/{other}")).await.ok();
    api.put(
        &format!("/v1/users/{uid}/email_address"),
        json!({ "email_address": o["email_addresses"][0]["email_address"] }),
    )
    .await
    .expect_error(422, "form_identifier_exists");
    api.put(
        &format!("/v1/users/{uid}/email_address"),
        json!({ "email_address": "not-an-email" }),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    api.put(
        &format!("/v1/users/{uid}/phone_number"),
        json!({ "phone_number": "+15550004444", "identification_status": "maybe" }),
    )
    .await
    .expect_error(422, "form_param_value_invalid");
    api.put(
        "/v1/users/user_missing/email_address",
        json!({ "email_address": "x@example.com" }),
    )
    .await
    .expect_error(404, "resource_not_found");
    let kept = api
        .put(
            &format!("/v1/users/{uid}/email_address"),
            json!({ "email_address": "vera.new@example.com" }),
        )
        .await
        .ok();
    assert_eq!(kept["id"], json!(eid), "the same address keeps its id");
    assert_eq!(kept["verification"]["strategy"], "admin");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn passwords_totp_and_backup_codes_are_verified() {
    let api = Api::empty().await;
    let u = api
        .post(
            "/v1/users",
            json!({ "email_address": ["pw@example.com"], "password": "a-fine-passphrase",
                    "totp_secret": "AICJ3HCXKO4KOU6NDHPCMPT4G3AQ", "backup_codes": ["a1", "b2"] }),
        )
        .await
        .ok();
    let uid = s(&u["id"]);
    let verify = format!("/v1/users/{uid}/verify_password");
    assert_eq!(
        api.post(&verify, json!({ "password": "a-fine-passphrase" }))
            .await
            .ok(),
        json!({ "verified": true })
    );
    api.post(&verify, json!({ "password": "A-FINE-PASSPHRASE" }))
        .await
        .expect_error(422, "form_password_incorrect");
    api.post(&verify, json!({}))
        .await
        .expect_error(422, "form_param_missing");
    api.patch(
        &format!("/v1/users/{uid}"),
        json!({ "password": "a-newer-passphrase" }),
    )
    .await
    .ok();
    api.post(&verify, json!({ "password": "a-fine-passphrase" }))
        .await
        .expect_error(422, "form_password_incorrect");
    api.post(&verify, json!({ "password": "a-newer-passphrase" }))
        .await
        .ok();

    let totp = format!("/v1/users/{uid}/verify_totp");
    assert_eq!(
        api.post(&totp, json!({ "code": clerk_emulator::TOTP_CODE }))
            .await
            .ok()["code_type"],
        "totp"
    );
    assert_eq!(
        api.post(&totp, json!({ "code": "b2" })).await.ok()["code_type"],
        "backup_code"
    );
    api.post(&totp, json!({ "code": "b2" }))
        .await
        .expect_error(422, "form_code_incorrect");
    api.delete(&format!("/v1/users/{uid}/totp")).await.ok();
    api.post(&totp, json!({ "code": clerk_emulator::TOTP_CODE }))
        .await
        .expect_error(422, "form_code_incorrect");
    api.post(&totp, json!({ "code": "a1" })).await.ok();
    api.delete(&format!("/v1/users/{uid}/backup_code"))
        .await
        .ok();
    api.post(&totp, json!({ "code": "a1" }))
        .await
        .expect_error(400, "totp_not_enabled");

    // Compromised passwords: setting one can sign the user out everywhere.
    let sess = api
        .post("/v1/sessions", json!({ "user_id": uid }))
        .await
        .ok();
    let set = format!("/v1/users/{uid}/password/set_compromised");
    api.post(&set, json!({})).await.ok();
    assert_eq!(
        api.get(&format!("/v1/sessions/{}", s(&sess["id"])))
            .await
            .ok()["status"],
        "active"
    );
    api.post(&set, json!({ "revoke_all_sessions": true }))
        .await
        .ok();
    assert_eq!(
        api.get(&format!("/v1/sessions/{}", s(&sess["id"])))
            .await
            .ok()["status"],
        "revoked"
    );
    assert!(api.emulator.snapshot().users[&uid].password_compromised);
    api.post_empty(&format!("/v1/users/{uid}/password/unset_compromised"))
        .await
        .ok();
    assert!(!api.emulator.snapshot().users[&uid].password_compromised);
    api.post_empty(&format!("/v1/users/{uid}/remove_password"))
        .await
        .ok();
    api.post(&verify, json!({ "password": "a-newer-passphrase" }))
        .await
        .expect_error(400, "password_not_set");
    api.post(&set, json!({}))
        .await
        .expect_error(400, "password_not_set");
    api.post(
        "/v1/users/user_missing/verify_password",
        json!({ "password": "x" }),
    )
    .await
    .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn demo_users_have_the_documented_password_and_sessions_refresh() {
    let api = Api::demo().await;
    let users = api.get("/v1/users?limit=20").await.ok();
    let with_password = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["password_enabled"] == true)
        .unwrap();
    api.post(
        &format!("/v1/users/{}/verify_password", s(&with_password["id"])),
        json!({ "password": clerk_emulator::DEMO_PASSWORD }),
    )
    .await
    .ok();

    let sessions = api.get("/v1/sessions?status=active&limit=2").await.ok();
    let (a, b) = (s(&sessions[0]["id"]), s(&sessions[1]["id"]));
    let token = api
        .post_empty(&format!("/v1/sessions/{a}/tokens"))
        .await
        .ok();
    let body = |t: &Value| json!({"expired_token": t["jwt"], "refresh_token": "rt", "request_origin": "http://localhost:3000"});
    let fresh = api
        .post(&format!("/v1/sessions/{a}/refresh"), body(&token))
        .await
        .ok();
    assert_eq!(fresh["object"], "token");
    let payload = s(&fresh["jwt"]).split('.').nth(1).unwrap().to_string();
    let claims: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(payload.as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        claims["sid"],
        json!(a),
        "a session token of the same session"
    );
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    api.post(&format!("/v1/sessions/{b}/refresh"), body(&token))
        .await
        .expect_error(401, "authentication_invalid");
    let cookies = api
        .post(
            &format!("/v1/sessions/{a}/refresh"),
            json!({"expired_token": token["jwt"], "refresh_token": "rt", "request_origin": "x", "format": "cookie"}),
        )
        .await
        .ok();
    assert!(
        cookies["cookies"][0]
            .as_str()
            .unwrap()
            .starts_with("__session=ey")
    );
    api.post_empty(&format!("/v1/sessions/{a}/revoke"))
        .await
        .ok();
    api.post(&format!("/v1/sessions/{a}/refresh"), body(&token))
        .await
        .expect_error(401, "authentication_invalid");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn passkeys_wallets_accounts_and_trusted_devices_are_deleted() {
    let api = Api::demo().await;
    let st = api.emulator.snapshot();
    let u = st
        .users
        .values()
        .find(|u| !u.external_accounts.is_empty() && !u.passkeys.is_empty())
        .unwrap();
    let uid = u.id.clone();
    let user = api.get(&format!("/v1/users/{uid}")).await.ok();
    let account = &user["external_accounts"][0];
    assert_eq!(account["provider"], "oauth_google");
    assert!(
        account.get("_access_token").is_none(),
        "private keys stay private"
    );
    let eid = s(&account["id"]);

    let tokens = api
        .get(&format!("/v1/users/{uid}/oauth_access_tokens/oauth_google"))
        .await
        .ok();
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    assert_eq!(tokens[0]["external_account_id"], json!(eid));
    assert!(s(&tokens[0]["token"]).starts_with("ya29."));
    let short = api
        .get(&format!("/v1/users/{uid}/oauth_access_tokens/google"))
        .await
        .ok();
    assert_eq!(short, tokens, "the provider without its oauth_ prefix");
    assert_eq!(
        api.get(&format!("/v1/users/{uid}/oauth_access_tokens/oauth_github"))
            .await
            .ok(),
        json!([])
    );
    let deleted = api
        .delete(&format!("/v1/users/{uid}/external_accounts/{eid}"))
        .await
        .ok();
    assert_eq!(
        deleted,
        json!({ "object": "external_account", "id": eid, "deleted": true })
    );
    assert_eq!(
        api.get(&format!("/v1/users/{uid}/oauth_access_tokens/oauth_google"))
            .await
            .ok(),
        json!([]),
        "no account, no token"
    );

    let pk = s(&user["passkeys"][0]["id"]);
    api.delete(&format!("/v1/users/{uid}/passkeys/{pk}"))
        .await
        .ok();
    let user = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(user["passkeys"], json!([]));
    assert_eq!(user["external_accounts"], json!([]));
    api.delete(&format!("/v1/users/{uid}/passkeys/{pk}"))
        .await
        .expect_error(404, "resource_not_found");

    let w = st
        .users
        .values()
        .find(|u| !u.web3_wallets.is_empty())
        .unwrap();
    let wid = s(&w.web3_wallets[0]["id"]);
    let user = api.get(&format!("/v1/users/{}", w.id)).await.ok();
    assert_eq!(user["primary_web3_wallet_id"], json!(wid));
    api.delete(&format!("/v1/users/{}/web3_wallets/{wid}", w.id))
        .await
        .ok();
    let user = api.get(&format!("/v1/users/{}", w.id)).await.ok();
    assert_eq!(user["primary_web3_wallet_id"], Value::Null);
    assert_eq!(user["web3_wallets"], json!([]));

    let d = st
        .users
        .values()
        .find(|u| !u.trusted_devices.is_empty())
        .unwrap();
    let did = s(&d.trusted_devices[0]["id"]);
    let list = api
        .get(&format!("/v1/users/{}/trusted_devices", d.id))
        .await
        .ok();
    assert_eq!(list["total_count"], 1);
    let revoked = api
        .delete(&format!("/v1/users/{}/trusted_devices/{did}", d.id))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    assert!(revoked["revoked_at"].is_i64());
    assert_eq!(
        api.get(&format!("/v1/users/{}/trusted_devices", d.id))
            .await
            .ok(),
        json!({ "data": [], "total_count": 0 })
    );
    api.get("/v1/users/user_missing/trusted_devices")
        .await
        .expect_error(404, "resource_not_found");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn beta_instance_settings_domain_changes_and_the_interstitial() {
    let api = Api::demo().await;
    let s1 = api
        .patch(
            "/v1/beta_features/instance_settings",
            json!({ "restricted_to_allowlist": true, "from_email_address": "support" }),
        )
        .await
        .ok();
    assert_eq!(s1["object"], "instance_settings");
    assert_eq!(
        (
            s1["restricted_to_allowlist"].clone(),
            s1["from_email_address"].clone()
        ),
        (json!(true), json!("support"))
    );
    let s2 = api
        .patch(
            "/v1/beta_features/instance_settings",
            json!({ "progressive_sign_up": true }),
        )
        .await
        .ok();
    assert_eq!(
        s2["from_email_address"], "support",
        "a PATCH keeps the rest"
    );
    assert_eq!(s2["progressive_sign_up"], true);

    api.post(
        "/v1/instance/change_domain",
        json!({ "home_url": "https://www.Acme.dev/app" }),
    )
    .await
    .ok_with(202);
    let domains = api.get("/v1/domains").await.ok();
    let primary = domains["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["is_satellite"] == false)
        .unwrap();
    assert_eq!(primary["name"], "acme.dev");
    assert_eq!(primary["frontend_api_url"], "https://clerk.acme.dev");
    api.put("/v1/beta_features/domain", json!({}))
        .await
        .expect_error(422, "form_param_missing");

    // The interstitial is public HTML that loads clerk.js from the Frontend API.
    let client = common::http_client();
    let pk = format!(
        "pk_test_{}",
        data_encoding::BASE64.encode(b"clerk.acme.dev$")
    );
    let r = client
        .get(format!(
            "{}/v1/public/interstitial?publishable_key={pk}&sign_in_url=%22%3E%3Cscript%3E",
            api.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"data-clerk-frontend-api="clerk.acme.dev""#),
        "{html}"
    );
    assert!(
        html.contains("https://clerk.acme.dev/npm/@clerk/clerk-js"),
        "{html}"
    );
    assert!(
        html.contains("&quot;&gt;&lt;script&gt;"),
        "query values are escaped: {html}"
    );
    common::Spec::get().validate_empty("GET", "/v1/public/interstitial", 200);
    let r = client
        .get(format!("{}/v1/public/interstitial", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "form_param_missing");
    api.emulator.shutdown().await;
}

#[tokio::test]
async fn uploaded_images_set_and_clear_image_urls() {
    let api = Api::empty().await;
    let uid = api.user("Ima", "Ge").await;
    let before = api.get(&format!("/v1/users/{uid}")).await.ok();
    assert_eq!(before["has_image"], false);
    let u = api
        .upload(
            "POST",
            &format!("/v1/users/{uid}/profile_image"),
            Some(("image/gif", b"GIF89a")),
            &[],
        )
        .await
        .ok();
    assert_eq!(u["has_image"], true);
    let url = s(&u["image_url"]);
    let encoded = url.strip_prefix("https://img.clerk.com/").unwrap();
    let src: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(encoded.as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert!(s(&src["src"]).starts_with("https://images.clerk.dev/uploaded/img_"));
    assert_eq!(
        api.get(&format!("/v1/users/{uid}")).await.ok()["image_url"],
        json!(url)
    );
    let cleared = api
        .delete(&format!("/v1/users/{uid}/profile_image"))
        .await
        .ok();
    assert_eq!(cleared["has_image"], false);
    assert_eq!(cleared["image_url"], before["image_url"]);

    let org = api.org("Logo Co", "logo-co", None).await;
    let o = api
        .upload(
            "PUT",
            "/v1/organizations/logo-co/logo",
            Some(("image/png", b"png")),
            &[("uploader_user_id", &uid)],
        )
        .await
        .ok();
    assert_eq!(o["has_image"], true);
    assert_eq!(
        api.get(&format!("/v1/organizations/{org}")).await.ok()["image_url"],
        o["image_url"]
    );
    api.upload(
        "PUT",
        "/v1/organizations/logo-co/logo",
        Some(("image/png", b"png")),
        &[("uploader_user_id", "user_missing")],
    )
    .await
    .expect_error(404, "resource_not_found");
    api.upload(
        "PUT",
        "/v1/organizations/logo-co/logo",
        Some(("image/png", b"png")),
        &[("bogus", "1")],
    )
    .await
    .expect_error(422, "form_param_unknown");
    let o = api
        .delete(&format!("/v1/organizations/{org}/logo"))
        .await
        .ok();
    assert_eq!(o["has_image"], false);
    // A JSON body is not an upload.
    api.post(
        &format!("/v1/users/{uid}/profile_image"),
        json!({"file": "x"}),
    )
    .await
    .expect_error(400, "request_body_invalid");
    api.emulator.shutdown().await;
}
