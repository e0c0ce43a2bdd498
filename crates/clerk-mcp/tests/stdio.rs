//! Drives the built `clerk-mcp` binary over stdio with raw JSON-RPC lines, as an MCP client
//! would: protocol negotiation for every revision, the 2026-07-28 stateless form, the
//! `tools/list` snapshot, tool calls on the embedded emulator, errors and lifecycle.

mod support;

use std::process::{Command, Stdio};

use serde_json::{Value, json};
use support::*;

#[test]
fn negotiates_every_legacy_revision() {
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let mut s = Server::spawn(&[], &[("CLERK_SECRET_KEY", "sk_test_notarealkey")]);
        let r = s.initialize(version);
        assert_eq!(r["result"]["protocolVersion"], version);
        assert_eq!(r["result"]["serverInfo"]["name"], "clerk-mcp");
        assert!(r["result"]["capabilities"]["tools"].is_object());
        assert!(s.close().success());
    }
}

#[test]
fn serves_the_stateless_2026_form() {
    let mut s = Server::spawn(&[], &[("CLERK_SECRET_KEY", "sk_test_notarealkey")]);
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "0"}
    });
    let d = s.request(1, "server/discover", json!({"_meta": meta}));
    let supported = d["result"]["supportedVersions"]
        .as_array()
        .expect("supportedVersions");
    assert!(supported.contains(&json!("2026-07-28")), "{d}");
    let l = s.request(2, "tools/list", json!({"_meta": meta}));
    assert!(l["result"]["tools"].as_array().unwrap().len() >= 38, "{l}");
    assert_eq!(l["result"]["resultType"], "complete");
    assert!(s.close().success());
}

#[test]
fn tools_list_matches_the_checked_in_snapshot() {
    let mut s = Server::spawn(&[], &[("CLERK_SECRET_KEY", "sk_test_notarealkey")]);
    s.initialize("2025-11-25");
    let r = s.request(1, "tools/list", json!({}));
    let got = serde_json::to_string_pretty(&r["result"]).unwrap() + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/tools_list.json"
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        got == want,
        "tools/list changed; review and run `UPDATE_SNAPSHOTS=1 cargo test -p clerk-mcp --test stdio` to accept"
    );
    // Every tool is fully described.
    for t in r["result"]["tools"].as_array().unwrap() {
        for key in [
            "name",
            "title",
            "description",
            "inputSchema",
            "outputSchema",
            "annotations",
        ] {
            assert!(t.get(key).is_some(), "{} lacks {key}", t["name"]);
        }
    }
    assert!(s.close().success());
}

#[test]
fn calls_read_and_write_tools_on_the_emulator() {
    let mut s = Server::emulator();
    s.initialize("2025-11-25");
    let count = s.call(1, "getUserCount", json!({}));
    let total = structured(&count)["totalCount"].as_u64().unwrap();
    assert!(total >= 40, "demo seed has ~50 users, got {total}");
    // Same JSON as text, for clients without structured content.
    let text: Value = serde_json::from_str(count["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(&text, structured(&count));

    let created = s.call(
        2,
        "createOrganization",
        json!({"name": "Interop Test Org", "slug": "interop-test-org"}),
    );
    let org = structured(&created).clone();
    assert_eq!(org["slug"], "interop-test-org");
    let by_slug = s.call(3, "getOrganization", json!({"slug": "interop-test-org"}));
    assert_eq!(structured(&by_slug)["id"], org["id"]);

    // Destructive: the first call only asks (this client cannot elicit), naming the target.
    let asked = s.call(
        4,
        "deleteOrganization",
        json!({"organizationId": org["id"]}),
    );
    assert_eq!(asked["isError"], true, "{asked}");
    let question = &asked["structuredContent"];
    assert_eq!(question["error"], "confirmation_required");
    assert!(
        question["prompt"]
            .as_str()
            .unwrap()
            .starts_with("Delete organization Interop Test Org"),
        "{question}"
    );
    let still_there = s.call(40, "getOrganization", json!({"organizationId": org["id"]}));
    assert_eq!(structured(&still_there)["id"], org["id"]);
    let deleted = s.call(
        41,
        "deleteOrganization",
        json!({"organizationId": org["id"], "confirm": question["confirm"]}),
    );
    assert_eq!(structured(&deleted)["deleted"], true);
    let gone = s.call(5, "getOrganization", json!({"organizationId": org["id"]}));
    assert_eq!(gone["isError"], true);
    let msg = gone["content"][0]["text"].as_str().unwrap();
    assert!(
        msg.contains("404") && msg.contains("resource_not_found"),
        "{msg}"
    );
    assert!(s.close().success());
}

#[test]
fn invalid_arguments_are_tool_errors_naming_each_field() {
    let mut s = Server::emulator();
    s.initialize("2025-11-25");
    let r = s.call(1, "getUserList", json!({"limit": 900, "bogus": true}));
    assert_eq!(r["isError"], true);
    let msg = r["content"][0]["text"].as_str().unwrap();
    assert!(msg.contains("limit") && msg.contains("bogus"), "{msg}");
    let r = s.call(2, "getUser", json!({}));
    assert!(r["content"][0]["text"].as_str().unwrap().contains("userId"));
    assert!(s.close().success());
}

#[test]
fn unknown_tool_is_a_jsonrpc_invalid_params_error() {
    let mut s = Server::spawn(&[], &[("CLERK_SECRET_KEY", "sk_test_notarealkey")]);
    s.initialize("2025-11-25");
    let r = s.request(
        1,
        "tools/call",
        json!({"name": "listUsers", "arguments": {}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("listUsers")
    );
    assert!(s.close().success());
}

#[test]
fn malformed_line_gets_a_parse_error_and_the_session_goes_on() {
    let mut s = Server::spawn(&[], &[("CLERK_SECRET_KEY", "sk_test_notarealkey")]);
    s.initialize("2025-11-25");
    s.send("{this is not json");
    let err = s.recv();
    assert_eq!(err["error"]["code"], -32700, "{err}");
    assert!(err["id"].is_null());
    let r = s.request(7, "tools/list", json!({}));
    assert!(r["result"]["tools"].is_array());
    assert!(s.close().success());
}

#[test]
fn read_only_and_tools_flags_scope_the_list() {
    let mut s = Server::spawn(
        &["--read-only", "--tools", "users"],
        &[("CLERK_SECRET_KEY", "sk_test_notarealkey")],
    );
    s.initialize("2025-11-25");
    let r = s.request(1, "tools/list", json!({}));
    let names: Vec<&str> = r["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"getUser") && names.contains(&"getUserList"));
    assert!(
        !names.contains(&"deleteUser") && !names.contains(&"getOrganization"),
        "{names:?}"
    );
    for t in r["result"]["tools"].as_array().unwrap() {
        assert_eq!(t["annotations"]["readOnlyHint"], true);
    }
    assert!(s.close().success());
}

#[test]
fn stops_at_once_without_a_key() {
    let out = Command::new(BIN)
        .env_remove("CLERK_SECRET_KEY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "stdout must carry protocol messages only"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("CLERK_SECRET_KEY") && err.contains("--emulator"),
        "{err}"
    );
}

#[test]
fn bad_tools_pattern_stops_start_up_naming_it() {
    let out = Command::new(BIN)
        .args(["--tools", "users.nope*"])
        .env("CLERK_SECRET_KEY", "sk_test_notarealkey")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("users.nope*") && err.contains("organizations"),
        "{err}"
    );
}

#[test]
fn secret_key_flag_warns_and_is_never_printed() {
    let secret = "sk_test_VERYSECRETflagvalue";
    let mut s = Server::spawn(
        &["--secret-key", secret, "--api-url", "http://127.0.0.1:9"],
        &[("CLERK_MCP_LOG", "debug")],
    );
    s.initialize("2025-11-25");
    let r = s.call(1, "getUser", json!({"userId": "user_x"}));
    // Nothing listens there: a transport error, which must not carry the secret.
    assert_eq!(r["isError"], true);
    assert!(
        r["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("could not reach Clerk")
    );
    assert!(!r.to_string().contains("VERYSECRET"));
    drop(s.stdin.take());
    let out = s.child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--secret-key is visible"), "{err}");
    assert!(!err.contains("VERYSECRET"), "secret leaked to stderr");
}
