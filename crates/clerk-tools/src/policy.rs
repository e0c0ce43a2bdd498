//! Who may see and call which tool: the authorization step of the [`Pipeline`](crate::Pipeline).
//!
//! The pipeline denies by default: a tool is listed only when [`Policy::visible`] says so, and a
//! call runs only when [`Policy::authorize`] answers [`Decision::Allow`]. A hidden tool is
//! reported to the caller as unknown, exactly as a tool the server does not serve, so a policy
//! never reveals what it hides.
//!
//! [`AllowAll`] is the permissive default for a front-end whose every caller holds the key
//! (stdio, the CLI, a hosted HTTP server behind its token). Front-ends with signed-in people
//! plug in their own (the OAuth issue's `self` and `operators` policies).

use futures_util::future::BoxFuture;

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::tool::{JsonObject, Tool};

/// The answer of [`Policy::authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The call may run.
    Allow,
    /// The call must not run.
    Deny {
        /// Why, in words the agent can relay ("you may only manage your own account").
        reason: String,
        /// The permission or scope that would allow it, if one would.
        missing: Option<String>,
    },
}

impl Decision {
    /// A denial with a reason.
    pub fn deny(reason: impl Into<String>) -> Self {
        Decision::Deny {
            reason: reason.into(),
            missing: None,
        }
    }

    /// A denial naming the permission that is missing.
    pub fn deny_missing(reason: impl Into<String>, missing: impl Into<String>) -> Self {
        Decision::Deny {
            reason: reason.into(),
            missing: Some(missing.into()),
        }
    }
}

/// Decides which tools a context sees and whether a call may run.
pub trait Policy: Send + Sync + 'static {
    /// A short name for logs and call events (`allow_all`, `self`, `operators`).
    fn name(&self) -> &'static str;

    /// Looks up what the policy needs to know about the caller (e.g. their organization
    /// memberships, into [`ToolContext::memberships`]) before [`Policy::visible`] and
    /// [`Policy::authorize`] run. The pipeline calls it for every call; front-ends call
    /// [`Pipeline::prepare`](crate::Pipeline::prepare) before listing tools. Default: nothing.
    fn prepare<'a>(&'a self, _ctx: &'a mut ToolContext) -> BoxFuture<'a, Result<(), ToolError>> {
        Box::pin(async { Ok(()) })
    }

    /// Whether [`Policy::prepare`] does anything (so the pipeline skips it, and the copy of
    /// the context it needs, on every call of a policy that does not). Default: false.
    fn prepares(&self) -> bool {
        false
    }

    /// Whether `tool` is listed (and callable at all) for this context.
    fn visible(&self, tool: &dyn Tool, ctx: &ToolContext) -> bool;

    /// Whether this call may run. Called after the arguments were validated, so a policy can
    /// look at the target (`userId`, `organizationId`) they name.
    fn authorize<'a>(
        &'a self,
        tool: &'a dyn Tool,
        args: &'a JsonObject,
        ctx: &'a ToolContext,
    ) -> BoxFuture<'a, Decision>;
}

/// Every served tool is visible and every call allowed. The default, for front-ends whose every
/// caller holds the Clerk key anyway.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl Policy for AllowAll {
    fn name(&self) -> &'static str {
        "allow_all"
    }

    fn visible(&self, _tool: &dyn Tool, _ctx: &ToolContext) -> bool {
        true
    }

    fn authorize<'a>(
        &'a self,
        _tool: &'a dyn Tool,
        _args: &'a JsonObject,
        _ctx: &'a ToolContext,
    ) -> BoxFuture<'a, Decision> {
        Box::pin(async { Decision::Allow })
    }
}
