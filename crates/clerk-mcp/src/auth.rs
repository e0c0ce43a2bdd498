//! Sign in with Clerk: the HTTP server as an OAuth resource server with the Clerk instance as
//! its authorization server (`clerk-mcp --http … --auth clerk`).
//!
//! * Protected Resource Metadata (RFC 9728) at `/.well-known/oauth-protected-resource` and the
//!   path-inserted `/.well-known/oauth-protected-resource/mcp`; `resource` is exactly the public
//!   MCP URL (`--public-url`).
//! * The authorization server's metadata at `/.well-known/oauth-authorization-server` too (fetched
//!   from the issuer and cached), for clients that look on the resource's host.
//! * Every `/mcp` request needs `Authorization: Bearer <token>`: an OAuth access token issued by
//!   the instance (opaque `oat_…` or a JWT), an API key or an M2M token, checked by
//!   [`clerk_api::TokenVerifier`]. Without one: 401 with
//!   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"`; a bad one adds
//!   `error="invalid_token"`; a token without a required scope gets 403
//!   `error="insufficient_scope"`.
//! * The verified caller goes into the request's [`ToolContext`](clerk_tools::ToolContext)
//!   (`caller`, and `auth` with the client id and scopes); the policy (`--policy self|operators`)
//!   decides what they see and may call.

use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clerk_api::{Client, TokenKind, TokenVerifier, VerifiedToken};
use clerk_tools::{AuthMethod, Caller};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// How `--auth clerk` is set up.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// The authorization server: the instance's Frontend API URL.
    pub issuer: String,
    /// The public URL of the MCP endpoint (the `resource`).
    pub resource: String,
    /// Scopes named in `scopes_supported` and in the 401 challenge.
    pub scopes: Vec<String>,
    /// Scopes every token must hold (403 `insufficient_scope` otherwise).
    pub required_scopes: Vec<String>,
    /// OAuth client ids accepted (empty: any client of the instance).
    pub allowed_clients: Vec<String>,
}

/// The instance's Frontend API URL from a publishable key (`pk_test_…` / `pk_live_…`: base64 of
/// `<host>$`).
pub fn issuer_from_publishable_key(key: &str) -> Option<String> {
    let encoded = key
        .trim()
        .strip_prefix("pk_test_")
        .or_else(|| key.trim().strip_prefix("pk_live_"))?;
    let mut padded = encoded.to_string();
    while padded.len() % 4 != 0 {
        padded.push('=');
    }
    let bytes = data_encoding::BASE64
        .decode(padded.as_bytes())
        .or_else(|_| data_encoding::BASE64URL.decode(padded.as_bytes()))
        .ok()?;
    let host = String::from_utf8(bytes).ok()?;
    let host = host.trim_end_matches('$');
    (!host.is_empty() && !host.contains('/')).then(|| format!("https://{host}"))
}

/// The resource server side of `--auth clerk`.
pub struct ClerkAuth {
    settings: AuthSettings,
    verifier: TokenVerifier,
    http: reqwest::Client,
    as_metadata: Mutex<Option<(Instant, Value)>>,
}

impl std::fmt::Debug for ClerkAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkAuth")
            .field("settings", &self.settings)
            .finish()
    }
}

fn origin_and_path(url: &str) -> (String, String) {
    match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(split) => (url[..split].to_string(), url[split..].to_string()),
        None => (url.to_string(), String::new()),
    }
}

impl ClerkAuth {
    /// Checks tokens with `client` (the instance's secret key).
    pub fn new(client: Client, settings: AuthSettings) -> Self {
        let verifier = TokenVerifier::new(client)
            .with_issuer(settings.issuer.clone())
            .with_audience(settings.resource.clone());
        clerk_api::install_crypto_provider();
        ClerkAuth {
            settings,
            verifier,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            as_metadata: Mutex::new(None),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Where the Protected Resource Metadata is (path-inserted).
    pub fn metadata_url(&self) -> String {
        let (origin, path) = origin_and_path(&self.settings.resource);
        format!("{origin}/.well-known/oauth-protected-resource{path}")
    }

    /// The Protected Resource Metadata document.
    pub fn protected_resource_metadata(&self) -> Value {
        json!({
            "resource": self.settings.resource,
            "authorization_servers": [self.settings.issuer],
            "scopes_supported": self.settings.scopes,
            "bearer_methods_supported": ["header"],
            "resource_name": "clerk-mcp",
            "resource_documentation": "https://github.com/clerk-mcp/clerk-mcp#sign-in-with-clerk",
        })
    }

    fn challenge(&self, error: Option<(&str, &str)>, scope: &[String]) -> Response {
        let mut value = format!("Bearer resource_metadata=\"{}\"", self.metadata_url());
        if !scope.is_empty() {
            value.push_str(&format!(", scope=\"{}\"", scope.join(" ")));
        }
        let (status, body) = match error {
            Some((code, description)) => {
                value.push_str(&format!(
                    ", error=\"{code}\", error_description=\"{}\"",
                    description.replace('"', "'")
                ));
                let status = if code == "insufficient_scope" {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::UNAUTHORIZED
                };
                (status, json!({"error": code, "message": description}))
            }
            None => (
                StatusCode::UNAUTHORIZED,
                json!({
                    "error": "unauthorized",
                    "message": "sign in: this server needs an OAuth access token from the Clerk instance (see the resource_metadata in WWW-Authenticate), or an API key / M2M token",
                }),
            ),
        };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }

    /// Checks the request's bearer token; the caller and how they signed in, or the 401/403.
    pub async fn authenticate(
        &self,
        bearer: Option<&str>,
    ) -> Result<(Option<Caller>, AuthMethod), Box<Response>> {
        let scopes = &self.settings.scopes;
        let Some(token) = bearer.filter(|t| !t.trim().is_empty()) else {
            return Err(Box::new(self.challenge(None, scopes)));
        };
        let verified: VerifiedToken = match self.verifier.verify(token).await {
            Ok(v) => v,
            Err(clerk_api::VerifyError::Unavailable(e)) => {
                tracing::warn!("token verification failed: {e}");
                return Err(Box::new(
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::CONTENT_TYPE, "application/json")],
                        json!({"error": "clerk_unreachable", "message": "the token could not be verified with Clerk right now; try again"}).to_string(),
                    )
                        .into_response(),
                ));
            }
            Err(e) => {
                return Err(Box::new(
                    self.challenge(Some(("invalid_token", &e.to_string())), scopes),
                ));
            }
        };
        let oauth = matches!(verified.kind, TokenKind::OAuth | TokenKind::OAuthJwt);
        if oauth && !self.settings.allowed_clients.is_empty() {
            let allowed = verified
                .client_id
                .as_ref()
                .is_some_and(|c| self.settings.allowed_clients.contains(c));
            if !allowed {
                return Err(Box::new(self.challenge(
                    Some((
                        "invalid_token",
                        "the token was issued to an OAuth client this server does not accept",
                    )),
                    scopes,
                )));
            }
        }
        let missing: Vec<String> = self
            .settings
            .required_scopes
            .iter()
            .filter(|s| !verified.scopes.contains(s))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let description = format!("the token lacks the scopes {}", missing.join(" "));
            return Err(Box::new(self.challenge(
                Some(("insufficient_scope", &description)),
                &self.settings.required_scopes,
            )));
        }
        let caller = verified
            .subject
            .starts_with("user_")
            .then(|| Caller::user(verified.subject.clone()));
        let auth = if oauth {
            AuthMethod::OAuth {
                client_id: verified.client_id.clone(),
                scopes: verified.scopes.clone(),
            }
        } else {
            AuthMethod::Machine {
                subject: verified.subject.clone(),
                scopes: verified.scopes.clone(),
            }
        };
        Ok((caller, auth))
    }

    /// The authorization server's metadata (RFC 8414), fetched from the issuer and cached for
    /// five minutes.
    pub async fn authorization_server_metadata(&self) -> Result<Value, String> {
        let mut cached = self.as_metadata.lock().await;
        if let Some((at, v)) = &*cached
            && at.elapsed() < Duration::from_secs(300)
        {
            return Ok(v.clone());
        }
        let url = format!(
            "{}/.well-known/oauth-authorization-server",
            self.settings.issuer.trim_end_matches('/')
        );
        let v: Value = self
            .http
            .get(&url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("could not fetch {url}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("{url} did not answer JSON: {e}"))?;
        *cached = Some((Instant::now(), v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_from_a_publishable_key() {
        // base64("clerk.example.com$")
        assert_eq!(
            issuer_from_publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k").as_deref(),
            Some("https://clerk.example.com")
        );
        assert_eq!(issuer_from_publishable_key("sk_test_x"), None);
        assert_eq!(issuer_from_publishable_key("pk_live_"), None);
    }

    #[test]
    fn metadata_url_is_path_inserted() {
        let (o, p) = origin_and_path("https://mcp.example.com/mcp");
        assert_eq!(
            (o.as_str(), p.as_str()),
            ("https://mcp.example.com", "/mcp")
        );
    }
}
