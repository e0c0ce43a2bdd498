//! What a tool call runs with: the Clerk client (so a front-end can pass a per-request key) and,
//! optionally, the signed-in caller on whose behalf it runs.

use clerk_api::Client;

/// The user (and organization / session) on whose behalf tools run, e.g. from a verified
/// session token in an HTTP front-end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    /// `user_…` of the signed-in user.
    pub user_id: String,
    /// Active organization, if any.
    pub organization_id: Option<String>,
    /// Session, if any.
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

/// The context of one tool call.
#[derive(Debug, Clone)]
pub struct ToolContext {
    /// Client used for this call (derive one per tenant with [`Client::with_secret_key`]).
    pub client: Client,
    /// The signed-in caller, if any.
    pub caller: Option<Caller>,
}

impl ToolContext {
    /// A context with no caller.
    pub fn new(client: Client) -> Self {
        ToolContext {
            client,
            caller: None,
        }
    }

    /// Sets the caller.
    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }
}
