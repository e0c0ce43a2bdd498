//! Shared test support: a wiremock server with a toolkit pointed at it, compact hand-written
//! Clerk objects (realistic shapes: `object`, ids, timestamps, nulls, nested
//! `private_metadata`), the shape a tool result must have once shaped for agents, and request
//! matchers (exact query string with repeated keys, no body, Clerk headers).
#![allow(dead_code)]

use clerk_api::{Client, RetryConfig};
use clerk_tools::{CallError, JsonObject, Toolkit, ToolkitOptions};
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, ResponseTemplate};

pub const KEY: &str = "sk_test_x";

/// A client for the mock server, without retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder(KEY)
        .api_url(server.uri())
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

/// A mock server and a toolkit with default options pointed at it.
pub async fn setup() -> (MockServer, Toolkit) {
    setup_with(ToolkitOptions::default()).await
}

/// A mock server and a toolkit with these options pointed at it.
pub async fn setup_with(options: ToolkitOptions) -> (MockServer, Toolkit) {
    let server = MockServer::start().await;
    // These tests are about the requests each tool sends: risky calls are pre-approved here;
    // tests/governance.rs tests the confirmation itself.
    let toolkit = Toolkit::new(client(&server), options)
        .expect("toolkit")
        .with_grant(clerk_tools::Grant::preapproved("test"));
    (server, toolkit)
}

/// Tool arguments from a JSON object literal.
pub fn args(v: Value) -> Option<JsonObject> {
    match v {
        Value::Object(m) => Some(m),
        other => panic!("arguments must be an object, got {other}"),
    }
}

/// A 200 answer with this JSON body.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A mock for `METHOD path` (path under `/v1`) carrying Clerk's headers.
pub fn given(m: &str, p: &str) -> MockBuilder {
    Mock::given(method(m)).and(path(p)).and(ClerkHeaders)
}

/// Fails the test (on server drop) if any request reaches the server.
pub async fn forbid_requests(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .named("no request at all")
        .mount(server)
        .await;
}

/// Calls a tool that must succeed; checks the result against the tool's output schema.
pub async fn call_ok(toolkit: &Toolkit, name: &str, arguments: Value) -> Value {
    let result = toolkit
        .call(name, args(arguments))
        .await
        .unwrap_or_else(|e| panic!("{name} failed: {e}"));
    assert_output_schema(toolkit, name, &result);
    result
}

/// Calls a tool that must fail.
pub async fn call_err(toolkit: &Toolkit, name: &str, arguments: Value) -> CallError {
    match toolkit.call(name, args(arguments)).await {
        Ok(v) => panic!("{name} should have failed, got {v}"),
        Err(e) => e,
    }
}

/// The result validates against the tool's declared output schema.
pub fn assert_output_schema(toolkit: &Toolkit, name: &str, result: &Value) {
    let tool = toolkit.get(name).expect("tool is served");
    let schema = Value::Object((*tool.output_schema()).clone());
    let validator = jsonschema::validator_for(&schema).expect("output schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(result)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: result {result} does not match its output schema {schema}: {errors:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Expected result shapes

/// What a tool result is expected to look like: nulls, empty strings, empty arrays and empty
/// objects removed at every depth, and `private_metadata` removed everywhere unless kept.
pub fn shaped(v: &Value, keep_private: bool) -> Value {
    strip(v, keep_private).unwrap_or_else(|| json!({}))
}

fn strip(v: &Value, keep_private: bool) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(items) => {
            let items: Vec<Value> = items
                .iter()
                .filter_map(|i| strip(i, keep_private))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if k == "private_metadata" && !keep_private {
                    continue;
                }
                if let Some(v) = strip(v, keep_private) {
                    out.insert(k.clone(), v);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        other => Some(other.clone()),
    }
}

/// No `private_metadata` key at any depth.
pub fn assert_no_private_metadata(v: &Value) {
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    assert_ne!(k, "private_metadata", "private_metadata leaked at {at}/{k}");
                    walk(child, &format!("{at}/{k}"));
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }
    walk(v, "");
}

/// No null, empty string, empty array or empty object at any depth (below the top level).
pub fn assert_no_empties(v: &Value) {
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Null => panic!("null left at {at}"),
            Value::String(s) if s.is_empty() => panic!("empty string left at {at}"),
            Value::Array(a) => {
                assert!(!a.is_empty(), "empty array left at {at}");
                for (i, child) in a.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"));
                }
            }
            Value::Object(m) => {
                assert!(!m.is_empty(), "empty object left at {at}");
                for (k, child) in m {
                    walk(child, &format!("{at}/{k}"));
                }
            }
            _ => {}
        }
    }
    if let Value::Object(m) = v {
        for (k, child) in m {
            walk(child, k);
        }
    }
}

/// An object-tool result is the Clerk object, shaped: exactly `fixture` with nulls / empties
/// and every `private_metadata` removed.
pub fn assert_object_result(result: &Value, fixture: &Value) {
    assert_eq!(result, &shaped(fixture, false));
    assert_no_private_metadata(result);
    assert_no_empties(result);
    assert_eq!(result["object"], fixture["object"]);
    assert_eq!(result["id"], fixture["id"]);
}

/// A list-tool result: `{data, totalCount, hasMore, nextOffset}` with every item shaped.
pub fn assert_list_result(
    result: &Value,
    items: &[Value],
    total: u64,
    has_more: bool,
    next_offset: Option<u64>,
) {
    let mut expected = json!({
        "data": items.iter().map(|i| shaped(i, false)).collect::<Vec<_>>(),
        "totalCount": total,
        "hasMore": has_more,
    });
    if let Some(n) = next_offset {
        expected["nextOffset"] = json!(n);
    }
    assert_eq!(result, &expected);
    if next_offset.is_none() {
        assert!(
            result.get("nextOffset").is_none(),
            "no nextOffset on the last page: {result}"
        );
    }
    assert_no_private_metadata(result);
}

/// A list-tool result in the default view: `{data, totalCount, hasMore, nextOffset}` with the
/// summary ([`clerk_tools::output::summary`]) of every shaped item.
pub fn assert_list_summary(
    result: &Value,
    kind: &str,
    items: &[Value],
    total: u64,
    has_more: bool,
    next_offset: Option<u64>,
) {
    let summaries: Vec<Value> = items
        .iter()
        .map(|i| clerk_tools::output::summary(kind, shaped(i, false)))
        .collect();
    assert_list_result(result, &summaries, total, has_more, next_offset);
}

// ---------------------------------------------------------------------------------------------
// Clerk objects (compact, realistic shapes)

pub const T0: i64 = 1_767_225_600_000;

/// A Clerk `user` with an email address, metadata of every kind and a few nulls.
pub fn user(id: &str) -> Value {
    let email = json!({
        "object": "email_address",
        "id": "idn_email_1",
        "email_address": "ada@example.com",
        "reserved": false,
        "verification": {
            "object": "verification_email_code",
            "status": "verified",
            "strategy": "email_code",
            "attempts": 1,
            "expire_at": null
        },
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": T0,
        "updated_at": T0
    });
    let mut user = json!({
        "object": "user",
        "id": id,
        "external_id": null,
        "primary_email_address_id": "idn_email_1",
        "primary_phone_number_id": null,
        "primary_web3_wallet_id": null,
        "username": "ada",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "locale": null,
        "image_url": "https://img.clerk.com/user_ada.png",
        "has_image": true,
        "public_metadata": {"plan": "pro"},
        "private_metadata": {"stripe_customer_id": "cus_123"},
        "unsafe_metadata": {},
        "email_addresses": [email],
        "phone_numbers": [],
        "web3_wallets": [],
        "passkeys": [],
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": []
    });
    let security = json!({
        "password_enabled": true,
        "two_factor_enabled": false,
        "totp_enabled": false,
        "backup_code_enabled": false,
        "mfa_enabled_at": null,
        "mfa_disabled_at": null,
        "password_last_updated_at": T0,
        "banned": false,
        "locked": false,
        "deprovisioned": false,
        "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": 100
    });
    let activity = json!({
        "last_sign_in_at": T0 + 5_000,
        "last_active_at": T0 + 6_000,
        "legal_accepted_at": null,
        "delete_self_enabled": true,
        "create_organization_enabled": true,
        "create_organizations_limit": null,
        "created_at": T0,
        "updated_at": T0 + 1_000
    });
    let map = user.as_object_mut().expect("object");
    for part in [security, activity] {
        if let Value::Object(m) = part {
            map.extend(m);
        }
    }
    user
}

/// A Clerk `organization` with public and private metadata.
pub fn organization(id: &str, slug: &str) -> Value {
    json!({
        "object": "organization",
        "id": id,
        "name": "Acme Inc",
        "slug": slug,
        "image_url": "https://img.clerk.com/org_acme.png",
        "has_image": true,
        "members_count": null,
        "max_allowed_memberships": 5,
        "admin_delete_enabled": true,
        "public_metadata": {"plan": "pro"},
        "private_metadata": {"billing_id": "bill_9"},
        "created_by": "user_ada",
        "created_at": T0,
        "updated_at": T0 + 1_000
    })
}

/// A Clerk `organization_membership`, whose nested `organization` carries private metadata.
pub fn membership(org_id: &str, user_id: &str, role: &str) -> Value {
    json!({
        "object": "organization_membership",
        "id": format!("orgmem_{user_id}"),
        "role": role,
        "role_name": "Admin",
        "permissions": ["org:sys_memberships:manage", "org:sys_profile:manage"],
        "public_metadata": {"team": "core"},
        "private_metadata": {"salary_band": "L5"},
        "organization": organization(org_id, "acme-inc"),
        "public_user_data": {
            "user_id": user_id,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "image_url": "https://img.clerk.com/user_ada.png",
            "has_image": true,
            "identifier": "ada@example.com",
            "username": null
        },
        "created_at": T0,
        "updated_at": T0 + 1_000
    })
}

/// A Clerk application `invitation`.
pub fn invitation(id: &str, email: &str, status: &str) -> Value {
    json!({
        "object": "invitation",
        "id": id,
        "email_address": email,
        "public_metadata": {"source": "agent"},
        "revoked": status == "revoked",
        "status": status,
        "url": null,
        "expires_at": T0 + 2_592_000_000i64,
        "created_at": T0,
        "updated_at": T0 + 1_000
    })
}

/// A Clerk `organization_invitation`, with private metadata and inviter / organization data.
pub fn organization_invitation(id: &str, org_id: &str, email: &str, status: &str) -> Value {
    json!({
        "object": "organization_invitation",
        "id": id,
        "email_address": email,
        "role": "org:member",
        "role_name": "Member",
        "organization_id": org_id,
        "inviter_id": "user_ada",
        "public_inviter_data": {
            "user_id": "user_ada",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "image_url": "https://img.clerk.com/user_ada.png",
            "has_image": true,
            "identifier": "ada@example.com"
        },
        "public_organization_data": {
            "id": org_id,
            "name": "Acme Inc",
            "slug": "acme-inc",
            "image_url": null,
            "has_image": false
        },
        "status": status,
        "public_metadata": {},
        "private_metadata": {"ticket": "T-1"},
        "url": "",
        "expires_at": T0 + 2_592_000_000i64,
        "created_at": T0,
        "updated_at": T0 + 1_000
    })
}

/// A Clerk `session` with its latest activity.
pub fn session(id: &str, user_id: &str, status: &str) -> Value {
    json!({
        "object": "session",
        "id": id,
        "user_id": user_id,
        "client_id": "client_1",
        "actor": null,
        "status": status,
        "last_active_organization_id": null,
        "last_active_at": T0 + 6_000,
        "latest_activity": {
            "object": "session_activity",
            "id": "sess_activity_1",
            "device_type": "Macintosh",
            "is_mobile": false,
            "browser_name": "Chrome",
            "browser_version": "126.0.0.0",
            "ip_address": "203.0.113.7",
            "city": "London",
            "country": "GB"
        },
        "expire_at": T0 + 604_800_000i64,
        "abandon_at": T0 + 2_592_000_000i64,
        "tasks": null,
        "created_at": T0,
        "updated_at": T0 + 1_000
    })
}

/// Clerk's `deleted_object` reply.
pub fn deleted(object: &str, id: &str) -> Value {
    json!({"object": object, "id": id, "deleted": true})
}

/// A Clerk error body.
pub fn clerk_error(code: &str, message: &str, long: &str, trace: &str) -> Value {
    json!({
        "errors": [{"code": code, "message": message, "long_message": long, "meta": {}}],
        "clerk_trace_id": trace
    })
}

// ---------------------------------------------------------------------------------------------
// Matchers

/// Matches when the request's query is exactly these pairs, in this order (repeated keys
/// included).
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

/// Matches a request with no query string at all.
pub fn no_query() -> QueryIs {
    QueryIs(Vec::new())
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
            && h("clerk-api-version").is_some_and(|v| !v.is_empty())
    }
}

/// Matches when the query is exactly one of these.
pub struct OneOf(pub Vec<QueryIs>);

impl Match for OneOf {
    fn matches(&self, request: &Request) -> bool {
        self.0.iter().any(|q| q.matches(request))
    }
}
