use crate::secret::Secret;
use serde::{Deserialize, Serialize};

use super::{
    Extra, IdentificationLink, Metadata, OrganizationMembership, Verification, null_default,
};

/// A user of the instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// `user_…`.
    pub id: String,
    /// Your own id for this user.
    pub external_id: Option<String>,
    /// Id of the primary email address (`idn_…`).
    pub primary_email_address_id: Option<String>,
    /// Id of the primary phone number.
    pub primary_phone_number_id: Option<String>,
    /// Id of the primary Web3 wallet.
    pub primary_web3_wallet_id: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Locale, e.g. `en-US`.
    pub locale: Option<String>,
    /// Profile image URL.
    pub image_url: Option<String>,
    /// Whether the user uploaded an image.
    #[serde(deserialize_with = "null_default")]
    pub has_image: bool,
    /// Readable from the frontend and the backend.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Backend only.
    pub private_metadata: Option<Metadata>,
    /// Writable from the frontend.
    #[serde(deserialize_with = "null_default")]
    pub unsafe_metadata: Metadata,
    /// Email addresses.
    #[serde(deserialize_with = "null_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Phone numbers.
    #[serde(deserialize_with = "null_default")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Web3 wallets.
    #[serde(deserialize_with = "null_default")]
    pub web3_wallets: Vec<Web3Wallet>,
    /// Passkeys (kept as JSON).
    #[serde(deserialize_with = "null_default")]
    pub passkeys: Vec<serde_json::Value>,
    /// OAuth accounts.
    #[serde(deserialize_with = "null_default")]
    pub external_accounts: Vec<ExternalAccount>,
    /// SAML accounts (kept as JSON).
    #[serde(deserialize_with = "null_default")]
    pub saml_accounts: Vec<serde_json::Value>,
    /// Enterprise accounts (kept as JSON).
    #[serde(deserialize_with = "null_default")]
    pub enterprise_accounts: Vec<serde_json::Value>,
    /// Memberships, when Clerk includes them.
    #[serde(deserialize_with = "null_default")]
    pub organization_memberships: Vec<OrganizationMembership>,
    /// Whether the user has a password.
    #[serde(deserialize_with = "null_default")]
    pub password_enabled: bool,
    /// Whether any second factor is enabled.
    #[serde(deserialize_with = "null_default")]
    pub two_factor_enabled: bool,
    /// Whether TOTP is enabled.
    #[serde(deserialize_with = "null_default")]
    pub totp_enabled: bool,
    /// Whether backup codes are enabled.
    #[serde(deserialize_with = "null_default")]
    pub backup_code_enabled: bool,
    /// When MFA was enabled (Unix ms).
    pub mfa_enabled_at: Option<i64>,
    /// When MFA was disabled (Unix ms).
    pub mfa_disabled_at: Option<i64>,
    /// When the password last changed (Unix ms).
    pub password_last_updated_at: Option<i64>,
    /// Whether the user is banned.
    #[serde(deserialize_with = "null_default")]
    pub banned: bool,
    /// Whether the user is locked out.
    #[serde(deserialize_with = "null_default")]
    pub locked: bool,
    /// Whether the user was deprovisioned (SCIM).
    #[serde(deserialize_with = "null_default")]
    pub deprovisioned: bool,
    /// Seconds until a lockout expires.
    pub lockout_expires_in_seconds: Option<i64>,
    /// Verification attempts left before lockout.
    pub verification_attempts_remaining: Option<i64>,
    /// Last sign-in (Unix ms).
    pub last_sign_in_at: Option<i64>,
    /// Last activity (Unix ms).
    pub last_active_at: Option<i64>,
    /// When legal terms were accepted (Unix ms).
    pub legal_accepted_at: Option<i64>,
    /// Whether the user may delete themselves.
    #[serde(deserialize_with = "null_default")]
    pub delete_self_enabled: bool,
    /// Whether the user may create organizations.
    #[serde(deserialize_with = "null_default")]
    pub create_organization_enabled: bool,
    /// How many organizations the user may create.
    pub create_organizations_limit: Option<i64>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl User {
    /// The primary email address, if any.
    pub fn primary_email(&self) -> Option<&str> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
            .map(|e| e.email_address.as_str())
    }

    /// The primary phone number, if any.
    pub fn primary_phone(&self) -> Option<&str> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|p| p.id.as_deref() == Some(id))
            .map(|p| p.phone_number.as_str())
    }

    /// "First Last", or whichever part exists.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// An email address of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailAddress {
    /// `idn_…`.
    pub id: Option<String>,
    /// The address.
    pub email_address: String,
    /// Whether the address is reserved.
    #[serde(deserialize_with = "null_default")]
    pub reserved: bool,
    /// How it was verified.
    pub verification: Option<Verification>,
    /// Linked identifications.
    #[serde(deserialize_with = "null_default")]
    pub linked_to: Vec<IdentificationLink>,
    /// Whether it matches an SSO connection.
    #[serde(deserialize_with = "null_default")]
    pub matches_sso_connection: bool,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A phone number of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhoneNumber {
    /// `idn_…`.
    pub id: Option<String>,
    /// The number, E.164.
    pub phone_number: String,
    /// Reserved for second factor.
    #[serde(deserialize_with = "null_default")]
    pub reserved_for_second_factor: bool,
    /// Default second factor.
    #[serde(deserialize_with = "null_default")]
    pub default_second_factor: bool,
    /// Whether the number is reserved.
    #[serde(deserialize_with = "null_default")]
    pub reserved: bool,
    /// How it was verified.
    pub verification: Option<Verification>,
    /// Linked identifications.
    #[serde(deserialize_with = "null_default")]
    pub linked_to: Vec<IdentificationLink>,
    /// Backup codes, when just generated.
    pub backup_codes: Option<Vec<Secret>>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An OAuth (external) account of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalAccount {
    /// `eac_…`.
    pub id: String,
    /// `external_account`, or a legacy `google_account` / `facebook_account`.
    pub object: Option<String>,
    /// Provider, e.g. `oauth_google`.
    pub provider: String,
    /// Identification id.
    pub identification_id: Option<String>,
    /// Id of the user at the provider.
    pub provider_user_id: Option<String>,
    /// Scopes granted, space-separated.
    pub approved_scopes: Option<String>,
    /// Email address at the provider.
    pub email_address: Option<String>,
    /// Whether the provider verified the email.
    pub email_address_verified: Option<bool>,
    /// First name at the provider.
    pub first_name: Option<String>,
    /// Last name at the provider.
    pub last_name: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Username at the provider.
    pub username: Option<String>,
    /// Phone number at the provider.
    pub phone_number: Option<String>,
    /// Public metadata.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Label.
    pub label: Option<String>,
    /// Verification.
    pub verification: Option<Verification>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Web3 wallet of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Web3Wallet {
    /// `idn_…`.
    pub id: Option<String>,
    /// Wallet address.
    pub web3_wallet: String,
    /// Verification.
    pub verification: Option<Verification>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reply of `verify_password` / `verify_totp`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerifyResult {
    /// Whether the password or code was right.
    #[serde(deserialize_with = "null_default")]
    pub verified: bool,
    /// For TOTP: `totp` or `backup_code`.
    pub code_type: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An OAuth access token of a user for a provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthAccessToken {
    /// External account id.
    pub external_account_id: Option<String>,
    /// Provider user id.
    pub provider_user_id: Option<String>,
    /// The access token.
    pub token: Option<Secret>,
    /// Provider, e.g. `oauth_google`.
    pub provider: Option<String>,
    /// Public metadata.
    #[serde(deserialize_with = "null_default")]
    pub public_metadata: Metadata,
    /// Label.
    pub label: Option<String>,
    /// Scopes granted.
    pub scopes: Option<Vec<String>>,
    /// OAuth 1 token secret.
    pub token_secret: Option<Secret>,
    /// Expiry (Unix seconds).
    pub expires_at: Option<i64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A trusted device of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrustedDevice {
    /// Id.
    pub id: String,
    /// `ios` / `android`.
    pub platform: Option<String>,
    /// App identifier.
    pub app_identifier: Option<String>,
    /// Device name.
    pub name: Option<String>,
    /// Key algorithm.
    pub algorithm: Option<String>,
    /// `active` / `revoked`.
    pub status: Option<String>,
    /// Last use (Unix ms).
    pub last_used_at: Option<i64>,
    /// Revocation time (Unix ms).
    pub revoked_at: Option<i64>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
