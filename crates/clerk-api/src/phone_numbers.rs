//! Phone numbers: `/phone_numbers/…` and `PUT /users/{user_id}/phone_number` (spec tag
//! "Phone Numbers").
//!
//! ```no_run
//! # async fn run(clerk: clerk_api::Client) -> clerk_api::Result<()> {
//! use clerk_api::phone_numbers::{CreatePhoneNumber, UpdatePhoneNumber};
//!
//! let phone = clerk
//!     .phone_numbers()
//!     .create(&CreatePhoneNumber {
//!         user_id: "user_2abc".into(),
//!         phone_number: "+15555550100".into(),
//!         verified: Some(true),
//!         ..Default::default()
//!     })
//!     .await?;
//! let id = phone.id.unwrap_or_default();
//! clerk
//!     .phone_numbers()
//!     .update(&id, &UpdatePhoneNumber { primary: Some(true), ..Default::default() })
//!     .await?;
//! # Ok(()) }
//! ```

use reqwest::Method;
use serde::Serialize;

use crate::client::{Client, seg};
use crate::email_addresses::AttemptVerificationBody;
pub use crate::email_addresses::{IdentificationStatus, IdentifierVerification};
use crate::error::Result;
use crate::models::{DeletedObject, PhoneNumber};
use crate::users::user_path;

impl Client {
    /// Phone numbers of the instance's users.
    pub fn phone_numbers(&self) -> PhoneNumbers<'_> {
        PhoneNumbers { client: self }
    }
}

/// Handler for phone number operations. Obtain one with [`Client::phone_numbers`].
#[derive(Debug, Clone, Copy)]
pub struct PhoneNumbers<'c> {
    client: &'c Client,
}

fn phone_path(phone_number_id: &str, rest: &str) -> Result<String> {
    Ok(format!(
        "/phone_numbers/{}{rest}",
        seg("phone_number_id", phone_number_id)?
    ))
}

impl<'c> PhoneNumbers<'c> {
    /// `POST /phone_numbers`: adds a phone number to a user.
    pub async fn create(&self, body: &CreatePhoneNumber) -> Result<PhoneNumber> {
        self.client
            .send_json(Method::POST, "/phone_numbers".into(), Some(body))
            .await
    }

    /// `GET /phone_numbers/{phone_number_id}`.
    pub async fn get(&self, phone_number_id: &str) -> Result<PhoneNumber> {
        self.client
            .get(phone_path(phone_number_id, "")?, Default::default())
            .await
    }

    /// `DELETE /phone_numbers/{phone_number_id}`.
    pub async fn delete(&self, phone_number_id: &str) -> Result<DeletedObject> {
        self.client.delete(phone_path(phone_number_id, "")?).await
    }

    /// `PATCH /phone_numbers/{phone_number_id}`: marks the number verified / primary /
    /// reserved for second factor.
    pub async fn update(
        &self,
        phone_number_id: &str,
        body: &UpdatePhoneNumber,
    ) -> Result<PhoneNumber> {
        self.client
            .send_json(Method::PATCH, phone_path(phone_number_id, "")?, Some(body))
            .await
    }

    /// `POST /phone_numbers/{phone_number_id}/prepare_verification`: texts a one-time code to
    /// the number. Pass the returned verification's `id` to
    /// [`PhoneNumbers::attempt_verification`].
    pub async fn prepare_verification(
        &self,
        phone_number_id: &str,
    ) -> Result<IdentifierVerification> {
        self.client
            .send_json::<(), _>(
                Method::POST,
                phone_path(phone_number_id, "/prepare_verification")?,
                None,
            )
            .await
    }

    /// `POST /phone_numbers/{phone_number_id}/attempt_verification`: checks the code the user
    /// received. The verification's `status` reflects the outcome.
    pub async fn attempt_verification(
        &self,
        phone_number_id: &str,
        verification_id: &str,
        code: &str,
    ) -> Result<IdentifierVerification> {
        self.client
            .send_json(
                Method::POST,
                phone_path(phone_number_id, "/attempt_verification")?,
                Some(&AttemptVerificationBody {
                    verification_id,
                    code,
                }),
            )
            .await
    }

    /// `PUT /users/{user_id}/phone_number`: replaces **all** of the user's phone numbers with
    /// this single primary one (the others are deleted; replacing a number reserved for second
    /// factor disables the user's MFA). Created verified unless
    /// [`ReplacePhoneNumber::identification_status`] says otherwise; `unverified` can lock the
    /// user out if they have no other identifier.
    pub async fn replace(&self, user_id: &str, body: &ReplacePhoneNumber) -> Result<PhoneNumber> {
        self.client
            .send_json(
                Method::PUT,
                user_path(user_id, "/phone_number")?,
                Some(body),
            )
            .await
    }
}

/// Body of `POST /phone_numbers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreatePhoneNumber {
    /// The owner (required).
    pub user_id: String,
    /// The number, E.164 (required).
    pub phone_number: String,
    /// Create it verified (Clerk's default: `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Make it the primary number (must be verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Reserve it for second-factor authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_for_second_factor: Option<bool>,
}

/// Body of `PATCH /phone_numbers/{phone_number_id}`. Only fields that are `Some` are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdatePhoneNumber {
    /// Mark it verified or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Make it the primary number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Reserve it (or not) for second-factor authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_for_second_factor: Option<bool>,
}

/// Body of `PUT /users/{user_id}/phone_number`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplacePhoneNumber {
    /// The new number, E.164 (required).
    pub phone_number: String,
    /// Status of the new number (Clerk's default: [`IdentificationStatus::Verified`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification_status: Option<IdentificationStatus>,
}
