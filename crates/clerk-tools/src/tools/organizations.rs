//! `organizations` tools: organizations, memberships and organization invitations.

use std::sync::Arc;

use clerk_api::Metadata;
use clerk_api::organization_invitations::CreateOrganizationInvitation;
use clerk_api::organization_memberships::{
    CreateOrganizationMembership, OrganizationMembershipMetadata,
};
use clerk_api::organizations::{CreateOrganization, OrganizationMetadata, UpdateOrganization};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DEFAULT_LIMIT, bulk_result, list_result, to_value};
use crate::error::ToolError;
use crate::tool::{Annotations, Category::Organizations, Output, Tool, TypedTool};

/// Arguments of `getOrganization`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetOrganizationInput {
    /// Organization id (org_…). Give this or `slug`.
    pub organization_id: Option<String>,
    /// The organization's slug. Give this or `organizationId`.
    pub slug: Option<String>,
    /// Include `members_count` in the result.
    pub include_members_count: Option<bool>,
}

/// Arguments of `createOrganization`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateOrganizationInput {
    /// Name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// URL-friendly unique slug; derived from the name when omitted.
    pub slug: Option<String>,
    /// User id of the creator, who becomes its first admin.
    pub created_by: Option<String>,
    /// Membership cap; 0 means unlimited.
    #[schemars(range(min = 0))]
    pub max_allowed_memberships: Option<i64>,
    /// Public metadata.
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    pub private_metadata: Option<Metadata>,
}

/// Arguments of `updateOrganization`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateOrganizationInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New membership cap; 0 means unlimited.
    #[schemars(range(min = 0))]
    pub max_allowed_memberships: Option<i64>,
    /// Deep-merged into public metadata (null deletes a key), as updateOrganizationMetadata does.
    pub public_metadata: Option<Metadata>,
    /// Deep-merged into private metadata (null deletes a key).
    pub private_metadata: Option<Metadata>,
}

/// Arguments of `updateOrganizationMetadata`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrganizationMetadataInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Deep-merged into public metadata; null deletes a key.
    pub public_metadata: Option<Metadata>,
    /// Deep-merged into private metadata; null deletes a key.
    pub private_metadata: Option<Metadata>,
}

/// An organization id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrganizationIdInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
}

/// Organization, user and role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MembershipRoleInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Role key, e.g. `org:admin` or `org:member`.
    #[schemars(length(min = 1))]
    pub role: String,
}

/// Organization and user.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MembershipInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
}

/// Arguments of `updateOrganizationMembershipMetadata`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MembershipMetadataInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// The member's user id (`user_…`).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Deep-merged into public metadata; null deletes a key.
    pub public_metadata: Option<Metadata>,
    /// Deep-merged into private metadata; null deletes a key.
    pub private_metadata: Option<Metadata>,
}

/// Arguments of `createOrganizationInvitation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateOrganizationInvitationInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Address to invite.
    #[schemars(email)]
    pub email_address: String,
    /// Role given on acceptance, e.g. `org:member`.
    #[schemars(length(min = 1))]
    pub role: String,
    /// User id of the inviter (shown in the email).
    pub inviter_user_id: Option<String>,
    /// Where the invitation link lands.
    pub redirect_url: Option<String>,
    /// Public metadata, copied to the membership on acceptance.
    pub public_metadata: Option<Metadata>,
}

/// Arguments of `revokeOrganizationInvitation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RevokeOrganizationInvitationInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Invitation id (orginv_…).
    #[schemars(length(min = 1))]
    pub invitation_id: String,
    /// User id of who revokes it.
    pub requesting_user_id: Option<String>,
}

/// Arguments of `getOrganizationList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetOrganizationListInput {
    /// Free-text search over name, slug and id.
    pub query: Option<String>,
    /// Sort: name, created_at or members_count, prefix - for descending. Default -created_at.
    #[schemars(regex(pattern = r"^[+-]?[a-z_]+$"))]
    pub order_by: Option<String>,
    /// Include `members_count` for each organization.
    pub include_members_count: Option<bool>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

/// Arguments of `getOrganizationMembershipList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetMembershipListInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Only members with these roles, e.g. `org:admin`.
    #[serde(default)]
    pub role: Vec<String>,
    /// Free-text search over members' emails, names, usernames and ids.
    pub query: Option<String>,
    /// Sort, e.g. -created_at, first_name, email_address.
    #[schemars(regex(pattern = r"^[+-]?[a-z_]+$"))]
    pub order_by: Option<String>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

fn organization_invitation_status(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::enum_schema(
        clerk_api::organization_invitations::ORGANIZATION_INVITATION_STATUS_FILTERS,
        "Only invitations with this status.",
    )
}

/// Arguments of `getOrganizationInvitationList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetOrganizationInvitationListInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    #[serde(default)]
    #[schemars(schema_with = "organization_invitation_status")]
    pub status: Option<String>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

/// Arguments of `getOrganizationInvitation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetOrganizationInvitationInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Invitation id (orginv_…).
    #[schemars(length(min = 1))]
    pub invitation_id: String,
}

/// One invitation of a bulk request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkOrganizationInvitation {
    /// Address to invite.
    #[schemars(email)]
    pub email_address: String,
    /// Role given on acceptance.
    #[schemars(length(min = 1))]
    pub role: String,
    /// Public metadata, copied to the membership on acceptance.
    pub public_metadata: Option<Metadata>,
}

/// Arguments of `createOrganizationInvitationBulk`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateOrganizationInvitationBulkInput {
    /// Organization id (org_…).
    #[schemars(length(min = 1))]
    pub organization_id: String,
    /// Invitations to send (1-100).
    #[schemars(length(min = 1, max = 100))]
    pub invitations: Vec<BulkOrganizationInvitation>,
    /// User id of the inviter, for every invitation.
    pub inviter_user_id: Option<String>,
    /// Where the invitation links land.
    pub redirect_url: Option<String>,
}

/// The official toolkit's organization tools, in its order.
pub(super) fn toolkit() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(
            TypedTool::new(
                "getOrganization",
                Organizations,
                "Get organization",
                "Get one organization by id or by slug (give one), optionally with its member count.",
                Annotations::READ,
                Output::Object("organization"),
                |ctx, i: GetOrganizationInput| async move {
                    let id = i.organization_id.filter(|s| !s.trim().is_empty());
                    let slug = i.slug.filter(|s| !s.trim().is_empty());
                    let Some(key) = slug.clone().or_else(|| id.clone()) else {
                        return Err(ToolError::Precondition("Give `organizationId` or `slug`.".into()));
                    };
                    let mut get = ctx.client.organizations().get(&key);
                    if i.include_members_count == Some(true) {
                        get = get.include_members_count(true);
                    }
                    let org = get.send().await?;
                    // Both given (or the id pinned to the caller): they must name one organization.
                    if let (Some(id), Some(slug)) = (id, slug)
                        && org.id != id
                    {
                        return Err(ToolError::Precondition(format!(
                            "slug `{slug}` is organization {}, not `{id}`",
                            org.id
                        )));
                    }
                    to_value(&org)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(TypedTool::new(
            "createOrganization",
            Organizations,
            "Create organization",
            "Create an organization. With createdBy, that user becomes its first admin. Returns the organization.",
            Annotations::write(false),
            Output::Object("organization"),
            |ctx, i: CreateOrganizationInput| async move {
                let body = CreateOrganization {
                    name: i.name,
                    slug: i.slug,
                    created_by: i.created_by,
                    max_allowed_memberships: i.max_allowed_memberships,
                    public_metadata: i.public_metadata,
                    private_metadata: i.private_metadata,
                    ..Default::default()
                };
                to_value(&ctx.client.organizations().create(&body).await?)
            },
        )),
        Arc::new(
            TypedTool::new(
                "updateOrganization",
                Organizations,
                "Update organization",
                "Update an organization's name, slug or membership cap. Metadata given here is deep-merged (as updateOrganizationMetadata), never replaced. Returns the organization.",
                Annotations::write(true),
                Output::Object("organization"),
                |ctx, i: UpdateOrganizationInput| async move {
                    let orgs = ctx.client.organizations();
                    let attrs = i.name.is_some() || i.slug.is_some() || i.max_allowed_memberships.is_some();
                    let meta = i.public_metadata.is_some() || i.private_metadata.is_some();
                    if !attrs && !meta {
                        return Err(ToolError::Precondition(
                            "Nothing to update: give name, slug, maxAllowedMemberships or metadata.".into(),
                        ));
                    }
                    let mut org = None;
                    if attrs {
                        let body = UpdateOrganization {
                            name: i.name,
                            slug: i.slug,
                            max_allowed_memberships: i.max_allowed_memberships,
                            ..Default::default()
                        };
                        org = Some(orgs.update(&i.organization_id, &body).await?);
                    }
                    if meta {
                        let body = OrganizationMetadata {
                            public_metadata: i.public_metadata,
                            private_metadata: i.private_metadata,
                        };
                        match orgs.update_metadata(&i.organization_id, &body).await {
                            Ok(o) => org = Some(o),
                            // The attributes were changed; say so, so nobody retries them blindly.
                            Err(e) if attrs => {
                                return Err(ToolError::Partial {
                                    tool: "updateOrganization".into(),
                                    applied: "the name / slug / membership cap update".into(),
                                    failed_step: "the metadata update".into(),
                                    source: Box::new(e.into()),
                                });
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                    to_value(&org)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "updateOrganizationMetadata",
                Organizations,
                "Update organization metadata",
                "Deep-merge public and/or private metadata of an organization; a null value deletes a key at any depth. Returns the organization.",
                Annotations::write(true),
                Output::Object("organization"),
                |ctx, i: OrganizationMetadataInput| async move {
                    if i.public_metadata.is_none() && i.private_metadata.is_none() {
                        return Err(ToolError::Precondition(
                            "Give publicMetadata and/or privateMetadata.".into(),
                        ));
                    }
                    let body = OrganizationMetadata {
                        public_metadata: i.public_metadata,
                        private_metadata: i.private_metadata,
                    };
                    to_value(&ctx.client.organizations().update_metadata(&i.organization_id, &body).await?)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "deleteOrganization",
                Organizations,
                "Delete organization",
                "Permanently delete an organization with all its memberships and invitations. Irreversible. Returns {object, id, deleted}.",
                Annotations::destructive(true),
                Output::Deleted,
                |ctx, i: OrganizationIdInput| async move {
                    to_value(&ctx.client.organizations().delete(&i.organization_id).await?)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "createOrganizationMembership",
                Organizations,
                "Add member",
                "Add an existing user to an organization with a role, without an invitation. Returns the membership.",
                Annotations::write(false),
                Output::Object("organization_membership"),
                |ctx, i: MembershipRoleInput| async move {
                    let body = CreateOrganizationMembership::new(i.user_id, i.role);
                    to_value(&ctx.client.organization_memberships().create(&i.organization_id, &body).await?)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "updateOrganizationMembership",
                Organizations,
                "Change member role",
                "Change a member's role in an organization, e.g. promote to org:admin. Returns the membership.",
                Annotations::write(true),
                Output::Object("organization_membership"),
                |ctx, i: MembershipRoleInput| async move {
                    let m = ctx
                        .client
                        .organization_memberships()
                        .update(&i.organization_id, &i.user_id, &i.role)
                        .await?;
                    to_value(&m)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "updateOrganizationMembershipMetadata",
                Organizations,
                "Update member metadata",
                "Deep-merge public and/or private metadata of a membership; a null value deletes a key. Returns the membership.",
                Annotations::write(true),
                Output::Object("organization_membership"),
                |ctx, i: MembershipMetadataInput| async move {
                    if i.public_metadata.is_none() && i.private_metadata.is_none() {
                        return Err(ToolError::Precondition(
                            "Give publicMetadata and/or privateMetadata.".into(),
                        ));
                    }
                    let body = OrganizationMembershipMetadata {
                        public_metadata: i.public_metadata,
                        private_metadata: i.private_metadata,
                    };
                    let m = ctx
                        .client
                        .organization_memberships()
                        .update_metadata(&i.organization_id, &i.user_id, &body)
                        .await?;
                    to_value(&m)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "deleteOrganizationMembership",
                Organizations,
                "Remove member",
                "Remove a user from an organization; they lose access at once. Returns the removed membership.",
                Annotations::destructive(true),
                Output::Object("organization_membership"),
                |ctx, i: MembershipInput| async move {
                    let m = ctx
                        .client
                        .organization_memberships()
                        .delete(&i.organization_id, &i.user_id)
                        .await?;
                    to_value(&m)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "createOrganizationInvitation",
                Organizations,
                "Invite to organization",
                "Email an invitation to join an organization with a role. Returns the invitation (status pending).",
                Annotations::write(false).open_world(),
                Output::Object("organization_invitation"),
                |ctx, i: CreateOrganizationInvitationInput| async move {
                    let body = CreateOrganizationInvitation {
                        inviter_user_id: i.inviter_user_id,
                        redirect_url: i.redirect_url,
                        public_metadata: i.public_metadata,
                        ..CreateOrganizationInvitation::new(i.email_address, i.role)
                    };
                    to_value(&ctx.client.organization_invitations().create(&i.organization_id, &body).await?)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "revokeOrganizationInvitation",
                Organizations,
                "Revoke organization invitation",
                "Revoke a pending organization invitation so its link stops working. Returns the invitation (status revoked).",
                Annotations::destructive(true),
                Output::Object("organization_invitation"),
                |ctx, i: RevokeOrganizationInvitationInput| async move {
                    let inv = ctx
                        .client
                        .organization_invitations()
                        .revoke(&i.organization_id, &i.invitation_id, i.requesting_user_id.as_deref())
                        .await?;
                    to_value(&inv)
                },
            )
            .pin(&["organizationId"]),
        ),
    ]
}

/// Organization tools beyond the official toolkit.
pub(super) fn more() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(TypedTool::new(
            "getOrganizationList",
            Organizations,
            "List or search organizations",
            "Find organizations by free-text query over name, slug and id, optionally with member counts. Paginated: {data, totalCount, hasMore, nextOffset}.",
            Annotations::READ,
            Output::List("organization"),
            |ctx, i: GetOrganizationListInput| async move {
                let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                let offset = i.offset.unwrap_or(0);
                let mut req = ctx.client.organizations().list().limit(limit).offset(offset);
                if let Some(q) = &i.query {
                    req = req.query(q);
                }
                if let Some(o) = &i.order_by {
                    req = req.order_by(o);
                }
                if let Some(true) = i.include_members_count {
                    req = req.include_members_count(true);
                }
                list_result(req.send().await?, offset, limit)
            },
        )),
        Arc::new(
            TypedTool::new(
                "getOrganizationMembershipList",
                Organizations,
                "List organization members",
                "List an organization's members with their roles; filter by role or search members. Paginated: {data, totalCount, hasMore, nextOffset}.",
                Annotations::READ,
                Output::List("organization_membership"),
                |ctx, i: GetMembershipListInput| async move {
                    let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                    let offset = i.offset.unwrap_or(0);
                    let mut req = ctx
                        .client
                        .organization_memberships()
                        .list(&i.organization_id)
                        .limit(limit)
                        .offset(offset)
                        .role(&i.role);
                    if let Some(q) = &i.query {
                        req = req.query(q);
                    }
                    if let Some(o) = &i.order_by {
                        req = req.order_by(o);
                    }
                    list_result(req.send().await?, offset, limit)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "getOrganizationInvitationList",
                Organizations,
                "List organization invitations",
                "List an organization's invitations, optionally only pending, accepted, revoked or expired ones. Paginated: {data, totalCount, hasMore, nextOffset}.",
                Annotations::READ,
                Output::List("organization_invitation"),
                |ctx, i: GetOrganizationInvitationListInput| async move {
                    let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                    let offset = i.offset.unwrap_or(0);
                    let mut req = ctx
                        .client
                        .organization_invitations()
                        .list(&i.organization_id)
                        .limit(limit)
                        .offset(offset);
                    if let Some(s) = i.status {
                        req = req.status([s]);
                    }
                    list_result(req.send().await?, offset, limit)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "getOrganizationInvitation",
                Organizations,
                "Get organization invitation",
                "Get one organization invitation by id, with its status, role and inviter.",
                Annotations::READ,
                Output::Object("organization_invitation"),
                |ctx, i: GetOrganizationInvitationInput| async move {
                    let inv = ctx
                        .client
                        .organization_invitations()
                        .get(&i.organization_id, &i.invitation_id)
                        .await?;
                    to_value(&inv)
                },
            )
            .pin(&["organizationId"]),
        ),
        Arc::new(
            TypedTool::new(
                "createOrganizationInvitationBulk",
                Organizations,
                "Invite many to organization",
                "Email invitations to join an organization to several addresses at once, each with its role. Returns {data: invitations}.",
                Annotations::write(false).open_world(),
                Output::Bulk("organization_invitation"),
                |ctx, i: CreateOrganizationInvitationBulkInput| async move {
                    let body: Vec<CreateOrganizationInvitation> = i
                        .invitations
                        .into_iter()
                        .map(|inv| CreateOrganizationInvitation {
                            inviter_user_id: i.inviter_user_id.clone(),
                            redirect_url: i.redirect_url.clone(),
                            public_metadata: inv.public_metadata,
                            ..CreateOrganizationInvitation::new(inv.email_address, inv.role)
                        })
                        .collect();
                    let created = ctx
                        .client
                        .organization_invitations()
                        .create_bulk(&i.organization_id, &body)
                        .await?;
                    bulk_result(&created)
                },
            )
            .pin(&["organizationId"]),
        ),
    ]
}
