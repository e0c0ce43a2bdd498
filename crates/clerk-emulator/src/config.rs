//! Start-up configuration: secret key, seed data and realism knobs.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;
use crate::state::State;

/// Default secret key accepted by the emulator.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_emulator";

/// How to configure an [`Emulator`](crate::Emulator).
///
/// `Default` gives the secret key `sk_test_emulator`, the [`Seed::Demo`] data
/// set, no rate limiting, no latency and no faults.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The only accepted `Authorization: Bearer <secret_key>`.
    pub secret_key: String,
    /// Initial data.
    pub seed: Seed,
    /// Rate limiting (off when `None`).
    pub rate_limit: Option<RateLimit>,
    /// Fixed latency added to every `/v1` request.
    pub latency: Option<Duration>,
    /// Injected faults.
    pub faults: Vec<Fault>,
    /// How the emulator behaves as an OAuth authorization server.
    pub oauth: crate::oauth::OAuthSettings,
    /// How long a client may take to send a request's head before the connection is closed.
    pub header_read_timeout: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            secret_key: DEFAULT_SECRET_KEY.to_string(),
            seed: Seed::Demo,
            rate_limit: None,
            latency: None,
            faults: Vec::new(),
            oauth: Default::default(),
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

impl EmulatorConfig {
    /// Same as `Default::default()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Use another secret key.
    pub fn with_secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = key.into();
        self
    }

    /// Choose the initial data.
    pub fn with_seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// Turn rate limiting on.
    pub fn with_rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Add a fixed latency to every `/v1` request.
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }

    /// Add an injected fault.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Set how the OAuth authorization server behaves.
    pub fn with_oauth(mut self, oauth: crate::oauth::OAuthSettings) -> Self {
        self.oauth = oauth;
        self
    }

    /// Replace all injected faults.
    pub fn with_faults(mut self, faults: Vec<Fault>) -> Self {
        self.faults = faults;
        self
    }
}

/// Initial data of an emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// No data at all.
    Empty,
    /// The deterministic demo data set: 4 organizations, 50 users at
    /// `example.com`, memberships, invitations and sessions. The same ids on
    /// every run.
    Demo,
    /// A state file written by [`Emulator::save`](crate::Emulator::save).
    File(PathBuf),
}

impl Seed {
    /// Build the [`State`] this seed describes.
    pub fn load(&self) -> Result<State, EmulatorError> {
        match self {
            Seed::Empty => Ok(State::empty(crate::seed::EMPTY_ID_SEED)),
            Seed::Demo => Ok(crate::seed::demo()),
            Seed::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| EmulatorError::SeedFile {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                State::from_json(&text).map_err(|e| EmulatorError::SeedFile {
                    path: path.clone(),
                    message: e.to_string(),
                })
            }
        }
    }
}

/// A rate limit: at most `requests` per sliding window of `per`, per secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length.
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit { requests, per }
    }

    /// Clerk's development-instance limit: 100 requests per 10 seconds.
    pub fn development() -> Self {
        RateLimit::new(100, Duration::from_secs(10))
    }

    /// Clerk's production-instance limit: 1000 requests per 10 seconds.
    pub fn production() -> Self {
        RateLimit::new(1000, Duration::from_secs(10))
    }
}

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this HTTP status and a Clerk-shaped error body.
    Status(u16),
    /// Close the connection without answering.
    DropConnection,
}

/// An injected fault on requests whose method and path match.
///
/// ```
/// use clerk_emulator::Fault;
/// // The first two GETs under /v1/users answer 503, later ones succeed.
/// let f = Fault::status("GET", "/v1/users", 503).times(2);
/// // Every POST /v1/invitations has its connection dropped.
/// let g = Fault::drop_connection("POST", "/v1/invitations");
/// # let _ = (f, g);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// HTTP method to match; `"*"` (or empty) matches any.
    pub method: String,
    /// Path prefix to match, including `/v1`, e.g. `/v1/users`.
    pub path_prefix: String,
    /// What to do.
    pub action: FaultAction,
    /// Only for the first N matching requests (`None`: for all of them).
    pub times: Option<u32>,
}

impl Fault {
    /// Answer `status` (e.g. 503) on matching requests.
    pub fn status(method: &str, path_prefix: &str, status: u16) -> Fault {
        Fault {
            method: method.to_ascii_uppercase(),
            path_prefix: path_prefix.to_string(),
            action: FaultAction::Status(status),
            times: None,
        }
    }

    /// Drop the connection of matching requests.
    pub fn drop_connection(method: &str, path_prefix: &str) -> Fault {
        Fault {
            method: method.to_ascii_uppercase(),
            path_prefix: path_prefix.to_string(),
            action: FaultAction::DropConnection,
            times: None,
        }
    }

    /// Only apply to the first `n` matching requests.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    /// Whether this fault applies to a request.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        (self.method.is_empty() || self.method == "*" || self.method.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
            && self.times != Some(0)
    }
}
