//! Shared test support: a wiremock server with a client pointed at it, response bodies
//! synthesized from Clerk's own OpenAPI spec (its `example` values where it gives them), and a
//! matcher for the exact query string (repeated keys included).
#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use clerk_api::{Client, RetryConfig};
use serde_json::{Map, Value, json};
use wiremock::{Match, MockServer, Request};

pub const KEY: &str = "sk_test_SUPERSECRETvalue123";

/// A mock server and a client for it, with near-zero retry delays.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server, 3);
    (server, client)
}

pub fn client_for(server: &MockServer, attempts: u32) -> Client {
    Client::builder(KEY)
        .api_url(server.uri())
        .timeout(Duration::from_secs(5))
        .retry(RetryConfig {
            max_attempts: attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(5),
            jitter: false,
        })
        .build()
        .unwrap()
}

/// The vendored spec as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/clerk-bapi-2026-05-12.yml"
        );
        let text = std::fs::read_to_string(path).expect("vendored spec");
        serde_yaml::from_str(&text).expect("spec parses")
    })
}

fn resolve(v: &Value) -> &Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut cur = spec();
            for part in r.trim_start_matches("#/").split('/') {
                cur = &cur[part];
            }
            resolve(cur)
        }
        None => v,
    }
}

/// The schema of the first 2xx JSON response of `METHOD path`.
pub fn response_schema(method: &str, path: &str) -> &'static Value {
    let op = &spec()["paths"][path][method.to_lowercase()];
    assert!(op.is_object(), "no operation {method} {path} in the spec");
    let responses = op["responses"].as_object().expect("responses");
    for (code, resp) in responses {
        if code.starts_with('2') {
            let resp = resolve(resp);
            if let Some(s) = resp.pointer("/content/application~1json/schema") {
                return s;
            }
        }
    }
    panic!("no 2xx JSON response for {method} {path}");
}

/// An example response body for `METHOD path`, built from the spec's schema: every property
/// filled, using the spec's `example` where it has one.
pub fn example(method: &str, path: &str) -> Value {
    synth(response_schema(method, path), 0)
}

/// An example of a named component schema.
pub fn example_schema(name: &str) -> Value {
    synth(&spec()["components"]["schemas"][name], 0)
}

fn synth(schema: &Value, depth: usize) -> Value {
    let schema = resolve(schema);
    if let Some(ex) = schema.get("example") {
        return ex.clone();
    }
    if depth > 14 {
        return Value::Null;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" {
                let mut out = Map::new();
                for s in list {
                    if let Value::Object(m) = synth(s, depth + 1) {
                        out.extend(m);
                    }
                }
                return Value::Object(out);
            }
            return list
                .first()
                .map(|s| synth(s, depth + 1))
                .unwrap_or(Value::Null);
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        return e.first().cloned().unwrap_or(Value::Null);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let mut out = Map::new();
            for (k, v) in schema["properties"].as_object().unwrap() {
                out.insert(k.clone(), synth(v, depth + 1));
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        Some("array") => json!([synth(&schema["items"], depth + 1)]),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            _ => json!("example"),
        },
        Some("integer") => json!(1700000000000i64),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => Value::Null,
    }
}

/// Matches when the request's query is exactly these pairs, in this order.
pub struct QueryIs(pub Vec<(String, String)>);

pub fn query_is(pairs: &[(&str, &str)]) -> QueryIs {
    QueryIs(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

impl Match for QueryIs {
    fn matches(&self, request: &Request) -> bool {
        let got: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        got == self.0
    }
}

/// Matches a request with no body.
pub struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

/// Matches the headers every request must carry.
pub struct ClerkHeaders;

impl Match for ClerkHeaders {
    fn matches(&self, request: &Request) -> bool {
        let h = |n: &str| request.headers.get(n).and_then(|v| v.to_str().ok());
        h("authorization") == Some(&format!("Bearer {KEY}"))
            && h("clerk-api-version") == Some("2026-05-12")
            && h("user-agent").is_some_and(|ua| ua.starts_with("clerk-api-rust/"))
    }
}

/// A Clerk error body.
pub fn clerk_error(code: &str, message: &str, long: &str) -> Value {
    json!({
        "errors": [{"code": code, "message": message, "long_message": long, "meta": {}}],
        "clerk_trace_id": "trace_123"
    })
}

/// Which example of a response schema a test answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Every property filled (the spec's `example` where it has one).
    Full,
    /// Only required properties; nullable ones `null`, arrays empty.
    Minimal,
}

/// An example response body for `METHOD path` in the given form.
pub fn response_form(method: &str, path: &str, form: Form) -> Value {
    let schema = response_schema(method, path);
    match form {
        Form::Full => synth(schema, 0),
        Form::Minimal => minimal(schema, 0),
    }
}

fn minimal(schema: &Value, depth: usize) -> Value {
    let schema = resolve(schema);
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Value::Null;
    }
    if depth > 8 {
        return Value::Null;
    }
    if let Some(list) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = Map::new();
        for s in list {
            if let Value::Object(m) = minimal(s, depth + 1) {
                out.extend(m);
            }
        }
        return Value::Object(out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|l| l.first())
        {
            return minimal(first, depth + 1);
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        return e.first().cloned().unwrap_or(Value::Null);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, v) in schema["properties"].as_object().unwrap() {
                if required.contains(&k.as_str()) {
                    out.insert(k.clone(), minimal(v, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        Some("array") => json!([]),
        Some("string") => json!("x"),
        Some("integer") => json!(0),
        Some("number") => json!(0.0),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}
