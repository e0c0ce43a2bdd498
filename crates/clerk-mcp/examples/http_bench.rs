//! HTTP benchmark: tool calls per second and p50/p99 latency with 1, 8 and 32 concurrent
//! clients against `clerk-mcp --http … --emulator` over loopback, in both protocol eras; and
//! the server's resident memory idle, under load, and with 1,000 open legacy sessions.
//!
//! ```text
//! cargo build --release -p clerk-mcp
//! cargo run --release -p clerk-mcp --example http_bench [-- CALLS_PER_LEVEL]
//! ```
//!
//! It prints figures; it asserts nothing about speed. The emulator runs inside the measured
//! process (so its memory counts), on the same 2 cores as the load generator.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TARGET: &str = "target/release/clerk-mcp";

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"}
    })
}

async fn modern_call(http: &reqwest::Client, url: &str, user: &str) -> bool {
    let body = json!({"jsonrpc":"2.0","id":1,"method":"tools/call",
        "params":{"name":"getUser","arguments":{"userId":user},"_meta":meta()}});
    match http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "getUser")
        .body(body.to_string())
        .send()
        .await
    {
        Ok(r) => {
            r.status().is_success()
                && r.text()
                    .await
                    .is_ok_and(|t| t.contains("\"isError\":false"))
        }
        Err(_) => false,
    }
}

async fn legacy_session(http: &reqwest::Client, url: &str) -> Option<String> {
    let r = http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}).to_string())
        .send()
        .await
        .ok()?;
    let id = r
        .headers()
        .get("mcp-session-id")?
        .to_str()
        .ok()?
        .to_string();
    let _ = r.text().await;
    let r = http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-11-25")
        .body(json!({"jsonrpc":"2.0","method":"notifications/initialized"}).to_string())
        .send()
        .await
        .ok()?;
    let _ = r.text().await;
    Some(id)
}

async fn legacy_call(http: &reqwest::Client, url: &str, session: &str, user: &str) -> bool {
    let body = json!({"jsonrpc":"2.0","id":2,"method":"tools/call",
        "params":{"name":"getUser","arguments":{"userId":user}}});
    match http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-session-id", session)
        .header("mcp-protocol-version", "2025-11-25")
        .body(body.to_string())
        .send()
        .await
    {
        Ok(r) => {
            r.status().is_success()
                && r.text()
                    .await
                    .is_ok_and(|t| t.contains("\"isError\":false"))
        }
        Err(_) => false,
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run_level(
    era: &str,
    clients: usize,
    calls: usize,
    url: Arc<String>,
    user: Arc<String>,
    pid: u32,
) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let per_client = calls.div_ceil(clients);
    let mut sessions = Vec::new();
    if era == "2025-11-25" {
        for _ in 0..clients {
            sessions.push(legacy_session(&http, &url).await.expect("session"));
        }
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let http = http.clone();
        let url = url.clone();
        let user = user.clone();
        let session = sessions.get(c).cloned();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            let mut failed = 0usize;
            for _ in 0..per_client {
                let t = Instant::now();
                let ok = match &session {
                    Some(s) => legacy_call(&http, &url, s, &user).await,
                    None => modern_call(&http, &url, &user).await,
                };
                lat.push(t.elapsed());
                if !ok {
                    failed += 1;
                }
            }
            (lat, failed)
        }));
    }
    let mut all = Vec::new();
    let mut failed = 0;
    let mut peak = 0;
    for t in tasks {
        let (lat, f) = t.await.unwrap();
        all.extend(lat);
        failed += f;
        peak = peak.max(rss_kb(pid, "VmRSS:"));
    }
    let elapsed = started.elapsed();
    all.sort();
    println!(
        "{era:>10}  {clients:>3} clients  {:>6} calls  {:>7.0} calls/s  p50 {:>6.2} ms  p99 {:>6.2} ms  failed {failed}  RSS {:.1} MB",
        all.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(&all, 0.50),
        pct(&all, 0.99),
        peak as f64 / 1024.0
    );
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(6000);
    let bin = std::env::var("CLERK_MCP_BIN").unwrap_or_else(|_| TARGET.to_string());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new(&bin)
        .args(["--http", &format!("127.0.0.1:{port}"), "--emulator"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e} (cargo build --release -p clerk-mcp)"));
    let server = Kill(child);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(format!("{base}/health")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let url = Arc::new(format!("{base}/mcp"));
    // A real user id from the demo data.
    let list = json!({"jsonrpc":"2.0","id":1,"method":"tools/call",
        "params":{"name":"getUserList","arguments":{"limit":1},"_meta":meta()}});
    let text = http
        .post(url.as_str())
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "getUserList")
        .body(list.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let user = Arc::new(
        v["result"]["structuredContent"]["data"][0]["id"]
            .as_str()
            .expect("a demo user")
            .to_string(),
    );
    println!("clerk-mcp HTTP benchmark ({bin}, getUser against the embedded emulator, loopback)");
    println!("idle RSS: {:.1} MB", rss_kb(pid, "VmRSS:") as f64 / 1024.0);
    for era in ["2026-07-28", "2025-11-25"] {
        for clients in [1, 8, 32] {
            let n = if clients == 1 { calls / 4 } else { calls };
            run_level(era, clients, n, url.clone(), user.clone(), pid).await;
        }
    }
    println!(
        "peak RSS under load (VmHWM): {:.1} MB",
        rss_kb(pid, "VmHWM:") as f64 / 1024.0
    );
    let before = rss_kb(pid, "VmRSS:");
    let http = reqwest::Client::new();
    let mut opened = 0;
    for _ in 0..1000 {
        if legacy_session(&http, &url).await.is_some() {
            opened += 1;
        }
    }
    let after = rss_kb(pid, "VmRSS:");
    println!(
        "{opened} open legacy sessions: RSS {:.1} MB ({:+.1} MB, {:.1} KB per session)",
        after as f64 / 1024.0,
        (after as f64 - before as f64) / 1024.0,
        (after as f64 - before as f64) / opened.max(1) as f64
    );
}
