//! The emulator as Clerk's OAuth authorization server (the Frontend API side) and its token
//! verification endpoints (the Backend API side), so `clerk-mcp --auth clerk` runs offline.
//!
//! Frontend API (the issuer is the emulator's own origin, as the request's `Host` names it):
//!
//! | route | what |
//! |---|---|
//! | `GET /.well-known/oauth-authorization-server`, `/.well-known/openid-configuration` | RFC 8414 metadata |
//! | `GET /.well-known/jwks.json` | the signing key of JWT access tokens |
//! | `POST /oauth/register` | RFC 7591 dynamic client registration |
//! | `GET /oauth/authorize` | authorization code with PKCE (S256 required); approves as the configured user at once (no consent page), or denies when told to |
//! | `POST /oauth/token` | `authorization_code` and `refresh_token` grants; opaque `oat_…` or JWT (`typ: at+jwt`, RS256) access tokens |
//! | `POST /oauth/revoke` | RFC 7009 revocation |
//! | `GET /oauth/userinfo` | the signed-in user |
//!
//! Backend API (`/v1`, with the secret key): `POST /oauth_applications/access_tokens/verify`,
//! `GET /jwks`, `POST /api_keys`, `POST /api_keys/verify`, `POST /api_keys/{id}/revoke`,
//! `POST /m2m_tokens`, `POST /m2m_tokens/verify`, `POST /m2m_tokens/{id}/revoke`. (Clerk mints M2M
//! tokens with a machine's secret key; the emulator also accepts the instance key.)
//!
//! Knobs (`PUT /__emulator/oauth`): `user_id` (whom to approve as; default the first user),
//! `token_format` (`opaque` or `jwt`), `access_token_ttl_seconds`, `deny` (answer
//! `access_denied`). Tokens and secrets are stored as SHA-256 only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{Query as AxumQuery, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::ClerkError;
use crate::handlers::{Ctx, Res};
use crate::req::Fields;
use crate::server::Shared;
use crate::state::{MachineCredential, OAuthClient, OAuthToken, State, now_ms};

/// The `kid` of the emulator's signing key.
pub const SIGNING_KID: &str = "ins_emulator_oauth_1";
/// Scopes the emulator grants.
pub const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "public_metadata",
    "private_metadata",
    "offline_access",
];

/// How the authorization server behaves (see the module docs).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct OAuthSettings {
    /// The user the authorization endpoint signs in (default: the first user).
    pub user_id: Option<String>,
    /// `opaque` (default) or `jwt`.
    pub token_format: String,
    /// Access token lifetime; a negative value issues tokens that are already expired (for
    /// tests).
    pub access_token_ttl_seconds: i64,
    /// Answer every authorization request with `access_denied`.
    pub deny: bool,
}

impl Default for OAuthSettings {
    fn default() -> Self {
        OAuthSettings {
            user_id: None,
            token_format: "opaque".into(),
            access_token_ttl_seconds: 3600,
            deny: false,
        }
    }
}

/// A code waiting for the token endpoint (lives in memory only, a minute at most).
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scopes: Vec<String>,
    resource: Option<String>,
    user_id: String,
    expires: i64,
}

/// What the OAuth side keeps besides [`State`].
#[derive(Debug, Default)]
pub(crate) struct OAuthRuntime {
    pub settings: OAuthSettings,
    codes: HashMap<String, PendingCode>,
}

impl OAuthRuntime {
    pub fn new(settings: OAuthSettings) -> Mutex<OAuthRuntime> {
        Mutex::new(OAuthRuntime {
            settings,
            codes: HashMap::new(),
        })
    }
}

pub(crate) fn sha256_hex(s: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(s.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect()
}

fn random_token(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let body: String = (0..len)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{body}")
}

/// The key that signs JWT access tokens: made once per process, on the first use, and never
/// written anywhere (only its public half is published, in the JWKS).
struct SigningKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
}

fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
            .expect("the operating system provides randomness for an RSA key");
        let der = private
            .to_pkcs1_der()
            .expect("a fresh RSA key encodes as PKCS#1");
        let b64 = |bytes: Vec<u8>| data_encoding::BASE64URL_NOPAD.encode(&bytes);
        let (n, e) = (b64(private.n().to_bytes_be()), b64(private.e().to_bytes_be()));
        SigningKey {
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding: DecodingKey::from_rsa_components(&n, &e).expect("valid RSA components"),
            jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": SIGNING_KID, "n": n, "e": e}),
        }
    })
}

fn encoding_key() -> &'static EncodingKey {
    &signing_key().encoding
}

fn decoding_key() -> &'static DecodingKey {
    &signing_key().decoding
}

/// Sign `claims` as an RS256 JWT with the emulator's key (published at `GET /v1/jwks`).
pub(crate) fn sign_rs256(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(SIGNING_KID.into());
    jsonwebtoken::encode(&header, claims, encoding_key()).expect("signing with a valid key")
}

/// The claims of a JWT signed with the emulator's key, whether or not it has expired.
pub(crate) fn decode_rs256_ignoring_exp(token: &str) -> Option<Value> {
    let mut v = Validation::new(Algorithm::RS256);
    v.validate_aud = false;
    v.validate_exp = false;
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, decoding_key(), &v)
        .ok()
        .map(|d| d.claims)
}

/// The public key set.
pub fn jwks() -> Value {
    json!({ "keys": [signing_key().jwk.clone()] })
}

/// The issuer: this emulator's origin, as the client addressed it.
fn issuer(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response()
}

fn json_ok(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /.well-known/oauth-authorization-server` (and the OpenID variant).
pub(crate) async fn metadata(headers: HeaderMap) -> Response {
    let iss = issuer(&headers);
    json_ok(
        StatusCode::OK,
        json!({
            "issuer": iss,
            "authorization_endpoint": format!("{iss}/oauth/authorize"),
            "token_endpoint": format!("{iss}/oauth/token"),
            "registration_endpoint": format!("{iss}/oauth/register"),
            "revocation_endpoint": format!("{iss}/oauth/revoke"),
            "userinfo_endpoint": format!("{iss}/oauth/userinfo"),
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": SCOPES,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": true,
            "service_documentation": "https://clerk.com/docs",
        }),
    )
}

/// `GET /.well-known/jwks.json`.
pub(crate) async fn jwks_route() -> Response {
    json_ok(StatusCode::OK, jwks())
}

/// `POST /oauth/register` (RFC 7591).
pub(crate) async fn register(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "the body must be a JSON object",
        );
    };
    let uris: Vec<String> = req["redirect_uris"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if uris.is_empty() || uris.iter().any(|u| url_scheme(u).is_none()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uris must hold at least one absolute URL",
        );
    }
    let method = req["token_endpoint_auth_method"]
        .as_str()
        .unwrap_or("client_secret_basic")
        .to_string();
    if !["none", "client_secret_basic", "client_secret_post"].contains(&method.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post",
        );
    }
    let now = now_ms();
    let mut st = sh.state();
    let client_id = format!("client_{}", &st.new_id("x")[2..]);
    let secret = (method != "none").then(|| random_token("cs_", 40));
    st.oauth_clients.insert(
        client_id.clone(),
        OAuthClient {
            client_id: client_id.clone(),
            secret_hash: secret.as_deref().map(sha256_hex),
            client_name: req["client_name"].as_str().map(str::to_owned),
            redirect_uris: uris.clone(),
            token_endpoint_auth_method: method.clone(),
            scope: req["scope"].as_str().map(str::to_owned),
            created_at: now,
        },
    );
    let mut out = json!({
        "client_id": client_id,
        "client_id_issued_at": now / 1000,
        "redirect_uris": uris,
        "token_endpoint_auth_method": method,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    if let Some(name) = req["client_name"].as_str() {
        out["client_name"] = json!(name);
    }
    if let Some(scope) = req["scope"].as_str() {
        out["scope"] = json!(scope);
    }
    if let Some(secret) = secret {
        out["client_secret"] = json!(secret);
        out["client_secret_expires_at"] = json!(0);
    }
    json_ok(StatusCode::CREATED, out)
}

fn url_scheme(u: &str) -> Option<&str> {
    let (scheme, rest) = u.split_once("://")?;
    (!scheme.is_empty() && !rest.is_empty()).then_some(scheme)
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let q = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("{uri}{sep}{q}")
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn parse_scopes(scope: Option<&str>) -> Result<Vec<String>, String> {
    let scopes: Vec<String> = scope
        .unwrap_or("openid profile email")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    match scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        Some(bad) => Err(format!(
            "scope `{bad}` is not supported; supported: {}",
            SCOPES.join(" ")
        )),
        None => Ok(scopes),
    }
}

/// `GET /oauth/authorize`.
pub(crate) async fn authorize(
    AxumState(sh): AxumState<Arc<Shared>>,
    headers: HeaderMap,
    AxumQuery(q): AxumQuery<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str);
    let (Some(client_id), Some(redirect_uri)) = (get("client_id"), get("redirect_uri")) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and redirect_uri are required",
        );
    };
    let (known, user) = {
        let st = sh.state();
        let known = st
            .oauth_clients
            .get(client_id)
            .is_some_and(|c| c.redirect_uris.iter().any(|u| u == redirect_uri));
        let settings = sh.oauth().settings.clone();
        let user = settings
            .user_id
            .filter(|id| st.users.contains_key(id))
            .or_else(|| {
                st.users
                    .values()
                    .min_by_key(|u| u.seq)
                    .map(|u| u.id.clone())
            });
        (known, user)
    };
    // Never redirect to a URI that is not registered for the client.
    if !known {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "unknown client_id, or redirect_uri not registered for it",
        );
    }
    let state = get("state").unwrap_or_default();
    let iss = issuer(&headers);
    let fail = |error: &str, description: &str| {
        redirect(&with_query(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state),
                ("iss", &iss),
            ],
        ))
    };
    if get("response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    let Some(challenge) = get("code_challenge") else {
        return fail(
            "invalid_request",
            "PKCE is required: send code_challenge (S256)",
        );
    };
    if get("code_challenge_method") != Some("S256") {
        return fail("invalid_request", "code_challenge_method must be S256");
    }
    let scopes = match parse_scopes(get("scope")) {
        Ok(s) => s,
        Err(e) => return fail("invalid_scope", &e),
    };
    if sh.oauth().settings.deny {
        return fail("access_denied", "the user denied the request");
    }
    let Some(user_id) = user else {
        return fail("access_denied", "the emulator has no user to sign in as");
    };
    let code = random_token("", 32);
    sh.oauth().codes.insert(
        code.clone(),
        PendingCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            challenge: challenge.to_string(),
            scopes,
            resource: get("resource").map(str::to_owned),
            user_id,
            expires: now_ms() + 60_000,
        },
    );
    redirect(&with_query(
        redirect_uri,
        &[("code", &code), ("state", state), ("iss", &iss)],
    ))
}

/// The client authenticating at the token or revocation endpoint.
fn client_auth(
    st: &State,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<String, Box<Response>> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| data_encoding::BASE64.decode(b.trim().as_bytes()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':').map(|(i, p)| {
                let dec = |x: &str| {
                    serde_urlencoded::from_str::<HashMap<String, String>>(&format!("v={x}"))
                        .ok()
                        .and_then(|m| m.get("v").cloned())
                        .unwrap_or_else(|| x.to_string())
                };
                (dec(i), dec(p))
            })
        });
    let (id, secret) = match basic {
        Some((i, p)) => (Some(i), Some(p)),
        None => (
            form.get("client_id").cloned(),
            form.get("client_secret").cloned(),
        ),
    };
    let bad = || {
        Box::new(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        ))
    };
    let id = id.ok_or_else(bad)?;
    let client = st.oauth_clients.get(&id).ok_or_else(bad)?;
    match (&client.secret_hash, secret) {
        (None, _) => Ok(id),
        (Some(hash), Some(secret)) if *hash == sha256_hex(&secret) => Ok(id),
        _ => Err(bad()),
    }
}

#[derive(Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    sub: String,
    aud: String,
    client_id: String,
    azp: String,
    scope: String,
    jti: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Issues an access token (and a refresh token) and records it.
fn issue(
    st: &mut State,
    settings: &OAuthSettings,
    iss: &str,
    client_id: &str,
    user_id: &str,
    scopes: Vec<String>,
    resource: Option<String>,
) -> Value {
    let now = now_ms();
    let ttl = settings.access_token_ttl_seconds;
    let id = format!("oat_{}", random_hex(16));
    let jwt = settings.token_format == "jwt";
    let access = if jwt {
        let claims = AccessClaims {
            iss: iss.to_string(),
            sub: user_id.to_string(),
            aud: resource.clone().unwrap_or_else(|| client_id.to_string()),
            client_id: client_id.to_string(),
            azp: client_id.to_string(),
            scope: scopes.join(" "),
            jti: id.clone(),
            iat: now / 1000,
            nbf: now / 1000,
            exp: now / 1000 + ttl,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("at+jwt".into());
        header.kid = Some(SIGNING_KID.into());
        jsonwebtoken::encode(&header, &claims, encoding_key()).expect("signing with a valid key")
    } else {
        random_token("oat_", 40)
    };
    let refresh = random_token("rt_", 40);
    st.oauth_tokens.insert(
        id.clone(),
        OAuthToken {
            id,
            token_hash: sha256_hex(&access),
            refresh_hash: Some(sha256_hex(&refresh)),
            client_id: client_id.to_string(),
            subject: user_id.to_string(),
            scopes: scopes.clone(),
            resource,
            format: if jwt { "jwt" } else { "opaque" }.into(),
            revoked: false,
            revocation_reason: None,
            expiration: now + ttl * 1000,
            created_at: now,
            updated_at: now,
        },
    );
    json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ttl,
        "refresh_token": refresh,
        "scope": scopes.join(" "),
    })
}

fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = Sha256::digest(verifier.as_bytes());
    data_encoding::BASE64URL_NOPAD.encode(&digest) == challenge
}

/// `POST /oauth/token`.
pub(crate) async fn token(
    AxumState(sh): AxumState<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let iss = issuer(&headers);
    let settings = sh.oauth().settings.clone();
    let mut st = sh.state();
    let client_id = match client_auth(&st, &headers, &form) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let grant = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(code) = form.get("code").and_then(|c| sh.oauth().codes.remove(c)) else {
                return grant("the authorization code is unknown, used or expired");
            };
            if code.expires < now_ms() || code.client_id != client_id {
                return grant("the authorization code is expired or was issued to another client");
            }
            if form.get("redirect_uri") != Some(&code.redirect_uri) {
                return grant("redirect_uri does not match the authorization request");
            }
            match form.get("code_verifier") {
                Some(v) if pkce_matches(v, &code.challenge) => {}
                _ => return grant("code_verifier does not match the code_challenge"),
            }
            let resource = form.get("resource").cloned().or(code.resource.clone());
            let out = issue(
                &mut st,
                &settings,
                &iss,
                &client_id,
                &code.user_id,
                code.scopes,
                resource,
            );
            json_ok(StatusCode::OK, out)
        }
        Some("refresh_token") => {
            let Some(hash) = form.get("refresh_token").map(|t| sha256_hex(t)) else {
                return grant("refresh_token is required");
            };
            let Some(old) = st.oauth_tokens.values_mut().find(|t| {
                t.refresh_hash.as_deref() == Some(hash.as_str()) && t.client_id == client_id
            }) else {
                return grant("the refresh token is unknown or was issued to another client");
            };
            if old.revoked {
                return grant("the refresh token was revoked");
            }
            // Rotation: the old refresh token stops working.
            old.refresh_hash = None;
            let (user, scopes, resource) = (
                old.subject.clone(),
                old.scopes.clone(),
                old.resource.clone(),
            );
            let out = issue(
                &mut st, &settings, &iss, &client_id, &user, scopes, resource,
            );
            json_ok(StatusCode::OK, out)
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
    }
}

/// `POST /oauth/revoke` (RFC 7009): always 200, known or not.
pub(crate) async fn revoke(
    AxumState(sh): AxumState<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body).unwrap_or_default();
    let mut st = sh.state();
    let client_id = match client_auth(&st, &headers, &form) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    if let Some(hash) = form.get("token").map(|t| sha256_hex(t)) {
        let now = now_ms();
        for t in st.oauth_tokens.values_mut() {
            if t.client_id == client_id
                && (t.token_hash == hash || t.refresh_hash.as_deref() == Some(hash.as_str()))
            {
                t.revoked = true;
                t.revocation_reason = Some("Revoked by client".into());
                t.updated_at = now;
            }
        }
    }
    (StatusCode::OK, "").into_response()
}

/// `GET /oauth/userinfo`.
pub(crate) async fn userinfo(
    AxumState(sh): AxumState<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    let st = sh.state();
    let now = now_ms();
    let Some(t) = find_token(&st, token).filter(|t| !t.revoked && t.expiration > now) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the access token is not valid",
        );
    };
    let Some(u) = st.users.get(&t.subject) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the user no longer exists",
        );
    };
    let name = [u.first_name.clone(), u.last_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    json_ok(
        StatusCode::OK,
        json!({
            "sub": u.id,
            "user_id": u.id,
            "email": u.primary_email().map(|e| e.email_address.clone()),
            "given_name": u.first_name,
            "family_name": u.last_name,
            "name": name,
        }),
    )
}

fn find_token<'a>(st: &'a State, token: &str) -> Option<&'a OAuthToken> {
    let hash = sha256_hex(token);
    st.oauth_tokens.values().find(|t| t.token_hash == hash)
}

// ---- Backend API side -------------------------------------------------------------------

fn token_object(t: &OAuthToken, now: i64) -> Value {
    json!({
        "object": "clerk_idp_oauth_access_token",
        "id": t.id,
        "client_id": t.client_id,
        "subject": t.subject,
        "scopes": t.scopes,
        "revoked": t.revoked,
        "revocation_reason": t.revocation_reason,
        "expired": t.expiration <= now,
        "expiration": t.expiration,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    })
}

/// `POST /oauth_applications/access_tokens/verify`.
pub(crate) fn verify_access_token(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse(cx.body, &["access_token", "secret"])?;
    let token = match f.str_opt("access_token")? {
        Some(t) => t,
        None => f
            .str_req("secret")
            .map_err(|_| ClerkError::missing("access_token"))?,
    };
    if token.matches('.').count() == 2 {
        // A JWT access token: check the signature; an expired one is `{active: false}`.
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_aud = false;
        v.validate_exp = false;
        let Ok(data) = jsonwebtoken::decode::<AccessClaims>(&token, decoding_key(), &v) else {
            return Err(ClerkError::not_found("OAuth token not found"));
        };
        if data.claims.exp * 1000 <= cx.now {
            return Ok(json!({"active": false}));
        }
        return match st.oauth_tokens.get(&data.claims.jti) {
            Some(t) => Ok(token_object(t, cx.now)),
            None => Err(ClerkError::not_found("OAuth token not found")),
        };
    }
    match find_token(st, &token) {
        Some(t) => Ok(token_object(t, cx.now)),
        None => Err(ClerkError::not_found("OAuth token not found")),
    }
}

fn credential_object(object: &str, c: &MachineCredential, now: i64, secret: Option<&str>) -> Value {
    let mut v = json!({
        "object": object,
        "id": c.id,
        "subject": c.subject,
        "claims": c.claims,
        "scopes": c.scopes,
        "revoked": c.revoked,
        "revocation_reason": c.revocation_reason,
        "expired": c.expiration.is_some_and(|e| e <= now),
        "expiration": c.expiration,
        "last_used_at": Value::Null,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    });
    if object == "api_key" {
        v["type"] = json!("api_key");
        v["name"] = json!(c.name);
        v["description"] = json!(c.description);
        v["created_by"] = json!(c.created_by);
    }
    if let Some(s) = secret {
        v[if object == "api_key" {
            "secret"
        } else {
            "token"
        }] = json!(s);
    }
    v
}

fn subject_ok(s: &str) -> bool {
    ["user_", "org_", "mch_", "scim_"]
        .iter()
        .any(|p| s.starts_with(p))
        && s.len() > 5
}

/// `POST /api_keys` and `POST /m2m_tokens`.
pub(crate) fn create_credential(st: &mut State, cx: &Ctx, api_key: bool) -> Res {
    let allowed: &[&str] = if api_key {
        &[
            "type",
            "name",
            "description",
            "subject",
            "claims",
            "scopes",
            "created_by",
            "seconds_until_expiration",
        ]
    } else {
        &[
            "token_format",
            "seconds_until_expiration",
            "claims",
            "min_remaining_ttl_seconds",
            "subject",
            "scopes",
        ]
    };
    let f = if api_key {
        Fields::parse_required(cx.body, allowed)?
    } else {
        Fields::parse(cx.body, allowed)?
    };
    let subject = if api_key {
        f.str_req("subject")?
    } else {
        f.str_opt("subject")?.unwrap_or_else(|| st.new_id("mch"))
    };
    if !subject_ok(&subject) {
        return Err(ClerkError::format_invalid(
            "subject",
            "subject must be a user_, org_ or mch_ id",
        ));
    }
    let name = if api_key {
        let n = f.str_req("name")?;
        if n.trim().len() < 3 {
            return Err(ClerkError::format_invalid(
                "name",
                "name must be at least 3 characters",
            ));
        }
        Some(n)
    } else {
        None
    };
    let ttl = f.int_opt("seconds_until_expiration")?;
    let (prefix, secret) = if api_key {
        ("ak_", random_token("ak_", 48))
    } else {
        ("mt_", random_token("mt_", 48))
    };
    let cred = MachineCredential {
        id: format!("{prefix}{}", random_hex(16)),
        secret_hash: sha256_hex(&secret),
        secret: api_key.then(|| secret.clone()),
        subject,
        name,
        description: f.str_opt("description")?,
        claims: f.get("claims").cloned().unwrap_or(Value::Null),
        scopes: f.str_array_opt("scopes")?.unwrap_or_default(),
        revoked: false,
        revocation_reason: None,
        expiration: ttl.map(|s| cx.now + s * 1000),
        created_by: f.str_opt("created_by")?,
        created_at: cx.now,
        updated_at: cx.now,
    };
    let out = credential_object(
        if api_key {
            "api_key"
        } else {
            "machine_to_machine_token"
        },
        &cred,
        cx.now,
        Some(&secret),
    );
    let map = if api_key {
        &mut st.api_keys
    } else {
        &mut st.m2m_tokens
    };
    map.insert(cred.id.clone(), cred);
    Ok(out)
}

/// `POST /api_keys/verify` and `POST /m2m_tokens/verify`.
pub(crate) fn verify_credential(st: &mut State, cx: &Ctx, api_key: bool) -> Res {
    let key = if api_key { "secret" } else { "token" };
    let f = Fields::parse(cx.body, &[key])?;
    let hash = sha256_hex(&f.str_req(key)?);
    let map = if api_key {
        &st.api_keys
    } else {
        &st.m2m_tokens
    };
    let object = if api_key {
        "api_key"
    } else {
        "machine_to_machine_token"
    };
    match map.values().find(|c| c.secret_hash == hash) {
        Some(c) => Ok(credential_object(object, c, cx.now, None)),
        None => Err(ClerkError::not_found(if api_key {
            "API key not found"
        } else {
            "M2M token not found"
        })),
    }
}

/// `POST /api_keys/{id}/revoke` and `POST /m2m_tokens/{id}/revoke`.
pub(crate) fn revoke_credential(st: &mut State, cx: &Ctx, id: &str, api_key: bool) -> Res {
    let f = Fields::parse(cx.body, &["revocation_reason"])?;
    let reason = f.str_opt("revocation_reason")?;
    let object = if api_key {
        "api_key"
    } else {
        "machine_to_machine_token"
    };
    let map = if api_key {
        &mut st.api_keys
    } else {
        &mut st.m2m_tokens
    };
    let Some(c) = map.get_mut(id) else {
        return Err(ClerkError::not_found("Resource not found"));
    };
    c.revoked = true;
    c.revocation_reason = reason.or(Some("Revoked".into()));
    c.updated_at = cx.now;
    Ok(credential_object(object, c, cx.now, None))
}

fn credential_not_found(api_key: bool, id: &str) -> ClerkError {
    ClerkError::not_found(if api_key {
        format!("No API key was found with id {id}")
    } else {
        format!("No M2M token was found with id {id}")
    })
}

/// `GET /api_keys?subject=…` (`{data, total_count}`) and `GET /m2m_tokens?subject=…`
/// (`{m2m_tokens, total_count}`).
pub(crate) fn list_credentials(st: &mut State, cx: &Ctx, api_key: bool) -> Res {
    let q = cx.q;
    let subject = q
        .get("subject")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ClerkError::missing("subject"))?
        .to_string();
    let (limit, offset) = (q.limit()?, q.offset()?);
    let include_invalid = q.bool("include_invalid")?.unwrap_or(false);
    let revoked = q.bool("revoked")?;
    let expired = q.bool("expired")?;
    let needle = q.get("query").map(str::to_lowercase);
    let map = if api_key {
        &st.api_keys
    } else {
        &st.m2m_tokens
    };
    let mut items: Vec<&MachineCredential> = map
        .values()
        .filter(|c| c.subject == subject)
        .filter(|c| {
            let is_expired = c.expiration.is_some_and(|e| e <= cx.now);
            if api_key {
                include_invalid || (!c.revoked && !is_expired)
            } else {
                revoked.is_none_or(|r| r == c.revoked) && expired.is_none_or(|e| e == is_expired)
            }
        })
        .filter(|c| {
            needle.as_ref().is_none_or(|n| {
                c.name
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(n))
                    || c.id.contains(n.as_str())
            })
        })
        .collect();
    items.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id.clone())));
    let total = items.len();
    let object = if api_key {
        "api_key"
    } else {
        "machine_to_machine_token"
    };
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|c| credential_object(object, c, cx.now, None))
        .collect();
    Ok(if api_key {
        json!({ "data": page, "total_count": total })
    } else {
        json!({ "m2m_tokens": page, "total_count": total })
    })
}

/// `GET /api_keys/{id}`
pub(crate) fn get_api_key(st: &mut State, cx: &Ctx, id: &str) -> Res {
    st.api_keys
        .get(id)
        .map(|c| credential_object("api_key", c, cx.now, None))
        .ok_or_else(|| credential_not_found(true, id))
}

/// `GET /api_keys/{id}/secret`
pub(crate) fn api_key_secret(st: &mut State, id: &str) -> Res {
    let c = st
        .api_keys
        .get(id)
        .ok_or_else(|| credential_not_found(true, id))?;
    match &c.secret {
        Some(s) => Ok(json!({ "secret": s })),
        None => Err(ClerkError::new(
            400,
            "api_key_secret_unavailable",
            "secret unavailable",
            "The secret of this API key is no longer available.",
        )),
    }
}

/// `PATCH /api_keys/{id}`
pub(crate) fn update_api_key(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let f = Fields::parse_required(
        cx.body,
        &[
            "claims",
            "description",
            "scopes",
            "seconds_until_expiration",
            "subject",
        ],
    )?;
    let subject = f.str_opt("subject")?;
    if let Some(s) = &subject
        && !subject_ok(s)
    {
        return Err(ClerkError::format_invalid(
            "subject",
            "subject must be a user_, org_ or mch_ id",
        ));
    }
    let description = f.str_nullable("description")?;
    let scopes = f.str_array_opt("scopes")?;
    let ttl = match f.get("seconds_until_expiration") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_f64().unwrap_or(0.0) as i64),
        Some(other) => {
            return Err(ClerkError::wrong_type(
                "seconds_until_expiration",
                other,
                "number",
            ));
        }
    };
    let c = st
        .api_keys
        .get_mut(id)
        .ok_or_else(|| credential_not_found(true, id))?;
    if let Some(s) = subject {
        c.subject = s;
    }
    if let Some(d) = description {
        c.description = d;
    }
    if let Some(s) = scopes {
        c.scopes = s;
    }
    if f.has("claims") {
        c.claims = f.get("claims").cloned().unwrap_or(Value::Null);
    }
    if let Some(t) = ttl {
        c.expiration = Some(cx.now + t * 1000);
    }
    c.updated_at = cx.now;
    Ok(credential_object("api_key", c, cx.now, None))
}

/// `DELETE /api_keys/{id}`
pub(crate) fn delete_api_key(st: &mut State, id: &str) -> Res {
    st.api_keys
        .remove(id)
        .ok_or_else(|| credential_not_found(true, id))?;
    Ok(json!({ "id": id, "object": "api_key", "deleted": true }))
}

/// Admin: `GET` / `PUT /__emulator/oauth`.
pub(crate) async fn admin_get(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    json_ok(
        StatusCode::OK,
        serde_json::to_value(&sh.oauth().settings).unwrap_or_default(),
    )
}

/// Admin: replace the settings (fields left out keep their defaults).
pub(crate) async fn admin_put(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<OAuthSettings>(&body) {
        Ok(s) if s.token_format == "opaque" || s.token_format == "jwt" => {
            sh.oauth().settings = s.clone();
            json_ok(StatusCode::OK, serde_json::to_value(&s).unwrap_or_default())
        }
        Ok(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token_format must be opaque or jwt",
        ),
        Err(e) => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e.to_string()),
    }
}
