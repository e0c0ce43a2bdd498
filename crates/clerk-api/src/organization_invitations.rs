//! Organization invitations: `/organizations/{organization_id}/invitations/…` and the
//! instance-wide `/organization_invitations` (spec tag "Organization Invitations"; the
//! deprecated `…/invitations/pending` is left out: use
//! [`ListOrganizationInvitations::status`] with `pending`).
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::InvitationStatus;
//! use clerk_api::organization_invitations::CreateOrganizationInvitation;
//!
//! let invitations = clerk.organization_invitations();
//! let inv = invitations
//!     .create("org_123", &CreateOrganizationInvitation::new("grace@example.com", "org:member"))
//!     .await?;
//!
//! let pending = invitations
//!     .list("org_123")
//!     .status([InvitationStatus::Pending])
//!     .send()
//!     .await?;
//! println!("{} pending", pending.total_count.unwrap_or(0));
//!
//! invitations.revoke("org_123", &inv.id, None).await?;
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::Serialize;

use crate::client::{Client, seg};
use crate::error::Result;
use crate::models::{Metadata, OrganizationInvitation};
use crate::organizations::organization_path;
use crate::pagination::{ListRequest, Page, array_filters, list_builder, scalar_filters};

impl Client {
    /// Invitations to join organizations.
    pub fn organization_invitations(&self) -> OrganizationInvitations<'_> {
        OrganizationInvitations { client: self }
    }
}

/// Handler for organization invitation operations. Obtain one with
/// [`Client::organization_invitations`].
#[derive(Debug, Clone, Copy)]
pub struct OrganizationInvitations<'c> {
    client: &'c Client,
}

fn invitation_path(organization_id: &str, invitation_id: &str, rest: &str) -> Result<String> {
    organization_path(
        organization_id,
        &format!(
            "/invitations/{}{rest}",
            seg("invitation_id", invitation_id)?
        ),
    )
}

impl<'c> OrganizationInvitations<'c> {
    /// `POST /organizations/{organization_id}/invitations`: invites an email address to join the
    /// organization with a role (and emails it, unless `notify` is `false`).
    pub async fn create(
        &self,
        organization_id: &str,
        body: &CreateOrganizationInvitation,
    ) -> Result<OrganizationInvitation> {
        self.client
            .send_json(
                Method::POST,
                organization_path(organization_id, "/invitations")?,
                Some(body),
            )
            .await
    }

    /// `POST /organizations/{organization_id}/invitations/bulk`: creates up to 10 invitations in
    /// one call, each with its own role. Returns the created invitations.
    pub async fn create_bulk(
        &self,
        organization_id: &str,
        invitations: &[CreateOrganizationInvitation],
    ) -> Result<Vec<OrganizationInvitation>> {
        let page: Page<OrganizationInvitation> = self
            .client
            .send_json(
                Method::POST,
                organization_path(organization_id, "/invitations/bulk")?,
                Some(invitations),
            )
            .await?;
        Ok(page.data)
    }

    /// `GET /organizations/{organization_id}/invitations`: lists an organization's invitations,
    /// newest first by default (invitations created through an organization domain are not
    /// included). Clerk answers with the total count.
    pub fn list(&self, organization_id: &str) -> ListOrganizationInvitations {
        ListOrganizationInvitations {
            inner: ListRequest::new(
                self.client,
                organization_path(organization_id, "/invitations"),
            ),
        }
    }

    /// `GET /organizations/{organization_id}/invitations/{invitation_id}`.
    pub async fn get(
        &self,
        organization_id: &str,
        invitation_id: &str,
    ) -> Result<OrganizationInvitation> {
        self.client
            .get(
                invitation_path(organization_id, invitation_id, "")?,
                Default::default(),
            )
            .await
    }

    /// `POST /organizations/{organization_id}/invitations/{invitation_id}/revoke`: revokes a
    /// pending invitation. `requesting_user_id` names the admin who revokes it; with `None` no
    /// body is sent.
    pub async fn revoke(
        &self,
        organization_id: &str,
        invitation_id: &str,
        requesting_user_id: Option<&str>,
    ) -> Result<OrganizationInvitation> {
        let body = requesting_user_id.map(|id| RevokeBody {
            requesting_user_id: id,
        });
        self.client
            .send_json(
                Method::POST,
                invitation_path(organization_id, invitation_id, "/revoke")?,
                body.as_ref(),
            )
            .await
    }

    /// `GET /organization_invitations`: the organization invitations of the whole instance, each
    /// with its organization's public data.
    pub fn list_all(&self) -> ListAllOrganizationInvitations {
        ListAllOrganizationInvitations {
            inner: ListRequest::new(self.client, Ok("/organization_invitations".into())),
        }
    }
}

#[derive(Serialize)]
struct RevokeBody<'a> {
    requesting_user_id: &'a str,
}

list_builder! {
    /// Builder for `GET /organizations/{organization_id}/invitations`.
    ListOrganizationInvitations => OrganizationInvitation
}

/// The values the `status` filter of organization invitation lists accepts.
pub const ORGANIZATION_INVITATION_STATUS_FILTERS: &[&str] =
    &["pending", "accepted", "revoked", "expired"];

impl ListOrganizationInvitations {
    array_filters! {
        /// Only invitations with any of these statuses ([`InvitationStatus`](crate::InvitationStatus)
        /// or strings: `pending`, `accepted`, `revoked`, `expired`), sent as repeated keys.
        status => "status",
    }

    scalar_filters! {
        /// Only invitations for this email address.
        email_address: &str => "email_address",
        /// Sort field with `+` (ascending, implied) or `-` (descending) prefix: `created_at` or
        /// `email_address`. Default `-created_at`.
        order_by: &str => "order_by",
    }
}

list_builder! {
    /// Builder for `GET /organization_invitations` (instance-wide).
    ListAllOrganizationInvitations => OrganizationInvitation
}

impl ListAllOrganizationInvitations {
    array_filters! {
        /// Only invitations with any of these statuses ([`InvitationStatus`](crate::InvitationStatus)
        /// or strings: `pending`, `accepted`, `revoked`, `expired`), sent as repeated keys.
        status => "status",
    }

    scalar_filters! {
        /// Filter on the invited email address.
        query: &str => "query",
        /// Sort field with `+` (ascending, implied) or `-` (descending) prefix: `created_at` or
        /// `email_address`. Default `-created_at`.
        order_by: &str => "order_by",
    }
}

/// Body of `POST /organizations/{organization_id}/invitations`, and one item of the bulk
/// variant. `email_address` and `role` are required.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateOrganizationInvitation {
    /// Address to invite.
    pub email_address: String,
    /// Role given on acceptance, e.g. `org:member`.
    pub role: String,
    /// Id of the inviting user (must be an admin of the organization).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inviter_user_id: Option<String>,
    /// Public metadata, moved to the membership on acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata, moved to the membership on acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Where the invitee lands after clicking the invitation link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Days until the invitation expires (Clerk's default is 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// Whether Clerk emails the invitation (default `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

impl CreateOrganizationInvitation {
    /// An invitation of `email_address` with `role`, other fields unset.
    pub fn new(email_address: impl Into<String>, role: impl Into<String>) -> Self {
        CreateOrganizationInvitation {
            email_address: email_address.into(),
            role: role.into(),
            ..Default::default()
        }
    }
}
