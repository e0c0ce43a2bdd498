//! What the generator cannot read from the spec: which Rust module and handler serve each tag,
//! which nouns a method name drops, the operations written by hand, and which existing model a
//! spec schema maps to.

/// One spec tag and where its operations live in clerk-api.
pub struct Tag {
    /// The spec's tag.
    pub tag: &'static str,
    /// Module of clerk-api (`clerk_api::<module>`).
    pub module: &'static str,
    /// Handler struct, reached with `client.<accessor>()`.
    pub handler: &'static str,
    /// The accessor on `Client`.
    pub accessor: &'static str,
    /// `Some(path)` when the handler is hand-written (the generated methods extend it).
    pub existing: Option<&'static str>,
    /// Words dropped from method names (`create_jwt_template` on `jwt_templates()` is `create`),
    /// tried in order, the first that matches is dropped.
    pub nouns: &'static [&'static str],
}

macro_rules! tags {
    ($($tag:literal => $module:ident, $handler:ident, $existing:expr, [$($noun:literal),*];)*) => {
        pub const TAGS: &[Tag] = &[$(Tag {
            tag: $tag,
            module: stringify!($module),
            handler: stringify!($handler),
            accessor: stringify!($module),
            existing: $existing,
            nouns: &[$($noun),*],
        }),*];
    };
}

tags! {
    "API Keys" => api_keys, ApiKeys, Some("crate::machine_auth::ApiKeys"), ["api_keys", "api_key"];
    "Actor Tokens" => actor_tokens, ActorTokens, None, ["actor_token"];
    "Admin Portal Link Tokens" => admin_portal_link_tokens, AdminPortalLinkTokens, None, ["admin_portal_link_token"];
    "Agent Tasks" => agent_tasks, AgentTasks, None, ["agent_task"];
    "Allow-list / Block-list" => allowlist_blocklist, AllowlistBlocklist, None, [];
    "Beta Features" => beta_features, BetaFeatures, None, [];
    "Billing" => billing, Billing, None, ["billing"];
    "Clients" => clients, Clients, None, ["client"];
    "Directories" => directories, Directories, None, ["directories", "directory"];
    "Domains" => domains, Domains, None, ["domains", "domain"];
    "Enterprise Connections" => enterprise_connections, EnterpriseConnections, None, ["enterprise_connections", "enterprise_connection"];
    "Instance Settings" => instance, InstanceSettings, None, ["instance"];
    "JWT Templates" => jwt_templates, JwtTemplates, None, ["jwt_templates", "jwt_template"];
    "M2M Tokens" => m2m_tokens, M2mTokens, Some("crate::machine_auth::M2mTokens"), ["m2m_tokens", "m2m_token"];
    "Machines" => machines, Machines, None, ["machines", "machine"];
    "Miscellaneous" => miscellaneous, Miscellaneous, None, [];
    "OAuth Applications" => oauth_applications, OauthApplications, None, ["oauth_applications", "oauth_application"];
    "Organization Domains" => organization_domains, OrganizationDomains, None, ["organization_domains", "organization_domain"];
    "Organization Permissions" => organization_permissions, OrganizationPermissions, None, ["organization_permissions", "organization_permission"];
    "Organization Roles" => organization_roles, OrganizationRoles, None, ["organization_roles", "organization_role"];
    "Organizations" => organizations, Organizations, Some("crate::organizations::Organizations"), ["organization"];
    "Proxy Checks" => proxy_checks, ProxyChecks, None, [];
    "Redirect URLs" => redirect_urls, RedirectUrls, None, ["redirect_urls", "redirect_url"];
    "Role Sets" => role_sets, RoleSets, None, ["role_sets", "role_set"];
    "SCIM Directories" => scim_directories, ScimDirectories, None, ["scim_directories", "scim_directory", "scim"];
    "Sign Ups" => sign_ups, SignUps, None, ["sign_up"];
    "Sign-in Tokens" => sign_in_tokens, SignInTokens, None, ["sign_in_token"];
    "Testing Tokens" => testing_tokens, TestingTokens, None, ["testing_token"];
    "Users" => users, Users, Some("crate::users::Users"), ["user"];
    "Waitlist Entries" => waitlist_entries, WaitlistEntries, None, ["waitlist_entries", "waitlist_entry"];
    "Webhooks" => webhooks, Webhooks, None, ["svix_app", "svix"];
}

/// Method names chosen by hand where dropping the noun reads badly.
pub const METHOD_NAMES: &[(&str, &str)] = &[
    ("getApiKeys", "list"),
    ("getM2MTokens", "list"),
    ("AssignPermissionToOrganizationRole", "assign_permission"),
    ("RemovePermissionFromOrganizationRole", "remove_permission"),
    ("AddRolesToRoleSet", "add_roles"),
    ("ReplaceRoleInRoleSet", "replace_role"),
    ("CreateBulkWaitlistEntries", "create_bulk"),
];

/// Operations written by hand in clerk-api: operationId and the call that serves it.
pub const HAND_WRITTEN: &[(&str, &str)] = &[
    (
        "AttemptEmailAddressVerification",
        "email_addresses().attempt_verification",
    ),
    ("CreateEmailAddress", "email_addresses().create"),
    ("DeleteEmailAddress", "email_addresses().delete"),
    ("GetEmailAddress", "email_addresses().get"),
    (
        "PrepareEmailAddressVerification",
        "email_addresses().prepare_verification",
    ),
    ("ReplaceUserEmailAddress", "email_addresses().replace"),
    ("UpdateEmailAddress", "email_addresses().update"),
    (
        "AttemptPhoneNumberVerification",
        "phone_numbers().attempt_verification",
    ),
    ("CreatePhoneNumber", "phone_numbers().create"),
    ("DeletePhoneNumber", "phone_numbers().delete"),
    ("GetPhoneNumber", "phone_numbers().get"),
    (
        "PreparePhoneNumberVerification",
        "phone_numbers().prepare_verification",
    ),
    ("ReplaceUserPhoneNumber", "phone_numbers().replace"),
    ("UpdatePhoneNumber", "phone_numbers().update"),
    ("CreateBulkInvitations", "invitations().create_bulk"),
    ("CreateInvitation", "invitations().create"),
    ("ListInvitations", "invitations().list"),
    ("RevokeInvitation", "invitations().revoke"),
    ("CreateOrganization", "organizations().create"),
    ("DeleteOrganization", "organizations().delete"),
    ("DeleteOrganizationLogo", "organizations().delete_logo"),
    ("GetOrganization", "organizations().get"),
    ("ListOrganizations", "organizations().list"),
    (
        "MergeOrganizationMetadata",
        "organizations().update_metadata",
    ),
    (
        "ReplaceOrganizationMetadata",
        "organizations().replace_metadata",
    ),
    ("UpdateOrganization", "organizations().update"),
    ("UploadOrganizationLogo", "organizations().upload_logo"),
    (
        "CreateOrganizationInvitation",
        "organization_invitations().create",
    ),
    (
        "CreateOrganizationInvitationBulk",
        "organization_invitations().create_bulk",
    ),
    (
        "GetOrganizationInvitation",
        "organization_invitations().get",
    ),
    (
        "ListInstanceOrganizationInvitations",
        "organization_invitations().list_all",
    ),
    (
        "ListOrganizationInvitations",
        "organization_invitations().list",
    ),
    (
        "RevokeOrganizationInvitation",
        "organization_invitations().revoke",
    ),
    (
        "CreateOrganizationMembership",
        "organization_memberships().create",
    ),
    (
        "DeleteOrganizationMembership",
        "organization_memberships().delete",
    ),
    (
        "InstanceGetOrganizationMemberships",
        "organization_memberships().list_all",
    ),
    (
        "ListOrganizationMemberships",
        "organization_memberships().list",
    ),
    (
        "UpdateOrganizationMembership",
        "organization_memberships().update",
    ),
    (
        "UpdateOrganizationMembershipMetadata",
        "organization_memberships().update_metadata",
    ),
    ("CreateSessionToken", "sessions().create_token"),
    (
        "CreateSessionTokenFromTemplate",
        "sessions().create_token_from_template",
    ),
    ("GetSession", "sessions().get"),
    ("GetSessionList", "sessions().list"),
    ("RefreshSession", "sessions().refresh"),
    ("RevokeSession", "sessions().revoke"),
    ("createSession", "sessions().create"),
    ("BanUser", "users().ban"),
    ("CreateUser", "users().create"),
    ("DeleteBackupCode", "users().delete_backup_codes"),
    ("DeleteExternalAccount", "users().delete_external_account"),
    ("DeleteTOTP", "users().delete_totp"),
    ("DeleteUser", "users().delete"),
    ("DeleteUserProfileImage", "users().delete_profile_image"),
    ("DisableMFA", "users().disable_mfa"),
    ("GetOAuthAccessToken", "users().oauth_access_tokens"),
    ("GetUser", "users().get"),
    ("GetUserList", "users().list"),
    ("GetUsersCount", "users().count"),
    ("ListUserTrustedDevices", "users().trusted_devices"),
    ("LockUser", "users().lock"),
    ("RemoveUserPassword", "users().remove_password"),
    ("ReplaceUserMetadata", "users().replace_metadata"),
    ("RevokeUserTrustedDevice", "users().revoke_trusted_device"),
    (
        "SetUserPasswordCompromised",
        "users().set_password_compromised",
    ),
    ("SetUserProfileImage", "users().set_profile_image"),
    ("UnbanUser", "users().unban"),
    ("UnlockUser", "users().unlock"),
    (
        "UnsetUserPasswordCompromised",
        "users().unset_password_compromised",
    ),
    ("UpdateUser", "users().update"),
    ("UpdateUserMetadata", "users().update_metadata"),
    ("UserPasskeyDelete", "users().delete_passkey"),
    ("UserWeb3WalletDelete", "users().delete_web3_wallet"),
    ("UsersBan", "users().ban_many"),
    (
        "UsersGetOrganizationInvitations",
        "users().organization_invitations",
    ),
    (
        "UsersGetOrganizationMemberships",
        "users().organization_memberships",
    ),
    ("UsersUnban", "users().unban_many"),
    ("VerifyPassword", "users().verify_password"),
    ("VerifyTOTP", "users().verify_totp"),
    ("GetJWKS", "jwks"),
    ("createApiKey", "api_keys().create"),
    ("revokeApiKey", "api_keys().revoke"),
    ("verifyApiKey", "api_keys().verify"),
    ("revokeM2MToken", "m2m_tokens().revoke"),
    ("verifyM2MToken", "m2m_tokens().verify"),
    ("verifyOAuthAccessToken", "oauth_access_tokens().verify"),
];

/// Spec schemas that hand-written models already cover.
pub const EXISTING_MODELS: &[(&str, &str)] = &[
    ("User", "crate::models::User"),
    ("Organization", "crate::models::Organization"),
    ("OrganizationWithLogo", "crate::models::Organization"),
    (
        "OrganizationMembership",
        "crate::models::OrganizationMembership",
    ),
    (
        "OrganizationInvitation",
        "crate::models::OrganizationInvitation",
    ),
    ("Invitation", "crate::models::Invitation"),
    ("Session", "crate::models::Session"),
    ("EmailAddress", "crate::models::EmailAddress"),
    ("PhoneNumber", "crate::models::PhoneNumber"),
    ("DeletedObject", "crate::models::DeletedObject"),
    ("TotalCount", "crate::models::TotalCount"),
    ("TrustedDevice", "crate::models::TrustedDevice"),
    ("Web3Wallet", "crate::models::Web3Wallet"),
    ("IdentificationLink", "crate::models::IdentificationLink"),
    ("OAuthAccessToken", "crate::models::OAuthAccessToken"),
    ("JWKS", "crate::machine_auth::Jwks"),
];

/// Property names whose values are secrets: they decode into `crate::Secret`, which `Debug`
/// never prints.
pub const SECRET_FIELDS: &[&str] = &[
    "secret",
    "client_secret",
    "token",
    "jwt",
    "api_key",
    "password",
    "password_digest",
    "totp_secret",
    "backup_codes",
    "signing_key",
    "access_token",
    "refresh_token",
    "id_token",
    "token_secret",
    "svix_url",
];

/// Secret fields only in some objects (their `url` carries a one-time ticket).
pub const SECRET_FIELDS_IN: &[(&str, &str)] = &[
    ("ActorToken", "url"),
    ("SignInToken", "url"),
    ("AgentTask", "url"),
];

/// Operations that answer HTML, not JSON (the spec declares no content type): they return the
/// text.
pub const TEXT_RESPONSES: &[&str] = &["GetPublicInterstitial"];

/// Spec schemas whose name is taken in Rust (`Client` is the SDK's client).
pub const RENAMED_MODELS: &[(&str, &str)] = &[("Client", "ClientObject")];

// ---- Tools (clerk-tools) ------------------------------------------------------------------

/// The toolset (clerk-tools `Category`) of the tools over each tag's operations.
pub const TAG_TOOLSETS: &[(&str, &str)] = &[
    ("API Keys", "Machines"),
    ("Actor Tokens", "Security"),
    ("Admin Portal Link Tokens", "Enterprise"),
    ("Agent Tasks", "Agents"),
    ("Allow-list / Block-list", "Security"),
    ("Beta Features", "Instance"),
    ("Billing", "Billing"),
    ("Clients", "Clients"),
    ("Directories", "Enterprise"),
    ("Domains", "Instance"),
    ("Email Addresses", "Identifiers"),
    ("Enterprise Connections", "Enterprise"),
    ("Instance Settings", "Instance"),
    ("JWKS", "Jwt"),
    ("JWT Templates", "Jwt"),
    ("M2M Tokens", "Machines"),
    ("Machines", "Machines"),
    ("OAuth Access Tokens", "Oauth"),
    ("OAuth Applications", "Oauth"),
    ("Organization Domains", "Enterprise"),
    ("Organization Permissions", "Roles"),
    ("Organization Roles", "Roles"),
    ("Organizations", "Billing"),
    ("Phone Numbers", "Identifiers"),
    ("Proxy Checks", "Instance"),
    ("Redirect URLs", "Instance"),
    ("Role Sets", "Roles"),
    ("SCIM Directories", "Enterprise"),
    ("Sessions", "Security"),
    ("Sign Ups", "Clients"),
    ("Sign-in Tokens", "Security"),
    ("Testing Tokens", "Security"),
    ("Users", "Billing"),
    ("Waitlist Entries", "Waitlist"),
    ("Webhooks", "Webhooks"),
];

/// Hand-written operations that no hand-written tool covers: generated tools call them through
/// `Client::send_raw`, in these toolsets (a tag's default toolset when not listed here).
pub const HAND_TOOLS: &[(&str, &str)] = &[
    ("AttemptEmailAddressVerification", "Identifiers"),
    ("CreateEmailAddress", "Identifiers"),
    ("DeleteEmailAddress", "Identifiers"),
    ("GetEmailAddress", "Identifiers"),
    ("PrepareEmailAddressVerification", "Identifiers"),
    ("ReplaceUserEmailAddress", "Identifiers"),
    ("UpdateEmailAddress", "Identifiers"),
    ("AttemptPhoneNumberVerification", "Identifiers"),
    ("CreatePhoneNumber", "Identifiers"),
    ("DeletePhoneNumber", "Identifiers"),
    ("GetPhoneNumber", "Identifiers"),
    ("PreparePhoneNumberVerification", "Identifiers"),
    ("ReplaceUserPhoneNumber", "Identifiers"),
    ("UpdatePhoneNumber", "Identifiers"),
    ("UserPasskeyDelete", "Identifiers"),
    ("UserWeb3WalletDelete", "Identifiers"),
    ("DeleteExternalAccount", "Identifiers"),
    ("DeleteBackupCode", "Security"),
    ("DeleteTOTP", "Security"),
    ("DisableMFA", "Security"),
    ("RemoveUserPassword", "Security"),
    ("SetUserPasswordCompromised", "Security"),
    ("UnsetUserPasswordCompromised", "Security"),
    ("VerifyPassword", "Security"),
    ("VerifyTOTP", "Security"),
    ("ListUserTrustedDevices", "Security"),
    ("RevokeUserTrustedDevice", "Security"),
    ("GetOAuthAccessToken", "Oauth"),
    ("createSession", "Security"),
    ("CreateSessionToken", "Security"),
    ("CreateSessionTokenFromTemplate", "Security"),
    ("RefreshSession", "Security"),
    ("createApiKey", "Machines"),
    ("revokeApiKey", "Machines"),
    ("verifyApiKey", "Machines"),
    ("revokeM2MToken", "Machines"),
    ("verifyM2MToken", "Machines"),
    ("verifyOAuthAccessToken", "Oauth"),
    ("GetJWKS", "Jwt"),
];

/// Operations an agent has no business calling, so no tool serves them (the README says why).
pub const NO_TOOL: &[(&str, &str)] = &[
    (
        "GetPublicInterstitial",
        "serves the HTML page Clerk's front-end SDKs load",
    ),
    ("UploadOAuthApplicationLogo", "a multipart file upload"),
];

/// Generated tools whose risk class is `credentials`: they create or reveal tokens, keys,
/// secrets or sign-in links.
pub const CREDENTIAL_TOOLS: &[&str] = &[
    "CreateActorToken",
    "CreateSignInToken",
    "CreateTestingToken",
    "createM2MToken",
    "createApiKey",
    "getApiKeySecret",
    "CreateMachine",
    "GetMachineSecretKey",
    "RotateMachineSecretKey",
    "CreateOAuthApplication",
    "RotateOAuthApplicationSecret",
    "RotateDirectoryAPIKey",
    "RotateSCIMDirectoryAPIKey",
    "CreateSCIMDirectory",
    "CreateDirectory",
    "CreateAdminPortalLinkToken",
    "GenerateSvixAuthURL",
    "CreateAgentTask",
    "createSession",
    "CreateSessionToken",
    "CreateSessionTokenFromTemplate",
    "RefreshSession",
    "GetOAuthAccessToken",
];

/// Tags whose changes are instance-wide settings (risk class `instance`).
pub const INSTANCE_TAGS: &[&str] = &[
    "Instance Settings",
    "Beta Features",
    "Domains",
    "Redirect URLs",
    "Webhooks",
    "JWT Templates",
];
