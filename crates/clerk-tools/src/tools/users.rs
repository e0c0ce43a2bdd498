//! `users` tools.

use std::sync::Arc;

use clerk_api::users::{CreateUser, UpdateUser, UserMetadata};
use clerk_api::{Metadata, Secret};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::{DEFAULT_LIMIT, list_result, to_value};
use crate::error::ToolError;
use crate::tool::{Annotations, Category::Users, Output, Tool, TypedTool};

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// A user id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserIdInput {
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
}

/// Arguments of `updateUser`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateUserInput {
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New username.
    pub username: Option<String>,
    /// Accepted for compatibility with @clerk/agent-toolkit; Clerk's API has no such field, so a
    /// value is rejected with an explanation.
    pub profile_image_url: Option<String>,
    /// Your own id for the user.
    pub external_id: Option<String>,
    /// Make this verified email address (`idn_…`) primary.
    pub primary_email_address_id: Option<String>,
    /// Make this verified phone number (`idn_…`) primary.
    pub primary_phone_number_id: Option<String>,
}

/// Arguments of the single-kind metadata tools.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MetadataInput {
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Keys to set; deep-merged into the existing metadata. A null value deletes that key.
    pub metadata: Metadata,
}

/// Arguments of `updateUserMetadata`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateUserMetadataInput {
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Deep-merged into public metadata (readable by the frontend); null deletes a key.
    pub public_metadata: Option<Metadata>,
    /// Deep-merged into private metadata (backend only); null deletes a key.
    pub private_metadata: Option<Metadata>,
    /// Deep-merged into unsafe metadata (writable by the user); null deletes a key.
    pub unsafe_metadata: Option<Metadata>,
}

/// Arguments of `getUserList`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetUserListInput {
    /// Free-text search over email, phone, username, names and ids.
    pub query: Option<String>,
    /// Exact email addresses.
    #[serde(default)]
    pub email_address: Vec<String>,
    /// Exact phone numbers (E.164).
    #[serde(default)]
    pub phone_number: Vec<String>,
    /// Exact usernames.
    #[serde(default)]
    pub username: Vec<String>,
    /// User ids.
    #[serde(default)]
    pub user_id: Vec<String>,
    /// External ids.
    #[serde(default)]
    pub external_id: Vec<String>,
    /// Only members of these organizations.
    #[serde(default)]
    pub organization_id: Vec<String>,
    /// Sort: created_at, updated_at, email_address, first_name, last_name, username, last_sign_in_at, last_active_at (prefix - for descending). Default -created_at.
    #[schemars(regex(pattern = r"^[+-]?[a-z_0-9]+$"))]
    pub order_by: Option<String>,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

/// Arguments of `createUser`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateUserInput {
    /// Email addresses; the first becomes primary.
    #[serde(default)]
    #[schemars(inner(email))]
    pub email_address: Vec<String>,
    /// Phone numbers (E.164).
    #[serde(default)]
    pub phone_number: Vec<String>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Password (8+ characters). Omit to create a passwordless user.
    #[schemars(with = "Option<String>")]
    pub password: Option<Secret>,
    /// Your own id for the user.
    pub external_id: Option<String>,
    /// Public metadata.
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    pub private_metadata: Option<Metadata>,
    /// Unsafe metadata.
    pub unsafe_metadata: Option<Metadata>,
    /// Create without a password even if the instance requires one.
    pub skip_password_requirement: Option<bool>,
}

/// Arguments of `getOrganizationMembershipListForUser`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserMembershipsInput {
    /// User id (user_…).
    #[schemars(length(min = 1))]
    pub user_id: String,
    /// Page size, default 10.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Items to skip.
    // Explained once, in the server instructions (nextOffset → offset).
    #[schemars(description = "")]
    pub offset: Option<u32>,
}

fn metadata_tool(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    unsafe_kind: bool,
) -> Arc<dyn Tool> {
    Arc::new(
        TypedTool::new(
            name,
            Users,
            title,
            description,
            Annotations::write(true),
            Output::Object("user"),
            move |ctx, i: MetadataInput| async move {
                let mut body = UserMetadata::default();
                if unsafe_kind {
                    body.unsafe_metadata = Some(i.metadata);
                } else {
                    body.public_metadata = Some(i.metadata);
                }
                to_value(
                    &ctx.client
                        .users()
                        .update_metadata(&i.user_id, &body)
                        .await?,
                )
            },
        )
        .pin(&["userId"]),
    )
}

fn user_action(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    annotations: Annotations,
    action: fn(
        &clerk_api::Client,
        String,
    ) -> futures_util::future::BoxFuture<'_, clerk_api::Result<clerk_api::User>>,
) -> Arc<dyn Tool> {
    Arc::new(
        TypedTool::new(
            name,
            Users,
            title,
            description,
            annotations,
            Output::Object("user"),
            move |ctx, i: UserIdInput| async move { to_value(&action(&ctx.client, i.user_id).await?) },
        )
        .pin(&["userId"]),
    )
}

/// The official toolkit's user tools, in its order.
pub(super) fn toolkit() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(TypedTool::new(
            "getUserId",
            Users,
            "Get signed-in user id",
            "Get the id of the signed-in user on whose behalf this server acts. Returns signedIn=false when the server runs with only a secret key (no user).",
            Annotations::READ,
            Output::Caller,
            |ctx, _: NoInput| async move {
                Ok(match ctx.caller {
                    Some(c) => json!({
                        "signedIn": true, "userId": c.user_id,
                        "organizationId": c.organization_id, "sessionId": c.session_id,
                    }),
                    None => json!({
                        "signedIn": false, "userId": null,
                        "message": "No user is signed in: this server acts with the instance's secret key, not as a user.",
                    }),
                })
            },
        )),
        Arc::new(
            TypedTool::new(
                "getUser",
                Users,
                "Get user",
                "Get one user by id: names, email addresses, phone numbers, username, metadata, ban/lock state, timestamps. To find a user by email or name, use getUserList.",
                Annotations::READ,
                Output::Object("user"),
                |ctx, i: UserIdInput| async move { to_value(&ctx.client.users().get(&i.user_id).await?) },
            )
            .pin(&["userId"]),
        ),
        Arc::new(TypedTool::new(
            "getUserCount",
            Users,
            "Count users",
            "Count all users of the instance. Returns {totalCount}.",
            Annotations::READ,
            Output::Count,
            |ctx, _: NoInput| async move { Ok(json!({"totalCount": ctx.client.users().count().await?})) },
        )),
        Arc::new(
            TypedTool::new(
                "updateUser",
                Users,
                "Update user",
                "Update a user's names, username, external id or primary email/phone. Not metadata: use updateUserMetadata. Returns the updated user.",
                Annotations::write(true),
                Output::Object("user"),
                |ctx, i: UpdateUserInput| async move {
                    if i.profile_image_url.is_some() {
                        return Err(ToolError::Precondition(
                            "`profileImageUrl` cannot be set: Clerk's API only accepts uploaded images. Remove the argument.".into(),
                        ));
                    }
                    let body = UpdateUser {
                        first_name: i.first_name,
                        last_name: i.last_name,
                        username: i.username,
                        external_id: i.external_id,
                        primary_email_address_id: i.primary_email_address_id,
                        primary_phone_number_id: i.primary_phone_number_id,
                        ..Default::default()
                    };
                    to_value(&ctx.client.users().update(&i.user_id, &body).await?)
                },
            )
            .pin(&["userId"]),
        ),
        metadata_tool(
            "updateUserPublicMetadata",
            "Update user public metadata",
            "Deep-merge keys into a user's public metadata (readable by the frontend and in session tokens); a null value deletes a key. Returns the user.",
            false,
        ),
        metadata_tool(
            "updateUserUnsafeMetadata",
            "Update user unsafe metadata",
            "Deep-merge keys into a user's unsafe metadata (also writable by the user from the frontend); a null value deletes a key. Returns the user.",
            true,
        ),
    ]
}

/// User tools beyond the official toolkit.
pub(super) fn more() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(TypedTool::new(
            "getUserList",
            Users,
            "List or search users",
            "Find users: free-text query or exact filters (email, phone, username, ids, organization). Use it to turn an email into a user id. Paginated: returns {data, totalCount, hasMore, nextOffset}.",
            Annotations::READ,
            Output::List("user"),
            |ctx, i: GetUserListInput| async move {
                let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                let offset = i.offset.unwrap_or(0);
                let mut req = ctx
                    .client
                    .users()
                    .list()
                    .limit(limit)
                    .offset(offset)
                    .email_address(&i.email_address)
                    .phone_number(&i.phone_number)
                    .username(&i.username)
                    .user_id(&i.user_id)
                    .external_id(&i.external_id)
                    .organization_id(&i.organization_id);
                if let Some(q) = &i.query {
                    req = req.query(q);
                }
                if let Some(o) = &i.order_by {
                    req = req.order_by(o);
                }
                list_result(req.send().await?, offset, limit)
            },
        )),
        Arc::new(TypedTool::new(
            "createUser",
            Users,
            "Create user",
            "Create a user with email addresses, phone numbers, username, names, password and metadata. Which identifiers are required depends on the instance settings. Returns the user.",
            Annotations::write(false),
            Output::Object("user"),
            |ctx, i: CreateUserInput| async move {
                let body = CreateUser {
                    email_address: i.email_address,
                    phone_number: i.phone_number,
                    username: i.username,
                    first_name: i.first_name,
                    last_name: i.last_name,
                    password: i.password,
                    external_id: i.external_id,
                    public_metadata: i.public_metadata,
                    private_metadata: i.private_metadata,
                    unsafe_metadata: i.unsafe_metadata,
                    skip_password_requirement: i.skip_password_requirement,
                    ..Default::default()
                };
                to_value(&ctx.client.users().create(&body).await?)
            },
        )),
        Arc::new(
            TypedTool::new(
                "deleteUser",
                Users,
                "Delete user",
                "Permanently delete a user, their sessions and organization memberships. Irreversible. Returns {object, id, deleted}.",
                Annotations::destructive(true),
                Output::Deleted,
                |ctx, i: UserIdInput| async move { to_value(&ctx.client.users().delete(&i.user_id).await?) },
            )
            .pin(&["userId"]),
        ),
        user_action(
            "banUser",
            "Ban user",
            "Ban a user: signs them out everywhere and blocks sign-in until unbanned. Returns the user.",
            Annotations::destructive(true),
            |c, id| Box::pin(async move { c.users().ban(&id).await }),
        ),
        user_action(
            "unbanUser",
            "Unban user",
            "Lift a user's ban so they can sign in again. Returns the user.",
            Annotations::write(true),
            |c, id| Box::pin(async move { c.users().unban(&id).await }),
        ),
        user_action(
            "lockUser",
            "Lock user",
            "Lock a user out of sign-in (as after too many failed attempts) until unlocked. Returns the user.",
            Annotations::destructive(true),
            |c, id| Box::pin(async move { c.users().lock(&id).await }),
        ),
        user_action(
            "unlockUser",
            "Unlock user",
            "Unlock a locked user so they can sign in again. Returns the user.",
            Annotations::write(true),
            |c, id| Box::pin(async move { c.users().unlock(&id).await }),
        ),
        Arc::new(
            TypedTool::new(
                "updateUserMetadata",
                Users,
                "Update user metadata",
                "Deep-merge public, private and/or unsafe metadata of a user in one call; a null value deletes a key at any depth. Returns the user.",
                Annotations::write(true),
                Output::Object("user"),
                |ctx, i: UpdateUserMetadataInput| async move {
                    if i.public_metadata.is_none() && i.private_metadata.is_none() && i.unsafe_metadata.is_none() {
                        return Err(ToolError::Precondition(
                            "Give at least one of publicMetadata, privateMetadata, unsafeMetadata.".into(),
                        ));
                    }
                    let body = UserMetadata {
                        public_metadata: i.public_metadata,
                        private_metadata: i.private_metadata,
                        unsafe_metadata: i.unsafe_metadata,
                    };
                    to_value(&ctx.client.users().update_metadata(&i.user_id, &body).await?)
                },
            )
            .pin(&["userId"]),
        ),
        Arc::new(
            TypedTool::new(
                "getOrganizationMembershipListForUser",
                Users,
                "List a user's organizations",
                "List the organizations a user belongs to, with their role in each. Paginated: {data, totalCount, hasMore, nextOffset}.",
                Annotations::READ,
                Output::List("organization_membership"),
                |ctx, i: UserMembershipsInput| async move {
                    let limit = i.limit.unwrap_or(DEFAULT_LIMIT);
                    let offset = i.offset.unwrap_or(0);
                    let page = ctx
                        .client
                        .users()
                        .organization_memberships(&i.user_id)
                        .limit(limit)
                        .offset(offset)
                        .send()
                        .await?;
                    list_result(page, offset, limit)
                },
            )
            .pin(&["userId"]),
        ),
    ]
}
