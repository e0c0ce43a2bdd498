//! What one tool call runs with: the tenant's Clerk client, the signed-in caller (if any) and how
//! the request was authenticated, a request id and the client application's name.
//!
//! A front-end builds one [`ToolContext`] per request (an HTTP server from the request's
//! headers and verified token, stdio once per process) and hands it to the
//! [`Pipeline`](crate::Pipeline). Tools themselves only read `client` and `caller`; the rest is
//! for the policy and the call events.

use std::sync::Arc;

use clerk_api::Client;
use serde::Serialize;

use crate::confirm::{Confirmer, Grant};

/// The user (and organization / session) on whose behalf tools run, e.g. from a verified
/// OAuth access token in an HTTP front-end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    /// `user_…` of the signed-in user.
    pub user_id: String,
    /// Active organization, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Session, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

impl Caller {
    /// A caller with just a user id.
    pub fn user(user_id: impl Into<String>) -> Self {
        Caller {
            user_id: user_id.into(),
            ..Default::default()
        }
    }

    /// Sets the active organization.
    pub fn with_organization(mut self, organization_id: impl Into<String>) -> Self {
        self.organization_id = Some(organization_id.into());
        self
    }

    /// Sets the session.
    pub fn with_session(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }
}

/// How the request that runs a call was authenticated (for the policy and the call events).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "method")]
#[non_exhaustive]
pub enum AuthMethod {
    /// A local process (stdio, the CLI, an embedding program): whoever runs it holds the key.
    #[default]
    Local,
    /// An HTTP request accepted without authentication (loopback, or explicitly allowed).
    Unauthenticated,
    /// An HTTP request with the server's static bearer token.
    StaticToken,
    /// An HTTP request that brought its own Clerk secret key (public mode).
    SecretKeyHeader,
    /// An OAuth access token issued by Clerk.
    OAuth {
        /// The OAuth client the token was issued to.
        client_id: Option<String>,
        /// Scopes granted to the token.
        scopes: Vec<String>,
    },
    /// A Clerk API key or M2M token.
    Machine {
        /// The machine / API key subject.
        subject: String,
        /// Scopes of the key or token.
        scopes: Vec<String>,
    },
}

impl AuthMethod {
    /// A short name (`local`, `static_token`, `oauth`, …) for logs and events.
    pub fn name(&self) -> &'static str {
        match self {
            AuthMethod::Local => "local",
            AuthMethod::Unauthenticated => "unauthenticated",
            AuthMethod::StaticToken => "static_token",
            AuthMethod::SecretKeyHeader => "secret_key_header",
            AuthMethod::OAuth { .. } => "oauth",
            AuthMethod::Machine { .. } => "machine",
        }
    }
}

/// One organization membership of the caller, as a policy sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MembershipGrant {
    /// `org_…`.
    pub organization_id: String,
    /// The organization's slug.
    pub slug: Option<String>,
    /// `org:admin`, `org:member`, or a custom role.
    pub role: String,
    /// The role's permissions (`org:sys_memberships:manage`, custom ones).
    pub permissions: Vec<String>,
}

/// The application that sent the request (MCP `clientInfo`, or the CLI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientInfo {
    /// Name, e.g. `claude-code`.
    pub name: String,
    /// Version, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The context of one tool call.
///
/// Cheap to clone (the client is one `Arc`). Build it with [`ToolContext::new`] and the `with_*`
/// methods.
#[derive(Clone)]
#[non_exhaustive]
pub struct ToolContext {
    /// Client used for this call: the tenant's key (derive one per tenant with
    /// [`Client::with_secret_key`], which shares the connection pool).
    pub client: Client,
    /// The signed-in caller, if any.
    pub caller: Option<Caller>,
    /// How the request was authenticated.
    pub auth: AuthMethod,
    /// An id for this request, carried by its call event (and later its audit line).
    pub request_id: String,
    /// The client application, if known.
    pub client_info: Option<ClientInfo>,
    /// Asks the person to confirm a risky call now (MCP elicitation, a terminal), if the
    /// front-end can (see [`crate::confirm`]).
    pub confirmer: Option<Arc<dyn Confirmer>>,
    /// An answer already given for this call (an `input_required` round, `--yes`).
    pub grant: Option<Grant>,
    /// The caller's organization memberships, when the policy looked them up
    /// ([`Policy::prepare`](crate::Policy::prepare)).
    pub memberships: Option<Arc<Vec<MembershipGrant>>>,
}

impl std::fmt::Debug for ToolContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolContext")
            .field("client", &self.client)
            .field("caller", &self.caller)
            .field("auth", &self.auth)
            .field("request_id", &self.request_id)
            .field("client_info", &self.client_info)
            .field("confirmer", &self.confirmer.as_ref().map(|c| c.method()))
            .field("grant", &self.grant)
            .field("memberships", &self.memberships)
            .finish()
    }
}

impl ToolContext {
    /// A local context with no caller and a fresh request id.
    pub fn new(client: Client) -> Self {
        ToolContext {
            client,
            caller: None,
            auth: AuthMethod::Local,
            request_id: new_request_id(),
            client_info: None,
            confirmer: None,
            grant: None,
            memberships: None,
        }
    }

    /// Sets the caller.
    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Sets how the request was authenticated.
    pub fn with_auth(mut self, auth: AuthMethod) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = id.into();
        self
    }

    /// Sets the client application.
    pub fn with_client_info(mut self, info: ClientInfo) -> Self {
        self.client_info = Some(info);
        self
    }

    /// Sets who asks the person to confirm risky calls.
    pub fn with_confirmer(mut self, confirmer: Arc<dyn Confirmer>) -> Self {
        self.confirmer = Some(confirmer);
        self
    }

    /// Sets an answer already given for this call.
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.grant = Some(grant);
        self
    }

    /// The same context with a new request id (for the next call of a long-lived context).
    pub fn for_new_request(&self) -> Self {
        let mut next = self.clone();
        next.request_id = new_request_id();
        // An answer to one question answers one call, never the next; a standing approval stays.
        if matches!(next.grant, Some(Grant::Claim { .. })) {
            next.grant = None;
        }
        next
    }
}

/// A random 16-hex-digit request id.
pub fn new_request_id() -> String {
    format!("{:016x}", fastrand::u64(..))
}
