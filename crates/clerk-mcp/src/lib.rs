//! # clerk-mcp
//!
//! An MCP server exposing the [`clerk_tools`] toolkit, built on `rmcp` (the official Rust MCP
//! SDK). This crate is a thin adapter: the tools, their schemas, validation and result shaping
//! all live in `clerk-tools`; here they are mapped onto MCP's `tools/list` and `tools/call`.
//!
//! * [`ClerkServer`]: an `rmcp::ServerHandler` over a [`Toolkit`](clerk_tools::Toolkit).
//! * [`stdio`]: the stdio transport, with a guard that answers malformed lines with a JSON-RPC
//!   parse error (rmcp silently drops them).

#![warn(missing_docs)]

mod server;
pub mod stdio;

pub use server::ClerkServer;
