//! The generated tools that create or reveal credentials return them masked (unless an operator
//! reveals the class), like the hand-written ones.

mod support;

use clerk_tools::ToolkitOptions;
use serde_json::json;
use support::{call_ok, given, ok};

#[tokio::test]
async fn credentials_from_generated_tools_are_masked() {
    let (server, toolkit) = support::setup_with(ToolkitOptions {
        toolsets: vec!["all".into()],
        ..Default::default()
    })
    .await;
    let cases = [
        (
            "GET",
            "/v1/machines/mch_1/secret_key",
            "getMachineSecretKey",
            json!({"machineId": "mch_1"}),
            json!({"object": "machine_secret_key", "secret": "ak_machine_SECRET1"}),
            "ak_machine_SECRET1",
        ),
        (
            "GET",
            "/v1/api_keys/ak_1/secret",
            "getApiKeySecret",
            json!({"apiKeyId": "ak_1"}),
            json!({"object": "api_key_secret", "secret": "ak_live_SECRET2"}),
            "ak_live_SECRET2",
        ),
        (
            "POST",
            "/v1/oauth_applications/oa_1/rotate_secret",
            "rotateOauthApplicationSecret",
            json!({"oauthApplicationId": "oa_1"}),
            json!({"object": "oauth_application", "id": "oa_1", "client_secret": "cs_SECRET3"}),
            "cs_SECRET3",
        ),
        (
            "POST",
            "/v1/sign_in_tokens",
            "createSignInToken",
            json!({"userId": "user_1"}),
            json!({"object": "sign_in_token", "id": "sit_1", "token": "TICKET4",
                   "url": "https://accounts.example.com/sign-in?__clerk_ticket=TICKET4"}),
            "TICKET4",
        ),
        (
            "POST",
            "/v1/testing_tokens",
            "createTestingToken",
            json!({}),
            json!({"object": "testing_token", "token": "TESTING5", "expires_at": 1}),
            "TESTING5",
        ),
        (
            "POST",
            "/v1/webhooks/svix_url",
            "generateSvixAuthUrl",
            json!({}),
            json!({"svix_url": "https://app.svix.com/login#key=SVIXKEY6"}),
            "SVIXKEY6",
        ),
        (
            "POST",
            "/v1/scim_directories/scim_1/rotate_api_key",
            "rotateScimDirectoryApiKey",
            json!({"scimDirectoryId": "scim_1"}),
            json!({"object": "scim_directory", "id": "scim_1", "api_key": "SCIMKEY7"}),
            "SCIMKEY7",
        ),
    ];
    for (m, p, tool, args, reply, secret) in cases {
        server.reset().await;
        given(m, p)
            .respond_with(ok(reply))
            .expect(1)
            .mount(&server)
            .await;
        let out = call_ok(&toolkit, tool, args).await;
        let text = out.to_string();
        assert!(
            !text.contains(secret),
            "{tool} returned its credential unmasked: {text}"
        );
        assert!(text.contains("[masked:"), "{tool}: {text}");
    }
}
