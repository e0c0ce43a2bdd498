//! `invitations` tools: invitations to sign up to the application.

use std::sync::Arc;

use clerk_api::Metadata;
use clerk_api::invitations::CreateInvitation;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{DEFAULT_LIMIT, bulk_result, list_result, to_value};
use crate::tool::{Annotations, Category::Invitations, Output, Tool, TypedTool};

/// Arguments of `createInvitation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateInvitationInput {
    /// Address to invite.
    #[schemars(email)]
    pub email_address: String,
    /// Where the invitation link lands.
    pub redirect_url: Option<String>,
    /// Public metadata, copied to the user on sign-up.
    pub public_metadata: Option<Metadata>,
    /// Send the invitation email. Default true.
    pub notify: Option<bool>,
    /// Create it even if the address already has an invitation or account. Default false.
    pub ignore_existing: Option<bool>,
}

/// Arguments of `revokeInvitation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RevokeInvitationInput {
    /// Invitation id (inv_…).
    #[schemars(length(min = 1))]
    pub invitation_id: String,
}

fn invitation_status(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::enum_schema(
        clerk_api::invitations::INVITATION_STATUS_FILTERS,
        "Only invitations with this status.",
    )
}

/// Arguments of `getInvitationList`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetInvitationListInput {
    #[serde(default)]
    #[schemars(schema_with = "invitation_status")]
    pub status: Option<String>,
    /// Search invited email addresses.
    pub query: Option<String>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

/// One invitation of a bulk request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkInvitation {
    /// Address to invite.
    #[schemars(email)]
    pub email_address: String,
    /// Public metadata, copied to the user on sign-up.
    pub public_metadata: Option<Metadata>,
}

/// Arguments of `createInvitationBulk`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateInvitationBulkInput {
    /// Invitations to create (1-100).
    #[schemars(length(min = 1, max = 100))]
    pub invitations: Vec<BulkInvitation>,
    /// Where the invitation links land.
    pub redirect_url: Option<String>,
    /// Send the invitation emails. Default true.
    pub notify: Option<bool>,
    /// Create them even for addresses already invited or signed up. Default false.
    pub ignore_existing: Option<bool>,
}

/// The official toolkit's invitation tools.
pub(super) fn toolkit() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(TypedTool::new(
            "createInvitation",
            Invitations,
            "Invite to application",
            "Invite an email address to sign up to the application (emails a link unless notify=false). Fails if the address is already invited or registered, unless ignoreExisting. Returns the invitation.",
            Annotations::write(false).open_world(),
            Output::Object("invitation"),
            |ctx, i: CreateInvitationInput| async move {
                let body = CreateInvitation {
                    redirect_url: i.redirect_url,
                    public_metadata: i.public_metadata,
                    notify: i.notify,
                    ignore_existing: i.ignore_existing,
                    ..CreateInvitation::new(i.email_address)
                };
                to_value(&ctx.client.invitations().create(&body).await?)
            },
        )),
        Arc::new(TypedTool::new(
            "revokeInvitation",
            Invitations,
            "Revoke invitation",
            "Revoke a pending application invitation so its link stops working; cannot be undone. Returns the invitation.",
            Annotations::destructive(true),
            Output::Object("invitation"),
            |ctx, i: RevokeInvitationInput| async move {
                to_value(&ctx.client.invitations().revoke(&i.invitation_id).await?)
            },
        )),
    ]
}

/// Invitation tools beyond the official toolkit.
pub(super) fn more() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(TypedTool::new(
            "getInvitationList",
            Invitations,
            "List invitations",
            "List application invitations, optionally by status or email search. Paginated: {data, totalCount, hasMore, nextOffset}.",
            Annotations::READ,
            Output::List("invitation"),
            |ctx, i: GetInvitationListInput| async move {
                let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                let offset = i.offset.unwrap_or(0);
                let mut req = ctx.client.invitations().list().limit(limit).offset(offset);
                if let Some(s) = i.status {
                    req = req.status(s);
                }
                if let Some(q) = &i.query {
                    req = req.query(q);
                }
                list_result(req.send().await?, offset, limit)
            },
        )),
        Arc::new(TypedTool::new(
            "createInvitationBulk",
            Invitations,
            "Invite many to application",
            "Invite several email addresses to sign up at once. Returns {data: invitations}.",
            Annotations::write(false).open_world(),
            Output::Bulk("invitation"),
            |ctx, i: CreateInvitationBulkInput| async move {
                let body: Vec<CreateInvitation> = i
                    .invitations
                    .into_iter()
                    .map(|inv| CreateInvitation {
                        public_metadata: inv.public_metadata,
                        redirect_url: i.redirect_url.clone(),
                        notify: i.notify,
                        ignore_existing: i.ignore_existing,
                        ..CreateInvitation::new(inv.email_address)
                    })
                    .collect();
                bulk_result(&ctx.client.invitations().create_bulk(&body).await?)
            },
        )),
    ]
}
