//! `/users` operations.

use serde_json::{Value, json};

use super::{
    Ctx, Res, apply_metadata, check_email, check_phone, email_taken, metadata_or_empty, phone_taken,
};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, IdFilter, Query, SortKey, contains_ci, sort_and_page};
use crate::state::{EmailAddress, PhoneNumber, State, User};

const CREATE_KEYS: &[&str] = &[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "email_address",
    "email_address_identification_status",
    "phone_number",
    "phone_number_identification_status",
    "web3_wallet",
    "username",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "skip_password_requirement",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "delete_self_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "skip_user_requirement",
    "create_organization_enabled",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
    "banned",
    "locked",
];

const UPDATE_KEYS: &[&str] = &[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "primary_email_address_id",
    "notify_primary_email_address_changed",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
    "username",
    "profile_image_id",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "sign_out_of_other_sessions",
    "totp_secret",
    "backup_codes",
    "delete_self_enabled",
    "create_organization_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
];

const METADATA_KEYS: &[&str] = &["public_metadata", "private_metadata", "unsafe_metadata"];

const ORDER_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "email_address",
    "web3wallet",
    "first_name",
    "last_name",
    "phone_number",
    "username",
    "last_active_at",
    "last_sign_in_at",
];

/// Look up a user or 404.
pub(super) fn find<'a>(st: &'a State, id: &str) -> Result<&'a User, ClerkError> {
    st.users
        .get(id)
        .ok_or_else(|| ClerkError::user_not_found(id))
}

pub(super) fn find_mut<'a>(st: &'a mut State, id: &str) -> Result<&'a mut User, ClerkError> {
    st.users
        .get_mut(id)
        .ok_or_else(|| ClerkError::user_not_found(id))
}

/// Filters shared by `GET /users`, `GET /users/count` and membership lists.
pub(super) struct UserFilter {
    emails: Vec<String>,
    phones: Vec<String>,
    usernames: Vec<String>,
    external_ids: IdFilter,
    user_ids: IdFilter,
    org_ids: IdFilter,
    web3: bool,
    provider: bool,
    query: Option<String>,
    email_q: Option<String>,
    phone_q: Option<String>,
    username_q: Option<String>,
    name_q: Option<String>,
    banned: Option<bool>,
    created_before: Option<i64>,
    created_after: Option<i64>,
    active_before: Option<i64>,
    active_after: Option<i64>,
    sign_in_before: Option<i64>,
    sign_in_after: Option<i64>,
}

fn lower_opt(q: &Query, key: &str) -> Option<String> {
    q.get(key).filter(|s| !s.is_empty()).map(str::to_lowercase)
}

impl UserFilter {
    pub(super) fn parse(q: &Query) -> Result<UserFilter, ClerkError> {
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect();
        let active_after = match q.int("last_active_at_after")? {
            Some(v) => Some(v),
            None => q.int("last_active_at_since")?,
        };
        Ok(UserFilter {
            emails: lower(q.all("email_address")),
            phones: q.all("phone_number"),
            usernames: lower(q.all("username")),
            external_ids: IdFilter::new(q.all("external_id")),
            user_ids: IdFilter::new(q.all("user_id")),
            org_ids: IdFilter::new(q.all("organization_id")),
            web3: !q.all("web3_wallet").is_empty(),
            provider: q.get("provider").is_some() || !q.all("provider_user_id").is_empty(),
            query: lower_opt(q, "query"),
            email_q: lower_opt(q, "email_address_query"),
            phone_q: lower_opt(q, "phone_number_query"),
            username_q: lower_opt(q, "username_query"),
            name_q: lower_opt(q, "name_query"),
            banned: q.bool("banned")?,
            created_before: q.int("created_at_before")?,
            created_after: q.int("created_at_after")?,
            active_before: q.int("last_active_at_before")?,
            active_after,
            sign_in_before: q.int("last_sign_in_at_before")?,
            sign_in_after: q.int("last_sign_in_at_after")?,
        })
    }

    pub(super) fn matches(&self, st: &State, u: &User) -> bool {
        if self.web3 || self.provider {
            // The emulator has no web3 wallets or external accounts.
            return false;
        }
        if !self.emails.is_empty()
            && !u
                .email_addresses
                .iter()
                .any(|e| self.emails.contains(&e.email_address.to_lowercase()))
        {
            return false;
        }
        if !self.phones.is_empty()
            && !u
                .phone_numbers
                .iter()
                .any(|p| self.phones.contains(&p.phone_number))
        {
            return false;
        }
        if !self.usernames.is_empty()
            && !u
                .username
                .as_ref()
                .is_some_and(|n| self.usernames.contains(&n.to_lowercase()))
        {
            return false;
        }
        if !self.external_ids.is_empty()
            && !self
                .external_ids
                .accepts(u.external_id.as_deref().into_iter())
        {
            return false;
        }
        if !self.user_ids.accepts(std::iter::once(u.id.as_str())) {
            return false;
        }
        if !self.org_ids.is_empty() {
            let orgs = st
                .memberships
                .values()
                .filter(|m| m.user_id == u.id)
                .map(|m| m.organization_id.as_str());
            if !self.org_ids.accepts(orgs) {
                return false;
            }
        }
        let first = u.first_name.as_deref().unwrap_or("");
        let last = u.last_name.as_deref().unwrap_or("");
        let full = format!("{first} {last}");
        if let Some(q) = &self.query {
            let hit = u.id.to_lowercase().contains(q.as_str())
                || contains_ci(&full, q)
                || u.username.as_deref().is_some_and(|n| contains_ci(n, q))
                || u.email_addresses
                    .iter()
                    .any(|e| contains_ci(&e.email_address, q))
                || u.phone_numbers
                    .iter()
                    .any(|p| p.phone_number.contains(q.as_str()));
            if !hit {
                return false;
            }
        }
        if let Some(q) = &self.email_q
            && !u
                .email_addresses
                .iter()
                .any(|e| contains_ci(&e.email_address, q))
        {
            return false;
        }
        if let Some(q) = &self.phone_q
            && !u
                .phone_numbers
                .iter()
                .any(|p| p.phone_number.contains(q.as_str()))
        {
            return false;
        }
        if let Some(q) = &self.username_q
            && !u.username.as_deref().is_some_and(|n| contains_ci(n, q))
        {
            return false;
        }
        if let Some(q) = &self.name_q
            && !contains_ci(&full, q)
        {
            return false;
        }
        if self.banned.is_some_and(|b| b != u.banned) {
            return false;
        }
        let before = |v: Option<i64>, t: Option<i64>| t.is_none_or(|t| v.is_some_and(|v| v < t));
        let after = |v: Option<i64>, t: Option<i64>| t.is_none_or(|t| v.is_some_and(|v| v > t));
        before(Some(u.created_at), self.created_before)
            && after(Some(u.created_at), self.created_after)
            && before(u.last_active_at, self.active_before)
            && after(u.last_active_at, self.active_after)
            && before(u.last_sign_in_at, self.sign_in_before)
            && after(u.last_sign_in_at, self.sign_in_after)
    }
}

/// Sort key of a user for an `order_by` field.
pub(super) fn sort_key(u: &User, field: &str) -> SortKey {
    let text = |s: Option<&String>| SortKey::Text(s.map(|s| s.to_lowercase()));
    match field {
        "updated_at" => SortKey::Int(Some(u.updated_at)),
        "email_address" => SortKey::Text(u.primary_email().map(|e| e.email_address.to_lowercase())),
        "phone_number" => SortKey::Text(u.primary_phone().map(|p| p.phone_number.clone())),
        "web3wallet" => SortKey::Text(None),
        "first_name" => text(u.first_name.as_ref()),
        "last_name" => text(u.last_name.as_ref()),
        "username" => text(u.username.as_ref()),
        "last_active_at" => SortKey::Int(u.last_active_at),
        "last_sign_in_at" => SortKey::Int(u.last_sign_in_at),
        _ => SortKey::Int(Some(u.created_at)),
    }
}

/// `GET /users`
pub fn list(st: &mut State, cx: &Ctx) -> Res {
    let q = cx.q;
    let filter = UserFilter::parse(q)?;
    let limit = q.limit()?;
    let offset = q.offset()?;
    let (field, desc) = q.order_by(ORDER_FIELDS, "-created_at")?;
    let starting_after = q.get("starting_after").filter(|s| !s.is_empty());
    if starting_after.is_some() {
        if field != "created_at" {
            return Err(ClerkError::new(
                422,
                "form_param_value_invalid",
                "is invalid",
                "starting_after can only be used when ordering by created_at",
            )
            .param("order_by"));
        }
        if offset != 0 {
            return Err(ClerkError::new(
                422,
                "form_conditional_param_disallowed",
                "is not allowed",
                "`offset` isn't allowed when `starting_after` is present.",
            )
            .param("offset"));
        }
    }
    let users: Vec<&User> = st
        .users
        .values()
        .filter(|u| filter.matches(st, u))
        .collect();
    let (all, _) = sort_and_page(users, |u| (sort_key(u, &field), u.seq), desc, usize::MAX, 0);
    let start = match starting_after {
        None => offset,
        Some(cursor) => match all.iter().position(|u| u.id == cursor) {
            Some(i) => i + 1,
            None => {
                return Err(ClerkError::invalid_value("starting_after", cursor));
            }
        },
    };
    let page: Vec<Value> = all
        .into_iter()
        .skip(start)
        .take(limit)
        .map(render::user)
        .collect();
    Ok(Value::Array(page))
}

/// `GET /users/count`
pub fn count(st: &mut State, cx: &Ctx) -> Res {
    let filter = UserFilter::parse(cx.q)?;
    let n = st.users.values().filter(|u| filter.matches(st, u)).count();
    Ok(json!({ "object": "total_count", "total_count": n }))
}

/// `GET /users/{id}`
pub fn get(st: &mut State, id: &str) -> Res {
    find(st, id).map(render::user)
}

fn check_username(st: &State, username: &str, except: Option<&str>) -> Result<(), ClerkError> {
    let len = username.chars().count();
    if !(4..=64).contains(&len) {
        return Err(ClerkError::new(
            422,
            "form_username_invalid_length",
            "Username must be between 4 and 64 characters long.",
            "Username must be between 4 and 64 characters long.",
        )
        .param("username"));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return Err(ClerkError::new(
            422,
            "form_username_invalid_character",
            "Username can only contain letters, numbers and '_' or '-'.",
            "Username can only contain letters, numbers and '_' or '-'.",
        )
        .param("username"));
    }
    let taken = st.users.values().any(|u| {
        Some(u.id.as_str()) != except
            && u.username
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(username))
    });
    if taken {
        return Err(ClerkError::identifier_exists("username", "username"));
    }
    Ok(())
}

fn check_external_id(st: &State, ext: &str, except: Option<&str>) -> Result<(), ClerkError> {
    let taken = st
        .users
        .values()
        .any(|u| Some(u.id.as_str()) != except && u.external_id.as_deref() == Some(ext));
    if taken {
        return Err(ClerkError::identifier_exists("external_id", "external ID"));
    }
    Ok(())
}

/// Passwords on public breach lists (a small sample of the most common ones; Clerk checks
/// HaveIBeenPwned). Compared case-insensitively.
const PWNED: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "11111111",
    "00000000",
    "87654321",
    "qwerty123",
    "qwertyuiop",
    "qwerty12345",
    "1q2w3e4r",
    "1qaz2wsx",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "abc12345",
    "abcd1234",
    "letmein1",
    "trustno1",
    "superman",
    "starwars",
    "dragon123",
    "monkey123",
    "admin123",
    "changeme",
];

/// 422 `form_password_pwned`.
fn password_pwned() -> ClerkError {
    let msg = "Password has been found in an online data breach. For account safety, please use a different password.";
    ClerkError::new(422, "form_password_pwned", msg, msg).param("password")
}

fn check_password(st: &State, f: &Fields, password: &str) -> Result<(), ClerkError> {
    if f.bool_opt("skip_password_checks")?.unwrap_or(false) {
        return Ok(());
    }
    if crate::resources::hibp_enabled(st) && PWNED.contains(&password.to_lowercase().as_str()) {
        return Err(password_pwned());
    }
    let len = password.chars().count();
    if len < 8 {
        return Err(ClerkError::new(
            422,
            "form_password_length_too_short",
            "Passwords must be 8 characters or more.",
            "Passwords must be 8 characters or more.",
        )
        .param("password"));
    }
    if len > 72 {
        return Err(ClerkError::new(
            422,
            "form_password_length_too_long",
            "Passwords must be less than 72 characters.",
            "Passwords must be less than 72 characters.",
        )
        .param("password"));
    }
    Ok(())
}

fn check_digest(f: &Fields) -> Result<bool, ClerkError> {
    let digest = f.str_opt("password_digest")?;
    let hasher = f.str_opt("password_hasher")?;
    match (digest, hasher) {
        (Some(_), None) => Err(ClerkError::new(
            422,
            "form_conditional_param_missing",
            "is missing",
            "`password_hasher` is required when `password_digest` is present.",
        )
        .param("password_hasher")),
        (Some(_), Some(_)) => Ok(true),
        _ => Ok(false),
    }
}

/// Identification statuses parallel to an identifier array.
fn statuses(f: &Fields, key: &str, other: &str, n: usize) -> Result<Vec<bool>, ClerkError> {
    match f.str_array_opt(key)? {
        None => Ok(vec![true; n]),
        Some(v) if v.is_empty() => Ok(vec![true; n]),
        Some(v) if v.len() != n => Err(ClerkError::new(
            422,
            "form_param_array_length_mismatch",
            "length mismatch",
            format!("{key} must contain exactly one item for each item in {other}."),
        )
        .param(key)),
        Some(v) => v
            .iter()
            .map(|s| match s.as_str() {
                "verified" => Ok(true),
                "reserved" => Ok(false),
                other => Err(ClerkError::invalid_value(key, other)),
            })
            .collect(),
    }
}

/// The identifiers the instance requires on every user, with what Clerk answers when one is
/// missing (`form_param_missing` naming it).
fn check_required_identifiers(
    st: &State,
    emails: &[String],
    phones: &[String],
    username: Option<&str>,
) -> Result<(), ClerkError> {
    for ident in st.required_identifiers() {
        let (present, what) = match ident.as_str() {
            "email_address" => (!emails.is_empty(), "an email address"),
            "phone_number" => (!phones.is_empty(), "a phone number"),
            "username" => (username.is_some(), "a username"),
            _ => continue,
        };
        if !present {
            return Err(ClerkError::new(
                422,
                "form_param_missing",
                "is missing",
                format!(
                    "{ident} must be included. This instance requires {what} on every user; pass skip_user_requirement: true to create one without it."
                ),
            )
            .param(&ident));
        }
    }
    Ok(())
}

fn dup_param(param: &str) -> ClerkError {
    ClerkError::new(
        422,
        "form_param_duplicate",
        "duplicate values",
        format!("{param} contains duplicate values"),
    )
    .param(param)
}

/// `POST /users`
pub fn create(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(cx.body, CREATE_KEYS)?;
    let now = cx.now;
    let emails = f.str_array_opt("email_address")?.unwrap_or_default();
    let phones = f.str_array_opt("phone_number")?.unwrap_or_default();
    let email_verified = statuses(
        &f,
        "email_address_identification_status",
        "email_address",
        emails.len(),
    )?;
    let phone_verified = statuses(
        &f,
        "phone_number_identification_status",
        "phone_number",
        phones.len(),
    )?;
    if f.str_array_opt("web3_wallet")?
        .is_some_and(|w| !w.is_empty())
    {
        return Err(ClerkError::new(
            422,
            "form_param_unknown",
            "is unknown",
            "web3_wallet is not a valid parameter for this request. Web3 wallets are not enabled on this instance.",
        )
        .param("web3_wallet"));
    }
    for (i, e) in emails.iter().enumerate() {
        check_email("email_address", e)?;
        if emails[..i].iter().any(|x| x.eq_ignore_ascii_case(e)) {
            return Err(dup_param("email_address"));
        }
        if email_taken(st, e) {
            return Err(ClerkError::identifier_exists(
                "email_address",
                "email address",
            ));
        }
    }
    for (i, p) in phones.iter().enumerate() {
        check_phone(p)?;
        if phones[..i].contains(p) {
            return Err(dup_param("phone_number"));
        }
        if phone_taken(st, p) {
            return Err(ClerkError::identifier_exists(
                "phone_number",
                "phone number",
            ));
        }
    }
    let username = f.str_opt("username")?.filter(|s| !s.is_empty());
    if let Some(u) = &username {
        check_username(st, u, None)?;
    }
    let external_id = f.str_opt("external_id")?.filter(|s| !s.is_empty());
    if let Some(ext) = &external_id {
        check_external_id(st, ext, None)?;
    }
    let password = f.str_opt("password")?;
    if let Some(p) = &password {
        check_password(st, &f, p)?;
    }
    let has_digest = check_digest(&f)?;
    let public = f.metadata_opt("public_metadata")?;
    let private = f.metadata_opt("private_metadata")?;
    let unsafe_md = f.metadata_opt("unsafe_metadata")?;
    let legal = f.time_opt("legal_accepted_at")?;
    let created_at = f.time_opt("created_at")?.unwrap_or(now);
    let first_name = f.str_opt("first_name")?;
    let last_name = f.str_opt("last_name")?;
    let locale = f.str_opt("locale")?;
    let totp = f.str_opt("totp_secret")?.is_some();
    let backup_codes = f.str_array_opt("backup_codes")?.unwrap_or_default();
    let backup = !backup_codes.is_empty();
    let delete_self = f.bool_opt("delete_self_enabled")?.unwrap_or(true);
    let create_org = f.bool_opt("create_organization_enabled")?.unwrap_or(true);
    let org_limit = f.int_opt("create_organizations_limit")?;
    let bypass = f.bool_opt("bypass_client_trust")?.unwrap_or(false);
    let banned = f.bool_opt("banned")?.unwrap_or(false);
    let locked = f.bool_opt("locked")?.unwrap_or(false);
    for key in [
        "skip_password_requirement",
        "skip_legal_checks",
        "skip_user_requirement",
    ] {
        f.bool_opt(key)?;
    }
    f.str_opt("password_hasher")?;
    if !f.bool_opt("skip_user_requirement")?.unwrap_or(false) {
        check_required_identifiers(st, &emails, &phones, username.as_deref())?;
    }

    let id = st.new_id("user");
    let seq = st.seq;
    let password_hash = password.as_deref().map(|p| secret_hash(&id, p));
    let backup_code_hashes = backup_codes.iter().map(|c| secret_hash(&id, c)).collect();
    let email_addresses: Vec<EmailAddress> = emails
        .iter()
        .zip(&email_verified)
        .map(|(e, verified)| EmailAddress {
            id: st.new_id("idn"),
            email_address: e.to_lowercase(),
            verified: *verified,
            reserved: !verified,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let phone_numbers: Vec<PhoneNumber> = phones
        .iter()
        .zip(&phone_verified)
        .map(|(p, verified)| PhoneNumber {
            id: st.new_id("idn"),
            phone_number: p.clone(),
            verified: *verified,
            reserved: !verified,
            reserved_for_second_factor: false,
            default_second_factor: false,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let user = User {
        id: id.clone(),
        seq,
        external_id,
        first_name,
        last_name,
        username,
        locale,
        primary_email_address_id: email_addresses.first().map(|e| e.id.clone()),
        primary_phone_number_id: phone_numbers.first().map(|p| p.id.clone()),
        email_addresses,
        phone_numbers,
        public_metadata: metadata_or_empty(public),
        private_metadata: metadata_or_empty(private),
        unsafe_metadata: metadata_or_empty(unsafe_md),
        password_enabled: password.is_some() || has_digest,
        password_last_updated_at: (password.is_some() || has_digest).then_some(now),
        totp_enabled: totp,
        backup_code_enabled: backup,
        mfa_enabled_at: (totp || backup).then_some(now),
        mfa_disabled_at: None,
        banned,
        locked,
        last_sign_in_at: None,
        last_active_at: None,
        legal_accepted_at: legal,
        delete_self_enabled: delete_self,
        create_organization_enabled: create_org,
        create_organizations_limit: org_limit,
        bypass_client_trust: bypass,
        created_at,
        updated_at: now,
        password_hash,
        password_compromised: false,
        backup_code_hashes,
        passkeys: Vec::new(),
        web3_wallets: Vec::new(),
        external_accounts: Vec::new(),
        trusted_devices: Vec::new(),
        image_url: None,
    };
    let out = render::user(&user);
    st.users.insert(id, user);
    Ok(out)
}

/// `PATCH /users/{id}`
pub fn update(st: &mut State, cx: &Ctx, id: &str) -> Res {
    find(st, id)?;
    let f = Fields::parse(cx.body, UPDATE_KEYS)?;
    let now = cx.now;
    let username = f.str_nullable("username")?;
    if let Some(Some(u)) = &username {
        check_username(st, u, Some(id))?;
    }
    let external_id = f.str_nullable("external_id")?;
    if let Some(Some(ext)) = &external_id {
        check_external_id(st, ext, Some(id))?;
    }
    let password = f.str_opt("password")?;
    if let Some(p) = &password {
        check_password(st, &f, p)?;
    }
    let has_digest = check_digest(&f)?;
    let sign_out = f.bool_opt("sign_out_of_other_sessions")?.unwrap_or(false);
    if sign_out && password.is_none() && !has_digest {
        return Err(ClerkError::new(
            422,
            "form_conditional_param_missing",
            "is missing",
            "`password` is required when `sign_out_of_other_sessions` is present.",
        )
        .param("password"));
    }
    let legal = f.time_opt("legal_accepted_at")?;
    let created_at = f.time_opt("created_at")?;
    let user = find(st, id)?;
    let primary_email = f.str_opt("primary_email_address_id")?;
    if let Some(pid) = &primary_email {
        match user.email_addresses.iter().find(|e| &e.id == pid) {
            None => return Err(ClerkError::invalid_value("primary_email_address_id", pid)),
            Some(e) if !e.verified => {
                return Err(super::unverified_primary_email("primary_email_address_id"));
            }
            Some(_) => {}
        }
    }
    let primary_phone = f.str_opt("primary_phone_number_id")?;
    if let Some(pid) = &primary_phone
        && !user
            .phone_numbers
            .iter()
            .any(|p| &p.id == pid && p.verified)
    {
        return Err(ClerkError::invalid_value("primary_phone_number_id", pid));
    }
    if let Some(w) = f.str_opt("primary_web3_wallet_id")? {
        return Err(ClerkError::invalid_value("primary_web3_wallet_id", &w));
    }
    let first_name = f.str_nullable("first_name")?;
    let last_name = f.str_nullable("last_name")?;
    let locale = f.str_nullable("locale")?;
    let totp = f.str_opt("totp_secret")?;
    let backup = f.str_array_opt("backup_codes")?;
    let delete_self = f.bool_opt("delete_self_enabled")?;
    let create_org = f.bool_opt("create_organization_enabled")?;
    let org_limit = f.int_opt("create_organizations_limit")?;
    let bypass = f.bool_opt("bypass_client_trust")?;
    f.bool_opt("notify_primary_email_address_changed")?;
    f.bool_opt("skip_legal_checks")?;
    f.str_opt("profile_image_id")?;

    let u = find_mut(st, id)?;
    if let Some(v) = username {
        u.username = v;
    }
    if let Some(v) = external_id {
        u.external_id = v;
    }
    if let Some(v) = first_name {
        u.first_name = v;
    }
    if let Some(v) = last_name {
        u.last_name = v;
    }
    if let Some(v) = locale {
        u.locale = v;
    }
    if primary_email.is_some() {
        u.primary_email_address_id = primary_email;
    }
    if primary_phone.is_some() {
        u.primary_phone_number_id = primary_phone;
    }
    if password.is_some() || has_digest {
        u.password_enabled = true;
        u.password_last_updated_at = Some(now);
        u.password_hash = password.as_deref().map(|p| secret_hash(id, p));
        u.password_compromised = false;
    }
    if totp.is_some() {
        u.totp_enabled = true;
    }
    if let Some(codes) = backup {
        u.backup_code_enabled = !codes.is_empty();
        u.backup_code_hashes = codes.iter().map(|c| secret_hash(id, c)).collect();
    }
    if (u.totp_enabled || u.backup_code_enabled) && u.mfa_enabled_at.is_none() {
        u.mfa_enabled_at = Some(now);
    }
    if let Some(v) = delete_self {
        u.delete_self_enabled = v;
    }
    if let Some(v) = create_org {
        u.create_organization_enabled = v;
    }
    if f.has("create_organizations_limit") {
        u.create_organizations_limit = org_limit;
    }
    if let Some(v) = bypass {
        u.bypass_client_trust = v;
    }
    if legal.is_some() {
        u.legal_accepted_at = legal;
    }
    if let Some(t) = created_at {
        u.created_at = t;
    }
    u.updated_at = now;
    let out = render::user(u);
    if sign_out {
        revoke_sessions(st, id, now);
    }
    Ok(out)
}

/// Revoke every active session of a user.
pub(super) fn revoke_sessions(st: &mut State, user_id: &str, now: i64) {
    for s in st.sessions.values_mut() {
        if s.user_id == user_id && s.status == "active" {
            s.status = "revoked".into();
            s.updated_at = now;
        }
    }
}

/// `DELETE /users/{id}`: also removes the user's memberships and sessions.
pub fn delete(st: &mut State, id: &str) -> Res {
    st.users
        .remove(id)
        .ok_or_else(|| ClerkError::user_not_found(id))?;
    st.memberships.retain(|_, m| m.user_id != id);
    st.sessions.retain(|_, s| s.user_id != id);
    Ok(render::deleted("user", id))
}

/// `POST /users/{id}/ban` and `/unban`.
pub fn set_banned(st: &mut State, cx: &Ctx, id: &str, banned: bool) -> Res {
    Fields::parse(cx.body, &[])?;
    let u = find_mut(st, id)?;
    u.banned = banned;
    u.updated_at = cx.now;
    let out = render::user(u);
    if banned {
        revoke_sessions(st, id, cx.now);
    }
    Ok(out)
}

/// `POST /users/ban` and `/users/unban` (bulk).
pub fn bulk_ban(st: &mut State, cx: &Ctx, banned: bool) -> Res {
    let f = Fields::parse_required(cx.body, &["user_ids"])?;
    let ids = f.str_array_opt("user_ids")?.unwrap_or_default();
    if ids.is_empty() {
        return Err(ClerkError::missing("user_ids"));
    }
    if ids.len() > 100 {
        return Err(ClerkError::new(
            422,
            "form_param_array_size_exceeded",
            "exceeds maximum size",
            "user_ids should not exceed 100 items.",
        )
        .param("user_ids"));
    }
    for id in &ids {
        find(st, id)?;
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let u = find_mut(st, id)?;
        u.banned = banned;
        u.updated_at = cx.now;
        out.push(render::user(u));
        if banned {
            revoke_sessions(st, id, cx.now);
        }
    }
    Ok(Value::Array(out))
}

/// `POST /users/{id}/lock` and `/unlock`.
pub fn set_locked(st: &mut State, cx: &Ctx, id: &str, locked: bool) -> Res {
    Fields::parse(cx.body, &[])?;
    let u = find_mut(st, id)?;
    u.locked = locked;
    u.updated_at = cx.now;
    Ok(render::user(u))
}

/// `PATCH` (deep merge) / `PUT` (replace) `/users/{id}/metadata`.
pub fn metadata(st: &mut State, cx: &Ctx, id: &str, replace: bool) -> Res {
    find(st, id)?;
    let f = Fields::parse(cx.body, METADATA_KEYS)?;
    // Validate every field before touching the user.
    let mut probe = Value::Null;
    for key in METADATA_KEYS {
        apply_metadata(&mut probe, key, &f, replace)?;
    }
    let u = find_mut(st, id)?;
    apply_metadata(&mut u.public_metadata, "public_metadata", &f, replace)?;
    apply_metadata(&mut u.private_metadata, "private_metadata", &f, replace)?;
    apply_metadata(&mut u.unsafe_metadata, "unsafe_metadata", &f, replace)?;
    u.updated_at = cx.now;
    Ok(render::user(u))
}

/// What `DELETE /users/{id}/mfa`, `/totp` and `/backup_code` remove.
#[derive(Clone, Copy)]
pub enum Mfa {
    /// Every second factor: TOTP, backup codes, SMS codes.
    All,
    Totp,
    BackupCodes,
}

/// `DELETE /users/{id}/mfa`, `DELETE /users/{id}/totp`, `DELETE /users/{id}/backup_code`:
/// answers `{"user_id"}`.
pub fn disable_mfa(st: &mut State, cx: &Ctx, id: &str, what: Mfa) -> Res {
    let u = find_mut(st, id)?;
    match what {
        Mfa::All => {
            u.totp_enabled = false;
            u.backup_code_enabled = false;
            u.backup_code_hashes.clear();
            for p in &mut u.phone_numbers {
                p.reserved_for_second_factor = false;
                p.default_second_factor = false;
            }
        }
        Mfa::Totp => u.totp_enabled = false,
        Mfa::BackupCodes => {
            u.backup_code_enabled = false;
            u.backup_code_hashes.clear();
        }
    }
    let still = u.totp_enabled
        || u.backup_code_enabled
        || u.phone_numbers.iter().any(|p| p.reserved_for_second_factor);
    if !still && u.mfa_enabled_at.is_some() {
        u.mfa_enabled_at = None;
        u.mfa_disabled_at = Some(cx.now);
    }
    u.updated_at = cx.now;
    Ok(json!({ "user_id": id }))
}

/// `POST /users/{id}/remove_password`: a user without a password is returned unchanged.
pub fn remove_password(st: &mut State, cx: &Ctx, id: &str) -> Res {
    Fields::parse(cx.body, &[])?;
    let u = find_mut(st, id)?;
    if u.password_enabled {
        u.password_enabled = false;
        u.password_last_updated_at = None;
        u.password_hash = None;
        u.password_compromised = false;
        u.updated_at = cx.now;
    }
    Ok(render::user(u))
}

/// Salted SHA-256 of a user's password or backup code, as the state stores it.
pub fn secret_hash(user_id: &str, secret: &str) -> String {
    crate::oauth::sha256_hex(&format!("{user_id}:{secret}"))
}

use crate::TOTP_CODE;

fn password_not_set() -> ClerkError {
    ClerkError::new(
        400,
        "password_not_set",
        "no password set",
        "This user does not have a password set.",
    )
}

/// `POST /users/{id}/verify_password`
pub fn verify_password(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let f = Fields::parse_required(cx.body, &["password"])?;
    let password = f.str_req("password")?;
    let u = find(st, id)?;
    if !u.password_enabled {
        return Err(password_not_set());
    }
    if u.password_hash.as_deref() != Some(secret_hash(id, &password).as_str()) {
        return Err(ClerkError::new(
            422,
            "form_password_incorrect",
            "Password is incorrect. Try again, or use another method.",
            "Password is incorrect. Try again, or use another method.",
        )
        .param("password"));
    }
    Ok(json!({ "verified": true }))
}

/// `POST /users/{id}/verify_totp`: the emulator's TOTP code, or an unused backup code (which
/// it consumes).
pub fn verify_totp(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let f = Fields::parse_required(cx.body, &["code"])?;
    let code = f.str_req("code")?;
    let u = find_mut(st, id)?;
    if !u.totp_enabled && !u.backup_code_enabled {
        return Err(ClerkError::new(
            400,
            "totp_not_enabled",
            "TOTP is not enabled",
            "This user has neither TOTP nor backup codes enabled.",
        ));
    }
    if u.totp_enabled && code == TOTP_CODE {
        return Ok(json!({ "verified": true, "code_type": "totp" }));
    }
    let hash = secret_hash(id, &code);
    if u.backup_code_enabled
        && let Some(i) = u.backup_code_hashes.iter().position(|h| *h == hash)
    {
        u.backup_code_hashes.remove(i);
        u.updated_at = cx.now;
        return Ok(json!({ "verified": true, "code_type": "backup_code" }));
    }
    Err(ClerkError::new(
        422,
        "form_code_incorrect",
        "Incorrect code",
        "The TOTP or backup code is incorrect.",
    )
    .param("code"))
}

/// `POST /users/{id}/password/set_compromised` and `/unset_compromised`; setting can revoke
/// the user's active sessions.
pub fn set_password_compromised(st: &mut State, cx: &Ctx, id: &str, compromised: bool) -> Res {
    let revoke = if compromised {
        Fields::parse(cx.body, &["revoke_all_sessions"])?
            .bool_opt("revoke_all_sessions")?
            .unwrap_or(false)
    } else {
        Fields::parse(cx.body, &[])?;
        false
    };
    let u = find_mut(st, id)?;
    if !u.password_enabled {
        return Err(password_not_set());
    }
    if u.password_compromised != compromised {
        u.password_compromised = compromised;
        u.updated_at = cx.now;
    }
    let out = render::user(u);
    if revoke {
        revoke_sessions(st, id, cx.now);
    }
    Ok(out)
}
