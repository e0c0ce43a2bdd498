//! Organization membership operations.

use serde_json::Value;

use super::users::{UserFilter, find as find_user, sort_key as user_sort_key};
use super::{
    Ctx, Res, apply_metadata, check_membership_quota, check_role, metadata_or_empty, org_id,
};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, SortKey, sort_and_page};
use crate::state::{Membership, State};

const ORDER_FIELDS: &[&str] = &[
    "phone_number",
    "email_address",
    "created_at",
    "first_name",
    "last_name",
    "username",
];

fn membership_not_found() -> ClerkError {
    ClerkError::not_found("Resource not found")
}

fn find_id(st: &State, org: &str, user_id: &str) -> Result<String, ClerkError> {
    st.membership(org, user_id)
        .map(|m| m.id.clone())
        .ok_or_else(membership_not_found)
}

fn sort_key(st: &State, m: &Membership, field: &str) -> (SortKey, u64) {
    let key = match (field, st.users.get(&m.user_id)) {
        ("created_at", _) | (_, None) => SortKey::Int(Some(m.created_at)),
        (f, Some(u)) => user_sort_key(u, f),
    };
    (key, m.seq)
}

fn page(st: &State, items: Vec<&Membership>, field: &str, desc: bool, cx: &Ctx) -> Res {
    let limit = cx.q.limit()?;
    let offset = cx.q.offset()?;
    let (page, total) = sort_and_page(items, |m| sort_key(st, m, field), desc, limit, offset);
    let data = page
        .into_iter()
        .map(|m| render::membership(st, m))
        .collect();
    Ok(render::paginated(data, total))
}

/// `POST /organizations/{id}/memberships`
pub fn create(st: &mut State, cx: &Ctx, org: &str) -> Res {
    let org = org_id(st, org)?;
    let f = Fields::parse_required(
        cx.body,
        &["user_id", "role", "public_metadata", "private_metadata"],
    )?;
    let user_id = f.str_req("user_id")?;
    let role = f.str_req("role")?;
    let public = f.metadata_opt("public_metadata")?;
    let private = f.metadata_opt("private_metadata")?;
    let user = find_user(st, &user_id)?;
    check_role(st, &role)?;
    if st.membership(&org, &user_id).is_some() {
        let who = user.identifier().unwrap_or_else(|| user_id.clone());
        return Err(ClerkError::new(
            400,
            "already_a_member_in_organization",
            "already a member",
            format!("{who} is already a member of the organization."),
        ));
    }
    let emails: Vec<String> = user
        .email_addresses
        .iter()
        .map(|e| e.email_address.to_lowercase())
        .collect();
    // A pending invitation for this user is consumed by the membership, so it
    // does not count against the quota.
    let invited = st.organization_invitations.values().any(|i| {
        i.organization_id == org
            && i.status == "pending"
            && emails.contains(&i.email_address.to_lowercase())
    });
    if !invited {
        check_membership_quota(st, &org, 1)?;
    }
    for inv in st.organization_invitations.values_mut() {
        if inv.organization_id == org
            && inv.status == "pending"
            && emails.contains(&inv.email_address.to_lowercase())
        {
            inv.status = "accepted".into();
            inv.updated_at = cx.now;
        }
    }
    let id = st.new_id("orgmem");
    let m = Membership {
        id: id.clone(),
        seq: st.seq,
        organization_id: org,
        user_id,
        role,
        public_metadata: metadata_or_empty(public),
        private_metadata: metadata_or_empty(private),
        created_at: cx.now,
        updated_at: cx.now,
    };
    st.memberships.insert(id.clone(), m);
    Ok(render::membership(st, &st.memberships[&id]))
}

/// `GET /organizations/{id}/memberships`
pub fn list(st: &mut State, cx: &Ctx, org: &str) -> Res {
    let org = org_id(st, org)?;
    let filter = UserFilter::parse(cx.q)?;
    let roles = cx.q.all("role");
    let (field, desc) = cx.q.order_by(ORDER_FIELDS, "-created_at")?;
    let items: Vec<&Membership> = st
        .memberships
        .values()
        .filter(|m| m.organization_id == org)
        .filter(|m| roles.is_empty() || roles.contains(&m.role))
        .filter(|m| {
            st.users
                .get(&m.user_id)
                .is_some_and(|u| filter.matches(st, u))
        })
        .collect();
    page(st, items, &field, desc, cx)
}

/// `GET /organization_memberships` (instance-wide).
pub fn list_instance(st: &mut State, cx: &Ctx) -> Res {
    let (field, desc) = cx.q.order_by(ORDER_FIELDS, "-created_at")?;
    let items: Vec<&Membership> = st.memberships.values().collect();
    page(st, items, &field, desc, cx)
}

/// `GET /users/{id}/organization_memberships`
pub fn list_for_user(st: &mut State, cx: &Ctx, user_id: &str) -> Res {
    find_user(st, user_id)?;
    let items: Vec<&Membership> = st
        .memberships
        .values()
        .filter(|m| m.user_id == user_id)
        .collect();
    page(st, items, "created_at", true, cx)
}

/// `PATCH /organizations/{id}/memberships/{user_id}`
pub fn update(st: &mut State, cx: &Ctx, org: &str, user_id: &str) -> Res {
    let org = org_id(st, org)?;
    let mid = find_id(st, &org, user_id)?;
    let f = Fields::parse(cx.body, &["role"])?;
    let role = f.str_req("role")?;
    check_role(st, &role)?;
    let current = &st.memberships[&mid];
    if current.role == "org:admin" && role != "org:admin" {
        let admins = st
            .memberships
            .values()
            .filter(|m| m.organization_id == org && m.role == "org:admin")
            .count();
        if admins <= 1 {
            return Err(ClerkError::new(
                400,
                "organization_minimum_permissions_needed",
                "minimum organization permissions needed",
                "There has to be at least one organization member with the minimum required permissions",
            ));
        }
    }
    let m = st.memberships.get_mut(&mid).expect("membership");
    m.role = role;
    m.updated_at = cx.now;
    Ok(render::membership(st, &st.memberships[&mid]))
}

/// `DELETE /organizations/{id}/memberships/{user_id}`: answers the removed membership.
pub fn delete(st: &mut State, org: &str, user_id: &str) -> Res {
    let org = org_id(st, org)?;
    let mid = find_id(st, &org, user_id)?;
    let out = render::membership(st, &st.memberships[&mid]);
    st.memberships.remove(&mid);
    Ok(out)
}

/// `PATCH /organizations/{id}/memberships/{user_id}/metadata` (deep merge).
pub fn metadata(st: &mut State, cx: &Ctx, org: &str, user_id: &str) -> Res {
    let org = org_id(st, org)?;
    let mid = find_id(st, &org, user_id)?;
    let f = Fields::parse(cx.body, &["public_metadata", "private_metadata"])?;
    let mut probe = Value::Null;
    apply_metadata(&mut probe, "public_metadata", &f, false)?;
    apply_metadata(&mut probe, "private_metadata", &f, false)?;
    let m = st.memberships.get_mut(&mid).expect("membership");
    apply_metadata(&mut m.public_metadata, "public_metadata", &f, false)?;
    apply_metadata(&mut m.private_metadata, "private_metadata", &f, false)?;
    m.updated_at = cx.now;
    Ok(render::membership(st, &st.memberships[&mid]))
}
