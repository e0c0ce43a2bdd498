//! The Streamable HTTP front-end, in process, against the emulator: both protocol eras, key
//! modes, token, Host checks, health, panics and graceful shutdown.

use std::sync::Arc;
use std::time::Duration;

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use clerk_mcp::http::{self, HttpOptions, KeyMode};
use clerk_tools::{
    Annotations, Category, Output, Pipeline, Registry, Tool, ToolkitOptions, TypedTool,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;

struct Server {
    url: String,
    emulator: Emulator,
    /// The MCP server behind the router (its in-flight count).
    mcp: clerk_mcp::ClerkServer,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn shutdown(mut self) -> std::io::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        self.done.await.unwrap()
    }
}

fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn start(options: HttpOptions, extra_tools: Vec<Arc<dyn Tool>>) -> Server {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let key = match options.mode {
        KeyMode::Hosted => emulator.secret_key().to_string(),
        KeyMode::Public => String::new(),
    };
    let client = Client::builder(key)
        .api_url(emulator.url())
        .build()
        .unwrap();
    let mut tools = clerk_tools::tools::all();
    tools.extend(extra_tools);
    let pipeline = Pipeline::new(Registry::from_tools(tools, ToolkitOptions::default()).unwrap());
    let app = http::app(pipeline, client, options);
    let mcp = app.server.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let done = tokio::spawn(http::serve(
        listener,
        app,
        async {
            let _ = rx.await;
        },
        Duration::from_secs(5),
    ));
    Server {
        url,
        emulator,
        mcp,
        stop: Some(tx),
        done,
    }
}

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "http-test", "version": "1"}
    })
}

/// The JSON-RPC message of a JSON or SSE response.
async fn rpc_body(response: reqwest::Response) -> Value {
    let is_sse = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let text = response.text().await.unwrap();
    if !is_sse {
        return serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .rfind(|v| v.get("id").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC response in {text}"))
}

/// A stateless 2026-07-28 `tools/call`.
fn modern_call(
    http: &reqwest::Client,
    url: &str,
    tool: &str,
    arguments: Value,
) -> reqwest::RequestBuilder {
    http.post(format!("{url}/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .body(
            json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                   "params": {"name": tool, "arguments": arguments, "_meta": meta()}})
            .to_string(),
        )
}

fn modern_list(http: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
    http.post(format!("{url}/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .body(
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"_meta": meta()}})
                .to_string(),
        )
}

#[tokio::test]
async fn hosted_mode_serves_both_eras_and_health() {
    let server = start(HttpOptions::default(), vec![]).await;
    let http = http_client();

    let health: Value = http
        .get(format!("{}/health", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["mode"], "hosted");
    assert_eq!(health["clerkConnected"], true);
    assert_eq!(health["tools"], 38);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));

    // 2026-07-28: stateless, no session.
    let response = modern_call(&http, &server.url, "getUserCount", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());
    assert!(response.headers().get("x-request-id").is_some());
    let body = rpc_body(response).await;
    assert!(
        body["result"]["structuredContent"]["totalCount"]
            .as_u64()
            .unwrap()
            > 0,
        "{body}"
    );

    // A tool error carries structured content beside the text.
    let body = rpc_body(
        modern_call(
            &http,
            &server.url,
            "getUser",
            json!({"userId": "user_nobody"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let result = &body["result"];
    assert_eq!(result["isError"], true, "{body}");
    assert_eq!(result["structuredContent"]["error"], "clerk_api_error");
    assert_eq!(result["structuredContent"]["clerkStatus"], 404);
    assert_eq!(
        result["structuredContent"]["clerkCode"],
        "resource_not_found"
    );

    // 2025-11-25: a session.
    let response = http
        .post(format!("{}/mcp", server.url))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}).to_string())
        .send()
        .await
        .unwrap();
    let session = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let init = rpc_body(response).await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    let post = |body: Value| {
        http.post(format!("{}/mcp", server.url))
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", "2025-11-25")
            .body(body.to_string())
            .send()
    };
    let r = post(json!({"jsonrpc":"2.0","method":"notifications/initialized"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let body = rpc_body(
        post(json!({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"createOrganization","arguments":{"name":"Http Test Org","slug":"http-test-org"}}}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["isError"], false, "{body}");
    let id = body["result"]["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Read back through the other era.
    let body = rpc_body(
        modern_call(
            &http,
            &server.url,
            "getOrganization",
            json!({"slug": "http-test-org"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["structuredContent"]["id"], id.as_str());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn public_mode_takes_the_key_per_request() {
    let server = start(
        HttpOptions {
            mode: KeyMode::Public,
            ..Default::default()
        },
        vec![],
    )
    .await;
    let http = http_client();
    let key = server.emulator.secret_key().to_string();

    let health: Value = http
        .get(format!("{}/health", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["mode"], "public");
    assert_eq!(health["clerkConnected"], Value::Null);

    let r = modern_call(&http, &server.url, "getUserCount", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "missing_secret_key");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("X-Clerk-Secret-Key")
    );

    let r = modern_call(&http, &server.url, "getUserCount", json!({}))
        .header("x-clerk-secret-key", "pk_test_bm90LWEta2V5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let text = r.text().await.unwrap();
    assert!(text.contains("invalid_secret_key"), "{text}");
    assert!(
        !text.contains("pk_test_bm90LWEta2V5"),
        "the key is echoed: {text}"
    );

    let body = rpc_body(
        modern_call(&http, &server.url, "getUserCount", json!({}))
            .header("x-clerk-secret-key", &key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        body["result"]["structuredContent"]["totalCount"]
            .as_u64()
            .unwrap()
            > 0
    );

    // Another tenant's (here: a wrong) key reaches Clerk as that tenant and fails there.
    let wrong = "sk_test_some_other_instance_key";
    let body = rpc_body(
        modern_call(&http, &server.url, "getUserCount", json!({}))
            .header("x-clerk-secret-key", wrong)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["isError"], true, "{body}");
    assert_eq!(body["result"]["structuredContent"]["clerkStatus"], 401);
    assert!(
        !body.to_string().contains(wrong),
        "the key is echoed: {body}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn token_and_host_protect_the_endpoint() {
    let server = start(
        HttpOptions {
            token: Some("t0ken-for-tests".to_string().into()),
            allowed_hosts: vec!["mcp.example.test".into()],
            ..Default::default()
        },
        vec![],
    )
    .await;
    let http = http_client();

    let r = modern_list(&http, &server.url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = modern_list(&http, &server.url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let body = rpc_body(
        modern_list(&http, &server.url)
            .bearer_auth("t0ken-for-tests")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["tools"].as_array().unwrap().len(), 38);

    for path in ["/mcp", "/health"] {
        let r = http
            .post(format!("{}{path}", server.url))
            .header("host", "evil.example")
            .bearer_auth("t0ken-for-tests")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "forbidden_host");
    }
    let r = http
        .get(format!("{}/health", server.url))
        .header("host", "mcp.example.test:443")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A browser page on another origin is refused.
    let r = modern_list(&http, &server.url)
        .bearer_auth("t0ken-for-tests")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    server.shutdown().await.unwrap();
}

#[derive(Deserialize, JsonSchema)]
struct Millis {
    ms: Option<u64>,
}

fn test_tool(name: &'static str) -> Arc<dyn Tool> {
    Arc::new(TypedTool::new(
        name,
        Category::Users,
        "Test",
        "A test tool.",
        Annotations::READ,
        Output::Object("thing"),
        move |_ctx, i: Millis| async move {
            if name == "explode" {
                panic!("a bug in a tool");
            }
            tokio::time::sleep(Duration::from_millis(i.ms.unwrap_or(0))).await;
            Ok(json!({"slept": i.ms.unwrap_or(0)}))
        },
    ))
}

#[tokio::test]
async fn a_panic_fails_one_call_and_shutdown_finishes_in_flight_calls() {
    let server = start(
        HttpOptions::default(),
        vec![test_tool("explode"), test_tool("sleepy")],
    )
    .await;
    let http = http_client();
    let body = rpc_body(
        modern_call(&http, &server.url, "explode", json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["isError"], true);
    assert_eq!(body["result"]["structuredContent"]["error"], "internal");
    // The server goes on.
    let body = rpc_body(
        modern_call(&http, &server.url, "getUserCount", json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["result"]["isError"], false);

    // A call in flight when shutdown starts still gets its answer.
    let slow = tokio::spawn(modern_call(&http, &server.url, "sleepy", json!({"ms": 600})).send());
    // Shut down as soon as the server holds the request (it may not have reached the tool).
    let waiting = std::time::Instant::now();
    while server.mcp.in_flight() == 0 {
        assert!(
            waiting.elapsed() < Duration::from_secs(5),
            "the call never arrived"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let url = server.url.clone();
    let started = std::time::Instant::now();
    let stopping = tokio::spawn(server.shutdown());
    let response = slow.await.unwrap().unwrap();
    let body = rpc_body(response).await;
    assert_eq!(body["result"]["structuredContent"]["slept"], 600, "{body}");
    stopping.await.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    // And nothing listens any more.
    assert!(http.get(format!("{url}/health")).send().await.is_err());
}

#[test]
fn hosted_mode_on_a_public_address_without_auth_refuses_to_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clerk-mcp"))
        .args(["--http", "0.0.0.0:0", "--emulator"])
        .env_remove("CLERK_MCP_HTTP_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-unauthenticated"), "{err}");
    assert!(err.contains("CLERK_MCP_HTTP_TOKEN"), "{err}");
}

#[test]
fn a_token_file_readable_by_others_is_refused() {
    let dir = std::env::temp_dir().join(format!("clerk-mcp-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, "abc").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clerk-mcp"))
            .args(["--http", "127.0.0.1:0", "--emulator", "--http-token-file"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stateless 2026-07-28 request of any method; `name` is the `Mcp-Name` header.
fn modern_request(
    http: &reqwest::Client,
    url: &str,
    method: &str,
    name: Option<&str>,
    mut params: Value,
) -> reqwest::RequestBuilder {
    params["_meta"] = meta();
    let mut r = http
        .post(format!("{url}/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = name {
        r = r.header("mcp-name", name);
    }
    r.body(json!({"jsonrpc": "2.0", "id": 9, "method": method, "params": params}).to_string())
}

#[tokio::test]
async fn resources_completion_and_prompts_use_the_request_context() {
    let server = start(
        HttpOptions {
            mode: KeyMode::Public,
            ..Default::default()
        },
        vec![],
    )
    .await;
    let http = http_client();
    let key = server.emulator.secret_key().to_string();
    let send = |method: &str, name: Option<&str>, params: Value| {
        modern_request(&http, &server.url, method, name, params)
            .header("x-clerk-secret-key", &key)
            .send()
    };

    let t = rpc_body(
        send("resources/templates/list", None, json!({}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        t["result"]["resourceTemplates"].as_array().unwrap().len(),
        3,
        "{t}"
    );
    let uri = "clerk://organizations/globex";
    let r = rpc_body(
        send("resources/read", Some(uri), json!({"uri": uri}))
            .await
            .unwrap(),
    )
    .await;
    let org: Value =
        serde_json::from_str(r["result"]["contents"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(org["slug"], "globex", "{r}");
    let c = rpc_body(
        send(
            "completion/complete",
            None,
            json!({"ref": {"type": "ref/resource", "uri": "clerk://organizations/{slugOrId}"},
                   "argument": {"name": "slugOrId", "value": "glo"}}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        c["result"]["completion"]["values"],
        json!(["globex"]),
        "{c}"
    );
    let p = rpc_body(
        send(
            "prompts/get",
            Some("investigate-sessions"),
            json!({"name": "investigate-sessions", "arguments": {"userId": "user_1"}}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert!(
        p["result"]["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("`getSessionList` (userId \"user_1\""),
        "{p}"
    );

    // Without the per-request key nothing is read.
    let r = modern_request(
        &http,
        &server.url,
        "resources/read",
        Some(uri),
        json!({"uri": uri}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 401);
    server.shutdown().await.unwrap();
}
