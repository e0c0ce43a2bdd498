//! Shaping results for agents: Clerk's JSON with `null` and empty fields dropped, and
//! `private_metadata` removed everywhere (nested too) unless explicitly allowed; and the lean
//! list results: a list tool returns a [`summary`] of each object unless called with
//! `view: "full"` ([`View`]).

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::tool::Output;

/// The argument of list tools that chooses a [`View`].
pub const VIEW_ARG: &str = "view";

/// The longest string a generic summary keeps (longer ones are left to `view: "full"`).
pub const SUMMARY_MAX_STRING: usize = 120;

/// How much of each listed object a list tool returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    /// The fields that identify an object and say its state ([`summary`]). The default.
    #[default]
    Summary,
    /// Every field (still cleaned and masked).
    Full,
}

impl View {
    /// The values of the `view` argument, the default first.
    pub const NAMES: [&'static str; 2] = ["summary", "full"];

    /// Reads the `view` argument of `tool`: absent or null → summary; `"summary"` or `"full"`;
    /// anything else is an invalid argument naming `view`.
    pub fn from_arg(value: Option<&Value>) -> Result<View, FieldError> {
        match value {
            None | Some(Value::Null) => Ok(View::Summary),
            Some(Value::String(s)) if s == Self::NAMES[0] => Ok(View::Summary),
            Some(Value::String(s)) if s == Self::NAMES[1] => Ok(View::Full),
            Some(other) => Err(FieldError {
                field: VIEW_ARG.to_string(),
                message: format!("expected \"summary\" or \"full\", got {other}"),
            }
            .capped()),
        }
    }
}

/// Whether `tool` takes `view`: every list tool (summaries by default, `full` for every field).
pub fn takes_view(tool: &dyn crate::Tool) -> bool {
    matches!(tool.output(), Output::List(_))
}

/// Replaces each object of a list result's `data` with its [`summary`]. Call it on the
/// shaped and masked result: a summary only picks (and for a user's `email`, copies) fields.
pub fn summarize_list(value: &mut Value, kind: &str) {
    if let Some(Value::Array(items)) = value.get_mut("data") {
        for item in items.iter_mut() {
            *item = summary(kind, std::mem::take(item));
        }
    }
}

/// The summary of one Clerk object of `kind`: the fields that identify it and say its state,
/// under Clerk's names. Kinds without their own summary keep their top-level scalars (strings
/// up to [`SUMMARY_MAX_STRING`] characters, numbers, booleans) but `object`.
pub fn summary(kind: &str, value: Value) -> Value {
    let Value::Object(m) = value else {
        return value;
    };
    let out = match kind {
        "user" => user_summary(&m),
        "organization" => pick(&m, &["id", "name", "slug", "members_count", "created_at"]),
        "organization_membership" => {
            let mut out = pick(&m, &["id", "role"]);
            nested(&mut out, &m, "organization", &["id", "name", "slug"]);
            nested(
                &mut out,
                &m,
                "public_user_data",
                &["user_id", "identifier", "first_name", "last_name"],
            );
            copy(&mut out, &m, "created_at");
            out
        }
        "invitation" | "organization_invitation" => pick(
            &m,
            &[
                "id",
                "email_address",
                "status",
                "role",
                "organization_id",
                "created_at",
                "expires_at",
            ],
        ),
        "session" => {
            let mut out = pick(
                &m,
                &["id", "user_id", "status", "last_active_at", "expire_at"],
            );
            nested(
                &mut out,
                &m,
                "latest_activity",
                &["city", "country", "browser_name"],
            );
            out
        }
        _ => m
            .into_iter()
            .filter(|(k, v)| {
                k != "object"
                    && match v {
                        Value::String(s) => s.chars().count() <= SUMMARY_MAX_STRING,
                        Value::Number(_) | Value::Bool(_) => true,
                        _ => false,
                    }
            })
            .collect(),
    };
    Value::Object(out)
}

fn user_summary(m: &Map<String, Value>) -> Map<String, Value> {
    let mut out = pick(m, &["id", "first_name", "last_name"]);
    if let Some(email) = primary_email(m) {
        out.insert("email".into(), Value::String(email.to_string()));
    }
    for key in [
        "username",
        "external_id",
        "created_at",
        "last_sign_in_at",
        "last_active_at",
        "banned",
        "locked",
    ] {
        copy(&mut out, m, key);
    }
    out
}

/// The primary email address of a user, full or summarized (a summary's `email`; else the
/// address marked primary, else the first one).
pub fn user_email(user: &Value) -> Option<&str> {
    let m = user.as_object()?;
    m.get("email")
        .and_then(Value::as_str)
        .or_else(|| primary_email(m))
}

/// The primary email address of a full user (the first one when none is marked primary).
fn primary_email(m: &Map<String, Value>) -> Option<&str> {
    let addresses = m.get("email_addresses")?.as_array()?;
    let primary = m.get("primary_email_address_id").and_then(Value::as_str);
    addresses
        .iter()
        .find(|a| primary.is_some() && a.get("id").and_then(Value::as_str) == primary)
        .or_else(|| addresses.first())
        .and_then(|a| a.get("email_address"))
        .and_then(Value::as_str)
}

fn pick(m: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for key in keys {
        copy(&mut out, m, key);
    }
    out
}

fn copy(out: &mut Map<String, Value>, m: &Map<String, Value>, key: &str) {
    if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
        out.insert(key.to_string(), v.clone());
    }
}

/// `out[key]` = the given fields of the object `m[key]`, when it has any.
fn nested(out: &mut Map<String, Value>, m: &Map<String, Value>, key: &str, keys: &[&str]) {
    if let Some(Value::Object(inner)) = m.get(key) {
        let inner = pick(inner, keys);
        if !inner.is_empty() {
            out.insert(key.to_string(), Value::Object(inner));
        }
    }
}

/// Shapes a raw tool result for output.
pub fn shape(value: Value, output: Output, allow_private_metadata: bool) -> Value {
    match (output, value) {
        (Output::List(_) | Output::Bulk(_), Value::Object(mut top)) => {
            if let Some(Value::Array(items)) = top.get_mut("data") {
                *items = std::mem::take(items)
                    .into_iter()
                    .map(|v| clean(v, allow_private_metadata).unwrap_or(Value::Object(Map::new())))
                    .collect();
            }
            top.retain(|_, v| !v.is_null());
            Value::Object(top)
        }
        (_, v) => clean(v, allow_private_metadata).unwrap_or(Value::Object(Map::new())),
    }
}

/// Removes nulls, empty strings, empty arrays and empty objects (recursively), and
/// `private_metadata` unless allowed. Returns `None` when nothing is left.
pub fn clean(value: Value, allow_private_metadata: bool) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(a) => {
            let a: Vec<Value> = a
                .into_iter()
                .filter_map(|v| clean(v, allow_private_metadata))
                .collect();
            (!a.is_empty()).then_some(Value::Array(a))
        }
        Value::Object(m) => {
            let m: Map<String, Value> = m
                .into_iter()
                .filter(|(k, _)| allow_private_metadata || k != "private_metadata")
                .filter_map(|(k, v)| clean(v, allow_private_metadata).map(|v| (k, v)))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_nulls_empties_and_private_metadata_at_any_depth() {
        let v = json!({
            "id": "user_1", "username": null, "first_name": "", "banned": false,
            "private_metadata": {"secret": 1},
            "public_metadata": {},
            "email_addresses": [],
            "organization": {"id": "org_1", "private_metadata": {"billing": "x"}, "slug": "acme"},
            "list": [null, {"private_metadata": {"a": 1}}, {"k": 0}]
        });
        let out = clean(v, false).unwrap();
        assert_eq!(
            out,
            json!({"id": "user_1", "banned": false, "organization": {"id": "org_1", "slug": "acme"}, "list": [{"k": 0}]})
        );
    }

    #[test]
    fn keeps_private_metadata_when_allowed() {
        let v = json!({"organization": {"private_metadata": {"billing": "x"}}});
        assert_eq!(clean(v.clone(), true).unwrap(), v);
    }

    #[test]
    fn list_shape_keeps_empty_data() {
        let v = json!({"data": [], "totalCount": 0, "hasMore": false, "nextOffset": null});
        let shaped = shape(v, Output::List("user"), false);
        assert_eq!(
            shaped,
            json!({"data": [], "totalCount": 0, "hasMore": false})
        );
        let keys: Vec<&String> = shaped.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["data", "totalCount", "hasMore"], "key order is kept");
    }

    fn user() -> Value {
        json!({
            "id": "user_1", "object": "user", "first_name": "Ada", "last_name": "Lovelace",
            "username": "ada", "external_id": "ext_1",
            "primary_email_address_id": "idn_2",
            "email_addresses": [
                {"id": "idn_1", "object": "email_address", "email_address": "old@example.com"},
                {"id": "idn_2", "object": "email_address", "email_address": "ada@example.com",
                 "verification": {"status": "verified", "strategy": "email_code"}}
            ],
            "phone_numbers": [{"id": "idn_3", "phone_number": "+15555550100"}],
            "image_url": "https://img.clerk.com/abc", "has_image": true,
            "public_metadata": {"plan": "pro"},
            "created_at": 1700000000000_i64, "updated_at": 1700000001000_i64,
            "last_sign_in_at": 1700000002000_i64, "last_active_at": 1700000003000_i64,
            "banned": false, "locked": false, "two_factor_enabled": false
        })
    }

    #[test]
    fn user_summary_has_the_primary_email_and_state() {
        let s = summary("user", user());
        assert_eq!(
            s,
            json!({
                "id": "user_1", "first_name": "Ada", "last_name": "Lovelace",
                "email": "ada@example.com", "username": "ada", "external_id": "ext_1",
                "created_at": 1700000000000_i64, "last_sign_in_at": 1700000002000_i64,
                "last_active_at": 1700000003000_i64, "banned": false, "locked": false
            })
        );
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys[..4], ["id", "first_name", "last_name", "email"]);
        assert!(serde_json::to_string(&s).unwrap().len() <= 350);
    }

    #[test]
    fn user_email_falls_back_to_the_first_address() {
        let mut u = user();
        u.as_object_mut()
            .unwrap()
            .remove("primary_email_address_id");
        assert_eq!(summary("user", u)["email"], "old@example.com");
        let bare = summary("user", json!({"id": "user_2", "banned": true}));
        assert_eq!(bare, json!({"id": "user_2", "banned": true}));
    }

    #[test]
    fn organization_summary() {
        let org = json!({
            "id": "org_1", "object": "organization", "name": "Acme", "slug": "acme",
            "members_count": 3, "max_allowed_memberships": 5, "admin_delete_enabled": true,
            "public_metadata": {"tier": "gold"}, "image_url": "https://img/x",
            "created_at": 1, "updated_at": 2
        });
        assert_eq!(
            summary("organization", org),
            json!({"id": "org_1", "name": "Acme", "slug": "acme", "members_count": 3, "created_at": 1})
        );
    }

    #[test]
    fn membership_summary_keeps_who_and_where() {
        let m = json!({
            "id": "orgmem_1", "object": "organization_membership", "role": "org:admin",
            "role_name": "Admin", "permissions": ["org:sys_memberships:manage"],
            "organization": {"id": "org_1", "name": "Acme", "slug": "acme", "members_count": 3,
                             "public_metadata": {"tier": "gold"}},
            "public_user_data": {"user_id": "user_1", "identifier": "ada@example.com",
                                 "first_name": "Ada", "last_name": "Lovelace",
                                 "image_url": "https://img/y", "has_image": true},
            "created_at": 1, "updated_at": 2
        });
        assert_eq!(
            summary("organization_membership", m),
            json!({
                "id": "orgmem_1", "role": "org:admin",
                "organization": {"id": "org_1", "name": "Acme", "slug": "acme"},
                "public_user_data": {"user_id": "user_1", "identifier": "ada@example.com",
                                     "first_name": "Ada", "last_name": "Lovelace"},
                "created_at": 1
            })
        );
    }

    #[test]
    fn invitation_summaries() {
        let inv = json!({
            "id": "inv_1", "object": "invitation", "email_address": "bob@example.com",
            "status": "pending", "url": "https://x/accept?__clerk_ticket=[masked:00000000]",
            "public_metadata": {"a": 1}, "revoked": false,
            "created_at": 1, "updated_at": 2, "expires_at": 3
        });
        let want = json!({"id": "inv_1", "email_address": "bob@example.com", "status": "pending",
                          "created_at": 1, "expires_at": 3});
        assert_eq!(summary("invitation", inv), want);
        let org_inv = json!({
            "id": "orginv_1", "object": "organization_invitation", "email_address": "c@example.com",
            "role": "org:member", "role_name": "Member", "organization_id": "org_1",
            "status": "pending", "created_at": 1, "updated_at": 2
        });
        assert_eq!(
            summary("organization_invitation", org_inv),
            json!({"id": "orginv_1", "email_address": "c@example.com", "status": "pending",
                   "role": "org:member", "organization_id": "org_1", "created_at": 1})
        );
    }

    #[test]
    fn session_summary_keeps_where_from() {
        let s = json!({
            "id": "sess_1", "object": "session", "user_id": "user_1", "client_id": "client_1",
            "status": "active", "last_active_at": 5, "expire_at": 9, "abandon_at": 10,
            "last_active_token": {"object": "token", "jwt": "[masked:11111111]"},
            "latest_activity": {"id": "sess_activity_1", "browser_name": "Firefox",
                                "browser_version": "140", "ip_address": "192.0.2.1",
                                "city": "Paris", "country": "FR", "is_mobile": false},
            "created_at": 1, "updated_at": 2
        });
        assert_eq!(
            summary("session", s),
            json!({"id": "sess_1", "user_id": "user_1", "status": "active", "last_active_at": 5,
                   "expire_at": 9,
                   "latest_activity": {"city": "Paris", "country": "FR", "browser_name": "Firefox"}})
        );
        let bare = summary(
            "session",
            json!({"id": "sess_2", "latest_activity": {"id": "a"}}),
        );
        assert_eq!(bare, json!({"id": "sess_2"}));
    }

    #[test]
    fn other_kinds_keep_top_level_scalars() {
        let long = "x".repeat(SUMMARY_MAX_STRING + 1);
        let t = json!({
            "id": "jtmp_1", "object": "jwt_template", "name": "supabase", "lifetime": 60,
            "allowed_clock_skew": 5, "custom_signing_key": false,
            "claims": {"aud": "authenticated"}, "signing_algorithm": "RS256",
            "scopes": ["a", "b"], "signing_key": "[masked:22222222]", "long": long,
            "created_at": 1
        });
        assert_eq!(
            summary("jwt_template", t),
            json!({"id": "jtmp_1", "name": "supabase", "lifetime": 60, "allowed_clock_skew": 5,
                   "custom_signing_key": false, "signing_algorithm": "RS256",
                   "signing_key": "[masked:22222222]", "created_at": 1})
        );
        assert_eq!(
            summary("machine", json!("not an object")),
            json!("not an object")
        );
    }

    #[test]
    fn summarize_list_replaces_each_item_and_keeps_the_page() {
        let mut page =
            json!({"data": [user(), {"id": "user_2"}], "totalCount": 2, "hasMore": false});
        summarize_list(&mut page, "user");
        assert_eq!(page["data"][0]["email"], "ada@example.com");
        assert!(page["data"][0].get("email_addresses").is_none());
        assert_eq!(page["data"][1], json!({"id": "user_2"}));
        assert_eq!(page["totalCount"], 2);
        assert_eq!(page["hasMore"], false);
    }

    #[test]
    fn view_argument() {
        assert_eq!(View::from_arg(None), Ok(View::Summary));
        assert_eq!(View::from_arg(Some(&Value::Null)), Ok(View::Summary));
        assert_eq!(View::from_arg(Some(&json!("summary"))), Ok(View::Summary));
        assert_eq!(View::from_arg(Some(&json!("full"))), Ok(View::Full));
        for bad in [json!("FULL"), json!(true), json!({"a": 1})] {
            let e = View::from_arg(Some(&bad)).unwrap_err();
            assert_eq!(e.field, "view");
            assert!(e.message.contains("\"full\""), "{}", e.message);
        }
    }
}
