//! # clerk-tools
//!
//! Framework-neutral AI-agent tools over Clerk's Backend API, built on [`clerk_api`].
//!
//! Each tool has a name, a [`Category`], a title, a description, a JSON Schema for its input
//! (derived with schemars from a typed input struct), an output schema, [`Annotations`]
//! (read-only / destructive / idempotent / open-world) and an async call.
//!
//! * A [`Registry`] is the static part: the tools a front-end serves, selected once with
//!   `--tools`-style patterns and a read-only switch, and one rendering of each definition.
//! * A [`ToolContext`] is the per-call part: the tenant's Clerk client, the caller and how the
//!   request was authenticated, a request id, the client application.
//! * The [`Pipeline`] is the one entry point every front-end calls: visibility, caller pinning,
//!   argument validation, the [`Policy`] (deny by default; [`AllowAll`] is the default policy),
//!   the call (bounded, panics caught), result shaping, and one [`CallEvent`] per call for every
//!   [`EventSink`]. Failures carry a structured view ([`ToolError::to_json`]).
//! * A [`Toolkit`] is a pipeline plus a default context, for programs that just call tools.
//!
//! Nothing here depends on MCP: `clerk-mcp` (stdio and HTTP) and `clerkctl` are thin adapters
//! over this crate.
//!
//! The names and argument names of `@clerk/agent-toolkit`'s 19 tools are kept, so its users can
//! switch without changing a prompt.
//!
//! ```no_run
//! use clerk_tools::{Toolkit, ToolkitOptions};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = clerk_api::Client::from_env()?;
//! let toolkit = Toolkit::new(client, ToolkitOptions { read_only: true, ..Default::default() })?;
//! println!("{}", toolkit.definitions());
//! let args = json!({"emailAddress": ["ada@example.com"]});
//! let result = toolkit.call("getUserList", args.as_object().cloned()).await?;
//! println!("{result}");
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod audit;
pub mod budget;
pub mod confirm;
pub mod connect;
mod context;
pub mod dry_run;
pub mod dynamic;
mod error;
pub mod event;
pub mod function_calling;
pub mod governance;
pub mod mask;
pub mod output;
mod pipeline;
pub mod policies;
mod policy;
pub mod prompts;
mod registry;
pub mod resources;
mod risk;
mod schema;
mod tool;
pub mod tools;

pub use audit::{AuditLog, AuditTarget, Fsync};
pub use budget::{Budget, BudgetScope};
pub use confirm::{ConfirmAnswer, ConfirmKey, Confirmer, Grant};
pub use context::{AuthMethod, Caller, ClientInfo, MembershipGrant, ToolContext, new_request_id};
pub use error::{FieldError, ToolError};
pub use event::{CallEvent, EventSink, Outcome, TracingSink};
pub use governance::{Governance, GovernanceError};
pub use mask::SecretClass;
pub use output::View;
pub use pipeline::{DEFAULT_CALL_TIMEOUT, Pipeline};
pub use policies::{OperatorsPolicy, SelfPolicy};
pub use policy::{AllowAll, Decision, Policy};
pub use registry::{CallError, Registry, ScopeError, Toolkit, ToolkitOptions, default_confirm};
pub use risk::{Risk, UnknownRisk};
pub use tool::{Annotations, Category, JsonObject, Output, RISK_META, Tool, TypedTool};
