//! The [`Client`]: configuration, authentication and the one place where HTTP happens.
//!
//! Every request of every resource goes through one private method, which sets the headers,
//! applies the timeout, maps failures to [`Error`] and applies the [`RetryConfig`]:
//!
//! * **429** → wait `Retry-After` (when it is no longer than [`RetryConfig::max_retry_after`];
//!   longer waits are returned to the caller as the error), then retry, whatever the method:
//!   a rate-limited request was not processed.
//! * **502 / 503 / 504, timeouts, failures while the request was in flight** → exponential backoff
//!   with jitter, **only** for methods that are safe to repeat (GET, PUT, DELETE). A POST or PATCH
//!   whose outcome is unknown is never sent twice.
//! * **Connection failures before anything was sent** (refused, DNS) → retried for every method,
//!   since the server never saw the request.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ClerkErrorBody, Error, Result};
use crate::query::Query;

/// Default API origin. `/v1` is appended to it.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The Backend API version this crate is written against (sent as `Clerk-API-Version`).
pub const DEFAULT_API_VERSION: &str = "2026-05-12";
/// Default timeout of one HTTP attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const USER_AGENT: &str = concat!("clerk-api-rust/", env!("CARGO_PKG_VERSION"));

/// A Clerk secret key (`sk_live_…` / `sk_test_…`).
///
/// Its `Debug` output is redacted and it never appears in errors or logs.
///
/// ```
/// let key = clerk_api::SecretKey::new("sk_test_123");
/// assert_eq!(format!("{key:?}"), "SecretKey([REDACTED])");
/// ```
#[derive(Clone)]
pub struct SecretKey(SecretString);

impl SecretKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        SecretKey(SecretString::from(key.into()))
    }

    /// Reads `CLERK_SECRET_KEY` from the environment (`None` when unset or empty).
    pub fn from_env() -> Option<Self> {
        std::env::var("CLERK_SECRET_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .map(|k| SecretKey::new(k.trim()))
    }

    /// What is wrong with the key's shape, if anything: a publishable key (`pk_…`), a
    /// placeholder (`sk_test_…`, `sk_test_xxx`), or not a secret key at all. `None` for a key
    /// that looks like `sk_test_…` / `sk_live_…` (whether Clerk accepts it is another matter).
    pub fn shape_problem(&self) -> Option<String> {
        let k = self.0.expose_secret().trim();
        if k.starts_with("pk_test_") || k.starts_with("pk_live_") {
            return Some("this is a publishable key (pk_…); the server needs the instance's secret key (sk_test_… or sk_live_…, Dashboard → API keys)".into());
        }
        let Some(rest) = k
            .strip_prefix("sk_test_")
            .or_else(|| k.strip_prefix("sk_live_"))
        else {
            return Some("a Clerk secret key starts with sk_test_ or sk_live_ (Dashboard → API keys); check CLERK_SECRET_KEY".into());
        };
        let placeholder = rest.len() < 4
            || rest.chars().all(|c| c == 'x' || c == 'X' || c == '.')
            || rest.contains('…')
            || rest.contains("...");
        if placeholder {
            return Some("the secret key looks like a placeholder; put the real one from Dashboard → API keys in CLERK_SECRET_KEY".into());
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some("the secret key has characters a Clerk key never has (spaces, quotes?); check CLERK_SECRET_KEY".into());
        }
        None
    }

    /// Whether the key is empty.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }

    /// A short, stable fingerprint of the key that says nothing about it: its kind (`sk_test`,
    /// `sk_live`, or `key` for anything else) and the first 12 hex digits of its SHA-256, e.g.
    /// `sk_test:3f9a1c0b7d2e`. Lets logs and audit lines tell tenants apart without the key.
    ///
    /// ```
    /// let a = clerk_api::SecretKey::new("sk_test_one").fingerprint();
    /// assert!(a.starts_with("sk_test:") && a.len() == "sk_test:".len() + 12);
    /// assert_ne!(a, clerk_api::SecretKey::new("sk_test_two").fingerprint());
    /// assert!(!a.contains("one"));
    /// ```
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let key = self.0.expose_secret();
        let kind = if key.starts_with("sk_test_") {
            "sk_test"
        } else if key.starts_with("sk_live_") {
            "sk_live"
        } else {
            "key"
        };
        let digest = sha2::Sha256::digest(key.as_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{kind}:{hex}")
    }

    fn bearer(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0.expose_secret()))
            .map_err(|_| {
                Error::Config(
                    "the secret key contains characters that cannot be sent in an HTTP header"
                        .into(),
                )
            })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> Self {
        SecretKey::new(s)
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> Self {
        SecretKey::new(s)
    }
}

impl FromStr for SecretKey {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Ok(SecretKey::new(s))
    }
}

/// How failed requests are retried. See the [module docs](self) for which failures qualify.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Total attempts, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// First backoff delay for 5xx / timeouts / connection failures. Default 250 ms.
    pub initial_backoff: Duration,
    /// Largest backoff delay. Default 8 s.
    pub max_backoff: Duration,
    /// Longest `Retry-After` the client will wait for on a 429; a longer one is returned as the
    /// error (with [`ApiError::retry_after`] set) so the caller can decide. Default 30 s.
    pub max_retry_after: Duration,
    /// Randomise backoff delays (recommended). Default true.
    pub jitter: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Default::default()
        }
    }

    fn backoff(&self) -> backon::ExponentialBackoff {
        let mut b = backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            b = b.with_jitter();
        }
        b.build()
    }
}

/// Builder for [`Client`]. Obtain one with [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    secret_key: SecretKey,
    api_url: String,
    api_version: String,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryConfig,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Overrides the API origin (default [`DEFAULT_API_URL`]). `/v1` is appended unless the URL
    /// already ends with it; a path prefix is kept.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
        self
    }

    /// Overrides the `Clerk-API-Version` header (default [`DEFAULT_API_VERSION`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Appends a product token to the User-Agent, e.g. `my-app/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl AsRef<str>) -> Self {
        self.user_agent = format!("{USER_AGENT} {}", suffix.as_ref());
        self
    }

    /// Timeout of one HTTP attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retry behaviour (default [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses an existing `reqwest::Client` (its connection pool, proxy and TLS settings) instead
    /// of building one. The builder's timeouts are still applied per request.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let base = normalize_base(&self.api_url)?;
        HeaderValue::from_str(&self.api_version)
            .map_err(|_| Error::Config(format!("invalid API version {:?}", self.api_version)))?;
        self.secret_key.bearer()?;
        let http = std::sync::OnceLock::new();
        if let Some(given) = self.http {
            let _ = http.set(given);
        }
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                connect_timeout: self.connect_timeout,
                base,
                api_version: self.api_version,
                user_agent: self.user_agent,
                timeout: self.timeout,
                retry: self.retry,
            }),
            secret_key: self.secret_key,
            planned: None,
        })
    }
}

fn normalize_base(url: &str) -> Result<String> {
    if url.trim_end_matches('/').ends_with("/v1/v1") {
        return Err(Error::Config(format!(
            "the API URL `{url}` has /v1 twice; give the origin, e.g. https://api.clerk.com (/v1 is added)"
        )));
    }
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::Config(format!("invalid API URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "invalid API URL {url:?}: expected an http:// or https:// URL"
        )));
    }
    let mut base = parsed.as_str().trim_end_matches('/').to_string();
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "invalid API URL {url:?}: it must not carry a query or fragment"
        )));
    }
    if !base.ends_with("/v1") {
        base.push_str("/v1");
    }
    Ok(base)
}

/// Installs rustls' `ring` crypto provider as the process default, unless the application
/// has chosen one already. This crate's clients do it before their first request; call it before
/// building another `reqwest` client of this build (it has no provider of its own).
pub fn install_crypto_provider() {
    // TLS is rustls with the `ring` provider (small, and quick to build).
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

struct Shared {
    /// Built on the first request: building it loads the system's TLS roots, which a server
    /// answering `tools/list` (or talking plain HTTP to an emulator) should not pay for at start.
    http: std::sync::OnceLock<reqwest::Client>,
    connect_timeout: Duration,
    base: String,
    api_version: String,
    user_agent: String,
    timeout: Duration,
    retry: RetryConfig,
}

impl Shared {
    fn http(&self) -> Result<&reqwest::Client> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        install_crypto_provider();
        let built = reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        Ok(self.http.get_or_init(|| built))
    }
}

/// A client for Clerk's Backend API.
///
/// Cheap to clone (one `Arc`); clones share one connection pool. [`Client::with_secret_key`]
/// derives a copy for another instance (another tenant) that still shares the pool, so a server
/// can serve many Clerk instances from one process.
///
/// ```no_run
/// # async fn run() -> clerk_api::Result<()> {
/// let clerk = clerk_api::Client::new("sk_test_…")?;
/// let user = clerk.users().get("user_2abc").await?;
/// println!("{:?}", user.primary_email());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    secret_key: SecretKey,
    /// In a dry run (see [`Client::dry_run`]), where the requests that would change something go
    /// instead of to Clerk.
    planned: Option<Arc<std::sync::Mutex<Vec<PlannedRequest>>>>,
}

/// A request a dry-run client did not send (see [`Client::dry_run`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlannedRequest {
    /// `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: String,
    /// The path below the API base, e.g. `/users/user_123`.
    pub path: String,
    /// Query parameters, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// The JSON body, or for a file upload `{"file": name, "contentType": …, "bytes": n}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

/// The requests a dry-run client planned, in order (see [`Client::dry_run`]).
#[derive(Debug, Clone, Default)]
pub struct DryRun(Arc<std::sync::Mutex<Vec<PlannedRequest>>>);

impl DryRun {
    /// What would have been sent so far.
    pub fn planned(&self) -> Vec<PlannedRequest> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base)
            .field("api_version", &self.shared.api_version)
            .field("secret_key", &self.secret_key)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .finish()
    }
}

impl Client {
    /// A client with default settings for the given secret key.
    pub fn new(secret_key: impl Into<SecretKey>) -> Result<Self> {
        Self::builder(secret_key).build()
    }

    /// A builder for the given secret key.
    pub fn builder(secret_key: impl Into<SecretKey>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            api_url: DEFAULT_API_URL.to_string(),
            api_version: DEFAULT_API_VERSION.to_string(),
            user_agent: USER_AGENT.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(10),
            retry: RetryConfig::default(),
            http: None,
        }
    }

    /// A client configured like Clerk's SDKs: key from `CLERK_SECRET_KEY`, origin from
    /// `CLERK_API_URL` (default [`DEFAULT_API_URL`]), version from `CLERK_API_VERSION`
    /// (default [`DEFAULT_API_VERSION`]).
    pub fn from_env() -> Result<Self> {
        let key = SecretKey::from_env()
            .ok_or_else(|| Error::Config("CLERK_SECRET_KEY is not set".into()))?;
        let mut b = Self::builder(key);
        if let Ok(url) = std::env::var("CLERK_API_URL")
            && !url.trim().is_empty()
        {
            b = b.api_url(url);
        }
        if let Ok(v) = std::env::var("CLERK_API_VERSION")
            && !v.trim().is_empty()
        {
            b = b.api_version(v);
        }
        b.build()
    }

    /// A copy of this client that authenticates with another secret key and shares the
    /// connection pool and settings (per-tenant / per-request keys).
    pub fn with_secret_key(&self, secret_key: impl Into<SecretKey>) -> Client {
        Client {
            shared: Arc::clone(&self.shared),
            secret_key: secret_key.into(),
            planned: self.planned.clone(),
        }
    }

    /// A copy of this client for a dry run: `GET` requests go to Clerk as usual (to read the
    /// current state), every other request is recorded in the returned [`DryRun`] instead of
    /// being sent, and answered with an empty object (`{}`, which every model of this crate
    /// decodes into its defaults). Nothing changes at Clerk.
    ///
    /// ```
    /// # async fn run() -> clerk_api::Result<()> {
    /// let clerk = clerk_api::Client::new("sk_test_…")?;
    /// let (preview, plan) = clerk.dry_run();
    /// preview.users().delete("user_123").await?; // not sent
    /// assert_eq!(plan.planned()[0].method, "DELETE");
    /// assert_eq!(plan.planned()[0].path, "/users/user_123");
    /// # Ok(()) }
    /// ```
    pub fn dry_run(&self) -> (Client, DryRun) {
        let plan = DryRun::default();
        let client = Client {
            shared: Arc::clone(&self.shared),
            secret_key: self.secret_key.clone(),
            planned: Some(plan.0.clone()),
        };
        (client, plan)
    }

    /// Whether this is a dry-run client.
    pub fn is_dry_run(&self) -> bool {
        self.planned.is_some()
    }

    /// The fingerprint of this client's secret key (see [`SecretKey::fingerprint`]).
    pub fn key_fingerprint(&self) -> String {
        self.secret_key.fingerprint()
    }

    /// The API base URL, `/v1` included.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The `Clerk-API-Version` sent with every request.
    pub fn api_version(&self) -> &str {
        &self.shared.api_version
    }

    /// The User-Agent sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.shared.user_agent
    }

    /// The retry configuration.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.shared.retry
    }

    /// Sends a request to any Backend API path and decodes the JSON answer, with this client's
    /// authentication, timeout and retries. An escape hatch for endpoints this crate has no
    /// typed method for yet; `path` is relative to `/v1`, e.g. `/jwt_templates`.
    pub async fn send_raw<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &Query,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let body = body.map(Body::Json).unwrap_or(Body::None);
        self.execute(&Request {
            method,
            path: path.to_string(),
            query: query.clone(),
            body,
        })
        .await
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: String, query: Query) -> Result<T> {
        self.execute(&Request::new(Method::GET, path).query(query))
            .await
    }

    pub(crate) async fn delete<T: DeserializeOwned>(&self, path: String) -> Result<T> {
        self.execute(&Request::new(Method::DELETE, path)).await
    }

    pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&B>,
    ) -> Result<T> {
        let body = match body {
            Some(b) => Body::Json(serde_json::to_value(b).map_err(|e| {
                Error::Config(format!("could not serialize the request body: {e}"))
            })?),
            None => Body::None,
        };
        self.execute(&Request::new(method, path).body(body)).await
    }

    pub(crate) async fn execute<T: DeserializeOwned>(&self, req: &Request) -> Result<T> {
        let bytes = self.execute_bytes(req).await?;
        decode(&bytes)
    }

    /// Like [`Client::execute`] for endpoints that answer text (HTML), not JSON.
    pub(crate) async fn execute_text(&self, req: &Request) -> Result<String> {
        let bytes = self.execute_bytes(req).await?;
        String::from_utf8(bytes).map_err(|e| Error::Decode {
            type_name: "String",
            path: String::new(),
            message: format!("the answer is not UTF-8: {e}"),
        })
    }

    async fn execute_bytes(&self, req: &Request) -> Result<Vec<u8>> {
        if let Some(planned) = &self.planned
            && req.method != Method::GET
        {
            let body = match &req.body {
                Body::None => None,
                Body::Json(v) => Some(v.clone()),
                Body::File(f) => Some(serde_json::json!({
                    "file": f.file_name, "contentType": f.content_type, "bytes": f.bytes.len()
                })),
            };
            planned
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(PlannedRequest {
                    method: req.method.to_string(),
                    path: req.path.clone(),
                    query: req.query.pairs().to_vec(),
                    body,
                });
            return Ok(b"{}".to_vec());
        }
        let retry = &self.shared.retry;
        let repeatable = matches!(req.method, Method::GET | Method::PUT | Method::DELETE);
        let mut backoff = retry.backoff();
        let mut attempt = 1u32;
        // Whether an earlier attempt reached Clerk and lost its answer.
        let mut maybe_applied = false;
        loop {
            let result = self.attempt(req).await;
            let err = match result {
                Ok(bytes) => return Ok(bytes),
                Err(err) => err,
            };
            // A DELETE whose first answer was lost and whose retry finds nothing: the first one
            // did it. Report the deletion, not a 404.
            if maybe_applied
                && req.method == Method::DELETE
                && matches!(&err, Error::Api(api) if api.status == 404)
            {
                let id = req.path.rsplit('/').next().unwrap_or_default();
                tracing::info!(path = %req.path, "a retried DELETE found the object gone: the lost first attempt deleted it");
                let body =
                    serde_json::json!({"object": "deleted_object", "id": id, "deleted": true});
                return Ok(serde_json::to_vec(&body).unwrap_or_default());
            }
            maybe_applied |= err.outcome_unknown_for(&req.method);
            if attempt >= retry.max_attempts {
                return Err(err);
            }
            let delay = match &err {
                Error::Api(api) if api.status == 429 => match api.retry_after {
                    Some(after) if after <= retry.max_retry_after => Some(after),
                    Some(_) => None,
                    None => backoff.next(),
                },
                Error::Api(api) if matches!(api.status, 502..=504) && repeatable => api
                    .retry_after
                    .filter(|a| *a <= retry.max_retry_after)
                    .or_else(|| backoff.next()),
                Error::Timeout { .. } if repeatable => backoff.next(),
                Error::Transport { connect, .. } if *connect || repeatable => backoff.next(),
                _ => None,
            };
            let Some(delay) = delay else {
                return Err(err);
            };
            tracing::debug!(
                method = %req.method,
                path = %req.path,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %err,
                "retrying Clerk request"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, req: &Request) -> Result<Vec<u8>> {
        let shared = &*self.shared;
        let url = format!("{}{}", shared.base, req.path);
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, self.secret_key.bearer()?);
        headers.insert(
            "Clerk-API-Version",
            HeaderValue::from_str(&shared.api_version)
                .map_err(|_| Error::Config("invalid API version".into()))?,
        );
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_str(&shared.user_agent)
                .map_err(|_| Error::Config("invalid User-Agent".into()))?,
        );
        let mut rb = shared
            .http()?
            .request(req.method.clone(), url)
            .headers(headers)
            .timeout(shared.timeout);
        if !req.query.is_empty() {
            rb = rb.query(req.query.pairs());
        }
        rb = match &req.body {
            Body::None => rb,
            Body::Json(v) => rb.json(v),
            Body::File(file) => {
                let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                    .file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|_| {
                        Error::invalid("content_type", "expected a MIME type like image/png")
                    })?;
                let mut form = reqwest::multipart::Form::new().part("file", part);
                if let Some(by) = &file.uploader_user_id {
                    form = form.text("uploader_user_id", by.clone());
                }
                rb.multipart(form)
            }
        };
        let method = req.method.as_str();
        let resp = rb.send().await.map_err(|e| self.map_send_error(e, req))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| self.map_send_error(e, req))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let (errors, trace, raw) = match serde_json::from_slice::<ClerkErrorBody>(&bytes) {
            Ok(body) if !body.errors.is_empty() || body.clerk_trace_id.is_some() => {
                (body.errors, body.clerk_trace_id, None)
            }
            _ => {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim();
                let raw = (!text.is_empty()).then(|| text.chars().take(300).collect::<String>());
                (Vec::new(), None, raw)
            }
        };
        Err(Error::Api(Box::new(ApiError {
            status: status.as_u16(),
            method: method.to_string(),
            path: req.path.clone(),
            errors,
            clerk_trace_id: trace,
            retry_after,
            raw_body: raw,
        })))
    }

    fn map_send_error(&self, e: reqwest::Error, req: &Request) -> Error {
        if e.is_timeout() {
            return Error::Timeout {
                method: req.method.to_string(),
                path: req.path.clone(),
                timeout: self.shared.timeout,
            };
        }
        let connect = e.is_connect();
        let e = e.without_url();
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        Error::Transport {
            method: req.method.to_string(),
            path: req.path.clone(),
            message,
            connect,
        }
    }
}

/// Parses `Retry-After` given in (possibly fractional) seconds.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Decodes a JSON body, naming the type and the JSON path on failure.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode {
            type_name: std::any::type_name::<T>(),
            path,
            message: e.into_inner().to_string(),
        }
    })
}

/// A JSON request body.
pub(crate) fn json_body<B: Serialize + ?Sized>(body: &B) -> Result<Body> {
    serde_json::to_value(body)
        .map(Body::Json)
        .map_err(|e| Error::Config(format!("could not serialize the request body: {e}")))
}

/// One HTTP request, before authentication.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub path: String,
    pub query: Query,
    pub body: Body,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Query::default(),
            body: Body::None,
        }
    }

    pub fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(serde_json::Value),
    File(FileUpload),
}

/// A file sent as `multipart/form-data` (profile images, organization logos).
#[derive(Debug, Clone)]
pub struct FileUpload {
    /// File contents.
    pub bytes: Vec<u8>,
    /// File name sent to Clerk.
    pub file_name: String,
    /// MIME type, e.g. `image/png`.
    pub content_type: String,
    /// For organization logos: the user who uploads it (`uploader_user_id`).
    pub uploader_user_id: Option<String>,
}

impl FileUpload {
    /// A file with its name and MIME type.
    pub fn new(
        bytes: impl Into<Vec<u8>>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        FileUpload {
            bytes: bytes.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
            uploader_user_id: None,
        }
    }
}

/// Validates and percent-encodes one path segment taken from the caller (an id or a slug), for
/// [`Client::send_raw`] paths: `field` names it in the error; a field ending in `_id` (except
/// `organization_id`, which also takes a slug) must look like a Clerk id.
///
/// ```
/// assert_eq!(clerk_api::client::path_segment("user_id", "user_2abc").unwrap(), "user_2abc");
/// assert!(clerk_api::client::path_segment("user_id", "../count").is_err());
/// ```
pub fn path_segment(field: &'static str, value: &str) -> Result<String> {
    seg(field, value)
}

/// Validates and percent-encodes one path segment taken from the caller (an id or a slug).
pub(crate) fn seg(field: &'static str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if v == "." || v == ".." {
        return Err(Error::invalid(field, "must be an id, not `.` or `..`"));
    }
    // Clerk ids are `prefix_` + letters and digits (`user_2abc…`, `sess_…`, `ak_…`). Anything
    // else would reach another endpoint (`GET /users/count`) or none; organizations also take a
    // slug.
    let is_id = v.split_once('_').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if field.ends_with("_id") && field != "organization_id" && !is_id {
        let shown: String = v.chars().take(48).collect();
        let more = if v.chars().count() > 48 { "…" } else { "" };
        return Err(Error::invalid(
            field,
            format!(
                "must be a Clerk id such as user_2abc… (prefix, underscore, letters and digits); got `{shown}{more}`"
            ),
        ));
    }
    Ok(url::form_urlencoded::byte_serialize(v.as_bytes())
        .collect::<String>()
        .replace('+', "%20"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalisation() {
        assert_eq!(
            normalize_base("https://api.clerk.com").unwrap(),
            "https://api.clerk.com/v1"
        );
        assert_eq!(
            normalize_base("http://127.0.0.1:8787/").unwrap(),
            "http://127.0.0.1:8787/v1"
        );
        assert_eq!(
            normalize_base("http://h/prefix/v1/").unwrap(),
            "http://h/prefix/v1"
        );
        assert!(normalize_base("not a url").is_err());
        assert!(normalize_base("ftp://x").is_err());
    }

    #[test]
    fn segments_are_validated_and_encoded() {
        assert_eq!(seg("user_id", "user_123").unwrap(), "user_123");
        // Not a Clerk id: refused before any request (it would reach `/users/count`).
        for bad in [
            "../users/count",
            "count",
            "user_",
            "_x",
            "User_1",
            "user_a/b",
            "a?b",
        ] {
            assert!(seg("user_id", bad).is_err(), "{bad}");
        }
        let long = "x".repeat(10_000);
        let err = seg("user_id", &long).unwrap_err().to_string();
        assert!(err.len() < 300, "the error quotes a shortened value: {err}");
        // Organizations also take a slug, which is encoded.
        assert_eq!(
            seg("organization_id", "acme inc/x").unwrap(),
            "acme%20inc%2Fx"
        );
        assert!(seg("user_id", "").is_err());
        assert!(seg("user_id", "..").is_err());
        assert_eq!(seg("slug", "a b").unwrap(), "a%20b");
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
