//! `sessions` tools.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{DEFAULT_LIMIT, list_result, to_value};
use crate::tool::{Annotations, Category::Sessions, Output, Tool, TypedTool};

/// Session status.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatusInput {
    // Signed in.
    Active,
    // Revoked.
    Revoked,
    // Signed out.
    Ended,
    // Expired.
    Expired,
    // Removed.
    Removed,
    // Abandoned.
    Abandoned,
    // Replaced.
    Replaced,
    // Waiting for a session task.
    Pending,
}

impl SessionStatusInput {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Ended => "ended",
            Self::Expired => "expired",
            Self::Removed => "removed",
            Self::Abandoned => "abandoned",
            Self::Replaced => "replaced",
            Self::Pending => "pending",
        }
    }
}

/// Arguments of `getSessionList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetSessionListInput {
    /// The user whose sessions to list (`user_…`).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Only sessions with this status, e.g. active.
    pub status: Option<SessionStatusInput>,
    /// Page size (default 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
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
                        req = req.status(s.as_str());
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
