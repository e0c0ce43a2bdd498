//! `clerk.invitations()`: every operation against a mock server.

mod support;

use clerk_api::InvitationStatus;
use clerk_api::invitations::CreateInvitation;
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn invitation(id: &str, email: &str) -> Value {
    let mut i = example_schema("Invitation");
    i["id"] = json!(id);
    i["email_address"] = json!(email);
    i
}

#[tokio::test]
async fn create_sends_the_given_fields() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/invitations");
    body["id"] = json!("inv_1");
    body["email_address"] = json!("grace@example.com");
    Mock::given(method("POST"))
        .and(path("/v1/invitations"))
        .and(ClerkHeaders)
        .and(body_json(json!({
            "email_address": "grace@example.com",
            "public_metadata": {"beta": true},
            "notify": false,
            "ignore_existing": true,
            "expires_in_days": 7
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let inv = clerk
        .invitations()
        .create(&CreateInvitation {
            public_metadata: Some(json!({"beta": true}).as_object().unwrap().clone()),
            notify: Some(false),
            ignore_existing: Some(true),
            expires_in_days: Some(7),
            ..CreateInvitation::new("grace@example.com")
        })
        .await
        .unwrap();
    assert_eq!(inv.id, "inv_1");
    assert_eq!(inv.email_address, "grace@example.com");
    assert_eq!(inv.status, Some(InvitationStatus::Pending));
}

#[tokio::test]
async fn create_bulk_sends_an_array_and_decodes_an_array() {
    let (server, clerk) = setup().await;
    assert!(example("POST", "/invitations/bulk").is_array());
    Mock::given(method("POST"))
        .and(path("/v1/invitations/bulk"))
        .and(body_json(json!([
            {"email_address": "a@x.co"},
            {"email_address": "b@x.co", "template_slug": "invitation"}
        ])))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            invitation("inv_a", "a@x.co"),
            invitation("inv_b", "b@x.co")
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let created = clerk
        .invitations()
        .create_bulk(&[
            CreateInvitation::new("a@x.co"),
            CreateInvitation {
                template_slug: Some("invitation".into()),
                ..CreateInvitation::new("b@x.co")
            },
        ])
        .await
        .unwrap();
    let ids: Vec<_> = created.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["inv_a", "inv_b"]);
}

#[tokio::test]
async fn list_sends_paginated_true_and_filters() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/invitations"))
        .and(query_is(&[
            ("status", "pending"),
            ("query", "x.co"),
            ("order_by", "+expires_at"),
            ("paginated", "true"),
            ("limit", "20"),
            ("offset", "40"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [invitation("inv_a", "a@x.co")],
            "total_count": 41
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .invitations()
        .list()
        .status(InvitationStatus::Pending)
        .query("x.co")
        .order_by("+expires_at")
        .limit(20)
        .offset(40)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(41));
    assert_eq!(page.data[0].id, "inv_a");
}

#[tokio::test]
async fn list_answered_as_a_bare_array_still_decodes() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/invitations"))
        .and(query_is(&[("status", "revoked"), ("paginated", "true")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("GET", "/invitations")))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .invitations()
        .list()
        .status("revoked")
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, None);
    assert_eq!(page.data.len(), 1);
}

#[tokio::test]
async fn list_into_stream_pages_with_paginated_true() {
    let (server, clerk) = setup().await;
    for (offset, ids) in [("0", vec!["inv_1", "inv_2"]), ("2", vec!["inv_3"])] {
        Mock::given(method("GET"))
            .and(path("/v1/invitations"))
            .and(query_is(&[
                ("paginated", "true"),
                ("limit", "2"),
                ("offset", offset),
            ]))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": ids.iter().map(|id| invitation(id, "a@x.co")).collect::<Vec<_>>(),
                "total_count": 3
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<_> = clerk
        .invitations()
        .list()
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].id, "inv_3");
}

#[tokio::test]
async fn revoke_sends_no_body() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/invitations/{invitation_id}/revoke");
    body["id"] = json!("inv_1");
    Mock::given(method("POST"))
        .and(path("/v1/invitations/inv_1/revoke"))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let inv = clerk.invitations().revoke("inv_1").await.unwrap();
    assert_eq!(inv.id, "inv_1");
    assert_eq!(inv.revoked, Some(true));
    assert_eq!(inv.status, Some(InvitationStatus::Revoked));
}

#[tokio::test]
async fn revoke_rejects_an_empty_id() {
    let (_server, clerk) = setup().await;
    let err = clerk.invitations().revoke("").await.unwrap_err();
    assert!(
        matches!(
            err,
            clerk_api::Error::InvalidArgument {
                field: "invitation_id",
                ..
            }
        ),
        "{err:?}"
    );
}
