//! Rendering of state records into Clerk's JSON response objects.

use serde_json::{Value, json};

use crate::state::{
    EmailAddress, Invitation, Membership, Organization, OrganizationInvitation, PhoneNumber,
    Session, State, User,
};

/// Clerk's default avatar URL (base64 of `{"type":"default"}`).
pub const DEFAULT_IMAGE_URL: &str = "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9";
const GRAVATAR_URL: &str = "https://www.gravatar.com/avatar?d=mp";

/// Roles the emulated instance knows about.
pub const ROLES: &[&str] = &[
    "org:admin",
    "org:member",
    "org:clerk_mcp_reader",
    "org:clerk_mcp_writer",
    "org:clerk_mcp_operator",
];

/// Human name of a role key.
pub fn role_name(role: &str) -> &'static str {
    match role {
        "org:admin" => "Admin",
        "org:clerk_mcp_reader" => "clerk-mcp reader",
        "org:clerk_mcp_writer" => "clerk-mcp writer",
        "org:clerk_mcp_operator" => "clerk-mcp operator",
        _ => "Member",
    }
}

/// System permissions of a role key.
pub fn role_permissions(role: &str) -> Vec<&'static str> {
    match role {
        "org:admin" => vec![
            "org:sys_profile:manage",
            "org:sys_profile:delete",
            "org:sys_memberships:read",
            "org:sys_memberships:manage",
            "org:sys_domains:read",
            "org:sys_domains:manage",
        ],
        // Custom roles with custom permissions, as one creates them in the Clerk dashboard for
        // clerk-mcp's `operators` policy.
        "org:clerk_mcp_reader" => vec!["org:sys_memberships:read", "org:clerk_mcp:read"],
        "org:clerk_mcp_writer" => vec![
            "org:sys_memberships:read",
            "org:clerk_mcp:read",
            "org:clerk_mcp:write",
        ],
        "org:clerk_mcp_operator" => vec![
            "org:sys_memberships:read",
            "org:clerk_mcp:read",
            "org:clerk_mcp:write",
            "org:clerk_mcp:destructive",
        ],
        _ => vec!["org:sys_memberships:read"],
    }
}

fn verification(verified: bool) -> Value {
    if verified {
        json!({
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
        })
    } else {
        Value::Null
    }
}

/// An `EmailAddress` object.
pub fn email_address(e: &EmailAddress) -> Value {
    json!({
        "id": e.id,
        "object": "email_address",
        "email_address": e.email_address,
        "reserved": e.reserved,
        "verification": verification(e.verified),
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    })
}

/// A `PhoneNumber` object.
pub fn phone_number(p: &PhoneNumber) -> Value {
    json!({
        "id": p.id,
        "object": "phone_number",
        "phone_number": p.phone_number,
        "reserved_for_second_factor": p.reserved_for_second_factor,
        "default_second_factor": p.default_second_factor,
        "reserved": p.reserved,
        "verification": verification(p.verified),
        "linked_to": [],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

/// Stored objects without their private (`_`-prefixed) keys.
pub fn public_objects(objects: &[Value]) -> Vec<Value> {
    objects.iter().map(public_object).collect()
}

/// A stored object without its private (`_`-prefixed) keys.
pub fn public_object(object: &Value) -> Value {
    let mut v = object.clone();
    if let Some(m) = v.as_object_mut() {
        m.retain(|k, _| !k.starts_with('_'));
    }
    v
}

/// A `User` object.
pub fn user(u: &User) -> Value {
    let two_factor = u.totp_enabled
        || u.backup_code_enabled
        || u.phone_numbers.iter().any(|p| p.reserved_for_second_factor);
    json!({
        "id": u.id,
        "object": "user",
        "external_id": u.external_id,
        "primary_email_address_id": u.primary_email_address_id,
        "primary_phone_number_id": u.primary_phone_number_id,
        "primary_web3_wallet_id": u.web3_wallets.first().map(|w| w["id"].clone()),
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "locale": u.locale,
        "profile_image_url": u.image_url.as_deref().unwrap_or(GRAVATAR_URL),
        "image_url": u.image_url.as_deref().unwrap_or(DEFAULT_IMAGE_URL),
        "has_image": u.image_url.is_some(),
        "public_metadata": u.public_metadata,
        "private_metadata": u.private_metadata,
        "unsafe_metadata": u.unsafe_metadata,
        "email_addresses": u.email_addresses.iter().map(email_address).collect::<Vec<_>>(),
        "phone_numbers": u.phone_numbers.iter().map(phone_number).collect::<Vec<_>>(),
        "web3_wallets": public_objects(&u.web3_wallets),
        "passkeys": public_objects(&u.passkeys),
        "password_enabled": u.password_enabled,
        "two_factor_enabled": two_factor,
        "totp_enabled": u.totp_enabled,
        "backup_code_enabled": u.backup_code_enabled,
        "mfa_enabled_at": u.mfa_enabled_at,
        "mfa_disabled_at": u.mfa_disabled_at,
        "password_last_updated_at": u.password_last_updated_at,
        "external_accounts": public_objects(&u.external_accounts),
        "saml_accounts": [],
        "enterprise_accounts": [],
        "last_sign_in_at": u.last_sign_in_at,
        "banned": u.banned,
        "locked": u.locked,
        "deprovisioned": false,
        "lockout_expires_in_seconds": if u.locked { Some(3600) } else { None },
        "verification_attempts_remaining": if u.locked { 0 } else { 100 },
        "updated_at": u.updated_at,
        "created_at": u.created_at,
        "delete_self_enabled": u.delete_self_enabled,
        "create_organization_enabled": u.create_organization_enabled,
        "create_organizations_limit": u.create_organizations_limit,
        "last_active_at": u.last_active_at,
        "legal_accepted_at": u.legal_accepted_at,
        "bypass_client_trust": u.bypass_client_trust,
    })
}

/// Optional extras of an `Organization` object.
#[derive(Debug, Default, Clone, Copy)]
pub struct OrgExtras {
    /// Add `members_count` (and `pending_invitations_count`).
    pub members_count: bool,
    /// Add `missing_member_with_elevated_permissions`.
    pub missing_elevated: bool,
}

/// Number of members of an organization.
pub fn members_count(st: &State, org_id: &str) -> usize {
    st.memberships
        .values()
        .filter(|m| m.organization_id == org_id)
        .count()
}

/// An `Organization` object.
pub fn organization(st: &State, o: &Organization, extras: OrgExtras) -> Value {
    let mut v = json!({
        "object": "organization",
        "id": o.id,
        "name": o.name,
        "slug": o.slug,
        "image_url": o.image_url.as_deref().unwrap_or(DEFAULT_IMAGE_URL),
        "has_image": o.image_url.is_some(),
        "max_allowed_memberships": o.max_allowed_memberships,
        "admin_delete_enabled": o.admin_delete_enabled,
        "public_metadata": o.public_metadata,
        "private_metadata": o.private_metadata,
        "role_set_key": o.role_set_key,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    });
    let map = v.as_object_mut().expect("object");
    if let Some(by) = &o.created_by {
        map.insert("created_by".into(), json!(by));
    }
    if extras.members_count {
        map.insert("members_count".into(), json!(members_count(st, &o.id)));
        let pending = st
            .organization_invitations
            .values()
            .filter(|i| i.organization_id == o.id && i.status == "pending")
            .count();
        map.insert("pending_invitations_count".into(), json!(pending));
    }
    if extras.missing_elevated {
        let has_admin = st
            .memberships
            .values()
            .any(|m| m.organization_id == o.id && m.role == "org:admin");
        map.insert(
            "missing_member_with_elevated_permissions".into(),
            json!(!has_admin),
        );
    }
    v
}

/// An `OrganizationMembership` object.
pub fn membership(st: &State, m: &Membership) -> Value {
    let org = st
        .organizations
        .get(&m.organization_id)
        .map(|o| organization(st, o, OrgExtras::default()))
        .unwrap_or(Value::Null);
    let user = st.users.get(&m.user_id);
    let public_user_data = json!({
        "user_id": m.user_id,
        "first_name": user.and_then(|u| u.first_name.clone()),
        "last_name": user.and_then(|u| u.last_name.clone()),
        "profile_image_url": GRAVATAR_URL,
        "image_url": DEFAULT_IMAGE_URL,
        "has_image": false,
        "identifier": user.and_then(User::identifier),
        "username": user.and_then(|u| u.username.clone()),
        "banned": user.is_some_and(|u| u.banned),
    });
    json!({
        "id": m.id,
        "object": "organization_membership",
        "role": m.role,
        "role_name": crate::resources::custom_role(st, &m.role)
            .map(|(name, _)| name)
            .unwrap_or_else(|| role_name(&m.role).to_string()),
        "permissions": crate::resources::custom_role(st, &m.role)
            .map(|(_, perms)| perms)
            .unwrap_or_else(|| role_permissions(&m.role).iter().map(|p| p.to_string()).collect()),
        "public_metadata": m.public_metadata,
        "private_metadata": m.private_metadata,
        "organization": org,
        "public_user_data": public_user_data,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    })
}

/// An `OrganizationInvitation` object; with `public_org` also its
/// `public_organization_data` (the `…WithPublicOrganizationData` variant).
pub fn organization_invitation(st: &State, i: &OrganizationInvitation, public_org: bool) -> Value {
    let inviter = i
        .inviter_id
        .as_deref()
        .and_then(|id| st.users.get(id))
        .map(|u| {
            json!({
                "user_id": u.id,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "image_url": DEFAULT_IMAGE_URL,
                "has_image": false,
                "identifier": u.identifier().unwrap_or_default(),
            })
        })
        .unwrap_or(Value::Null);
    let mut v = json!({
        "object": "organization_invitation",
        "id": i.id,
        "email_address": i.email_address,
        "role": i.role,
        "role_name": crate::resources::custom_role(st, &i.role)
            .map(|(name, _)| name)
            .unwrap_or_else(|| role_name(&i.role).to_string()),
        "organization_id": i.organization_id,
        "inviter_id": i.inviter_id,
        "public_inviter_data": inviter,
        "status": i.status,
        "public_metadata": i.public_metadata,
        "private_metadata": i.private_metadata,
        "url": i.url,
        "expires_at": i.expires_at,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    });
    if public_org && let Some(o) = st.organizations.get(&i.organization_id) {
        v.as_object_mut().expect("object").insert(
            "public_organization_data".into(),
            json!({
                "id": o.id,
                "name": o.name,
                "slug": o.slug,
                "image_url": DEFAULT_IMAGE_URL,
                "has_image": false,
            }),
        );
    }
    v
}

/// An `Invitation` (application invitation) object.
pub fn invitation(i: &Invitation) -> Value {
    let mut v = json!({
        "object": "invitation",
        "id": i.id,
        "email_address": i.email_address,
        "public_metadata": i.public_metadata,
        "revoked": i.status == "revoked",
        "status": i.status,
        "expires_at": i.expires_at,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    });
    if let Some(url) = &i.url {
        v.as_object_mut()
            .expect("object")
            .insert("url".into(), json!(url));
    }
    v
}

/// A `Session` object.
pub fn session(s: &Session) -> Value {
    let activity = s
        .latest_activity
        .as_ref()
        .map(|a| {
            json!({
                "object": "session_activity",
                "id": a.id,
                "device_type": a.device_type,
                "is_mobile": a.is_mobile,
                "browser_name": a.browser_name,
                "browser_version": a.browser_version,
                "ip_address": a.ip_address,
                "city": a.city,
                "country": a.country,
            })
        })
        .unwrap_or(Value::Null);
    json!({
        "object": "session",
        "id": s.id,
        "user_id": s.user_id,
        "client_id": s.client_id,
        "actor": null,
        "status": s.status,
        "last_active_organization_id": s.last_active_organization_id,
        "last_active_at": s.last_active_at,
        "latest_activity": activity,
        "expire_at": s.expire_at,
        "abandon_at": s.abandon_at,
        "updated_at": s.updated_at,
        "created_at": s.created_at,
    })
}

/// A `DeletedObject`.
pub fn deleted(object: &str, id: &str) -> Value {
    json!({ "object": object, "id": id, "deleted": true })
}

/// A paginated list `{data, total_count}`.
pub fn paginated(data: Vec<Value>, total: usize) -> Value {
    json!({ "data": data, "total_count": total })
}
