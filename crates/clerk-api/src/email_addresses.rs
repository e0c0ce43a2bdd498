//! Email addresses: `/email_addresses/…` and `PUT /users/{user_id}/email_address` (spec tag
//! "Email Addresses").
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::email_addresses::CreateEmailAddress;
//!
//! // Add an unverified address, then verify it with the code the user received.
//! let email = clerk
//!     .email_addresses()
//!     .create(&CreateEmailAddress {
//!         user_id: "user_2abc".into(),
//!         email_address: "ada@example.com".into(),
//!         verified: Some(false),
//!         ..Default::default()
//!     })
//!     .await?;
//! let id = email.id.unwrap_or_default();
//! let pending = clerk.email_addresses().prepare_verification(&id).await?;
//! let done = clerk
//!     .email_addresses()
//!     .attempt_verification(&id, &pending.id, "424242")
//!     .await?;
//! println!("{:?}", done.status);
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Client, seg};
use crate::enums::clerk_enum;
use crate::error::Result;
use crate::models::{DeletedObject, EmailAddress, Extra, VerificationStatus};
use crate::users::user_path;

impl Client {
    /// Email addresses of the instance's users.
    pub fn email_addresses(&self) -> EmailAddresses<'_> {
        EmailAddresses { client: self }
    }
}

/// Handler for email address operations. Obtain one with [`Client::email_addresses`].
#[derive(Debug, Clone, Copy)]
pub struct EmailAddresses<'c> {
    client: &'c Client,
}

fn email_path(email_address_id: &str, rest: &str) -> Result<String> {
    Ok(format!(
        "/email_addresses/{}{rest}",
        seg("email_address_id", email_address_id)?
    ))
}

/// Body of `attempt_verification` (email addresses and phone numbers).
#[derive(Serialize)]
pub(crate) struct AttemptVerificationBody<'a> {
    pub verification_id: &'a str,
    pub code: &'a str,
}

impl<'c> EmailAddresses<'c> {
    /// `POST /email_addresses`: adds an email address to a user.
    pub async fn create(&self, body: &CreateEmailAddress) -> Result<EmailAddress> {
        self.client
            .send_json(Method::POST, "/email_addresses".into(), Some(body))
            .await
    }

    /// `GET /email_addresses/{email_address_id}`.
    pub async fn get(&self, email_address_id: &str) -> Result<EmailAddress> {
        self.client
            .get(email_path(email_address_id, "")?, Default::default())
            .await
    }

    /// `DELETE /email_addresses/{email_address_id}`.
    pub async fn delete(&self, email_address_id: &str) -> Result<DeletedObject> {
        self.client.delete(email_path(email_address_id, "")?).await
    }

    /// `PATCH /email_addresses/{email_address_id}`: marks the address verified / primary.
    pub async fn update(
        &self,
        email_address_id: &str,
        body: &UpdateEmailAddress,
    ) -> Result<EmailAddress> {
        self.client
            .send_json(Method::PATCH, email_path(email_address_id, "")?, Some(body))
            .await
    }

    /// `POST /email_addresses/{email_address_id}/prepare_verification`: emails a one-time
    /// code to the address. Pass the returned verification's `id` to
    /// [`EmailAddresses::attempt_verification`].
    pub async fn prepare_verification(
        &self,
        email_address_id: &str,
    ) -> Result<IdentifierVerification> {
        self.client
            .send_json::<(), _>(
                Method::POST,
                email_path(email_address_id, "/prepare_verification")?,
                None,
            )
            .await
    }

    /// `POST /email_addresses/{email_address_id}/attempt_verification`: checks the code the
    /// user received. The verification's `status` reflects the outcome.
    pub async fn attempt_verification(
        &self,
        email_address_id: &str,
        verification_id: &str,
        code: &str,
    ) -> Result<IdentifierVerification> {
        self.client
            .send_json(
                Method::POST,
                email_path(email_address_id, "/attempt_verification")?,
                Some(&AttemptVerificationBody {
                    verification_id,
                    code,
                }),
            )
            .await
    }

    /// `PUT /users/{user_id}/email_address`: replaces **all** of the user's email addresses
    /// with this single primary one (the others are deleted). Created verified unless
    /// [`ReplaceEmailAddress::identification_status`] says otherwise; `unverified` can lock the
    /// user out if they have no other identifier. Rejected while an existing address is linked
    /// to a connected account.
    pub async fn replace(&self, user_id: &str, body: &ReplaceEmailAddress) -> Result<EmailAddress> {
        self.client
            .send_json(
                Method::PUT,
                user_path(user_id, "/email_address")?,
                Some(body),
            )
            .await
    }
}

/// Body of `POST /email_addresses`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateEmailAddress {
    /// The owner (required).
    pub user_id: String,
    /// The address (required).
    pub email_address: String,
    /// Create it verified (Clerk's default: `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Make it the primary address (must be verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Email the old primary address when the primary changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_primary_email_address_changed: Option<bool>,
}

/// Body of `PATCH /email_addresses/{email_address_id}`. Only fields that are `Some` are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateEmailAddress {
    /// Mark it verified or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Make it the primary address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Email the old primary address when the primary changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_primary_email_address_changed: Option<bool>,
}

clerk_enum! {
    /// Status of an email address or phone number created by `PUT /users/{user_id}/email_address`
    /// or `PUT /users/{user_id}/phone_number`.
    IdentificationStatus {
        /// Verified and usable for sign-in (Clerk's default).
        Verified = "verified",
        /// Not verified but usable for sign-in, and locked so no other user can claim it.
        Reserved = "reserved",
        /// Neither usable for sign-in nor locked.
        Unverified = "unverified",
    }
}

/// Body of `PUT /users/{user_id}/email_address`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplaceEmailAddress {
    /// The new address (required).
    pub email_address: String,
    /// Status of the new address (Clerk's default: [`IdentificationStatus::Verified`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification_status: Option<IdentificationStatus>,
    /// Email the old primary address about the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_primary_email_address_changed: Option<bool>,
}

/// A verification started by `prepare_verification` or checked by `attempt_verification`
/// (email addresses and phone numbers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentifierVerification {
    /// Kind of verification object.
    pub object: Option<String>,
    /// Id; pass it to `attempt_verification`.
    pub id: String,
    /// `unverified` after prepare; the outcome after an attempt.
    pub status: Option<VerificationStatus>,
    /// `email_code` or `phone_code`.
    pub strategy: Option<String>,
    /// Attempts made.
    pub attempts: Option<i64>,
    /// When the code expires (Unix ms).
    pub expire_at: Option<i64>,
    /// Channel the code was sent over (phone numbers only), e.g. `sms`.
    pub channel: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
