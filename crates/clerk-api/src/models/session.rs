use serde::{Deserialize, Serialize};

use super::{Extra, null_default};
use crate::enums::clerk_enum;

clerk_enum! {
    /// Status of a session.
    SessionStatus {
        /// Signed in.
        Active = "active",
        /// Revoked by the backend.
        Revoked = "revoked",
        /// Signed out.
        Ended = "ended",
        /// Expired.
        Expired = "expired",
        /// Removed.
        Removed = "removed",
        /// Abandoned (inactive too long).
        Abandoned = "abandoned",
        /// Replaced by another session.
        Replaced = "replaced",
        /// Waiting for a session task.
        Pending = "pending",
    }
}

/// Device and place of a session's latest activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionActivity {
    /// Id.
    pub id: Option<String>,
    /// Device type.
    pub device_type: Option<String>,
    /// Whether the device is mobile.
    #[serde(deserialize_with = "null_default")]
    pub is_mobile: bool,
    /// Browser name.
    pub browser_name: Option<String>,
    /// Browser version.
    pub browser_version: Option<String>,
    /// IP address.
    pub ip_address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A session of a user on a client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// `sess_…`.
    pub id: String,
    /// The user.
    pub user_id: String,
    /// The client (browser / device).
    pub client_id: Option<String>,
    /// Impersonation actor, if any.
    pub actor: Option<serde_json::Value>,
    /// Status.
    pub status: Option<SessionStatus>,
    /// Last active organization.
    pub last_active_organization_id: Option<String>,
    /// Last activity (Unix ms).
    pub last_active_at: Option<i64>,
    /// Latest activity details.
    pub latest_activity: Option<SessionActivity>,
    /// Expiry (Unix ms).
    pub expire_at: Option<i64>,
    /// Abandon time (Unix ms).
    pub abandon_at: Option<i64>,
    /// Pending session tasks.
    pub tasks: Option<Vec<serde_json::Value>>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A session token (JWT).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionToken {
    /// The JWT.
    pub jwt: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
