//! `/organizations` operations.

use serde_json::Value;

use super::{Ctx, Res, apply_metadata, metadata_or_empty, org_id};
use crate::error::ClerkError;
use crate::render::{self, OrgExtras};
use crate::req::{Fields, IdFilter, SortKey, contains_ci, sort_and_page};
use crate::state::{Membership, Organization, State};

const CREATE_KEYS: &[&str] = &[
    "name",
    "created_by",
    "private_metadata",
    "public_metadata",
    "slug",
    "max_allowed_memberships",
    "created_at",
    "role_set_key",
];

const UPDATE_KEYS: &[&str] = &[
    "name",
    "slug",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "created_at",
    "role_set_key",
];

fn extras(cx: &Ctx) -> Result<OrgExtras, ClerkError> {
    Ok(OrgExtras {
        members_count: cx.q.bool("include_members_count")?.unwrap_or(false),
        missing_elevated: cx
            .q
            .bool("include_missing_member_with_elevated_permissions")?
            .unwrap_or(false),
    })
}

fn check_name(name: &str) -> Result<(), ClerkError> {
    if name.chars().count() > 256 {
        return Err(ClerkError::new(
            422,
            "form_param_max_length_exceeded",
            "exceeds maximum length",
            "name should not exceed 256 characters.",
        )
        .param("name"));
    }
    Ok(())
}

fn check_slug(st: &State, slug: &str, except: Option<&str>) -> Result<(), ClerkError> {
    let ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if !ok {
        return Err(ClerkError::format_invalid(
            "slug",
            "slug can contain only lowercase alphanumeric characters and the dash \"-\".",
        ));
    }
    if st
        .organizations
        .values()
        .any(|o| o.slug == slug && Some(o.id.as_str()) != except)
    {
        return Err(ClerkError::identifier_exists("slug", "slug"));
    }
    Ok(())
}

fn check_max(f: &Fields) -> Result<Option<i64>, ClerkError> {
    match f.int_opt("max_allowed_memberships")? {
        Some(n) if n < 0 => Err(ClerkError::invalid_value(
            "max_allowed_memberships",
            &n.to_string(),
        )),
        other => Ok(other),
    }
}

/// Turn a name into a slug (`Acme, Inc.` → `acme-inc`).
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "org".into() } else { out }
}

/// `POST /organizations`
pub fn create(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(cx.body, CREATE_KEYS)?;
    let name = f.str_req("name")?;
    check_name(&name)?;
    let slug = f.str_opt("slug")?;
    if let Some(s) = &slug {
        check_slug(st, s, None)?;
    }
    let created_by = f.str_opt("created_by")?.filter(|s| !s.is_empty());
    if let Some(uid) = &created_by
        && !st.users.contains_key(uid)
    {
        return Err(ClerkError::new(
            400,
            "organization_creator_not_found",
            "creator not found",
            format!("No users found with id {uid}."),
        ));
    }
    let max = check_max(&f)?.unwrap_or(0);
    let public = f.metadata_opt("public_metadata")?;
    let private = f.metadata_opt("private_metadata")?;
    let created_at = f.time_opt("created_at")?.unwrap_or(cx.now);
    let role_set_key = f.str_opt("role_set_key")?;
    let slug = match slug {
        Some(s) => s,
        None => {
            let base = slugify(&name);
            let mut candidate = base.clone();
            while st.organizations.values().any(|o| o.slug == candidate) {
                candidate = format!("{base}-{}", st.new_token(6).to_lowercase());
            }
            candidate
        }
    };
    let id = st.new_id("org");
    let org = Organization {
        id: id.clone(),
        seq: st.seq,
        name,
        slug,
        max_allowed_memberships: max,
        admin_delete_enabled: true,
        public_metadata: metadata_or_empty(public),
        private_metadata: metadata_or_empty(private),
        created_by: created_by.clone(),
        role_set_key,
        created_at,
        updated_at: cx.now,
        image_url: None,
    };
    st.organizations.insert(id.clone(), org);
    if let Some(uid) = created_by {
        let mid = st.new_id("orgmem");
        let m = Membership {
            id: mid.clone(),
            seq: st.seq,
            organization_id: id.clone(),
            user_id: uid,
            role: "org:admin".into(),
            public_metadata: Value::Object(Default::default()),
            private_metadata: Value::Object(Default::default()),
            created_at: cx.now,
            updated_at: cx.now,
        };
        st.memberships.insert(mid, m);
    }
    Ok(render::organization(
        st,
        &st.organizations[&id],
        OrgExtras::default(),
    ))
}

/// `GET /organizations/{id_or_slug}`
pub fn get(st: &mut State, cx: &Ctx, id_or_slug: &str) -> Res {
    let extras = extras(cx)?;
    let id = org_id(st, id_or_slug)?;
    Ok(render::organization(st, &st.organizations[&id], extras))
}

/// `GET /organizations`
pub fn list(st: &mut State, cx: &Ctx) -> Res {
    let q = cx.q;
    let extras = extras(cx)?;
    let limit = q.limit()?;
    let offset = q.offset()?;
    let (field, desc) = q.order_by(&["name", "created_at", "members_count"], "-created_at")?;
    let query = q
        .get("query")
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let user_ids = IdFilter::new(q.all("user_id"));
    let org_ids = IdFilter::new(q.all("organization_id"));
    let orgs: Vec<&Organization> = st
        .organizations
        .values()
        .filter(|o| {
            if let Some(q) = &query
                && !(o.id.to_lowercase() == *q
                    || contains_ci(&o.name, q)
                    || contains_ci(&o.slug, q))
            {
                return false;
            }
            if !org_ids.accepts(std::iter::once(o.id.as_str())) {
                return false;
            }
            if !user_ids.is_empty() {
                let members = st
                    .memberships
                    .values()
                    .filter(|m| m.organization_id == o.id)
                    .map(|m| m.user_id.as_str());
                if !user_ids.accepts(members) {
                    return false;
                }
            }
            true
        })
        .collect();
    let (page, total) = sort_and_page(
        orgs,
        |o| {
            let key = match field.as_str() {
                "name" => SortKey::Text(Some(o.name.to_lowercase())),
                "members_count" => SortKey::Int(Some(render::members_count(st, &o.id) as i64)),
                _ => SortKey::Int(Some(o.created_at)),
            };
            (key, o.seq)
        },
        desc,
        limit,
        offset,
    );
    let data = page
        .into_iter()
        .map(|o| render::organization(st, o, extras))
        .collect();
    Ok(render::paginated(data, total))
}

/// `PATCH /organizations/{id_or_slug}` (no metadata since 2026-05-12).
pub fn update(st: &mut State, cx: &Ctx, id_or_slug: &str) -> Res {
    let id = org_id(st, id_or_slug)?;
    let f = Fields::parse(cx.body, UPDATE_KEYS)?;
    let name = f.str_opt("name")?;
    if f.has("name") && name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ClerkError::missing("name"));
    }
    if let Some(n) = &name {
        check_name(n)?;
    }
    let slug = f.str_opt("slug")?;
    if let Some(s) = &slug {
        check_slug(st, s, Some(&id))?;
    }
    let max = check_max(&f)?;
    let admin_delete = f.bool_opt("admin_delete_enabled")?;
    let created_at = f.time_opt("created_at")?;
    let role_set_key = f.str_nullable("role_set_key")?;
    let o = st.organizations.get_mut(&id).expect("org exists");
    if let Some(n) = name {
        o.name = n;
    }
    if let Some(s) = slug {
        o.slug = s;
    }
    if let Some(m) = max {
        o.max_allowed_memberships = m;
    }
    if let Some(a) = admin_delete {
        o.admin_delete_enabled = a;
    }
    if let Some(t) = created_at {
        o.created_at = t;
    }
    if let Some(r) = role_set_key {
        o.role_set_key = r;
    }
    o.updated_at = cx.now;
    Ok(render::organization(
        st,
        &st.organizations[&id],
        OrgExtras::default(),
    ))
}

/// `DELETE /organizations/{id_or_slug}`: also removes memberships and invitations.
pub fn delete(st: &mut State, id_or_slug: &str) -> Res {
    let id = org_id(st, id_or_slug)?;
    st.organizations.remove(&id);
    st.memberships.retain(|_, m| m.organization_id != id);
    st.organization_invitations
        .retain(|_, i| i.organization_id != id);
    for s in st.sessions.values_mut() {
        if s.last_active_organization_id.as_deref() == Some(id.as_str()) {
            s.last_active_organization_id = None;
        }
    }
    crate::resources::organization_deleted(st, &id);
    Ok(render::deleted("organization", &id))
}

/// `PATCH` (deep merge) / `PUT` (replace) `/organizations/{id}/metadata`.
pub fn metadata(st: &mut State, cx: &Ctx, id_or_slug: &str, replace: bool) -> Res {
    let id = org_id(st, id_or_slug)?;
    let f = Fields::parse(cx.body, &["public_metadata", "private_metadata"])?;
    let mut probe = Value::Null;
    apply_metadata(&mut probe, "public_metadata", &f, replace)?;
    apply_metadata(&mut probe, "private_metadata", &f, replace)?;
    let o = st.organizations.get_mut(&id).expect("org exists");
    apply_metadata(&mut o.public_metadata, "public_metadata", &f, replace)?;
    apply_metadata(&mut o.private_metadata, "private_metadata", &f, replace)?;
    o.updated_at = cx.now;
    Ok(render::organization(
        st,
        &st.organizations[&id],
        OrgExtras::default(),
    ))
}
