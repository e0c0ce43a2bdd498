//! `/sessions` operations.

use serde_json::Value;

use super::users::find as find_user;
use super::{Ctx, Res, org_id};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, SortKey, sort_and_page};
use crate::state::{Session, SessionActivity, State};

const DAY_MS: i64 = 86_400_000;

/// Insert a new active session for `user_id` (shared with the demo seed).
pub(crate) fn insert(
    st: &mut State,
    user_id: &str,
    org: Option<String>,
    activity: SessionActivity,
    now: i64,
) -> String {
    let id = st.new_id("sess");
    let seq = st.seq;
    let client_id = st.new_id("client");
    st.sessions.insert(
        id.clone(),
        Session {
            id: id.clone(),
            seq,
            user_id: user_id.to_string(),
            client_id,
            status: "active".into(),
            last_active_organization_id: org,
            last_active_at: now,
            expire_at: now + 7 * DAY_MS,
            abandon_at: now + 30 * DAY_MS,
            latest_activity: Some(activity),
            created_at: now,
            updated_at: now,
        },
    );
    id
}

/// `POST /sessions` (testing helper in Clerk; creates an active session).
pub fn create(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(cx.body, &["user_id", "active_organization_id"])?;
    let user_id = f.str_req("user_id")?;
    let org = f
        .str_opt("active_organization_id")?
        .filter(|s| !s.is_empty());
    let user = find_user(st, &user_id)?;
    if user.banned {
        return Err(ClerkError::new(
            403,
            "user_banned",
            "User banned",
            "You have been banned. If you think this was by mistake, please contact support.",
        ));
    }
    let org = match org {
        None => None,
        Some(o) => {
            let id = org_id(st, &o)?;
            if st.membership(&id, &user_id).is_none() {
                return Err(ClerkError::invalid_value("active_organization_id", &o));
            }
            Some(id)
        }
    };
    let activity = SessionActivity {
        id: st.new_id("sess_activity"),
        device_type: "Macintosh".into(),
        is_mobile: false,
        browser_name: "Chrome".into(),
        browser_version: "126.0.0.0".into(),
        ip_address: "127.0.0.1".into(),
        city: "San Francisco".into(),
        country: "US".into(),
    };
    let id = insert(st, &user_id, org, activity, cx.now);
    if let Some(u) = st.users.get_mut(&user_id) {
        u.last_sign_in_at = Some(cx.now);
        u.last_active_at = Some(cx.now);
    }
    Ok(render::session(&st.sessions[&id]))
}

/// `GET /sessions` (bare array, or `{data,total_count}` with `paginated=true`).
pub fn list(st: &mut State, cx: &Ctx) -> Res {
    let q = cx.q;
    let status = q.status(&[
        "abandoned",
        "active",
        "ended",
        "expired",
        "removed",
        "replaced",
        "revoked",
    ])?;
    let paginated = q.bool("paginated")?.unwrap_or(false);
    let limit = q.limit()?;
    let offset = q.offset()?;
    let client_id = q.get("client_id").filter(|s| !s.is_empty());
    let user_id = q.get("user_id").filter(|s| !s.is_empty());
    let items: Vec<&Session> = st
        .sessions
        .values()
        .filter(|s| client_id.is_none_or(|c| s.client_id == c))
        .filter(|s| user_id.is_none_or(|u| s.user_id == u))
        .filter(|s| status.as_deref().is_none_or(|st| s.status == st))
        .collect();
    let (page, total) = sort_and_page(
        items,
        |s| (SortKey::Int(Some(s.created_at)), s.seq),
        true,
        limit,
        offset,
    );
    let data: Vec<Value> = page.into_iter().map(render::session).collect();
    Ok(if paginated {
        render::paginated(data, total)
    } else {
        Value::Array(data)
    })
}

fn not_found(id: &str) -> ClerkError {
    ClerkError::not_found(format!("No session was found with id {id}"))
}

/// `GET /sessions/{id}`
pub fn get(st: &mut State, id: &str) -> Res {
    st.sessions
        .get(id)
        .map(render::session)
        .ok_or_else(|| not_found(id))
}

/// `POST /sessions/{id}/revoke`
pub fn revoke(st: &mut State, cx: &Ctx, id: &str) -> Res {
    Fields::parse(cx.body, &[])?;
    let s = st.sessions.get_mut(id).ok_or_else(|| not_found(id))?;
    s.status = "revoked".into();
    s.updated_at = cx.now;
    Ok(render::session(s))
}
