//! TokenVerifier against wiremock: the JWKS is fetched once and not again for every unknown
//! `kid` (at most every 10 s), a 404 from a verify endpoint is "unknown", a 5xx is "unavailable"
//! and is not cached.

use clerk_api::{Client, RetryConfig, TokenVerifier, VerifyError};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn b64(v: serde_json::Value) -> String {
    data_encoding::BASE64URL_NOPAD.encode(v.to_string().as_bytes())
}

fn jwt_with_kid(kid: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(json!({"alg": "RS256", "typ": "at+jwt", "kid": kid})),
        b64(json!({"sub": "user_1", "exp": 4_000_000_000u64}))
    )
}

async fn setup() -> (MockServer, TokenVerifier) {
    let server = MockServer::start().await;
    let client = Client::builder("sk_test_x")
        .api_url(server.uri())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let verifier = TokenVerifier::new(client).with_cache_ttl(std::time::Duration::ZERO);
    (server, verifier)
}

#[tokio::test]
async fn unknown_kids_do_not_hammer_the_jwks() {
    let (server, verifier) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": []})))
        .expect(1)
        .mount(&server)
        .await;
    for kid in ["k1", "k2", "k3"] {
        assert_eq!(
            verifier.verify(&jwt_with_kid(kid)).await,
            Err(VerifyError::BadSignature)
        );
    }
    // A JWT that is not an access token is refused before any look-up.
    let id_token = format!(
        "{}.{}.c2ln",
        b64(json!({"alg": "RS256", "typ": "JWT", "kid": "k1"})),
        b64(json!({"sub": "user_1"}))
    );
    assert_eq!(
        verifier.verify(&id_token).await,
        Err(VerifyError::Malformed)
    );
}

#[tokio::test]
async fn not_found_is_unknown_and_outages_are_not_cached() {
    let (server, _) = setup().await;
    let client = Client::builder("sk_test_x")
        .api_url(server.uri())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let verifier = TokenVerifier::new(client);
    Mock::given(method("POST"))
        .and(path("/v1/api_keys/verify"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"errors": []})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/api_keys/verify"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "errors": [{"code": "resource_not_found", "message": "not found", "long_message": "not found"}]
        })))
        .mount(&server)
        .await;
    assert!(matches!(
        verifier.verify("ak_x").await,
        Err(VerifyError::Unavailable(_))
    ));
    // The outage was not cached: the next answer is Clerk's.
    assert_eq!(verifier.verify("ak_x").await, Err(VerifyError::Unknown));
}
