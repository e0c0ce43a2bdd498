//! The Clerk client a command runs with: the key from CLERK_SECRET_KEY (or `--secret-key`) and
//! `--api-url`, or an embedded emulator with `--emulator` — as in `clerk-mcp`.

use clerk_api::{Client, SecretKey};
use clerk_emulator::{Emulator, EmulatorConfig};

use crate::args::Global;
use crate::failure::Failure;

/// A client, and the embedded emulator it talks to (kept alive as long as this is).
#[derive(Debug)]
pub struct Connection {
    /// The client.
    pub client: Client,
    _emulator: Option<Emulator>,
}

/// The warning printed when the key is given on the command line (never the key itself).
pub const SECRET_FLAG_WARNING: &str = "warning: --secret-key is visible to other users of this machine (ps, /proc); prefer the CLERK_SECRET_KEY environment variable";

/// Connects as the global flags say.
pub async fn connect(global: &Global) -> Result<Connection, Failure> {
    let mut emulator = None;
    let builder = if global.emulator {
        let started = Emulator::start(EmulatorConfig::default())
            .await
            .map_err(|e| Failure::runtime(format!("could not start the embedded emulator: {e}")))?;
        tracing::info!(url = %started.url(), "running on the embedded Clerk emulator (demo data)");
        let b = Client::builder(started.secret_key()).api_url(started.url());
        emulator = Some(started);
        b
    } else {
        let key = match (&global.secret_key, SecretKey::from_env()) {
            (Some(flag), _) => SecretKey::new(flag.trim()),
            (None, Some(env)) => env,
            (None, None) => {
                return Err(Failure::usage(
                    "no Clerk secret key. Set CLERK_SECRET_KEY=sk_… in the environment, or add \
                     --emulator to try it on an offline emulator with demo data.",
                ));
            }
        };
        if key.is_empty() {
            return Err(Failure::usage(
                "the Clerk secret key is empty; set CLERK_SECRET_KEY=sk_… (or use --emulator)",
            ));
        }
        let mut b = Client::builder(key);
        let url = global
            .api_url
            .clone()
            .or_else(|| std::env::var("CLERK_API_URL").ok());
        if let Some(url) = url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            b = b.api_url(url);
        }
        b
    };
    let client = builder
        .user_agent_suffix(concat!("clerkctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(Failure::usage)?;
    Ok(Connection {
        client,
        _emulator: emulator,
    })
}
