//! The emulator's in-memory data model.
//!
//! [`State`] holds every resource the emulator knows about. It is plain data
//! (serde-serializable), so a whole instance can be saved to and loaded from a
//! JSON file ([`State::to_json`], [`State::from_json`]). Records store Clerk's
//! own field names; the HTTP layer renders them into Clerk's response objects.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// JSON object used for metadata fields.
pub type Metadata = Map<String, Value>;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Current Unix time in milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Whole emulated Clerk instance: every resource, keyed by id.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(default)]
pub struct State {
    /// Users (with their email addresses and phone numbers inline).
    pub users: BTreeMap<String, User>,
    /// Organizations.
    pub organizations: BTreeMap<String, Organization>,
    /// Organization memberships.
    pub memberships: BTreeMap<String, Membership>,
    /// Organization invitations.
    pub organization_invitations: BTreeMap<String, OrganizationInvitation>,
    /// Application invitations.
    pub invitations: BTreeMap<String, Invitation>,
    /// Sessions.
    pub sessions: BTreeMap<String, Session>,
    /// OAuth applications registered with the emulator as authorization server.
    pub oauth_clients: BTreeMap<String, OAuthClient>,
    /// OAuth access tokens issued (opaque and JWT), by id (`oat_…`).
    pub oauth_tokens: BTreeMap<String, OAuthToken>,
    /// API keys, by id (`ak_…`).
    pub api_keys: BTreeMap<String, MachineCredential>,
    /// M2M tokens, by id (`mt_…`).
    pub m2m_tokens: BTreeMap<String, MachineCredential>,
    /// Records of the generic resource store (JWT templates, domains, roles, …), by collection,
    /// in insertion order (see `resources`).
    pub records: BTreeMap<String, Vec<Value>>,
    /// Instance-wide settings objects (`instance`, `communication`, …) and singletons (`svix`).
    pub settings: BTreeMap<String, Value>,
    /// Identifiers every user must have (`email_address`, `phone_number`, `username`);
    /// `None` means the default instance's: an email address.
    pub required_identifiers: Option<Vec<String>>,
    /// Seed of the id generator (ids are derived from `id_seed` and `seq`).
    pub id_seed: u64,
    /// Monotonic counter: bumped for every id and used to break ordering ties.
    pub seq: u64,
}

/// A user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// `user_…`
    pub id: String,
    /// Insertion order (tie-breaker for equal timestamps).
    pub seq: u64,
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub locale: Option<String>,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    pub email_addresses: Vec<EmailAddress>,
    pub phone_numbers: Vec<PhoneNumber>,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub unsafe_metadata: Value,
    pub password_enabled: bool,
    pub password_last_updated_at: Option<i64>,
    pub totp_enabled: bool,
    pub backup_code_enabled: bool,
    pub mfa_enabled_at: Option<i64>,
    pub mfa_disabled_at: Option<i64>,
    pub banned: bool,
    pub locked: bool,
    pub last_sign_in_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub legal_accepted_at: Option<i64>,
    pub delete_self_enabled: bool,
    pub create_organization_enabled: bool,
    pub create_organizations_limit: Option<i64>,
    pub bypass_client_trust: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Salted SHA-256 of a password the emulator was given in plain text (create, update, the
    /// demo seed's), checked by `verify_password`; `None` without a password or for an imported
    /// `password_digest`, which the emulator cannot check.
    #[serde(default)]
    pub password_hash: Option<String>,
    /// Set by `POST /users/{id}/password/set_compromised`: Clerk asks for a reset at the next
    /// sign-in (the `User` object does not show it).
    #[serde(default)]
    pub password_compromised: bool,
    /// Salted SHA-256 of each unused backup code (`verify_totp` consumes them).
    #[serde(default)]
    pub backup_code_hashes: Vec<String>,
    /// Passkeys, as Clerk's `Passkey` objects (the Backend API can only delete them; a state
    /// file or the demo seed supplies them).
    #[serde(default)]
    pub passkeys: Vec<Value>,
    /// Web3 wallets, as Clerk's `Web3Wallet` objects; the first is the primary one.
    #[serde(default)]
    pub web3_wallets: Vec<Value>,
    /// External (OAuth) accounts, as Clerk's `ExternalAccount` objects; a private
    /// `_access_token` (and `_scopes`, `_expires_at`) is what `GET
    /// /users/{id}/oauth_access_tokens/{provider}` answers. Keys starting with `_` are never
    /// rendered.
    #[serde(default)]
    pub external_accounts: Vec<Value>,
    /// Trusted devices, as Clerk's `TrustedDevice` objects (`active` or `revoked`).
    #[serde(default)]
    pub trusted_devices: Vec<Value>,
    /// An uploaded profile image (`POST /users/{id}/profile_image`).
    #[serde(default)]
    pub image_url: Option<String>,
}

/// An email address identification (`idn_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmailAddress {
    pub id: String,
    pub email_address: String,
    pub verified: bool,
    pub reserved: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A phone number identification (`idn_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneNumber {
    pub id: String,
    pub phone_number: String,
    pub verified: bool,
    pub reserved: bool,
    pub reserved_for_second_factor: bool,
    pub default_second_factor: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An organization (`org_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    pub id: String,
    pub seq: u64,
    pub name: String,
    pub slug: String,
    /// 0 means unlimited.
    pub max_allowed_memberships: i64,
    pub admin_delete_enabled: bool,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub created_by: Option<String>,
    pub role_set_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// An uploaded logo (`PUT /organizations/{id}/logo`).
    #[serde(default)]
    pub image_url: Option<String>,
}

/// An organization membership (`orgmem_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Membership {
    pub id: String,
    pub seq: u64,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An organization invitation (`orginv_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrganizationInvitation {
    pub id: String,
    pub seq: u64,
    pub organization_id: String,
    pub email_address: String,
    pub role: String,
    pub inviter_id: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub url: Option<String>,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An application invitation (`inv_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub seq: u64,
    pub email_address: String,
    pub public_metadata: Value,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub url: Option<String>,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A session (`sess_…`) on a client (`client_…`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub id: String,
    pub seq: u64,
    pub user_id: String,
    pub client_id: String,
    /// `active`, `revoked`, `ended`, `expired`, `removed`, `abandoned`, `replaced` or `pending`.
    pub status: String,
    pub last_active_organization_id: Option<String>,
    pub last_active_at: i64,
    pub expire_at: i64,
    pub abandon_at: i64,
    pub latest_activity: Option<SessionActivity>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Device / location data shown as a session's `latest_activity`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionActivity {
    pub id: String,
    pub device_type: String,
    pub is_mobile: bool,
    pub browser_name: String,
    pub browser_version: String,
    pub ip_address: String,
    pub city: String,
    pub country: String,
}

/// An OAuth application (RFC 7591 dynamic client registration).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OAuthClient {
    pub client_id: String,
    /// SHA-256 (hex) of the client secret, for confidential clients.
    pub secret_hash: Option<String>,
    pub client_name: Option<String>,
    pub redirect_uris: Vec<String>,
    /// `none`, `client_secret_basic` or `client_secret_post`.
    pub token_endpoint_auth_method: String,
    pub scope: Option<String>,
    pub created_at: i64,
}

/// An issued OAuth access token. The token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OAuthToken {
    /// `oat_` + 32 hex.
    pub id: String,
    pub token_hash: String,
    /// SHA-256 of the refresh token issued with it.
    pub refresh_hash: Option<String>,
    pub client_id: String,
    pub subject: String,
    pub scopes: Vec<String>,
    /// The resource (RFC 8707) it was issued for.
    pub resource: Option<String>,
    /// `opaque` or `jwt`.
    pub format: String,
    pub revoked: bool,
    pub revocation_reason: Option<String>,
    /// Unix ms.
    pub expiration: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An API key or an M2M token. The secret is never stored, only its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MachineCredential {
    pub id: String,
    pub secret_hash: String,
    /// The API key's secret, which `GET /api_keys/{id}/secret` answers (Clerk can show an API
    /// key's secret again; M2M tokens keep only the hash).
    #[serde(default)]
    pub secret: Option<String>,
    pub subject: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub claims: Value,
    pub scopes: Vec<String>,
    pub revoked: bool,
    pub revocation_reason: Option<String>,
    /// Unix ms.
    pub expiration: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl State {
    /// An empty instance whose ids derive from `id_seed`.
    pub fn empty(id_seed: u64) -> State {
        State {
            id_seed,
            ..State::default()
        }
    }

    /// Serialize the whole state as pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// Load a state previously produced by [`State::to_json`].
    pub fn from_json(json: &str) -> Result<State, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Identifiers every user must have.
    pub fn required_identifiers(&self) -> Vec<String> {
        self.required_identifiers
            .clone()
            .unwrap_or_else(|| vec!["email_address".to_string()])
    }

    /// Next value of the monotonic counter.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh id: `prefix` + `_` + 27 base62 characters, deterministic in
    /// (`id_seed`, `seq`).
    pub fn new_id(&mut self, prefix: &str) -> String {
        let seq = self.next_seq();
        let mut rng =
            fastrand::Rng::with_seed(self.id_seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut id = String::with_capacity(prefix.len() + 28);
        id.push_str(prefix);
        id.push('_');
        // Clerk's ids are KSUID-like; recent ones start with a '3'.
        id.push('3');
        for _ in 0..26 {
            id.push(BASE62[rng.usize(..62)] as char);
        }
        id
    }

    /// Random-looking token of `len` base62 chars (for ticket URLs and such).
    pub fn new_token(&mut self, len: usize) -> String {
        let seq = self.next_seq();
        let mut rng = fastrand::Rng::with_seed(self.id_seed.rotate_left(17) ^ seq);
        (0..len).map(|_| BASE62[rng.usize(..62)] as char).collect()
    }

    /// Find the organization by id or slug.
    pub fn org_id_by_id_or_slug(&self, id_or_slug: &str) -> Option<String> {
        if self.organizations.contains_key(id_or_slug) {
            return Some(id_or_slug.to_string());
        }
        self.organizations
            .values()
            .find(|o| o.slug == id_or_slug)
            .map(|o| o.id.clone())
    }

    /// The membership of `user_id` in `org_id`.
    pub fn membership(&self, org_id: &str, user_id: &str) -> Option<&Membership> {
        self.memberships
            .values()
            .find(|m| m.organization_id == org_id && m.user_id == user_id)
    }

    /// Owner of an email address (case-insensitive).
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users.values().find(|u| {
            u.email_addresses
                .iter()
                .any(|e| e.email_address.eq_ignore_ascii_case(email))
        })
    }

    /// Flip pending invitations / active sessions whose time has passed.
    pub fn expire(&mut self, now: i64) {
        for inv in self.invitations.values_mut() {
            if inv.status == "pending" && inv.expires_at.is_some_and(|t| t < now) {
                inv.status = "expired".into();
            }
        }
        for inv in self.organization_invitations.values_mut() {
            if inv.status == "pending" && inv.expires_at.is_some_and(|t| t < now) {
                inv.status = "expired".into();
            }
        }
        for s in self.sessions.values_mut() {
            if s.status == "active" && s.expire_at < now {
                s.status = "expired".into();
            }
        }
    }
}

impl User {
    /// The primary email address, if any.
    pub fn primary_email(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses.iter().find(|e| e.id == id)
    }

    /// The primary phone number, if any.
    pub fn primary_phone(&self) -> Option<&PhoneNumber> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers.iter().find(|p| p.id == id)
    }

    /// What Clerk shows as the user's identifier: primary email, else phone, else username.
    pub fn identifier(&self) -> Option<String> {
        self.primary_email()
            .map(|e| e.email_address.clone())
            .or_else(|| self.primary_phone().map(|p| p.phone_number.clone()))
            .or_else(|| self.username.clone())
    }
}
