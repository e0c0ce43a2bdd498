//! Verifying the tokens people and machines present to your own server: OAuth access tokens
//! issued by Clerk (`/oauth_applications/access_tokens/verify`, spec tag "OAuth Access Tokens"),
//! API keys (`/api_keys`, "API Keys"), M2M tokens (`/m2m_tokens`, "M2M Tokens") and the
//! instance's JSON Web Key Set (`/jwks`, "JWKS") for JWT access tokens.
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client, presented: &str) -> clerk_api::Result<()> {
//! let token = clerk.oauth_access_tokens().verify(presented).await?;
//! if token.is_active() {
//!     println!("{} via {}", token.subject.unwrap_or_default(), token.client_id.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! The token strings are arguments only: they are sent in the request body, never in a URL, and
//! never kept.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Client, seg};
use crate::error::Result;
use crate::models::{Extra, null_default};
use crate::secret::Secret;

impl Client {
    /// OAuth access tokens issued by this instance (Clerk as the authorization server).
    pub fn oauth_access_tokens(&self) -> OAuthAccessTokens<'_> {
        OAuthAccessTokens { client: self }
    }

    /// API keys.
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { client: self }
    }

    /// Machine-to-machine tokens.
    pub fn m2m_tokens(&self) -> M2mTokens<'_> {
        M2mTokens { client: self }
    }

    /// `GET /jwks`: the instance's public keys, for verifying JWTs it signed (session tokens,
    /// JWT access tokens).
    pub async fn jwks(&self) -> Result<Jwks> {
        self.get("/jwks".into(), Default::default()).await
    }
}

/// An OAuth access token, as `POST /oauth_applications/access_tokens/verify` answers.
///
/// For a JWT access token that is no longer active Clerk answers `{"active": false}` only; then
/// every other field is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthAccessTokenInfo {
    /// `clerk_idp_oauth_access_token`.
    pub object: Option<String>,
    /// `oat_…` (the token's id, not the token).
    pub id: Option<String>,
    /// The OAuth application the token was issued to.
    pub client_id: Option<String>,
    /// The user it acts for (`user_…`).
    pub subject: Option<String>,
    /// Granted scopes.
    #[serde(deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// Revoked.
    #[serde(deserialize_with = "null_default")]
    pub revoked: bool,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// Expired.
    #[serde(deserialize_with = "null_default")]
    pub expired: bool,
    /// Expiry (Unix ms), if any.
    pub expiration: Option<f64>,
    /// `false` for an inactive JWT access token.
    pub active: Option<bool>,
    /// Creation time (Unix ms).
    pub created_at: Option<f64>,
    /// Last update (Unix ms).
    pub updated_at: Option<f64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl OAuthAccessTokenInfo {
    /// Known, not revoked, not expired, with a subject and a client.
    pub fn is_active(&self) -> bool {
        self.active != Some(false)
            && !self.revoked
            && !self.expired
            && self.subject.is_some()
            && self.client_id.is_some()
    }
}

/// Handler for OAuth access tokens. Obtain one with [`Client::oauth_access_tokens`].
#[derive(Debug, Clone, Copy)]
pub struct OAuthAccessTokens<'c> {
    client: &'c Client,
}

impl OAuthAccessTokens<'_> {
    /// `POST /oauth_applications/access_tokens/verify`: looks a token up. An unknown token is a
    /// 404; a revoked or expired one is answered with `revoked` / `expired` set (check
    /// [`OAuthAccessTokenInfo::is_active`]).
    pub async fn verify(&self, access_token: &str) -> Result<OAuthAccessTokenInfo> {
        #[derive(Serialize)]
        struct Body<'a> {
            access_token: &'a str,
        }
        self.client
            .send_json(
                Method::POST,
                "/oauth_applications/access_tokens/verify".into(),
                Some(&Body { access_token }),
            )
            .await
    }
}

/// An API key (`ak_…`), as Clerk returns it. `secret` is only present when it was just created.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiKey {
    /// `api_key`.
    pub object: Option<String>,
    /// `ak_…` (the key's id).
    pub id: String,
    /// Its type, e.g. `api_key`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Whom it acts for: `user_…`, `org_…` or `mch_…`.
    pub subject: String,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Custom claims.
    pub claims: Option<Value>,
    /// Scopes.
    #[serde(deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// The secret, in the answer of [`ApiKeys::create`] only.
    pub secret: Option<Secret>,
    /// Revoked.
    #[serde(deserialize_with = "null_default")]
    pub revoked: bool,
    /// Why.
    pub revocation_reason: Option<String>,
    /// Expired.
    #[serde(deserialize_with = "null_default")]
    pub expired: bool,
    /// Expiry (Unix ms).
    pub expiration: Option<f64>,
    /// Who created it.
    pub created_by: Option<String>,
    /// Last use (Unix ms).
    pub last_used_at: Option<f64>,
    /// Creation time (Unix ms).
    pub created_at: Option<f64>,
    /// Last update (Unix ms).
    pub updated_at: Option<f64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Body of `POST /api_keys`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateApiKey {
    /// Name (3+ characters).
    pub name: String,
    /// Whom it acts for: `user_…`, `org_…` or `mch_…`.
    pub subject: String,
    /// Scopes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Custom claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    /// Lifetime in seconds (none: no expiry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_until_expiration: Option<u64>,
}

/// Handler for API keys. Obtain one with [`Client::api_keys`].
#[derive(Debug, Clone, Copy)]
pub struct ApiKeys<'c> {
    pub(crate) client: &'c Client,
}

impl ApiKeys<'_> {
    /// `POST /api_keys`: creates a key; the answer's `secret` is shown this once.
    pub async fn create(&self, body: &CreateApiKey) -> Result<ApiKey> {
        self.client
            .send_json(Method::POST, "/api_keys".into(), Some(body))
            .await
    }

    /// `POST /api_keys/verify`: looks a presented secret up (404 when unknown).
    pub async fn verify(&self, secret: &str) -> Result<ApiKey> {
        #[derive(Serialize)]
        struct Body<'a> {
            secret: &'a str,
        }
        self.client
            .send_json(
                Method::POST,
                "/api_keys/verify".into(),
                Some(&Body { secret }),
            )
            .await
    }

    /// `POST /api_keys/{api_key_id}/revoke`.
    pub async fn revoke(&self, api_key_id: &str, reason: Option<&str>) -> Result<ApiKey> {
        let path = format!("/api_keys/{}/revoke", seg("api_key_id", api_key_id)?);
        revoke(self.client, path, reason).await
    }
}

/// A machine-to-machine token (`mt_…`). `token` is only present when it was just created.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct M2mToken {
    /// `machine_to_machine_token`.
    pub object: Option<String>,
    /// `mt_…` (the token's id).
    pub id: String,
    /// The machine it acts for (`mch_…`).
    pub subject: String,
    /// Custom claims.
    pub claims: Option<Value>,
    /// The machines it may talk to (`mch_…`).
    #[serde(deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// The token, in the answer of a create only.
    pub token: Option<Secret>,
    /// Revoked.
    #[serde(deserialize_with = "null_default")]
    pub revoked: bool,
    /// Why.
    pub revocation_reason: Option<String>,
    /// Expired.
    #[serde(deserialize_with = "null_default")]
    pub expired: bool,
    /// Expiry (Unix ms).
    pub expiration: Option<f64>,
    /// Creation time (Unix ms).
    pub created_at: Option<f64>,
    /// Last update (Unix ms).
    pub updated_at: Option<f64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Handler for M2M tokens. Obtain one with [`Client::m2m_tokens`].
#[derive(Debug, Clone, Copy)]
pub struct M2mTokens<'c> {
    pub(crate) client: &'c Client,
}

impl M2mTokens<'_> {
    /// `POST /m2m_tokens/verify`: looks a presented token up (404 when unknown).
    pub async fn verify(&self, token: &str) -> Result<M2mToken> {
        #[derive(Serialize)]
        struct Body<'a> {
            token: &'a str,
        }
        self.client
            .send_json(
                Method::POST,
                "/m2m_tokens/verify".into(),
                Some(&Body { token }),
            )
            .await
    }

    /// `POST /m2m_tokens/{m2m_token_id}/revoke`.
    pub async fn revoke(&self, m2m_token_id: &str, reason: Option<&str>) -> Result<M2mToken> {
        let path = format!("/m2m_tokens/{}/revoke", seg("m2m_token_id", m2m_token_id)?);
        revoke(self.client, path, reason).await
    }
}

/// `POST …/revoke` with an optional `revocation_reason`.
async fn revoke<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: String,
    reason: Option<&str>,
) -> Result<T> {
    #[derive(Serialize)]
    struct Body<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        revocation_reason: Option<&'a str>,
    }
    client
        .send_json(
            Method::POST,
            path,
            Some(&Body {
                revocation_reason: reason,
            }),
        )
        .await
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Jwks {
    /// The keys.
    #[serde(deserialize_with = "null_default")]
    pub keys: Vec<Jwk>,
}

/// One public key of a [`Jwks`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Jwk {
    /// Key id.
    pub kid: Option<String>,
    /// `RSA`, `OKP`, `EC`.
    pub kty: Option<String>,
    /// `RS256`, `EdDSA`, ….
    pub alg: Option<String>,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// RSA modulus (base64url).
    pub n: Option<String>,
    /// RSA exponent (base64url).
    pub e: Option<String>,
    /// OKP / EC public key (base64url).
    pub x: Option<String>,
    /// EC y coordinate (base64url).
    pub y: Option<String>,
    /// Curve (`Ed25519`, `P-256`).
    pub crv: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
