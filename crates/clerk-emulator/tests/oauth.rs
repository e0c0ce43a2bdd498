//! The emulator as Clerk's OAuth authorization server: discovery, registration, authorization
//! code with PKCE, tokens (opaque and JWT), verification through the Backend API (with
//! clerk-api), refresh, revocation, API keys and M2M tokens.

use clerk_api::{Client, CreateApiKey};
use clerk_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let clerk = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    (emulator, clerk)
}

/// Runs register → authorize → token; returns (client_id, token response).
async fn sign_in(base: &str, http: &reqwest::Client, resource: &str) -> (String, Value) {
    let meta: Value = http
        .get(format!("{base}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["issuer"], base);
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    let reg: Value = http
        .post(meta["registration_endpoint"].as_str().unwrap())
        .json(&json!({"client_name": "test", "redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = reg["client_id"].as_str().unwrap().to_string();
    assert!(
        reg["client_secret"].is_null(),
        "a public client has no secret"
    );
    let verifier = "a-very-long-code-verifier-of-at-least-43-characters-xyz";
    let challenge = data_encoding::BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()));
    let auth = http
        .get(meta["authorization_endpoint"].as_str().unwrap())
        .query(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "st4te"),
            ("scope", "openid profile email"),
            ("resource", resource),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status(), 302);
    let location = auth.headers()["location"].to_str().unwrap().to_string();
    let url = url::Url::parse(&location).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "st4te");
    assert_eq!(q["iss"], base);
    // A wrong verifier does not redeem the code… and the code is then spent.
    let token = |verifier: &str| {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", q["code"].as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("client_id", client_id.as_str()),
            ("code_verifier", verifier),
        ];
        http.post(meta["token_endpoint"].as_str().unwrap())
            .form(&form)
            .send()
    };
    let ok = token(verifier).await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    let again = token(verifier).await.unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    (client_id, body)
}

#[tokio::test]
async fn opaque_tokens_verify_refresh_and_revoke() {
    let (emulator, clerk) = start().await;
    let base = emulator.url();
    let http = http();
    let (client_id, tok) = sign_in(&base, &http, "http://127.0.0.1:8080/mcp").await;
    let access = tok["access_token"].as_str().unwrap();
    assert!(access.starts_with("oat_"), "{tok}");
    assert_eq!(tok["token_type"], "bearer");
    let info = clerk.oauth_access_tokens().verify(access).await.unwrap();
    assert!(info.is_active());
    assert_eq!(info.client_id.as_deref(), Some(client_id.as_str()));
    let first_user = clerk
        .users()
        .list()
        .order_by("created_at")
        .limit(100)
        .send()
        .await
        .unwrap();
    assert!(
        first_user
            .data
            .iter()
            .any(|u| Some(&u.id) == info.subject.as_ref())
    );
    assert_eq!(info.scopes, ["openid", "profile", "email"]);

    // Refresh rotates.
    let refreshed: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tok["refresh_token"].as_str().unwrap()),
            ("client_id", &client_id),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        refreshed["access_token"]
            .as_str()
            .unwrap()
            .starts_with("oat_")
    );
    let reuse = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tok["refresh_token"].as_str().unwrap()),
            ("client_id", &client_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 400);

    // Revoked: still known, marked revoked.
    let r = http
        .post(format!("{base}/oauth/revoke"))
        .form(&[("token", access), ("client_id", &client_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let info = clerk.oauth_access_tokens().verify(access).await.unwrap();
    assert!(info.revoked && !info.is_active());
    // Unknown: 404.
    let err = clerk
        .oauth_access_tokens()
        .verify("oat_nope")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn jwt_access_tokens_are_signed_with_the_published_key() {
    let (emulator, clerk) = start().await;
    let base = emulator.url();
    let http = http();
    let set = http
        .put(format!("{base}/__emulator/oauth"))
        .json(&json!({"token_format": "jwt"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let (client_id, tok) = sign_in(&base, &http, "http://127.0.0.1:8080/mcp").await;
    let jwt = tok["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let jwks = clerk.jwks().await.unwrap();
    let key = jwks
        .keys
        .iter()
        .find(|k| k.kid == header.kid)
        .expect("the kid is published");
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key.n.as_deref().unwrap(),
        key.e.as_deref().unwrap(),
    )
    .unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&["http://127.0.0.1:8080/mcp"]);
    v.set_issuer(&[base.as_str()]);
    let claims = jsonwebtoken::decode::<Value>(jwt, &decoding, &v)
        .unwrap()
        .claims;
    assert_eq!(claims["client_id"], client_id);
    assert!(claims["sub"].as_str().unwrap().starts_with("user_"));
    // The FAPI publishes the same key set.
    let fapi: Value = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fapi["keys"][0]["kid"], header.kid.unwrap());
    let info = clerk.oauth_access_tokens().verify(jwt).await.unwrap();
    assert!(info.is_active());
}

#[tokio::test]
async fn denied_and_malformed_authorization_requests() {
    let (emulator, _clerk) = start().await;
    let base = emulator.url();
    let http = http();
    let reg: Value = http
        .post(format!("{base}/oauth/register"))
        .json(&json!({"redirect_uris": ["http://127.0.0.1:9/cb"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        reg["client_secret"].as_str().unwrap().starts_with("cs_"),
        "confidential by default"
    );
    let client_id = reg["client_id"].as_str().unwrap();
    // Unregistered redirect URI: an error page, never a redirect.
    let bad = http
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://evil.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    // No PKCE: redirected with an error.
    let no_pkce = http
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_pkce.status(), 302);
    assert!(
        no_pkce.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=invalid_request")
    );
    http.put(format!("{base}/__emulator/oauth"))
        .json(&json!({"deny": true}))
        .send()
        .await
        .unwrap();
    let denied = http
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("code_challenge", "abc"),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        denied.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=access_denied")
    );
    // A confidential client must authenticate at the token endpoint.
    let unauth = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", client_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);
    assert_eq!(
        unauth.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
}

#[tokio::test]
async fn api_keys_and_m2m_tokens() {
    let (emulator, clerk) = start().await;
    let user = clerk.users().list().limit(1).send().await.unwrap().data[0]
        .id
        .clone();
    let key = clerk
        .api_keys()
        .create(&CreateApiKey {
            name: "ci agent".into(),
            subject: user.clone(),
            scopes: vec!["clerk_mcp:read".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let secret = key.secret.clone().unwrap();
    assert!(secret.expose().starts_with("ak_") && format!("{key:?}").contains("[REDACTED]"));
    let verified = clerk.api_keys().verify(secret.expose()).await.unwrap();
    assert_eq!(verified.subject, user);
    assert_eq!(verified.scopes, ["clerk_mcp:read"]);
    assert!(verified.secret.is_none() && !verified.revoked);
    clerk
        .api_keys()
        .revoke(&key.id, Some("rotated"))
        .await
        .unwrap();
    assert!(
        clerk
            .api_keys()
            .verify(secret.expose())
            .await
            .unwrap()
            .revoked
    );
    assert!(
        clerk
            .api_keys()
            .verify("ak_unknown")
            .await
            .unwrap_err()
            .is_not_found()
    );

    let http = http();
    let m2m: Value = http
        .post(format!("{}/v1/m2m_tokens", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .json(&json!({"claims": {"scopes": ["clerk_mcp:write"]}, "seconds_until_expiration": 60}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = m2m["token"].as_str().unwrap();
    assert!(token.starts_with("mt_"));
    let v = clerk.m2m_tokens().verify(token).await.unwrap();
    assert!(v.subject.starts_with("mch_") && !v.expired);
    assert_eq!(v.claims.unwrap()["scopes"], json!(["clerk_mcp:write"]));
}

#[tokio::test]
async fn token_verifier_accepts_each_kind_and_refuses_bad_ones() {
    use clerk_api::{TokenKind, TokenVerifier, VerifyError};
    let (emulator, clerk) = start().await;
    let base = emulator.url();
    let http = http();
    let resource = "http://127.0.0.1:8080/mcp";
    let verifier = TokenVerifier::new(clerk.clone())
        .with_issuer(base.clone())
        .with_audience(resource)
        .with_cache_ttl(std::time::Duration::ZERO);

    let (client_id, opaque) = sign_in(&base, &http, resource).await;
    let opaque = opaque["access_token"].as_str().unwrap().to_string();
    let v = verifier.verify(&opaque).await.unwrap();
    assert_eq!(v.kind, TokenKind::OAuth);
    assert_eq!(v.client_id.as_deref(), Some(client_id.as_str()));
    assert!(v.subject.starts_with("user_"));

    http.put(format!("{base}/__emulator/oauth"))
        .json(&json!({"token_format": "jwt"}))
        .send()
        .await
        .unwrap();
    let (_, jwt) = sign_in(&base, &http, resource).await;
    let jwt = jwt["access_token"].as_str().unwrap().to_string();
    let v = verifier.verify(&jwt).await.unwrap();
    assert_eq!(v.kind, TokenKind::OAuthJwt);
    assert_eq!(v.scopes, ["openid", "profile", "email"]);
    // Tampered payload: bad signature.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut payload: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(parts[1].as_bytes())
            .unwrap(),
    )
    .unwrap();
    payload["sub"] = json!("user_someoneelse00000000000000");
    parts[1] = data_encoding::BASE64URL_NOPAD.encode(payload.to_string().as_bytes());
    assert_eq!(
        verifier.verify(&parts.join(".")).await,
        Err(VerifyError::BadSignature)
    );
    // Another resource, another issuer.
    let (_, other) = sign_in(&base, &http, "http://elsewhere.example/mcp").await;
    assert_eq!(
        verifier
            .verify(other["access_token"].as_str().unwrap())
            .await,
        Err(VerifyError::WrongAudience)
    );
    let strict = TokenVerifier::new(clerk.clone()).with_issuer("https://clerk.other.example");
    assert_eq!(strict.verify(&jwt).await, Err(VerifyError::WrongIssuer));
    // Expired JWT.
    http.put(format!("{base}/__emulator/oauth"))
        .json(&json!({"token_format": "jwt", "access_token_ttl_seconds": -60}))
        .send()
        .await
        .unwrap();
    let (_, short) = sign_in(&base, &http, resource).await;
    assert_eq!(
        verifier
            .verify(short["access_token"].as_str().unwrap())
            .await,
        Err(VerifyError::Expired)
    );
    let info = clerk
        .oauth_access_tokens()
        .verify(short["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert!(!info.is_active());

    // Revoked opaque token.
    http.post(format!("{base}/oauth/revoke"))
        .form(&[
            ("token", opaque.as_str()),
            ("client_id", client_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verifier.verify(&opaque).await, Err(VerifyError::Revoked));
    assert_eq!(
        verifier.verify("oat_unknown").await,
        Err(VerifyError::Unknown)
    );
    assert_eq!(verifier.verify("hello").await, Err(VerifyError::Malformed));

    // API key and M2M token, scopes included.
    let user = clerk.users().list().limit(1).send().await.unwrap().data[0]
        .id
        .clone();
    let key = clerk
        .api_keys()
        .create(&CreateApiKey {
            name: "agent".into(),
            subject: user.clone(),
            scopes: vec!["clerk_mcp:read".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let v = verifier
        .verify(key.secret.as_ref().unwrap().expose())
        .await
        .unwrap();
    assert_eq!(
        (v.kind, v.subject.as_str()),
        (TokenKind::ApiKey, user.as_str())
    );
    let m2m: Value = http
        .post(format!("{base}/v1/m2m_tokens"))
        .bearer_auth(emulator.secret_key())
        .json(&json!({"claims": {"scopes": ["clerk_mcp:write"]}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let v = verifier
        .verify(m2m["token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(v.kind, TokenKind::M2m);
    assert!(v.scopes.contains(&"clerk_mcp:write".to_string()));

    // With a cache, a revoked token is refused once the cache has expired (a few seconds).
    let cached =
        TokenVerifier::new(clerk.clone()).with_cache_ttl(std::time::Duration::from_millis(200));
    let secret = key.secret.as_ref().unwrap().expose().to_string();
    cached.verify(&secret).await.unwrap();
    clerk.api_keys().revoke(&key.id, None).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    assert_eq!(cached.verify(&secret).await, Err(VerifyError::Revoked));
}
