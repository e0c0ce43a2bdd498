//! Users: `/users` and `/users/{user_id}/…` (spec tag "Users", billing excluded).
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::users::CreateUser;
//! let user = clerk
//!     .users()
//!     .create(&CreateUser {
//!         email_address: vec!["ada@example.com".into()],
//!         first_name: Some("Ada".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! clerk.users().ban(&user.id).await?;
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Body, Client, FileUpload, Request, seg};
use crate::error::{Error, Result};
/// Generated operations of this tag (request bodies and builders).
pub use crate::generated::users::*;
use crate::models::{
    DeletedObject, Extra, Metadata, OAuthAccessToken, OrganizationInvitation,
    OrganizationMembership, TrustedDevice, User, VerifyResult,
};
use crate::pagination::{ListRequest, Page, array_filters, list_builder, scalar_filters};
use crate::secret::Secret;

impl Client {
    /// Users of the instance.
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }
}

/// Handler for user operations. Obtain one with [`Client::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'c> {
    pub(crate) client: &'c Client,
}

pub(crate) fn user_path(user_id: &str, rest: &str) -> Result<String> {
    Ok(format!("/users/{}{rest}", seg("user_id", user_id)?))
}

impl<'c> Users<'c> {
    /// `GET /users`: lists users, newest first by default. Filters are builder methods; the
    /// page's `total_count` comes from `GET /users/count` with the same filters, fetched
    /// concurrently (skip it with [`ListUsers::without_total_count`]).
    pub fn list(&self) -> ListUsers {
        ListUsers {
            inner: ListRequest::new(self.client, Ok("/users".into())).count_from("/users/count"),
        }
    }

    /// `GET /users/count`: number of users in the instance. For a filtered count, use
    /// [`ListUsers::count`].
    pub async fn count(&self) -> Result<u64> {
        self.list().count().await
    }

    /// `GET /users/{user_id}`.
    pub async fn get(&self, user_id: &str) -> Result<User> {
        self.client
            .get(user_path(user_id, "")?, Default::default())
            .await
    }

    /// `POST /users`: creates a user.
    pub async fn create(&self, body: &CreateUser) -> Result<User> {
        self.client
            .send_json(Method::POST, "/users".into(), Some(body))
            .await
    }

    /// `PATCH /users/{user_id}`: updates attributes (not metadata: see
    /// [`Users::update_metadata`]).
    pub async fn update(&self, user_id: &str, body: &UpdateUser) -> Result<User> {
        self.client
            .send_json(Method::PATCH, user_path(user_id, "")?, Some(body))
            .await
    }

    /// `DELETE /users/{user_id}`.
    pub async fn delete(&self, user_id: &str) -> Result<DeletedObject> {
        self.client.delete(user_path(user_id, "")?).await
    }

    /// `POST /users/{user_id}/ban`: bans a user and revokes their sessions.
    pub async fn ban(&self, user_id: &str) -> Result<User> {
        self.post_empty(user_path(user_id, "/ban")?).await
    }

    /// `POST /users/{user_id}/unban`.
    pub async fn unban(&self, user_id: &str) -> Result<User> {
        self.post_empty(user_path(user_id, "/unban")?).await
    }

    /// `POST /users/{user_id}/lock`: locks a user out of sign-in.
    pub async fn lock(&self, user_id: &str) -> Result<User> {
        self.post_empty(user_path(user_id, "/lock")?).await
    }

    /// `POST /users/{user_id}/unlock`.
    pub async fn unlock(&self, user_id: &str) -> Result<User> {
        self.post_empty(user_path(user_id, "/unlock")?).await
    }

    /// `PATCH /users/{user_id}/metadata`: deep-merges metadata; a `null` value deletes a key at
    /// any level.
    pub async fn update_metadata(&self, user_id: &str, body: &UserMetadata) -> Result<User> {
        self.client
            .send_json(Method::PATCH, user_path(user_id, "/metadata")?, Some(body))
            .await
    }

    /// `PUT /users/{user_id}/metadata`: replaces each supplied metadata field wholesale; fields
    /// left `None` are unchanged.
    pub async fn replace_metadata(&self, user_id: &str, body: &UserMetadata) -> Result<User> {
        self.client
            .send_json(Method::PUT, user_path(user_id, "/metadata")?, Some(body))
            .await
    }

    /// `GET /users/{user_id}/organization_memberships`.
    pub fn organization_memberships(&self, user_id: &str) -> ListUserOrganizationMemberships {
        ListUserOrganizationMemberships {
            inner: ListRequest::new(self.client, user_path(user_id, "/organization_memberships")),
        }
    }

    /// `GET /users/{user_id}/organization_invitations`.
    pub fn organization_invitations(&self, user_id: &str) -> ListUserOrganizationInvitations {
        ListUserOrganizationInvitations {
            inner: ListRequest::new(self.client, user_path(user_id, "/organization_invitations")),
        }
    }

    /// `POST /users/ban`: bans up to 50 users at once and revokes their sessions. Returns the
    /// banned users.
    pub async fn ban_many<I, S>(&self, user_ids: I) -> Result<Vec<User>>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let body = UserIds::new(user_ids)?;
        self.client
            .send_json(Method::POST, "/users/ban".into(), Some(&body))
            .await
    }

    /// `POST /users/unban`: unbans up to 50 users at once. Returns the unbanned users.
    pub async fn unban_many<I, S>(&self, user_ids: I) -> Result<Vec<User>>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let body = UserIds::new(user_ids)?;
        self.client
            .send_json(Method::POST, "/users/unban".into(), Some(&body))
            .await
    }

    /// `POST /users/{user_id}/profile_image`: uploads a new profile image
    /// (`multipart/form-data`, field `file`). [`FileUpload::uploader_user_id`] is not used
    /// by this endpoint and is not sent.
    pub async fn set_profile_image(&self, user_id: &str, mut file: FileUpload) -> Result<User> {
        file.uploader_user_id = None;
        let req = Request::new(Method::POST, user_path(user_id, "/profile_image")?)
            .body(Body::File(file));
        self.client.execute(&req).await
    }

    /// `DELETE /users/{user_id}/profile_image`: removes the profile image.
    pub async fn delete_profile_image(&self, user_id: &str) -> Result<User> {
        self.client
            .delete(user_path(user_id, "/profile_image")?)
            .await
    }

    /// `GET /users/{user_id}/oauth_access_tokens/{provider}`: the user's OAuth access tokens
    /// for a provider (e.g. `oauth_google`); Clerk refreshes expired OAuth 2.0 tokens
    /// transparently. Sent with `paginated=true`, so the page has a `total_count`.
    pub fn oauth_access_tokens(&self, user_id: &str, provider: &str) -> ListOAuthAccessTokens {
        let path = seg("provider", provider)
            .and_then(|p| user_path(user_id, &format!("/oauth_access_tokens/{p}")));
        ListOAuthAccessTokens {
            inner: ListRequest::new(self.client, path).paginated(),
        }
    }

    /// `POST /users/{user_id}/remove_password`: removes the user's password. With
    /// `sign_out_of_other_sessions`, also revokes all their active sessions.
    pub async fn remove_password(
        &self,
        user_id: &str,
        sign_out_of_other_sessions: bool,
    ) -> Result<User> {
        #[derive(Serialize)]
        struct Body {
            sign_out_of_other_sessions: bool,
        }
        self.client
            .send_json(
                Method::POST,
                user_path(user_id, "/remove_password")?,
                Some(&Body {
                    sign_out_of_other_sessions,
                }),
            )
            .await
    }

    /// `POST /users/{user_id}/verify_password`: checks a password against the user's.
    ///
    /// A wrong password is reported by Clerk as an error (422), not as `verified: false`;
    /// a user without a password gets a 400.
    pub async fn verify_password(&self, user_id: &str, password: &str) -> Result<VerifyResult> {
        #[derive(Serialize)]
        struct Body<'a> {
            password: &'a str,
        }
        self.client
            .send_json(
                Method::POST,
                user_path(user_id, "/verify_password")?,
                Some(&Body { password }),
            )
            .await
    }

    /// `POST /users/{user_id}/verify_totp`: checks a TOTP or backup code; the result's
    /// `code_type` says which one matched. A wrong code is reported by Clerk as an error
    /// (422); a user without TOTP gets a 400.
    pub async fn verify_totp(&self, user_id: &str, code: &str) -> Result<VerifyResult> {
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'a str,
        }
        self.client
            .send_json(
                Method::POST,
                user_path(user_id, "/verify_totp")?,
                Some(&Body { code }),
            )
            .await
    }

    /// `DELETE /users/{user_id}/mfa`: disables every second factor of the user.
    pub async fn disable_mfa(&self, user_id: &str) -> Result<UserIdResponse> {
        self.client.delete(user_path(user_id, "/mfa")?).await
    }

    /// `DELETE /users/{user_id}/backup_code`: deletes the user's backup codes.
    pub async fn delete_backup_codes(&self, user_id: &str) -> Result<UserIdResponse> {
        self.client
            .delete(user_path(user_id, "/backup_code")?)
            .await
    }

    /// `DELETE /users/{user_id}/totp`: deletes the user's TOTP (authenticator app) factor.
    pub async fn delete_totp(&self, user_id: &str) -> Result<UserIdResponse> {
        self.client.delete(user_path(user_id, "/totp")?).await
    }

    /// `DELETE /users/{user_id}/passkeys/{passkey_identification_id}`.
    pub async fn delete_passkey(
        &self,
        user_id: &str,
        passkey_identification_id: &str,
    ) -> Result<DeletedObject> {
        let id = seg("passkey_identification_id", passkey_identification_id)?;
        self.client
            .delete(user_path(user_id, &format!("/passkeys/{id}"))?)
            .await
    }

    /// `DELETE /users/{user_id}/web3_wallets/{web3_wallet_identification_id}`.
    pub async fn delete_web3_wallet(
        &self,
        user_id: &str,
        web3_wallet_identification_id: &str,
    ) -> Result<DeletedObject> {
        let id = seg(
            "web3_wallet_identification_id",
            web3_wallet_identification_id,
        )?;
        self.client
            .delete(user_path(user_id, &format!("/web3_wallets/{id}"))?)
            .await
    }

    /// `DELETE /users/{user_id}/external_accounts/{external_account_id}`: unlinks an OAuth
    /// account.
    pub async fn delete_external_account(
        &self,
        user_id: &str,
        external_account_id: &str,
    ) -> Result<DeletedObject> {
        let id = seg("external_account_id", external_account_id)?;
        self.client
            .delete(user_path(user_id, &format!("/external_accounts/{id}"))?)
            .await
    }

    /// `GET /users/{user_id}/trusted_devices`: every trusted device of the user (Clerk
    /// answers with all of them and their `total_count`; there is no paging).
    pub async fn trusted_devices(&self, user_id: &str) -> Result<Page<TrustedDevice>> {
        self.client
            .get(user_path(user_id, "/trusted_devices")?, Default::default())
            .await
    }

    /// `DELETE /users/{user_id}/trusted_devices/{trusted_device_id}`: revokes a trusted
    /// device. Returns the device, now `revoked`.
    pub async fn revoke_trusted_device(
        &self,
        user_id: &str,
        trusted_device_id: &str,
    ) -> Result<TrustedDevice> {
        let id = seg("trusted_device_id", trusted_device_id)?;
        self.client
            .delete(user_path(user_id, &format!("/trusted_devices/{id}"))?)
            .await
    }

    /// `POST /users/{user_id}/password/set_compromised`: marks the user's password as
    /// compromised, so they must reset it at next sign-in. `revoke_all_sessions` (`None`:
    /// Clerk's default) also signs them out everywhere.
    pub async fn set_password_compromised(
        &self,
        user_id: &str,
        revoke_all_sessions: Option<bool>,
    ) -> Result<User> {
        #[derive(Serialize)]
        struct Body {
            #[serde(skip_serializing_if = "Option::is_none")]
            revoke_all_sessions: Option<bool>,
        }
        self.client
            .send_json(
                Method::POST,
                user_path(user_id, "/password/set_compromised")?,
                Some(&Body {
                    revoke_all_sessions,
                }),
            )
            .await
    }

    /// `POST /users/{user_id}/password/unset_compromised`: clears the compromised mark.
    pub async fn unset_password_compromised(&self, user_id: &str) -> Result<User> {
        self.post_empty(user_path(user_id, "/password/unset_compromised")?)
            .await
    }

    async fn post_empty<T: serde::de::DeserializeOwned>(&self, path: String) -> Result<T> {
        self.client
            .send_json::<(), T>(Method::POST, path, None)
            .await
    }
}

list_builder! {
    /// Builder for `GET /users`. Array filters are sent as repeated keys.
    ListUsers => User
}

impl ListUsers {
    array_filters! {
        /// Users with any of these email addresses (exact match).
        email_address => "email_address",
        /// Users with any of these phone numbers.
        phone_number => "phone_number",
        /// Users with any of these external ids.
        external_id => "external_id",
        /// Users with any of these usernames.
        username => "username",
        /// Users with any of these Web3 wallets.
        web3_wallet => "web3_wallet",
        /// Users with any of these ids.
        user_id => "user_id",
        /// Members of any of these organizations.
        organization_id => "organization_id",
        /// Users with any of these provider user ids (with [`ListUsers::provider`]).
        provider_user_id => "provider_user_id",
    }

    scalar_filters! {
        /// Free-text search over email, phone, username, names and ids.
        query: &str => "query",
        /// Partial match on email addresses.
        email_address_query: &str => "email_address_query",
        /// Partial match on phone numbers.
        phone_number_query: &str => "phone_number_query",
        /// Partial match on usernames.
        username_query: &str => "username_query",
        /// Partial match on first / last names.
        name_query: &str => "name_query",
        /// Only banned (`true`) or not banned (`false`) users.
        banned: bool => "banned",
        /// Last active before this time (Unix ms).
        last_active_at_before: i64 => "last_active_at_before",
        /// Last active after this time (Unix ms).
        last_active_at_after: i64 => "last_active_at_after",
        /// Created before this time (Unix ms).
        created_at_before: i64 => "created_at_before",
        /// Created after this time (Unix ms).
        created_at_after: i64 => "created_at_after",
        /// Last signed in before this time (Unix ms).
        last_sign_in_at_before: i64 => "last_sign_in_at_before",
        /// Last signed in after this time (Unix ms).
        last_sign_in_at_after: i64 => "last_sign_in_at_after",
        /// OAuth provider, e.g. `oauth_google` (with [`ListUsers::provider_user_id`]).
        provider: &str => "provider",
        /// Cursor: the id of the last user of the previous page (requires `created_at`
        /// ordering and no offset). For one page with [`ListUsers::send`]: `into_stream` pages
        /// by offset, which Clerk refuses in combination with a cursor.
        starting_after: &str => "starting_after",
        /// Sort field with `+` (ascending) or `-` (descending) prefix: `created_at`,
        /// `updated_at`, `email_address`, `web3wallet`, `first_name`, `last_name`,
        /// `phone_number`, `username`, `last_active_at`, `last_sign_in_at`.
        order_by: &str => "order_by",
    }

    /// Users active since this time (Unix ms); deprecated by Clerk in favour of
    /// `last_active_at_after`, still accepted.
    pub fn last_active_at_since(mut self, value: i64) -> Self {
        self.inner.query.set("last_active_at_since", value);
        self
    }

    /// Do not fetch `GET /users/count` alongside the page (`total_count` is then `None`).
    pub fn without_total_count(mut self) -> Self {
        self.inner.skip_count();
        self
    }

    /// `GET /users/count` with this builder's filters.
    pub async fn count(self) -> Result<u64> {
        self.inner.count().await
    }
}

list_builder! {
    /// Builder for `GET /users/{user_id}/oauth_access_tokens/{provider}` (sent with
    /// `paginated=true`).
    ListOAuthAccessTokens => OAuthAccessToken
}

list_builder! {
    /// Builder for `GET /users/{user_id}/organization_memberships`.
    ListUserOrganizationMemberships => OrganizationMembership
}

list_builder! {
    /// Builder for `GET /users/{user_id}/organization_invitations`.
    ListUserOrganizationInvitations => OrganizationInvitation
}

impl ListUserOrganizationInvitations {
    /// Only invitations with this status (`pending`, `accepted`, `revoked`, `expired`).
    pub fn status(mut self, status: &str) -> Self {
        self.inner.query.set("status", status);
        self
    }
}

/// Body of `POST /users`. Every field is optional; what is required depends on the instance's
/// settings (Clerk answers 422 naming the missing field).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateUser {
    /// Your own id for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Locale, e.g. `en-US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Email addresses; the first becomes primary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_address: Vec<String>,
    /// Phone numbers (E.164); the first becomes primary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_number: Vec<String>,
    /// Web3 wallets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub web3_wallet: Vec<String>,
    /// Username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Plain-text password (at least 8 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// Password hash imported from another system (with `password_hasher`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_digest: Option<Secret>,
    /// Hasher of `password_digest`, e.g. `bcrypt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hasher: Option<String>,
    /// Skip password strength checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    /// Create the user without a password even if passwords are required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_requirement: Option<bool>,
    /// TOTP secret to import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<Secret>,
    /// Backup codes to import.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backup_codes: Vec<Secret>,
    /// Public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Unsafe metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Metadata>,
    /// Whether the user may delete themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_self_enabled: Option<bool>,
    /// When legal terms were accepted (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_accepted_at: Option<String>,
    /// Skip legal-acceptance checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_legal_checks: Option<bool>,
    /// Whether the user may create organizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organization_enabled: Option<bool>,
    /// How many organizations the user may create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organizations_limit: Option<i64>,
    /// Creation time to record (RFC 3339), for imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Skip client-trust checks for this user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bypass_client_trust: Option<bool>,
    /// Create the user banned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub banned: Option<bool>,
    /// Create the user locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
}

/// Body of `PATCH /users/{user_id}`. Only fields that are `Some` are sent. Since 2026-05-12
/// metadata is not accepted here: use [`Users::update_metadata`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateUser {
    /// Your own id for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Make this (verified) email address primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email_address_id: Option<String>,
    /// Email the old primary address about the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_primary_email_address_changed: Option<bool>,
    /// Make this (verified) phone number primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_phone_number_id: Option<String>,
    /// Make this Web3 wallet primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_web3_wallet_id: Option<String>,
    /// Username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Id of an uploaded image to use as profile image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_image_id: Option<String>,
    /// New password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// New password hash (with `password_hasher`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_digest: Option<Secret>,
    /// Hasher of `password_digest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hasher: Option<String>,
    /// Skip password strength checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    /// Sign the user out of their other sessions (with a new password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_out_of_other_sessions: Option<bool>,
    /// TOTP secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<Secret>,
    /// Backup codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<Vec<Secret>>,
    /// Whether the user may delete themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_self_enabled: Option<bool>,
    /// Whether the user may create organizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organization_enabled: Option<bool>,
    /// When legal terms were accepted (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_accepted_at: Option<String>,
    /// Skip legal-acceptance checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_legal_checks: Option<bool>,
    /// How many organizations the user may create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organizations_limit: Option<i64>,
    /// Creation time to record (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Skip client-trust checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bypass_client_trust: Option<bool>,
}

/// Body of `PATCH` / `PUT /users/{user_id}/metadata`. `None` fields are not sent (and so left
/// unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserMetadata {
    /// Public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Unsafe metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Metadata>,
}

/// Most user ids `POST /users/ban` and `POST /users/unban` accept at once.
pub const MAX_BULK_USER_IDS: usize = 50;

/// Body of `POST /users/ban` / `POST /users/unban`.
#[derive(Serialize)]
struct UserIds {
    user_ids: Vec<String>,
}

impl UserIds {
    fn new<I, S>(user_ids: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user_ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        if user_ids.is_empty() || user_ids.len() > MAX_BULK_USER_IDS {
            return Err(Error::invalid(
                "user_ids",
                format!(
                    "expected 1 to {MAX_BULK_USER_IDS} user ids, got {}",
                    user_ids.len()
                ),
            ));
        }
        if user_ids.iter().any(|id| id.trim().is_empty()) {
            return Err(Error::invalid("user_ids", "must not contain empty ids"));
        }
        Ok(UserIds { user_ids })
    }
}

/// Reply of [`Users::disable_mfa`], [`Users::delete_backup_codes`] and
/// [`Users::delete_totp`]: `{"user_id": "user_…"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserIdResponse {
    /// The user whose factor(s) were removed.
    pub user_id: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
