use serde::{Deserialize, Serialize};

use super::{Extra, InvitationStatus, Metadata, null_default};

/// An invitation to sign up to the application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Invitation {
    /// `inv_…`.
    pub id: String,
    /// Invited address.
    pub email_address: String,
    /// Public metadata, copied to the user on sign-up.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Whether it was revoked.
    pub revoked: Option<bool>,
    /// Status.
    pub status: Option<InvitationStatus>,
    /// Invitation link.
    pub url: Option<String>,
    /// Expiry (Unix ms).
    pub expires_at: Option<i64>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
