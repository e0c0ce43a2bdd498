//! # clerk-tools
//!
//! Framework-neutral AI-agent tools over Clerk's Backend API, built on [`clerk_api`].
//!
//! Each tool has a name, a [`Category`], a title, a description, a JSON Schema for its input
//! (derived with schemars from a typed input struct), an output schema, [`Annotations`]
//! (read-only / destructive / idempotent / open-world) and an async call. The [`Toolkit`]
//! selects tools with `--tools`-style patterns and a read-only switch, looks them up by name,
//! calls them (validating arguments and shaping results for agents) and exports every definition
//! as JSON for any agent framework. Nothing here depends on MCP: `clerk-mcp` and `clerkctl` are
//! thin adapters over this crate.
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

mod context;
mod error;
pub mod output;
mod registry;
mod schema;
mod tool;
pub mod tools;

pub use context::{Caller, ToolContext};
pub use error::{FieldError, ToolError};
pub use registry::{CallError, ScopeError, Toolkit, ToolkitOptions};
pub use tool::{Annotations, Category, JsonObject, Output, Tool, TypedTool};
