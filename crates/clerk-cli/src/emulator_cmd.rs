//! `clerkctl emulator serve`: the offline Clerk emulator as a standalone server until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use clerk_emulator::{EmulatorConfig, RateLimit, Seed};

use crate::args::ServeArgs;
use crate::failure::Failure;

/// The emulator configuration the flags describe.
pub fn config(args: &ServeArgs) -> EmulatorConfig {
    let seed = match (&args.seed, args.empty) {
        (Some(path), _) => Seed::File(path.clone()),
        (None, true) => Seed::Empty,
        (None, false) => Seed::Demo,
    };
    let mut config = EmulatorConfig::default().with_seed(seed);
    if args.rate_limit {
        config = config.with_rate_limit(RateLimit::development());
    }
    if let Some(ms) = args.latency_ms {
        config = config.with_latency(Duration::from_millis(ms));
    }
    config
}

/// Serves until Ctrl-C.
pub async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let config = config(&args);
    let addr = SocketAddr::new(args.host, args.port);
    if !addr.ip().is_loopback() {
        if !args.allow_remote {
            return Err(Failure::usage(format!(
                "refusing to listen on {addr}: the emulator's admin API has no authentication and its key is public. Use --host 127.0.0.1, or add --allow-remote if you mean it"
            )));
        }
        eprintln!(
            "warning: the emulator listens on {addr}; anyone who can reach it can read, change and reset all its data (/__emulator/ has no authentication)"
        );
    }
    // A wildcard address is not something to connect to: show loopback instead.
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    // Fail before printing anything when the port is taken.
    if let Err(e) = std::net::TcpListener::bind(addr) {
        return Err(Failure::runtime(format!(
            "cannot listen on {addr}: {e} (another emulator or program holds the port; pick one with --port)"
        )));
    }
    let url = format!("http://{shown}");
    let seed = match &config.seed {
        Seed::Empty => "no data".to_string(),
        Seed::Demo => "demo data".to_string(),
        Seed::File(p) => format!("state from {}", p.display()),
    };
    eprintln!("Clerk emulator on {url} ({seed}; Ctrl-C to stop)");
    eprintln!("  CLERK_API_URL={url}");
    // The emulator's key is a fixed, public test key, not a secret.
    eprintln!("  CLERK_SECRET_KEY={}", config.secret_key);
    eprintln!(
        "  e.g. CLERK_API_URL={url} CLERK_SECRET_KEY={} clerkctl users get-user-count",
        config.secret_key
    );
    clerk_emulator::serve(config, addr)
        .await
        .map_err(|e| Failure::runtime(format!("emulator on {addr}: {e}")))
}
