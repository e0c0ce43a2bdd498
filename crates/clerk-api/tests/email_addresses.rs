//! Email addresses: every operation's method, path and body, against responses built from the
//! spec.

mod support;

use clerk_api::VerificationStatus;
use clerk_api::email_addresses::{
    CreateEmailAddress, IdentificationStatus, ReplaceEmailAddress, UpdateEmailAddress,
};
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn email(id: &str, address: &str) -> Value {
    let mut e = example("GET", "/email_addresses/{email_address_id}");
    e["id"] = json!(id);
    e["email_address"] = json!(address);
    e
}

#[tokio::test]
async fn create_email_address() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/email_addresses"))
        .and(ClerkHeaders)
        .and(body_json(json!({
            "user_id": "user_1",
            "email_address": "ada@example.com",
            "verified": true,
            "primary": true,
            "notify_primary_email_address_changed": false
        })))
        .respond_with(ok(email("idn_1", "ada@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .email_addresses()
        .create(&CreateEmailAddress {
            user_id: "user_1".into(),
            email_address: "ada@example.com".into(),
            verified: Some(true),
            primary: Some(true),
            notify_primary_email_address_changed: Some(false),
        })
        .await
        .unwrap();
    assert_eq!(e.id.as_deref(), Some("idn_1"));
    assert_eq!(e.email_address, "ada@example.com");
}

#[tokio::test]
async fn get_email_address() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/email_addresses/idn_1"))
        .and(query_is(&[]))
        .respond_with(ok(email("idn_1", "ada@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk.email_addresses().get("idn_1").await.unwrap();
    assert_eq!(e.email_address, "ada@example.com");
}

#[tokio::test]
async fn delete_email_address() {
    let (server, clerk) = setup().await;
    let mut body = example("DELETE", "/email_addresses/{email_address_id}");
    body["id"] = json!("idn_1");
    body["deleted"] = json!(true);
    Mock::given(method("DELETE"))
        .and(path("/v1/email_addresses/idn_1"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk.email_addresses().delete("idn_1").await.unwrap();
    assert_eq!(d.id.as_deref(), Some("idn_1"));
    assert!(d.deleted);
}

#[tokio::test]
async fn update_email_address() {
    let (server, clerk) = setup().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/email_addresses/idn_1"))
        .and(body_json(json!({"primary": true})))
        .respond_with(ok(email("idn_1", "ada@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .email_addresses()
        .update(
            "idn_1",
            &UpdateEmailAddress {
                primary: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(e.id.as_deref(), Some("idn_1"));
}

#[tokio::test]
async fn prepare_verification_sends_no_body() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "POST",
        "/email_addresses/{email_address_id}/prepare_verification",
    );
    body["id"] = json!("ver_1");
    body["status"] = json!("unverified");
    body["strategy"] = json!("email_code");
    Mock::given(method("POST"))
        .and(path("/v1/email_addresses/idn_1/prepare_verification"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let v = clerk
        .email_addresses()
        .prepare_verification("idn_1")
        .await
        .unwrap();
    assert_eq!(v.id, "ver_1");
    assert_eq!(v.status, Some(VerificationStatus::Unverified));
    assert_eq!(v.strategy.as_deref(), Some("email_code"));
}

#[tokio::test]
async fn attempt_verification() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "POST",
        "/email_addresses/{email_address_id}/attempt_verification",
    );
    body["id"] = json!("ver_1");
    body["status"] = json!("verified");
    Mock::given(method("POST"))
        .and(path("/v1/email_addresses/idn_1/attempt_verification"))
        .and(body_json(
            json!({"verification_id": "ver_1", "code": "424242"}),
        ))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let v = clerk
        .email_addresses()
        .attempt_verification("idn_1", "ver_1", "424242")
        .await
        .unwrap();
    assert_eq!(v.status, Some(VerificationStatus::Verified));
}

#[tokio::test]
async fn replace_user_email_address() {
    let (server, clerk) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/user_1/email_address"))
        .and(body_json(json!({
            "email_address": "new@example.com",
            "identification_status": "reserved",
            "notify_primary_email_address_changed": true
        })))
        .respond_with(ok(email("idn_2", "new@example.com")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .email_addresses()
        .replace(
            "user_1",
            &ReplaceEmailAddress {
                email_address: "new@example.com".into(),
                identification_status: Some(IdentificationStatus::Reserved),
                notify_primary_email_address_changed: Some(true),
            },
        )
        .await
        .unwrap();
    assert_eq!(e.email_address, "new@example.com");
}

#[tokio::test]
async fn replace_user_email_address_minimal_body() {
    let (server, clerk) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/user_1/email_address"))
        .and(body_json(json!({"email_address": "new@example.com"})))
        .respond_with(ok(example("PUT", "/users/{user_id}/email_address")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .email_addresses()
        .replace(
            "user_1",
            &ReplaceEmailAddress {
                email_address: "new@example.com".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(e.email_address, "example");
}

#[tokio::test]
async fn ids_are_validated() {
    let (server, clerk) = setup().await;
    let err = clerk.email_addresses().get("").await.unwrap_err();
    assert!(matches!(
        err,
        clerk_api::Error::InvalidArgument {
            field: "email_address_id",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
