//! # clerk-api
//!
//! A typed, async client for [Clerk](https://clerk.com)'s Backend API (BAPI), version
//! `2026-05-12`.
//!
//! * One [`Client`], cheap to clone, with one pooled `reqwest` connection pool (rustls), a
//!   request timeout, and retries in one place (429 honours `Retry-After`; 5xx and timeouts are
//!   retried only for methods that are safe to repeat). See [`client`].
//! * One module per resource: [`users`], [`organizations`], [`organization_memberships`],
//!   [`organization_invitations`], [`invitations`], [`sessions`], [`email_addresses`],
//!   [`phone_numbers`]. Simple calls are async methods; calls with optional parameters are
//!   builders ending in `.send()`.
//! * The rest of the Backend API (JWT templates, OAuth applications, domains, allow- and
//!   block-lists, redirect URLs, actor / sign-in / testing tokens, machines, M2M tokens and API
//!   keys, roles, permissions and role sets, organization domains, enterprise connections,
//!   directories, waitlist, webhooks, instance settings, billing, agent tasks, …) is generated
//!   from the vendored spec by `clerk-api-codegen` into [`generated`], one module per spec tag,
//!   re-exported at the crate root (`clerk_api::jwt_templates`, reached with
//!   `client.jwt_templates()`). [`operations::OPERATIONS`] maps every one of the spec's 235
//!   operationIds to its call: `clerk_api::operations::find("CreateJWTTemplate")`.
//! * Every list returns a [`Page`] (`data` + `total_count`) whatever the wire shape, and has an
//!   auto-paginating `.into_stream()`.
//! * One error type, [`Error`], which keeps Clerk's whole error body (codes, messages,
//!   `clerk_trace_id`, `Retry-After`).
//! * Lenient models ([`models`]): unknown fields and enum values never break decoding.
//! * The secret key is never printed: not in `Debug`, not in errors.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//!
//! # async fn run() -> clerk_api::Result<()> {
//! let clerk = clerk_api::Client::new(std::env::var("CLERK_SECRET_KEY").unwrap())?;
//!
//! // Find users by email.
//! let page = clerk.users().list().email_address(["ada@example.com"]).send().await?;
//! println!("{} match", page.total_count.unwrap_or(0));
//!
//! // Walk every user, 500 at a time.
//! let mut all = clerk.users().list().into_stream();
//! while let Some(user) = all.try_next().await? {
//!     println!("{} {:?}", user.id, user.primary_email());
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod client;
mod enums;
pub mod error;
pub mod generated;
pub mod models;
pub mod operations;
pub mod pagination;
mod query;

pub mod email_addresses;
pub mod invitations;
pub mod machine_auth;
pub mod organization_invitations;
pub mod organization_memberships;
pub mod organizations;
pub mod phone_numbers;
pub mod secret;
pub mod sessions;
pub mod users;
pub mod verify;

pub use client::{
    Client, ClientBuilder, DryRun, FileUpload, PlannedRequest, RetryConfig, SecretKey,
    install_crypto_provider,
};
pub use error::{ApiError, ClerkErrorBody, ClerkErrorEntry, Error, Result};
/// Generated resource modules (one per spec tag; see [`generated`]).
pub use generated::*;
pub use machine_auth::{ApiKey, CreateApiKey, Jwk, Jwks, M2mToken, OAuthAccessTokenInfo};
pub use models::*;
pub use pagination::{MAX_PAGE_SIZE, Page};
pub use query::Query;
pub use secret::Secret;
pub use verify::{TokenKind, TokenVerifier, VerifiedToken, VerifyError};

/// Re-exported so callers can use [`Client::send_raw`] without depending on `reqwest`.
pub use reqwest::Method;
