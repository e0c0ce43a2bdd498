//! Phone numbers: every operation's method, path and body, against responses built from the
//! spec.

mod support;

use clerk_api::VerificationStatus;
use clerk_api::phone_numbers::{
    CreatePhoneNumber, IdentificationStatus, ReplacePhoneNumber, UpdatePhoneNumber,
};
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn phone(id: &str, number: &str) -> Value {
    let mut e = example("GET", "/phone_numbers/{phone_number_id}");
    e["id"] = json!(id);
    e["phone_number"] = json!(number);
    e
}

#[tokio::test]
async fn create_phone_number() {
    let (server, clerk) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/phone_numbers"))
        .and(ClerkHeaders)
        .and(body_json(json!({
            "user_id": "user_1",
            "phone_number": "+15555550100",
            "verified": true,
            "primary": true,
            "reserved_for_second_factor": false
        })))
        .respond_with(ok(phone("idn_1", "+15555550100")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .phone_numbers()
        .create(&CreatePhoneNumber {
            user_id: "user_1".into(),
            phone_number: "+15555550100".into(),
            verified: Some(true),
            primary: Some(true),
            reserved_for_second_factor: Some(false),
        })
        .await
        .unwrap();
    assert_eq!(e.id.as_deref(), Some("idn_1"));
    assert_eq!(e.phone_number, "+15555550100");
}

#[tokio::test]
async fn get_phone_number() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/phone_numbers/idn_1"))
        .and(query_is(&[]))
        .respond_with(ok(phone("idn_1", "+15555550100")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk.phone_numbers().get("idn_1").await.unwrap();
    assert_eq!(e.phone_number, "+15555550100");
}

#[tokio::test]
async fn delete_phone_number() {
    let (server, clerk) = setup().await;
    let mut body = example("DELETE", "/phone_numbers/{phone_number_id}");
    body["id"] = json!("idn_1");
    body["deleted"] = json!(true);
    Mock::given(method("DELETE"))
        .and(path("/v1/phone_numbers/idn_1"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let d = clerk.phone_numbers().delete("idn_1").await.unwrap();
    assert_eq!(d.id.as_deref(), Some("idn_1"));
    assert!(d.deleted);
}

#[tokio::test]
async fn update_phone_number() {
    let (server, clerk) = setup().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/phone_numbers/idn_1"))
        .and(body_json(
            json!({"primary": true, "reserved_for_second_factor": true}),
        ))
        .respond_with(ok(phone("idn_1", "+15555550100")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .phone_numbers()
        .update(
            "idn_1",
            &UpdatePhoneNumber {
                primary: Some(true),
                reserved_for_second_factor: Some(true),
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
        "/phone_numbers/{phone_number_id}/prepare_verification",
    );
    body["id"] = json!("ver_1");
    body["status"] = json!("unverified");
    body["strategy"] = json!("phone_code");
    body["channel"] = json!("sms");
    Mock::given(method("POST"))
        .and(path("/v1/phone_numbers/idn_1/prepare_verification"))
        .and(NoBody)
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let v = clerk
        .phone_numbers()
        .prepare_verification("idn_1")
        .await
        .unwrap();
    assert_eq!(v.id, "ver_1");
    assert_eq!(v.status, Some(VerificationStatus::Unverified));
    assert_eq!(v.strategy.as_deref(), Some("phone_code"));
    assert_eq!(v.channel.as_deref(), Some("sms"));
}

#[tokio::test]
async fn attempt_verification() {
    let (server, clerk) = setup().await;
    let mut body = example(
        "POST",
        "/phone_numbers/{phone_number_id}/attempt_verification",
    );
    body["id"] = json!("ver_1");
    body["status"] = json!("verified");
    Mock::given(method("POST"))
        .and(path("/v1/phone_numbers/idn_1/attempt_verification"))
        .and(body_json(
            json!({"verification_id": "ver_1", "code": "424242"}),
        ))
        .respond_with(ok(body))
        .expect(1)
        .mount(&server)
        .await;
    let v = clerk
        .phone_numbers()
        .attempt_verification("idn_1", "ver_1", "424242")
        .await
        .unwrap();
    assert_eq!(v.status, Some(VerificationStatus::Verified));
}

#[tokio::test]
async fn replace_user_phone_number() {
    let (server, clerk) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/user_1/phone_number"))
        .and(body_json(json!({
            "phone_number": "+15555550199",
            "identification_status": "reserved"
        })))
        .respond_with(ok(phone("idn_2", "+15555550199")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .phone_numbers()
        .replace(
            "user_1",
            &ReplacePhoneNumber {
                phone_number: "+15555550199".into(),
                identification_status: Some(IdentificationStatus::Reserved),
            },
        )
        .await
        .unwrap();
    assert_eq!(e.phone_number, "+15555550199");
}

#[tokio::test]
async fn replace_user_phone_number_minimal_body() {
    let (server, clerk) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/user_1/phone_number"))
        .and(body_json(json!({"phone_number": "+15555550199"})))
        .respond_with(ok(example("PUT", "/users/{user_id}/phone_number")))
        .expect(1)
        .mount(&server)
        .await;
    let e = clerk
        .phone_numbers()
        .replace(
            "user_1",
            &ReplacePhoneNumber {
                phone_number: "+15555550199".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(e.phone_number, "example");
}

#[tokio::test]
async fn ids_are_validated() {
    let (server, clerk) = setup().await;
    let err = clerk.phone_numbers().get("").await.unwrap_err();
    assert!(matches!(
        err,
        clerk_api::Error::InvalidArgument {
            field: "phone_number_id",
            ..
        }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
