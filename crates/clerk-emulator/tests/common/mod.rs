//! Shared test helpers: an HTTP client that validates every emulator response
//! against the official OpenAPI spec (converted to JSON Schema 2020-12).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use clerk_emulator::{Emulator, EmulatorConfig, Seed};
use serde_json::{Map, Value, json};

const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../spec/clerk-bapi-2026-05-12.yml"
);

/// Convert an OpenAPI 3.0 schema to JSON Schema 2020-12: `$ref`s point into
/// `$defs`, `nullable: true` becomes `anyOf [null, …]`, boolean
/// `exclusiveMinimum/Maximum` become numeric, OpenAPI-only keywords are dropped.
/// `additionalProperties: false` is kept.
pub fn convert(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let nullable = m.get("nullable") == Some(&Value::Bool(true));
            let mut out = Map::new();
            if let Some(Value::String(r)) = m.get("$ref") {
                let target = r.replace("#/components/schemas/", "#/$defs/");
                out.insert("$ref".into(), Value::String(target));
            } else {
                for (k, val) in m {
                    match k.as_str() {
                        "nullable" | "discriminator" | "example" | "examples" | "format"
                        | "xml" | "externalDocs" | "deprecated" => {}
                        k if k.starts_with("x-") => {}
                        "properties" | "patternProperties" => {
                            let props = val
                                .as_object()
                                .map(|p| {
                                    p.iter()
                                        .map(|(name, s)| (name.clone(), convert(s)))
                                        .collect::<Map<_, _>>()
                                })
                                .unwrap_or_default();
                            out.insert(k.into(), Value::Object(props));
                        }
                        "items" | "additionalProperties" | "not" => {
                            out.insert(k.into(), convert(val));
                        }
                        "allOf" | "oneOf" | "anyOf" => {
                            let list = val
                                .as_array()
                                .map(|a| a.iter().map(convert).collect())
                                .unwrap_or_default();
                            out.insert(k.into(), Value::Array(list));
                        }
                        "exclusiveMinimum" | "exclusiveMaximum" => {
                            if val == &Value::Bool(true) {
                                let base = if k == "exclusiveMinimum" {
                                    "minimum"
                                } else {
                                    "maximum"
                                };
                                if let Some(b) = m.get(base) {
                                    out.insert(k.into(), b.clone());
                                }
                            } else if val.is_number() {
                                out.insert(k.into(), val.clone());
                            }
                        }
                        _ => {
                            out.insert(k.clone(), val.clone());
                        }
                    }
                }
                // A boolean exclusive bound replaced its plain bound.
                for (ex, base) in [
                    ("exclusiveMinimum", "minimum"),
                    ("exclusiveMaximum", "maximum"),
                ] {
                    if m.get(ex) == Some(&Value::Bool(true)) {
                        out.remove(base);
                    }
                }
            }
            let schema = Value::Object(out);
            if nullable {
                json!({ "anyOf": [ { "type": "null" }, schema ] })
            } else {
                schema
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(convert).collect()),
        other => other.clone(),
    }
}

struct Op {
    method: String,
    segs: Vec<String>,
    template: String,
    /// status → converted schema (None: no JSON body).
    responses: BTreeMap<String, Option<Value>>,
}

/// The spec, indexed by operation.
pub struct Spec {
    defs: Value,
    ops: Vec<Op>,
    clerk_errors: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
    /// (METHOD template) → statuses seen.
    pub seen: Mutex<BTreeMap<String, BTreeSet<u16>>>,
}

fn response_schema(spec: &Value, resp: &Value) -> Option<Value> {
    let resp = match resp.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/responses/");
            &spec["components"]["responses"][name]
        }
        None => resp,
    };
    resp.get("content")?
        .get("application/json")?
        .get("schema")
        .map(convert)
}

impl Spec {
    fn load() -> Spec {
        let text = std::fs::read_to_string(SPEC_PATH).expect("read the spec");
        let spec: Value = serde_yaml::from_str(&text).expect("parse the spec");
        let defs: Map<String, Value> = spec["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .iter()
            .map(|(k, v)| (k.clone(), convert(v)))
            .collect();
        let mut ops = Vec::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let responses = op["responses"]
                    .as_object()
                    .expect("responses")
                    .iter()
                    .map(|(status, r)| (status.clone(), response_schema(&spec, r)))
                    .collect();
                ops.push(Op {
                    method: method.to_uppercase(),
                    segs: path
                        .trim_matches('/')
                        .split('/')
                        .map(String::from)
                        .collect(),
                    template: path.clone(),
                    responses,
                });
            }
        }
        Spec {
            defs: Value::Object(defs),
            ops,
            clerk_errors: json!({ "$ref": "#/$defs/ClerkErrors" }),
            validators: Mutex::new(HashMap::new()),
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    /// Every operation of the spec as `(METHOD, template)`, e.g. `("GET", "/users/{user_id}")`.
    pub fn operations(&self) -> impl Iterator<Item = (&str, &str)> {
        self.ops
            .iter()
            .map(|op| (op.method.as_str(), op.template.as_str()))
    }

    /// The shared, lazily loaded spec.
    pub fn get() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(Spec::load)
    }

    fn find_op(&self, method: &str, path: &str) -> Option<&Op> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.ops
            .iter()
            .filter(|op| op.method == method && op.segs.len() == segs.len())
            .filter(|op| {
                op.segs
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| t.starts_with('{') || t == s)
            })
            // Prefer the template with the most literal segments (/users/count over /users/{id}).
            .max_by_key(|op| op.segs.iter().filter(|t| !t.starts_with('{')).count())
    }

    /// Whether a (converted) schema is an array, through a top-level `$ref`.
    fn is_array(&self, schema: &Value) -> bool {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.trim_start_matches("#/$defs/");
                self.defs.get(name).is_some_and(|d| self.is_array(d))
            }
            None => schema.get("type") == Some(&json!("array")),
        }
    }

    fn validator(&self, key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
        if let Some(v) = self.validators.lock().unwrap().get(key) {
            return v.clone();
        }
        let mut root = schema.as_object().cloned().unwrap_or_default();
        root.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("$defs".into(), self.defs.clone());
        let v = Arc::new(
            jsonschema::validator_for(&Value::Object(root))
                .unwrap_or_else(|e| panic!("cannot compile the schema for {key}: {e}")),
        );
        self.validators
            .lock()
            .unwrap()
            .insert(key.to_string(), v.clone());
        v
    }

    /// Validate a response of `method path` (path without the query, starting
    /// with `/v1`). Panics with every violation when it drifts from the spec.
    pub fn validate(&self, method: &str, path: &str, status: u16, body: &Value) {
        self.validate_with(method, path, status, body, false)
    }

    /// The statuses the spec declares for `method template` (a spec path template), or `None`
    /// when the spec has no such operation.
    pub fn statuses(&self, method: &str, template: &str) -> Option<Vec<String>> {
        self.ops
            .iter()
            .find(|op| op.method == method && op.template == template)
            .map(|op| op.responses.keys().cloned().collect())
    }

    /// Check that `method path` may answer `status` without a body (a 204 the spec declares
    /// with no content), and record it as seen.
    pub fn validate_empty(&self, method: &str, path: &str, status: u16) {
        let api_path = path.strip_prefix("/v1").unwrap_or(path);
        let op = self
            .find_op(method, api_path)
            .unwrap_or_else(|| panic!("{method} {path} is not in the spec but answered {status}"));
        match op.responses.get(&status.to_string()) {
            Some(None) => {}
            Some(Some(_)) => {
                panic!("{method} {path} answered {status} without the body the spec declares")
            }
            None => panic!("{method} {path} answered {status}, not declared in the spec"),
        }
        self.seen
            .lock()
            .unwrap()
            .entry(format!("{} {}", op.method, op.template))
            .or_default()
            .insert(status);
    }

    /// Like [`Spec::validate`]; with `paginated` (the request had
    /// `paginated=true`) a 200 declared as a bare array is expected as
    /// `{data: [...], total_count}`, the shape Clerk's SDK asks for (reference
    /// notes §4.2).
    pub fn validate_with(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
        paginated: bool,
    ) {
        let api_path = path.strip_prefix("/v1").unwrap_or(path);
        let op = self.find_op(method, api_path);
        let (key, schema) = match op {
            Some(op) => {
                self.seen
                    .lock()
                    .unwrap()
                    .entry(format!("{} {}", op.method, op.template))
                    .or_default()
                    .insert(status);
                let declared = op
                    .responses
                    .get(&status.to_string())
                    .or_else(|| op.responses.get(&format!("{}XX", status / 100)))
                    .or_else(|| op.responses.get("default"));
                match declared {
                    Some(Some(schema)) if paginated && status == 200 && self.is_array(schema) => {
                        let wrapped = json!({
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["data", "total_count"],
                            "properties": {
                                "data": schema,
                                "total_count": { "type": "integer" },
                            },
                        });
                        (
                            format!("{method} {} {status} paginated", op.template),
                            wrapped,
                        )
                    }
                    Some(Some(schema)) => {
                        (format!("{method} {} {status}", op.template), schema.clone())
                    }
                    // The spec names some error statuses without a body (`verify_password`'s
                    // 400/404/422); Clerk answers its usual error body there too.
                    Some(None) if status >= 400 => {
                        ("ClerkErrors".to_string(), self.clerk_errors.clone())
                    }
                    Some(None) => panic!(
                        "{method} {path} answered {status}, which has no JSON body in the spec"
                    ),
                    None if status >= 400 => ("ClerkErrors".to_string(), self.clerk_errors.clone()),
                    None => panic!("{method} {path} answered {status}, not declared in the spec"),
                }
            }
            None if status >= 400 => ("ClerkErrors".to_string(), self.clerk_errors.clone()),
            None => panic!("{method} {path} is not in the spec but answered {status}"),
        };
        let validator = self.validator(&key, &schema);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} → {status} drifts from the spec ({key}):\n  {}\nbody: {}",
            errors.join("\n  "),
            serde_json::to_string_pretty(body).unwrap()
        );
    }
}

/// A response, already validated against the spec.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    /// The first error's code.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("")
    }

    /// Assert an error status and code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected response: {}",
            self.body
        );
    }

    /// Assert 200 and return the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "expected 200, got {}", self.body);
        self.body
    }

    /// Assert a given success status and return the body.
    #[track_caller]
    pub fn ok_with(self, status: u16) -> Value {
        assert_eq!(self.status, status, "expected {status}, got {}", self.body);
        self.body
    }
}

/// Test client bound to one emulator.
pub struct Api {
    pub emulator: Emulator,
    pub client: reqwest::Client,
    pub base: String,
    pub key: String,
}

impl Api {
    /// Start an emulator with `config` and a client for it.
    pub async fn start(config: EmulatorConfig) -> Api {
        let emulator = Emulator::start(config).await.expect("start the emulator");
        Api {
            base: emulator.url(),
            key: emulator.secret_key().to_string(),
            client: http_client(),
            emulator,
        }
    }

    /// An emulator without data.
    pub async fn empty() -> Api {
        Api::start(EmulatorConfig::default().with_seed(Seed::Empty)).await
    }

    /// An emulator with the demo data.
    pub async fn demo() -> Api {
        Api::start(EmulatorConfig::default().with_seed(Seed::Demo)).await
    }

    /// Send a request with an explicit `Authorization` header (or none) and
    /// validate the response against the spec.
    pub async fn send_with_auth(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        auth: Option<&str>,
    ) -> Resp {
        let url = format!("{}{}", self.base, path_and_query);
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.client.request(m, url);
        if let Some(a) = auth {
            rb = rb.header("Authorization", a);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.respond(method, path_and_query, rb).await
    }

    /// Upload `file` (with its content type) and `fields` as `multipart/form-data`, validated
    /// against the spec.
    pub async fn upload(
        &self,
        method: &str,
        path: &str,
        file: Option<(&str, &[u8])>,
        fields: &[(&str, &str)],
    ) -> Resp {
        let boundary = "----emulator-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((ct, bytes)) = file {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo\"\r\nContent-Type: {ct}\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let url = format!("{}{}", self.base, path);
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let rb = self
            .client
            .request(m, url)
            .bearer_auth(&self.key)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.respond(method, path, rb).await
    }

    async fn respond(
        &self,
        method: &str,
        path_and_query: &str,
        rb: reqwest::RequestBuilder,
    ) -> Resp {
        let resp = rb.send().await.expect("send");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        if bytes.is_empty() && (status == 204 || status == 202) {
            if path.starts_with("/v1") {
                Spec::get().validate_empty(method, path, status);
            }
            return Resp {
                status,
                body: Value::Null,
                headers,
            };
        }
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("non-JSON body from {method} {path_and_query}: {bytes:?}"));
        let paginated = query.split('&').any(|kv| kv == "paginated=true");
        if path.starts_with("/v1") {
            Spec::get().validate_with(method, path, status, &body, paginated);
        }
        Resp {
            status,
            body,
            headers,
        }
    }

    /// Authenticated request, validated against the spec.
    pub async fn send(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Resp {
        let auth = format!("Bearer {}", self.key);
        self.send_with_auth(method, path_and_query, body, Some(&auth))
            .await
    }

    pub async fn get(&self, p: &str) -> Resp {
        self.send("GET", p, None).await
    }
    pub async fn post(&self, p: &str, body: Value) -> Resp {
        self.send("POST", p, Some(body)).await
    }
    /// POSTs `body` as is, with a JSON content type (for bodies that are not JSON); returns the
    /// status and the decoded answer.
    pub async fn post_text(&self, p: &str, body: &str) -> (u16, Value) {
        let raw = self
            .client
            .post(format!("{}{p}", self.base))
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = raw.status().as_u16();
        (status, raw.json().await.unwrap())
    }
    pub async fn post_empty(&self, p: &str) -> Resp {
        self.send("POST", p, None).await
    }
    pub async fn patch(&self, p: &str, body: Value) -> Resp {
        self.send("PATCH", p, Some(body)).await
    }
    pub async fn put(&self, p: &str, body: Value) -> Resp {
        self.send("PUT", p, Some(body)).await
    }
    pub async fn delete(&self, p: &str) -> Resp {
        self.send("DELETE", p, None).await
    }

    /// Create a user with one email address; returns its id.
    pub async fn user(&self, first: &str, last: &str) -> String {
        let email = format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let u = self
            .post(
                "/v1/users",
                json!({ "first_name": first, "last_name": last, "email_address": [email] }),
            )
            .await
            .ok();
        u["id"].as_str().unwrap().to_string()
    }

    /// Create an organization; returns its id.
    pub async fn org(&self, name: &str, slug: &str, created_by: Option<&str>) -> String {
        let mut body = json!({ "name": name, "slug": slug });
        if let Some(c) = created_by {
            body["created_by"] = json!(c);
        }
        let o = self.post("/v1/organizations", body).await.ok();
        o["id"].as_str().unwrap().to_string()
    }
}

/// A unique temporary file path.
pub fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "clerk-emulator-{}-{}-{name}",
        std::process::id(),
        fastrand_suffix()
    ))
}

fn fastrand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// A plain reqwest client; reqwest is built with rustls and no bundled crypto provider, so the
/// `ring` provider is installed first (once per process).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
