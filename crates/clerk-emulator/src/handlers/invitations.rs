//! Application invitation operations (`/invitations`).

use serde_json::{Value, json};

use super::{Ctx, Res, check_email, email_taken, metadata_or_empty};
use crate::error::ClerkError;
use crate::render;
use crate::req::{Fields, SortKey, contains_ci, parse_array, sort_and_page};
use crate::state::{Invitation, Metadata, State};

const KEYS: &[&str] = &[
    "email_address",
    "public_metadata",
    "redirect_url",
    "notify",
    "ignore_existing",
    "expires_in_days",
    "template_slug",
];

const DAY_MS: i64 = 86_400_000;
const ACCOUNTS_URL: &str = "https://accounts.emulator.clerk.test/sign-up";

struct NewInvitation {
    email: String,
    public: Option<Metadata>,
    redirect_url: Option<String>,
    expires_in_days: i64,
    ignore_existing: bool,
}

fn parse(f: &Fields) -> Result<NewInvitation, ClerkError> {
    let email = f.str_req("email_address")?;
    check_email("email_address", &email)?;
    let public = f.metadata_opt("public_metadata")?;
    let redirect_url = f.str_opt("redirect_url")?.filter(|s| !s.is_empty());
    f.bool_opt("notify")?;
    f.str_opt("template_slug")?;
    let ignore_existing = f.bool_opt("ignore_existing")?.unwrap_or(false);
    let expires_in_days = match f.int_opt("expires_in_days")? {
        None => 30,
        Some(d) if (1..=365).contains(&d) => d,
        Some(d) => return Err(ClerkError::invalid_value("expires_in_days", &d.to_string())),
    };
    Ok(NewInvitation {
        email: email.to_lowercase(),
        public,
        redirect_url,
        expires_in_days,
        ignore_existing,
    })
}

fn has_pending(st: &State, email: &str) -> bool {
    st.invitations
        .values()
        .any(|i| i.status == "pending" && i.email_address.eq_ignore_ascii_case(email))
}

fn duplicates(emails: Vec<String>) -> ClerkError {
    ClerkError::new(
        400,
        "duplicate_record",
        "duplicate record",
        format!(
            "There are already pending invitations for the following email addresses: {}",
            emails.join(", ")
        ),
    )
    .with_meta("email_addresses", json!(emails))
}

fn insert(st: &mut State, n: NewInvitation, now: i64) -> String {
    let id = st.new_id("inv");
    let base = n.redirect_url.as_deref().unwrap_or(ACCOUNTS_URL);
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}__clerk_ticket={}", st.new_token(40));
    let inv = Invitation {
        id: id.clone(),
        seq: st.seq,
        email_address: n.email,
        public_metadata: metadata_or_empty(n.public),
        status: "pending".into(),
        url: Some(url),
        expires_at: Some(now + n.expires_in_days * DAY_MS),
        created_at: now,
        updated_at: now,
    };
    st.invitations.insert(id.clone(), inv);
    id
}

/// `POST /invitations`
pub fn create(st: &mut State, cx: &Ctx) -> Res {
    let f = Fields::parse_required(cx.body, KEYS)?;
    let n = parse(&f)?;
    if !n.ignore_existing {
        if has_pending(st, &n.email) {
            return Err(duplicates(vec![n.email]));
        }
        if email_taken(st, &n.email) {
            return Err(ClerkError::identifier_exists(
                "email_address",
                "email address",
            ));
        }
    }
    let id = insert(st, n, cx.now);
    Ok(render::invitation(&st.invitations[&id]))
}

/// `POST /invitations/bulk` (max 10; all or nothing).
pub fn bulk(st: &mut State, cx: &Ctx) -> Res {
    let items = parse_array(cx.body, 10)?;
    let mut batch: Vec<NewInvitation> = Vec::with_capacity(items.len());
    let mut dups = Vec::new();
    for item in items {
        let n = parse(&Fields::from_value(item, KEYS)?)?;
        // Existing users cannot be invited in bulk, whatever `ignore_existing` says.
        if email_taken(st, &n.email) {
            return Err(ClerkError::identifier_exists(
                "email_address",
                "email address",
            ));
        }
        let in_batch = batch.iter().any(|b| b.email == n.email);
        if in_batch || (!n.ignore_existing && has_pending(st, &n.email)) {
            dups.push(n.email.clone());
        }
        batch.push(n);
    }
    if !dups.is_empty() {
        return Err(duplicates(dups));
    }
    let ids: Vec<String> = batch.into_iter().map(|n| insert(st, n, cx.now)).collect();
    Ok(Value::Array(
        ids.iter()
            .map(|id| render::invitation(&st.invitations[id]))
            .collect(),
    ))
}

/// `GET /invitations` (bare array, or `{data,total_count}` with `paginated=true`).
pub fn list(st: &mut State, cx: &Ctx) -> Res {
    let q = cx.q;
    let status = q.status(&["pending", "accepted", "revoked", "expired"])?;
    let paginated = q.bool("paginated")?.unwrap_or(false);
    let limit = q.limit()?;
    let offset = q.offset()?;
    let (field, desc) = q.order_by(
        &["created_at", "email_address", "expires_at"],
        "-created_at",
    )?;
    let query = q
        .get("query")
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let items: Vec<&Invitation> = st
        .invitations
        .values()
        .filter(|i| match &status {
            Some(s) => &i.status == s,
            // "Returns all non-revoked invitations" unless asked for revoked ones.
            None => i.status != "revoked",
        })
        .filter(|i| {
            query
                .as_deref()
                .is_none_or(|q| contains_ci(&i.email_address, q) || i.id.to_lowercase().contains(q))
        })
        .collect();
    let (page, total) = sort_and_page(
        items,
        |i| {
            let key = match field.as_str() {
                "email_address" => SortKey::Text(Some(i.email_address.to_lowercase())),
                "expires_at" => SortKey::Int(i.expires_at),
                _ => SortKey::Int(Some(i.created_at)),
            };
            (key, i.seq)
        },
        desc,
        limit,
        offset,
    );
    let data: Vec<Value> = page.into_iter().map(render::invitation).collect();
    Ok(if paginated {
        render::paginated(data, total)
    } else {
        Value::Array(data)
    })
}

/// `POST /invitations/{id}/revoke`
pub fn revoke(st: &mut State, cx: &Ctx, id: &str) -> Res {
    Fields::parse(cx.body, &[])?;
    let inv = st
        .invitations
        .get_mut(id)
        .ok_or_else(|| ClerkError::not_found(format!("No invitation was found with id {id}.")))?;
    match inv.status.as_str() {
        "revoked" => Err(ClerkError::new(
            400,
            "invitation_already_revoked",
            "Invitation is already revoked.",
            "Invitation is already revoked.",
        )),
        "accepted" => Err(ClerkError::new(
            400,
            "invitation_already_accepted",
            "Invitation is already accepted, try signing in instead.",
            "Invitation is already accepted, try signing in instead.",
        )),
        _ => {
            inv.status = "revoked".into();
            inv.updated_at = cx.now;
            Ok(render::invitation(inv))
        }
    }
}
