//! `sessions` tools.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{DEFAULT_LIMIT, list_result, to_value};
use crate::tool::{Annotations, Category::Sessions, Output, Tool, TypedTool};

fn session_status(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::enum_schema(
        clerk_api::sessions::SESSION_STATUS_FILTERS,
        "Only sessions with this status, e.g. active.",
    )
}

/// Arguments of `getSessionList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetSessionListInput {
    /// The user whose sessions to list (`user_…`).
    #[schemars(length(min = 1))]
    pub user_id: String,
    #[serde(default)]
    #[schemars(schema_with = "session_status")]
    pub status: Option<String>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

/// A session id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionIdInput {
    /// Session id (sess_…).
    #[schemars(length(min = 1))]
    pub session_id: String,
}

/// Session tools.
pub(super) fn all() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(
            TypedTool::new(
                "getSessionList",
                Sessions,
                "List a user's sessions",
                "List a user's sessions (devices signed in), optionally only active ones. Paginated: {data, totalCount, hasMore, nextOffset}.",
                Annotations::READ,
                Output::List("session"),
                |ctx, i: GetSessionListInput| async move {
                    let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                    let offset = i.offset.unwrap_or(0);
                    let mut req = ctx
                        .client
                        .sessions()
                        .list()
                        .user_id(&i.user_id)
                        .limit(limit)
                        .offset(offset);
                    if let Some(s) = i.status {
                        req = req.status(s);
                    }
                    list_result(req.send().await?, offset, limit)
                },
            )
            .pin(&["userId"]),
        ),
        Arc::new(TypedTool::new(
            "getSession",
            Sessions,
            "Get session",
            "Get one session by id: user, status, last activity, device and location.",
            Annotations::READ,
            Output::Object("session"),
            |ctx, i: SessionIdInput| async move { to_value(&ctx.client.sessions().get(&i.session_id).await?) },
        )),
        Arc::new(TypedTool::new(
            "revokeSession",
            Sessions,
            "Revoke session",
            "Sign a session out immediately (e.g. a lost device). Returns the session (status revoked).",
            Annotations::destructive(true),
            Output::Object("session"),
            |ctx, i: SessionIdInput| async move { to_value(&ctx.client.sessions().revoke(&i.session_id).await?) },
        )),
    ]
}
