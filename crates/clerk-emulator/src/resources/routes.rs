//! Every operation of the generic store: `METHOD /path` exactly as the spec writes it → what it
//! does. Grep a path to find its handler.

use super::billing::*;
use super::families::*;
use super::{Action::*, Route};

macro_rules! routes {
    ($($key:literal => $action:expr,)*) => {
        &[$(Route { key: $key, action: $action },)*]
    };
}

pub(crate) static ROUTES: &[Route] = routes! {
    // JWT templates
    "GET /jwt_templates" => List(&JWT_TEMPLATES),
    "POST /jwt_templates" => Create(&JWT_TEMPLATES),
    "GET /jwt_templates/{template_id}" => Get(&JWT_TEMPLATES),
    "PATCH /jwt_templates/{template_id}" => Update(&JWT_TEMPLATES),
    "DELETE /jwt_templates/{template_id}" => Delete(&JWT_TEMPLATES),
    // OAuth applications
    "GET /oauth_applications" => List(&OAUTH_APPLICATIONS),
    "POST /oauth_applications" => Create(&OAUTH_APPLICATIONS),
    "GET /oauth_applications/{oauth_application_id}" => Get(&OAUTH_APPLICATIONS),
    "PATCH /oauth_applications/{oauth_application_id}" => Update(&OAUTH_APPLICATIONS),
    "DELETE /oauth_applications/{oauth_application_id}" => Custom(delete_oauth_application),
    "POST /oauth_applications/{oauth_application_id}/rotate_secret" => Custom(rotate_oauth_secret),
    "POST /oauth_applications/{oauth_application_id}/revoke_token" => Custom(revoke_oauth_token),
    // Domains
    "GET /domains" => List(&DOMAINS),
    "POST /domains" => Create(&DOMAINS),
    "PATCH /domains/{domain_id}" => Update(&DOMAINS),
    "DELETE /domains/{domain_id}" => Custom(delete_domain),
    "POST /proxy_checks" => Custom(proxy_check),
    // Allow-list and block-list identifiers
    "GET /allowlist_identifiers" => List(&ALLOWLIST),
    "POST /allowlist_identifiers" => Create(&ALLOWLIST),
    "DELETE /allowlist_identifiers/{identifier_id}" => Delete(&ALLOWLIST),
    "GET /blocklist_identifiers" => List(&BLOCKLIST),
    "POST /blocklist_identifiers" => Create(&BLOCKLIST),
    "DELETE /blocklist_identifiers/{identifier_id}" => Delete(&BLOCKLIST),
    // Redirect URLs
    "GET /redirect_urls" => List(&REDIRECT_URLS),
    "POST /redirect_urls" => Create(&REDIRECT_URLS),
    "GET /redirect_urls/{id}" => Get(&REDIRECT_URLS),
    "DELETE /redirect_urls/{id}" => Delete(&REDIRECT_URLS),
    // Actor, sign-in and testing tokens
    "POST /actor_tokens" => Create(&ACTOR_TOKENS),
    "POST /actor_tokens/{actor_token_id}/revoke" => Custom(revoke_actor_token),
    "POST /sign_in_tokens" => Create(&SIGN_IN_TOKENS),
    "POST /sign_in_tokens/{sign_in_token_id}/revoke" => Custom(revoke_sign_in_token),
    "POST /testing_tokens" => Custom(create_testing_token),
    // Machines
    "GET /machines" => Custom(list_machines),
    "POST /machines" => Create(&MACHINES),
    "GET /machines/{machine_id}" => Custom(get_machine),
    "PATCH /machines/{machine_id}" => Update(&MACHINES),
    "DELETE /machines/{machine_id}" => Custom(delete_machine),
    "GET /machines/{machine_id}/secret_key" => Custom(machine_secret_key),
    "POST /machines/{machine_id}/secret_key/rotate" => Custom(rotate_machine_secret_key),
    "POST /machines/{machine_id}/scopes" => Custom(create_machine_scope),
    "DELETE /machines/{machine_id}/scopes/{other_machine_id}" => Custom(delete_machine_scope),
    // Organization permissions and roles
    "GET /organization_permissions" => List(&PERMISSIONS),
    "POST /organization_permissions" => Create(&PERMISSIONS),
    "GET /organization_permissions/{permission_id}" => Get(&PERMISSIONS),
    "PATCH /organization_permissions/{permission_id}" => Update(&PERMISSIONS),
    "DELETE /organization_permissions/{permission_id}" => Custom(delete_permission),
    "GET /organization_roles" => List(&ROLES),
    "POST /organization_roles" => Create(&ROLES),
    "GET /organization_roles/{organization_role_id}" => Get(&ROLES),
    "PATCH /organization_roles/{organization_role_id}" => Update(&ROLES),
    "DELETE /organization_roles/{organization_role_id}" => Delete(&ROLES),
    "POST /organization_roles/{organization_role_id}/permissions/{permission_id}" => Custom(assign_permission),
    "DELETE /organization_roles/{organization_role_id}/permissions/{permission_id}" => Custom(remove_permission),
    // Role sets
    "GET /role_sets" => List(&ROLE_SETS),
    "POST /role_sets" => Create(&ROLE_SETS),
    "GET /role_sets/{role_set_key_or_id}" => Get(&ROLE_SETS),
    "PATCH /role_sets/{role_set_key_or_id}" => Update(&ROLE_SETS),
    "POST /role_sets/{role_set_key_or_id}/replace" => Custom(replace_role_set),
    "POST /role_sets/{role_set_key_or_id}/roles" => Custom(add_roles),
    "POST /role_sets/{role_set_key_or_id}/roles/replace" => Custom(replace_role),
    // Organization domains
    "POST /organizations/{organization_id}/domains" => Create(&ORG_DOMAINS),
    "GET /organizations/{organization_id}/domains" => List(&ORG_DOMAINS),
    "PATCH /organizations/{organization_id}/domains/{domain_id}" => Update(&ORG_DOMAINS),
    "DELETE /organizations/{organization_id}/domains/{domain_id}" => Delete(&ORG_DOMAINS),
    "POST /organizations/{organization_id}/domains/{domain_id}/verify_ownership" => Custom(verify_org_domain),
    "GET /organization_domains" => ListAll(&ORG_DOMAINS),
    // Enterprise connections
    "GET /enterprise_connections" => List(&ENTERPRISE_CONNECTIONS),
    "POST /enterprise_connections" => Create(&ENTERPRISE_CONNECTIONS),
    "GET /enterprise_connections/{enterprise_connection_id}" => Get(&ENTERPRISE_CONNECTIONS),
    "PATCH /enterprise_connections/{enterprise_connection_id}" => Update(&ENTERPRISE_CONNECTIONS),
    "DELETE /enterprise_connections/{enterprise_connection_id}" => Delete(&ENTERPRISE_CONNECTIONS),
    "GET /enterprise_connections/{enterprise_connection_id}/test_runs" => List(&TEST_RUNS),
    "POST /enterprise_connections/{enterprise_connection_id}/test_runs" => Custom(create_test_run),
    // SAML connections (the older API; enterprise connections supersede it)
    "GET /saml_connections" => List(&SAML_CONNECTIONS),
    "POST /saml_connections" => Create(&SAML_CONNECTIONS),
    "GET /saml_connections/{saml_connection_id}" => Get(&SAML_CONNECTIONS),
    "PATCH /saml_connections/{saml_connection_id}" => Update(&SAML_CONNECTIONS),
    "DELETE /saml_connections/{saml_connection_id}" => Delete(&SAML_CONNECTIONS),
    // Directories
    "GET /directories" => List(&DIRECTORIES),
    "POST /directories" => Create(&DIRECTORIES),
    "GET /directories/{directory_id}" => Get(&DIRECTORIES),
    "PATCH /directories/{directory_id}" => Update(&DIRECTORIES),
    "DELETE /directories/{directory_id}" => Delete(&DIRECTORIES),
    "POST /directories/{directory_id}/rotate_api_key" => Custom(rotate_directory_key),
    "GET /directories/{directory_id}/group_role_mappings" => List(&DIRECTORY_MAPPINGS),
    "POST /directories/{directory_id}/group_role_mappings" => Create(&DIRECTORY_MAPPINGS),
    "PUT /directories/{directory_id}/group_role_mappings" => Custom(replace_directory_mappings),
    "DELETE /directories/{directory_id}/group_role_mappings/{mapping_id}" => Custom(delete_directory_mapping),
    // SCIM directories
    "GET /scim_directories" => List(&SCIM_DIRECTORIES),
    "POST /scim_directories" => Create(&SCIM_DIRECTORIES),
    "GET /scim_directories/{scim_directory_id}" => Get(&SCIM_DIRECTORIES),
    "PATCH /scim_directories/{scim_directory_id}" => Update(&SCIM_DIRECTORIES),
    "DELETE /scim_directories/{scim_directory_id}" => Delete(&SCIM_DIRECTORIES),
    "POST /scim_directories/{scim_directory_id}/rotate_api_key" => Custom(rotate_scim_key),
    "GET /scim_directories/{scim_directory_id}/group_role_mappings" => List(&SCIM_MAPPINGS),
    "POST /scim_directories/{scim_directory_id}/group_role_mappings" => Create(&SCIM_MAPPINGS),
    "PUT /scim_directories/{scim_directory_id}/group_role_mappings" => Custom(replace_scim_mappings),
    "DELETE /scim_directories/{scim_directory_id}/group_role_mappings/{mapping_id}" => Custom(delete_scim_mapping),
    // Waitlist
    "GET /waitlist_entries" => List(&WAITLIST),
    "POST /waitlist_entries" => Create(&WAITLIST),
    "POST /waitlist_entries/bulk" => Custom(bulk_waitlist),
    "DELETE /waitlist_entries/{waitlist_entry_id}" => Delete(&WAITLIST),
    "POST /waitlist_entries/{waitlist_entry_id}/invite" => Custom(invite_waitlist),
    "POST /waitlist_entries/{waitlist_entry_id}/reject" => Custom(reject_waitlist),
    // Webhooks
    "POST /webhooks/svix" => Custom(create_svix),
    "DELETE /webhooks/svix" => Custom(delete_svix),
    "POST /webhooks/svix_url" => Custom(svix_url_op),
    // Instance settings
    "GET /instance" => Settings("instance"),
    "PATCH /instance" => Settings("instance"),
    "PATCH /instance/restrictions" => Settings("restrictions"),
    "GET /instance/communication" => Settings("communication"),
    "PATCH /instance/communication" => Settings("communication"),
    "GET /instance/protect" => Settings("protect"),
    "PATCH /instance/protect" => Settings("protect"),
    "GET /instance/organization_settings" => Settings("organization_settings"),
    "PATCH /instance/organization_settings" => Settings("organization_settings"),
    "GET /instance/oauth_application_settings" => Settings("oauth_application_settings"),
    "PATCH /instance/oauth_application_settings" => Settings("oauth_application_settings"),
    // Billing
    "GET /billing/plans" => List(&PLANS),
    "GET /billing/prices" => List(&PRICES),
    "POST /billing/prices" => Create(&PRICES),
    "GET /billing/subscription_items" => List(&SUBSCRIPTION_ITEMS),
    "DELETE /billing/subscription_items/{subscription_item_id}" => Custom(cancel_subscription_item),
    "POST /billing/subscription_items/{subscription_item_id}/extend_free_trial" => Custom(extend_free_trial),
    "POST /billing/subscription_items/{subscription_item_id}/price_transition" => Custom(price_transition),
    "POST /billing/subscription_items/{subscription_item_id}/discounts" => Custom(apply_discount),
    "DELETE /billing/subscription_items/{subscription_item_id}/discounts/{discount_id}" => Custom(remove_discount),
    "GET /users/{user_id}/billing/subscription" => Custom(user_subscription),
    "GET /users/{user_id}/billing/credits" => Custom(user_credits),
    "POST /users/{user_id}/billing/credits" => Custom(adjust_user_credits),
    "GET /organizations/{organization_id}/billing/subscription" => Custom(org_subscription),
    "GET /organizations/{organization_id}/billing/credits" => Custom(org_credits),
    "POST /organizations/{organization_id}/billing/credits" => Custom(adjust_org_credits),
    "GET /billing/statements" => List(&STATEMENTS),
    "GET /billing/statements/{statementID}" => Get(&STATEMENTS),
    "GET /billing/statements/{statementID}/payment_attempts" => List(&PAYMENT_ATTEMPTS),
    // Agent tasks, admin portal link tokens
    "POST /agents/tasks" => Create(&AGENT_TASKS),
    "POST /agents/tasks/{agent_task_id}/revoke" => Custom(revoke_agent_task),
    "POST /admin_portal_link_tokens" => Create(&ADMIN_PORTAL_TOKENS),
    "POST /admin_portal_link_tokens/{adminPortalLinkTokenID}/revoke" => Custom(revoke_admin_portal_token),
    // Session tokens (the default session token, or one from a JWT template)
    "POST /sessions/{session_id}/tokens" => Custom(session_token),
    "POST /sessions/{session_id}/tokens/{template_name}" => Custom(session_token),
    "POST /sessions/{session_id}/refresh" => Custom(refresh_session),
    // Sign-ups, clients
    "GET /sign_ups/{id}" => Get(&SIGN_UPS),
    "PATCH /sign_ups/{id}" => Update(&SIGN_UPS),
    "GET /clients" => Custom(list_clients),
    "GET /clients/{client_id}" => Custom(get_client),
    "POST /clients/verify" => Custom(verify_client),
};
