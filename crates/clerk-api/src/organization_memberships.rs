//! Organization memberships: `/organizations/{organization_id}/memberships/…` and the
//! instance-wide `/organization_memberships` (spec tag "Organization Memberships").
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::organization_memberships::CreateOrganizationMembership;
//!
//! let members = clerk.organization_memberships();
//! members
//!     .create("org_123", &CreateOrganizationMembership::new("user_123", "org:member"))
//!     .await?;
//! members.update("org_123", "user_123", "org:admin").await?;
//!
//! // Admins of the organization, by email.
//! let admins = members
//!     .list("org_123")
//!     .role(["org:admin"])
//!     .order_by("+email_address")
//!     .send()
//!     .await?;
//! for m in admins {
//!     println!("{:?}", m.public_user_data.and_then(|u| u.identifier));
//! }
//! members.delete("org_123", "user_123").await?;
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::Serialize;

use crate::client::{Client, seg};
use crate::error::Result;
use crate::models::{Metadata, OrganizationMembership};
use crate::organizations::organization_path;
use crate::pagination::{ListRequest, array_filters, list_builder, scalar_filters};

impl Client {
    /// Memberships of users in organizations.
    pub fn organization_memberships(&self) -> OrganizationMemberships<'_> {
        OrganizationMemberships { client: self }
    }
}

/// Handler for organization membership operations. Obtain one with
/// [`Client::organization_memberships`].
#[derive(Debug, Clone, Copy)]
pub struct OrganizationMemberships<'c> {
    client: &'c Client,
}

fn membership_path(organization_id: &str, user_id: &str, rest: &str) -> Result<String> {
    organization_path(
        organization_id,
        &format!("/memberships/{}{rest}", seg("user_id", user_id)?),
    )
}

impl<'c> OrganizationMemberships<'c> {
    /// `POST /organizations/{organization_id}/memberships`: adds a user (of the same instance,
    /// not yet a member) to an organization with a role.
    pub async fn create(
        &self,
        organization_id: &str,
        body: &CreateOrganizationMembership,
    ) -> Result<OrganizationMembership> {
        self.client
            .send_json(
                Method::POST,
                organization_path(organization_id, "/memberships")?,
                Some(body),
            )
            .await
    }

    /// `GET /organizations/{organization_id}/memberships`: lists the members of an organization.
    /// Filters are builder methods; Clerk answers with the total count.
    pub fn list(&self, organization_id: &str) -> ListOrganizationMemberships {
        ListOrganizationMemberships {
            inner: ListRequest::new(
                self.client,
                organization_path(organization_id, "/memberships"),
            ),
        }
    }

    /// `PATCH /organizations/{organization_id}/memberships/{user_id}`: changes a member's role.
    pub async fn update(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<OrganizationMembership> {
        self.client
            .send_json(
                Method::PATCH,
                membership_path(organization_id, user_id, "")?,
                Some(&UpdateRole { role }),
            )
            .await
    }

    /// `DELETE /organizations/{organization_id}/memberships/{user_id}`: removes a member. Clerk
    /// answers with the deleted membership.
    pub async fn delete(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<OrganizationMembership> {
        self.client
            .delete(membership_path(organization_id, user_id, "")?)
            .await
    }

    /// `PATCH /organizations/{organization_id}/memberships/{user_id}/metadata`: deep-merges the
    /// membership's metadata; a `null` value deletes a key at any level. (Clerk has no `PUT`
    /// variant for memberships.)
    pub async fn update_metadata(
        &self,
        organization_id: &str,
        user_id: &str,
        body: &OrganizationMembershipMetadata,
    ) -> Result<OrganizationMembership> {
        self.client
            .send_json(
                Method::PATCH,
                membership_path(organization_id, user_id, "/metadata")?,
                Some(body),
            )
            .await
    }

    /// `GET /organization_memberships`: every membership of every organization of the instance.
    pub fn list_all(&self) -> ListAllOrganizationMemberships {
        ListAllOrganizationMemberships {
            inner: ListRequest::new(self.client, Ok("/organization_memberships".into())),
        }
    }
}

#[derive(Serialize)]
struct UpdateRole<'a> {
    role: &'a str,
}

list_builder! {
    /// Builder for `GET /organizations/{organization_id}/memberships`. Array filters are sent as
    /// repeated keys.
    ListOrganizationMemberships => OrganizationMembership
}

impl ListOrganizationMemberships {
    array_filters! {
        /// Members with these user ids (up to 100); prefix an id with `-` to exclude it.
        user_id => "user_id",
        /// Members with these email addresses (up to 100).
        email_address => "email_address",
        /// Members with these phone numbers (up to 100).
        phone_number => "phone_number",
        /// Members with these usernames (up to 100).
        username => "username",
        /// Members with these Web3 wallet addresses (up to 100).
        web3_wallet => "web3_wallet",
        /// Members with these roles, e.g. `org:admin` (up to 100).
        role => "role",
    }

    scalar_filters! {
        /// Partial match on email addresses, phone numbers, usernames, Web3 wallets, user ids
        /// and names.
        query: &str => "query",
        /// Case-insensitive partial match on email addresses.
        email_address_query: &str => "email_address_query",
        /// Case-insensitive partial match on phone numbers.
        phone_number_query: &str => "phone_number_query",
        /// Case-insensitive partial match on usernames.
        username_query: &str => "username_query",
        /// Case-insensitive partial match on first / last names.
        name_query: &str => "name_query",
        /// Last active before this time (Unix ms).
        last_active_at_before: i64 => "last_active_at_before",
        /// Last active after this time (Unix ms).
        last_active_at_after: i64 => "last_active_at_after",
        /// Created before this time (Unix ms).
        created_at_before: i64 => "created_at_before",
        /// Created after this time (Unix ms).
        created_at_after: i64 => "created_at_after",
        /// Sort field with `+` (ascending) or `-` (descending) prefix: `phone_number`,
        /// `email_address`, `created_at`, `first_name`, `last_name` or `username`.
        order_by: &str => "order_by",
    }
}

list_builder! {
    /// Builder for `GET /organization_memberships` (instance-wide).
    ListAllOrganizationMemberships => OrganizationMembership
}

impl ListAllOrganizationMemberships {
    scalar_filters! {
        /// Sort field with `+` (ascending) or `-` (descending) prefix: `phone_number`,
        /// `email_address`, `created_at`, `first_name`, `last_name` or `username`.
        order_by: &str => "order_by",
    }
}

/// Body of `POST /organizations/{organization_id}/memberships`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateOrganizationMembership {
    /// The user to add (same instance, not yet a member).
    pub user_id: String,
    /// Role key, e.g. `org:member` or `org:admin`.
    pub role: String,
    /// Public metadata of the membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata of the membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
}

impl CreateOrganizationMembership {
    /// A membership of `user_id` with `role`, without metadata.
    pub fn new(user_id: impl Into<String>, role: impl Into<String>) -> Self {
        CreateOrganizationMembership {
            user_id: user_id.into(),
            role: role.into(),
            ..Default::default()
        }
    }
}

/// Body of `PATCH /organizations/{organization_id}/memberships/{user_id}/metadata`. `None`
/// fields are not sent (and so left unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrganizationMembershipMetadata {
    /// Public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
}
