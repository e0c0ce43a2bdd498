//! Organization invitation operations.

use super::users::find as find_user;
use super::{Ctx, Res, check_email, check_membership_quota, check_role, metadata_or_empty, org_id};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, SortKey, contains_ci, parse_array, sort_and_page};
use crate::state::{Metadata, OrganizationInvitation, State};

const KEYS: &[&str] = &[
    "email_address",
    "inviter_user_id",
    "role",
    "public_metadata",
    "private_metadata",
    "redirect_url",
    "expires_in_days",
    "notify",
];

const STATUSES: &[&str] = &["pending", "accepted", "revoked", "expired"];
const DAY_MS: i64 = 86_400_000;

struct NewInvitation {
    email: String,
    role: String,
    inviter: Option<String>,
    public: Option<Metadata>,
    private: Option<Metadata>,
    redirect_url: Option<String>,
    expires_in_days: i64,
}

fn not_admin(who: &str) -> ClerkError {
    ClerkError::new(
        403,
        "not_an_admin_in_organization",
        "not an administrator",
        format!(
            "{who} is not an administrator in the organization. Only administrators can perform this action."
        ),
    )
}

fn check_admin(st: &State, org: &str, user_id: &str) -> Result<(), ClerkError> {
    find_user(st, user_id)?;
    match st.membership(org, user_id) {
        Some(m) if m.role == "org:admin" => Ok(()),
        _ => Err(not_admin(user_id)),
    }
}

fn validate(
    st: &State,
    org: &str,
    f: &Fields,
    batch: &[NewInvitation],
) -> Result<NewInvitation, ClerkError> {
    let email = f.str_req("email_address")?;
    check_email("email_address", &email)?;
    let role = f.str_req("role")?;
    let inviter = f.str_opt("inviter_user_id")?.filter(|s| !s.is_empty());
    let public = f.metadata_opt("public_metadata")?;
    let private = f.metadata_opt("private_metadata")?;
    let redirect_url = f.str_opt("redirect_url")?;
    f.bool_opt("notify")?;
    let expires_in_days = match f.int_opt("expires_in_days")? {
        None => 30,
        Some(d) if (1..=365).contains(&d) => d,
        Some(d) => return Err(ClerkError::invalid_value("expires_in_days", &d.to_string())),
    };
    check_role(st, &role)?;
    if let Some(inviter) = &inviter {
        check_admin(st, org, inviter)?;
    }
    let pending_dup = st.organization_invitations.values().any(|i| {
        i.organization_id == org
            && i.status == "pending"
            && i.email_address.eq_ignore_ascii_case(&email)
    }) || batch.iter().any(|b| b.email.eq_ignore_ascii_case(&email));
    if pending_dup {
        return Err(ClerkError::new(
            400,
            "organization_invitation_not_unique",
            "organization invitation not unique",
            "Organizations cannot have duplicate pending invitations for an email address.",
        ));
    }
    if let Some(u) = st.user_by_email(&email)
        && st.membership(org, &u.id).is_some()
    {
        return Err(ClerkError::new(
            400,
            "already_a_member_in_organization",
            "already a member",
            format!("{email} is already a member of the organization."),
        ));
    }
    Ok(NewInvitation {
        email: email.to_lowercase(),
        role,
        inviter,
        public,
        private,
        redirect_url,
        expires_in_days,
    })
}

fn insert(st: &mut State, org: &str, n: NewInvitation, now: i64) -> String {
    let id = st.new_id("orginv");
    let url = n.redirect_url.as_ref().map(|r| {
        let sep = if r.contains('?') { '&' } else { '?' };
        format!("{r}{sep}__clerk_ticket={}", st.new_token(40))
    });
    let inv = OrganizationInvitation {
        id: id.clone(),
        seq: st.seq,
        organization_id: org.to_string(),
        email_address: n.email,
        role: n.role,
        inviter_id: n.inviter,
        status: "pending".into(),
        public_metadata: metadata_or_empty(n.public),
        private_metadata: metadata_or_empty(n.private),
        url,
        expires_at: Some(now + n.expires_in_days * DAY_MS),
        created_at: now,
        updated_at: now,
    };
    st.organization_invitations.insert(id.clone(), inv);
    id
}

/// `POST /organizations/{id}/invitations`
pub fn create(st: &mut State, cx: &Ctx, org: &str) -> Res {
    let org = org_id(st, org)?;
    let f = Fields::parse_required(cx.body, KEYS)?;
    let n = validate(st, &org, &f, &[])?;
    check_membership_quota(st, &org, 1)?;
    let id = insert(st, &org, n, cx.now);
    Ok(render::organization_invitation(
        st,
        &st.organization_invitations[&id],
        false,
    ))
}

/// `POST /organizations/{id}/invitations/bulk` (max 10; all or nothing).
pub fn bulk(st: &mut State, cx: &Ctx, org: &str) -> Res {
    let org = org_id(st, org)?;
    let items = parse_array(cx.body, 10)?;
    let mut batch = Vec::with_capacity(items.len());
    for item in items {
        let f = Fields::from_value(item, KEYS)?;
        let n = validate(st, &org, &f, &batch)?;
        batch.push(n);
    }
    check_membership_quota(st, &org, batch.len())?;
    let ids: Vec<String> = batch
        .into_iter()
        .map(|n| insert(st, &org, n, cx.now))
        .collect();
    let total = ids.len();
    let data = ids
        .iter()
        .map(|id| render::organization_invitation(st, &st.organization_invitations[id], false))
        .collect();
    Ok(render::paginated(data, total))
}

fn list_page(
    st: &State,
    cx: &Ctx,
    items: Vec<&OrganizationInvitation>,
    default_order: &str,
    public_org: bool,
) -> Res {
    let limit = cx.q.limit()?;
    let offset = cx.q.offset()?;
    let (field, desc) =
        cx.q.order_by(&["created_at", "email_address"], default_order)?;
    let (page, total) = sort_and_page(
        items,
        |i| {
            let key = if field == "email_address" {
                SortKey::Text(Some(i.email_address.to_lowercase()))
            } else {
                SortKey::Int(Some(i.created_at))
            };
            (key, i.seq)
        },
        desc,
        limit,
        offset,
    );
    let data = page
        .into_iter()
        .map(|i| render::organization_invitation(st, i, public_org))
        .collect();
    Ok(render::paginated(data, total))
}

/// `GET /organizations/{id}/invitations` (and the deprecated `/pending`).
pub fn list(st: &mut State, cx: &Ctx, org: &str, pending_only: bool) -> Res {
    let org = org_id(st, org)?;
    let status = if pending_only {
        vec!["pending".to_string()]
    } else {
        cx.q.statuses(STATUSES)?
    };
    let email = cx.q.get("email_address").filter(|s| !s.is_empty());
    let items: Vec<&OrganizationInvitation> = st
        .organization_invitations
        .values()
        .filter(|i| i.organization_id == org)
        .filter(|i| status.is_empty() || status.contains(&i.status))
        .filter(|i| email.is_none_or(|e| i.email_address.eq_ignore_ascii_case(e)))
        .collect();
    list_page(st, cx, items, "-created_at", false)
}

/// `GET /organization_invitations` (instance-wide).
pub fn list_instance(st: &mut State, cx: &Ctx) -> Res {
    let status = cx.q.statuses(STATUSES)?;
    let query =
        cx.q.get("query")
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
    let items: Vec<&OrganizationInvitation> = st
        .organization_invitations
        .values()
        .filter(|i| status.is_empty() || status.contains(&i.status))
        .filter(|i| {
            query
                .as_deref()
                .is_none_or(|q| contains_ci(&i.email_address, q))
        })
        .collect();
    list_page(st, cx, items, "-created_at", true)
}

/// `GET /users/{id}/organization_invitations`
pub fn list_for_user(st: &mut State, cx: &Ctx, user_id: &str) -> Res {
    let user = find_user(st, user_id)?;
    let emails: Vec<String> = user
        .email_addresses
        .iter()
        .map(|e| e.email_address.to_lowercase())
        .collect();
    let status = cx.q.status(STATUSES)?;
    let items: Vec<&OrganizationInvitation> = st
        .organization_invitations
        .values()
        .filter(|i| emails.contains(&i.email_address.to_lowercase()))
        .filter(|i| status.as_deref().is_none_or(|s| i.status == s))
        .collect();
    let limit = cx.q.limit()?;
    let offset = cx.q.offset()?;
    let (page, total) = sort_and_page(
        items,
        |i| (SortKey::Int(Some(i.created_at)), i.seq),
        true,
        limit,
        offset,
    );
    let data = page
        .into_iter()
        .map(|i| render::organization_invitation(st, i, true))
        .collect();
    Ok(render::paginated(data, total))
}

fn find_in_org(st: &State, org: &str, id: &str) -> Result<(), ClerkError> {
    match st.organization_invitations.get(id) {
        Some(i) if i.organization_id == org => Ok(()),
        _ => Err(ClerkError::not_found(format!(
            "No invitation found with id {id}."
        ))),
    }
}

/// `GET /organizations/{id}/invitations/{invitation_id}`
pub fn get(st: &mut State, org: &str, id: &str) -> Res {
    let org = org_id(st, org)?;
    find_in_org(st, &org, id)?;
    Ok(render::organization_invitation(
        st,
        &st.organization_invitations[id],
        false,
    ))
}

/// `POST /organizations/{id}/invitations/{invitation_id}/revoke`
pub fn revoke(st: &mut State, cx: &Ctx, org: &str, id: &str) -> Res {
    let org = org_id(st, org)?;
    find_in_org(st, &org, id)?;
    let f = Fields::parse(cx.body, &["requesting_user_id"])?;
    if let Some(uid) = f.str_opt("requesting_user_id")?.filter(|s| !s.is_empty()) {
        check_admin(st, &org, &uid)?;
    }
    let inv = st.organization_invitations.get_mut(id).expect("invitation");
    if inv.status != "pending" {
        return Err(ClerkError::new(
            404,
            "organization_invitation_not_pending",
            "not pending",
            "The organization invitation is not in the 'pending' status.",
        ));
    }
    inv.status = "revoked".into();
    inv.updated_at = cx.now;
    Ok(render::organization_invitation(
        st,
        &st.organization_invitations[id],
        false,
    ))
}
