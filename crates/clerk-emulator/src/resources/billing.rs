//! Billing of one payer (a user or an organization): its subscription, built from its
//! subscription items (a payer with none is subscribed to the default plan of its payer type,
//! as Clerk does), and its credit balance, a ledger of signed adjustments.

use serde_json::{Value, json};

use super::families::{PLANS, PRICES, SUBSCRIPTION_ITEMS, money};
use super::{Call, INSTANCE_ID, insert, project, records, shape};
use crate::error::ClerkError;
use crate::state::State;

/// Payers (`cpayer_…`) created for users and organizations that had none.
const PAYERS: &str = "billing_payers";
/// One subscription (`csub_…`) per payer.
const SUBSCRIPTIONS: &str = "billing_subscriptions";
/// Credit ledger entries (`ccl_…`), amounts signed.
const LEDGER: &str = "billing_credit_ledger";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    User,
    Org,
}

impl Owner {
    fn field(self) -> &'static str {
        match self {
            Owner::User => "user_id",
            Owner::Org => "organization_id",
        }
    }
}

/// The owner's id (an organization also by slug), or 404.
fn owner_id(st: &State, owner: Owner, raw: &str) -> Result<String, ClerkError> {
    match owner {
        Owner::User if st.users.contains_key(raw) => Ok(raw.to_string()),
        Owner::User => Err(ClerkError::user_not_found(raw)),
        Owner::Org => crate::handlers::org_id(st, raw),
    }
}

/// The payer record of a user or organization (from its subscription items, else one made
/// now).
fn payer(st: &mut State, owner: Owner, id: &str, now: i64) -> Value {
    let field = owner.field();
    let existing = records(st, &SUBSCRIPTION_ITEMS)
        .iter()
        .map(|i| &i["payer"])
        .chain(st.records.get(PAYERS).into_iter().flatten())
        .find(|p| p[field] == id)
        .cloned();
    if let Some(p) = existing {
        return p;
    }
    let mut p = shape("GET /billing/subscription_items").template["payer"].clone();
    p["id"] = json!(st.new_id("cpayer"));
    p["instance_id"] = json!(INSTANCE_ID);
    p[field] = json!(id);
    match owner {
        Owner::User => {
            let u = &st.users[id];
            p["first_name"] = json!(u.first_name);
            p["last_name"] = json!(u.last_name);
            p["email"] = json!(u.primary_email().map(|e| e.email_address.clone()));
        }
        Owner::Org => p["organization_name"] = json!(st.organizations[id].name),
    }
    p["image_url"] = json!(crate::render::DEFAULT_IMAGE_URL);
    p["credits_balance"] = money(0);
    p["created_at"] = json!(now);
    p["updated_at"] = json!(now);
    st.records
        .entry(PAYERS.to_string())
        .or_default()
        .push(p.clone());
    p
}

fn payer_type_matches(plan: &Value, owner: Owner) -> bool {
    match owner {
        Owner::User => plan["for_payer_type"] == "user",
        Owner::Org => plan["for_payer_type"] == "org" || plan["for_payer_type"] == "organization",
    }
}

/// Subscribe a payer without items to the default plan of its type (free, active).
fn subscribe_to_default(
    st: &mut State,
    owner: Owner,
    payer: &Value,
    now: i64,
) -> Result<(), ClerkError> {
    let Some(plan) = records(st, &PLANS)
        .iter()
        .find(|p| p["is_default"] == true && payer_type_matches(p, owner))
        .cloned()
    else {
        return Err(ClerkError::not_found(
            "No subscription was found for this payer, and the instance has no default plan for it.",
        ));
    };
    let price_id = records(st, &PRICES)
        .iter()
        .find(|p| p["plan_id"] == plan["id"])
        .map(|p| p["id"].clone())
        .unwrap_or(Value::Null);
    let mut item = shape("GET /billing/subscription_items").template.clone();
    item["id"] = json!(st.new_id("csubi"));
    item["instance_id"] = json!(INSTANCE_ID);
    item["payer"] = payer.clone();
    item["payer_id"] = payer["id"].clone();
    item["plan_id"] = plan["id"].clone();
    item["price_id"] = price_id;
    item["status"] = json!("active");
    item["period_start"] = json!(now);
    item["period_end"] = Value::Null;
    item["lifetime_paid"] = money(0);
    item["created_at"] = json!(now);
    item["updated_at"] = json!(now);
    insert(st, &SUBSCRIPTION_ITEMS, item);
    Ok(())
}

fn subscription(st: &mut State, call: &Call, owner: Owner) -> Result<Value, ClerkError> {
    let now = call.cx.now;
    let id = owner_id(st, owner, call.param(0))?;
    let payer = payer(st, owner, &id, now);
    let of_payer = |st: &State| -> Vec<Value> {
        records(st, &SUBSCRIPTION_ITEMS)
            .iter()
            .filter(|i| i["payer_id"] == payer["id"])
            .cloned()
            .collect()
    };
    if of_payer(st).is_empty() {
        subscribe_to_default(st, owner, &payer, now)?;
    }
    let items = of_payer(st);
    let existing = st
        .records
        .get(SUBSCRIPTIONS)
        .into_iter()
        .flatten()
        .find(|s| s["payer_id"] == payer["id"])
        .cloned();
    let sub = match existing {
        Some(s) => s,
        None => {
            let created = items
                .iter()
                .filter_map(|i| i["created_at"].as_i64())
                .min()
                .unwrap_or(now);
            let s =
                json!({ "id": st.new_id("csub"), "payer_id": payer["id"], "created_at": created });
            st.records
                .entry(SUBSCRIPTIONS.to_string())
                .or_default()
                .push(s.clone());
            s
        }
    };
    let status_of = |s: &str| items.iter().any(|i| i["status"] == s);
    let status = if status_of("past_due") {
        "past_due"
    } else if status_of("active") || status_of("upcoming") {
        "active"
    } else if status_of("canceled") {
        "canceled"
    } else {
        "ended"
    };
    let item_template = &shape("GET /billing/subscription_items").template;
    let mut out = call.render(&json!({
        "object": "commerce_subscription",
        "id": sub["id"],
        "instance_id": INSTANCE_ID,
        "status": status,
        "payer_id": payer["id"],
        "created_at": sub["created_at"],
        "updated_at": items.iter().filter_map(|i| i["updated_at"].as_i64()).max().unwrap_or(now),
        "active_at": if status == "ended" { Value::Null } else { sub["created_at"].clone() },
        "past_due_at": items.iter().find(|i| i["status"] == "past_due").map(|i| i["past_due_at"].clone()).unwrap_or(Value::Null),
        "subscription_items": items.iter().map(|i| project(i, item_template)).collect::<Vec<_>>(),
        "eligible_for_free_trial": !items.iter().any(|i| i["is_free_trial"] == true),
    }));
    // The next payment: the base fee of the paid item that renews, if any.
    let paid = items.iter().find(|i| {
        i["status"] == "active"
            && i["period_end"].is_i64()
            && records(st, &PRICES)
                .iter()
                .any(|p| p["id"] == i["price_id"] && p["amount"].as_i64().unwrap_or(0) > 0)
    });
    match paid {
        Some(i) => {
            let amount = records(st, &PRICES)
                .iter()
                .find(|p| p["id"] == i["price_id"])
                .and_then(|p| p["amount"].as_i64())
                .unwrap_or(0);
            out["next_payment"] = json!({
                "date": i["period_end"],
                "amount": money(amount),
                "per_unit_totals": [],
                "totals": null,
            });
        }
        None => {
            out.as_object_mut().expect("object").remove("next_payment");
        }
    }
    Ok(out)
}

/// `GET /users/{user_id}/billing/subscription`
pub(crate) fn user_subscription(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    subscription(st, call, Owner::User)
}

/// `GET /organizations/{organization_id}/billing/subscription`
pub(crate) fn org_subscription(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    subscription(st, call, Owner::Org)
}

fn balance_of(st: &State, payer_id: &Value) -> Option<i64> {
    let mut entries = st
        .records
        .get(LEDGER)
        .into_iter()
        .flatten()
        .filter(|e| &e["payer_id"] == payer_id)
        .peekable();
    entries.peek()?;
    Some(entries.filter_map(|e| e["_amount"].as_i64()).sum())
}

fn credits(st: &mut State, call: &Call, owner: Owner) -> Result<Value, ClerkError> {
    let id = owner_id(st, owner, call.param(0))?;
    let payer = payer(st, owner, &id, call.cx.now);
    Ok(json!({
        "object": "commerce_credit_balance",
        "balance": balance_of(st, &payer["id"]).map(money),
    }))
}

/// `GET /users/{user_id}/billing/credits`
pub(crate) fn user_credits(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    credits(st, call, Owner::User)
}

/// `GET /organizations/{organization_id}/billing/credits`
pub(crate) fn org_credits(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    credits(st, call, Owner::Org)
}

fn adjust(st: &mut State, call: &Call, owner: Owner) -> Result<Value, ClerkError> {
    let body = call.body()?;
    let id = owner_id(st, owner, call.param(0))?;
    let amount = body
        .int_opt("amount")?
        .ok_or_else(|| ClerkError::missing("amount"))?;
    let action = body.str_req("action")?;
    let key = body.str_req("idempotency_key")?;
    let currency = body.str_opt("currency")?.unwrap_or_else(|| "USD".into());
    let note = body.str_opt("note")?;
    if amount <= 0 {
        return Err(ClerkError::new(
            422,
            "form_param_value_invalid",
            "is invalid",
            "amount must be greater than zero (in cents).",
        )
        .param("amount"));
    }
    let signed = match action.as_str() {
        "increase" => amount,
        "decrease" => -amount,
        _ => return Err(ClerkError::invalid_value("action", &action)),
    };
    if !currency.eq_ignore_ascii_case("USD") {
        return Err(ClerkError::invalid_value("currency", &currency));
    }
    let now = call.cx.now;
    let payer = payer(st, owner, &id, now);
    let ledger = st.records.get(LEDGER).into_iter().flatten();
    if let Some(prior) = ledger
        .clone()
        .find(|e| e["payer_id"] == payer["id"] && e["_idempotency_key"] == key.as_str())
    {
        // A retry answers the original entry; the same key for a different adjustment is a
        // conflict.
        if prior["_amount"] != signed {
            return Err(ClerkError::new(
                409,
                "idempotency_key_conflict",
                "idempotency key already used",
                "This idempotency_key was already used for a different credit adjustment.",
            )
            .param("idempotency_key"));
        }
        return Ok(call.render(prior));
    }
    let balance = balance_of(st, &payer["id"]).unwrap_or(0);
    if balance + signed < 0 {
        return Err(ClerkError::new(
            422,
            "insufficient_credit_balance",
            "insufficient credit balance",
            format!(
                "The credit balance ({}) is lower than the decrease requested ({}).",
                money(balance)["amount_formatted"].as_str().unwrap_or(""),
                money(amount)["amount_formatted"].as_str().unwrap_or(""),
            ),
        )
        .param("amount"));
    }
    let entry = json!({
        "object": "commerce_credit_ledger",
        "id": st.new_id("ccl"),
        "payer_id": payer["id"],
        "amount": money(signed),
        "source_type": "grant",
        "source_id": st.new_id("cgrant"),
        "note": note,
        "created_at": crate::req::format_rfc3339(now),
        "_amount": signed,
        "_idempotency_key": key,
    });
    st.records
        .entry(LEDGER.to_string())
        .or_default()
        .push(entry.clone());
    set_credits_balance(st, &payer["id"], balance + signed);
    Ok(call.render(&entry))
}

/// Every stored copy of a payer (its own record, the `payer` of its subscription items) shows
/// its current balance.
fn set_credits_balance(st: &mut State, payer_id: &Value, balance: i64) {
    let balance = money(balance);
    let payers = st.records.get_mut(PAYERS).into_iter().flatten();
    for p in payers.filter(|p| &p["id"] == payer_id) {
        p["credits_balance"] = balance.clone();
    }
    let items = st
        .records
        .get_mut(SUBSCRIPTION_ITEMS.coll)
        .into_iter()
        .flatten();
    for i in items.filter(|i| &i["payer"]["id"] == payer_id) {
        i["payer"]["credits_balance"] = balance.clone();
    }
}

/// `POST /users/{user_id}/billing/credits`
pub(crate) fn adjust_user_credits(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    adjust(st, call, Owner::User)
}

/// `POST /organizations/{organization_id}/billing/credits`
pub(crate) fn adjust_org_credits(st: &mut State, call: &Call) -> Result<Value, ClerkError> {
    adjust(st, call, Owner::Org)
}
