//! What a user signs in with besides email addresses and phone numbers: passkeys, Web3
//! wallets, external (OAuth) accounts and their access tokens, trusted devices. The Backend API
//! lists and deletes them; the state (a state file, the demo seed) supplies them.

use serde_json::{Value, json};

use super::identifications::{identifications, last_identification};
use super::users::{find, find_mut};
use super::{Ctx, Res};
use crate::error::ClerkError;
use crate::render::{self, public_object};
use crate::state::{State, User};

/// Which of a user's object lists.
#[derive(Clone, Copy)]
pub enum Kind {
    Passkey,
    Web3Wallet,
    ExternalAccount,
}

impl Kind {
    fn list(self, u: &mut User) -> &mut Vec<Value> {
        match self {
            Kind::Passkey => &mut u.passkeys,
            Kind::Web3Wallet => &mut u.web3_wallets,
            Kind::ExternalAccount => &mut u.external_accounts,
        }
    }

    fn object(self) -> &'static str {
        match self {
            Kind::Passkey => "passkey",
            Kind::Web3Wallet => "web3_wallet",
            Kind::ExternalAccount => "external_account",
        }
    }
}

/// `DELETE /users/{id}/passkeys/{pid}`, `/web3_wallets/{wid}`, `/external_accounts/{eid}`.
pub fn delete(st: &mut State, cx: &Ctx, user_id: &str, kind: Kind, id: &str) -> Res {
    let u = find_mut(st, user_id)?;
    let last = matches!(kind, Kind::Web3Wallet) && identifications(u) <= 1;
    let list = kind.list(u);
    let Some(i) = list.iter().position(|v| v["id"] == id) else {
        return Err(ClerkError::not_found(format!(
            "No {} was found with id {id}",
            kind.object().replace('_', " ")
        )));
    };
    if last {
        return Err(last_identification());
    }
    list.remove(i);
    u.updated_at = cx.now;
    Ok(render::deleted(kind.object(), id))
}

/// `GET /users/{id}/trusted_devices`: the active ones.
pub fn list_trusted_devices(st: &mut State, user_id: &str) -> Res {
    let u = find(st, user_id)?;
    let active: Vec<Value> = u
        .trusted_devices
        .iter()
        .filter(|d| d["status"] == "active")
        .map(public_object)
        .collect();
    let n = active.len();
    Ok(render::paginated(active, n))
}

/// `DELETE /users/{id}/trusted_devices/{did}`: revokes it.
pub fn revoke_trusted_device(st: &mut State, cx: &Ctx, user_id: &str, id: &str) -> Res {
    let u = find_mut(st, user_id)?;
    let d = u
        .trusted_devices
        .iter_mut()
        .find(|d| d["id"] == id && d["status"] == "active")
        .ok_or_else(|| {
            ClerkError::not_found(format!("No trusted device was found with id {id}"))
        })?;
    d["status"] = json!("revoked");
    d["revoked_at"] = json!(cx.now);
    d["updated_at"] = json!(cx.now);
    Ok(public_object(d))
}

/// `GET /users/{id}/oauth_access_tokens/{provider}`: the access tokens of the user's accounts
/// with that provider (`oauth_google`, or just `google`); none is an empty list.
pub fn oauth_access_tokens(st: &mut State, cx: &Ctx, user_id: &str, provider: &str) -> Res {
    let u = find(st, user_id)?;
    let provider = if provider.starts_with("oauth_") || provider.starts_with("custom_") {
        provider.to_string()
    } else {
        format!("oauth_{provider}")
    };
    let tokens: Vec<Value> = u
        .external_accounts
        .iter()
        .filter(|a| a["provider"] == provider.as_str() && a["_access_token"].is_string())
        .map(|a| {
            json!({
                "object": "oauth_access_token",
                "external_account_id": a["id"],
                "provider_user_id": a["provider_user_id"],
                "token": a["_access_token"],
                "expires_at": a.get("_expires_at").cloned().unwrap_or(Value::Null),
                "provider": provider,
                "public_metadata": a.get("public_metadata").cloned().unwrap_or_else(|| json!({})),
                "label": a.get("label").cloned().unwrap_or(Value::Null),
                "scopes": a.get("_scopes").cloned().unwrap_or_else(|| json!([])),
            })
        })
        .collect();
    let total = tokens.len();
    let (offset, limit) = (cx.q.offset()?, cx.q.limit()?);
    let page: Vec<Value> = tokens.into_iter().skip(offset).take(limit).collect();
    if cx.q.bool("paginated")?.unwrap_or(false) {
        Ok(render::paginated(page, total))
    } else {
        Ok(Value::Array(page))
    }
}
