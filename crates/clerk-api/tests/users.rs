//! Users: every operation's method, path, query and body, against responses built from the
//! spec.

mod support;

use clerk_api::users::{CreateUser, UpdateUser, UserMetadata};
use clerk_api::{Error, FileUpload};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The spec's example user with the given id.
fn user(id: &str) -> Value {
    let mut u = example("GET", "/users/{user_id}");
    u["id"] = json!(id);
    u
}

fn deleted(object: &str, id: &str) -> Value {
    let mut d = example("DELETE", "/users/{user_id}");
    d["object"] = json!(object);
    d["id"] = json!(id);
    d["deleted"] = json!(true);
    d
}

// ---------------------------------------------------------------------------------------------
// Lists and counts

#[tokio::test]
async fn list_sends_repeated_filters_and_counts_with_the_same_filters() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(ClerkHeaders)
        .and(query_is(&[
            ("email_address", "a@x.co"),
            ("email_address", "b@x.co"),
            ("banned", "false"),
            ("order_by", "-created_at"),
            ("limit", "10"),
            ("offset", "20"),
        ]))
        .respond_with(ok(example("GET", "/users")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .and(query_is(&[
            ("email_address", "a@x.co"),
            ("email_address", "b@x.co"),
            ("banned", "false"),
        ]))
        .respond_with(ok(json!({"object": "total_count", "total_count": 42})))
        .expect(1)
        .mount(&server)
        .await;

    let page = clerk
        .users()
        .list()
        .email_address(["a@x.co", "b@x.co"])
        .banned(false)
        .order_by("-created_at")
        .limit(10)
        .offset(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(42));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, "example");
}

#[tokio::test]
async fn list_sends_every_filter() {
    let (server, clerk) = setup().await;
    let filters = [
        ("phone_number", "+15555550100"),
        ("external_id", "ext_1"),
        ("username", "ada"),
        ("web3_wallet", "0xabc"),
        ("user_id", "user_1"),
        ("user_id", "user_2"),
        ("organization_id", "org_1"),
        ("provider_user_id", "g_1"),
        ("query", "ada"),
        ("email_address_query", "ada@"),
        ("phone_number_query", "555"),
        ("username_query", "ad"),
        ("name_query", "Love"),
        ("last_active_at_before", "10"),
        ("last_active_at_after", "11"),
        ("last_active_at_since", "12"),
        ("created_at_before", "13"),
        ("created_at_after", "14"),
        ("last_sign_in_at_before", "15"),
        ("last_sign_in_at_after", "16"),
        ("provider", "oauth_google"),
    ];
    let mut with_page = filters.to_vec();
    with_page.extend([("starting_after", "user_0"), ("limit", "5")]);
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_is(&with_page))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .and(query_is(&filters))
        .respond_with(ok(json!({"object": "total_count", "total_count": 0})))
        .expect(1)
        .mount(&server)
        .await;

    let page = clerk
        .users()
        .list()
        .phone_number(["+15555550100"])
        .external_id(["ext_1"])
        .username(["ada"])
        .web3_wallet(["0xabc"])
        .user_id(["user_1", "user_2"])
        .organization_id(["org_1"])
        .provider_user_id(["g_1"])
        .query("ada")
        .email_address_query("ada@")
        .phone_number_query("555")
        .username_query("ad")
        .name_query("Love")
        .last_active_at_before(10)
        .last_active_at_after(11)
        .last_active_at_since(12)
        .created_at_before(13)
        .created_at_after(14)
        .last_sign_in_at_before(15)
        .last_sign_in_at_after(16)
        .provider("oauth_google")
        .starting_after("user_0")
        .limit(5)
        .send()
        .await
        .unwrap();
    assert!(page.data.is_empty());
    assert_eq!(page.total_count, Some(0));
}

#[tokio::test]
async fn list_without_total_count_sends_no_count_request() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_is(&[("username", "ada")]))
        .respond_with(ok(example("GET", "/users")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .respond_with(ok(json!({"object": "total_count", "total_count": 1})))
        .expect(0)
        .mount(&server)
        .await;

    let page = clerk
        .users()
        .list()
        .username(["ada"])
        .without_total_count()
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, None);
    assert_eq!(page.data.len(), 1);
}

#[tokio::test]
async fn list_stream_walks_pages_and_stops_on_a_short_page() {
    let (server, clerk) = setup().await;
    for (offset, ids) in [
        ("0", vec!["user_1", "user_2"]),
        ("2", vec!["user_3", "user_4"]),
        ("4", vec!["user_5"]),
    ] {
        let body: Vec<Value> = ids.into_iter().map(user).collect();
        Mock::given(method("GET"))
            .and(path("/v1/users"))
            .and(query_is(&[
                ("order_by", "+created_at"),
                ("limit", "2"),
                ("offset", offset),
            ]))
            .respond_with(ok(json!(body)))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .respond_with(ok(json!({"object": "total_count", "total_count": 5})))
        .expect(0)
        .mount(&server)
        .await;

    let users: Vec<_> = clerk
        .users()
        .list()
        .order_by("+created_at")
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_1", "user_2", "user_3", "user_4", "user_5"]);
}

#[tokio::test]
async fn stream_yields_an_error_then_ends() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_is(&[("limit", "1"), ("offset", "0")]))
        .respond_with(ok(json!([user("user_1")])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .and(query_is(&[("limit", "1"), ("offset", "1")]))
        .respond_with(ResponseTemplate::new(422).set_body_json(clerk_error(
            "form_param_value_invalid",
            "bad",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let mut stream = clerk.users().list().limit(1).into_stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "user_1");
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn invalid_limit_is_rejected_before_sending() {
    let (server, clerk) = setup().await;
    let err = clerk.users().list().limit(501).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { field: "limit", .. }));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn count_sends_filters_without_order_or_cursor() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .and(query_is(&[
            ("user_id", "user_1"),
            ("user_id", "user_2"),
            ("query", "ada"),
        ]))
        .respond_with(ok(json!({"object": "total_count", "total_count": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let n = clerk
        .users()
        .list()
        .user_id(["user_1", "user_2"])
        .order_by("-created_at")
        .query("ada")
        .starting_after("user_0")
        .count()
        .await
        .unwrap();
    assert_eq!(n, 7);
}

#[tokio::test]
async fn count_without_filters() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .and(query_is(&[]))
        .respond_with(ok(example("GET", "/users/count")))
        .expect(1)
        .mount(&server)
        .await;
    let n = clerk.users().count().await.unwrap();
    let expected = example("GET", "/users/count")["total_count"]
        .as_u64()
        .unwrap();
    assert_eq!(n, expected);
}

#[tokio::test]
async fn organization_memberships_of_a_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1/organization_memberships"))
        .and(query_is(&[("limit", "20"), ("offset", "40")]))
        .respond_with(ok(example(
            "GET",
            "/users/{user_id}/organization_memberships",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .organization_memberships("user_1")
        .limit(20)
        .offset(40)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.total_count.is_some());
}

#[tokio::test]
async fn organization_invitations_of_a_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1/organization_invitations"))
        .and(query_is(&[("status", "pending")]))
        .respond_with(ok(example(
            "GET",
            "/users/{user_id}/organization_invitations",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .organization_invitations("user_1")
        .status("pending")
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.total_count.is_some());
}

#[tokio::test]
async fn oauth_access_tokens_are_paginated() {
    let (server, clerk) = setup().await;
    let mut token = example("GET", "/users/{user_id}/oauth_access_tokens/{provider}")[0].clone();
    token["token"] = json!("ya29.token");
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1/oauth_access_tokens/oauth_google"))
        .and(query_is(&[("paginated", "true"), ("limit", "5")]))
        .respond_with(ok(json!({"data": [token], "total_count": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .oauth_access_tokens("user_1", "oauth_google")
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(
        page.data[0].token.as_ref().map(clerk_api::Secret::expose),
        Some("ya29.token")
    );
}

#[tokio::test]
async fn oauth_access_tokens_accept_a_bare_array() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1/oauth_access_tokens/oauth_github"))
        .and(query_is(&[("paginated", "true")]))
        .respond_with(ok(example(
            "GET",
            "/users/{user_id}/oauth_access_tokens/{provider}",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .oauth_access_tokens("user_1", "oauth_github")
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, None);
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].provider.as_deref(), Some("example"));
}

#[tokio::test]
async fn trusted_devices_of_a_user() {
    let (server, clerk) = setup().await;
    let mut body = example("GET", "/users/{user_id}/trusted_devices");
    body["data"][0]["id"] = json!("td_1");
    body["total_count"] = json!(1);
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1/trusted_devices"))
        .and(query_is(&[]))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk.users().trusted_devices("user_1").await.unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.data[0].id, "td_1");
    assert_eq!(page.data[0].platform.as_deref(), Some("ios"));
}

// ---------------------------------------------------------------------------------------------
// Single users

#[tokio::test]
async fn get_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1"))
        .and(query_is(&[]))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk.users().get("user_1").await.unwrap();
    assert_eq!(u.id, "user_1");
}

#[tokio::test]
async fn empty_ids_are_rejected_before_sending() {
    let (server, clerk) = setup().await;
    let err = clerk.users().get(" ").await.unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "user_id",
            ..
        }
    ));
    let err = clerk
        .users()
        .delete_passkey("user_1", "")
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "passkey_identification_id",
            ..
        }
    ));
    let err = clerk
        .users()
        .oauth_access_tokens("user_1", "..")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "provider",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn create_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .and(body_json(json!({
            "first_name": "Ada",
            "email_address": ["ada@example.com"],
            "password": "correct horse battery staple",
            "public_metadata": {"plan": "pro"},
            "skip_legal_checks": true
        })))
        .respond_with(ok(user("user_new")))
        .expect(1)
        .mount(&server)
        .await;
    let mut public = clerk_api::Metadata::new();
    public.insert("plan".into(), json!("pro"));
    let u = clerk
        .users()
        .create(&CreateUser {
            first_name: Some("Ada".into()),
            email_address: vec!["ada@example.com".into()],
            password: Some("correct horse battery staple".into()),
            public_metadata: Some(public),
            skip_legal_checks: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(u.id, "user_new");
}

#[tokio::test]
async fn update_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/users/user_1"))
        .and(body_json(json!({
            "last_name": "Lovelace",
            "backup_codes": ["a", "b"],
            "create_organizations_limit": 3
        })))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk
        .users()
        .update(
            "user_1",
            &UpdateUser {
                last_name: Some("Lovelace".into()),
                backup_codes: Some(vec!["a".into(), "b".into()]),
                create_organizations_limit: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.id, "user_1");
}

/// Passwords, digests, TOTP secrets, backup codes and provider tokens are sent to Clerk as
/// plain strings but never appear in `Debug` output (logs, panics, errors).
#[test]
fn secrets_never_appear_in_debug() {
    let create = CreateUser {
        username: Some("ada".into()),
        password: Some("hunter2-create".into()),
        password_digest: Some("$2a$10$digestdigest".into()),
        totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
        backup_codes: vec!["backup-one".into()],
        ..Default::default()
    };
    let update = UpdateUser {
        password: Some("hunter2-update".into()),
        totp_secret: Some("JBSWY3DPEHPK3PXQ".into()),
        backup_codes: Some(vec!["backup-two".into()]),
        ..Default::default()
    };
    let token: clerk_api::OAuthAccessToken = serde_json::from_value(json!({
        "token": "ya29.provider-token", "token_secret": "oauth1-secret", "provider": "oauth_google"
    }))
    .unwrap();
    let phone: clerk_api::PhoneNumber = serde_json::from_value(json!({
        "id": "idn_1", "phone_number": "+15555550100", "backup_codes": ["backup-three"],
        "created_at": 1, "updated_at": 1
    }))
    .unwrap();
    let debug = format!("{create:?} {update:?} {token:?} {phone:?} {create:#?}");
    for secret in [
        "hunter2",
        "digestdigest",
        "JBSWY3DP",
        "backup-",
        "ya29",
        "oauth1-secret",
    ] {
        assert!(
            !debug.contains(secret),
            "{secret} leaked into Debug: {debug}"
        );
    }
    assert!(
        debug.contains("ada") && debug.contains("oauth_google") && debug.contains("+15555550100")
    );
    // ...and they still go to Clerk as they are.
    let body = serde_json::to_value(&create).unwrap();
    assert_eq!(body["password"], "hunter2-create");
    assert_eq!(body["backup_codes"], json!(["backup-one"]));
    assert_eq!(
        token.token.as_ref().map(clerk_api::Secret::expose),
        Some("ya29.provider-token")
    );
}

#[tokio::test]
async fn delete_user() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1"))
        .and(NoBody)
        .respond_with(ok(deleted("user", "user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk.users().delete("user_1").await.unwrap();
    assert_eq!(d.id.as_deref(), Some("user_1"));
    assert!(d.deleted);
}

#[tokio::test]
async fn ban_unban_lock_unlock_send_no_body() {
    let (server, clerk) = setup().await;
    for action in ["ban", "unban", "lock", "unlock"] {
        Mock::given(method("POST"))
            .and(path(format!("/v1/users/user_1/{action}")))
            .and(NoBody)
            .respond_with(ok(user("user_1")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let users = clerk.users();
    assert_eq!(users.ban("user_1").await.unwrap().id, "user_1");
    assert_eq!(users.unban("user_1").await.unwrap().id, "user_1");
    assert_eq!(users.lock("user_1").await.unwrap().id, "user_1");
    assert_eq!(users.unlock("user_1").await.unwrap().id, "user_1");
}

#[tokio::test]
async fn ban_many_and_unban_many() {
    let (server, clerk) = setup().await;
    for action in ["ban", "unban"] {
        Mock::given(method("POST"))
            .and(path(format!("/v1/users/{action}")))
            .and(body_json(json!({"user_ids": ["user_1", "user_2"]})))
            .respond_with(ok(json!([user("user_1"), user("user_2")])))
            .expect(1)
            .mount(&server)
            .await;
    }
    let banned = clerk.users().ban_many(["user_1", "user_2"]).await.unwrap();
    assert_eq!(banned.len(), 2);
    assert_eq!(banned[1].id, "user_2");
    let ids = vec!["user_1".to_string(), "user_2".to_string()];
    let unbanned = clerk.users().unban_many(ids).await.unwrap();
    assert_eq!(unbanned[0].id, "user_1");
}

#[tokio::test]
async fn ban_many_response_from_spec_decodes() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/ban"))
        .and(body_json(json!({"user_ids": ["user_1"]})))
        .respond_with(ok(example("POST", "/users/ban")))
        .expect(1)
        .mount(&server)
        .await;
    let banned = clerk.users().ban_many(["user_1"]).await.unwrap();
    assert_eq!(banned.len(), 1);
}

#[tokio::test]
async fn ban_many_checks_the_number_of_ids() {
    let (server, clerk) = setup().await;
    let none: [&str; 0] = [];
    let err = clerk.users().ban_many(none).await.unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "user_ids",
            ..
        }
    ));
    let many: Vec<String> = (0..51).map(|i| format!("user_{i}")).collect();
    let err = clerk.users().unban_many(many).await.unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "user_ids",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn update_and_replace_metadata() {
    let (server, clerk) = setup().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/users/user_1/metadata"))
        .and(body_json(json!({"private_metadata": {"stripe": null}})))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/user_1/metadata"))
        .and(body_json(
            json!({"public_metadata": {"role": "admin"}, "unsafe_metadata": {}}),
        ))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let mut private = clerk_api::Metadata::new();
    private.insert("stripe".into(), Value::Null);
    clerk
        .users()
        .update_metadata(
            "user_1",
            &UserMetadata {
                private_metadata: Some(private),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut public = clerk_api::Metadata::new();
    public.insert("role".into(), json!("admin"));
    let u = clerk
        .users()
        .replace_metadata(
            "user_1",
            &UserMetadata {
                public_metadata: Some(public),
                unsafe_metadata: Some(Default::default()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.id, "user_1");
}

#[tokio::test]
async fn set_profile_image_uploads_multipart_file() {
    let (server, clerk) = setup().await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\nfake-image-bytes";
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/profile_image"))
        .and(ClerkHeaders)
        .and(move |req: &wiremock::Request| {
            let ct = req
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let body = &req.body;
            let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
            ct.starts_with("multipart/form-data")
                && has(png)
                && has(b"name=\"file\"")
                && has(b"filename=\"avatar.png\"")
                && has(b"image/png")
                && !has(b"uploader_user_id")
        })
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let mut file = FileUpload::new(png, "avatar.png", "image/png");
    file.uploader_user_id = Some("user_admin".into());
    let u = clerk
        .users()
        .set_profile_image("user_1", file)
        .await
        .unwrap();
    assert_eq!(u.id, "user_1");
}

#[tokio::test]
async fn set_profile_image_rejects_a_bad_mime_type() {
    let (server, clerk) = setup().await;
    let err = clerk
        .users()
        .set_profile_image("user_1", FileUpload::new(b"x".to_vec(), "x", "not a mime"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            field: "content_type",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn delete_profile_image() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1/profile_image"))
        .and(NoBody)
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk.users().delete_profile_image("user_1").await.unwrap();
    assert_eq!(u.id, "user_1");
}

#[tokio::test]
async fn remove_password() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/remove_password"))
        .and(body_json(json!({"sign_out_of_other_sessions": true})))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk.users().remove_password("user_1", true).await.unwrap();
    assert_eq!(u.id, "user_1");
}

#[tokio::test]
async fn verify_password() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/verify_password"))
        .and(body_json(json!({"password": "hunter22"})))
        .respond_with(ok(example("POST", "/users/{user_id}/verify_password")))
        .expect(1)
        .mount(&server)
        .await;
    let r = clerk
        .users()
        .verify_password("user_1", "hunter22")
        .await
        .unwrap();
    assert!(r.verified);
}

#[tokio::test]
async fn verify_password_wrong_is_an_error() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/verify_password"))
        .respond_with(ResponseTemplate::new(422).set_body_json(clerk_error(
            "incorrect_password",
            "Password is incorrect.",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk
        .users()
        .verify_password("user_1", "nope")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.code(), Some("incorrect_password"));
}

#[tokio::test]
async fn verify_totp() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/verify_totp"))
        .and(body_json(json!({"code": "123456"})))
        .respond_with(ok(example("POST", "/users/{user_id}/verify_totp")))
        .expect(1)
        .mount(&server)
        .await;
    let r = clerk.users().verify_totp("user_1", "123456").await.unwrap();
    assert!(r.verified);
    assert_eq!(r.code_type.as_deref(), Some("totp"));
}

#[tokio::test]
async fn disable_mfa_and_delete_backup_codes_and_totp() {
    let (server, clerk) = setup().await;
    for (rest, spec_path) in [
        ("mfa", "/users/{user_id}/mfa"),
        ("backup_code", "/users/{user_id}/backup_code"),
        ("totp", "/users/{user_id}/totp"),
    ] {
        let mut body = example("DELETE", spec_path);
        body["user_id"] = json!("user_1");
        Mock::given(method("DELETE"))
            .and(path(format!("/v1/users/user_1/{rest}")))
            .and(NoBody)
            .respond_with(ok(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let users = clerk.users();
    assert_eq!(users.disable_mfa("user_1").await.unwrap().user_id, "user_1");
    assert_eq!(
        users.delete_backup_codes("user_1").await.unwrap().user_id,
        "user_1"
    );
    assert_eq!(users.delete_totp("user_1").await.unwrap().user_id, "user_1");
}

#[tokio::test]
async fn delete_passkey() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1/passkeys/idn_pk"))
        .and(NoBody)
        .respond_with(ok(deleted("passkey", "idn_pk")))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk
        .users()
        .delete_passkey("user_1", "idn_pk")
        .await
        .unwrap();
    assert_eq!(d.id.as_deref(), Some("idn_pk"));
    assert_eq!(d.object, "passkey");
}

#[tokio::test]
async fn delete_web3_wallet() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1/web3_wallets/idn_w3"))
        .and(NoBody)
        .respond_with(ok(example(
            "DELETE",
            "/users/{user_id}/web3_wallets/{web3_wallet_identification_id}",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk
        .users()
        .delete_web3_wallet("user_1", "idn_w3")
        .await
        .unwrap();
    assert!(d.deleted);
}

#[tokio::test]
async fn delete_external_account() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1/external_accounts/eac_1"))
        .and(NoBody)
        .respond_with(ok(deleted("external_account", "eac_1")))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk
        .users()
        .delete_external_account("user_1", "eac_1")
        .await
        .unwrap();
    assert_eq!(d.id.as_deref(), Some("eac_1"));
}

#[tokio::test]
async fn revoke_trusted_device() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "DELETE",
        "/users/{user_id}/trusted_devices/{trusted_device_id}",
    );
    body["id"] = json!("td_1");
    body["status"] = json!("revoked");
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1/trusted_devices/td_1"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk
        .users()
        .revoke_trusted_device("user_1", "td_1")
        .await
        .unwrap();
    assert_eq!(d.id, "td_1");
    assert_eq!(d.status.as_deref(), Some("revoked"));
}

#[tokio::test]
async fn set_password_compromised() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/password/set_compromised"))
        .and(body_json(json!({"revoke_all_sessions": true})))
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_2/password/set_compromised"))
        .and(body_json(json!({})))
        .respond_with(ok(user("user_2")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk
        .users()
        .set_password_compromised("user_1", Some(true))
        .await
        .unwrap();
    assert_eq!(u.id, "user_1");
    let u = clerk
        .users()
        .set_password_compromised("user_2", None)
        .await
        .unwrap();
    assert_eq!(u.id, "user_2");
}

#[tokio::test]
async fn unset_password_compromised() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users/user_1/password/unset_compromised"))
        .and(NoBody)
        .respond_with(ok(user("user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let u = clerk
        .users()
        .unset_password_compromised("user_1")
        .await
        .unwrap();
    assert_eq!(u.id, "user_1");
}
