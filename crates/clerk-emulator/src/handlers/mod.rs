//! Backend API operations. Every handler is a plain synchronous function run
//! while the state lock is held; [`dispatch`] routes `/v1/...` paths to them.

use axum::http::Method;
use serde_json::{Map, Value};

use crate::error::ClerkError;
use crate::req::Query;
use crate::state::{Metadata, State};

mod accounts;
mod identifications;
mod invitations;
mod memberships;
mod org_invitations;
mod organizations;
mod sessions;
mod uploads;
mod users;

pub(crate) use sessions::insert as insert_session;
pub(crate) use uploads::store_image;
pub(crate) use users::secret_hash;

/// Handler result: a JSON body answered with 200.
pub type Res = Result<Value, ClerkError>;

/// Per-request inputs.
pub struct Ctx<'a> {
    /// Query string.
    pub q: &'a Query,
    /// Raw body.
    pub body: &'a [u8],
    /// Request time (Unix ms).
    pub now: i64,
}

/// Route `segs` (the path after `/v1/`, split on `/`) to its handler.
/// `None` means the emulator does not implement that operation.
pub fn dispatch(st: &mut State, method: &Method, segs: &[&str], cx: &Ctx) -> Option<Res> {
    use memberships as mem;
    use org_invitations as oinv;
    use organizations as orgs;
    let m = method.as_str();
    let r = match (m, segs) {
        // Users
        ("GET", ["users"]) => users::list(st, cx),
        ("POST", ["users"]) => users::create(st, cx),
        ("GET", ["users", "count"]) => users::count(st, cx),
        ("POST", ["users", "ban"]) => users::bulk_ban(st, cx, true),
        ("POST", ["users", "unban"]) => users::bulk_ban(st, cx, false),
        ("GET", ["users", id]) => users::get(st, id),
        ("PATCH", ["users", id]) => users::update(st, cx, id),
        ("DELETE", ["users", id]) => users::delete(st, id),
        ("POST", ["users", id, "ban"]) => users::set_banned(st, cx, id, true),
        ("POST", ["users", id, "unban"]) => users::set_banned(st, cx, id, false),
        ("POST", ["users", id, "lock"]) => users::set_locked(st, cx, id, true),
        ("POST", ["users", id, "unlock"]) => users::set_locked(st, cx, id, false),
        ("PATCH", ["users", id, "metadata"]) => users::metadata(st, cx, id, false),
        ("DELETE", ["users", id, "mfa"]) => users::disable_mfa(st, cx, id, users::Mfa::All),
        ("DELETE", ["users", id, "totp"]) => users::disable_mfa(st, cx, id, users::Mfa::Totp),
        ("DELETE", ["users", id, "backup_code"]) => {
            users::disable_mfa(st, cx, id, users::Mfa::BackupCodes)
        }
        ("POST", ["users", id, "remove_password"]) => users::remove_password(st, cx, id),
        ("POST", ["users", id, "verify_password"]) => users::verify_password(st, cx, id),
        ("POST", ["users", id, "verify_totp"]) => users::verify_totp(st, cx, id),
        ("POST", ["users", id, "password", "set_compromised"]) => {
            users::set_password_compromised(st, cx, id, true)
        }
        ("POST", ["users", id, "password", "unset_compromised"]) => {
            users::set_password_compromised(st, cx, id, false)
        }
        ("PUT", ["users", id, "metadata"]) => users::metadata(st, cx, id, true),
        ("DELETE", ["users", id, "passkeys", pid]) => {
            accounts::delete(st, cx, id, accounts::Kind::Passkey, pid)
        }
        ("DELETE", ["users", id, "web3_wallets", wid]) => {
            accounts::delete(st, cx, id, accounts::Kind::Web3Wallet, wid)
        }
        ("DELETE", ["users", id, "external_accounts", eid]) => {
            accounts::delete(st, cx, id, accounts::Kind::ExternalAccount, eid)
        }
        ("POST", ["users", id, "profile_image"]) => uploads::set_profile_image(st, cx, id),
        ("DELETE", ["users", id, "profile_image"]) => uploads::delete_profile_image(st, cx, id),
        ("PUT", ["organizations", id, "logo"]) => uploads::set_logo(st, cx, id),
        ("DELETE", ["organizations", id, "logo"]) => uploads::delete_logo(st, cx, id),
        ("GET", ["users", id, "trusted_devices"]) => accounts::list_trusted_devices(st, id),
        ("DELETE", ["users", id, "trusted_devices", did]) => {
            accounts::revoke_trusted_device(st, cx, id, did)
        }
        ("GET", ["users", id, "oauth_access_tokens", provider]) => {
            accounts::oauth_access_tokens(st, cx, id, provider)
        }
        ("GET", ["users", id, "organization_memberships"]) => mem::list_for_user(st, cx, id),
        ("GET", ["users", id, "organization_invitations"]) => oinv::list_for_user(st, cx, id),
        // Organizations
        ("GET", ["organizations"]) => orgs::list(st, cx),
        ("POST", ["organizations"]) => orgs::create(st, cx),
        ("GET", ["organizations", id]) => orgs::get(st, cx, id),
        ("PATCH", ["organizations", id]) => orgs::update(st, cx, id),
        ("DELETE", ["organizations", id]) => orgs::delete(st, id),
        ("PATCH", ["organizations", id, "metadata"]) => orgs::metadata(st, cx, id, false),
        ("PUT", ["organizations", id, "metadata"]) => orgs::metadata(st, cx, id, true),
        // Organization memberships
        ("POST", ["organizations", id, "memberships"]) => mem::create(st, cx, id),
        ("GET", ["organizations", id, "memberships"]) => mem::list(st, cx, id),
        ("PATCH", ["organizations", id, "memberships", uid]) => mem::update(st, cx, id, uid),
        ("DELETE", ["organizations", id, "memberships", uid]) => mem::delete(st, id, uid),
        ("PATCH", ["organizations", id, "memberships", uid, "metadata"]) => {
            mem::metadata(st, cx, id, uid)
        }
        ("GET", ["organization_memberships"]) => mem::list_instance(st, cx),
        // Organization invitations
        ("POST", ["organizations", id, "invitations"]) => oinv::create(st, cx, id),
        ("GET", ["organizations", id, "invitations"]) => oinv::list(st, cx, id, false),
        ("POST", ["organizations", id, "invitations", "bulk"]) => oinv::bulk(st, cx, id),
        ("GET", ["organizations", id, "invitations", "pending"]) => oinv::list(st, cx, id, true),
        ("GET", ["organizations", id, "invitations", iid]) => oinv::get(st, id, iid),
        ("POST", ["organizations", id, "invitations", iid, "revoke"]) => {
            oinv::revoke(st, cx, id, iid)
        }
        ("GET", ["organization_invitations"]) => oinv::list_instance(st, cx),
        // Application invitations
        ("POST", ["invitations"]) => invitations::create(st, cx),
        ("GET", ["invitations"]) => invitations::list(st, cx),
        ("POST", ["invitations", "bulk"]) => invitations::bulk(st, cx),
        ("POST", ["invitations", id, "revoke"]) => invitations::revoke(st, cx, id),
        // Sessions
        ("GET", ["sessions"]) => sessions::list(st, cx),
        ("POST", ["sessions"]) => sessions::create(st, cx),
        ("GET", ["sessions", id]) => sessions::get(st, id),
        ("POST", ["sessions", id, "revoke"]) => sessions::revoke(st, cx, id),
        // Email addresses and phone numbers
        ("POST", ["email_addresses"]) => identifications::create_email(st, cx),
        ("GET", ["email_addresses", id]) => identifications::get_email(st, id),
        ("PATCH", ["email_addresses", id]) => identifications::update_email(st, cx, id),
        ("DELETE", ["email_addresses", id]) => identifications::delete_email(st, cx, id),
        ("POST", ["email_addresses", id, "prepare_verification"]) => {
            identifications::prepare_email(st, cx, id)
        }
        ("POST", ["email_addresses", id, "attempt_verification"]) => {
            identifications::attempt_email(st, cx, id)
        }
        ("PUT", ["users", id, "email_address"]) => identifications::replace_email(st, cx, id),
        ("POST", ["phone_numbers"]) => identifications::create_phone(st, cx),
        ("POST", ["phone_numbers", id, "prepare_verification"]) => {
            identifications::prepare_phone(st, cx, id)
        }
        ("POST", ["phone_numbers", id, "attempt_verification"]) => {
            identifications::attempt_phone(st, cx, id)
        }
        ("PUT", ["users", id, "phone_number"]) => identifications::replace_phone(st, cx, id),
        ("GET", ["phone_numbers", id]) => identifications::get_phone(st, id),
        ("PATCH", ["phone_numbers", id]) => identifications::update_phone(st, cx, id),
        ("DELETE", ["phone_numbers", id]) => identifications::delete_phone(st, cx, id),
        // Machine authentication
        ("POST", ["oauth_applications", "access_tokens", "verify"]) => {
            crate::oauth::verify_access_token(st, cx)
        }
        ("GET", ["jwks"]) => Ok(crate::oauth::jwks()),
        ("POST", ["api_keys"]) => crate::oauth::create_credential(st, cx, true),
        ("GET", ["api_keys"]) => crate::oauth::list_credentials(st, cx, true),
        ("GET", ["api_keys", id]) => crate::oauth::get_api_key(st, cx, id),
        ("PATCH", ["api_keys", id]) => crate::oauth::update_api_key(st, cx, id),
        ("DELETE", ["api_keys", id]) => crate::oauth::delete_api_key(st, id),
        ("GET", ["api_keys", id, "secret"]) => crate::oauth::api_key_secret(st, id),
        ("GET", ["m2m_tokens"]) => crate::oauth::list_credentials(st, cx, false),
        ("POST", ["api_keys", "verify"]) => crate::oauth::verify_credential(st, cx, true),
        ("POST", ["api_keys", id, "revoke"]) => crate::oauth::revoke_credential(st, cx, id, true),
        ("POST", ["m2m_tokens"]) => crate::oauth::create_credential(st, cx, false),
        ("POST", ["m2m_tokens", "verify"]) => crate::oauth::verify_credential(st, cx, false),
        ("POST", ["m2m_tokens", id, "revoke"]) => {
            crate::oauth::revoke_credential(st, cx, id, false)
        }
        _ => return None,
    };
    Some(r)
}

/// Deep-merge `patch` into `target`; `null` removes a key at any level.
pub fn deep_merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        match v {
            Value::Null => {
                target.remove(k);
            }
            Value::Object(p) => match target.get_mut(k) {
                Some(Value::Object(t)) => deep_merge(t, p),
                _ => {
                    let mut fresh = Map::new();
                    deep_merge(&mut fresh, p);
                    target.insert(k.clone(), Value::Object(fresh));
                }
            },
            other => {
                target.insert(k.clone(), other.clone());
            }
        }
    }
}

/// Apply a metadata field from a PATCH (merge) or PUT (replace) body.
///
/// PATCH: objects are deep-merged; an explicit top-level `null` clears the field.
/// PUT: the supplied value replaces the field wholesale (`null` stores `null`).
pub fn apply_metadata(
    target: &mut Value,
    key: &str,
    body: &crate::req::Fields,
    replace: bool,
) -> Result<bool, ClerkError> {
    let Some(v) = body.get(key) else {
        return Ok(false);
    };
    match (v, replace) {
        (Value::Null, true) => *target = Value::Null,
        (Value::Null, false) => *target = Value::Object(Map::new()),
        (Value::Object(p), true) => *target = Value::Object(p.clone()),
        (Value::Object(p), false) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            deep_merge(target.as_object_mut().expect("object"), p);
        }
        _ => {
            return Err(ClerkError::new(
                422,
                "form_param_value_invalid",
                "is invalid",
                format!("{key} must be a valid JSON object"),
            )
            .param(key));
        }
    }
    Ok(true)
}

/// Metadata for a create: the object, or `{}`.
pub fn metadata_or_empty(m: Option<Metadata>) -> Value {
    Value::Object(m.unwrap_or_default())
}

/// Validate a role key: a built-in role or one created with `POST /organization_roles`.
pub fn check_role(st: &State, role: &str) -> Result<(), ClerkError> {
    if crate::resources::role_exists(st, role) {
        Ok(())
    } else {
        Err(ClerkError::not_found("Organization role not found").param("role"))
    }
}

/// Resolve an organization id or slug, or 404.
pub fn org_id(st: &State, id_or_slug: &str) -> Result<String, ClerkError> {
    st.org_id_by_id_or_slug(id_or_slug)
        .ok_or_else(ClerkError::org_not_found)
}

/// Check an email address's format.
pub fn check_email(param: &str, email: &str) -> Result<(), ClerkError> {
    if crate::req::valid_email(email) {
        Ok(())
    } else {
        Err(ClerkError::format_invalid(
            param,
            format!("{param} must be a valid email address."),
        ))
    }
}

/// 422 `format_invalid` unless `phone` is E.164 ([`crate::req::valid_phone`]).
pub fn check_phone(phone: &str) -> Result<(), ClerkError> {
    if crate::req::valid_phone(phone) {
        Ok(())
    } else {
        Err(ClerkError::format_invalid(
            "phone_number",
            "phone_number must be a valid phone number according to E.164 international standard.",
        ))
    }
}

/// 422 for making an unverified email address primary (`PATCH /users/{id}`,
/// `POST /email_addresses`, `PATCH /email_addresses/{id}`); `param` names the field.
pub fn unverified_primary_email(param: &str) -> ClerkError {
    ClerkError::new(
        422,
        "form_param_value_invalid",
        "is invalid",
        "An unverified email address cannot be set as the primary email address. Verify it first.",
    )
    .param(param)
}

/// Whether any user owns this email address.
pub fn email_taken(st: &State, email: &str) -> bool {
    st.user_by_email(email).is_some()
}

/// Whether any user owns this phone number.
pub fn phone_taken(st: &State, phone: &str) -> bool {
    st.users
        .values()
        .any(|u| u.phone_numbers.iter().any(|p| p.phone_number == phone))
}

/// Memberships count plus pending invitations, against `max_allowed_memberships`.
pub fn check_membership_quota(st: &State, org_id: &str, adding: usize) -> Result<(), ClerkError> {
    let Some(org) = st.organizations.get(org_id) else {
        return Err(ClerkError::org_not_found());
    };
    if org.max_allowed_memberships <= 0 {
        return Ok(());
    }
    let used = crate::render::members_count(st, org_id)
        + st.organization_invitations
            .values()
            .filter(|i| i.organization_id == org_id && i.status == "pending")
            .count();
    if used + adding > org.max_allowed_memberships as usize {
        let n = org.max_allowed_memberships;
        return Err(ClerkError::new(
            403,
            "organization_membership_quota_exceeded",
            "organization membership quota exceeded",
            format!(
                "You have reached your limit of {n} organization memberships, including outstanding invitations."
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_deletes_nested_nulls() {
        let mut t = json!({"a": {"b": 1, "c": {"d": 2, "e": 3}}, "x": 1});
        let p = json!({"a": {"c": {"d": null, "f": 4}, "g": {"h": null, "i": 5}}, "x": null});
        deep_merge(t.as_object_mut().unwrap(), p.as_object().unwrap());
        assert_eq!(
            t,
            json!({"a": {"b": 1, "c": {"e": 3, "f": 4}, "g": {"i": 5}}})
        );
    }
}
