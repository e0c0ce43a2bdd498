//! An offline, stateful, in-memory emulator of Clerk's Backend API (BAPI).
//!
//! The emulator answers the BAPI paths (under `/v1`) for users (with email
//! addresses and phone numbers, their verification and replacement, passwords,
//! TOTP and backup codes, passkeys, Web3 wallets, external accounts and their
//! OAuth access tokens, trusted devices, profile images), organizations (and
//! their logos), memberships, organization invitations, application
//! invitations and sessions (with session refresh), with Clerk's request
//! validation, error bodies (`{"errors":[…],"clerk_trace_id":…}`), list shapes
//! and metadata semantics as described by the official OpenAPI spec
//! (version `2026-05-12`). A generic, table-driven store (`src/resources`)
//! serves the configuration families: JWT templates, OAuth applications,
//! domains, allow/block lists, redirect URLs, actor / sign-in / testing tokens,
//! machines, organization roles, permissions and role sets, organization
//! domains, enterprise connections, directories and SCIM directories, the
//! waitlist, Svix webhooks, instance settings (and the beta ones, and domain
//! changes), billing (plans, prices, subscription items, statements, and each
//! user's and organization's subscription and credit balance), agent tasks,
//! admin portal links, sign-ups, clients and proxy checks; API keys and M2M
//! tokens live with the OAuth side; `GET /v1/public/interstitial` answers a
//! small HTML page without authentication. Paths it does not implement (the
//! email / SMS `templates` operations) answer a Clerk-shaped 404 naming the
//! path; a Backend API path sent without `/v1` answers a 404 saying the base
//! URL is probably missing it.
//!
//! # What the emulator accepts where Clerk would send or check a secret
//!
//! | Flow | Accepted |
//! | --- | --- |
//! | `POST /email_addresses/{id}/attempt_verification`, same for phone numbers | the code [`VERIFICATION_CODE`] (`424242`); a wrong code counts an attempt (status stays `unverified`; the third wrong one makes it `failed`), as the spec says, not an error; codes expire after 10 minutes |
//! | `POST /users/{id}/verify_password` | the password set in plain text at create / update (stored only as a salted SHA-256), or [`DEMO_PASSWORD`] for demo users with a password; an imported `password_digest` cannot be checked and never verifies |
//! | `POST /users/{id}/verify_totp` | [`TOTP_CODE`] (`424242`) for a user with TOTP, or an unused backup code (consumed) |
//! | `POST /sessions/{id}/refresh` | an `expired_token` signed by the emulator (expired or not) for that active session, and any non-empty `refresh_token` (the emulator issues no Frontend API refresh tokens) |
//! | `POST /users/{id}/profile_image`, logos | any `image/jpeg`, `image/png`, `image/gif` or `image/webp` part named `file`; only its URL is kept |
//!
//! Passkeys, Web3 wallets, external accounts (with a private `_access_token`) and trusted
//! devices cannot be created through the Backend API: the demo seed gives some demo users
//! some, and a state file ([`Seed::File`], `PUT /__emulator/state`) can supply any.
//!
//! Realism knobs — rate limiting like a development instance, fixed latency,
//! injected faults — are set at start ([`EmulatorConfig`]) and can be changed
//! at runtime through methods on [`Emulator`] or the admin API under
//! `/__emulator/` (not under `/v1`, no authentication):
//!
//! | Admin request | Effect |
//! | --- | --- |
//! | `GET /__emulator/health` | `{"ok":true}` |
//! | `GET /__emulator/config` | current rate limit, latency and faults |
//! | `PUT /__emulator/rate_limit` `{"requests":100,"per_ms":10000}` | rate limiting on (`DELETE` turns it off) |
//! | `PUT /__emulator/latency` `{"ms":50}` | fixed latency (`DELETE` removes it) |
//! | `POST /__emulator/faults` `{"method":"GET","path_prefix":"/v1/users","status":503,"times":2}` | add a fault (`"drop_connection":true` instead of `status` drops the connection); `GET` lists, `DELETE` clears |
//! | `GET /__emulator/state`, `PUT /__emulator/state` | dump / replace the whole [`State`] as JSON |
//! | `POST /__emulator/reset` `{"seed":"demo"}` or `{"seed":"empty"}` | reset the data |
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//! use clerk_emulator::{Emulator, EmulatorConfig, Fault, RateLimit, Seed};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(
//!     EmulatorConfig::default()
//!         .with_seed(Seed::Demo)
//!         .with_rate_limit(RateLimit::development())
//!         .with_latency(Duration::from_millis(20))
//!         .with_fault(Fault::status("GET", "/v1/users", 503).times(1)),
//! )
//! .await?;
//!
//! // Point any Clerk client at the emulator.
//! let users: serde_json::Value = reqwest::Client::new()
//!     .get(format!("{}/v1/users?limit=5", emulator.url()))
//!     .bearer_auth(emulator.secret_key())
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! println!("{users}");
//!
//! emulator.save(std::path::Path::new("clerk-state.json"))?;
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
#![recursion_limit = "256"]

mod config;
mod error;
mod handlers;
pub mod oauth;
mod render;
mod req;
mod resources;
mod seed;
mod server;
#[allow(missing_docs)] // record fields carry Clerk's own names; see the BAPI spec
pub mod state;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{DEFAULT_SECRET_KEY, EmulatorConfig, Fault, FaultAction, RateLimit, Seed};
pub use error::{ClerkError, EmulatorError};
pub use seed::DEMO_PASSWORD;
pub use state::State;

/// The one-time code `POST /email_addresses/{id}/attempt_verification` and
/// `POST /phone_numbers/{id}/attempt_verification` accept, like the code of Clerk's test mode.
pub const VERIFICATION_CODE: &str = "424242";

/// The TOTP code `POST /users/{id}/verify_totp` accepts for a user with TOTP enabled (the
/// emulator keeps no TOTP secret, so it cannot check real authenticator codes).
pub const TOTP_CODE: &str = "424242";

use server::Shared;

/// A running emulator serving on a local port in a background tokio task.
///
/// Dropping it stops the server too (without waiting); prefer
/// [`Emulator::shutdown`].
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Start on `127.0.0.1` with an OS-assigned port.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        Emulator::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Start on `addr` (port 0 picks a free port).
    pub async fn bind(config: EmulatorConfig, addr: SocketAddr) -> Result<Emulator, EmulatorError> {
        let header_read_timeout = config.header_read_timeout;
        let shared = Shared::new(config)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = server::build_router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_connections(listener, app, header_read_timeout, async {
                let _ = stopped.await;
            })
            .await;
        });
        tracing::debug!(%addr, "clerk emulator listening");
        Ok(Emulator {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Origin of the emulator, e.g. `http://127.0.0.1:40123` (no `/v1`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The secret key clients must send as `Authorization: Bearer <key>`.
    pub fn secret_key(&self) -> &str {
        &self.shared.secret_key
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Write the whole state as JSON to `path` (loadable with [`Seed::File`]).
    pub fn save(&self, path: &Path) -> Result<(), EmulatorError> {
        let json = self.shared.state().to_json()?;
        std::fs::write(path, json)?;
        Ok(())
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> State {
        self.shared.state().clone()
    }

    /// Replace the whole state.
    pub fn load_state(&self, state: State) {
        *self.shared.state() = state;
    }

    /// Reset the data to a seed.
    pub fn reset(&self, seed: Seed) -> Result<(), EmulatorError> {
        let state = seed.load()?;
        self.load_state(state);
        Ok(())
    }

    /// Change (or with `None` turn off) rate limiting; the window restarts.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.shared.knobs().set_rate_limit(limit);
    }

    /// Change (or with `None` remove) the injected latency.
    pub fn set_latency(&self, latency: Option<Duration>) {
        self.shared.knobs().latency = latency;
    }

    /// Add an injected fault.
    pub fn add_fault(&self, fault: Fault) {
        self.shared.knobs().faults.push(fault);
    }

    /// Remove every injected fault.
    pub fn clear_faults(&self) {
        self.shared.knobs().faults.clear();
    }

    /// Stop serving and wait (at most 2 s) for open connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The emulator as an axum [`Router`](axum::Router), for embedding in another
/// server or serving yourself.
pub fn router(config: EmulatorConfig) -> Result<axum::Router, EmulatorError> {
    Ok(server::build_router(Shared::new(config)?))
}

/// Serve on `addr` until Ctrl-C (for a standalone emulator process).
pub async fn serve(config: EmulatorConfig, addr: SocketAddr) -> Result<(), EmulatorError> {
    let header_read_timeout = config.header_read_timeout;
    let app = router(config)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "clerk emulator listening");
    serve_connections(listener, app, header_read_timeout, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

/// Accepts connections until `shutdown`, each served by hyper with `TCP_NODELAY` and a header
/// read timeout ([`EmulatorConfig::header_read_timeout`]: a connection that sends nothing, or
/// half a request head, is closed, as Clerk's edge drops slow clients); then finishes in-flight
/// requests.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_read_timeout: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    // HTTP/1.1 only (like the plain-HTTP Backend API clients use); the timer starts as soon as
    // a connection waits for a request head.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(app.clone());
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("emulator connection ended: {e}");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), graceful.shutdown()).await;
}
