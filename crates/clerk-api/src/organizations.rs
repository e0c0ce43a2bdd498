//! Organizations: `/organizations` and `/organizations/{organization_id}/…` (spec tag
//! "Organizations", billing excluded). Memberships and invitations of an organization have their
//! own modules: [`organization_memberships`](crate::organization_memberships) and
//! [`organization_invitations`](crate::organization_invitations).
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::organizations::{CreateOrganization, OrganizationMetadata};
//! use serde_json::json;
//!
//! let org = clerk
//!     .organizations()
//!     .create(&CreateOrganization {
//!         name: "Acme Inc".into(),
//!         slug: Some("acme-inc".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//!
//! // By id or by slug, with the members count.
//! let org = clerk.organizations().get("acme-inc").include_members_count(true).send().await?;
//! println!("{} has {:?} members", org.name, org.members_count);
//!
//! // Deep-merge metadata.
//! let mut public = clerk_api::Metadata::new();
//! public.insert("plan".into(), json!("pro"));
//! clerk
//!     .organizations()
//!     .update_metadata(&org.id, &OrganizationMetadata { public_metadata: Some(public), ..Default::default() })
//!     .await?;
//!
//! // Every organization a user belongs to, largest first.
//! let page = clerk
//!     .organizations()
//!     .list()
//!     .user_id(["user_2abc"])
//!     .order_by("-members_count")
//!     .include_members_count(true)
//!     .send()
//!     .await?;
//! println!("{} organizations", page.total_count.unwrap_or(0));
//! # Ok(()) }
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use reqwest::Method;
use serde::Serialize;

use crate::client::{Body, Client, FileUpload, Request, seg};
use crate::error::Result;
/// Generated operations of this tag (request bodies and builders).
pub use crate::generated::organizations::*;
use crate::models::{DeletedObject, Metadata, Organization};
use crate::pagination::{ListRequest, array_filters, list_builder, scalar_filters};
use crate::query::Query;

impl Client {
    /// Organizations of the instance.
    pub fn organizations(&self) -> Organizations<'_> {
        Organizations { client: self }
    }
}

/// Handler for organization operations. Obtain one with [`Client::organizations`].
#[derive(Debug, Clone, Copy)]
pub struct Organizations<'c> {
    pub(crate) client: &'c Client,
}

/// `/organizations/{organization_id}{rest}`, with the id (or slug) validated and encoded.
pub(crate) fn organization_path(organization_id: &str, rest: &str) -> Result<String> {
    Ok(format!(
        "/organizations/{}{rest}",
        seg("organization_id", organization_id)?
    ))
}

impl<'c> Organizations<'c> {
    /// `GET /organizations`: lists organizations, newest first by default. Filters are builder
    /// methods; Clerk answers with the total count.
    pub fn list(&self) -> ListOrganizations {
        ListOrganizations {
            inner: ListRequest::new(self.client, Ok("/organizations".into())),
        }
    }

    /// `POST /organizations`: creates an organization.
    pub async fn create(&self, body: &CreateOrganization) -> Result<Organization> {
        self.client
            .send_json(Method::POST, "/organizations".into(), Some(body))
            .await
    }

    /// `GET /organizations/{id_or_slug}`: fetches an organization by id (`org_…`) **or** slug.
    ///
    /// Returns a builder for the optional flags; `.send()` it, or `.await` it directly.
    pub fn get(&self, id_or_slug: &str) -> GetOrganization<'c> {
        GetOrganization {
            client: self.client,
            path: organization_path(id_or_slug, ""),
            query: Query::default(),
        }
    }

    /// `PATCH /organizations/{organization_id}`: updates attributes. Since 2026-05-12 metadata
    /// is not accepted here: use [`Organizations::update_metadata`] or
    /// [`Organizations::replace_metadata`].
    pub async fn update(
        &self,
        organization_id: &str,
        body: &UpdateOrganization,
    ) -> Result<Organization> {
        self.client
            .send_json(
                Method::PATCH,
                organization_path(organization_id, "")?,
                Some(body),
            )
            .await
    }

    /// `DELETE /organizations/{organization_id}`: deletes an organization with its memberships
    /// and invitations.
    pub async fn delete(&self, organization_id: &str) -> Result<DeletedObject> {
        self.client
            .delete(organization_path(organization_id, "")?)
            .await
    }

    /// `PATCH /organizations/{organization_id}/metadata`: deep-merges metadata; a `null` value
    /// deletes a key at any level.
    pub async fn update_metadata(
        &self,
        organization_id: &str,
        body: &OrganizationMetadata,
    ) -> Result<Organization> {
        self.client
            .send_json(
                Method::PATCH,
                organization_path(organization_id, "/metadata")?,
                Some(body),
            )
            .await
    }

    /// `PUT /organizations/{organization_id}/metadata`: replaces each supplied metadata field
    /// wholesale (send an empty map to clear one); fields left `None` are unchanged.
    pub async fn replace_metadata(
        &self,
        organization_id: &str,
        body: &OrganizationMetadata,
    ) -> Result<Organization> {
        self.client
            .send_json(
                Method::PUT,
                organization_path(organization_id, "/metadata")?,
                Some(body),
            )
            .await
    }

    /// `PUT /organizations/{organization_id}/logo`: uploads (or replaces) the logo as
    /// `multipart/form-data` (field `file`; `uploader_user_id` when
    /// [`FileUpload::uploader_user_id`] is set). JPEG, PNG, GIF or WebP, at most 10 MB.
    ///
    /// The answer carries the logo URL in `image_url` (and `logo_url` in
    /// [`Organization::extra`]).
    pub async fn upload_logo(
        &self,
        organization_id: &str,
        file: FileUpload,
    ) -> Result<Organization> {
        let req = Request::new(Method::PUT, organization_path(organization_id, "/logo")?)
            .body(Body::File(file));
        self.client.execute(&req).await
    }

    /// `DELETE /organizations/{organization_id}/logo`: removes the logo.
    pub async fn delete_logo(&self, organization_id: &str) -> Result<Organization> {
        self.client
            .delete(organization_path(organization_id, "/logo")?)
            .await
    }
}

/// Builder for `GET /organizations/{id_or_slug}`, from [`Organizations::get`]. Send it with
/// [`GetOrganization::send`] or by awaiting it.
#[derive(Debug, Clone)]
#[must_use = "a request builder does nothing until `.send()` or `.await`"]
pub struct GetOrganization<'c> {
    client: &'c Client,
    path: Result<String>,
    query: Query,
}

impl<'c> GetOrganization<'c> {
    /// Include `members_count` in the answer.
    pub fn include_members_count(mut self, include: bool) -> Self {
        self.query.set("include_members_count", include);
        self
    }

    /// Include `missing_member_with_elevated_permissions` in the answer.
    pub fn include_missing_member_with_elevated_permissions(mut self, include: bool) -> Self {
        self.query
            .set("include_missing_member_with_elevated_permissions", include);
        self
    }

    /// Fetches the organization.
    pub async fn send(self) -> Result<Organization> {
        self.client.get(self.path?, self.query).await
    }
}

impl<'c> IntoFuture for GetOrganization<'c> {
    type Output = Result<Organization>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Organization>> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

list_builder! {
    /// Builder for `GET /organizations`. Array filters are sent as repeated keys.
    ListOrganizations => Organization
}

impl ListOrganizations {
    array_filters! {
        /// Organizations having any of these users as members. Prefix an id with `-` to exclude
        /// that user's organizations instead (`+` = include, the default).
        user_id => "user_id",
        /// Organizations with these ids (up to 100); prefix with `-` to exclude one.
        organization_id => "organization_id",
    }

    scalar_filters! {
        /// Search: exact match on the id, partial match on name and slug.
        query: &str => "query",
        /// Include `members_count` in each organization.
        include_members_count: bool => "include_members_count",
        /// Include `missing_member_with_elevated_permissions` in each organization.
        include_missing_member_with_elevated_permissions: bool
            => "include_missing_member_with_elevated_permissions",
        /// Sort field with `+` (ascending, implied) or `-` (descending) prefix: `name`,
        /// `created_at` or `members_count`. Default `-created_at`.
        order_by: &str => "order_by",
    }
}

/// Body of `POST /organizations`. Only `name` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateOrganization {
    /// Name (no URLs or HTML, at most 256 characters).
    pub name: String,
    /// Id of the user who becomes the organization's first admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Unique slug (lowercase letters, digits and `-`); only when slugs are enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Public metadata (read-only from the frontend).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata (backend only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Membership cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<i64>,
    /// Creation time to record (RFC 3339), for imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Key of the role set to assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_set_key: Option<String>,
}

/// Body of `PATCH /organizations/{organization_id}`. Only fields that are `Some` are sent. Since
/// 2026-05-12 metadata is not accepted here: use [`Organizations::update_metadata`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateOrganization {
    /// New name (no URLs or HTML, at most 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New slug, unique in the instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Membership cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<i64>,
    /// Whether admins may delete the organization from the frontend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_delete_enabled: Option<bool>,
    /// Creation time to record (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Key of the role set to assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_set_key: Option<String>,
}

/// Body of `PATCH` / `PUT /organizations/{organization_id}/metadata`. `None` fields are not sent
/// (and so left unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrganizationMetadata {
    /// Public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
}
