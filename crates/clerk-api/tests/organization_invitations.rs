//! `clerk.organization_invitations()`: every operation against a mock server.

mod support;

use clerk_api::InvitationStatus;
use clerk_api::organization_invitations::CreateOrganizationInvitation;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn invitation(id: &str, email: &str) -> Value {
    let mut i = example_schema("OrganizationInvitation");
    i["id"] = json!(id);
    i["email_address"] = json!(email);
    i["status"] = json!("pending");
    i
}

#[tokio::test]
async fn create_sends_the_given_fields() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/organizations/{organization_id}/invitations");
    body["id"] = json!("orginv_1");
    body["status"] = json!("pending");
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/invitations"))
        .and(ClerkHeaders)
        .and(body_json(json!({
            "email_address": "grace@example.com",
            "role": "org:member",
            "inviter_user_id": "user_admin",
            "public_metadata": {"team": "core"},
            "redirect_url": "https://app.example.com/join",
            "expires_in_days": 7,
            "notify": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let inv = clerk
        .organization_invitations()
        .create(
            "org_1",
            &CreateOrganizationInvitation {
                inviter_user_id: Some("user_admin".into()),
                public_metadata: Some(json!({"team": "core"}).as_object().unwrap().clone()),
                redirect_url: Some("https://app.example.com/join".into()),
                expires_in_days: Some(7),
                notify: Some(false),
                ..CreateOrganizationInvitation::new("grace@example.com", "org:member")
            },
        )
        .await
        .unwrap();
    assert_eq!(inv.id, "orginv_1");
    assert_eq!(inv.status, Some(InvitationStatus::Pending));
    assert!(inv.public_inviter_data.is_some());
}

#[tokio::test]
async fn create_bulk_sends_an_array_and_decodes_the_paginated_answer() {
    let (server, clerk) = setup().await;
    // The spec answers the paginated wrapper.
    let example_body = example("POST", "/organizations/{organization_id}/invitations/bulk");
    assert!(example_body["data"].is_array(), "{example_body}");
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/invitations/bulk"))
        .and(body_json(json!([
            {"email_address": "a@x.co", "role": "org:member"},
            {"email_address": "b@x.co", "role": "org:admin", "notify": false}
        ])))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [invitation("orginv_a", "a@x.co"), invitation("orginv_b", "b@x.co")],
            "total_count": 2
        })))
        .expect(1)
        .mount(&server)
        .await;
    let created = clerk
        .organization_invitations()
        .create_bulk(
            "org_1",
            &[
                CreateOrganizationInvitation::new("a@x.co", "org:member"),
                CreateOrganizationInvitation {
                    notify: Some(false),
                    ..CreateOrganizationInvitation::new("b@x.co", "org:admin")
                },
            ],
        )
        .await
        .unwrap();
    let emails: Vec<_> = created.iter().map(|i| i.email_address.as_str()).collect();
    assert_eq!(emails, ["a@x.co", "b@x.co"]);
}

#[tokio::test]
async fn create_bulk_also_accepts_a_bare_array() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/invitations/bulk"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([invitation("orginv_a", "a@x.co")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = clerk
        .organization_invitations()
        .create_bulk(
            "org_1",
            &[CreateOrganizationInvitation::new("a@x.co", "org:member")],
        )
        .await
        .unwrap();
    assert_eq!(created.len(), 1);
}

#[tokio::test]
async fn list_sends_repeated_statuses_and_filters() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/invitations"))
        .and(query_is(&[
            ("status", "pending"),
            ("status", "expired"),
            ("email_address", "a@x.co"),
            ("order_by", "+email_address"),
            ("limit", "5"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [invitation("orginv_a", "a@x.co")],
            "total_count": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organization_invitations()
        .list("org_1")
        .status([InvitationStatus::Pending, InvitationStatus::Expired])
        .email_address("a@x.co")
        .order_by("+email_address")
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.data[0].id, "orginv_a");
}

#[tokio::test]
async fn list_decodes_the_spec_example() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/invitations"))
        .and(query_is(&[("status", "pending")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(example(
            "GET",
            "/organizations/{organization_id}/invitations",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organization_invitations()
        .list("org_1")
        .status(["pending"])
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.total_count.is_some());
}

#[tokio::test]
async fn get_one() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "GET",
        "/organizations/{organization_id}/invitations/{invitation_id}",
    );
    body["id"] = json!("orginv_1");
    body["role"] = json!("org:member");
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/invitations/orginv_1"))
        .and(query_is(&[]))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let inv = clerk
        .organization_invitations()
        .get("org_1", "orginv_1")
        .await
        .unwrap();
    assert_eq!(inv.id, "orginv_1");
    assert_eq!(inv.role, "org:member");
}

#[tokio::test]
async fn revoke_with_requesting_user() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "POST",
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
    );
    body["status"] = json!("revoked");
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/invitations/orginv_1/revoke"))
        .and(body_json(json!({"requesting_user_id": "user_admin"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let inv = clerk
        .organization_invitations()
        .revoke("org_1", "orginv_1", Some("user_admin"))
        .await
        .unwrap();
    assert_eq!(inv.status, Some(InvitationStatus::Revoked));
}

#[tokio::test]
async fn revoke_without_requesting_user_sends_no_body() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/invitations/orginv_1/revoke"))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200).set_body_json(example(
            "POST",
            "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
        )))
        .expect(1)
        .mount(&server)
        .await;
    clerk
        .organization_invitations()
        .revoke("org_1", "orginv_1", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn list_all_is_instance_wide_with_public_organization_data() {
    let (server, clerk) = setup().await;
    let mut body = example("GET", "/organization_invitations");
    body["total_count"] = json!(1);
    body["data"][0]["public_organization_data"]["id"] = json!("org_7");
    Mock::given(method("GET"))
        .and(path("/v1/organization_invitations"))
        .and(query_is(&[
            ("status", "pending"),
            ("status", "accepted"),
            ("query", "x.co"),
            ("order_by", "-created_at"),
            ("limit", "10"),
            ("offset", "0"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organization_invitations()
        .list_all()
        .status(["pending", "accepted"])
        .query("x.co")
        .order_by("-created_at")
        .limit(10)
        .offset(0)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(
        page.data[0].public_organization_data.as_ref().unwrap().id,
        "org_7"
    );
}

#[tokio::test]
async fn invitation_ids_are_encoded() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/acme%20inc/invitations/orginv_1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "not found",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk
        .organization_invitations()
        .get("acme inc", "orginv_1")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}
