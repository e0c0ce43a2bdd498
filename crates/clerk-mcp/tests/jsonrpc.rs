//! JSON-RPC exactly, over stdio: every reproducer of the "honest, bounded failures" review,
//! sent as raw frames to the built binary.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-mcp");

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn spawn(env: &[(&str, &str)], args: &[&str]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("CLERK_SECRET_KEY")
            .env_remove("CLERK_API_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        let mut line = String::new();
        assert!(
            self.stdout.read_line(&mut line).unwrap() > 0,
            "stdout closed"
        );
        serde_json::from_str(&line).unwrap()
    }

    fn initialize(&mut self) {
        self.raw(br#"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#);
        let r = self.recv();
        assert_eq!(r["id"], "init", "{r}");
        assert!(r["result"]["serverInfo"].is_object(), "{r}");
        self.raw(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_notification_before_initialize_does_not_end_the_session() {
    let mut s = Server::spawn(&[], &["--emulator"]);
    s.raw(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    s.raw(br#"{"jsonrpc":"2.0","id":99,"result":{}}"#);
    s.initialize();
    s.raw(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#);
    assert_eq!(s.recv()["id"], 1);
}

#[test]
fn every_error_reply_carries_an_id_and_nothing_is_dropped() {
    let mut s = Server::spawn(&[], &["--emulator"]);
    s.initialize();
    let expect = |s: &mut Server, line: &[u8], code: i64, id: Value| {
        s.raw(line);
        let r = s.recv();
        let obj = r.as_object().unwrap();
        assert!(obj.contains_key("id"), "no id in {r}");
        assert_eq!(r["id"], id, "{r}");
        assert_eq!(r["error"]["code"], code, "{r}");
    };
    expect(&mut s, b"{bad", -32700, Value::Null);
    expect(
        &mut s,
        br#"{"jsonrpc":"1.0","id":12,"method":"ping"}"#,
        -32600,
        json!(12),
    );
    expect(
        &mut s,
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"\xff\"}}",
        -32700,
        Value::Null,
    );
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    expect(
        &mut s,
        format!(r#"{{"jsonrpc":"2.0","id":2,"method":"ping","params":{{"x":{deep}}}}}"#).as_bytes(),
        -32700,
        Value::Null,
    );
    expect(
        &mut s,
        br#"{"jsonrpc":"2.0","id":1e309,"method":"ping"}"#,
        -32700,
        Value::Null,
    );
    expect(
        &mut s,
        br#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
        -32600,
        Value::Null,
    );
    expect(
        &mut s,
        br#"[{"jsonrpc":"2.0","id":3,"method":"ping"}]"#,
        -32600,
        Value::Null,
    );
    expect(
        &mut s,
        br#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"getUserCount","arguments":[]}}"#,
        -32602,
        json!(4),
    );
    expect(
        &mut s,
        br#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"arguments":{}}}"#,
        -32602,
        json!(5),
    );
    expect(
        &mut s,
        br#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":7}}"#,
        -32602,
        json!(6),
    );
    // A line over the limit is answered and discarded; the session goes on.
    let mut huge = br#"{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 5 * 1024 * 1024));
    huge.extend(br#""}}"#);
    s.raw(&huge);
    let r = s.recv();
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("limit"),
        "{r}"
    );
    s.raw(br#"{"jsonrpc":"2.0","id":8,"method":"ping"}"#);
    assert_eq!(s.recv()["id"], 8);
}

#[test]
fn a_request_id_already_in_flight_is_refused_not_run_twice() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(clerk_emulator::Emulator::start(
            clerk_emulator::EmulatorConfig::default()
                .with_latency(std::time::Duration::from_millis(400)),
        ))
        .unwrap();
    let url = emulator.url();
    let mut s = Server::spawn(
        &[
            ("CLERK_SECRET_KEY", emulator.secret_key()),
            ("CLERK_API_URL", &url),
        ],
        &[],
    );
    s.initialize();
    let create = br#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"createOrganization","arguments":{"name":"Twice","slug":"twice-once"}}}"#;
    s.raw(create);
    s.raw(create);
    let first = s.recv();
    assert_eq!(first["id"], 42);
    assert_eq!(
        first["error"]["code"], -32600,
        "the duplicate is refused first: {first}"
    );
    assert!(
        first["error"]["message"]
            .as_str()
            .unwrap()
            .contains("in flight")
    );
    let second = s.recv();
    assert_eq!(second["id"], 42);
    assert_eq!(second["result"]["isError"], false, "{second}");
    let clerk = clerk_api::Client::builder(emulator.secret_key())
        .api_url(&url)
        .build()
        .unwrap();
    let orgs = runtime
        .block_on(clerk.organizations().list().query("twice-once").send())
        .unwrap();
    assert_eq!(orgs.data.len(), 1, "exactly one organization");
    // Once answered, the id may be used again.
    s.raw(br#"{"jsonrpc":"2.0","id":42,"method":"ping"}"#);
    assert_eq!(s.recv()["id"], 42);
}

#[test]
fn the_secret_key_flag_warning_is_printed_whatever_the_log_filter() {
    for filter in ["off", "error"] {
        let out = Command::new(BIN)
            .args(["--secret-key", "sk_test_not_real"])
            .env_remove("CLERK_SECRET_KEY")
            .env("CLERK_API_URL", "http://127.0.0.1:9")
            .env("CLERK_MCP_LOG", filter)
            .env("RUST_LOG", filter)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--secret-key is visible to other users"),
            "{filter}: {err}"
        );
        assert!(
            !err.contains("sk_test_not_real"),
            "the key was printed: {err}"
        );
    }
}

#[test]
fn doctor_checks_key_clerk_tools_and_a_running_server() {
    let ok = Command::new(BIN)
        .args(["doctor", "--emulator", "--read-only"])
        .env_remove("CLERK_SECRET_KEY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{err}");
    assert!(
        err.contains("tools selected") && err.contains("Clerk answers"),
        "{err}"
    );
    let bad = Command::new(BIN)
        .args(["doctor"])
        .env("CLERK_SECRET_KEY", "sk_test_abcdefghij")
        .env("CLERK_API_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{err}");
    assert!(
        err.contains("FAIL") && err.contains("check CLERK_API_URL"),
        "{err}"
    );
    assert!(!err.contains("abcdefghij"), "the key was printed");

    // A running HTTP server's health.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(BIN)
        .args(["--http", &format!("127.0.0.1:{port}"), "--emulator"])
        .env_remove("CLERK_SECRET_KEY")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let mut out = None;
    for _ in 0..50 {
        let o = Command::new(BIN)
            .args(["doctor", "--emulator", "--url", &url])
            .env_remove("CLERK_SECRET_KEY")
            .output()
            .unwrap();
        if o.status.success() {
            out = Some(o);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    let o = out.expect("doctor passes against the running server");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/health: status \"ok\", mode \"hosted\""),
        "{err}"
    );
}
