//! `/email_addresses` and `/phone_numbers` operations.

use super::users::find as find_user;
use super::{Ctx, Res, check_email, email_taken, phone_taken};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, valid_phone};
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

fn identifications(u: &User) -> usize {
    u.email_addresses.len() + u.phone_numbers.len() + usize::from(u.username.is_some())
}

fn last_identification() -> ClerkError {
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
    if !valid_phone(&phone) {
        return Err(ClerkError::format_invalid(
            "phone_number",
            "phone_number must be a valid phone number according to E.164 international standard.",
        ));
    }
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
