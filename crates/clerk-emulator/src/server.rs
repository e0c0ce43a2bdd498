//! HTTP layer: the `/v1` entry point (latency, faults, auth, rate limiting,
//! routing) and the `/__emulator` admin API.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{EmulatorConfig, Fault, FaultAction, RateLimit, Seed};
use crate::error::{ClerkError, EmulatorError};
use crate::handlers::{Ctx, dispatch};
use crate::req::Query;
use crate::state::{State, now_ms};

/// Mutable realism knobs.
#[derive(Debug, Default)]
pub(crate) struct Knobs {
    pub rate_limit: Option<RateLimit>,
    pub latency: Option<Duration>,
    pub faults: Vec<Fault>,
    hits: VecDeque<Instant>,
}

impl Knobs {
    /// Take the first matching fault (consuming one of its `times`).
    fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultAction> {
        let f = self.faults.iter_mut().find(|f| f.matches(method, path))?;
        if let Some(n) = f.times.as_mut() {
            *n -= 1;
        }
        Some(f.action)
    }

    /// Record a request; `Some(retry_after_secs)` when over the limit.
    fn rate_check(&mut self, now: Instant) -> Option<u64> {
        let limit = self.rate_limit?;
        while self
            .hits
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.per)
        {
            self.hits.pop_front();
        }
        if self.hits.len() >= limit.requests as usize {
            let oldest = *self.hits.front()?;
            let wait = limit.per.saturating_sub(now.duration_since(oldest));
            return Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        self.hits.push_back(now);
        None
    }

    pub fn set_rate_limit(&mut self, limit: Option<RateLimit>) {
        self.rate_limit = limit;
        self.hits.clear();
    }
}

/// Everything the server shares between requests.
#[derive(Debug)]
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub knobs: Mutex<Knobs>,
    pub oauth: Mutex<crate::oauth::OAuthRuntime>,
    pub secret_key: String,
    expected_auth: String,
}

impl Shared {
    pub fn new(config: EmulatorConfig) -> Result<Arc<Shared>, EmulatorError> {
        let state = config.seed.load()?;
        Ok(Arc::new(Shared {
            state: Mutex::new(state),
            knobs: Mutex::new(Knobs {
                rate_limit: config.rate_limit,
                latency: config.latency,
                faults: config.faults,
                hits: VecDeque::new(),
            }),
            oauth: crate::oauth::OAuthRuntime::new(config.oauth),
            expected_auth: format!("Bearer {}", config.secret_key),
            secret_key: config.secret_key,
        }))
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.knobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn oauth(&self) -> MutexGuard<'_, crate::oauth::OAuthRuntime> {
        self.oauth.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The axum router for a shared emulator.
pub(crate) fn build_router(shared: Arc<Shared>) -> Router {
    let admin = Router::new()
        .route("/health", get(admin_health))
        .route("/config", get(admin_config))
        .route(
            "/rate_limit",
            put(admin_set_rate_limit).delete(admin_clear_rate_limit),
        )
        .route(
            "/latency",
            put(admin_set_latency).delete(admin_clear_latency),
        )
        .route(
            "/faults",
            get(admin_faults)
                .post(admin_add_fault)
                .delete(admin_clear_faults),
        )
        .route("/state", get(admin_get_state).put(admin_put_state))
        .route("/reset", post(admin_reset))
        .route(
            "/oauth",
            get(crate::oauth::admin_get).put(crate::oauth::admin_put),
        );
    use crate::oauth;
    Router::new()
        .route("/v1", any(api))
        .route("/v1/{*rest}", any(api))
        // Clerk's JS SDK calls the machine-authentication endpoints without `/v1`
        // (`skipApiVersionInUrl`); Clerk serves them there too.
        .route("/api_keys", any(api))
        .route("/api_keys/{*rest}", any(api))
        .route("/m2m_tokens", any(api))
        .route("/m2m_tokens/{*rest}", any(api))
        .route("/oauth_applications/access_tokens/verify", any(api))
        // The Frontend API side of Clerk as an OAuth authorization server.
        .route(
            "/.well-known/oauth-authorization-server",
            get(oauth::metadata),
        )
        .route("/.well-known/openid-configuration", get(oauth::metadata))
        .route("/.well-known/jwks.json", get(oauth::jwks_route))
        .route("/oauth/register", post(oauth::register))
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/oauth/userinfo", get(oauth::userinfo))
        .nest("/__emulator", admin)
        .fallback(not_implemented)
        .with_state(shared)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `GET /v1/public/interstitial`: a small HTML page that loads clerk.js from the Frontend API
/// (named by `publishable_key`, `frontend_api` or `frontendApi`) to settle the auth state.
fn interstitial(q: &Query) -> Response {
    let publishable = q.get("publishable_key").filter(|s| !s.is_empty());
    let fapi = q
        .get("frontend_api")
        .or_else(|| q.get("frontendApi"))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            // A publishable key is `pk_test_` / `pk_live_` + base64("<frontend api>$").
            let b64 = publishable?.split('_').nth(2)?;
            let raw = data_encoding::BASE64
                .decode(b64.as_bytes())
                .or_else(|_| data_encoding::BASE64_NOPAD.decode(b64.as_bytes()))
                .ok()?;
            String::from_utf8(raw)
                .ok()
                .map(|s| s.trim_end_matches('$').to_string())
        });
    let Some(fapi) = fapi else {
        return ClerkError::new(
            400,
            "form_param_missing",
            "is missing",
            "publishable_key or frontend_api must be included.",
        )
        .param("publishable_key")
        .into_response();
    };
    let script_host = match (q.get("proxy_url"), q.get("domain")) {
        (Some(proxy), _) if !proxy.is_empty() => proxy.trim_end_matches('/').to_string(),
        (_, Some(domain))
            if !domain.is_empty() && q.get("use_domain_for_script") == Some("true") =>
        {
            format!("https://clerk.{domain}")
        }
        _ => format!("https://{}", fapi.trim_start_matches("https://")),
    };
    let attr = |name: &str, value: Option<&str>| match value.filter(|v| !v.is_empty()) {
        Some(v) => format!(" data-clerk-{name}=\"{}\"", html_escape(v)),
        None => String::new(),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\" />\n<title>Clerk interstitial</title>\n\
         <script data-clerk-frontend-api=\"{fapi}\"{pk}{proxy}{domain}{sign_in} async \
         crossorigin=\"anonymous\" src=\"{src}/npm/@clerk/clerk-js@5/dist/clerk.browser.js\"></script>\n\
         <script>window.addEventListener(\"load\", async () => {{ await window.Clerk.load(); \
         window.location.reload(); }});</script>\n</head><body></body></html>\n",
        fapi = html_escape(&fapi),
        pk = attr("publishable-key", publishable),
        proxy = attr("proxy-url", q.get("proxy_url")),
        domain = attr("domain", q.get("domain")),
        sign_in = attr("sign-in-url", q.get("sign_in_url")),
        src = html_escape(&script_host),
    );
    let mut resp = (StatusCode::OK, html).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

fn not_implemented_error(method: &Method, path: &str) -> ClerkError {
    ClerkError::new(
        404,
        "resource_not_found",
        "not found",
        format!("The emulator does not implement {method} {path}"),
    )
    .with_meta("method", json!(method.as_str()))
    .with_meta("path", json!(path))
}

/// First path segments of the Backend API (the spec's paths), to recognize a request whose
/// base URL lacks `/v1`.
const BAPI_SEGMENTS: &[&str] = &[
    "actor_tokens",
    "admin_portal_link_tokens",
    "agents",
    "allowlist_identifiers",
    "api_keys",
    "beta_features",
    "billing",
    "blocklist_identifiers",
    "clients",
    "directories",
    "domains",
    "email_addresses",
    "enterprise_connections",
    "instance",
    "invitations",
    "jwks",
    "jwt_templates",
    "m2m_tokens",
    "machines",
    "oauth_applications",
    "organization_domains",
    "organization_invitations",
    "organization_memberships",
    "organization_permissions",
    "organization_roles",
    "organizations",
    "phone_numbers",
    "proxy_checks",
    "public",
    "redirect_urls",
    "role_sets",
    "saml_connections",
    "scim_directories",
    "sessions",
    "sign_in_tokens",
    "sign_ups",
    "templates",
    "testing_tokens",
    "users",
    "waitlist_entries",
    "webhooks",
];

/// 404 for a Backend API path sent without the `/v1` prefix.
fn missing_v1_error(method: &Method, path: &str) -> ClerkError {
    ClerkError::new(
        404,
        "resource_not_found",
        "not found",
        format!(
            "No resource at {method} {path}. The Backend API is served under /v1: the base URL is probably missing /v1 (use {method} /v1{path})."
        ),
    )
    .with_meta("method", json!(method.as_str()))
    .with_meta("path", json!(path))
}

async fn not_implemented(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if BAPI_SEGMENTS.contains(&first) {
        return missing_v1_error(&method, path).into_response();
    }
    not_implemented_error(&method, path).into_response()
}

/// Response whose body fails at once: hyper closes the connection before
/// anything is flushed, so the client sees a dropped connection.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::iter([Err::<Bytes, std::io::Error>(std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "connection dropped by an injected fault",
    ))]);
    Response::new(Body::from_stream(stream))
}

fn fault_error(status: u16) -> ClerkError {
    match status {
        400 => ClerkError::new(400, "bad_request", "Bad request", "Bad request"),
        401 => ClerkError::unauthenticated(),
        403 => ClerkError::new(
            403,
            "authorization_invalid",
            "Unauthorized request",
            "You are not authorized to perform this request",
        ),
        404 => ClerkError::not_found("Resource not found"),
        409 => ClerkError::new(409, "conflict", "Conflict", "Conflict"),
        429 => ClerkError::too_many_requests(1),
        500 => ClerkError::new(
            500,
            "internal_clerk_error",
            "Oops, an unexpected error occurred",
            "There was an internal error on our servers. We've been notified and are working on fixing it.",
        ),
        503 => ClerkError::new(
            503,
            "service_unavailable",
            "Service unavailable",
            "Service unavailable",
        ),
        504 => ClerkError::new(
            504,
            "gateway_timeout",
            "Gateway Timeout",
            "A request to a 3rd party service timed out",
        ),
        other => ClerkError::new(
            other,
            "emulator_injected_fault",
            "Injected fault",
            format!("The emulator answered {other} because of an injected fault."),
        ),
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `/v1/...` request.
async fn api(
    AxumState(sh): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let (latency, fault) = {
        let mut k = sh.knobs();
        (k.latency, k.take_fault(method.as_str(), path))
    };
    if let Some(d) = latency {
        tokio::time::sleep(d).await;
    }
    match fault {
        Some(FaultAction::Status(code)) => return fault_error(code).into_response(),
        Some(FaultAction::DropConnection) => return dropped_connection(),
        None => {}
    }
    // The interstitial page is public: browsers load it without the secret key.
    if method == Method::GET && path.trim_end_matches('/') == "/v1/public/interstitial" {
        return match Query::parse(uri.query()) {
            Ok(q) => interstitial(&q),
            Err(e) => e.into_response(),
        };
    }
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == sh.expected_auth);
    if !authorized {
        return ClerkError::unauthenticated().into_response();
    }
    if let Some(retry_after) = sh.knobs().rate_check(Instant::now()) {
        return ClerkError::too_many_requests(retry_after).into_response();
    }
    let q = match Query::parse(uri.query()) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let rest = path.strip_prefix("/v1").unwrap_or(path).trim_matches('/');
    let decoded: Vec<String> = rest.split('/').map(percent_decode).collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let now = now_ms();
    let cx = Ctx {
        q: &q,
        body: &body,
        now,
    };
    let result = {
        let mut st = sh.state();
        st.expire(now);
        match dispatch(&mut st, &method, &segs, &cx) {
            Some(r) => Some(r.map(|v| crate::resources::Reply {
                status: 200,
                body: Some(v),
            })),
            None => crate::resources::dispatch(&mut st, &method, &segs, &cx),
        }
    };
    match result {
        None => not_implemented_error(&method, path).into_response(),
        Some(Ok(crate::resources::Reply { body: None, status })) => StatusCode::from_u16(status)
            .unwrap_or(StatusCode::NO_CONTENT)
            .into_response(),
        // Clerk answers 201 Created for a new M2M token, 200 everywhere else.
        Some(Ok(crate::resources::Reply { body: Some(v), .. }))
            if method == Method::POST && segs == ["m2m_tokens"] =>
        {
            json_response(StatusCode::CREATED, &v)
        }
        Some(Ok(crate::resources::Reply {
            body: Some(v),
            status,
        })) => json_response(StatusCode::from_u16(status).unwrap_or(StatusCode::OK), &v),
        Some(Err(e)) => {
            tracing::debug!(code = e.code(), status = %e.status(), %path, "clerk error");
            e.into_response()
        }
    }
}

// ---- admin API -------------------------------------------------------------

fn admin_error(msg: impl Into<String>) -> Response {
    let msg = msg.into();
    ClerkError::new(400, "bad_request", "Bad request", msg).into_response()
}

fn config_json(k: &Knobs) -> Value {
    json!({
        "rate_limit": k.rate_limit.map(|r| json!({
            "requests": r.requests,
            "per_ms": r.per.as_millis() as u64,
        })),
        "latency_ms": k.latency.map(|d| d.as_millis() as u64),
        "faults": k.faults,
    })
}

async fn admin_health() -> Response {
    json_response(StatusCode::OK, &json!({ "ok": true }))
}

async fn admin_config(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &config_json(&sh.knobs()))
}

#[derive(Deserialize)]
struct RateLimitBody {
    requests: u32,
    per_ms: Option<u64>,
    per_seconds: Option<u64>,
}

async fn admin_set_rate_limit(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<RateLimitBody>(&body) else {
        return admin_error(
            "expected {\"requests\": N, \"per_ms\": M} or {\"requests\": N, \"per_seconds\": S}",
        );
    };
    let per = match (b.per_ms, b.per_seconds) {
        (Some(ms), _) => Duration::from_millis(ms),
        (None, Some(s)) => Duration::from_secs(s),
        (None, None) => Duration::from_secs(10),
    };
    let mut k = sh.knobs();
    k.set_rate_limit(Some(RateLimit::new(b.requests, per)));
    json_response(StatusCode::OK, &config_json(&k))
}

async fn admin_clear_rate_limit(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    let mut k = sh.knobs();
    k.set_rate_limit(None);
    json_response(StatusCode::OK, &config_json(&k))
}

#[derive(Deserialize)]
struct LatencyBody {
    ms: u64,
}

async fn admin_set_latency(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<LatencyBody>(&body) else {
        return admin_error("expected {\"ms\": N}");
    };
    let mut k = sh.knobs();
    k.latency = (b.ms > 0).then(|| Duration::from_millis(b.ms));
    json_response(StatusCode::OK, &config_json(&k))
}

async fn admin_clear_latency(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    let mut k = sh.knobs();
    k.latency = None;
    json_response(StatusCode::OK, &config_json(&k))
}

#[derive(Deserialize)]
struct FaultBody {
    #[serde(default)]
    method: Option<String>,
    path_prefix: String,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    drop_connection: bool,
    #[serde(default)]
    times: Option<u32>,
}

async fn admin_faults(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &json!(sh.knobs().faults))
}

async fn admin_add_fault(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<FaultBody>(&body) else {
        return admin_error(
            "expected {\"method\": \"GET\", \"path_prefix\": \"/v1/users\", \"status\": 503 | \"drop_connection\": true, \"times\": N}",
        );
    };
    let method = b.method.unwrap_or_else(|| "*".into());
    let mut fault = match (b.status, b.drop_connection) {
        (_, true) => Fault::drop_connection(&method, &b.path_prefix),
        (Some(s), false) if (100..=599).contains(&s) => Fault::status(&method, &b.path_prefix, s),
        _ => return admin_error("a fault needs a status (100-599) or drop_connection: true"),
    };
    fault.times = b.times;
    let mut k = sh.knobs();
    k.faults.push(fault);
    json_response(StatusCode::OK, &json!(k.faults))
}

async fn admin_clear_faults(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    let mut k = sh.knobs();
    k.faults.clear();
    json_response(StatusCode::OK, &json!(k.faults))
}

async fn admin_get_state(AxumState(sh): AxumState<Arc<Shared>>) -> Response {
    let st = sh.state();
    json_response(StatusCode::OK, &json!(*st))
}

async fn admin_put_state(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<State>(&body) {
        Ok(new) => {
            *sh.state() = new;
            json_response(StatusCode::OK, &json!({ "ok": true }))
        }
        Err(e) => admin_error(format!("invalid state: {e}")),
    }
}

#[derive(Deserialize)]
struct ResetBody {
    #[serde(default)]
    seed: Option<String>,
}

async fn admin_reset(AxumState(sh): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    let seed = if body.is_empty() {
        Seed::Demo
    } else {
        match serde_json::from_slice::<ResetBody>(&body) {
            Ok(ResetBody { seed: None }) => Seed::Demo,
            Ok(ResetBody { seed: Some(s) }) => match s.as_str() {
                "demo" => Seed::Demo,
                "empty" => Seed::Empty,
                _ => return admin_error("seed must be \"demo\" or \"empty\""),
            },
            Err(_) => return admin_error("expected {\"seed\": \"demo\" | \"empty\"}"),
        }
    };
    match seed.load() {
        Ok(new) => {
            *sh.state() = new;
            json_response(StatusCode::OK, &json!({ "ok": true }))
        }
        Err(e) => admin_error(e.to_string()),
    }
}
