use serde::{Deserialize, Serialize};

use super::{Extra, Metadata, null_default};
use crate::enums::clerk_enum;

/// An organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organization {
    /// `org_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// URL-friendly unique slug.
    pub slug: Option<String>,
    /// Logo URL.
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    #[serde(deserialize_with = "null_default")]
    pub has_image: bool,
    /// Number of members (only when asked for with `include_members_count`).
    pub members_count: Option<u64>,
    /// Whether no member has elevated permissions (with `include_missing_member_with_elevated_permissions`).
    pub missing_member_with_elevated_permissions: Option<bool>,
    /// Pending invitations (with `include_pending_invitations_count`).
    pub pending_invitations_count: Option<u64>,
    /// Membership cap (0 = unlimited).
    pub max_allowed_memberships: Option<i64>,
    /// Whether admins may delete the organization.
    pub admin_delete_enabled: Option<bool>,
    /// Public metadata.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Private metadata (backend only).
    pub private_metadata: Option<Metadata>,
    /// Creator's user id.
    pub created_by: Option<String>,
    /// Role set key.
    pub role_set_key: Option<String>,
    /// Last activity (Unix ms).
    pub last_active_at: Option<i64>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields (e.g. `logo_url`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Public data of the user of a membership.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicUserData {
    /// `user_…`.
    pub user_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Whether the user uploaded an image.
    #[serde(deserialize_with = "null_default")]
    pub has_image: bool,
    /// Primary identifier (usually the email address).
    pub identifier: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// Whether the user is banned.
    pub banned: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user's membership in an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationMembership {
    /// `orgmem_…`.
    pub id: String,
    /// Role key, e.g. `org:admin`, `org:member`.
    pub role: String,
    /// Role display name.
    pub role_name: Option<String>,
    /// Permission keys of the role.
    #[serde(deserialize_with = "null_default")]
    pub permissions: Vec<String>,
    /// Public metadata.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Private metadata.
    pub private_metadata: Option<Metadata>,
    /// The organization.
    pub organization: Option<Organization>,
    /// The member.
    pub public_user_data: Option<PublicUserData>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

clerk_enum! {
    /// Status of an invitation.
    InvitationStatus {
        /// Waiting for the invitee.
        Pending = "pending",
        /// Accepted.
        Accepted = "accepted",
        /// Revoked.
        Revoked = "revoked",
        /// Expired.
        Expired = "expired",
    }
}

/// Public data of the inviter of an organization invitation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicInviterData {
    /// Inviter's user id.
    pub user_id: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Whether the inviter uploaded an image.
    #[serde(deserialize_with = "null_default")]
    pub has_image: bool,
    /// Identifier (email).
    pub identifier: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Public data of the organization of an invitation (in a user's invitation list).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicOrganizationData {
    /// `org_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    #[serde(deserialize_with = "null_default")]
    pub has_image: bool,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An invitation to join an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationInvitation {
    /// `orginv_…`.
    pub id: String,
    /// Invited address.
    pub email_address: String,
    /// Role given on acceptance.
    pub role: String,
    /// Role display name.
    pub role_name: Option<String>,
    /// Organization id.
    pub organization_id: Option<String>,
    /// Inviter's user id.
    pub inviter_id: Option<String>,
    /// Public data of the inviter.
    pub public_inviter_data: Option<PublicInviterData>,
    /// Public data of the organization (user-side listings only).
    pub public_organization_data: Option<PublicOrganizationData>,
    /// Status.
    pub status: Option<InvitationStatus>,
    /// Public metadata (moved to the membership on acceptance).
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Private metadata.
    pub private_metadata: Option<Metadata>,
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
