//! [`TokenVerifier`]: checks a token presented to your server and says whom it acts for, like
//! `@clerk/backend`'s `verifyToken`, for the four kinds a Clerk instance issues:
//!
//! | token | how |
//! |---|---|
//! | opaque OAuth access token `oat_…` | `POST /oauth_applications/access_tokens/verify`; revoked, expired and unknown tokens are refused |
//! | JWT OAuth access token (`typ: at+jwt`) | signature with the instance's keys (`GET /jwks`, cached; refreshed on an unknown `kid`, at most every 10 s), `iss`, `exp`/`nbf` with 5 s leeway, `aud` when one is expected |
//! | API key `ak_…` | `POST /api_keys/verify` |
//! | M2M token `mt_…` | `POST /m2m_tokens/verify` |
//!
//! Answers are cached briefly ([`TokenVerifier::with_cache_ttl`], default 5 s, so a revoked
//! token stops working within seconds), keyed by the SHA-256 of the token — never the token.
//! Network failures are not cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::client::Client;
use crate::error::Error;
use crate::machine_auth::Jwks;

/// What kind of token it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An opaque OAuth access token (`oat_…`).
    OAuth,
    /// A JWT OAuth access token.
    OAuthJwt,
    /// An API key (`ak_…`).
    ApiKey,
    /// A machine-to-machine token (`mt_…`, or a JWT whose subject is a machine).
    M2m,
}

/// A token that checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedToken {
    /// Its kind.
    pub kind: TokenKind,
    /// Whom it acts for: `user_…`, `org_…` or `mch_…`.
    pub subject: String,
    /// The OAuth client it was issued to (OAuth tokens).
    pub client_id: Option<String>,
    /// Granted scopes (for M2M tokens also the `scopes` array of its claims).
    pub scopes: Vec<String>,
    /// The token's id (`oat_…`, `ak_…`, `mt_…`), for logs; not the token.
    pub id: Option<String>,
    /// Expiry, Unix seconds.
    pub expires_at: Option<i64>,
}

/// Why a token was refused. The messages are safe to show the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a token of any known kind.
    #[error("the token is not a Clerk OAuth access token, API key or M2M token")]
    Malformed,
    /// Clerk does not know it.
    #[error("the token is not known to this Clerk instance")]
    Unknown,
    /// Revoked.
    #[error("the token was revoked")]
    Revoked,
    /// Expired (or not yet valid).
    #[error("the token has expired")]
    Expired,
    /// A JWT signed with a key the instance does not publish, or a bad signature.
    #[error("the token's signature is not valid")]
    BadSignature,
    /// A JWT from another issuer.
    #[error("the token was issued by another authorization server")]
    WrongIssuer,
    /// A JWT for another resource.
    #[error("the token was issued for another resource")]
    WrongAudience,
    /// Clerk could not be asked. Not cached.
    #[error("could not verify the token with Clerk: {0}")]
    Unavailable(String),
}

struct JwksCache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

/// Verifies presented tokens against one Clerk instance (see the module docs).
pub struct TokenVerifier {
    client: Client,
    issuer: Option<String>,
    audience: Option<String>,
    cache_ttl: Duration,
    jwks: tokio::sync::Mutex<JwksCache>,
    cache: Mutex<HashMap<[u8; 32], CachedAnswer>>,
}

/// When an answer was got, and the answer.
type CachedAnswer = (Instant, Result<VerifiedToken, VerifyError>);

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("cache_ttl", &self.cache_ttl)
            .finish()
    }
}

const JWKS_MIN_REFRESH: Duration = Duration::from_secs(10);
const JWKS_MAX_AGE: Duration = Duration::from_secs(3600);
const LEEWAY_SECS: u64 = 5;

impl TokenVerifier {
    /// A verifier that asks Clerk with `client` (the instance's secret key).
    pub fn new(client: Client) -> Self {
        TokenVerifier {
            client,
            issuer: None,
            audience: None,
            cache_ttl: Duration::from_secs(5),
            jwks: tokio::sync::Mutex::new(JwksCache {
                keys: HashMap::new(),
                fetched: None,
            }),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// JWTs must carry this `iss` (the instance's Frontend API URL).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into().trim_end_matches('/').to_string());
        self
    }

    /// JWTs that carry an `aud` must name this resource (RFC 8707).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// How long an answer is reused (0: never).
    pub fn with_cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Verifies `token`.
    pub async fn verify(&self, token: &str) -> Result<VerifiedToken, VerifyError> {
        let token = token.trim();
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if !self.cache_ttl.is_zero() {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            cache.retain(|_, (at, _)| now.duration_since(*at) < self.cache_ttl);
            if let Some((_, r)) = cache.get(&key) {
                return r.clone();
            }
        }
        let result = self.verify_uncached(token).await;
        if !self.cache_ttl.is_zero() && !matches!(result, Err(VerifyError::Unavailable(_))) {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() < 100_000 {
                cache.insert(key, (Instant::now(), result.clone()));
            }
        }
        result
    }

    async fn verify_uncached(&self, token: &str) -> Result<VerifiedToken, VerifyError> {
        let now = now_secs();
        let lapsed = |exp_ms: Option<f64>| exp_ms.is_some_and(|e| (e / 1000.0) as i64 <= now);
        if token.matches('.').count() == 2 {
            return self.verify_jwt(token).await;
        }
        if token.starts_with("oat_") {
            let info = self
                .client
                .oauth_access_tokens()
                .verify(token)
                .await
                .map_err(lookup_error)?;
            if info.revoked {
                return Err(VerifyError::Revoked);
            }
            if info.expired || info.active == Some(false) || lapsed(info.expiration) {
                return Err(VerifyError::Expired);
            }
            let subject = info.subject.clone().ok_or(VerifyError::Unknown)?;
            return Ok(VerifiedToken {
                kind: TokenKind::OAuth,
                subject,
                client_id: info.client_id,
                scopes: info.scopes,
                id: info.id,
                expires_at: info.expiration.map(|e| (e / 1000.0) as i64),
            });
        }
        if token.starts_with("ak_") {
            let key = self
                .client
                .api_keys()
                .verify(token)
                .await
                .map_err(lookup_error)?;
            if key.revoked {
                return Err(VerifyError::Revoked);
            }
            if key.expired || lapsed(key.expiration) {
                return Err(VerifyError::Expired);
            }
            return Ok(VerifiedToken {
                kind: TokenKind::ApiKey,
                subject: key.subject,
                client_id: None,
                scopes: key.scopes,
                id: Some(key.id),
                expires_at: key.expiration.map(|e| (e / 1000.0) as i64),
            });
        }
        if token.starts_with("mt_") {
            let m = self
                .client
                .m2m_tokens()
                .verify(token)
                .await
                .map_err(lookup_error)?;
            if m.revoked {
                return Err(VerifyError::Revoked);
            }
            if m.expired || lapsed(m.expiration) {
                return Err(VerifyError::Expired);
            }
            let mut scopes = m.scopes;
            scopes.extend(claim_scopes(m.claims.as_ref()));
            return Ok(VerifiedToken {
                kind: TokenKind::M2m,
                subject: m.subject,
                client_id: None,
                scopes,
                id: Some(m.id),
                expires_at: m.expiration.map(|e| (e / 1000.0) as i64),
            });
        }
        Err(VerifyError::Malformed)
    }

    async fn verify_jwt(&self, token: &str) -> Result<VerifiedToken, VerifyError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Malformed)?;
        let typ = header
            .typ
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if typ != "at+jwt" && typ != "application/at+jwt" {
            return Err(VerifyError::Malformed);
        }
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
        ) {
            return Err(VerifyError::BadSignature);
        }
        let kid = header.kid.ok_or(VerifyError::BadSignature)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature | K::ImmatureSignature => VerifyError::Expired,
                K::InvalidSignature => VerifyError::BadSignature,
                _ => VerifyError::Malformed,
            }
        })?;
        let c = data.claims;
        if let Some(expected) = &self.issuer
            && c["iss"].as_str().map(|i| i.trim_end_matches('/')) != Some(expected.as_str())
        {
            return Err(VerifyError::WrongIssuer);
        }
        if let Some(expected) = &self.audience {
            let ok = match &c["aud"] {
                Value::Null => true,
                Value::String(a) => a == expected,
                Value::Array(a) => a.iter().any(|x| x.as_str() == Some(expected)),
                _ => false,
            };
            if !ok {
                return Err(VerifyError::WrongAudience);
            }
        }
        let subject = c["sub"].as_str().unwrap_or_default().to_string();
        let mut scopes: Vec<String> = match (&c["scope"], &c["scp"]) {
            (Value::String(s), _) => s.split_whitespace().map(str::to_owned).collect(),
            (_, Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let kind = if subject.starts_with("mch_") {
            scopes.extend(claim_scopes(Some(&c)));
            TokenKind::M2m
        } else {
            TokenKind::OAuthJwt
        };
        Ok(VerifiedToken {
            kind,
            subject,
            client_id: c["client_id"]
                .as_str()
                .or(c["azp"].as_str())
                .map(str::to_owned),
            scopes,
            id: c["jti"].as_str().map(str::to_owned),
            expires_at: c["exp"].as_i64(),
        })
    }

    /// The decoding key for `kid`: from the cache, or a fresh `GET /jwks` when the kid is new
    /// (at most every [`JWKS_MIN_REFRESH`]) or the cache is old.
    async fn key(&self, kid: &str) -> Result<DecodingKey, VerifyError> {
        let mut cache = self.jwks.lock().await;
        let stale = cache.fetched.is_none_or(|t| t.elapsed() > JWKS_MAX_AGE);
        let may_refresh = cache.fetched.is_none_or(|t| t.elapsed() > JWKS_MIN_REFRESH);
        if (stale || !cache.keys.contains_key(kid)) && may_refresh {
            let jwks: Jwks = self
                .client
                .jwks()
                .await
                .map_err(|e| VerifyError::Unavailable(e.to_string()))?;
            cache.keys = jwks
                .keys
                .iter()
                .filter_map(|k| {
                    let kid = k.kid.clone()?;
                    let key =
                        DecodingKey::from_rsa_components(k.n.as_deref()?, k.e.as_deref()?).ok()?;
                    Some((kid, key))
                })
                .collect();
            cache.fetched = Some(Instant::now());
        }
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or(VerifyError::BadSignature)
    }
}

/// `scopes` (array or space-separated string) inside custom claims.
fn claim_scopes(claims: Option<&Value>) -> Vec<String> {
    match claims.map(|c| &c["scopes"]) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn lookup_error(e: Error) -> VerifyError {
    match &e {
        Error::Api(api) if api.status == 404 || api.status == 400 || api.status == 422 => {
            VerifyError::Unknown
        }
        _ => VerifyError::Unavailable(e.to_string()),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
