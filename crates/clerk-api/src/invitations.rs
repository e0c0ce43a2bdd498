//! Application invitations: `/invitations` (spec tag "Invitations"): invite an email address to
//! sign up.
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::InvitationStatus;
//! use clerk_api::invitations::CreateInvitation;
//!
//! let inv = clerk
//!     .invitations()
//!     .create(&CreateInvitation {
//!         email_address: "grace@example.com".into(),
//!         expires_in_days: Some(7),
//!         ..Default::default()
//!     })
//!     .await?;
//!
//! let pending = clerk
//!     .invitations()
//!     .list()
//!     .status(InvitationStatus::Pending)
//!     .send()
//!     .await?;
//! println!("{} pending", pending.total_count.unwrap_or(0));
//!
//! clerk.invitations().revoke(&inv.id).await?;
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::Serialize;

use crate::client::{Client, seg};
use crate::error::Result;
use crate::models::{Invitation, Metadata};
use crate::pagination::{ListRequest, list_builder, scalar_filters};

impl Client {
    /// Invitations to sign up to the application.
    pub fn invitations(&self) -> Invitations<'_> {
        Invitations { client: self }
    }
}

/// Handler for application invitation operations. Obtain one with [`Client::invitations`].
#[derive(Debug, Clone, Copy)]
pub struct Invitations<'c> {
    client: &'c Client,
}

impl<'c> Invitations<'c> {
    /// `POST /invitations`: invites an email address (and emails it, unless `notify` is
    /// `false`). Fails if the address already has an invitation (see `ignore_existing`) or a
    /// user.
    pub async fn create(&self, body: &CreateInvitation) -> Result<Invitation> {
        self.client
            .send_json(Method::POST, "/invitations".into(), Some(body))
            .await
    }

    /// `POST /invitations/bulk`: creates up to 10 invitations in one call.
    pub async fn create_bulk(&self, invitations: &[CreateInvitation]) -> Result<Vec<Invitation>> {
        self.client
            .send_json(Method::POST, "/invitations/bulk".into(), Some(invitations))
            .await
    }

    /// `GET /invitations`: lists invitations, newest first by default. Sent with
    /// `paginated=true` so Clerk reports the total count (a bare-array answer still decodes,
    /// with `total_count` `None`).
    pub fn list(&self) -> ListInvitations {
        ListInvitations {
            inner: ListRequest::new(self.client, Ok("/invitations".into())).paginated(),
        }
    }

    /// `POST /invitations/{invitation_id}/revoke`: revokes an invitation so its link no longer
    /// works (the address can still sign up normally).
    pub async fn revoke(&self, invitation_id: &str) -> Result<Invitation> {
        let path = format!(
            "/invitations/{}/revoke",
            seg("invitation_id", invitation_id)?
        );
        self.client
            .send_json::<(), Invitation>(Method::POST, path, None)
            .await
    }
}

/// The values the `status` filter of `GET /invitations` accepts.
pub const INVITATION_STATUS_FILTERS: &[&str] = &["pending", "accepted", "revoked", "expired"];

list_builder! {
    /// Builder for `GET /invitations`.
    ListInvitations => Invitation
}

impl ListInvitations {
    /// Only invitations with this status ([`InvitationStatus`](crate::InvitationStatus) or a
    /// string: `pending`, `accepted`, `revoked`, `expired`).
    pub fn status(mut self, status: impl std::fmt::Display) -> Self {
        self.inner.query.set("status", status);
        self
    }

    scalar_filters! {
        /// Filter on the email address or id.
        query: &str => "query",
        /// Sort field with `+` (ascending, implied) or `-` (descending) prefix: `created_at`,
        /// `email_address` or `expires_at`. Default `-created_at`.
        order_by: &str => "order_by",
    }
}

/// Body of `POST /invitations`, and one item of `POST /invitations/bulk`. Only `email_address`
/// is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateInvitation {
    /// Address to invite.
    pub email_address: String,
    /// Public metadata, copied to the user on sign-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Where the invitation link leads (for custom flows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Whether Clerk emails the invitation (default `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
    /// Create it even if the address already has an invitation or is claimed by a user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_existing: Option<bool>,
    /// Days until the invitation expires (Clerk's default is 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// Slug of the email template to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_slug: Option<String>,
}

impl CreateInvitation {
    /// An invitation of `email_address`, other fields unset.
    pub fn new(email_address: impl Into<String>) -> Self {
        CreateInvitation {
            email_address: email_address.into(),
            ..Default::default()
        }
    }
}
