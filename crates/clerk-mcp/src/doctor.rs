//! `clerk-mcp doctor`: checks the set-up a server would run with and says what to fix.

use std::time::Duration;

use clerk_tools::connect::{ConnectOptions, connect};
use clerk_tools::{Registry, ToolkitOptions};

/// One finding.
struct Check {
    ok: bool,
    what: String,
}

fn report(checks: &[Check]) -> bool {
    for c in checks {
        eprintln!("{} {}", if c.ok { "  ok  " } else { "  FAIL" }, c.what);
    }
    checks.iter().all(|c| c.ok)
}

/// Runs the checks; true when everything is fine.
pub async fn run(options: ConnectOptions, tools: ToolkitOptions, url: Option<String>) -> bool {
    let mut checks = Vec::new();
    eprintln!("clerk-mcp doctor");
    // The tools the flags select.
    match Registry::new(tools) {
        Ok(r) => checks.push(Check {
            ok: !r.tools().is_empty(),
            what: format!(
                "{} tools selected by --tools / --read-only / --max-risk{}",
                r.tools().len(),
                if r.tools().is_empty() {
                    ": none; loosen the flags"
                } else {
                    ""
                }
            ),
        }),
        Err(e) => checks.push(Check {
            ok: false,
            what: e.to_string(),
        }),
    }
    // The key and Clerk.
    match connect(&options).await {
        Err(e) => checks.push(Check {
            ok: false,
            what: format!("Clerk key: {e}"),
        }),
        Ok(conn) => {
            let fp = conn.client.key_fingerprint();
            let instance = if conn.emulator_url.is_some() {
                "the embedded emulator".to_string()
            } else if fp.starts_with("sk_live") {
                "a production instance (sk_live_…)".to_string()
            } else {
                "a development instance (sk_test_…)".to_string()
            };
            checks.push(Check {
                ok: true,
                what: format!("key {fp} for {instance}, API {}", conn.client.base_url()),
            });
            match tokio::time::timeout(Duration::from_secs(10), conn.client.users().count()).await
            {
                Ok(Ok(n)) => checks.push(Check {
                    ok: true,
                    what: format!("Clerk answers with this key ({n} users)"),
                }),
                Ok(Err(e)) => checks.push(Check {
                    ok: false,
                    what: format!(
                        "Clerk did not accept the request: {e}{}",
                        match e.as_api().map(|a| a.status) {
                            Some(401) => " — check CLERK_SECRET_KEY: it is not a key of this instance",
                            Some(_) => "",
                            None => " — check CLERK_API_URL and the network",
                        }
                    ),
                }),
                Err(_) => checks.push(Check {
                    ok: false,
                    what: format!(
                        "Clerk did not answer within 10 s at {}: check CLERK_API_URL and the network",
                        conn.client.base_url()
                    ),
                }),
            }
        }
    }
    // A running HTTP server.
    if let Some(url) = url {
        clerk_api::install_crypto_provider();
        let health = format!(
            "{}/health",
            url.trim_end_matches('/').trim_end_matches("/mcp")
        );
        let answer = async {
            let r = reqwest::Client::new().get(&health).send().await?;
            r.json::<serde_json::Value>().await
        };
        match tokio::time::timeout(Duration::from_secs(10), answer).await {
            Ok(Ok(v)) => {
                let connected = v["clerkConnected"].as_bool();
                checks.push(Check {
                    ok: v["status"] == "ok" && connected != Some(false),
                    what: format!(
                        "{health}: status {}, mode {}, clerkConnected {}, {} tools",
                        v["status"], v["mode"], v["clerkConnected"], v["tools"]
                    ),
                });
            }
            Ok(Err(e)) => checks.push(Check {
                ok: false,
                what: format!(
                    "{health}: {e} (is clerk-mcp --http running there? is the Host allowed?)"
                ),
            }),
            Err(_) => checks.push(Check {
                ok: false,
                what: format!("{health} did not answer within 10 s"),
            }),
        }
    }
    report(&checks)
}
