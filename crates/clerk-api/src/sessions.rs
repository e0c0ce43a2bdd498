//! Sessions: `/sessions` and `/sessions/{session_id}/…` (spec tag "Sessions").
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::SessionStatus;
//!
//! // Revoke every active session of a user.
//! let page = clerk
//!     .sessions()
//!     .list()
//!     .user_id("user_2abc")
//!     .status(SessionStatus::Active)
//!     .send()
//!     .await?;
//! for session in page {
//!     clerk.sessions().revoke(&session.id).await?;
//! }
//!
//! // Mint a short-lived session token from a JWT template.
//! let token = clerk
//!     .sessions()
//!     .create_token_from_template("sess_2abc", "supabase", Some(60))
//!     .await?;
//! println!("{}", token.jwt);
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Client, seg};
use crate::enums::clerk_enum;
use crate::error::Result;
use crate::models::{Extra, Session, SessionStatus, SessionToken};
use crate::pagination::{ListRequest, list_builder};

impl Client {
    /// Sessions of the instance.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions { client: self }
    }
}

/// Handler for session operations. Obtain one with [`Client::sessions`].
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'c> {
    client: &'c Client,
}

fn session_path(session_id: &str, rest: &str) -> Result<String> {
    Ok(format!(
        "/sessions/{}{rest}",
        seg("session_id", session_id)?
    ))
}

#[derive(Serialize)]
struct TokenBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in_seconds: Option<u32>,
}

impl<'c> Sessions<'c> {
    /// `GET /sessions`: lists sessions, newest first. Clerk expects at least one of
    /// [`ListSessions::client_id`] or [`ListSessions::user_id`]. Sent with `paginated=true`, so
    /// the page has a `total_count`. Old inactive sessions are cleaned up by Clerk and not
    /// listed.
    pub fn list(&self) -> ListSessions {
        ListSessions {
            inner: ListRequest::new(self.client, Ok("/sessions".into())).paginated(),
        }
    }

    /// `GET /sessions/{session_id}`.
    pub async fn get(&self, session_id: &str) -> Result<Session> {
        self.client
            .get(session_path(session_id, "")?, Default::default())
            .await
    }

    /// `POST /sessions`: creates an active session for a user. **Testing only**: Clerk does
    /// not offer it on production instances (use sign-in tokens there).
    pub async fn create(&self, body: &CreateSession) -> Result<Session> {
        self.client
            .send_json(Method::POST, "/sessions".into(), Some(body))
            .await
    }

    /// `POST /sessions/{session_id}/refresh`: exchanges an expired session token and a refresh
    /// token for a new session token (or cookies, with [`SessionRefreshFormat::Cookie`]).
    pub async fn refresh(&self, session_id: &str, body: &RefreshSession) -> Result<SessionRefresh> {
        self.client
            .send_json(
                Method::POST,
                session_path(session_id, "/refresh")?,
                Some(body),
            )
            .await
    }

    /// `POST /sessions/{session_id}/revoke`: signs the session out. Returns it, now
    /// `revoked`.
    pub async fn revoke(&self, session_id: &str) -> Result<Session> {
        self.client
            .send_json::<(), Session>(Method::POST, session_path(session_id, "/revoke")?, None)
            .await
    }

    /// `POST /sessions/{session_id}/tokens`: creates a session token (JWT) for the session.
    /// `expires_in_seconds` (30 – 315 360 000) overrides the instance's default lifetime.
    pub async fn create_token(
        &self,
        session_id: &str,
        expires_in_seconds: Option<u32>,
    ) -> Result<SessionToken> {
        self.client
            .send_json(
                Method::POST,
                session_path(session_id, "/tokens")?,
                Some(&TokenBody { expires_in_seconds }),
            )
            .await
    }

    /// `POST /sessions/{session_id}/tokens/{template_name}`: creates a JWT for the session
    /// from a JWT template. `expires_in_seconds` (30 – 315 360 000) overrides the template's
    /// lifetime.
    pub async fn create_token_from_template(
        &self,
        session_id: &str,
        template_name: &str,
        expires_in_seconds: Option<u32>,
    ) -> Result<SessionToken> {
        let template = seg("template_name", template_name)?;
        self.client
            .send_json(
                Method::POST,
                session_path(session_id, &format!("/tokens/{template}"))?,
                Some(&TokenBody { expires_in_seconds }),
            )
            .await
    }
}

list_builder! {
    /// Builder for `GET /sessions` (sent with `paginated=true`).
    ListSessions => Session
}

/// The values the `status` filter of `GET /sessions` accepts (the spec's enum; the session
/// object itself can also be `pending`, which is no filter).
pub const SESSION_STATUS_FILTERS: &[&str] = &[
    "abandoned",
    "active",
    "ended",
    "expired",
    "removed",
    "replaced",
    "revoked",
];

impl ListSessions {
    /// Sessions of this client (browser / device).
    pub fn client_id(mut self, client_id: &str) -> Self {
        self.inner.query.set("client_id", client_id);
        self
    }

    /// Sessions of this user.
    pub fn user_id(mut self, user_id: &str) -> Self {
        self.inner.query.set("user_id", user_id);
        self
    }

    /// Only sessions with this status (`active`, `revoked`, `ended`, `expired`, `removed`,
    /// `abandoned`, `replaced`).
    pub fn status(mut self, status: impl Into<SessionStatus>) -> Self {
        self.inner.query.set("status", status.into());
        self
    }
}

/// Body of `POST /sessions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateSession {
    /// The user to create the session for (required).
    pub user_id: String,
    /// Organization to make active in the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_organization_id: Option<String>,
}

clerk_enum! {
    /// What `POST /sessions/{session_id}/refresh` answers with.
    SessionRefreshFormat {
        /// A session token (`{"object": "token", "jwt": …}`), Clerk's default.
        Token = "token",
        /// `Set-Cookie` directives (`{"object": "cookies", "cookies": […]}`).
        Cookie = "cookie",
    }
}

/// Body of `POST /sessions/{session_id}/refresh`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RefreshSession {
    /// The expired JWT from the `__session` cookie; it must belong to the session (required).
    pub expired_token: String,
    /// The refresh token from the `__refresh` cookie (required).
    pub refresh_token: String,
    /// Origin of the request (required).
    pub request_origin: String,
    /// Headers of the original request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<serde_json::Map<String, serde_json::Value>>,
    /// Response format (Clerk's default: [`SessionRefreshFormat::Token`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<SessionRefreshFormat>,
    /// IP address the original request came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_originating_ip: Option<String>,
}

/// Reply of `POST /sessions/{session_id}/refresh`: a token (`object: "token"`, `jwt` set) or
/// cookies (`object: "cookies"`, `cookies` set), depending on [`RefreshSession::format`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionRefresh {
    /// `token` or `cookies`.
    pub object: String,
    /// The new session token, for the `token` format.
    pub jwt: Option<String>,
    /// `Set-Cookie` directives, for the `cookie` format.
    pub cookies: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
