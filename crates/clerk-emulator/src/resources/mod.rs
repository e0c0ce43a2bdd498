//! A generic, table-driven resource store for the Backend API's configuration-like families
//! (JWT templates, OAuth applications, domains, allow/block lists, roles, permissions, …).
//!
//! Three pieces:
//!
//! * `shapes.json`, generated from the vendored spec by `tests/gen_shapes.py`: for each
//!   operation its success status, its response shape (`object`, `array`, `paginated`,
//!   `empty`), a *template* (a complete instance of the response object) and its request body's
//!   fields (types, nullability, required).
//! * [`ROUTES`] (in `routes.rs`): one line per operation, `METHOD /spec/path/{param}` → an
//!   [`Action`]. The path is the spec's own template, so an endpoint is found by grepping its
//!   path, and the same string keys the operation's shape.
//! * [`Family`] (in `families.rs`): a collection of JSON records with an id prefix, an optional
//!   parent, unique fields, and an optional hook for what the generic create/update cannot
//!   derive from the body (secrets, URLs, statuses, cross-references).
//!
//! Generic operations validate the body against the spec (`form_param_unknown`,
//! `form_param_missing`, `form_param_value_invalid` for a wrong JSON type, 400
//! `request_body_invalid` for a body that is not JSON), copy the body's fields onto the record
//! where the response object has a field of the same name, and render a response by projecting
//! the record onto the operation's template: a response carries exactly the spec's fields.
//! Records are plain JSON in [`State::records`]; keys starting with `_` are private (insertion
//! order, parent id, secret hashes) and never rendered.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::ClerkError;
use crate::handlers::Ctx;
use crate::req::{Fields, Query, parse_json};
use crate::state::State;

mod billing;
mod families;
mod routes;

pub(crate) use families::{
    custom_role, hibp_enabled, organization_deleted, role_exists, seed_demo,
};
pub(crate) use routes::ROUTES;

/// The spec's description of one operation (see `tests/gen_shapes.py`).
#[derive(Debug, Deserialize)]
pub(crate) struct OpShape {
    pub status: u16,
    pub shape: String,
    pub template: Value,
    pub body: Option<BodyShape>,
}

/// A request body's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct BodyShape {
    pub array: bool,
    pub required_body: bool,
    pub required: Vec<String>,
    pub props: BTreeMap<String, PropShape>,
}

/// One body field: its JSON types.
#[derive(Debug, Deserialize)]
pub(crate) struct PropShape {
    pub types: Vec<String>,
}

fn shapes() -> &'static BTreeMap<String, OpShape> {
    static SHAPES: OnceLock<BTreeMap<String, OpShape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        serde_json::from_str(include_str!("shapes.json")).expect("shapes.json is valid")
    })
}

/// The shape of `METHOD /path` (a spec path template).
pub(crate) fn shape(key: &str) -> &'static OpShape {
    shapes()
        .get(key)
        .unwrap_or_else(|| panic!("no shape for {key}; regenerate shapes.json"))
}

/// A successful answer: status and JSON body (`None` for 204).
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
}

/// One request to a routed operation.
pub(crate) struct Call<'a> {
    pub cx: &'a Ctx<'a>,
    /// Path parameters, in order.
    pub params: Vec<String>,
    /// `METHOD /spec/path`.
    pub key: &'static str,
    pub shape: &'static OpShape,
}

impl Call<'_> {
    /// The `i`-th path parameter.
    pub fn param(&self, i: usize) -> &str {
        &self.params[i]
    }

    /// The request body, validated against the spec (object bodies).
    pub fn body(&self) -> Result<Fields, ClerkError> {
        validate_body(self.shape.body.as_ref(), self.cx.body)
    }

    /// Project a record on this operation's response template.
    pub fn render(&self, rec: &Value) -> Value {
        project(rec, &self.shape.template)
    }
}

/// A custom operation.
pub(crate) type Handler = fn(&mut State, &Call) -> Result<Value, ClerkError>;

/// What a route does.
pub(crate) enum Action {
    /// List the family's records (under the parent named by the first path parameter).
    List(&'static Family),
    /// List every record of the family, whatever its parent.
    ListAll(&'static Family),
    Create(&'static Family),
    Get(&'static Family),
    Update(&'static Family),
    Delete(&'static Family),
    /// An instance-wide settings object, read (`GET`) or merged (`PATCH`).
    Settings(&'static str),
    Custom(Handler),
}

/// One operation: `METHOD /path` as the spec writes it.
pub(crate) struct Route {
    pub key: &'static str,
    pub action: Action,
}

/// Which phase a [`Family`] hook runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Create,
    Update,
}

/// A family hook: runs after the body's fields were copied onto the record, before the
/// uniqueness check and the save.
pub(crate) type Hook = fn(&mut State, &Call, &Fields, &mut Value, Phase) -> Result<(), ClerkError>;

/// Where a family's parent lives.
#[derive(Clone, Copy)]
pub(crate) enum ParentKind {
    /// An organization (id or slug).
    Organization,
    /// A record of another family.
    Family(&'static Family),
}

/// A collection of records.
pub(crate) struct Family {
    /// Key in [`State::records`].
    pub coll: &'static str,
    /// Id prefix (`jtmpl`, `oa`, …), without the `_`.
    pub prefix: &'static str,
    /// Token-like ids: prefix + 32 hex digits, instead of prefix + 27 base62.
    pub hex_id: bool,
    /// Human name for errors ("JWT template").
    pub what: &'static str,
    /// The parent (first path parameter) and the record field naming it.
    pub parent: Option<(ParentKind, &'static str)>,
    /// A second lookup key besides the id (role sets are addressed by key or id).
    pub alt_key: Option<&'static str>,
    /// Fields unique within the collection (and parent): `form_identifier_exists`.
    pub unique: &'static [&'static str],
    pub hook: Option<Hook>,
    /// List filters beyond the generic ones (query parameters that are not a field).
    pub filter: Option<Filter>,
}

/// A family's own list filter.
pub(crate) type Filter = fn(&Query, &Value) -> Result<bool, ClerkError>;

/// Route a request (segments after `/v1/`). `None`: no route.
pub(crate) fn dispatch(
    st: &mut State,
    method: &Method,
    segs: &[&str],
    cx: &Ctx,
) -> Option<Result<Reply, ClerkError>> {
    // The most literal template wins (`/role_sets/{id}/roles/replace` over a `{param}`).
    let mut best: Option<(&Route, Vec<String>, usize)> = None;
    for route in ROUTES {
        let (m, path) = route.key.split_once(' ').expect("METHOD /path");
        if m != method.as_str() {
            continue;
        }
        let tsegs: Vec<&str> = path.trim_matches('/').split('/').collect();
        if tsegs.len() != segs.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literal = 0;
        let ok = tsegs.iter().zip(segs).all(|(t, s)| {
            if t.starts_with('{') {
                params.push((*s).to_string());
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if ok && best.as_ref().is_none_or(|b| literal > b.2) {
            best = Some((route, params, literal));
        }
    }
    let (route, params, _) = best?;
    let shape = shape(route.key);
    let call = Call {
        cx,
        params,
        key: route.key,
        shape,
    };
    let result = match &route.action {
        Action::List(f) => list(st, &call, f, false),
        Action::ListAll(f) => list(st, &call, f, true),
        Action::Create(f) => create(st, &call, f),
        Action::Get(f) => get(st, &call, f),
        Action::Update(f) => update(st, &call, f),
        Action::Delete(f) => delete(st, &call, f),
        Action::Settings(name) => settings(st, &call, name),
        Action::Custom(h) => h(st, &call),
    };
    Some(result.map(|v| Reply {
        status: shape.status,
        body: (shape.shape != "empty").then_some(v),
    }))
}

// ---- bodies ------------------------------------------------------------------------------

fn type_matches(v: &Value, types: &[String]) -> bool {
    if types.is_empty() {
        return true;
    }
    types.iter().any(|t| match t.as_str() {
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => true,
    })
}

/// Check one object against a body shape.
fn validate_object(body: &BodyShape, v: Value) -> Result<Fields, ClerkError> {
    let allowed: Vec<&str> = body.props.keys().map(String::as_str).collect();
    let f = Fields::from_value(v, &allowed)?;
    for key in &body.required {
        let missing = match f.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            _ => false,
        };
        if missing {
            return Err(ClerkError::missing(key));
        }
    }
    for (key, prop) in &body.props {
        match f.get(key) {
            None | Some(Value::Null) => {}
            Some(v) if type_matches(v, &prop.types) => {}
            Some(v) => {
                let expected = prop
                    .types
                    .iter()
                    .find(|t| *t != "null")
                    .map(String::as_str)
                    .unwrap_or("string");
                return Err(ClerkError::wrong_type(key, v, expected));
            }
        }
    }
    Ok(f)
}

/// Parse and validate an object body against the spec.
pub(crate) fn validate_body(body: Option<&BodyShape>, bytes: &[u8]) -> Result<Fields, ClerkError> {
    let v = parse_json(bytes)?;
    let Some(body) = body else {
        return Fields::from_value(v, &[]);
    };
    if (v.is_null() && body.required_body) || body.array {
        return Err(ClerkError::body_invalid());
    }
    validate_object(body, v)
}

/// Parse and validate an array body (bulk operations), at most `max` items.
pub(crate) fn validate_array(call: &Call, max: usize) -> Result<Vec<Fields>, ClerkError> {
    let body = call.shape.body.as_ref().expect("array body");
    crate::req::parse_array(call.cx.body, max)?
        .into_iter()
        .map(|v| validate_object(body, v))
        .collect()
}

// ---- records -----------------------------------------------------------------------------

/// Keep the template's keys, valued from the record where it has them; nested objects are
/// projected on the template's nested objects (an empty template object, like `claims`, is
/// free-form and kept whole).
pub(crate) fn project(rec: &Value, template: &Value) -> Value {
    match (template, rec) {
        (Value::Object(t), Value::Object(r)) if !t.is_empty() => {
            let mut out = Map::new();
            for (k, default) in t {
                let v = match r.get(k) {
                    Some(v) => project(v, default),
                    None => default.clone(),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        _ => rec.clone(),
    }
}

/// A fresh id for a family.
pub(crate) fn new_id(st: &mut State, fam: &Family) -> String {
    if fam.hex_id {
        let seq = st.next_seq();
        let mut rng =
            fastrand::Rng::with_seed(st.id_seed ^ seq.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let hex: String = (0..16).map(|_| format!("{:02x}", rng.u8(..))).collect();
        format!("{}_{hex}", fam.prefix)
    } else {
        st.new_id(fam.prefix)
    }
}

/// A random secret: `prefix` + `len` base62 characters.
pub(crate) fn secret(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let body: String = (0..len)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{body}")
}

/// 404 for a record of a family.
pub(crate) fn not_found(fam: &Family, id: &str) -> ClerkError {
    ClerkError::not_found(format!("No {} was found with id {id}", fam.what))
}

/// The records of a family.
pub(crate) fn records<'a>(st: &'a State, fam: &Family) -> &'a [Value] {
    st.records.get(fam.coll).map(Vec::as_slice).unwrap_or(&[])
}

fn matches_key(fam: &Family, rec: &Value, id: &str) -> bool {
    rec["id"] == id || fam.alt_key.is_some_and(|k| rec[k] == id)
}

/// Resolve the parent named by the first path parameter.
fn parent_id(st: &State, call: &Call, fam: &Family) -> Result<Option<String>, ClerkError> {
    let Some((kind, _)) = fam.parent else {
        return Ok(None);
    };
    let raw = call.param(0);
    match kind {
        ParentKind::Organization => crate::handlers::org_id(st, raw).map(Some),
        ParentKind::Family(pf) => {
            find(st, pf, raw, None).map(|r| Some(r["id"].as_str().unwrap_or("").to_string()))
        }
    }
}

/// A record by id (or alternate key), under `parent` when given.
pub(crate) fn find<'a>(
    st: &'a State,
    fam: &Family,
    id: &str,
    parent: Option<&str>,
) -> Result<&'a Value, ClerkError> {
    records(st, fam)
        .iter()
        .find(|r| matches_key(fam, r, id) && parent.is_none_or(|p| r["_parent"] == p))
        .ok_or_else(|| not_found(fam, id))
}

/// Replace a stored record (matched by id).
pub(crate) fn save(st: &mut State, fam: &Family, rec: Value) {
    let coll = st.records.entry(fam.coll.to_string()).or_default();
    match coll.iter_mut().find(|r| r["id"] == rec["id"]) {
        Some(slot) => *slot = rec,
        None => coll.push(rec),
    }
}

/// Insert a new record (sets `_seq`).
pub(crate) fn insert(st: &mut State, fam: &Family, mut rec: Value) {
    rec["_seq"] = json!(st.next_seq());
    st.records
        .entry(fam.coll.to_string())
        .or_default()
        .push(rec);
}

fn check_unique(st: &State, fam: &Family, rec: &Value) -> Result<(), ClerkError> {
    for field in fam.unique {
        let Some(v) = rec.get(*field).filter(|v| !v.is_null()) else {
            continue;
        };
        let same = |a: &Value| match (a, v) {
            (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
            (a, b) => a == b,
        };
        let taken = records(st, fam).iter().any(|r| {
            r["id"] != rec["id"]
                && r["_parent"] == rec["_parent"]
                && r.get(*field).is_some_and(same)
        });
        if taken {
            let msg = format!(
                "That {} is taken. Please try another.",
                field.replace('_', " ")
            );
            return Err(
                ClerkError::new(422, "form_identifier_exists", msg.clone(), msg).param(field),
            );
        }
    }
    Ok(())
}

/// Copy the body's fields onto the record where it has a field of the same name.
pub(crate) fn copy_fields(rec: &mut Value, body: &Fields, keys: &[&str]) {
    for k in keys {
        if let Some(v) = body.get(k)
            && rec.get(*k).is_some()
        {
            rec[*k] = v.clone();
        }
    }
}

fn body_keys(call: &Call) -> Vec<&'static str> {
    call.shape
        .body
        .as_ref()
        .map(|b| b.props.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Sort key of a JSON scalar: numbers before strings, strings case-insensitively.
fn sort_key(v: &Value) -> (u8, f64, String) {
    match v {
        Value::Number(n) => (0, n.as_f64().unwrap_or(0.0), String::new()),
        Value::Bool(b) => (0, f64::from(u8::from(*b)), String::new()),
        Value::String(s) => (1, 0.0, s.to_lowercase()),
        _ => (2, 0.0, String::new()),
    }
}

/// The generic list: filters on the listed object's fields (`?status=pending`,
/// `?organization_id=…`), `?query=` (substring of any text field), `?<field>_query=`
/// (substring of one field), the family's own filter, `order_by` on any scalar field
/// (`-created_at` by default), `limit` / `offset`.
fn list(st: &mut State, call: &Call, fam: &Family, all: bool) -> Result<Value, ClerkError> {
    let parent = if all { None } else { parent_id(st, call, fam)? };
    let q = call.cx.q;
    let limit = q.limit()?;
    let offset = q.offset()?;
    let template = &call.shape.template;
    let fields: Vec<&str> = template
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let scalars: Vec<&str> = template
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !(v.is_object() || v.is_array()))
        .map(|(k, _)| k.as_str())
        .collect();
    let default_order = if fields.contains(&"created_at") {
        "-created_at"
    } else {
        ""
    };
    let order = if default_order.is_empty() && q.get("order_by").is_none() {
        None
    } else {
        Some(q.order_by(&scalars, default_order)?)
    };
    let needle = q
        .get("query")
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let field_queries: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|f| {
            q.get(&format!("{f}_query"))
                .filter(|s| !s.is_empty())
                .map(|v| (*f, v.to_lowercase()))
        })
        .collect();
    let reserved = ["limit", "offset", "order_by", "paginated", "query"];
    let mut items = Vec::new();
    for r in records(st, fam) {
        if parent.as_deref().is_some_and(|p| r["_parent"] != p) {
            continue;
        }
        let fields_match = fields.iter().all(|k| {
            if reserved.contains(k) {
                return true;
            }
            let wanted = q.all(k);
            wanted.is_empty()
                || wanted.iter().any(|w| match &r[*k] {
                    Value::String(s) => s == w,
                    Value::Bool(b) => w == &b.to_string(),
                    Value::Number(n) => w == &n.to_string(),
                    _ => false,
                })
        });
        let text = |v: &Value, n: &str| v.as_str().is_some_and(|s| s.to_lowercase().contains(n));
        let needle_match = needle.as_ref().is_none_or(|n| {
            r.as_object()
                .into_iter()
                .flatten()
                .any(|(k, v)| !k.starts_with('_') && text(v, n))
        });
        let field_query_match = field_queries.iter().all(|(f, n)| text(&r[*f], n));
        let own = match fam.filter {
            Some(f) => f(q, r)?,
            None => true,
        };
        if fields_match && needle_match && field_query_match && own {
            items.push(r);
        }
    }
    let seq = |r: &Value| r["_seq"].as_u64().unwrap_or(0);
    match &order {
        Some((field, desc)) => items.sort_by(|a, b| {
            let o = sort_key(&a[field.as_str()])
                .partial_cmp(&sort_key(&b[field.as_str()]))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(seq(a).cmp(&seq(b)));
            if *desc { o.reverse() } else { o }
        }),
        // No timestamps to order by: newest first.
        None => items.sort_by_key(|r| std::cmp::Reverse(seq(r))),
    }
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|r| project(r, template))
        .collect();
    list_body(call, page, total)
}

/// A list in the operation's shape: a bare array or `{data, total_count}` (a bare-array list
/// asked with `?paginated=true` answers the latter, as Clerk does).
pub(crate) fn list_body(call: &Call, page: Vec<Value>, total: usize) -> Result<Value, ClerkError> {
    let paginated = call.cx.q.bool("paginated")?.unwrap_or(false);
    Ok(if call.shape.shape == "array" && !paginated {
        Value::Array(page)
    } else {
        json!({ "data": page, "total_count": total })
    })
}

fn create(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    let parent = parent_id(st, call, fam)?;
    let body = call.body()?;
    let mut rec = call.shape.template.clone();
    copy_fields(&mut rec, &body, &body_keys(call));
    rec["id"] = json!(new_id(st, fam));
    for k in ["created_at", "updated_at"] {
        if rec.get(k).is_some() {
            rec[k] = json!(call.cx.now);
        }
    }
    if rec.get("instance_id").is_some() {
        rec["instance_id"] = json!(INSTANCE_ID);
    }
    if let (Some((_, field)), Some(p)) = (fam.parent, &parent) {
        rec["_parent"] = json!(p);
        rec[field] = json!(p);
    }
    if let Some(h) = fam.hook {
        h(st, call, &body, &mut rec, Phase::Create)?;
    }
    check_unique(st, fam, &rec)?;
    let out = call.render(&rec);
    // Secrets shown once (`client_secret`, `secret_key`) are not kept in the record.
    if let Some(o) = rec.as_object_mut() {
        o.retain(|k, _| !ONCE.contains(&k.as_str()));
    }
    insert(st, fam, rec);
    Ok(out)
}

/// Fields a create or rotate response shows once and the store never keeps in clear.
const ONCE: &[&str] = &["client_secret"];

/// The emulated instance's id.
pub(crate) const INSTANCE_ID: &str = "ins_2emulatorinstance0000000000";

fn get(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    let parent = parent_id(st, call, fam)?;
    let id = call.params.last().expect("id").clone();
    find(st, fam, &id, parent.as_deref()).map(|r| call.render(r))
}

fn update(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    let parent = parent_id(st, call, fam)?;
    let id = call.params.last().expect("id").clone();
    let mut rec = find(st, fam, &id, parent.as_deref())?.clone();
    let body = call.body()?;
    copy_fields(&mut rec, &body, &body_keys(call));
    if rec.get("updated_at").is_some() {
        rec["updated_at"] = json!(call.cx.now);
    }
    if let Some(h) = fam.hook {
        h(st, call, &body, &mut rec, Phase::Update)?;
    }
    check_unique(st, fam, &rec)?;
    let out = call.render(&rec);
    save(st, fam, rec);
    Ok(out)
}

/// Remove a record; returns it.
pub(crate) fn remove(
    st: &mut State,
    fam: &Family,
    id: &str,
    parent: Option<&str>,
) -> Result<Value, ClerkError> {
    let found = find(st, fam, id, parent)?["id"].clone();
    let coll = st.records.get_mut(fam.coll).expect("collection");
    let i = coll.iter().position(|r| r["id"] == found).expect("record");
    Ok(coll.remove(i))
}

fn delete(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    let parent = parent_id(st, call, fam)?;
    let id = call.params.last().expect("id").clone();
    let rec = remove(st, fam, &id, parent.as_deref())?;
    let mut out = call.render(&json!({
        "id": rec["id"],
        "object": rec["object"],
        "deleted": true,
    }));
    // `DeletedObject` carries optional `slug` / `external_id`; leave them out.
    if let Some(o) = out.as_object_mut() {
        o.retain(|k, v| !(matches!(k.as_str(), "slug" | "external_id") && v.as_str() == Some("")));
    }
    Ok(out)
}

/// `GET` / `PATCH` of an instance-wide settings object stored under `name`.
fn settings(st: &mut State, call: &Call, name: &str) -> Result<Value, ClerkError> {
    let current = st
        .settings
        .get(name)
        .cloned()
        .unwrap_or_else(|| families::default_settings(name));
    if call.key.starts_with("GET ") {
        return Ok(call.render(&current));
    }
    let body = call.body()?;
    let mut rec = current;
    if !rec.is_object() {
        rec = json!({});
    }
    for k in body_keys(call) {
        if let Some(v) = body.get(k)
            && !v.is_null()
        {
            rec[k] = v.clone();
        }
    }
    families::settings_hook(st, name, &body, &mut rec)?;
    let out = call.render(&rec);
    st.settings.insert(name.to_string(), rec);
    Ok(out)
}
