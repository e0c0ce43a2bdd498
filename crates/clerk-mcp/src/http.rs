//! Streamable HTTP: the tools at `/mcp` (rmcp's server transport: 2025-11-25 sessions with
//! `Mcp-Session-Id` and SSE, and stateless 2026-07-28 requests, on one endpoint), and
//! `GET /health`.
//!
//! In front of `/mcp` one layer ([`authenticate`]) does, per request:
//!
//! 1. **Host** validation against DNS rebinding: loopback names, plus [`HttpOptions::allowed_hosts`]
//!    (403 otherwise). `Origin`, when a browser sends one, must be loopback or in
//!    [`HttpOptions::allowed_origins`] (checked by rmcp, 403).
//! 2. **Bearer token**, when one is configured: `Authorization: Bearer <token>`, compared in
//!    constant time (401 otherwise, with `WWW-Authenticate: Bearer`).
//! 3. **The tenant's key**: hosted mode uses the server's client; public mode takes
//!    `X-Clerk-Secret-Key` from each POST and derives a client for it that shares the one
//!    connection pool (401 with a JSON body saying what to send when it is missing). The key
//!    lives only as long as the request: it is never logged, cached or echoed.
//! 4. The request's [`ToolContext`] (client, how it was authenticated, a request id, echoed as
//!    `X-Request-Id`) is put in the request's extensions, where [`ClerkServer`] finds it.
//!
//! Everything else (which tools the request sees, validation, policy, the call, events) is the
//! [`Pipeline`](clerk_tools::Pipeline)'s. [`serve`] runs the router with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clerk_api::{Client, SecretKey};
use clerk_tools::{AuthMethod, Pipeline, ToolContext, new_request_id};
use futures_util::StreamExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::ClerkServer;

/// The header that carries the tenant's secret key in public mode.
pub const SECRET_KEY_HEADER: &str = "x-clerk-secret-key";

/// Where the Clerk key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    /// The server holds one key (`CLERK_SECRET_KEY`, or the embedded emulator's).
    Hosted,
    /// Every request brings its own key in `X-Clerk-Secret-Key`: one deployment serves many
    /// Clerk instances.
    Public,
}

impl KeyMode {
    /// `hosted` or `public`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMode::Hosted => "hosted",
            KeyMode::Public => "public",
        }
    }
}

/// How the HTTP front-end behaves.
#[derive(Clone)]
pub struct HttpOptions {
    /// Where the key comes from.
    pub mode: KeyMode,
    /// A static bearer token every `/mcp` request must carry.
    pub token: Option<SecretString>,
    /// Host names (or `host:port`) accepted in `Host` besides `localhost`, `127.0.0.1`, `::1`.
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host[:port|:*]`) accepted in `Origin` besides loopback ones.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// How long `/health` reuses the answer of its Clerk probe.
    pub health_ttl: Duration,
    /// Idle time after which a legacy session is closed.
    pub session_idle: Duration,
    /// Sign in with Clerk (`--auth clerk`): every `/mcp` request needs a token the instance
    /// issued; replaces [`HttpOptions::token`].
    pub auth: Option<Arc<crate::auth::ClerkAuth>>,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("mode", &self.mode)
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("health_ttl", &self.health_ttl)
            .field("session_idle", &self.session_idle)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            mode: KeyMode::Hosted,
            token: None,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 4 * 1024 * 1024,
            health_ttl: Duration::from_secs(5),
            session_idle: Duration::from_secs(300),
            auth: None,
        }
    }
}

const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1", "[::1]"];

/// Whether `addr` is a loopback address.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// The HTTP front-end: a router and the token that ends its sessions.
pub struct HttpApp {
    /// `/mcp`, `/health`, `/api/health`.
    pub router: Router,
    /// The MCP server (for its in-flight count).
    pub server: ClerkServer,
    /// Cancelling it ends every session and SSE stream.
    pub cancel: CancellationToken,
}

struct Shared {
    options: HttpOptions,
    /// Hosted: the server's client. Public: a keyless template whose pool every per-request
    /// client shares.
    client: Client,
    tools: usize,
    health: Mutex<Option<(Instant, Result<(), String>)>>,
}

/// Builds the HTTP front-end over `pipeline`, calling Clerk with `client` (see
/// [`HttpOptions::mode`]).
pub fn app(pipeline: Pipeline, client: Client, options: HttpOptions) -> HttpApp {
    let cancel = CancellationToken::new();
    let server = ClerkServer::per_request(pipeline.clone());
    let tools = pipeline.registry().tools().len();
    let router = router_with(server.clone(), client, tools, options, &cancel).layer(
        middleware::from_fn_with_state(server.clone(), count_in_flight),
    );
    HttpApp {
        router,
        server,
        cancel,
    }
}

/// Holds each MCP request (a `POST`) in the server's in-flight count until its response has
/// been sent, body included: [`serve`]'s shutdown waits for it even before it reaches a tool.
async fn count_in_flight(State(server): State<ClerkServer>, req: Request, next: Next) -> Response {
    if req.method() != axum::http::Method::POST {
        return next.run(req).await;
    }
    let guard = server.enter();
    let (parts, body) = next.run(req).await.into_parts();
    let body = axum::body::Body::from_stream(body.into_data_stream().map(move |chunk| {
        let _held_until_the_body_ends = &guard;
        chunk
    }));
    Response::from_parts(parts, body)
}

/// The same front-end (Host/Origin checks, bearer token, key modes, the per-request
/// [`ToolContext`] in the request's extensions, body limit, `/health`, panic safety) around any
/// rmcp server `handler`; [`app`] uses it with [`ClerkServer`]. `tools` is what `/health`
/// reports; cancelling `cancel` ends every session and SSE stream.
///
/// This is how the conformance example (`examples/conformance_server.rs`) puts the MCP suite's
/// fixture tools behind exactly the HTTP layer production uses.
pub fn router_with<S>(
    handler: S,
    client: Client,
    tools: usize,
    options: HttpOptions,
    cancel: &CancellationToken,
) -> Router
where
    S: rmcp::ServerHandler + Clone + Send + Sync + 'static,
{
    let mut hosts: Vec<String> = LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect();
    hosts.extend(options.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> = ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"]
        .iter()
        .map(|o| o.to_string())
        .collect();
    origins.extend(options.allowed_origins.iter().cloned());
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_json_response(true)
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(cancel.child_token());
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(options.session_idle);
    let mcp = StreamableHttpService::new(move || Ok(handler.clone()), Arc::new(sessions), config);
    let shared = Arc::new(Shared {
        tools,
        options,
        client,
        health: Mutex::new(None),
    });
    let mut router = Router::new()
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(shared.clone(), authenticate))
        .route("/health", get(health))
        .route("/api/health", get(health));
    if shared.options.auth.is_some() {
        router = router
            .route(
                "/.well-known/oauth-protected-resource",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-protected-resource/mcp",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                get(authorization_server),
            );
    }
    router
        .layer(middleware::from_fn_with_state(shared.clone(), check_host))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .with_state(shared)
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked; the server goes on");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed on this request (a bug); other requests are not affected",
    )
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": code, "message": message}).to_string(),
    )
        .into_response()
}

/// The host part of a `Host` header value (`[::1]:8080` → `::1`, `a.example:80` → `a.example`).
fn host_name(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match value.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => value,
    }
}

fn host_allowed(value: &str, extra: &[String]) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let name = host_name(&value);
    LOOPBACK_HOSTS.contains(&name)
        || extra.iter().any(|allowed| {
            let allowed = allowed.trim().to_ascii_lowercase();
            allowed == value || allowed == name
        })
}

async fn check_host(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if host_allowed(&h, &shared.options.allowed_hosts) => next.run(request).await,
        _ => error(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "this Host is not allowed (DNS-rebinding protection); start clerk-mcp with --allowed-host NAME for each name clients use",
        ),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn token_matches(given: &str, expected: &SecretString) -> bool {
    use subtle::ConstantTimeEq;
    // Compare digests so the comparison's time depends on neither length.
    use sha2::Digest;
    let a = sha2::Sha256::digest(given.as_bytes());
    let b = sha2::Sha256::digest(expected.expose_secret().as_bytes());
    a.ct_eq(&b).into()
}

/// A plausible secret key: `sk_…`, visible ASCII, not absurdly long. Checked before any
/// request, so a publishable key or a pasted token is refused with a clear message.
fn plausible_secret_key(key: &str) -> bool {
    key.starts_with("sk_")
        && key.len() <= 512
        && key.len() > 3
        && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Authenticates an `/mcp` request and attaches its [`ToolContext`].
async fn authenticate(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    let options = &shared.options;
    let mut auth = AuthMethod::Unauthenticated;
    let mut caller = None;
    if let Some(clerk) = &options.auth {
        match clerk.authenticate(bearer(request.headers())).await {
            Ok((who, how)) => {
                caller = who;
                auth = how;
            }
            Err(response) => return *response,
        }
    } else if let Some(expected) = &options.token {
        match bearer(request.headers()) {
            Some(given) if token_matches(given, expected) => auth = AuthMethod::StaticToken,
            given => {
                let mut response = error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    if given.is_some() {
                        "the bearer token is not valid for this server"
                    } else {
                        "this server needs `Authorization: Bearer <token>` (the token set with CLERK_MCP_HTTP_TOKEN or --http-token-file)"
                    },
                );
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(if given.is_some() {
                        "Bearer error=\"invalid_token\""
                    } else {
                        "Bearer"
                    }),
                );
                return response;
            }
        }
    }
    let client = match options.mode {
        KeyMode::Hosted => shared.client.clone(),
        KeyMode::Public => {
            let key = request
                .headers()
                .get(SECRET_KEY_HEADER)
                .map(|v| v.to_str().map(str::trim));
            match key {
                Some(Ok(key)) if plausible_secret_key(key) => {
                    if !matches!(auth, AuthMethod::StaticToken) {
                        auth = AuthMethod::SecretKeyHeader;
                    }
                    shared.client.with_secret_key(SecretKey::new(key))
                }
                Some(_) => {
                    return error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_secret_key",
                        "X-Clerk-Secret-Key must be a Clerk secret key (sk_test_… or sk_live_…, from the Clerk dashboard's API keys page); a publishable key (pk_…) does not work here",
                    );
                }
                // Only POSTs call tools; a legacy session's GET (SSE) or DELETE needs no key.
                None if request.method() != axum::http::Method::POST => shared.client.clone(),
                None => {
                    return error(
                        StatusCode::UNAUTHORIZED,
                        "missing_secret_key",
                        "this server runs in public mode: send your Clerk secret key in the X-Clerk-Secret-Key header of every request",
                    );
                }
            }
        }
    };
    // Never let the key travel further than the context (rmcp copies the request parts).
    request.headers_mut().remove(SECRET_KEY_HEADER);
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(new_request_id);
    let mut ctx = ToolContext::new(client)
        .with_auth(auth)
        .with_request_id(request_id.clone());
    if let Some(caller) = caller {
        ctx = ctx.with_caller(caller);
    }
    request.extensions_mut().insert(ctx);
    let mut response = next.run(request).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// `GET /.well-known/oauth-protected-resource[/mcp]` (RFC 9728).
async fn protected_resource(State(shared): State<Arc<Shared>>) -> Response {
    let Some(auth) = &shared.options.auth else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "this server does not use OAuth",
        );
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "max-age=3600"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        auth.protected_resource_metadata().to_string(),
    )
        .into_response()
}

/// `GET /.well-known/oauth-authorization-server`: the issuer's metadata, for clients that look
/// on the resource's host.
async fn authorization_server(State(shared): State<Arc<Shared>>) -> Response {
    let Some(auth) = &shared.options.auth else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "this server does not use OAuth",
        );
    };
    match auth.authorization_server_metadata().await {
        Ok(v) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            v.to_string(),
        )
            .into_response(),
        Err(e) => error(
            StatusCode::BAD_GATEWAY,
            "authorization_server_unreachable",
            &e,
        ),
    }
}

/// `GET /health`: `{status, mode, clerkConnected, version, tools}` (the Node server's field
/// names). Hosted mode probes Clerk with the key, at most once per [`HttpOptions::health_ttl`].
async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let mut body = json!({
        "status": "ok",
        "mode": shared.options.mode.as_str(),
        "clerkConnected": null,
        "version": env!("CARGO_PKG_VERSION"),
        "tools": shared.tools,
    });
    if shared.options.mode == KeyMode::Hosted {
        let probe = {
            let mut cached = shared.health.lock().await;
            match &*cached {
                Some((at, result)) if at.elapsed() < shared.options.health_ttl => result.clone(),
                _ => {
                    let result = probe(&shared.client).await;
                    *cached = Some((Instant::now(), result.clone()));
                    result
                }
            }
        };
        match probe {
            Ok(()) => body["clerkConnected"] = json!(true),
            Err(e) => {
                body["status"] = json!("degraded");
                body["clerkConnected"] = json!(false);
                body["error"] = json!(e);
            }
        }
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn probe(client: &Client) -> Result<(), String> {
    match tokio::time::timeout(Duration::from_secs(5), client.users().count()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("Clerk did not answer within 5 s".into()),
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then shuts down gracefully: no new
/// connections; in-flight requests and tool calls get up to `grace` to finish; then sessions and SSE
/// streams are closed and the server returns (at most `grace` + 2 s after the signal).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: HttpApp,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let HttpApp {
        router,
        server,
        cancel,
    } = app;
    let (signalled_tx, signalled_rx) = tokio::sync::watch::channel(false);
    let graceful = async move {
        shutdown.await;
        let _ = signalled_tx.send(true);
    };
    let closer = {
        let cancel = cancel.clone();
        let mut signalled = signalled_rx.clone();
        async move {
            if signalled.wait_for(|s| *s).await.is_err() {
                return;
            }
            tracing::info!(
                in_flight = server.in_flight(),
                "shutting down: finishing in-flight calls"
            );
            let deadline = Instant::now() + grace;
            while server.in_flight() > 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            if server.in_flight() > 0 {
                tracing::warn!(
                    in_flight = server.in_flight(),
                    "grace period over; abandoning calls"
                );
            }
            cancel.cancel();
        }
    };
    tokio::spawn(closer);
    // No Nagle: an SSE response is written in several small frames, and waiting for the
    // client's delayed ACK between them costs ~40 ms per call.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
    });
    let serving =
        axum::serve(listener, router.into_make_service()).with_graceful_shutdown(graceful);
    let mut signalled = signalled_rx;
    tokio::select! {
        r = serving => r,
        _ = async {
            let _ = signalled.wait_for(|s| *s).await;
            tokio::time::sleep(grace + Duration::from_secs(2)).await;
        } => {
            tracing::warn!("connections still open after the grace period; exiting");
            Ok(())
        }
    }
}

impl std::fmt::Debug for HttpApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpApp")
            .field("server", &self.server)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("localhost"), "localhost");
        assert!(host_allowed("LOCALHOST:9", &[]));
        assert!(!host_allowed("evil.example", &[]));
        assert!(host_allowed(
            "mcp.example.com:443",
            &["mcp.example.com".into()]
        ));
        assert!(!host_allowed(
            "mcp.example.com:444",
            &["mcp.example.com:443".into()]
        ));
    }

    #[test]
    fn tokens_compare_exactly() {
        let t = SecretString::from("s3cret-token".to_string());
        assert!(token_matches("s3cret-token", &t));
        assert!(!token_matches("s3cret-toke", &t));
        assert!(!token_matches("", &t));
    }

    #[test]
    fn secret_key_shape() {
        assert!(plausible_secret_key("sk_test_abc"));
        assert!(!plausible_secret_key("pk_test_abc"));
        assert!(!plausible_secret_key("sk_"));
        assert!(!plausible_secret_key("sk_test_a b"));
    }
}
