//! Dry runs: `dryRun: true` on a write tool answers what the call would do, without doing it.
//!
//! The tool runs on a dry-run copy of the client ([`clerk_api::Client::dry_run`]): its reads go
//! to Clerk, its changes are recorded instead of sent. The answer lists the exact requests
//! (method, path, query, body with secrets masked) and the current state of the target (the
//! user that would be deleted, the organization that would change), e.g.
//!
//! ```json
//! {"dryRun": true, "deleted": false,
//!  "wouldSend": [{"method": "DELETE", "path": "/users/user_123"}],
//!  "current": {"user": {"id": "user_123", "first_name": "Ada", …}}}
//! ```
//!
//! It still fits the tool's output schema: `deleted: false` and `data: []` say truthfully that
//! nothing was deleted or created.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::event::mask_arguments;
use crate::tool::{JsonObject, Output, Tool};

/// The argument that asks for a dry run.
pub const DRY_RUN_ARG: &str = "dryRun";

/// Runs `tool` without changing anything; the preview.
pub(crate) async fn preview(
    tool: &dyn Tool,
    ctx: &ToolContext,
    args: JsonObject,
    allow_private_metadata: bool,
) -> Result<Value, ToolError> {
    let (client, plan) = ctx.client.dry_run();
    let mut dry = ctx.clone();
    dry.client = client;
    let current = current_state(ctx, &args, allow_private_metadata).await;
    let outcome = tool.call(&dry, args).await;
    let planned = plan.planned();
    if planned.is_empty()
        && let Err(e) = outcome
    {
        // Failed before any change (a read failed, a precondition): the real call would too.
        return Err(e);
    }
    let would_send: Vec<Value> = planned
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            if let Some(Value::Object(body)) = r.body.as_ref() {
                v["body"] = mask_arguments(body);
            }
            v
        })
        .collect();
    let mut out = Map::new();
    out.insert("dryRun".into(), json!(true));
    match tool.output() {
        Output::Deleted => {
            out.insert("deleted".into(), json!(false));
        }
        Output::Bulk(_) | Output::List(_) => {
            out.insert("data".into(), json!([]));
        }
        _ => {}
    }
    out.insert("wouldSend".into(), Value::Array(would_send));
    if !current.is_empty() {
        out.insert("current".into(), Value::Object(current));
    }
    out.insert(
        "note".into(),
        json!(if planned.is_empty() {
            "Nothing would change."
        } else {
            "Nothing was changed. Requests that depend on Clerk's answer to an earlier one may differ."
        }),
    );
    Ok(Value::Object(out))
}

/// The objects the arguments name, as they are now.
async fn current_state(ctx: &ToolContext, args: &JsonObject, allow_private: bool) -> JsonObject {
    let s = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_owned);
    let limit = Duration::from_secs(10);
    let mut out = Map::new();
    let mut put = |name: &str, v: Option<Value>| {
        if let Some(v) = v.and_then(|v| crate::output::clean(v, allow_private)) {
            out.insert(name.to_string(), v);
        }
    };
    if let Some(id) = s("userId") {
        let got = tokio::time::timeout(limit, ctx.client.users().get(&id)).await;
        put(
            "user",
            got.ok()
                .and_then(Result::ok)
                .and_then(|u| serde_json::to_value(u).ok()),
        );
    }
    if let Some(id) = s("organizationId") {
        let got = tokio::time::timeout(limit, ctx.client.organizations().get(&id)).await;
        put(
            "organization",
            got.ok()
                .and_then(Result::ok)
                .and_then(|o| serde_json::to_value(o).ok()),
        );
    }
    if let Some(id) = s("sessionId") {
        let got = tokio::time::timeout(limit, ctx.client.sessions().get(&id)).await;
        put(
            "session",
            got.ok()
                .and_then(Result::ok)
                .and_then(|o| serde_json::to_value(o).ok()),
        );
    }
    out
}
