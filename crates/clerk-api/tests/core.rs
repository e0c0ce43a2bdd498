//! Transport behaviour: headers, error mapping, retries, lenient decoding, secret hygiene.

mod support;

use std::time::{Duration, Instant};

use clerk_api::{Client, Error, RetryConfig};
use serde_json::json;
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn sends_auth_version_and_user_agent_headers() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1"))
        .and(ClerkHeaders)
        .respond_with(ResponseTemplate::new(200).set_body_json(example("GET", "/users/{user_id}")))
        .expect(1)
        .mount(&server)
        .await;
    clerk.users().get("user_1").await.unwrap();
}

#[tokio::test]
async fn api_version_and_user_agent_are_configurable() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/count"))
        .and(wiremock::matchers::header(
            "clerk-api-version",
            "2025-11-10",
        ))
        .and(wiremock::matchers::header_regex(
            "user-agent",
            r"^clerk-api-rust/\S+ my-app/1\.0$",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object":"total_count","total_count":3})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let clerk = Client::builder(KEY)
        .api_url(format!("{}/", server.uri()))
        .api_version("2025-11-10")
        .user_agent_suffix("my-app/1.0")
        .build()
        .unwrap();
    assert_eq!(clerk.users().count().await.unwrap(), 3);
}

#[tokio::test]
async fn not_found_maps_to_api_error_with_code_and_trace() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "not found",
            "User not found",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk.users().get("user_missing").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("resource_not_found"));
    let api = err.as_api().unwrap();
    assert_eq!(api.clerk_trace_id.as_deref(), Some("trace_123"));
    assert_eq!(
        api.errors[0].long_message.as_deref(),
        Some("User not found")
    );
    let text = err.to_string();
    assert_eq!(
        text,
        "Clerk API error 404 Not Found on GET /users/user_missing: [resource_not_found] not found (User not found) (clerk_trace_id: trace_123)"
    );
    assert!(!text.contains('\n'));
}

#[tokio::test]
async fn unprocessable_keeps_every_error_entry() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "errors": [
                {"code": "form_identifier_exists", "message": "That email address is taken.",
                 "long_message": "That email address is taken. Please try another.",
                 "meta": {"param_name": "email_address"}},
                {"code": "form_password_pwned", "message": "Password has been found in an online data breach.",
                 "meta": {"param_name": "password"}}
            ],
            "clerk_trace_id": "t422"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk.users().create(&Default::default()).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 422);
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[0].param_name(), Some("email_address"));
    assert_eq!(api.errors[1].code, "form_password_pwned");
    assert!(err.to_string().contains("[form_password_pwned]"));
}

#[tokio::test]
async fn unauthorized_maps_to_401_and_never_leaks_the_key() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(clerk_error(
            "authentication_invalid",
            "Unauthorized request",
            "You are not authorized to perform this request",
        )))
        .mount(&server)
        .await;
    let err = clerk.users().get("user_1").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("authentication_invalid"));
    for text in [err.to_string(), format!("{err:?}"), format!("{clerk:?}")] {
        assert!(!text.contains(KEY), "secret leaked in {text}");
        assert!(!text.contains("SUPERSECRET"), "secret leaked in {text}");
    }
    assert!(format!("{clerk:?}").contains("[REDACTED]"));
}

#[tokio::test]
async fn non_json_error_body_is_kept_short() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>upstream exploded</html>"))
        .mount(&server)
        .await;
    let err = clerk.users().get("user_1").await.unwrap_err();
    let api = err.as_api().unwrap();
    assert!(api.errors.is_empty());
    assert_eq!(
        api.raw_body.as_deref(),
        Some("<html>upstream exploded</html>")
    );
}

#[tokio::test]
async fn rate_limit_waits_retry_after_then_retries() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(clerk_error("too_many_requests", "Too many requests", "")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("GET", "/users/{user_id}")))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    clerk.users().get("user_1").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn rate_limit_longer_than_the_maximum_is_returned_not_waited() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3600")
                .set_body_json(clerk_error("too_many_requests", "Too many requests", "")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk.users().ban("user_1").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(
        err.as_api().unwrap().retry_after,
        Some(Duration::from_secs(3600))
    );
    assert!(err.to_string().contains("retry after 3600s"));
}

#[tokio::test]
async fn post_answered_503_is_not_resent() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk.users().create(&Default::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn patch_answered_502_is_not_resent() {
    let (server, clerk) = setup().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk
        .users()
        .update("user_1", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
}

#[tokio::test]
async fn get_answered_503_then_200_succeeds() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("GET", "/users/{user_id}")))
        .expect(1)
        .mount(&server)
        .await;
    clerk.users().get("user_1").await.unwrap();
}

#[tokio::test]
async fn gives_up_after_the_last_attempt_with_the_last_error() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(504).set_body_json(clerk_error("gateway", "last", "")))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk.users().delete("user_1").await.unwrap_err();
    assert_eq!(err.status(), Some(504));
    assert_eq!(err.code(), Some("gateway"));
}

#[tokio::test]
async fn timeouts_are_distinct_and_retried_for_get() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .expect(2)
        .mount(&server)
        .await;
    let clerk = Client::builder(KEY)
        .api_url(server.uri())
        .timeout(Duration::from_millis(50))
        .retry(RetryConfig {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .unwrap();
    let err = clerk.users().get("user_1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clerk = Client::builder(KEY)
        .api_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = clerk.users().get("user_1").await.unwrap_err();
    match &err {
        Error::Transport { connect, .. } => assert!(connect),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn decode_error_names_type_and_path() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "user_1", "created_at": "yesterday"})),
        )
        .mount(&server)
        .await;
    let err = clerk.users().get("user_1").await.unwrap_err();
    match &err {
        Error::Decode {
            type_name, path, ..
        } => {
            assert!(type_name.ends_with("User"), "{type_name}");
            assert_eq!(path, "created_at");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode() {
    let (server, clerk) = setup().await;
    let mut body = example("GET", "/sessions/{session_id}");
    body["status"] = json!("quarantined");
    body["brand_new_field"] = json!({"nested": [1, 2]});
    Mock::given(method("GET"))
        .and(path("/v1/sessions/sess_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let session = clerk.sessions().get("sess_1").await.unwrap();
    assert_eq!(
        session.status,
        Some(clerk_api::SessionStatus::Other("quarantined".into()))
    );
    assert_eq!(session.extra["brand_new_field"], json!({"nested": [1, 2]}));
    // Unknown values survive a round trip.
    let back = serde_json::to_value(&session).unwrap();
    assert_eq!(back["status"], "quarantined");
    assert_eq!(back["brand_new_field"]["nested"][1], 2);
}

#[tokio::test]
async fn nulls_and_absent_fields_decode() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "user", "id": "user_1", "email_addresses": null, "public_metadata": null,
            "banned": null, "created_at": 1, "updated_at": 2
        })))
        .mount(&server)
        .await;
    let user = clerk.users().get("user_1").await.unwrap();
    assert!(user.email_addresses.is_empty());
    assert!(user.public_metadata.is_empty());
    assert!(!user.banned);
}

#[tokio::test]
async fn invalid_ids_are_rejected_before_sending() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for bad in ["", "  ", "..", "."] {
        let err = clerk.users().get(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    field: "user_id",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn ids_that_are_not_clerk_ids_are_refused_and_slugs_are_encoded() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/acme%20inc%2Fx"))
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "nf",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    // `GET /users/count` would answer a made-up user: refused before any request.
    for bad in ["count", "../users/count"] {
        let err = clerk.users().get(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    field: "user_id",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert!(
        clerk
            .organizations()
            .get("acme inc/x")
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn derived_clients_use_their_own_key_and_share_settings() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer sk_test_tenant_b",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object":"total_count","total_count":7})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tenant = clerk.with_secret_key("sk_test_tenant_b");
    assert_eq!(tenant.base_url(), clerk.base_url());
    assert_eq!(tenant.users().count().await.unwrap(), 7);
}

#[tokio::test]
async fn send_raw_reaches_any_endpoint() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/jwt_templates"))
        .and(query_is(&[("paginated", "true")]))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "total_count": 0})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut q = clerk_api::Query::default();
    q.push("paginated", true);
    let page: clerk_api::Page<serde_json::Value> = clerk
        .send_raw(clerk_api::Method::GET, "/jwt_templates", &q, None)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(0));
}

#[test]
fn page_decodes_both_wire_shapes() {
    let a: clerk_api::Page<i32> = serde_json::from_value(json!([1, 2])).unwrap();
    assert_eq!((a.data, a.total_count), (vec![1, 2], None));
    let b: clerk_api::Page<i32> =
        serde_json::from_value(json!({"data": [3], "total_count": 9, "other": true})).unwrap();
    assert_eq!((b.data, b.total_count), (vec![3], Some(9)));
    assert!(serde_json::from_value::<clerk_api::Page<i32>>(json!({"total_count": 1})).is_err());
}
