use serde::{Deserialize, Serialize};

use super::{Extra, null_default};
use crate::enums::clerk_enum;

/// Reply of a delete: `{"object": "user", "id": "user_…", "deleted": true}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeletedObject {
    /// Kind of the deleted object (`user`, `organization`, …).
    pub object: String,
    /// Id of the deleted object.
    pub id: Option<String>,
    /// Slug of a deleted organization.
    pub slug: Option<String>,
    /// External id of a deleted user, if it had one.
    pub external_id: Option<String>,
    /// Always `true` on success.
    #[serde(deserialize_with = "null_default")]
    pub deleted: bool,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of a count: `{"object": "total_count", "total_count": 42}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TotalCount {
    /// The count.
    #[serde(deserialize_with = "null_default")]
    pub total_count: u64,
}

clerk_enum! {
    /// Status of a verification.
    VerificationStatus {
        /// Not verified yet.
        Unverified = "unverified",
        /// Verified.
        Verified = "verified",
        /// Failed.
        Failed = "failed",
        /// Expired before completion.
        Expired = "expired",
        /// OAuth verification that can be transferred to a sign-up.
        Transferable = "transferable",
    }
}

/// How an identifier (email, phone, wallet, external account) was verified.
///
/// `strategy` is a free string (`email_code`, `admin`, `from_oauth_google`, `ticket`, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Verification {
    /// `verification_otp`, `verification_admin`, … (often absent in real responses).
    pub object: Option<String>,
    /// Status.
    pub status: Option<VerificationStatus>,
    /// Strategy used, e.g. `email_code`, `admin`, `from_oauth_google`.
    pub strategy: Option<String>,
    /// Attempts made.
    pub attempts: Option<i64>,
    /// When the verification expires (Unix ms).
    pub expire_at: Option<i64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Link from an identifier to another (e.g. an email linked to an OAuth account).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentificationLink {
    /// Kind of the linked identification, e.g. `oauth_google`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Id of the linked identification.
    pub id: String,
}

/// The answer of an operation that returns no content (`204`, or a body this crate ignores).
/// It decodes from anything, so an endpoint that starts answering with a body keeps working.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoContent;

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| NoContent)
    }
}

impl Serialize for NoContent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        s.serialize_map(Some(0))?.end()
    }
}
