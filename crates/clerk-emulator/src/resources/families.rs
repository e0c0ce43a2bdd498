//! The families of the generic store, their hooks, and the operations that are more than
//! create / get / list / update / delete. Each family's block starts with its `Family`.

use serde_json::{Value, json};

use super::{
    Call, Family, INSTANCE_ID, ParentKind, Phase, find, insert, list_body, new_id, not_found,
    project, records, remove, save, secret, shape, validate_array,
};
use crate::error::ClerkError;
use crate::oauth::sha256_hex;
use crate::req::{Fields, Query, valid_email, valid_phone};
use crate::state::{Invitation, OAuthClient, State};

/// The emulated Frontend API origin, used in the URLs Clerk returns.
const FRONTEND_API: &str = "https://clerk.emulator.localhost";
/// The emulated Accounts Portal origin.
const ACCOUNTS: &str = "https://accounts.emulator.localhost";

fn family_not_pending(what: &str, code: &str, status: &str) -> ClerkError {
    ClerkError::new(
        400,
        code,
        format!("{what} is {status}"),
        format!("This {what} is {status} and cannot be revoked."),
    )
}

fn value_invalid(param: &str, long: impl Into<String>) -> ClerkError {
    ClerkError::new(422, "form_param_value_invalid", "is invalid", long).param(param)
}

fn user_exists(st: &State, id: &str) -> Result<(), ClerkError> {
    if st.users.contains_key(id) {
        Ok(())
    } else {
        Err(ClerkError::user_not_found(id))
    }
}

fn seconds(body: &Fields, key: &str, default: i64) -> Result<i64, ClerkError> {
    Ok(body.int_opt(key)?.unwrap_or(default))
}

// ---- JWT templates -------------------------------------------------------------------------

pub(crate) static JWT_TEMPLATES: Family = Family {
    coll: "jwt_templates",
    prefix: "jtmpl",
    hex_id: false,
    what: "JWT template",
    parent: None,
    alt_key: None,
    unique: &["name"],
    hook: Some(jwt_template_hook),
    filter: None,
};

const RESERVED_CLAIMS: &[&str] = &["azp", "exp", "iat", "iss", "jti", "nbf"];

fn jwt_template_hook(
    _st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create {
        for (k, default) in [("lifetime", json!(60)), ("allowed_clock_skew", json!(5))] {
            if rec[k] == json!(0) && !body.has(k) {
                rec[k] = default;
            }
        }
        if rec["signing_algorithm"] == "" {
            rec["signing_algorithm"] = json!("RS256");
        }
    }
    let lifetime = rec["lifetime"].as_i64().unwrap_or(60);
    if !(30..=315_360_000).contains(&lifetime) {
        return Err(value_invalid(
            "lifetime",
            "lifetime must be between 30 and 315360000 seconds.",
        ));
    }
    let skew = rec["allowed_clock_skew"].as_i64().unwrap_or(5);
    if !(0..=300).contains(&skew) {
        return Err(value_invalid(
            "allowed_clock_skew",
            "allowed_clock_skew must be between 0 and 300 seconds.",
        ));
    }
    if let Some(claims) = rec["claims"].as_object()
        && let Some(bad) = claims
            .keys()
            .find(|k| RESERVED_CLAIMS.contains(&k.as_str()))
    {
        return Err(value_invalid(
            "claims",
            format!("You can't use the reserved claim: {bad}"),
        ));
    }
    let alg = rec["signing_algorithm"].as_str().unwrap_or("");
    if ![
        "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512",
    ]
    .contains(&alg)
    {
        return Err(ClerkError::invalid_value("signing_algorithm", alg));
    }
    if rec["custom_signing_key"] == true {
        if body.str_opt("signing_key")?.is_none() && phase == Phase::Create {
            return Err(ClerkError::new(
                422,
                "form_conditional_param_missing",
                "is missing",
                "`signing_key` is required when `custom_signing_key` is true.",
            )
            .param("signing_key"));
        }
        if let Some(k) = body.str_opt("signing_key")? {
            rec["_signing_key_hash"] = json!(sha256_hex(&k));
        }
    }
    Ok(())
}

// ---- OAuth applications ----------------------------------------------------------------------

pub(crate) static OAUTH_APPLICATIONS: Family = Family {
    coll: "oauth_applications",
    prefix: "oa",
    hex_id: false,
    what: "OAuth application",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(oauth_application_hook),
    filter: None,
};

fn oauth_application_hook(
    st: &mut State,
    _call: &Call,
    _body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if let Some(uris) = rec["redirect_uris"].as_array()
        && let Some(bad) = uris
            .iter()
            .filter_map(Value::as_str)
            .find(|u| !u.contains("://"))
    {
        return Err(ClerkError::format_invalid(
            "redirect_uris",
            format!("{bad} is not a valid redirect URI."),
        ));
    }
    if rec["scopes"] == "" {
        rec["scopes"] = json!("profile email");
    }
    // `callback_url` is the first redirect URI (Clerk keeps both for compatibility).
    let first = rec["redirect_uris"]
        .as_array()
        .and_then(|u| u.first())
        .cloned();
    match (rec["callback_url"].as_str(), first) {
        (Some(""), Some(f)) => rec["callback_url"] = f,
        (Some(cb), None) if !cb.is_empty() => rec["redirect_uris"] = json!([cb]),
        _ => {}
    }
    if phase == Phase::Create {
        rec["client_id"] = json!(secret("", 16));
        rec["authorize_url"] = json!(format!("{FRONTEND_API}/oauth/authorize"));
        rec["token_fetch_url"] = json!(format!("{FRONTEND_API}/oauth/token"));
        rec["token_introspection_url"] = json!(format!("{FRONTEND_API}/oauth/token_info"));
        rec["user_info_url"] = json!(format!("{FRONTEND_API}/oauth/userinfo"));
        rec["discovery_url"] = json!(format!(
            "{FRONTEND_API}/.well-known/oauth-authorization-server"
        ));
        let s = secret("", 32);
        rec["_secret_hash"] = json!(sha256_hex(&s));
        rec["client_secret"] = json!(s);
    }
    sync_oauth_client(st, rec);
    Ok(())
}

/// Keep the authorization server's client registry in step with an OAuth application, so an
/// application created through the Backend API can run the authorization-code flow.
fn sync_oauth_client(st: &mut State, rec: &Value) {
    let client_id = rec["client_id"].as_str().unwrap_or("").to_string();
    let public = rec["public"] == true;
    st.oauth_clients.insert(
        client_id.clone(),
        OAuthClient {
            client_id,
            secret_hash: (!public).then(|| rec["_secret_hash"].as_str().unwrap_or("").to_string()),
            client_name: rec["name"].as_str().map(String::from),
            redirect_uris: rec["redirect_uris"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            token_endpoint_auth_method: if public {
                "none"
            } else {
                "client_secret_basic"
            }
            .into(),
            scope: rec["scopes"].as_str().map(String::from),
            created_at: rec["created_at"].as_i64().unwrap_or(0),
        },
    );
}

/// `POST /oauth_applications/{id}/rotate_secret`
pub(crate) fn rotate_oauth_secret(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    let mut rec = find(st, &OAUTH_APPLICATIONS, call.param(0), None)?.clone();
    let s = secret("", 32);
    rec["_secret_hash"] = json!(sha256_hex(&s));
    rec["updated_at"] = json!(call.cx.now);
    sync_oauth_client(st, &rec);
    save(st, &OAUTH_APPLICATIONS, rec.clone());
    rec["client_secret"] = json!(s);
    Ok(call.render(&rec))
}

/// `DELETE /oauth_applications/{id}`: also unregisters the client and revokes its tokens.
pub(crate) fn delete_oauth_application(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = remove(st, &OAUTH_APPLICATIONS, call.param(0), None)?;
    let client_id = rec["client_id"].as_str().unwrap_or("");
    st.oauth_clients.remove(client_id);
    for t in st.oauth_tokens.values_mut() {
        if t.client_id == client_id {
            t.revoked = true;
        }
    }
    Ok(crate::render::deleted("oauth_application", call.param(0)))
}

/// `POST /oauth_applications/{id}/revoke_token` (204). As RFC 7009 has it, an unknown or
/// already revoked token is not an error.
pub(crate) fn revoke_oauth_token(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let token = body.str_req("token")?;
    let app = find(st, &OAUTH_APPLICATIONS, call.param(0), None)?;
    let client_id = app["client_id"].as_str().unwrap_or("").to_string();
    let hash = sha256_hex(&token);
    for t in st.oauth_tokens.values_mut() {
        if t.client_id == client_id
            && (t.token_hash == hash || t.refresh_hash.as_deref() == Some(hash.as_str()))
        {
            t.revoked = true;
            t.revocation_reason = Some("revoked by the application".into());
            t.updated_at = call.cx.now;
        }
    }
    Ok(Value::Null)
}

// ---- Domains -----------------------------------------------------------------------------------

pub(crate) static DOMAINS: Family = Family {
    coll: "domains",
    prefix: "dmn",
    hex_id: false,
    what: "domain",
    parent: None,
    alt_key: None,
    unique: &["name"],
    hook: Some(domain_hook),
    filter: None,
};

fn domain_hook(
    _st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create && rec["is_satellite"] != true {
        return Err(value_invalid(
            "is_satellite",
            "An instance can have only one primary domain: is_satellite must be true.",
        ));
    }
    let name = rec["name"].as_str().unwrap_or("").to_string();
    if name.is_empty() {
        return Err(ClerkError::missing("name"));
    }
    if !(name.contains('.') || name.starts_with("localhost")) || name.contains('/') {
        return Err(ClerkError::format_invalid(
            "name",
            "name must be a valid domain name, like example.com.",
        ));
    }
    if let Some(p) = body.str_opt("proxy_url")?
        && !p.starts_with("https://")
    {
        return Err(ClerkError::format_invalid(
            "proxy_url",
            "proxy_url must be a valid https URL.",
        ));
    }
    rec["frontend_api_url"] = json!(format!("https://clerk.{name}"));
    rec["development_origin"] = json!("");
    if rec["is_satellite"] == true {
        rec["accounts_portal_url"] = Value::Null;
        rec["cname_targets"] = json!([
            { "host": format!("clerk.{name}"), "value": "frontend-api.clerk.services", "required": true },
        ]);
    }
    Ok(())
}

/// `DELETE /domains/{id}`: the primary domain cannot be removed.
pub(crate) fn delete_domain(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = find(st, &DOMAINS, call.param(0), None)?;
    if rec["is_satellite"] != true {
        return Err(ClerkError::new(
            400,
            "primary_domain_deletion_forbidden",
            "cannot delete the primary domain",
            "The primary domain of an instance cannot be deleted.",
        ));
    }
    remove(st, &DOMAINS, call.param(0), None)?;
    Ok(crate::render::deleted("domain", call.param(0)))
}

/// `POST /instance/change_domain` and `PUT /beta_features/domain`: the primary domain moves to
/// `home_url`'s host (its Frontend API and Accounts Portal URLs with it); 202, no body.
pub(crate) fn change_domain(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let home = body
        .str_opt("home_url")?
        .ok_or_else(|| ClerkError::missing("home_url"))?;
    body.bool_opt("is_secondary")?;
    let host = home
        .strip_prefix("https://")
        .or_else(|| home.strip_prefix("http://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .to_ascii_lowercase();
    let valid = host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with('.')
        && !host.ends_with('.');
    if !valid {
        return Err(ClerkError::format_invalid(
            "home_url",
            "home_url must be a valid URL, like https://www.example.com.",
        ));
    }
    let taken = records(st, &DOMAINS)
        .iter()
        .any(|d| d["is_satellite"] == true && d["name"] == host.as_str());
    if taken {
        return Err(ClerkError::identifier_exists("home_url", "domain"));
    }
    let Some(mut primary) = records(st, &DOMAINS)
        .iter()
        .find(|d| d["is_satellite"] != true)
        .cloned()
    else {
        return Err(ClerkError::not_found("The instance has no primary domain."));
    };
    primary["name"] = json!(host);
    primary["frontend_api_url"] = json!(format!("https://clerk.{host}"));
    primary["accounts_portal_url"] = json!(format!("https://accounts.{host}"));
    save(st, &DOMAINS, primary);
    Ok(Value::Null)
}

fn from_email_address_hook(body: &Fields) -> Result<(), ClerkError> {
    if let Some(local) = body.str_opt("from_email_address")?
        && (local.is_empty() || !local.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(ClerkError::format_invalid(
            "from_email_address",
            "from_email_address must be the local part of an email address, letters and digits only.",
        ));
    }
    Ok(())
}

/// `PUT /oauth_applications/{id}/logo` (`multipart/form-data`): sets `client_image_url`.
pub(crate) fn upload_oauth_logo(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let mut rec = find(st, &OAUTH_APPLICATIONS, call.param(0), None)?.clone();
    let url = crate::handlers::store_image(st, call.cx.body, true)?;
    rec["client_image_url"] = json!(url);
    rec["updated_at"] = json!(call.cx.now);
    save(st, &OAUTH_APPLICATIONS, rec.clone());
    Ok(call.render(&rec))
}

// ---- Allow-list / block-list identifiers -----------------------------------------------------

pub(crate) static ALLOWLIST: Family = Family {
    coll: "allowlist_identifiers",
    prefix: "alid",
    hex_id: false,
    what: "allowlist identifier",
    parent: None,
    alt_key: None,
    unique: &["identifier"],
    hook: Some(identifier_hook),
    filter: None,
};

pub(crate) static BLOCKLIST: Family = Family {
    coll: "blocklist_identifiers",
    prefix: "blid",
    hex_id: false,
    what: "blocklist identifier",
    parent: None,
    alt_key: None,
    unique: &["identifier"],
    hook: Some(identifier_hook),
    filter: None,
};

fn identifier_hook(
    _st: &mut State,
    _call: &Call,
    _body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let id = rec["identifier"]
        .as_str()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    let kind = if let Some(domain) = id.strip_prefix("*@") {
        (domain.contains('.') && !domain.contains('@')).then_some("email_address")
    } else if id.contains('@') {
        valid_email(&id).then_some("email_address")
    } else if id.starts_with('+') {
        valid_phone(&id).then_some("phone_number")
    } else if id.starts_with("0x") && id.len() == 42 {
        Some("web3_wallet")
    } else {
        None
    };
    let Some(kind) = kind else {
        return Err(ClerkError::format_invalid(
            "identifier",
            "identifier must be an email address, a phone number, a web3 wallet or a domain wildcard like *@example.com.",
        ));
    };
    rec["identifier"] = json!(id);
    rec["identifier_type"] = json!(kind);
    Ok(())
}

// ---- Redirect URLs ---------------------------------------------------------------------------

pub(crate) static REDIRECT_URLS: Family = Family {
    coll: "redirect_urls",
    prefix: "ru",
    hex_id: false,
    what: "redirect URL",
    parent: None,
    alt_key: None,
    unique: &["url"],
    hook: Some(redirect_url_hook),
    filter: None,
};

fn redirect_url_hook(
    _st: &mut State,
    _call: &Call,
    _body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let url = rec["url"].as_str().unwrap_or("");
    match url.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() && !rest.is_empty() => Ok(()),
        _ => Err(ClerkError::format_invalid(
            "url",
            "url must be a valid URL, like https://example.com/callback or myapp://callback.",
        )),
    }
}

// ---- Actor tokens, sign-in tokens, testing tokens ------------------------------------------------

pub(crate) static ACTOR_TOKENS: Family = Family {
    coll: "actor_tokens",
    prefix: "act",
    hex_id: false,
    what: "actor token",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(actor_token_hook),
    filter: None,
};

fn actor_token_hook(
    st: &mut State,
    call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    user_exists(st, rec["user_id"].as_str().unwrap_or(""))?;
    if !rec["actor"]["sub"].is_string() {
        return Err(value_invalid(
            "actor",
            "actor must be an object with a `sub` claim naming the impersonator.",
        ));
    }
    let ttl = seconds(body, "expires_in_seconds", 3600)?;
    if ttl <= 0 {
        return Err(value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be positive.",
        ));
    }
    let token = secret("", 32);
    rec["_expires_at"] = json!(call.cx.now + ttl * 1000);
    rec["status"] = json!("pending");
    rec["url"] = json!(format!("{ACCOUNTS}/v1/tickets/accept?ticket={token}"));
    rec["token"] = json!(token);
    Ok(())
}

/// Revoke a pending token of `fam` (actor tokens, sign-in tokens): a revoked token stays
/// revoked, and revoking it again is a 400.
fn revoke_pending(
    st: &mut State,
    call: &Call,
    fam: &Family,
    code: &str,
) -> Result<Value, ClerkError> {
    call.body()?;
    let mut rec = find(st, fam, call.param(0), None)?.clone();
    let status = rec["status"].as_str().unwrap_or("").to_string();
    if status != "pending" {
        return Err(family_not_pending(fam.what, code, &status));
    }
    rec["status"] = json!("revoked");
    rec["updated_at"] = json!(call.cx.now);
    save(st, fam, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /actor_tokens/{id}/revoke`
pub(crate) fn revoke_actor_token(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    revoke_pending(st, call, &ACTOR_TOKENS, "actor_token_not_pending")
}

pub(crate) static SIGN_IN_TOKENS: Family = Family {
    coll: "sign_in_tokens",
    prefix: "sit",
    hex_id: false,
    what: "sign-in token",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(sign_in_token_hook),
    filter: None,
};

fn sign_in_token_hook(
    st: &mut State,
    call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    user_exists(st, rec["user_id"].as_str().unwrap_or(""))?;
    if let Some(org) = body.str_opt("org_id")? {
        crate::handlers::org_id(st, &org)?;
    }
    let ttl = seconds(body, "expires_in_seconds", 2_592_000)?;
    if ttl <= 0 {
        return Err(value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be positive.",
        ));
    }
    let token = secret("", 32);
    rec["_expires_at"] = json!(call.cx.now + ttl * 1000);
    rec["status"] = json!("pending");
    rec["url"] = json!(format!("{ACCOUNTS}/sign-in?__clerk_ticket={token}"));
    rec["token"] = json!(token);
    Ok(())
}

/// `POST /sign_in_tokens/{id}/revoke`
pub(crate) fn revoke_sign_in_token(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    revoke_pending(st, call, &SIGN_IN_TOKENS, "sign_in_token_not_pending")
}

/// `POST /testing_tokens`: a token valid for an hour (`expires_at` in Unix seconds).
pub(crate) fn create_testing_token(_st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    let now_s = call.cx.now / 1000;
    Ok(json!({
        "object": "testing_token",
        "token": format!("{now_s}-{}", secret("", 40)),
        "expires_at": now_s + 3600,
    }))
}

// ---- Machines ---------------------------------------------------------------------------------

pub(crate) static MACHINES: Family = Family {
    coll: "machines",
    prefix: "mch",
    hex_id: false,
    what: "machine",
    parent: None,
    alt_key: None,
    unique: &["name"],
    hook: Some(machine_hook),
    filter: None,
};

fn machine_secret() -> String {
    secret("ak_", 32)
}

fn machine_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create {
        if !body.has("default_token_ttl") {
            rec["default_token_ttl"] = json!(3600);
        }
        rec["secret_key"] = json!(machine_secret());
        let scoped = body.str_array_opt("scoped_machines")?.unwrap_or_default();
        for id in &scoped {
            find(st, &MACHINES, id, None)?;
        }
        rec["_scopes"] = json!(scoped);
    }
    if rec["default_token_ttl"].as_i64().is_none_or(|t| t < 1) {
        return Err(value_invalid(
            "default_token_ttl",
            "default_token_ttl must be at least 1 second.",
        ));
    }
    rec["scoped_machines"] = scoped_machines(st, rec);
    Ok(())
}

fn scoped_machines(st: &State, rec: &Value) -> Value {
    let ids: Vec<&str> = rec["_scopes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let item = &shape("GET /machines/{machine_id}").template;
    Value::Array(
        ids.iter()
            .filter_map(|id| records(st, &MACHINES).iter().find(|m| m["id"] == *id))
            .map(|m| {
                let mut v = project(m, item);
                if let Some(o) = v.as_object_mut() {
                    o.remove("scoped_machines");
                }
                v
            })
            .collect(),
    )
}

fn render_machine(st: &State, call: &Call, rec: &Value) -> Value {
    let mut r = rec.clone();
    r["scoped_machines"] = scoped_machines(st, rec);
    call.render(&r)
}

/// `GET /machines/{id}`
pub(crate) fn get_machine(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = find(st, &MACHINES, call.param(0), None)?;
    Ok(render_machine(st, call, rec))
}

/// `GET /machines`
pub(crate) fn list_machines(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let q = call.cx.q;
    let (limit, offset) = (q.limit()?, q.offset()?);
    let needle = q.get("query").map(str::to_lowercase);
    let mut all: Vec<&Value> = records(st, &MACHINES)
        .iter()
        .filter(|m| {
            needle.as_ref().is_none_or(|n| {
                m["name"]
                    .as_str()
                    .is_some_and(|s| s.to_lowercase().contains(n))
                    || m["id"]
                        .as_str()
                        .is_some_and(|s| s.to_lowercase().contains(n))
            })
        })
        .collect();
    all.sort_by_key(|r| std::cmp::Reverse(r["_seq"].as_u64().unwrap_or(0)));
    let total = all.len();
    let page = all
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|m| render_machine(st, call, m))
        .collect();
    list_body(call, page, total)
}

/// `DELETE /machines/{id}`: also drops it from other machines' scopes.
pub(crate) fn delete_machine(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = remove(st, &MACHINES, call.param(0), None)?;
    let id = rec["id"].clone();
    if let Some(coll) = st.records.get_mut(MACHINES.coll) {
        for m in coll.iter_mut() {
            if let Some(a) = m["_scopes"].as_array_mut() {
                a.retain(|s| *s != id);
            }
        }
    }
    Ok(call.render(&json!({ "object": "machine", "id": id, "deleted": true })))
}

/// `GET /machines/{id}/secret_key`
pub(crate) fn machine_secret_key(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = find(st, &MACHINES, call.param(0), None)?;
    Ok(json!({ "object": "machine_secret_key", "secret": rec["secret_key"] }))
}

/// `POST /machines/{id}/secret_key/rotate`
pub(crate) fn rotate_machine_secret_key(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let prev = body.int_opt("previous_token_ttl")?.unwrap_or(0);
    if !(0..=28_800).contains(&prev) {
        return Err(value_invalid(
            "previous_token_ttl",
            "previous_token_ttl must be between 0 and 28800 seconds.",
        ));
    }
    let mut rec = find(st, &MACHINES, call.param(0), None)?.clone();
    rec["secret_key"] = json!(machine_secret());
    rec["updated_at"] = json!(call.cx.now);
    save(st, &MACHINES, rec.clone());
    Ok(json!({ "object": "machine_secret_key", "secret": rec["secret_key"] }))
}

/// `POST /machines/{id}/scopes`
pub(crate) fn create_machine_scope(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let to = body.str_req("to_machine_id")?;
    let mut rec = find(st, &MACHINES, call.param(0), None)?.clone();
    find(st, &MACHINES, &to, None)?;
    if rec["id"] == to {
        return Err(value_invalid(
            "to_machine_id",
            "A machine cannot be scoped to itself.",
        ));
    }
    let scopes = rec["_scopes"].as_array_mut().expect("scopes");
    if scopes.iter().any(|s| *s == to) {
        return Err(ClerkError::new(
            422,
            "form_identifier_exists",
            "scope already exists",
            "This machine can already reach that machine.",
        )
        .param("to_machine_id"));
    }
    scopes.push(json!(to));
    rec["updated_at"] = json!(call.cx.now);
    let from = rec["id"].clone();
    save(st, &MACHINES, rec);
    Ok(json!({
        "object": "machine_scope",
        "from_machine_id": from,
        "to_machine_id": to,
        "created_at": call.cx.now,
    }))
}

/// `DELETE /machines/{id}/scopes/{other_id}`
pub(crate) fn delete_machine_scope(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let mut rec = find(st, &MACHINES, call.param(0), None)?.clone();
    let to = call.param(1).to_string();
    let scopes = rec["_scopes"].as_array_mut().expect("scopes");
    let before = scopes.len();
    scopes.retain(|s| *s != to);
    if scopes.len() == before {
        return Err(ClerkError::not_found(format!(
            "No machine scope was found from {} to {to}",
            call.param(0)
        )));
    }
    let from = rec["id"].clone();
    save(st, &MACHINES, rec);
    Ok(json!({
        "object": "machine_scope",
        "from_machine_id": from,
        "to_machine_id": to,
        "deleted": true,
    }))
}

// ---- Organization permissions and roles ------------------------------------------------------------

pub(crate) static PERMISSIONS: Family = Family {
    coll: "organization_permissions",
    prefix: "perm",
    hex_id: false,
    what: "permission",
    parent: None,
    alt_key: None,
    unique: &["key"],
    hook: Some(permission_hook),
    filter: None,
};

fn permission_hook(
    _st: &mut State,
    _call: &Call,
    _body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    let key = rec["key"].as_str().unwrap_or("");
    let parts: Vec<&str> = key.split(':').collect();
    if parts.len() != 3 || parts[0] != "org" || parts.iter().any(|p| p.is_empty()) {
        return Err(ClerkError::format_invalid(
            "key",
            "key must have the format org:<feature>:<action>, like org:invoices:read.",
        ));
    }
    if parts[1].starts_with("sys_") {
        return Err(value_invalid(
            "key",
            "The org:sys_ prefix is reserved for system permissions.",
        ));
    }
    if phase == Phase::Create {
        rec["type"] = json!("user");
    }
    Ok(())
}

/// System permissions (`org:sys_*`), as every instance has them.
fn system_permission(key: &str) -> Value {
    json!({
        "object": "permission",
        "id": format!("perm_sys_{}", key.replace(':', "_")),
        "key": key,
        "name": key,
        "description": "System permission",
        "type": "system",
        "created_at": 0,
        "updated_at": 0,
    })
}

const SYSTEM_PERMISSIONS: &[&str] = &[
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_domains:read",
    "org:sys_domains:manage",
    "org:sys_billing:read",
    "org:sys_billing:manage",
];

/// A permission by id or key: a created one or a system one.
fn permission(st: &State, id_or_key: &str) -> Result<Value, ClerkError> {
    if let Some(p) = records(st, &PERMISSIONS)
        .iter()
        .find(|p| p["id"] == id_or_key || p["key"] == id_or_key)
    {
        return Ok(p.clone());
    }
    SYSTEM_PERMISSIONS
        .iter()
        .map(|k| system_permission(k))
        .find(|p| p["id"] == id_or_key || p["key"] == id_or_key)
        .ok_or_else(|| not_found(&PERMISSIONS, id_or_key))
}

pub(crate) static ROLES: Family = Family {
    coll: "organization_roles",
    prefix: "role",
    hex_id: false,
    what: "organization role",
    parent: None,
    alt_key: None,
    unique: &["key"],
    hook: Some(role_hook),
    filter: None,
};

fn role_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let key = rec["key"].as_str().unwrap_or("");
    if !key.starts_with("org:") || key.len() < 5 || key.matches(':').count() != 1 {
        return Err(ClerkError::format_invalid(
            "key",
            "key must have the format org:<role>, like org:billing_manager.",
        ));
    }
    if crate::render::ROLES.contains(&key) {
        return Err(ClerkError::identifier_exists("key", "key"));
    }
    if let Some(perms) = body.str_array_opt("permissions")? {
        let mut out = Vec::new();
        for p in &perms {
            out.push(project(&permission(st, p)?, &permission_template()));
        }
        rec["permissions"] = json!(out);
    }
    rec["is_creator_eligible"] = json!(
        rec["permissions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["key"] == "org:sys_memberships:manage"))
    );
    Ok(())
}

fn permission_template() -> Value {
    shape("GET /organization_permissions/{permission_id}")
        .template
        .clone()
}

/// `POST` / `DELETE /organization_roles/{role_id}/permissions/{permission_id}`
fn role_permission(st: &mut State, call: &Call, add: bool) -> Result<Value, ClerkError> {
    let mut rec = find(st, &ROLES, call.param(0), None)?.clone();
    let perm = permission(st, call.param(1))?;
    let list = rec["permissions"].as_array_mut().expect("permissions");
    let has = list.iter().any(|p| p["id"] == perm["id"]);
    match (add, has) {
        (true, true) => {
            return Err(ClerkError::new(
                400,
                "permission_already_assigned",
                "permission already assigned",
                "This permission is already assigned to the role.",
            ));
        }
        (false, false) => {
            return Err(ClerkError::not_found(
                "This permission is not assigned to the role.",
            ));
        }
        (true, false) => list.push(project(&perm, &permission_template())),
        (false, true) => list.retain(|p| p["id"] != perm["id"]),
    }
    rec["updated_at"] = json!(call.cx.now);
    save(st, &ROLES, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /organization_roles/{role_id}/permissions/{permission_id}`
pub(crate) fn assign_permission(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    role_permission(st, call, true)
}

/// `DELETE /organization_roles/{role_id}/permissions/{permission_id}`
pub(crate) fn remove_permission(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    role_permission(st, call, false)
}

/// `DELETE /organization_permissions/{id}`: also drops it from the roles that have it.
pub(crate) fn delete_permission(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let rec = remove(st, &PERMISSIONS, call.param(0), None)?;
    if let Some(roles) = st.records.get_mut(ROLES.coll) {
        for r in roles.iter_mut() {
            if let Some(a) = r["permissions"].as_array_mut() {
                a.retain(|p| p["id"] != rec["id"]);
            }
        }
    }
    Ok(crate::render::deleted("permission", call.param(0)))
}

/// The name and permission keys of a role created with `POST /organization_roles`.
pub(crate) fn custom_role(st: &State, key: &str) -> Option<(String, Vec<String>)> {
    let r = records(st, &ROLES).iter().find(|r| r["key"] == key)?;
    let perms = r["permissions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["key"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Some((r["name"].as_str().unwrap_or(key).to_string(), perms))
}

/// Drop what belonged to a deleted organization: its domains go, and enterprise connections
/// no longer name it.
pub(crate) fn organization_deleted(st: &mut State, org_id: &str) {
    if let Some(domains) = st.records.get_mut(ORG_DOMAINS.coll) {
        domains.retain(|d| d["_parent"] != org_id);
    }
    if let Some(conns) = st.records.get_mut(ENTERPRISE_CONNECTIONS.coll) {
        for c in conns.iter_mut().filter(|c| c["organization_id"] == org_id) {
            c["organization_id"] = Value::Null;
        }
    }
}

/// Whether `key` names a role: a built-in one or a created one.
pub(crate) fn role_exists(st: &State, key: &str) -> bool {
    crate::render::ROLES.contains(&key) || records(st, &ROLES).iter().any(|r| r["key"] == key)
}

// ---- Role sets ----------------------------------------------------------------------------------

pub(crate) static ROLE_SETS: Family = Family {
    coll: "role_sets",
    prefix: "rs",
    hex_id: false,
    what: "role set",
    parent: None,
    alt_key: Some("key"),
    unique: &["key"],
    hook: Some(role_set_hook),
    filter: None,
};

/// A role as a role set lists it.
fn role_set_item(st: &State, key: &str) -> Result<Value, ClerkError> {
    // Built-in roles exist from the instance's start.
    let now = 0;
    if let Some(r) = records(st, &ROLES).iter().find(|r| r["key"] == key) {
        return Ok(json!({
            "object": "role_set_item",
            "id": r["id"],
            "key": key,
            "name": r["name"],
            "description": r["description"],
            "has_members": null,
            "members_count": null,
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        }));
    }
    if crate::render::ROLES.contains(&key) {
        return Ok(json!({
            "object": "role_set_item",
            "id": format!("role_sys_{}", key.replace(':', "_")),
            "key": key,
            "name": crate::render::role_name(key),
            "description": null,
            "has_members": null,
            "members_count": null,
            "created_at": now,
            "updated_at": now,
        }));
    }
    Err(ClerkError::not_found(format!(
        "No role was found with key {key}"
    )))
}

fn role_set_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create {
        let roles = body.str_array_opt("roles")?.unwrap_or_default();
        let items = roles
            .iter()
            .map(|k| role_set_item(st, k))
            .collect::<Result<Vec<_>, _>>()?;
        rec["roles"] = json!(items);
        if rec["key"] == "" {
            let slug: String = rec["name"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            rec["key"] = json!(format!("role_set:{slug}"));
        }
        if !body.has("type") {
            rec["type"] = json!("custom");
        }
    }
    for (param, field) in [
        ("default_role_key", "default_role"),
        ("creator_role_key", "creator_role"),
    ] {
        if let Some(k) = body.str_opt(param)? {
            let item = rec["roles"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["key"] == k.as_str()))
                .cloned();
            match item {
                Some(i) => rec[field] = i,
                None => {
                    return Err(value_invalid(
                        param,
                        format!("{param} must be one of the role set's roles; {k} is not."),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `POST /role_sets/{key_or_id}/roles`
pub(crate) fn add_roles(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let keys = body.str_array_opt("role_keys")?.unwrap_or_default();
    if keys.is_empty() {
        return Err(ClerkError::missing("role_keys"));
    }
    let mut rec = find(st, &ROLE_SETS, call.param(0), None)?.clone();
    for k in &keys {
        let item = role_set_item(st, k)?;
        let roles = rec["roles"].as_array_mut().expect("roles");
        if roles.iter().any(|r| r["key"] == k.as_str()) {
            return Err(ClerkError::identifier_exists("role_keys", "role"));
        }
        roles.push(item);
    }
    role_set_hook(st, call, &body, &mut rec, Phase::Update)?;
    rec["updated_at"] = json!(call.cx.now);
    save(st, &ROLE_SETS, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /role_sets/{key_or_id}/roles/replace`
pub(crate) fn replace_role(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let from = body.str_req("role_key")?;
    let to = body.str_req("to_role_key")?;
    let mut rec = find(st, &ROLE_SETS, call.param(0), None)?.clone();
    let item = role_set_item(st, &to)?;
    let roles = rec["roles"].as_array_mut().expect("roles");
    let Some(i) = roles.iter().position(|r| r["key"] == from.as_str()) else {
        return Err(ClerkError::not_found(format!(
            "The role set has no role {from}"
        )));
    };
    if roles.iter().any(|r| r["key"] == to.as_str()) {
        return Err(ClerkError::identifier_exists("to_role_key", "role"));
    }
    roles[i] = item.clone();
    for field in ["default_role", "creator_role"] {
        if rec[field]["key"] == from.as_str() {
            rec[field] = item.clone();
        }
    }
    rec["updated_at"] = json!(call.cx.now);
    save(st, &ROLE_SETS, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /role_sets/{key_or_id}/replace`: the role set is replaced by another and deleted.
pub(crate) fn replace_role_set(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let dest = body.str_req("dest_role_set_key")?;
    let src = find(st, &ROLE_SETS, call.param(0), None)?.clone();
    let dst = find(st, &ROLE_SETS, &dest, None)?;
    if dst["id"] == src["id"] {
        return Err(value_invalid(
            "dest_role_set_key",
            "A role set cannot be replaced by itself.",
        ));
    }
    let id = src["id"].as_str().unwrap_or("").to_string();
    remove(st, &ROLE_SETS, &id, None)?;
    Ok(crate::render::deleted("role_set", &id))
}

// ---- Organization domains -------------------------------------------------------------------------

pub(crate) static ORG_DOMAINS: Family = Family {
    coll: "organization_domains",
    prefix: "orgdmn",
    hex_id: false,
    what: "organization domain",
    parent: Some((ParentKind::Organization, "organization_id")),
    alt_key: None,
    unique: &["name"],
    hook: Some(org_domain_hook),
    filter: Some(org_domain_filter),
};

fn domain_verification(verified: bool, strategy: &str) -> Value {
    json!({
        "status": if verified { "verified" } else { "unverified" },
        "strategy": strategy,
        "attempts": 0,
        "expire_at": null,
        "verified_at": null,
    })
}

fn org_domain_hook(
    st: &mut State,
    call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create {
        let name = body.str_req("name")?.to_lowercase();
        if !name.contains('.') || name.contains('@') || name.contains('/') {
            return Err(ClerkError::format_invalid(
                "name",
                "name must be a valid domain name, like example.com.",
            ));
        }
        rec["name"] = json!(name);
        if !body.has("enrollment_mode") {
            return Err(ClerkError::missing("enrollment_mode"));
        }
        let org_id = rec["organization_id"].as_str().unwrap_or("").to_string();
        let org = &st.organizations[&org_id];
        rec["public_organization_data"] = json!({
            "id": org.id,
            "name": org.name,
            "slug": org.slug,
            "image_url": crate::render::DEFAULT_IMAGE_URL,
            "has_image": false,
        });
        rec["ownership_verification"] = domain_verification(false, "dns_record");
    }
    let mode = rec["enrollment_mode"].as_str().unwrap_or("");
    if ![
        "manual_invitation",
        "automatic_invitation",
        "automatic_suggestion",
    ]
    .contains(&mode)
    {
        return Err(ClerkError::invalid_value("enrollment_mode", mode));
    }
    if let Some(v) = body.bool_opt("verified")? {
        let mut ver = domain_verification(v, "admin");
        if v {
            ver["verified_at"] = json!(call.cx.now);
        }
        rec["verification"] = ver;
    } else if phase == Phase::Create {
        rec["verification"] = domain_verification(false, "email_code");
    }
    Ok(())
}

/// `?verified=` and `?domains=` on organization domain lists.
fn org_domain_filter(q: &Query, rec: &Value) -> Result<bool, ClerkError> {
    if let Some(v) = q.bool("verified")?
        && (rec["verification"]["status"] == "verified") != v
    {
        return Ok(false);
    }
    let domains = q.all("domains");
    Ok(domains.is_empty() || domains.iter().any(|d| rec["name"] == d.as_str()))
}

/// `?payer_type=` on plan lists.
fn plan_filter(q: &Query, rec: &Value) -> Result<bool, ClerkError> {
    Ok(q.get("payer_type").is_none_or(|t| {
        rec["for_payer_type"] == t || (t == "org" && rec["for_payer_type"] == "organization")
    }))
}

/// `POST /organizations/{org}/domains/{id}/verify_ownership`
pub(crate) fn verify_org_domain(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let org = crate::handlers::org_id(st, call.param(0))?;
    let mut rec = find(st, &ORG_DOMAINS, call.param(1), Some(&org))?.clone();
    let mut ver = domain_verification(true, "dns_record");
    ver["verified_at"] = json!(call.cx.now);
    rec["ownership_verification"] = ver;
    rec["updated_at"] = json!(call.cx.now);
    save(st, &ORG_DOMAINS, rec.clone());
    Ok(call.render(&rec))
}

// ---- Enterprise connections and their test runs -------------------------------------------------------

pub(crate) static ENTERPRISE_CONNECTIONS: Family = Family {
    coll: "enterprise_connections",
    prefix: "ec",
    hex_id: false,
    what: "enterprise connection",
    parent: None,
    alt_key: None,
    unique: &["name"],
    hook: Some(enterprise_connection_hook),
    filter: None,
};

fn enterprise_connection_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    let provider = rec["provider"].as_str().unwrap_or("").to_string();
    let saml = provider.starts_with("saml_");
    if phase == Phase::Create
        && !saml
        && !provider.starts_with("oidc_")
        && !provider.starts_with("oauth_")
    {
        return Err(ClerkError::invalid_value("provider", &provider));
    }
    let domains = body.str_array_opt("domains")?;
    if phase == Phase::Create && domains.as_ref().is_none_or(|d| d.is_empty()) {
        return Err(ClerkError::missing("domains"));
    }
    if let Some(d) = domains {
        if let Some(bad) = d.iter().find(|d| !d.contains('.')) {
            return Err(ClerkError::format_invalid(
                "domains",
                format!("{bad} is not a valid domain name."),
            ));
        }
        rec["domains"] = json!(d);
    }
    if let Some(org) = body.str_opt("organization_id")? {
        rec["organization_id"] = json!(crate::handlers::org_id(st, &org)?);
    }
    Ok(())
}

pub(crate) static SAML_CONNECTIONS: Family = Family {
    coll: "saml_connections",
    prefix: "samlc",
    hex_id: false,
    what: "SAML connection",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(saml_connection_hook),
    filter: None,
};

fn saml_connection_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    let provider = rec["provider"].as_str().unwrap_or("").to_string();
    if !provider.starts_with("saml_") {
        return Err(ClerkError::invalid_value("provider", &provider));
    }
    // `domain` (deprecated) and `domains` are one list: the first domain is `domain`.
    let mut domains = body.str_array_opt("domains")?;
    if let Some(d) = body.str_opt("domain")?
        && domains.as_ref().is_none_or(|v| v.is_empty())
    {
        domains = Some(vec![d]);
    }
    match domains {
        Some(d) if !d.is_empty() => {
            if let Some(bad) = d.iter().find(|d| !d.contains('.') || d.contains('@')) {
                return Err(ClerkError::format_invalid(
                    "domains",
                    format!("{bad} is not a valid domain name."),
                ));
            }
            rec["domain"] = json!(d[0]);
            rec["domains"] = json!(d);
        }
        _ if phase == Phase::Create => return Err(ClerkError::missing("domains")),
        _ => {}
    }
    if let Some(org) = body.str_opt("organization_id")? {
        rec["organization_id"] = json!(crate::handlers::org_id(st, &org)?);
    }
    if let Some(url) = body.str_opt("idp_metadata_url")?
        && !url.starts_with("https://")
    {
        return Err(ClerkError::format_invalid(
            "idp_metadata_url",
            "idp_metadata_url must be a valid https URL.",
        ));
    }
    if phase == Phase::Create {
        let id = rec["id"].as_str().unwrap_or("").to_string();
        rec["acs_url"] = json!(format!("{FRONTEND_API}/v1/saml/acs/{id}"));
        rec["sp_entity_id"] = json!(format!("{FRONTEND_API}/saml/{id}"));
        rec["sp_metadata_url"] = json!(format!("{FRONTEND_API}/v1/saml/metadata/{id}.xml"));
    }
    // A connection can sign users in once the IdP is configured.
    let configured = (rec["idp_entity_id"].is_string() && rec["idp_sso_url"].is_string())
        || rec["idp_metadata"].is_string()
        || rec["idp_metadata_url"].is_string();
    rec["authenticatable"] = json!(configured);
    Ok(())
}

pub(crate) static TEST_RUNS: Family = Family {
    coll: "enterprise_connection_test_runs",
    prefix: "ectr",
    hex_id: false,
    what: "test run",
    parent: Some((
        ParentKind::Family(&ENTERPRISE_CONNECTIONS),
        "_connection_id",
    )),
    alt_key: None,
    unique: &[],
    hook: None,
    filter: None,
};

/// `POST /enterprise_connections/{id}/test_runs`: starts a run (listed as pending) and answers
/// the URL that runs it.
pub(crate) fn create_test_run(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    let conn = find(st, &ENTERPRISE_CONNECTIONS, call.param(0), None)?.clone();
    let kind = if conn["provider"].as_str().unwrap_or("").starts_with("saml_") {
        "saml"
    } else {
        "oauth"
    };
    let mut rec = shape("GET /enterprise_connections/{enterprise_connection_id}/test_runs")
        .template
        .clone();
    let id = new_id(st, &TEST_RUNS);
    rec["id"] = json!(id);
    rec["connection_type"] = json!(kind);
    rec["status"] = json!("pending");
    rec["created_at"] = json!(call.cx.now);
    rec["_parent"] = conn["id"].clone();
    insert(st, &TEST_RUNS, rec);
    Ok(json!({ "url": format!("{FRONTEND_API}/v1/enterprise_connections/test_runs/{id}") }))
}

// ---- Directories and SCIM directories ---------------------------------------------------------------

pub(crate) static DIRECTORIES: Family = Family {
    coll: "directories",
    prefix: "dir",
    hex_id: false,
    what: "directory",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(directory_hook),
    filter: None,
};

pub(crate) static SCIM_DIRECTORIES: Family = Family {
    coll: "scim_directories",
    prefix: "scim",
    hex_id: false,
    what: "SCIM directory",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(directory_hook),
    filter: None,
};

fn directory_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    phase: Phase,
) -> Result<(), ClerkError> {
    if phase == Phase::Create {
        let ec = body.str_req("enterprise_connection_id")?;
        find(st, &ENTERPRISE_CONNECTIONS, &ec, None)?;
        rec["enterprise_connection_id"] = json!(ec);
        rec["api_key"] = json!(secret("scim_", 40));
        rec["enabled"] = json!(true);
        let id = rec["id"].as_str().unwrap_or("").to_string();
        rec["endpoint_url"] = json!(format!("https://api.clerk.com/scim/v2/{id}"));
        if rec["name"] == "" {
            rec["name"] = rec["provider"].clone();
        }
    }
    let provider = rec["provider"].as_str().unwrap_or("");
    if provider.is_empty() {
        return Err(ClerkError::missing("provider"));
    }
    Ok(())
}

fn rotate_api_key(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    call.body()?;
    let mut rec = find(st, fam, call.param(0), None)?.clone();
    rec["api_key"] = json!(secret("scim_", 40));
    rec["updated_at"] = json!(call.cx.now);
    save(st, fam, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /directories/{id}/rotate_api_key`
pub(crate) fn rotate_directory_key(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    rotate_api_key(st, call, &DIRECTORIES)
}

/// `POST /scim_directories/{id}/rotate_api_key`
pub(crate) fn rotate_scim_key(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    rotate_api_key(st, call, &SCIM_DIRECTORIES)
}

pub(crate) static DIRECTORY_MAPPINGS: Family = Family {
    coll: "directory_group_role_mappings",
    prefix: "grm",
    hex_id: false,
    what: "group role mapping",
    parent: Some((ParentKind::Family(&DIRECTORIES), "directory_id")),
    alt_key: None,
    unique: &[],
    hook: Some(mapping_hook),
    filter: None,
};

pub(crate) static SCIM_MAPPINGS: Family = Family {
    coll: "scim_group_role_mappings",
    prefix: "grm",
    hex_id: false,
    what: "group role mapping",
    parent: Some((ParentKind::Family(&SCIM_DIRECTORIES), "scim_directory_id")),
    alt_key: None,
    unique: &[],
    hook: Some(mapping_hook),
    filter: None,
};

/// A role (by id or key) as a group role mapping shows it.
fn mapping_role(st: &State, id_or_key: &str) -> Result<Value, ClerkError> {
    let key = records(st, &ROLES)
        .iter()
        .find(|r| r["id"] == id_or_key || r["key"] == id_or_key)
        .and_then(|r| r["key"].as_str().map(String::from))
        .or_else(|| {
            crate::render::ROLES
                .iter()
                .find(|k| {
                    **k == id_or_key || format!("role_sys_{}", k.replace(':', "_")) == id_or_key
                })
                .map(|k| (*k).to_string())
        })
        .ok_or_else(|| ClerkError::not_found(format!("No role was found with id {id_or_key}")))?;
    let item = role_set_item(st, &key)?;
    Ok(json!({ "id": item["id"], "key": item["key"], "name": item["name"] }))
}

fn mapping_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let role = body.str_req("role_id")?;
    let template_role = &rec["role"];
    let mut r = mapping_role(st, &role)?;
    if let Some(t) = template_role.as_object() {
        r = project(&r, &Value::Object(t.clone()));
    }
    rec["role"] = r;
    let group = body
        .str_opt("scim_group_id")?
        .or(body.str_opt("directory_group_id")?);
    let Some(group) = group else {
        return Err(ClerkError::missing("scim_group_id"));
    };
    for k in ["scim_group_id", "directory_group_id"] {
        if rec.get(k).is_some() {
            rec[k] = json!(group);
        }
    }
    for k in ["scim_group_display_name", "directory_group_display_name"] {
        if rec.get(k).is_some() && rec[k].is_null() {
            rec[k] = json!(group);
        }
    }
    let parent = rec["_parent"].clone();
    for k in ["scim_directory_id", "directory_id"] {
        if rec.get(k).is_some() {
            rec[k] = parent.clone();
        }
    }
    if !body.has("precedence") {
        rec["precedence"] = json!(0);
    }
    Ok(())
}

fn replace_mappings(
    st: &mut State,
    call: &Call,
    fam: &'static Family,
) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let Some(Value::Array(items)) = body.get("mappings").cloned() else {
        return Err(ClerkError::missing("mappings"));
    };
    let Some((ParentKind::Family(pf), field)) = fam.parent else {
        unreachable!("mapping families have a directory parent")
    };
    let parent = find(st, pf, call.param(0), None)?["id"].clone();
    let template = shape(match fam.coll {
        "scim_group_role_mappings" => {
            "POST /scim_directories/{scim_directory_id}/group_role_mappings"
        }
        _ => "POST /directories/{directory_id}/group_role_mappings",
    });
    let item_shape = template.body.as_ref().expect("body");
    let mut fresh = Vec::new();
    for item in items {
        let f = super::validate_object(item_shape, item)?;
        let mut rec = template.template.clone();
        super::copy_fields(&mut rec, &f, &["precedence"]);
        rec["id"] = json!(new_id(st, fam));
        rec["created_at"] = json!(call.cx.now);
        rec["updated_at"] = json!(call.cx.now);
        rec["_parent"] = parent.clone();
        rec[field] = parent.clone();
        mapping_hook(st, call, &f, &mut rec, Phase::Create)?;
        fresh.push(rec);
    }
    if let Some(coll) = st.records.get_mut(fam.coll) {
        coll.retain(|r| r["_parent"] != parent);
    }
    let mut page = Vec::new();
    for rec in fresh {
        page.push(call.render(&rec));
        insert(st, fam, rec);
    }
    let total = page.len();
    list_body(call, page, total)
}

/// `PUT /directories/{id}/group_role_mappings`
pub(crate) fn replace_directory_mappings(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    replace_mappings(st, call, &DIRECTORY_MAPPINGS)
}

/// `PUT /scim_directories/{id}/group_role_mappings`
pub(crate) fn replace_scim_mappings(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    replace_mappings(st, call, &SCIM_MAPPINGS)
}

fn delete_mapping(st: &mut State, call: &Call, fam: &Family) -> Result<Value, ClerkError> {
    let Some((ParentKind::Family(pf), _)) = fam.parent else {
        unreachable!("mapping families have a directory parent")
    };
    let parent = find(st, pf, call.param(0), None)?["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let rec = remove(st, fam, call.param(1), Some(&parent))?;
    Ok(json!({ "object": rec["object"], "id": rec["id"], "deleted": true }))
}

/// `DELETE /directories/{id}/group_role_mappings/{mapping_id}`
pub(crate) fn delete_directory_mapping(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    delete_mapping(st, call, &DIRECTORY_MAPPINGS)
}

/// `DELETE /scim_directories/{id}/group_role_mappings/{mapping_id}`
pub(crate) fn delete_scim_mapping(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    delete_mapping(st, call, &SCIM_MAPPINGS)
}

// ---- Waitlist ------------------------------------------------------------------------------------

pub(crate) static WAITLIST: Family = Family {
    coll: "waitlist_entries",
    prefix: "wle",
    hex_id: false,
    what: "waitlist entry",
    parent: None,
    alt_key: None,
    unique: &["email_address"],
    hook: Some(waitlist_hook),
    filter: None,
};

fn waitlist_hook(
    _st: &mut State,
    _call: &Call,
    _body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let email = rec["email_address"].as_str().unwrap_or("").to_lowercase();
    crate::handlers::check_email("email_address", &email)?;
    rec["email_address"] = json!(email);
    rec["status"] = json!("pending");
    rec["invitation"] = Value::Null;
    Ok(())
}

/// `POST /waitlist_entries/bulk` (at most 50).
pub(crate) fn bulk_waitlist(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let items = validate_array(call, 50)?;
    let template = &shape("POST /waitlist_entries").template;
    let mut recs = Vec::new();
    for f in &items {
        let mut rec = template.clone();
        super::copy_fields(&mut rec, f, &["email_address"]);
        rec["id"] = json!(new_id(st, &WAITLIST));
        rec["created_at"] = json!(call.cx.now);
        rec["updated_at"] = json!(call.cx.now);
        waitlist_hook(st, call, f, &mut rec, Phase::Create)?;
        super::check_unique(st, &WAITLIST, &rec)?;
        if recs
            .iter()
            .any(|r: &Value| r["email_address"] == rec["email_address"])
        {
            return Err(ClerkError::identifier_exists(
                "email_address",
                "email address",
            ));
        }
        recs.push(rec);
    }
    let mut out = Vec::new();
    for rec in recs {
        out.push(project(&rec, template));
        insert(st, &WAITLIST, rec);
    }
    Ok(Value::Array(out))
}

/// `POST /waitlist_entries/{id}/invite`: creates an application invitation for the address.
pub(crate) fn invite_waitlist(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let ignore_existing = body.bool_opt("ignore_existing")?.unwrap_or(false);
    let mut rec = find(st, &WAITLIST, call.param(0), None)?.clone();
    if rec["status"] == "invited" && !ignore_existing {
        return Err(ClerkError::new(
            400,
            "waitlist_entry_already_invited",
            "already invited",
            "This waitlist entry has already been invited.",
        ));
    }
    let email = rec["email_address"].as_str().unwrap_or("").to_string();
    let id = st.new_id("inv");
    let seq = st.seq;
    let inv = Invitation {
        id: id.clone(),
        seq,
        email_address: email,
        public_metadata: json!({}),
        status: "pending".into(),
        url: Some(format!(
            "{ACCOUNTS}/sign-up?__clerk_ticket={}",
            secret("", 32)
        )),
        expires_at: Some(call.cx.now + 30 * 86_400_000),
        created_at: call.cx.now,
        updated_at: call.cx.now,
    };
    rec["invitation"] = crate::render::invitation(&inv);
    st.invitations.insert(id, inv);
    rec["status"] = json!("invited");
    rec["updated_at"] = json!(call.cx.now);
    save(st, &WAITLIST, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /waitlist_entries/{id}/reject`
pub(crate) fn reject_waitlist(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    let mut rec = find(st, &WAITLIST, call.param(0), None)?.clone();
    if rec["status"] == "rejected" {
        return Err(ClerkError::new(
            400,
            "waitlist_entry_already_rejected",
            "already rejected",
            "This waitlist entry has already been rejected.",
        ));
    }
    rec["status"] = json!("rejected");
    rec["updated_at"] = json!(call.cx.now);
    save(st, &WAITLIST, rec.clone());
    Ok(call.render(&rec))
}

// ---- Webhooks (Svix) ------------------------------------------------------------------------------

fn svix_url(st: &State) -> Value {
    let app = st.settings["svix"]["app_id"].as_str().unwrap_or("");
    json!({ "svix_url": format!("https://app.svix.com/app-portal/login/{app}") })
}

/// `POST /webhooks/svix`
pub(crate) fn create_svix(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    if !st.settings.contains_key("svix") {
        let app = format!("app_{}", secret("", 27));
        st.settings.insert("svix".into(), json!({ "app_id": app }));
    }
    Ok(svix_url(st))
}

fn no_svix() -> ClerkError {
    ClerkError::new(
        400,
        "svix_app_missing",
        "Svix app missing",
        "There is no Svix app for this instance: create one with POST /webhooks/svix.",
    )
}

/// `DELETE /webhooks/svix` (204)
pub(crate) fn delete_svix(st: &mut State, _call: &Call) -> Result<Value, ClerkError> {
    st.settings.remove("svix").ok_or_else(no_svix)?;
    Ok(Value::Null)
}

/// `POST /webhooks/svix_url`
pub(crate) fn svix_url_op(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    if !st.settings.contains_key("svix") {
        return Err(no_svix());
    }
    Ok(svix_url(st))
}

// ---- Instance settings -------------------------------------------------------------------------------

/// The settings an instance starts with.
pub(crate) fn default_settings(name: &str) -> Value {
    let key = match name {
        "instance" => "GET /instance",
        "restrictions" => "PATCH /instance/restrictions",
        "communication" => "GET /instance/communication",
        "protect" => "GET /instance/protect",
        "organization_settings" => "GET /instance/organization_settings",
        "beta_instance_settings" => "PATCH /beta_features/instance_settings",
        _ => "GET /instance/oauth_application_settings",
    };
    let mut v = shape(key).template.clone();
    match name {
        "instance" => {
            v["id"] = json!(INSTANCE_ID);
            v["hibp"] = json!(true);
        }
        "beta_instance_settings" => {
            v["id"] = json!(INSTANCE_ID);
            v["from_email_address"] = json!("notifications");
        }
        "organization_settings" => {
            v["enabled"] = json!(true);
            v["max_allowed_memberships"] = json!(5);
            v["max_allowed_roles"] = json!(10);
            v["max_allowed_permissions"] = json!(50);
            v["creator_role"] = json!("org:admin");
            v["domains_default_role"] = json!("org:member");
            v["admin_delete_enabled"] = json!(true);
        }
        "oauth_application_settings" => {
            v["dynamic_oauth_client_registration"] = json!(true);
            v["default_scopes"] = json!(["profile", "email"]);
        }
        _ => {}
    }
    v
}

/// Checks and derived fields for a settings `PATCH`.
pub(crate) fn settings_hook(
    st: &mut State,
    name: &str,
    body: &Fields,
    rec: &mut Value,
) -> Result<(), ClerkError> {
    match name {
        "beta_instance_settings" => from_email_address_hook(body)?,
        "organization_settings" => {
            for (param, field) in [
                ("creator_role_id", "creator_role"),
                ("domains_default_role_id", "domains_default_role"),
            ] {
                if let Some(role) = body.str_opt(param)? {
                    let r = mapping_role(st, &role)?;
                    rec[field] = r["key"].clone();
                    if let Some(o) = rec.as_object_mut() {
                        o.remove(param);
                    }
                }
            }
            if rec["max_allowed_memberships"]
                .as_i64()
                .is_some_and(|n| n < 0)
            {
                return Err(value_invalid(
                    "max_allowed_memberships",
                    "max_allowed_memberships must be 0 (unlimited) or more.",
                ));
            }
        }
        "communication" => {
            if let Some(codes) = body.str_array_opt("blocked_country_codes")?
                && let Some(bad) = codes
                    .iter()
                    .find(|c| c.len() != 2 || !c.chars().all(|c| c.is_ascii_alphabetic()))
            {
                return Err(ClerkError::invalid_value("blocked_country_codes", bad));
            }
        }
        "instance" => {
            if let Some(origins) = body.str_array_opt("allowed_origins")?
                && let Some(bad) = origins.iter().find(|o| !o.contains("://"))
            {
                return Err(ClerkError::format_invalid(
                    "allowed_origins",
                    format!("{bad} is not a valid origin."),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether passwords are checked against breach lists (`PATCH /instance` `hibp`).
pub(crate) fn hibp_enabled(st: &State) -> bool {
    st.settings
        .get("instance")
        .and_then(|i| i.get("hibp"))
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

// ---- Billing ---------------------------------------------------------------------------------------------

pub(crate) static PLANS: Family = Family {
    coll: "billing_plans",
    prefix: "cplan",
    hex_id: false,
    what: "plan",
    parent: None,
    alt_key: Some("slug"),
    unique: &["slug"],
    hook: None,
    filter: Some(plan_filter),
};

pub(crate) static PRICES: Family = Family {
    coll: "billing_prices",
    prefix: "cprice",
    hex_id: false,
    what: "price",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(price_hook),
    filter: None,
};

pub(crate) static SUBSCRIPTION_ITEMS: Family = Family {
    coll: "billing_subscription_items",
    prefix: "csubi",
    hex_id: false,
    what: "subscription item",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: None,
    filter: None,
};

pub(crate) static STATEMENTS: Family = Family {
    coll: "billing_statements",
    prefix: "cstmt",
    hex_id: false,
    what: "statement",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: None,
    filter: None,
};

pub(crate) static PAYMENT_ATTEMPTS: Family = Family {
    coll: "billing_payment_attempts",
    prefix: "cpatt",
    hex_id: false,
    what: "payment attempt",
    parent: Some((ParentKind::Family(&STATEMENTS), "statement_id")),
    alt_key: None,
    unique: &[],
    hook: None,
    filter: None,
};

pub(crate) fn money(amount: i64) -> Value {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    json!({
        "amount": amount,
        "amount_formatted": format!("{sign}{}.{:02}", abs / 100, abs % 100),
        "currency": "USD",
        "currency_symbol": "$",
    })
}

fn price_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let plan = body.str_req("plan_id")?;
    find(st, &PLANS, &plan, None)?;
    let amount = body
        .int_opt("amount")?
        .ok_or_else(|| ClerkError::missing("amount"))?;
    if amount < 0 {
        return Err(value_invalid(
            "amount",
            "amount must be 0 or more (in cents).",
        ));
    }
    let currency = body.str_opt("currency")?.unwrap_or_else(|| "USD".into());
    if currency != "USD" {
        return Err(ClerkError::invalid_value("currency", &currency));
    }
    rec["plan_id"] = json!(plan);
    rec["currency"] = json!(currency);
    rec["currency_symbol"] = json!("$");
    rec["amount"] = json!(amount);
    rec["fee"] = money(amount);
    let annual = body.int_opt("annual_monthly_amount")?.unwrap_or(amount);
    rec["annual_monthly_amount"] = json!(annual);
    rec["annual_monthly_fee"] = money(annual);
    let periods = body
        .str_opt("supported_billing_periods")?
        .unwrap_or_else(|| "both".into());
    if !["month", "annual", "both"].contains(&periods.as_str()) {
        return Err(ClerkError::invalid_value(
            "supported_billing_periods",
            &periods,
        ));
    }
    rec["supported_billing_periods"] = json!(periods);
    Ok(())
}

/// A subscription item as `CommerceSubscriptionItem-2` (the free-trial and price-transition
/// responses) has it.
fn item_v2(rec: &Value) -> Value {
    let template =
        &shape("POST /billing/subscription_items/{subscription_item_id}/extend_free_trial")
            .template;
    let mut out = project(rec, template);
    // Its payer (`CommercePayerResponse-2`) has non-nullable optional fields: a user payer
    // leaves the organization ones out.
    if let Some(p) = out["payer"].as_object_mut() {
        p.retain(|k, v| !v.is_null() && k != "credits_balance");
    }
    if out["payment_source_id"].is_null() || out["payment_source_id"] == "" {
        out["payment_source_id"] = rec["payment_method"]["id"].clone();
    }
    out
}

fn find_item(st: &State, id: &str) -> Result<Value, ClerkError> {
    find(st, &SUBSCRIPTION_ITEMS, id, None).cloned()
}

/// `DELETE /billing/subscription_items/{id}`: cancels at the end of the period, or at once with
/// `?end_now=true`.
pub(crate) fn cancel_subscription_item(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let mut rec = find_item(st, call.param(0))?;
    if rec["status"] == "canceled" || rec["status"] == "ended" {
        return Err(ClerkError::new(
            400,
            "subscription_item_already_canceled",
            "already canceled",
            "This subscription item is already canceled.",
        ));
    }
    let now = call.cx.now;
    rec["canceled_at"] = json!(now);
    if call.cx.q.bool("end_now")?.unwrap_or(false) {
        rec["status"] = json!("ended");
        rec["ended_at"] = json!(now);
    } else {
        rec["status"] = json!("canceled");
    }
    rec["updated_at"] = json!(now);
    save(st, &SUBSCRIPTION_ITEMS, rec.clone());
    Ok(call.render(&rec))
}

/// `POST /billing/subscription_items/{id}/extend_free_trial`
pub(crate) fn extend_free_trial(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let to = body
        .time_opt("extend_to")?
        .ok_or_else(|| ClerkError::missing("extend_to"))?;
    let mut rec = find_item(st, call.param(0))?;
    if rec["is_free_trial"] != true {
        return Err(ClerkError::new(
            400,
            "subscription_item_not_in_free_trial",
            "not in a free trial",
            "Only a subscription item in its free trial can have the trial extended.",
        ));
    }
    let end = rec["period_end"].as_i64().unwrap_or(call.cx.now);
    if to <= end.max(call.cx.now) {
        return Err(value_invalid(
            "extend_to",
            "extend_to must be after the current end of the free trial.",
        ));
    }
    rec["period_end"] = json!(to);
    rec["updated_at"] = json!(call.cx.now);
    save(st, &SUBSCRIPTION_ITEMS, rec.clone());
    Ok(item_v2(&rec))
}

/// `POST /billing/subscription_items/{id}/price_transition`
pub(crate) fn price_transition(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let from = body.str_req("from_price_id")?;
    let to = body.str_req("to_price_id")?;
    let mut rec = find_item(st, call.param(0))?;
    if rec["price_id"] != from.as_str() {
        return Err(value_invalid(
            "from_price_id",
            "from_price_id must be the subscription item's current price.",
        ));
    }
    let price = find(st, &PRICES, &to, None)?.clone();
    rec["price_id"] = json!(to);
    rec["plan_id"] = price["plan_id"].clone();
    rec["updated_at"] = json!(call.cx.now);
    save(st, &SUBSCRIPTION_ITEMS, rec.clone());
    let mut out = call.shape.template.clone();
    out["subscription_item"] = item_v2(&rec);
    if out["transition"].is_object() {
        let mut t = out["transition"].clone();
        for (k, v) in [
            ("from_price_id", json!(from)),
            ("to_price_id", json!(to)),
            ("effective_at", json!(call.cx.now)),
            ("created_at", json!(call.cx.now)),
        ] {
            if t.get(k).is_some() {
                t[k] = v;
            }
        }
        out["transition"] = t;
    }
    Ok(out)
}

/// `POST /billing/subscription_items/{id}/discounts`
pub(crate) fn apply_discount(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let discount = body.str_req("discount_id")?;
    let mut rec = find_item(st, call.param(0))?;
    if !rec["_discounts"].is_array() {
        rec["_discounts"] = json!([]);
    }
    if rec["_discounts"]
        .as_array()
        .expect("array")
        .iter()
        .any(|d| d["discount_id"] == discount.as_str())
    {
        return Err(ClerkError::identifier_exists("discount_id", "discount"));
    }
    let mut redemption = call.shape.template.clone();
    redemption["id"] = json!(st.new_id("cdred"));
    redemption["discount_id"] = json!(discount);
    redemption["subscription_item_id"] = rec["id"].clone();
    redemption["redeemed_at"] = json!(call.cx.now);
    redemption["status"] = json!("active");
    rec["_discounts"]
        .as_array_mut()
        .expect("array")
        .push(redemption.clone());
    save(st, &SUBSCRIPTION_ITEMS, rec);
    Ok(call.render(&redemption))
}

/// `DELETE /billing/subscription_items/{id}/discounts/{discount_id}`
pub(crate) fn remove_discount(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let mut rec = find_item(st, call.param(0))?;
    let discounts = rec["_discounts"].as_array_mut();
    let Some(list) = discounts else {
        return Err(ClerkError::not_found(
            "This subscription item has no such discount.",
        ));
    };
    let Some(i) = list
        .iter()
        .position(|d| d["discount_id"] == call.param(1) || d["id"] == call.param(1))
    else {
        return Err(ClerkError::not_found(
            "This subscription item has no such discount.",
        ));
    };
    let mut redemption = list.remove(i);
    redemption["status"] = json!("removed");
    save(st, &SUBSCRIPTION_ITEMS, rec);
    Ok(call.render(&redemption))
}

// ---- Agent tasks, admin portal link tokens -----------------------------------------------------------

pub(crate) static AGENT_TASKS: Family = Family {
    coll: "agent_tasks",
    prefix: "agtask",
    hex_id: false,
    what: "agent task",
    parent: None,
    alt_key: Some("agent_task_id"),
    unique: &[],
    hook: Some(agent_task_hook),
    filter: None,
};

fn agent_task_hook(
    st: &mut State,
    _call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    let on_behalf = body.get("on_behalf_of").cloned().unwrap_or(Value::Null);
    let user = on_behalf["user_id"].as_str().unwrap_or("");
    if user.is_empty() {
        return Err(value_invalid(
            "on_behalf_of",
            "on_behalf_of must name the user the agent acts for: {\"user_id\": \"user_…\"}.",
        ));
    }
    user_exists(st, user)?;
    let redirect = body.str_req("redirect_url")?;
    if !redirect.contains("://") {
        return Err(ClerkError::format_invalid(
            "redirect_url",
            "redirect_url must be a valid URL.",
        ));
    }
    let id = rec["id"].clone();
    rec["agent_task_id"] = id.clone();
    rec["task_id"] = id;
    rec["agent_id"] = json!(st.new_id("agent"));
    rec["url"] = json!(format!("{ACCOUNTS}/agent-task?ticket={}", secret("", 32)));
    rec["_user_id"] = json!(user);
    rec["_revoked"] = json!(false);
    Ok(())
}

/// `POST /agents/tasks/{id}/revoke`: a revoked task stays revoked.
pub(crate) fn revoke_agent_task(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    call.body()?;
    let mut rec = find(st, &AGENT_TASKS, call.param(0), None)?.clone();
    if rec["_revoked"] == true {
        return Err(family_not_pending(
            "agent task",
            "agent_task_already_revoked",
            "revoked",
        ));
    }
    rec["_revoked"] = json!(true);
    save(st, &AGENT_TASKS, rec.clone());
    Ok(call.render(&rec))
}

pub(crate) static ADMIN_PORTAL_TOKENS: Family = Family {
    coll: "admin_portal_link_tokens",
    prefix: "aplt",
    hex_id: true,
    what: "admin portal link token",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: Some(admin_portal_hook),
    filter: None,
};

fn admin_portal_hook(
    st: &mut State,
    call: &Call,
    body: &Fields,
    rec: &mut Value,
    _phase: Phase,
) -> Result<(), ClerkError> {
    if let Some(org) = body.str_opt("organization_id")? {
        rec["organization_id"] = json!(crate::handlers::org_id(st, &org)?);
    }
    let ttl = body.int_opt("seconds_until_expiration")?;
    if ttl.is_some_and(|t| t <= 0) {
        return Err(value_invalid(
            "seconds_until_expiration",
            "seconds_until_expiration must be positive.",
        ));
    }
    rec["expiration"] = json!(ttl.map(|t| call.cx.now + t * 1000));
    rec["expired"] = json!(false);
    rec["revoked"] = json!(false);
    rec["revocation_reason"] = Value::Null;
    let hex: String = secret("", 27);
    rec["admin_portal_link_id"] = json!(format!("apl_{hex}"));
    rec["token"] = json!(secret("aplt_", 32));
    Ok(())
}

/// `POST /admin_portal_link_tokens/{id}/revoke`
pub(crate) fn revoke_admin_portal_token(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let mut rec = find(st, &ADMIN_PORTAL_TOKENS, call.param(0), None)?.clone();
    if rec["revoked"] == true {
        return Err(family_not_pending(
            "admin portal link token",
            "admin_portal_link_token_already_revoked",
            "revoked",
        ));
    }
    rec["revoked"] = json!(true);
    rec["revocation_reason"] = json!(
        body.str_opt("revocation_reason")?
            .unwrap_or_else(|| "Revoked".into())
    );
    rec["updated_at"] = json!(call.cx.now);
    save(st, &ADMIN_PORTAL_TOKENS, rec.clone());
    Ok(call.render(&rec))
}

// ---- Session tokens ----------------------------------------------------------------------------------

/// The value at a dotted path (`user.public_metadata.role`) of the shortcode context.
fn lookup<'a>(ctx: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(ctx, |v, k| v.get(k).unwrap_or(&Value::Null))
}

/// Resolve a JWT template's shortcodes: a string that is exactly `{{path}}` takes the value
/// (any JSON), `{{path}}` inside a longer string is replaced by its text; unknown paths are
/// `null` (or empty inside a string).
fn resolve_claims(v: &Value, ctx: &Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if let Some(path) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}"))
                && !path.contains("{{")
            {
                return lookup(ctx, path.trim()).clone();
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                let Some(end) = rest[start..].find("}}") else {
                    break;
                };
                out.push_str(&rest[..start]);
                match lookup(ctx, rest[start + 2..start + end].trim()) {
                    Value::Null => {}
                    Value::String(x) => out.push_str(x),
                    other => out.push_str(&other.to_string()),
                }
                rest = &rest[start + end + 2..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| resolve_claims(x, ctx)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), resolve_claims(x, ctx)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `POST /sessions/{id}/tokens` (Clerk's session token: `sid`, `sub`, the active
/// organization as `o`, 60 s) and `POST /sessions/{id}/tokens/{template_name}` (the template's
/// claims with their shortcodes resolved, its lifetime). Signed RS256 with the key of
/// `GET /v1/jwks`.
pub(crate) fn session_token(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let ttl = body.int_opt("expires_in_seconds")?;
    if ttl.is_some_and(|t| !(30..=315_360_000).contains(&t)) {
        return Err(value_invalid(
            "expires_in_seconds",
            "expires_in_seconds must be between 30 and 315360000.",
        ));
    }
    let sid = call.param(0);
    let session = st
        .sessions
        .get(sid)
        .filter(|s| s.status == "active")
        .ok_or_else(|| ClerkError::not_found(format!("No active session was found with id {sid}")))?
        .clone();
    let user = st
        .users
        .get(&session.user_id)
        .ok_or_else(|| ClerkError::user_not_found(&session.user_id))?;
    let now = call.cx.now / 1000;
    let org = session
        .last_active_organization_id
        .as_deref()
        .and_then(|id| st.organizations.get(id));
    let role = org
        .and_then(|o| st.membership(&o.id, &user.id))
        .map(|m| m.role.clone());
    let mut claims = json!({
        "iss": FRONTEND_API,
        "sub": user.id,
        "sid": session.id,
        "iat": now,
        "nbf": now - 5,
        "v": 2,
    });
    let lifetime = match call.params.get(1) {
        None => {
            if let Some(o) = org {
                claims["o"] = json!({ "id": o.id, "slg": o.slug, "rol": role.as_deref().map(|r| r.trim_start_matches("org:")) });
            }
            ttl.unwrap_or(60)
        }
        Some(name) => {
            let t = records(st, &JWT_TEMPLATES)
                .iter()
                .find(|t| t["name"] == name.as_str())
                .ok_or_else(|| {
                    ClerkError::not_found(format!("No JWT template was found with name {name}"))
                })?;
            let mut user_ctx = crate::render::user(user);
            user_ctx["primary_email_address"] =
                json!(user.primary_email().map(|e| e.email_address.clone()));
            user_ctx["primary_phone_number"] =
                json!(user.primary_phone().map(|p| p.phone_number.clone()));
            let org_ctx = match org {
                Some(o) => json!({
                    "id": o.id, "name": o.name, "slug": o.slug, "role": role,
                    "public_metadata": o.public_metadata,
                }),
                None => Value::Null,
            };
            let ctx = json!({ "user": user_ctx, "org": org_ctx, "session": { "id": session.id } });
            if let Value::Object(extra) = resolve_claims(&t["claims"], &ctx) {
                for (k, v) in extra {
                    claims[k] = v;
                }
            }
            ttl.or(t["lifetime"].as_i64()).unwrap_or(60)
        }
    };
    claims["exp"] = json!(now + lifetime);
    Ok(json!({ "object": "token", "jwt": crate::oauth::sign_rs256(&claims) }))
}

/// `POST /sessions/{session_id}/refresh`: a fresh session token for the session the expired one
/// was issued for. Any failure is a 401, which tells Clerk's SDKs to fall back to the handshake.
/// The emulator issues no Frontend API refresh tokens, so any non-empty `refresh_token` passes.
pub(crate) fn refresh_session(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body().map_err(|e| {
        let out = ClerkError::new(400, e.code(), e.message(), e.long_message());
        match e.meta().get("param_name").and_then(Value::as_str) {
            Some(p) => out.param(p),
            None => out,
        }
    })?;
    let refused = |long: &str| {
        ClerkError::new(
            401,
            "authentication_invalid",
            "Invalid authentication",
            long,
        )
    };
    let format = body.str_opt("format")?.unwrap_or_else(|| "token".into());
    if format != "token" && format != "cookie" {
        return Err(ClerkError::new(
            400,
            "form_param_value_invalid",
            "is invalid",
            format!("{format} does not match one of the allowed values for parameter format"),
        )
        .param("format"));
    }
    let sid = call.param(0);
    let claims = crate::oauth::decode_rs256_ignoring_exp(&body.str_req("expired_token")?)
        .ok_or_else(|| refused("expired_token is not a session token of this instance."))?;
    if claims["sid"] != sid {
        return Err(refused("expired_token was not issued for this session."));
    }
    if st.sessions.get(sid).is_none_or(|s| s.status != "active") {
        return Err(refused("The session is not active."));
    }
    let token = session_token(st, call)?;
    if format == "token" {
        return Ok(token);
    }
    let jwt = token["jwt"].as_str().unwrap_or("");
    Ok(json!({
        "object": "cookies",
        "cookies": [
            format!("__session={jwt}; Path=/; Secure; SameSite=Lax"),
            format!("__client_uat={}; Path=/; Secure; SameSite=Lax", call.cx.now / 1000),
        ],
    }))
}

// ---- Sign-ups, clients, proxy checks --------------------------------------------------------------------

pub(crate) static SIGN_UPS: Family = Family {
    coll: "sign_ups",
    prefix: "sua",
    hex_id: false,
    what: "sign-up",
    parent: None,
    alt_key: None,
    unique: &[],
    hook: None,
    filter: None,
};

/// The clients the instance knows: one per `client_id` of its sessions.
fn clients(st: &State) -> Vec<Value> {
    let mut by_client: std::collections::BTreeMap<&str, Vec<&crate::state::Session>> =
        std::collections::BTreeMap::new();
    for s in st.sessions.values() {
        by_client.entry(s.client_id.as_str()).or_default().push(s);
    }
    by_client
        .into_iter()
        .map(|(id, mut sessions)| {
            sessions.sort_by_key(|s| s.seq);
            let last_active = sessions
                .iter()
                .filter(|s| s.status == "active")
                .max_by_key(|s| s.last_active_at)
                .map(|s| s.id.clone());
            json!({
                "object": "client",
                "id": id,
                "session_ids": sessions.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                "sessions": sessions.iter().map(|s| crate::render::session(s)).collect::<Vec<_>>(),
                "sign_in_id": null,
                "sign_up_id": null,
                "last_active_session_id": last_active,
                "last_authentication_strategy": null,
                "created_at": sessions.iter().map(|s| s.created_at).min().unwrap_or(0),
                "updated_at": sessions.iter().map(|s| s.updated_at).max().unwrap_or(0),
            })
        })
        .collect()
}

/// `GET /clients`
pub(crate) fn list_clients(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let q = call.cx.q;
    let (limit, offset) = (q.limit()?, q.offset()?);
    let all = clients(st);
    let total = all.len();
    let page = all.into_iter().skip(offset).take(limit).collect();
    list_body(call, page, total)
}

fn client_not_found(id: &str) -> ClerkError {
    ClerkError::not_found(format!("No client was found with id {id}"))
}

/// `GET /clients/{id}`
pub(crate) fn get_client(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    clients(st)
        .into_iter()
        .find(|c| c["id"] == call.param(0))
        .ok_or_else(|| client_not_found(call.param(0)))
}

/// `POST /clients/verify`: the token is the client's `__client` JWT (its payload's `id` names
/// the client; the emulator reads it without a signature check) or the client id itself.
pub(crate) fn verify_client(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let token = body.str_req("token")?;
    let id = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            data_encoding::BASE64URL_NOPAD
                .decode(p.trim_end_matches('=').as_bytes())
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|claims| claims["id"].as_str().map(String::from))
        .unwrap_or(token);
    clients(st)
        .into_iter()
        .find(|c| c["id"] == id.as_str())
        .ok_or_else(|| {
            ClerkError::new(
                400,
                "client_token_invalid",
                "invalid client token",
                "The client token is invalid or names no client of this instance.",
            )
            .param("token")
        })
}

/// `POST /proxy_checks`: checks that `proxy_url` is a valid https URL for a known domain.
pub(crate) fn proxy_check(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let domain = body.str_req("domain_id")?;
    let url = body.str_req("proxy_url")?;
    let d = find(st, &DOMAINS, &domain, None)?.clone();
    let host = url
        .strip_prefix("https://")
        .and_then(|r| r.split('/').next())
        .unwrap_or("");
    let name = d["name"].as_str().unwrap_or("");
    if host.is_empty() || !(host == name || host.ends_with(&format!(".{name}"))) {
        return Err(ClerkError::new(
            400,
            "proxy_request_invalid",
            "proxy check failed",
            format!("The proxy URL must be an https URL on the domain {name}."),
        )
        .param("proxy_url"));
    }
    Ok(json!({
        "object": "proxy_check",
        "id": st.new_id("proxychk"),
        "domain_id": domain,
        "proxy_url": url,
        "successful": true,
        "last_run_at": call.cx.now,
        "created_at": call.cx.now,
        "updated_at": call.cx.now,
    }))
}

// ---- seed --------------------------------------------------------------------------------------------------

/// Data the demo instance starts with: its primary domain, billing plans, prices, a
/// subscription item, a statement with a payment attempt, and a sign-up in progress.
pub(crate) fn seed_demo(st: &mut State, now: i64) {
    let mut domain = shape("GET /domains").template.clone();
    domain["id"] = json!(st.new_id("dmn"));
    domain["name"] = json!("emulator.localhost");
    domain["is_satellite"] = json!(false);
    domain["frontend_api_url"] = json!(FRONTEND_API);
    domain["accounts_portal_url"] = json!(ACCOUNTS);
    domain["development_origin"] = json!("http://localhost:3000");
    insert(st, &DOMAINS, domain);

    let plan_template = shape("GET /billing/plans").template.clone();
    let price_template = shape("GET /billing/prices").template.clone();
    let mut plan_ids = Vec::new();
    let mut price_ids = Vec::new();
    for (slug, name, amount, default, payer_type) in [
        ("free_user", "Free", 0, true, "user"),
        ("pro", "Pro", 2000, false, "user"),
        ("free_org", "Free (organizations)", 0, true, "org"),
    ] {
        let mut p = plan_template.clone();
        let id = st.new_id("cplan");
        p["id"] = json!(id);
        p["name"] = json!(name);
        p["slug"] = json!(slug);
        p["product_id"] = json!(st.new_id("cprod"));
        p["for_payer_type"] = json!(payer_type);
        p["is_default"] = json!(default);
        p["is_recurring"] = json!(true);
        p["publicly_visible"] = json!(true);
        p["has_base_fee"] = json!(amount > 0);
        if p.get("fee").is_some() {
            p["fee"] = money(amount);
            p["annual_monthly_fee"] = money(amount * 10 / 12);
            p["annual_fee"] = money(amount * 10);
        }
        insert(st, &PLANS, p);
        let mut pr = price_template.clone();
        let pid = st.new_id("cprice");
        pr["id"] = json!(pid);
        pr["plan_id"] = json!(id);
        pr["instance_id"] = json!(INSTANCE_ID);
        pr["amount"] = json!(amount);
        pr["annual_monthly_amount"] = json!(amount * 10 / 12);
        pr["fee"] = money(amount);
        pr["annual_monthly_fee"] = money(amount * 10 / 12);
        pr["currency"] = json!("USD");
        pr["currency_symbol"] = json!("$");
        pr["is_default"] = json!(true);
        pr["created_at"] = json!(now);
        insert(st, &PRICES, pr);
        plan_ids.push(id);
        price_ids.push(pid);
    }
    let Some(user) = st.users.values().next().cloned() else {
        return;
    };
    let mut payer = shape("GET /billing/subscription_items").template["payer"].clone();
    payer["id"] = json!(st.new_id("cpayer"));
    payer["instance_id"] = json!(INSTANCE_ID);
    payer["user_id"] = json!(user.id);
    payer["first_name"] = json!(user.first_name);
    payer["last_name"] = json!(user.last_name);
    payer["email"] = json!(user.primary_email().map(|e| e.email_address.clone()));
    payer["image_url"] = json!(crate::render::DEFAULT_IMAGE_URL);
    payer["credits_balance"] = money(0);
    payer["created_at"] = json!(now);
    payer["updated_at"] = json!(now);
    let mut item = shape("GET /billing/subscription_items").template.clone();
    let item_id = st.new_id("csubi");
    item["id"] = json!(item_id);
    item["instance_id"] = json!(INSTANCE_ID);
    item["payer"] = payer.clone();
    item["payer_id"] = payer["id"].clone();
    item["plan_id"] = json!(plan_ids[1]);
    item["price_id"] = json!(price_ids[1]);
    item["status"] = json!("active");
    item["is_free_trial"] = json!(true);
    item["period_start"] = json!(now);
    item["period_end"] = json!(now + 14 * 86_400_000);
    item["lifetime_paid"] = money(2000);
    let pm_id = st.new_id("cpm");
    let pm = &mut item["payment_method"];
    pm["id"] = json!(pm_id);
    pm["payer_id"] = payer["id"].clone();
    pm["gateway"] = json!("stripe");
    pm["gateway_external_id"] = json!("pm_emulator_4242");
    pm["card_type"] = json!("visa");
    pm["last4"] = json!("4242");
    pm["expiry_month"] = json!(12);
    pm["expiry_year"] = json!(2030);
    pm["is_default"] = json!(true);
    pm["created_at"] = json!(now);
    pm["updated_at"] = json!(now);
    item["created_at"] = json!(now);
    item["updated_at"] = json!(now);
    insert(st, &SUBSCRIPTION_ITEMS, item);

    let mut stmt = shape("GET /billing/statements").template.clone();
    let stmt_id = st.new_id("cstmt");
    stmt["id"] = json!(stmt_id);
    stmt["instance_id"] = json!(INSTANCE_ID);
    stmt["payer"] = payer.clone();
    stmt["status"] = json!("closed");
    stmt["timestamp"] = json!(now);
    for k in ["base_fee", "grand_total", "subtotal"] {
        stmt["totals"][k] = money(2000);
    }
    stmt["totals"]["tax_total"] = money(0);
    insert(st, &STATEMENTS, stmt);

    let mut attempt = shape("GET /billing/statements/{statementID}/payment_attempts")
        .template
        .clone();
    attempt["id"] = json!(st.new_id("cpatt"));
    attempt["instance_id"] = json!(INSTANCE_ID);
    attempt["statement_id"] = json!(stmt_id);
    attempt["_parent"] = json!(stmt_id);
    attempt["payer"] = payer.clone();
    attempt["payer_id"] = payer["id"].clone();
    attempt["subscription_item_id"] = json!(item_id);
    attempt["status"] = json!("paid");
    attempt["paid_at"] = json!(now);
    attempt["amount"] = money(2000);
    attempt["created_at"] = json!(now);
    attempt["updated_at"] = json!(now);
    insert(st, &PAYMENT_ATTEMPTS, attempt);

    let mut sign_up = shape("GET /sign_ups/{id}").template.clone();
    sign_up["id"] = json!(st.new_id("sua"));
    sign_up["status"] = json!("missing_requirements");
    sign_up["email_address"] = json!("pending.signup@example.com");
    sign_up["missing_fields"] = json!(["password"]);
    sign_up["required_fields"] = json!(["email_address", "password"]);
    sign_up["unverified_fields"] = json!([]);
    sign_up["abandon_at"] = json!(now + 86_400_000);
    insert(st, &SIGN_UPS, sign_up);
}
