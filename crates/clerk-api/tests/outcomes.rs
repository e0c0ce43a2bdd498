//! Honest outcomes: a change that reached Clerk and lost its answer is flagged as maybe
//! applied; a retried DELETE that finds the object gone reports the deletion.

mod support;

use std::time::Duration;

use clerk_api::{Client, RetryConfig};
use serde_json::json;
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn short_timeout(server: &MockServer, attempts: u32) -> Client {
    Client::builder(KEY)
        .api_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryConfig {
            max_attempts: attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
            jitter: false,
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_flagged_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/organizations"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let clerk = short_timeout(&server, 3);
    let err = clerk
        .organizations()
        .create(&clerk_api::organizations::CreateOrganization {
            name: "Acme".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    // A read that times out is just a failure.
    Mock::given(method("GET"))
        .and(path("/v1/users/user_1"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = short_timeout(&server, 1)
        .users()
        .get("user_1")
        .await
        .unwrap_err();
    assert!(!err.outcome_unknown(), "{err:?}");
    // Nothing reached: not unknown.
    let nowhere = Client::builder(KEY)
        .api_url("http://127.0.0.1:9")
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = nowhere.users().delete("user_1").await.unwrap_err();
    assert!(
        !err.outcome_unknown(),
        "a refused connection sent nothing: {err:?}"
    );
}

#[tokio::test]
async fn a_retried_delete_that_finds_nothing_reports_the_deletion() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"object": "user", "id": "user_1", "deleted": true}))
                .set_delay(Duration::from_secs(2)),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/user_1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "not found",
            "",
        )))
        .expect(2)
        .mount(&server)
        .await;
    let deleted = short_timeout(&server, 3)
        .users()
        .delete("user_1")
        .await
        .unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id.as_deref(), Some("user_1"));
    // Without a lost first answer, a 404 stays a 404.
    let err = short_timeout(&server, 3)
        .users()
        .delete("user_1")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}
