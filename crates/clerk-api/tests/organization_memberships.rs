//! `clerk.organization_memberships()`: every operation against a mock server.

mod support;

use clerk_api::Error;
use clerk_api::organization_memberships::{
    CreateOrganizationMembership, OrganizationMembershipMetadata,
};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn membership(id: &str, user_id: &str) -> Value {
    let mut m = example_schema("OrganizationMembership");
    m["id"] = json!(id);
    m["public_user_data"]["user_id"] = json!(user_id);
    m
}

#[tokio::test]
async fn create_sends_user_role_and_metadata() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/organizations/{organization_id}/memberships");
    body["role"] = json!("org:member");
    body["public_user_data"]["user_id"] = json!("user_1");
    Mock::given(method("POST"))
        .and(path("/v1/organizations/org_1/memberships"))
        .and(ClerkHeaders)
        .and(body_json(json!({
            "user_id": "user_1",
            "role": "org:member",
            "private_metadata": {"seat": 3}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = CreateOrganizationMembership::new("user_1", "org:member");
    req.private_metadata = Some(json!({"seat": 3}).as_object().unwrap().clone());
    let m = clerk
        .organization_memberships()
        .create("org_1", &req)
        .await
        .unwrap();
    assert_eq!(m.role, "org:member");
    assert_eq!(m.public_user_data.unwrap().user_id, "user_1");
    assert!(m.organization.is_some());
}

#[tokio::test]
async fn list_sends_every_filter_with_repeated_keys() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/memberships"))
        .and(query_is(&[
            ("user_id", "user_1"),
            ("user_id", "-user_2"),
            ("email_address", "a@x.co"),
            ("email_address", "b@x.co"),
            ("phone_number", "+15550100"),
            ("username", "ada"),
            ("web3_wallet", "0xabc"),
            ("role", "org:admin"),
            ("role", "org:member"),
            ("query", "ad"),
            ("email_address_query", "x.co"),
            ("phone_number_query", "555"),
            ("username_query", "ad"),
            ("name_query", "love"),
            ("last_active_at_before", "1700000000002"),
            ("last_active_at_after", "1700000000001"),
            ("created_at_before", "1730160000000"),
            ("created_at_after", "1600000000000"),
            ("order_by", "+email_address"),
            ("limit", "50"),
            ("offset", "100"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [membership("orgmem_1", "user_1")],
            "total_count": 101
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organization_memberships()
        .list("org_1")
        .user_id(["user_1", "-user_2"])
        .email_address(["a@x.co", "b@x.co"])
        .phone_number(["+15550100"])
        .username(["ada"])
        .web3_wallet(["0xabc"])
        .role(["org:admin", "org:member"])
        .query("ad")
        .email_address_query("x.co")
        .phone_number_query("555")
        .username_query("ad")
        .name_query("love")
        .last_active_at_before(1_700_000_000_002)
        .last_active_at_after(1_700_000_000_001)
        .created_at_before(1_730_160_000_000)
        .created_at_after(1_600_000_000_000)
        .order_by("+email_address")
        .limit(50)
        .offset(100)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(101));
    assert_eq!(page.data[0].id, "orgmem_1");
}

#[tokio::test]
async fn list_decodes_the_spec_example_and_streams() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/memberships"))
        .and(query_is(&[("limit", "500"), ("offset", "0")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(example(
            "GET",
            "/organizations/{organization_id}/memberships",
        )))
        .expect(1)
        .mount(&server)
        .await;
    // The spec example's total_count is huge, so the stream asks again and stops on an empty page.
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1/memberships"))
        .and(query_is(&[("limit", "500"), ("offset", "1")]))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "total_count": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = clerk
        .organization_memberships()
        .list("org_1")
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert!(!all[0].permissions.is_empty());
}

#[tokio::test]
async fn update_changes_the_role() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}",
    );
    body["role"] = json!("org:admin");
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1/memberships/user_1"))
        .and(body_json(json!({"role": "org:admin"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let m = clerk
        .organization_memberships()
        .update("org_1", "user_1", "org:admin")
        .await
        .unwrap();
    assert_eq!(m.role, "org:admin");
}

#[tokio::test]
async fn delete_returns_the_membership() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "DELETE",
        "/organizations/{organization_id}/memberships/{user_id}",
    );
    body["id"] = json!("orgmem_9");
    Mock::given(method("DELETE"))
        .and(path("/v1/organizations/org_1/memberships/user_1"))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let m = clerk
        .organization_memberships()
        .delete("org_1", "user_1")
        .await
        .unwrap();
    assert_eq!(m.id, "orgmem_9");
}

#[tokio::test]
async fn update_metadata_patches() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
    );
    body["public_metadata"] = json!({"team": "core"});
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1/memberships/user_1/metadata"))
        .and(body_json(
            json!({"public_metadata": {"team": "core", "old": null}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let m = clerk
        .organization_memberships()
        .update_metadata(
            "org_1",
            "user_1",
            &OrganizationMembershipMetadata {
                public_metadata: Some(
                    json!({"team": "core", "old": null})
                        .as_object()
                        .unwrap()
                        .clone(),
                ),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(m.public_metadata["team"], "core");
}

#[tokio::test]
async fn list_all_is_instance_wide() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organization_memberships"))
        .and(query_is(&[("order_by", "-created_at"), ("limit", "2")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [membership("orgmem_1", "user_1"), membership("orgmem_2", "user_2")],
            "total_count": 9
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organization_memberships()
        .list_all()
        .order_by("-created_at")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(9));
    let users: Vec<_> = page
        .iter()
        .map(|m| m.public_user_data.as_ref().unwrap().user_id.as_str())
        .collect();
    assert_eq!(users, ["user_1", "user_2"]);
}

#[tokio::test]
async fn user_ids_are_validated_and_encoded() {
    let (server, clerk) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/organizations/acme%20inc/memberships/user_1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "not found",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = clerk
        .organization_memberships()
        .delete("acme inc", "user_1")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    let err = clerk
        .organization_memberships()
        .delete("org_1", "a/b")
        .await
        .unwrap_err();
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
    let err = clerk
        .organization_memberships()
        .update("org_1", "..", "org:admin")
        .await
        .unwrap_err();
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
    let err = clerk
        .organization_memberships()
        .list("")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                field: "organization_id",
                ..
            }
        ),
        "{err:?}"
    );
}
