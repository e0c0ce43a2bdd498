//! Benchmark of the `clerk-mcp` binary; prints figures, asserts nothing.
//!
//! ```text
//! cargo build --release -p clerk-mcp
//! cargo run --release -p clerk-mcp --example bench [-- path/to/clerk-mcp [runs]]
//! ```
//!
//! Measures, over stdio with raw JSON-RPC:
//! * spawn → `tools/list` answered (initialize, initialized, tools/list), median of N runs,
//!   without and with the embedded emulator;
//! * peak RSS (VmHWM) after listing and 20 tool calls, with clerk-mcp pointed at an emulator
//!   running in this bench process (as it would point at Clerk: the server holds only client
//!   code), and also with `--emulator` (the emulator inside the server process);
//! * median / p90 tool-call latency (`getUser`) against that local backend;
//! * `tools/list` size in bytes, in all and per tool: the default (core) toolsets,
//!   `--toolsets all` and `--dynamic --toolsets all`;
//! * `getUserList` result bytes per user, summary (the default) and `view: "full"`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Proc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Proc {
    fn spawn(bin: &str, args: &[&str]) -> Proc {
        Self::spawn_env(bin, args, &[("CLERK_SECRET_KEY", "sk_test_bench")])
    }

    fn spawn_env(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Proc {
        let mut child = Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn clerk-mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Proc {
            child,
            stdin,
            stdout,
        }
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> (Value, usize) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self.recv_line();
            let v: Value = serde_json::from_str(&line).expect("JSON line");
            if v["id"] == json!(id) {
                return (v, line.trim_end().len());
            }
        }
    }

    fn handshake(&mut self) {
        self.request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}),
        );
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    }

    fn vm_hwm_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    fn close(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn startup(bin: &str, args: &[&str], runs: usize) -> (f64, f64, f64) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let mut p = Proc::spawn(bin, args);
        p.handshake();
        p.request(1, "tools/list", json!({}));
        times.push(ms(t.elapsed()));
        p.close();
    }
    let (lo, hi) = (pct(&mut times, 0.1), pct(&mut times, 0.9));
    (median(&mut times), lo, hi)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bin = args
        .first()
        .cloned()
        .unwrap_or_else(|| "target/release/clerk-mcp".into());
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    assert!(
        std::path::Path::new(&bin).exists(),
        "{bin} not found: cargo build --release -p clerk-mcp"
    );
    println!(
        "clerk-mcp benchmark: {bin}, {runs} runs, {} CPUs",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    let (m, lo, hi) = startup(&bin, &[], runs);
    println!(
        "spawn -> tools/list answered            median {m:6.2} ms  (p10 {lo:.2}, p90 {hi:.2})"
    );
    let (m, lo, hi) = startup(&bin, &["--emulator"], runs);
    println!(
        "spawn -> tools/list answered, --emulator median {m:6.2} ms  (p10 {lo:.2}, p90 {hi:.2})"
    );

    // A local backend in this process, like a remote Clerk would be.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emulator = rt
        .block_on(clerk_emulator::Emulator::start(
            clerk_emulator::EmulatorConfig::default(),
        ))
        .expect("emulator");
    let url = emulator.url();
    let mut p = Proc::spawn_env(
        &bin,
        &[],
        &[
            ("CLERK_SECRET_KEY", emulator.secret_key()),
            ("CLERK_API_URL", &url),
        ],
    );
    let (list_bytes, tool_count, rss, rss_after, mut lat) = session(&mut p);
    p.close();
    let mut q = Proc::spawn(&bin, &["--emulator"]);
    let (_, _, rss_embedded, _, _) = session(&mut q);
    q.close();
    let (med, p90) = (median(&mut lat), pct(&mut lat, 0.9));
    let mb = |kb: Option<u64>| kb.unwrap_or(0) as f64 / 1024.0;
    println!(
        "peak RSS (VmHWM) after list + 20 calls     {:6.2} MB  (after 320 calls: {:.2} MB; with --emulator inside: {:.2} MB)",
        mb(rss),
        mb(rss_after),
        mb(rss_embedded)
    );
    println!("getUser tool call, local backend          median {med:6.3} ms  (p90 {p90:.3})");
    println!(
        "tools/list                                {} tools, {} bytes, {:.0} bytes per tool",
        tool_count,
        list_bytes,
        list_bytes as f64 / tool_count as f64
    );
    list_sizes(&bin);
    large_frames(&bin);
}

/// `tools/list` of the whole surface, directly and in dynamic mode, and the size of a list
/// result per user in both views (on the embedded emulator's 50 demo users).
fn list_sizes(bin: &str) {
    for (label, args) in [
        (
            "tools/list, --toolsets all           ",
            &["--toolsets", "all"][..],
        ),
        (
            "tools/list, --dynamic --toolsets all ",
            &["--dynamic", "--toolsets", "all"][..],
        ),
    ] {
        let mut p = Proc::spawn(bin, &[&["--emulator"][..], args].concat());
        p.handshake();
        let (list, bytes) = p.request(1, "tools/list", json!({}));
        let n = list["result"]["tools"].as_array().map_or(0, Vec::len);
        if args.contains(&"--dynamic") {
            println!("{label}     {n} meta-tools, {bytes} bytes for the whole surface");
        } else {
            println!(
                "{label}     {n} tools, {bytes} bytes, {:.0} bytes per tool",
                bytes as f64 / n.max(1) as f64
            );
        }
        p.close();
    }
    let mut p = Proc::spawn(bin, &["--emulator"]);
    p.handshake();
    let mut per_user = Vec::new();
    for (i, view) in ["summary", "full"].into_iter().enumerate() {
        let (r, _) = p.request(
            2 + i as u64,
            "tools/call",
            json!({"name": "getUserList", "arguments": {"limit": 50, "view": view}}),
        );
        let users = r["result"]["structuredContent"]["data"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let bytes: usize = users.iter().map(|u| u.to_string().len()).sum();
        per_user.push((users.len(), bytes / users.len().max(1)));
    }
    p.close();
    println!(
        "getUserList result per user ({} users)  summary {} B, view full {} B",
        per_user[0].0, per_user[0].1, per_user[1].1
    );
}

/// Resident memory before and after a burst of large stdin lines (3 MiB each, under the 4 MiB
/// limit, then one of 100 MB over it), read from /proc after the answers came.
fn large_frames(bin: &str) {
    let rss = |pid: u32| -> f64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<f64>().ok())
            })
            .unwrap_or(0.0)
            / 1024.0
    };
    let mut p = Proc::spawn(bin, &["--emulator"]);
    p.handshake();
    let pid = p.child.id();
    let idle = rss(pid);
    let big = "a".repeat(3 * 1024 * 1024);
    for i in 0..20u64 {
        let (_, _) = p.request(100 + i, "ping", json!({"pad": big}));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after_burst = rss(pid);
    let huge = "a".repeat(100 * 1024 * 1024);
    let line =
        format!(r#"{{"jsonrpc":"2.0","id":200,"method":"ping","params":{{"pad":"{huge}"}}}}"#);
    p.stdin.write_all(line.as_bytes()).unwrap();
    p.stdin.write_all(b"\n").unwrap();
    p.stdin.flush().unwrap();
    let _ = p.recv_line();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after_huge = rss(pid);
    println!(
        "stdin frames: RSS idle {idle:.1} MB, after 20 x 3 MiB lines {after_burst:.1} MB, after a 100 MB line (refused) {after_huge:.1} MB"
    );
    p.close();
}

/// initialize, tools/list, 20 getUser calls (RSS read), then 300 timed getUser calls.
fn session(p: &mut Proc) -> (usize, usize, Option<u64>, Option<u64>, Vec<f64>) {
    p.handshake();
    let (list, list_bytes) = p.request(1, "tools/list", json!({}));
    let tool_count = list["result"]["tools"].as_array().unwrap().len();
    let users = p
        .request(
            2,
            "tools/call",
            json!({"name": "getUserList", "arguments": {"limit": 20}}),
        )
        .0;
    let ids: Vec<String> = users["result"]["structuredContent"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    for (i, id) in ids.iter().enumerate().take(20) {
        p.request(
            10 + i as u64,
            "tools/call",
            json!({"name": "getUser", "arguments": {"userId": id}}),
        );
    }
    let rss = p.vm_hwm_kb();
    let mut lat = Vec::new();
    for i in 0..300u64 {
        let id = &ids[i as usize % ids.len()];
        let t = Instant::now();
        let (r, _) = p.request(
            100 + i,
            "tools/call",
            json!({"name": "getUser", "arguments": {"userId": id}}),
        );
        lat.push(ms(t.elapsed()));
        assert_eq!(r["result"]["isError"], false);
    }
    (list_bytes, tool_count, rss, p.vm_hwm_kb(), lat)
}
