//! Sessions: every operation's method, path, query and body, against responses built from the
//! spec.

mod support;

use clerk_api::SessionStatus;
use clerk_api::sessions::{CreateSession, RefreshSession, SessionRefreshFormat};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn session(id: &str) -> Value {
    let mut s = example("GET", "/sessions/{session_id}");
    s["id"] = json!(id);
    s
}

#[tokio::test]
async fn list_sends_filters_and_paginated() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/sessions"))
        .and(ClerkHeaders)
        .and(query_is(&[
            ("user_id", "user_1"),
            ("client_id", "client_1"),
            ("status", "active"),
            ("paginated", "true"),
            ("limit", "50"),
            ("offset", "10"),
        ]))
        .respond_with(ok(json!({"data": [session("sess_1")], "total_count": 11})))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .sessions()
        .list()
        .user_id("user_1")
        .client_id("client_1")
        .status(SessionStatus::Active)
        .limit(50)
        .offset(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(11));
    assert_eq!(page.data[0].id, "sess_1");
}

#[tokio::test]
async fn list_accepts_the_spec_bare_array_and_string_status() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/sessions"))
        .and(query_is(&[
            ("user_id", "user_1"),
            ("status", "revoked"),
            ("paginated", "true"),
        ]))
        .respond_with(ok(example("GET", "/sessions")))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .sessions()
        .list()
        .user_id("user_1")
        .status("revoked")
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, None);
    assert_eq!(page.data.len(), 1);
}

#[tokio::test]
async fn list_stream_uses_total_count() {
    let (server, clerk) = setup().await;
    for (offset, id) in [("0", "sess_1"), ("1", "sess_2")] {
        Mock::given(method("GET"))
            .and(path("/v1/sessions"))
            .and(query_is(&[
                ("user_id", "user_1"),
                ("paginated", "true"),
                ("limit", "1"),
                ("offset", offset),
            ]))
            .respond_with(ok(json!({"data": [session(id)], "total_count": 2})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<_> = clerk
        .sessions()
        .list()
        .user_id("user_1")
        .limit(1)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["sess_1", "sess_2"]);
}

#[tokio::test]
async fn get_session() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/sessions/sess_1"))
        .and(query_is(&[]))
        .respond_with(ok(session("sess_1")))
        .expect(1)
        .mount(&server)
        .await;
    let s = clerk.sessions().get("sess_1").await.unwrap();
    assert_eq!(s.id, "sess_1");
}

#[tokio::test]
async fn create_session() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/sessions"))
        .and(body_json(
            json!({"user_id": "user_1", "active_organization_id": "org_1"}),
        ))
        .respond_with(ok(session("sess_new")))
        .expect(1)
        .mount(&server)
        .await;
    let s = clerk
        .sessions()
        .create(&CreateSession {
            user_id: "user_1".into(),
            active_organization_id: Some("org_1".into()),
        })
        .await
        .unwrap();
    assert_eq!(s.id, "sess_new");
}

#[tokio::test]
async fn create_session_minimal_body() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/sessions"))
        .and(body_json(json!({"user_id": "user_1"})))
        .respond_with(ok(session("sess_new")))
        .expect(1)
        .mount(&server)
        .await;
    let s = clerk
        .sessions()
        .create(&CreateSession {
            user_id: "user_1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(s.id, "sess_new");
}

#[tokio::test]
async fn refresh_session_token_format() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/sessions/{session_id}/refresh");
    body["jwt"] = json!("eyJ.new.jwt");
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_1/refresh"))
        .and(body_json(json!({
            "expired_token": "eyJ.old.jwt",
            "refresh_token": "rt_1",
            "request_origin": "https://app.example.com"
        })))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let r = clerk
        .sessions()
        .refresh(
            "sess_1",
            &RefreshSession {
                expired_token: "eyJ.old.jwt".into(),
                refresh_token: "rt_1".into(),
                request_origin: "https://app.example.com".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.object, "token");
    assert_eq!(r.jwt.as_deref(), Some("eyJ.new.jwt"));
    assert_eq!(r.cookies, None);
}

#[tokio::test]
async fn refresh_session_cookie_format() {
    let (server, clerk) = setup().await;
    let mut headers = serde_json::Map::new();
    headers.insert("user-agent".into(), json!("Mozilla/5.0"));
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_1/refresh"))
        .and(body_json(json!({
            "expired_token": "eyJ.old.jwt",
            "refresh_token": "rt_1",
            "request_origin": "https://app.example.com",
            "request_headers": {"user-agent": "Mozilla/5.0"},
            "format": "cookie",
            "request_originating_ip": "203.0.113.7"
        })))
        .respond_with(ok(json!({
            "object": "cookies",
            "cookies": ["__session=eyJ; Path=/", "__client_uat=1; Path=/"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let r = clerk
        .sessions()
        .refresh(
            "sess_1",
            &RefreshSession {
                expired_token: "eyJ.old.jwt".into(),
                refresh_token: "rt_1".into(),
                request_origin: "https://app.example.com".into(),
                request_headers: Some(headers),
                format: Some(SessionRefreshFormat::Cookie),
                request_originating_ip: Some("203.0.113.7".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(r.object, "cookies");
    assert_eq!(r.jwt, None);
    assert_eq!(r.cookies.unwrap().len(), 2);
}

#[tokio::test]
async fn revoke_session_sends_no_body() {
    let (server, clerk) = setup().await;
    let mut body = session("sess_1");
    body["status"] = json!("revoked");
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_1/revoke"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let s = clerk.sessions().revoke("sess_1").await.unwrap();
    assert_eq!(s.id, "sess_1");
    assert_eq!(s.status, Some(SessionStatus::Revoked));
}

#[tokio::test]
async fn create_token_with_and_without_lifetime() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/sessions/{session_id}/tokens");
    body["jwt"] = json!("eyJ.session.jwt");
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_1/tokens"))
        .and(body_json(json!({"expires_in_seconds": 60})))
        .respond_with(ok(body.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_2/tokens"))
        .and(body_json(json!({})))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let t = clerk
        .sessions()
        .create_token("sess_1", Some(60))
        .await
        .unwrap();
    assert_eq!(t.jwt, "eyJ.session.jwt");
    let t = clerk.sessions().create_token("sess_2", None).await.unwrap();
    assert_eq!(t.jwt, "eyJ.session.jwt");
}

#[tokio::test]
async fn create_token_from_template() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/sessions/{session_id}/tokens/{template_name}");
    body["jwt"] = json!("eyJ.template.jwt");
    Mock::given(method("POST"))
        .and(path("/v1/sessions/sess_1/tokens/supabase"))
        .and(body_json(json!({"expires_in_seconds": 300})))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let t = clerk
        .sessions()
        .create_token_from_template("sess_1", "supabase", Some(300))
        .await
        .unwrap();
    assert_eq!(t.jwt, "eyJ.template.jwt");
}

#[tokio::test]
async fn template_name_is_validated() {
    let (server, clerk) = setup().await;
    let err = clerk
        .sessions()
        .create_token_from_template("sess_1", "", None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        clerk_api::Error::InvalidArgument {
            field: "template_name",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
