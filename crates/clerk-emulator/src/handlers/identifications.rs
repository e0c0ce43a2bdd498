//! `/email_addresses` and `/phone_numbers` operations.

use super::users::find as find_user;
use super::{Ctx, Res, check_email, check_phone, email_taken, phone_taken};
use crate::error::ClerkError;
use crate::render;
use crate::req::Fields;
use crate::state::{EmailAddress, PhoneNumber, State, User};

fn not_found() -> ClerkError {
    ClerkError::not_found("Resource not found")
}

fn owner_of_email(st: &State, id: &str) -> Result<String, ClerkError> {
    st.users
        .values()
        .find(|u| u.email_addresses.iter().any(|e| e.id == id))
        .map(|u| u.id.clone())
        .ok_or_else(not_found)
}

fn owner_of_phone(st: &State, id: &str) -> Result<String, ClerkError> {
    st.users
        .values()
        .find(|u| u.phone_numbers.iter().any(|p| p.id == id))
        .map(|u| u.id.clone())
        .ok_or_else(not_found)
}

/// How many identifications a user has (email addresses, phone numbers, Web3 wallets and a
/// username): deleting one of them is refused when it is the last.
pub(super) fn identifications(u: &User) -> usize {
    u.email_addresses.len()
        + u.phone_numbers.len()
        + u.web3_wallets.len()
        + usize::from(u.username.is_some())
}

/// Clerk's answer to deleting the last identification.
pub(super) fn last_identification() -> ClerkError {
    ClerkError::new(
        400,
        "identification_deletion_failed",
        "Deletion failed",
        "You cannot delete your last identification.",
    )
}

/// `POST /email_addresses`
pub fn create_email(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(
        cx.body,
        &[
            "user_id",
            "email_address",
            "verified",
            "primary",
            "notify_primary_email_address_changed",
        ],
    )?;
    let user_id = f.str_req("user_id")?;
    let email = f.str_req("email_address")?;
    let verified = f.bool_opt("verified")?.unwrap_or(false);
    let primary = f.bool_opt("primary")?.unwrap_or(false);
    f.bool_opt("notify_primary_email_address_changed")?;
    find_user(st, &user_id)?;
    check_email("email_address", &email)?;
    if primary && !verified {
        return Err(super::unverified_primary_email("primary"));
    }
    if email_taken(st, &email) {
        return Err(ClerkError::identifier_exists(
            "email_address",
            "email address",
        ));
    }
    let id = st.new_id("idn");
    let e = EmailAddress {
        id: id.clone(),
        email_address: email.to_lowercase(),
        verified,
        reserved: false,
        created_at: cx.now,
        updated_at: cx.now,
    };
    let out = render::email_address(&e);
    let u = st.users.get_mut(&user_id).expect("user");
    if primary || u.primary_email_address_id.is_none() {
        u.primary_email_address_id = Some(id);
    }
    u.email_addresses.push(e);
    u.updated_at = cx.now;
    Ok(out)
}

/// `GET /email_addresses/{id}`
pub fn get_email(st: &mut State, id: &str) -> Res {
    let uid = owner_of_email(st, id)?;
    let e = st.users[&uid]
        .email_addresses
        .iter()
        .find(|e| e.id == id)
        .expect("email");
    Ok(render::email_address(e))
}

/// `PATCH /email_addresses/{id}`
pub fn update_email(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let uid = owner_of_email(st, id)?;
    let f = Fields::parse(
        cx.body,
        &[
            "verified",
            "primary",
            "notify_primary_email_address_changed",
        ],
    )?;
    let verified = f.bool_opt("verified")?;
    let primary = f.bool_opt("primary")?.unwrap_or(false);
    f.bool_opt("notify_primary_email_address_changed")?;
    let u = st.users.get_mut(&uid).expect("user");
    let e = u
        .email_addresses
        .iter_mut()
        .find(|e| e.id == id)
        .expect("email");
    if primary && !verified.unwrap_or(e.verified) {
        return Err(super::unverified_primary_email("primary"));
    }
    if let Some(v) = verified {
        e.verified = v;
        if v {
            e.reserved = false;
        }
    }
    e.updated_at = cx.now;
    let out = render::email_address(e);
    if primary {
        u.primary_email_address_id = Some(id.to_string());
    }
    u.updated_at = cx.now;
    Ok(out)
}

/// `DELETE /email_addresses/{id}`
pub fn delete_email(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let uid = owner_of_email(st, id)?;
    let u = st.users.get_mut(&uid).expect("user");
    if identifications(u) <= 1 {
        return Err(last_identification());
    }
    u.email_addresses.retain(|e| e.id != id);
    if u.primary_email_address_id.as_deref() == Some(id) {
        u.primary_email_address_id = u
            .email_addresses
            .iter()
            .find(|e| e.verified)
            .or(u.email_addresses.first())
            .map(|e| e.id.clone());
    }
    u.updated_at = cx.now;
    Ok(render::deleted("email_address", id))
}

fn second_factor_unverified() -> ClerkError {
    ClerkError::new(
        400,
        "identification_create_second_factor_unverified",
        "Create failed",
        "Unverified identifications cannot be a second factor",
    )
}

/// `POST /phone_numbers`
pub fn create_phone(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(
        cx.body,
        &[
            "user_id",
            "phone_number",
            "verified",
            "primary",
            "reserved_for_second_factor",
        ],
    )?;
    let user_id = f.str_req("user_id")?;
    let phone = f.str_req("phone_number")?;
    let verified = f.bool_opt("verified")?.unwrap_or(false);
    let primary = f.bool_opt("primary")?.unwrap_or(false);
    let second = f.bool_opt("reserved_for_second_factor")?.unwrap_or(false);
    find_user(st, &user_id)?;
    check_phone(&phone)?;
    if phone_taken(st, &phone) {
        return Err(ClerkError::identifier_exists(
            "phone_number",
            "phone number",
        ));
    }
    if second && !verified {
        return Err(second_factor_unverified());
    }
    let id = st.new_id("idn");
    let u = st.users.get_mut(&user_id).expect("user");
    let default_second = second && !u.phone_numbers.iter().any(|p| p.default_second_factor);
    let p = PhoneNumber {
        id: id.clone(),
        phone_number: phone,
        verified,
        reserved: false,
        reserved_for_second_factor: second,
        default_second_factor: default_second,
        created_at: cx.now,
        updated_at: cx.now,
    };
    let out = render::phone_number(&p);
    if primary || u.primary_phone_number_id.is_none() {
        u.primary_phone_number_id = Some(id);
    }
    u.phone_numbers.push(p);
    u.updated_at = cx.now;
    Ok(out)
}

/// `GET /phone_numbers/{id}`
pub fn get_phone(st: &mut State, id: &str) -> Res {
    let uid = owner_of_phone(st, id)?;
    let p = st.users[&uid]
        .phone_numbers
        .iter()
        .find(|p| p.id == id)
        .expect("phone");
    Ok(render::phone_number(p))
}

/// `PATCH /phone_numbers/{id}`
pub fn update_phone(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let uid = owner_of_phone(st, id)?;
    let f = Fields::parse(
        cx.body,
        &["verified", "primary", "reserved_for_second_factor"],
    )?;
    let verified = f.bool_opt("verified")?;
    let primary = f.bool_opt("primary")?.unwrap_or(false);
    let second = f.bool_opt("reserved_for_second_factor")?;
    let u = st.users.get_mut(&uid).expect("user");
    let has_default = u
        .phone_numbers
        .iter()
        .any(|p| p.id != id && p.default_second_factor);
    let p = u
        .phone_numbers
        .iter_mut()
        .find(|p| p.id == id)
        .expect("phone");
    if let Some(v) = verified {
        p.verified = v;
    }
    if let Some(s) = second {
        if s && !p.verified {
            return Err(ClerkError::new(
                400,
                "identification_update_second_factor_unverified",
                "Update failed",
                "Cannot update second factor attributes for unverified identification",
            ));
        }
        p.reserved_for_second_factor = s;
        p.default_second_factor = s && !has_default;
    }
    p.updated_at = cx.now;
    let out = render::phone_number(p);
    if primary {
        u.primary_phone_number_id = Some(id.to_string());
    }
    u.updated_at = cx.now;
    Ok(out)
}

/// `DELETE /phone_numbers/{id}`
pub fn delete_phone(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let uid = owner_of_phone(st, id)?;
    let u = st.users.get_mut(&uid).expect("user");
    if identifications(u) <= 1 {
        return Err(last_identification());
    }
    u.phone_numbers.retain(|p| p.id != id);
    if u.primary_phone_number_id.as_deref() == Some(id) {
        u.primary_phone_number_id = u.phone_numbers.first().map(|p| p.id.clone());
    }
    u.updated_at = cx.now;
    Ok(render::deleted("phone_number", id))
}

// ---- Verifications ---------------------------------------------------------------------------

use crate::VERIFICATION_CODE;
/// Wrong codes a verification takes before it fails.
const MAX_ATTEMPTS: i64 = 3;
/// A prepared code's lifetime.
const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Verifications live in the generic records, by this collection.
const VERIFICATIONS: &str = "identification_verifications";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Phone,
}

fn owner_of(st: &State, kind: Kind, id: &str) -> Result<String, ClerkError> {
    match kind {
        Kind::Email => owner_of_email(st, id),
        Kind::Phone => owner_of_phone(st, id),
    }
}

fn verification_body(v: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::json!({
        "object": "verification_otp",
        "id": v["id"],
        "status": v["status"],
        "strategy": v["strategy"],
        "attempts": v["attempts"],
        "expire_at": v["expire_at"],
    });
    if v["strategy"] == "phone_code" {
        out["channel"] = serde_json::json!("sms");
    }
    out
}

fn prepare(st: &mut State, cx: &Ctx, kind: Kind, id: &str) -> Res {
    owner_of(st, kind, id)?;
    Fields::parse(cx.body, &[])?;
    let vid = st.new_id("ver");
    let strategy = match kind {
        Kind::Email => "email_code",
        Kind::Phone => "phone_code",
    };
    let v = serde_json::json!({
        "id": vid,
        "identification_id": id,
        "status": "unverified",
        "strategy": strategy,
        "attempts": 0,
        "expire_at": cx.now + CODE_TTL_MS,
    });
    let out = verification_body(&v);
    st.records
        .entry(VERIFICATIONS.to_string())
        .or_default()
        .push(v);
    Ok(out)
}

fn attempt(st: &mut State, cx: &Ctx, kind: Kind, id: &str) -> Res {
    let uid = owner_of(st, kind, id)?;
    let f = Fields::parse_required(cx.body, &["verification_id", "code"])?;
    let vid = f.str_req("verification_id")?;
    let code = f.str_req("code")?;
    let v = st
        .records
        .get_mut(VERIFICATIONS)
        .and_then(|vs| {
            vs.iter_mut()
                .find(|v| v["id"] == vid.as_str() && v["identification_id"] == id)
        })
        .ok_or_else(|| {
            ClerkError::not_found(format!("No verification was found with id {vid}"))
                .param("verification_id")
        })?;
    match v["status"].as_str() {
        Some("verified") => {
            return Err(ClerkError::new(
                400,
                "verification_already_verified",
                "already verified",
                "This verification has already been verified.",
            ));
        }
        Some("failed") | Some("expired") => return Ok(verification_body(v)),
        _ => {}
    }
    if v["expire_at"].as_i64().is_some_and(|t| t < cx.now) {
        v["status"] = serde_json::json!("expired");
        return Ok(verification_body(v));
    }
    let attempts = v["attempts"].as_i64().unwrap_or(0) + 1;
    v["attempts"] = serde_json::json!(attempts);
    let correct = code == VERIFICATION_CODE;
    v["status"] = serde_json::json!(if correct {
        "verified"
    } else if attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "unverified"
    });
    let out = verification_body(v);
    if correct {
        let u = st.users.get_mut(&uid).expect("user");
        match kind {
            Kind::Email => {
                let e = u.email_addresses.iter_mut().find(|e| e.id == id);
                if let Some(e) = e.filter(|e| !e.verified) {
                    e.verified = true;
                    e.reserved = false;
                    e.updated_at = cx.now;
                    u.updated_at = cx.now;
                }
            }
            Kind::Phone => {
                let p = u.phone_numbers.iter_mut().find(|p| p.id == id);
                if let Some(p) = p.filter(|p| !p.verified) {
                    p.verified = true;
                    p.reserved = false;
                    p.updated_at = cx.now;
                    u.updated_at = cx.now;
                }
            }
        }
    }
    Ok(out)
}

/// `POST /email_addresses/{id}/prepare_verification`
pub fn prepare_email(st: &mut State, cx: &Ctx, id: &str) -> Res {
    prepare(st, cx, Kind::Email, id)
}

/// `POST /email_addresses/{id}/attempt_verification`
pub fn attempt_email(st: &mut State, cx: &Ctx, id: &str) -> Res {
    attempt(st, cx, Kind::Email, id)
}

/// `POST /phone_numbers/{id}/prepare_verification`
pub fn prepare_phone(st: &mut State, cx: &Ctx, id: &str) -> Res {
    prepare(st, cx, Kind::Phone, id)
}

/// `POST /phone_numbers/{id}/attempt_verification`
pub fn attempt_phone(st: &mut State, cx: &Ctx, id: &str) -> Res {
    attempt(st, cx, Kind::Phone, id)
}

/// `(verified, reserved)` for an `identification_status`.
fn identification_status(f: &Fields) -> Result<(bool, bool), ClerkError> {
    match f.str_opt("identification_status")?.as_deref() {
        None | Some("verified") => Ok((true, false)),
        Some("reserved") => Ok((false, true)),
        Some("unverified") => Ok((false, false)),
        Some(other) => Err(ClerkError::invalid_value("identification_status", other)),
    }
}

/// `PUT /users/{user_id}/email_address`: the user's only, primary email address.
pub fn replace_email(st: &mut State, cx: &Ctx, user_id: &str) -> Res {
    find_user(st, user_id)?;
    let f = Fields::parse_required(
        cx.body,
        &[
            "email_address",
            "identification_status",
            "notify_primary_email_address_changed",
        ],
    )?;
    let email = f.str_req("email_address")?.to_lowercase();
    let (verified, reserved) = identification_status(&f)?;
    f.bool_opt("notify_primary_email_address_changed")?;
    check_email("email_address", &email)?;
    if st.user_by_email(&email).is_some_and(|u| u.id != user_id) {
        return Err(ClerkError::identifier_exists(
            "email_address",
            "email address",
        ));
    }
    let u = &st.users[user_id];
    let kept = u
        .email_addresses
        .iter()
        .find(|e| e.email_address == email)
        .map(|e| (e.id.clone(), e.created_at));
    let (id, created_at) = match kept {
        Some(k) => k,
        None => (st.new_id("idn"), cx.now),
    };
    let e = EmailAddress {
        id: id.clone(),
        email_address: email,
        verified,
        reserved,
        created_at,
        updated_at: cx.now,
    };
    let out = render::email_address(&e);
    let u = st.users.get_mut(user_id).expect("user");
    u.email_addresses = vec![e];
    u.primary_email_address_id = Some(id);
    u.updated_at = cx.now;
    Ok(out)
}

/// `PUT /users/{user_id}/phone_number`: the user's only, primary phone number.
pub fn replace_phone(st: &mut State, cx: &Ctx, user_id: &str) -> Res {
    find_user(st, user_id)?;
    let f = Fields::parse_required(cx.body, &["phone_number", "identification_status"])?;
    let phone = f.str_req("phone_number")?;
    let (verified, reserved) = identification_status(&f)?;
    check_phone(&phone)?;
    let taken = st
        .users
        .values()
        .any(|u| u.id != user_id && u.phone_numbers.iter().any(|p| p.phone_number == phone));
    if taken {
        return Err(ClerkError::identifier_exists(
            "phone_number",
            "phone number",
        ));
    }
    let kept = st.users[user_id]
        .phone_numbers
        .iter()
        .find(|p| p.phone_number == phone)
        .map(|p| (p.id.clone(), p.created_at));
    let (id, created_at) = match kept {
        Some(k) => k,
        None => (st.new_id("idn"), cx.now),
    };
    let p = PhoneNumber {
        id: id.clone(),
        phone_number: phone,
        verified,
        reserved,
        reserved_for_second_factor: false,
        default_second_factor: false,
        created_at,
        updated_at: cx.now,
    };
    let out = render::phone_number(&p);
    let u = st.users.get_mut(user_id).expect("user");
    u.phone_numbers = vec![p];
    u.primary_phone_number_id = Some(id);
    u.updated_at = cx.now;
    Ok(out)
}
