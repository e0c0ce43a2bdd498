//! # clerk-mcp
//!
//! An MCP server exposing the [`clerk_tools`] toolkit, built on `rmcp` (the official Rust MCP
//! SDK). This crate is a thin adapter: the tools, their schemas, validation and result shaping
//! all live in `clerk-tools`; here they are mapped onto MCP's `tools/list` and `tools/call`.
//!
//! * [`ClerkServer`]: an `rmcp::ServerHandler` over a [`Pipeline`](clerk_tools::Pipeline).
//! * [`stdio`]: the stdio transport, with a guard that answers malformed lines with a JSON-RPC
//!   parse error (rmcp silently drops them).
//! * [`http`]: Streamable HTTP at `/mcp` (both protocol eras), hosted and public key modes,
//!   bearer-token protection, Host/Origin validation, `/health`, graceful shutdown.
//! * [`auth`]: sign in with Clerk (`--auth clerk`): protected-resource metadata, `WWW-Authenticate`
//!   challenges, token verification.

#![warn(missing_docs)]

pub mod auth;
pub mod http;
mod server;
pub mod stdio;

pub use server::ClerkServer;
