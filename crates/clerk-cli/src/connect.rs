//! The Clerk client a command runs with: built by [`clerk_tools::connect`], the one place both
//! binaries turn flags and environment into a client (the key from CLERK_SECRET_KEY or
//! `--secret-key`, `--api-url` / CLERK_API_URL, or an embedded emulator with `--emulator`).

use clerk_api::SecretKey;
use clerk_tools::connect::{ConnectError, ConnectOptions};

pub use clerk_tools::connect::Connection;

use crate::args::Global;
use crate::failure::Failure;

/// The warning printed when the key is given on the command line (never the key itself).
pub const SECRET_FLAG_WARNING: &str = "warning: --secret-key is visible to other users of this machine (ps, /proc); prefer the CLERK_SECRET_KEY environment variable";

/// Connects as the global flags say.
pub async fn connect(global: &Global) -> Result<Connection, Failure> {
    let options = ConnectOptions {
        secret_key: global
            .secret_key
            .as_deref()
            .map(|k| SecretKey::new(k.trim())),
        secret_key_file: global.secret_key_file.clone(),
        api_url: global.api_url.clone(),
        emulator: global.emulator,
        keyless: false,
        user_agent: concat!("clerkctl/", env!("CARGO_PKG_VERSION")).into(),
    };
    clerk_tools::connect::connect(&options)
        .await
        .map_err(|e| match e {
            ConnectError::Emulator(_) => Failure::runtime(e.to_string()),
            other => Failure::usage(other.to_string()),
        })
}
