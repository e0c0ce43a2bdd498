//! Every tool of `clerk_tools::tools::all()` called through `Toolkit::call` against a wiremock
//! Clerk: the exact request it sends (method, path, query pairs, JSON body) and the shape of
//! what it returns (nulls / empties dropped, no `private_metadata` anywhere, list and count
//! envelopes). Plus argument validation, Clerk errors, caller pinning, scoping and definitions.

mod support;

use std::collections::BTreeSet;

use clerk_tools::{CallError, Caller, ToolError, Toolkit, ToolkitOptions};
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method};
use wiremock::{Mock, ResponseTemplate};

/// The official `@clerk/agent-toolkit` tools, in its order: `all()` starts with these.
const OFFICIAL: [&str; 19] = [
    "getUserId",
    "getUser",
    "getUserCount",
    "updateUser",
    "updateUserPublicMetadata",
    "updateUserUnsafeMetadata",
    "getOrganization",
    "createOrganization",
    "updateOrganization",
    "updateOrganizationMetadata",
    "deleteOrganization",
    "createOrganizationMembership",
    "updateOrganizationMembership",
    "updateOrganizationMembershipMetadata",
    "deleteOrganizationMembership",
    "createOrganizationInvitation",
    "revokeOrganizationInvitation",
    "createInvitation",
    "revokeInvitation",
];

/// Every tool this file exercises against the mock server.
const COVERED: [&str; 38] = [
    "getUserId",
    "getUser",
    "getUserCount",
    "updateUser",
    "updateUserPublicMetadata",
    "updateUserUnsafeMetadata",
    "getOrganization",
    "createOrganization",
    "updateOrganization",
    "updateOrganizationMetadata",
    "deleteOrganization",
    "createOrganizationMembership",
    "updateOrganizationMembership",
    "updateOrganizationMembershipMetadata",
    "deleteOrganizationMembership",
    "createOrganizationInvitation",
    "revokeOrganizationInvitation",
    "createInvitation",
    "revokeInvitation",
    "getUserList",
    "createUser",
    "deleteUser",
    "banUser",
    "unbanUser",
    "lockUser",
    "unlockUser",
    "updateUserMetadata",
    "getOrganizationMembershipListForUser",
    "getOrganizationList",
    "getOrganizationMembershipList",
    "getOrganizationInvitationList",
    "getOrganizationInvitation",
    "createOrganizationInvitationBulk",
    "getInvitationList",
    "createInvitationBulk",
    "getSessionList",
    "getSession",
    "revokeSession",
];

fn invalid_arguments(e: CallError) -> Vec<clerk_tools::FieldError> {
    match e {
        CallError::Tool(ToolError::InvalidArguments { errors, .. }) => errors,
        other => panic!("expected InvalidArguments, got {other:?}"),
    }
}

// =============================================================================================
// Inventory

#[test]
fn all_has_38_hand_written_tools_official_19_first_in_order_and_all_covered_here() {
    // The hand-written tools (the core toolsets); the generated ones follow them and are
    // tested one by one in tests/generated_tools.rs.
    let every: Vec<&str> = clerk_tools::tools::all().iter().map(|t| t.name()).collect();
    assert!(every.len() >= 200, "{} tools", every.len());
    let names: Vec<&str> = every[..38].to_vec();
    let unique_all: BTreeSet<&str> = every.iter().copied().collect();
    assert_eq!(unique_all.len(), every.len(), "duplicate tool names");
    assert_eq!(names[..19], OFFICIAL);
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "duplicate tool names: {names:?}");
    let covered: BTreeSet<&str> = COVERED.iter().copied().collect();
    assert_eq!(
        unique, covered,
        "every tool needs a wiremock test in this file"
    );
}

// =============================================================================================
// users: the official toolkit's tools

#[tokio::test]
async fn get_user_id_without_caller_reports_signed_out_without_any_request() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let result = call_ok(&toolkit, "getUserId", json!({})).await;
    assert_eq!(result["signedIn"], json!(false));
    assert!(result["userId"].is_null(), "{result}");
}

#[tokio::test]
async fn get_user_id_with_caller_returns_the_caller_without_any_request() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let toolkit = toolkit.with_caller(Caller::user("user_me"));
    let result = call_ok(&toolkit, "getUserId", json!({})).await;
    assert_eq!(result, json!({"signedIn": true, "userId": "user_me"}));
}

#[tokio::test]
async fn get_user_fetches_the_user_and_strips_private_metadata_and_empties() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_1");
    given("GET", "/v1/users/user_1")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUser", json!({"userId": "user_1"})).await;
    assert_object_result(&result, &fixture);
    // Spot checks of the shaping: nulls and empties gone, false and 0-like values kept.
    assert!(result.get("external_id").is_none());
    assert!(result.get("unsafe_metadata").is_none());
    assert!(result.get("phone_numbers").is_none());
    assert_eq!(result["banned"], json!(false));
    assert_eq!(result["public_metadata"], json!({"plan": "pro"}));
    assert_eq!(
        result["email_addresses"][0]["verification"],
        json!({"object": "verification_email_code", "status": "verified", "strategy": "email_code", "attempts": 1})
    );
}

#[tokio::test]
async fn get_user_count_returns_total_count() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users/count")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(json!({"object": "total_count", "total_count": 42})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUserCount", json!({})).await;
    assert_eq!(result, json!({"totalCount": 42}));
}

#[tokio::test]
async fn get_user_count_of_zero_is_kept() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users/count")
        .respond_with(ok(json!({"object": "total_count", "total_count": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUserCount", json!({})).await;
    assert_eq!(result, json!({"totalCount": 0}));
}

#[tokio::test]
async fn update_user_patches_only_the_given_attributes() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_1");
    given("PATCH", "/v1/users/user_1")
        .and(no_query())
        .and(body_json(json!({
            "first_name": "Ada",
            "last_name": "Byron",
            "username": "ada_b",
            "external_id": "ext_1",
            "primary_email_address_id": "idn_email_1",
            "primary_phone_number_id": "idn_phone_1"
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateUser",
        json!({
            "userId": "user_1",
            "firstName": "Ada",
            "lastName": "Byron",
            "username": "ada_b",
            "externalId": "ext_1",
            "primaryEmailAddressId": "idn_email_1",
            "primaryPhoneNumberId": "idn_phone_1"
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_user_with_profile_image_url_is_rejected_without_any_request() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(
        &toolkit,
        "updateUser",
        json!({"userId": "user_1", "firstName": "Ada", "profileImageUrl": "https://x.example/a.png"}),
    )
    .await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("profileImageUrl"), "{err}");
}

#[tokio::test]
async fn update_user_public_metadata_merges_with_patch() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_1");
    given("PATCH", "/v1/users/user_1/metadata")
        .and(no_query())
        .and(body_json(
            json!({"public_metadata": {"plan": "pro", "trial": null}}),
        ))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateUserPublicMetadata",
        json!({"userId": "user_1", "metadata": {"plan": "pro", "trial": null}}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_user_unsafe_metadata_merges_with_patch() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_1");
    given("PATCH", "/v1/users/user_1/metadata")
        .and(no_query())
        .and(body_json(json!({"unsafe_metadata": {"theme": "dark"}})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateUserUnsafeMetadata",
        json!({"userId": "user_1", "metadata": {"theme": "dark"}}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

// =============================================================================================
// organizations: the official toolkit's tools

#[tokio::test]
async fn get_organization_by_id_with_members_count() {
    let (server, toolkit) = setup().await;
    let mut fixture = organization("org_1", "acme-inc");
    fixture["members_count"] = json!(3);
    given("GET", "/v1/organizations/org_1")
        .and(query_is(&[("include_members_count", "true")]))
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganization",
        json!({"organizationId": "org_1", "includeMembersCount": true}),
    )
    .await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["members_count"], json!(3));
}

#[tokio::test]
async fn get_organization_by_slug_only_fetches_by_slug() {
    let (server, toolkit) = setup().await;
    let fixture = organization("org_1", "acme-inc");
    // The slug, not an id, goes in the path. `include_members_count` is not asked for, so it
    // is either absent or `false` (Clerk's default).
    given("GET", "/v1/organizations/acme-inc")
        .and(NoBody)
        .and(OneOf(vec![
            no_query(),
            query_is(&[("include_members_count", "false")]),
        ]))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getOrganization", json!({"slug": "acme-inc"})).await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn get_organization_without_id_or_slug_is_a_precondition_error_without_any_request() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(&toolkit, "getOrganization", json!({})).await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
    let err = call_err(
        &toolkit,
        "getOrganization",
        json!({"organizationId": " ", "slug": ""}),
    )
    .await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn create_organization_posts_every_field() {
    let (server, toolkit) = setup().await;
    let fixture = organization("org_1", "acme-inc");
    given("POST", "/v1/organizations")
        .and(no_query())
        .and(body_json(json!({
            "name": "Acme Inc",
            "slug": "acme-inc",
            "created_by": "user_ada",
            "max_allowed_memberships": 5,
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"billing_id": "bill_9"}
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createOrganization",
        json!({
            "name": "Acme Inc",
            "slug": "acme-inc",
            "createdBy": "user_ada",
            "maxAllowedMemberships": 5,
            "publicMetadata": {"plan": "pro"},
            "privateMetadata": {"billing_id": "bill_9"}
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_organization_patches_attributes_then_merges_metadata_never_put() {
    let (server, toolkit) = setup().await;
    let mut renamed = organization("org_1", "acme-inc");
    renamed["name"] = json!("Acme Corp");
    let mut merged = renamed.clone();
    merged["public_metadata"] = json!({"plan": "enterprise"});
    given("PATCH", "/v1/organizations/org_1")
        .and(no_query())
        .and(body_json(json!({"name": "Acme Corp"})))
        .respond_with(ok(renamed))
        .expect(1)
        .named("attributes")
        .mount(&server)
        .await;
    given("PATCH", "/v1/organizations/org_1/metadata")
        .and(no_query())
        .and(body_json(
            json!({"public_metadata": {"plan": "enterprise"}}),
        ))
        .respond_with(ok(merged.clone()))
        .expect(1)
        .named("metadata merge")
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .named("no metadata replace")
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateOrganization",
        json!({"organizationId": "org_1", "name": "Acme Corp", "publicMetadata": {"plan": "enterprise"}}),
    )
    .await;
    // The result is the organization after both updates.
    assert_object_result(&result, &merged);

    // Attributes first, metadata second.
    let received = server.received_requests().await.expect("recording");
    let paths: Vec<(String, String)> = received
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_string()))
        .collect();
    assert_eq!(
        paths,
        [
            ("PATCH".to_string(), "/v1/organizations/org_1".to_string()),
            (
                "PATCH".to_string(),
                "/v1/organizations/org_1/metadata".to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn update_organization_with_attributes_only_sends_one_patch() {
    let (server, toolkit) = setup().await;
    let fixture = organization("org_1", "acme");
    given("PATCH", "/v1/organizations/org_1")
        .and(body_json(
            json!({"slug": "acme", "max_allowed_memberships": 0}),
        ))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    given("PATCH", "/v1/organizations/org_1/metadata")
        .respond_with(ok(fixture.clone()))
        .expect(0)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateOrganization",
        json!({"organizationId": "org_1", "slug": "acme", "maxAllowedMemberships": 0}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_organization_with_nothing_to_update_sends_nothing() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(
        &toolkit,
        "updateOrganization",
        json!({"organizationId": "org_1"}),
    )
    .await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn update_organization_metadata_merges_both_kinds() {
    let (server, toolkit) = setup().await;
    let fixture = organization("org_1", "acme-inc");
    given("PATCH", "/v1/organizations/org_1/metadata")
        .and(no_query())
        .and(body_json(json!({
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"billing_id": null}
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateOrganizationMetadata",
        json!({
            "organizationId": "org_1",
            "publicMetadata": {"plan": "pro"},
            "privateMetadata": {"billing_id": null}
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn delete_organization_reports_deleted() {
    let (server, toolkit) = setup().await;
    given("DELETE", "/v1/organizations/org_1")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(deleted("organization", "org_1")))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "deleteOrganization",
        json!({"organizationId": "org_1"}),
    )
    .await;
    assert_eq!(
        result,
        json!({"object": "organization", "id": "org_1", "deleted": true})
    );
}

#[tokio::test]
async fn create_organization_membership_posts_user_and_role() {
    let (server, toolkit) = setup().await;
    let fixture = membership("org_1", "user_2", "org:member");
    given("POST", "/v1/organizations/org_1/memberships")
        .and(no_query())
        .and(body_json(
            json!({"user_id": "user_2", "role": "org:member"}),
        ))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createOrganizationMembership",
        json!({"organizationId": "org_1", "userId": "user_2", "role": "org:member"}),
    )
    .await;
    assert_object_result(&result, &fixture);
    // The nested organization lost its private metadata too.
    assert_eq!(result["organization"]["id"], json!("org_1"));
    assert!(result["organization"].get("private_metadata").is_none());
}

#[tokio::test]
async fn update_organization_membership_patches_the_role() {
    let (server, toolkit) = setup().await;
    let fixture = membership("org_1", "user_2", "org:admin");
    given("PATCH", "/v1/organizations/org_1/memberships/user_2")
        .and(no_query())
        .and(body_json(json!({"role": "org:admin"})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateOrganizationMembership",
        json!({"organizationId": "org_1", "userId": "user_2", "role": "org:admin"}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_organization_membership_metadata_merges() {
    let (server, toolkit) = setup().await;
    let fixture = membership("org_1", "user_2", "org:admin");
    given(
        "PATCH",
        "/v1/organizations/org_1/memberships/user_2/metadata",
    )
    .and(no_query())
    .and(body_json(json!({
        "public_metadata": {"team": "core"},
        "private_metadata": {"salary_band": "L6"}
    })))
    .respond_with(ok(fixture.clone()))
    .expect(1)
    .mount(&server)
    .await;
    let result = call_ok(
        &toolkit,
        "updateOrganizationMembershipMetadata",
        json!({
            "organizationId": "org_1",
            "userId": "user_2",
            "publicMetadata": {"team": "core"},
            "privateMetadata": {"salary_band": "L6"}
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_organization_membership_metadata_without_metadata_sends_nothing() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(
        &toolkit,
        "updateOrganizationMembershipMetadata",
        json!({"organizationId": "org_1", "userId": "user_2"}),
    )
    .await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn delete_organization_membership_returns_the_removed_membership() {
    let (server, toolkit) = setup().await;
    let fixture = membership("org_1", "user_2", "org:member");
    given("DELETE", "/v1/organizations/org_1/memberships/user_2")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "deleteOrganizationMembership",
        json!({"organizationId": "org_1", "userId": "user_2"}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn create_organization_invitation_posts_every_field() {
    let (server, toolkit) = setup().await;
    let fixture = organization_invitation("orginv_1", "org_1", "grace@example.com", "pending");
    given("POST", "/v1/organizations/org_1/invitations")
        .and(no_query())
        .and(body_json(json!({
            "email_address": "grace@example.com",
            "role": "org:member",
            "inviter_user_id": "user_ada",
            "redirect_url": "https://app.example.com/accept",
            "public_metadata": {"team": "core"}
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createOrganizationInvitation",
        json!({
            "organizationId": "org_1",
            "emailAddress": "grace@example.com",
            "role": "org:member",
            "inviterUserId": "user_ada",
            "redirectUrl": "https://app.example.com/accept",
            "publicMetadata": {"team": "core"}
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["status"], json!("pending"));
}

#[tokio::test]
async fn revoke_organization_invitation_with_requesting_user() {
    let (server, toolkit) = setup().await;
    let fixture = organization_invitation("orginv_1", "org_1", "grace@example.com", "revoked");
    given(
        "POST",
        "/v1/organizations/org_1/invitations/orginv_1/revoke",
    )
    .and(no_query())
    .and(body_json(json!({"requesting_user_id": "user_ada"})))
    .respond_with(ok(fixture.clone()))
    .expect(1)
    .mount(&server)
    .await;
    let result = call_ok(
        &toolkit,
        "revokeOrganizationInvitation",
        json!({"organizationId": "org_1", "invitationId": "orginv_1", "requestingUserId": "user_ada"}),
    )
    .await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["status"], json!("revoked"));
}

#[tokio::test]
async fn revoke_organization_invitation_without_requesting_user_sends_no_body() {
    let (server, toolkit) = setup().await;
    let fixture = organization_invitation("orginv_1", "org_1", "grace@example.com", "revoked");
    given(
        "POST",
        "/v1/organizations/org_1/invitations/orginv_1/revoke",
    )
    .and(no_query())
    .and(NoBody)
    .respond_with(ok(fixture.clone()))
    .expect(1)
    .mount(&server)
    .await;
    let result = call_ok(
        &toolkit,
        "revokeOrganizationInvitation",
        json!({"organizationId": "org_1", "invitationId": "orginv_1"}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

// =============================================================================================
// invitations: the official toolkit's tools

#[tokio::test]
async fn create_invitation_posts_every_field() {
    let (server, toolkit) = setup().await;
    let fixture = invitation("inv_1", "grace@example.com", "pending");
    given("POST", "/v1/invitations")
        .and(no_query())
        .and(body_json(json!({
            "email_address": "grace@example.com",
            "public_metadata": {"source": "agent"},
            "redirect_url": "https://app.example.com/sign-up",
            "notify": false,
            "ignore_existing": true
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createInvitation",
        json!({
            "emailAddress": "grace@example.com",
            "publicMetadata": {"source": "agent"},
            "redirectUrl": "https://app.example.com/sign-up",
            "notify": false,
            "ignoreExisting": true
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["revoked"], json!(false));
}

#[tokio::test]
async fn create_invitation_with_only_an_email_sends_only_the_email() {
    let (server, toolkit) = setup().await;
    let fixture = invitation("inv_1", "grace@example.com", "pending");
    given("POST", "/v1/invitations")
        .and(body_json(json!({"email_address": "grace@example.com"})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createInvitation",
        json!({"emailAddress": "grace@example.com"}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn revoke_invitation_posts_without_body() {
    let (server, toolkit) = setup().await;
    let fixture = invitation("inv_1", "grace@example.com", "revoked");
    given("POST", "/v1/invitations/inv_1/revoke")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "revokeInvitation",
        json!({"invitationId": "inv_1"}),
    )
    .await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["revoked"], json!(true));
}

// =============================================================================================
// users: beyond the official toolkit

fn users(ids: std::ops::Range<u32>) -> Vec<Value> {
    ids.map(|i| user(&format!("user_{i}"))).collect()
}

#[tokio::test]
async fn get_user_list_sends_every_filter_and_counts_with_the_same_filters() {
    let (server, toolkit) = setup().await;
    let page = users(11..21);
    let filters = [
        ("email_address", "a@x.co"),
        ("email_address", "b@x.co"),
        ("phone_number", "+15555550100"),
        ("username", "ada"),
        ("user_id", "user_1"),
        ("user_id", "user_2"),
        ("external_id", "ext_1"),
        ("organization_id", "org_1"),
        ("query", "ada"),
    ];
    let mut list_query = filters.to_vec();
    list_query.extend([
        ("order_by", "-created_at"),
        ("limit", "10"),
        ("offset", "10"),
    ]);
    given("GET", "/v1/users")
        .and(query_is(&list_query))
        .and(NoBody)
        .respond_with(ok(json!(page)))
        .expect(1)
        .named("page")
        .mount(&server)
        .await;
    given("GET", "/v1/users/count")
        .and(query_is(&filters))
        .and(NoBody)
        .respond_with(ok(json!({"object": "total_count", "total_count": 25})))
        .expect(1)
        .named("count, without order_by / limit / offset")
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getUserList",
        json!({
            "view": "full",
            "query": "ada",
            "emailAddress": ["a@x.co", "b@x.co"],
            "phoneNumber": ["+15555550100"],
            "username": ["ada"],
            "userId": ["user_1", "user_2"],
            "externalId": ["ext_1"],
            "organizationId": ["org_1"],
            "orderBy": "-created_at",
            "limit": 10,
            "offset": 10
        }),
    )
    .await;
    // 25 in all, 10 skipped, 10 here: 5 more from offset 20.
    assert_list_result(&result, &page, 25, true, Some(20));
}

#[tokio::test]
async fn get_user_list_last_page_has_no_next_offset() {
    let (server, toolkit) = setup().await;
    let page = users(21..26);
    given("GET", "/v1/users")
        .and(query_is(&[("limit", "10"), ("offset", "20")]))
        .respond_with(ok(json!(page)))
        .expect(1)
        .mount(&server)
        .await;
    given("GET", "/v1/users/count")
        .and(no_query())
        .respond_with(ok(json!({"object": "total_count", "total_count": 25})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUserList", json!({"limit": 10, "offset": 20})).await;
    // The default view: summaries.
    assert_list_summary(&result, "user", &page, 25, false, None);
}

#[tokio::test]
async fn get_user_list_defaults_to_the_first_ten() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users")
        .and(query_is(&[("limit", "10"), ("offset", "0")]))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    given("GET", "/v1/users/count")
        .and(no_query())
        .respond_with(ok(json!({"object": "total_count", "total_count": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUserList", json!({})).await;
    assert_list_result(&result, &[], 0, false, None);
}

#[tokio::test]
async fn create_user_posts_every_field() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_new");
    given("POST", "/v1/users")
        .and(no_query())
        .and(body_json(json!({
            "email_address": ["ada@example.com", "ada@work.example.com"],
            "phone_number": ["+15555550100"],
            "username": "ada",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password": "correct horse battery staple",
            "external_id": "ext_1",
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"stripe_customer_id": "cus_123"},
            "unsafe_metadata": {"theme": "dark"},
            "skip_password_requirement": false
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createUser",
        json!({
            "emailAddress": ["ada@example.com", "ada@work.example.com"],
            "phoneNumber": ["+15555550100"],
            "username": "ada",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "password": "correct horse battery staple",
            "externalId": "ext_1",
            "publicMetadata": {"plan": "pro"},
            "privateMetadata": {"stripe_customer_id": "cus_123"},
            "unsafeMetadata": {"theme": "dark"},
            "skipPasswordRequirement": false
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn delete_user_reports_deleted() {
    let (server, toolkit) = setup().await;
    given("DELETE", "/v1/users/user_1")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(deleted("user", "user_1")))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "deleteUser", json!({"userId": "user_1"})).await;
    assert_eq!(
        result,
        json!({"object": "user", "id": "user_1", "deleted": true})
    );
}

async fn user_action(tool: &str, action: &str, banned: bool, locked: bool) {
    let (server, toolkit) = setup().await;
    let mut fixture = user("user_1");
    fixture["banned"] = json!(banned);
    fixture["locked"] = json!(locked);
    given("POST", &format!("/v1/users/user_1/{action}"))
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, tool, json!({"userId": "user_1"})).await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["banned"], json!(banned));
    assert_eq!(result["locked"], json!(locked));
}

#[tokio::test]
async fn ban_user_posts_ban() {
    user_action("banUser", "ban", true, false).await;
}

#[tokio::test]
async fn unban_user_posts_unban() {
    user_action("unbanUser", "unban", false, false).await;
}

#[tokio::test]
async fn lock_user_posts_lock() {
    user_action("lockUser", "lock", false, true).await;
}

#[tokio::test]
async fn unlock_user_posts_unlock() {
    user_action("unlockUser", "unlock", false, false).await;
}

#[tokio::test]
async fn update_user_metadata_merges_every_kind_in_one_patch() {
    let (server, toolkit) = setup().await;
    let fixture = user("user_1");
    given("PATCH", "/v1/users/user_1/metadata")
        .and(no_query())
        .and(body_json(json!({
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"stripe_customer_id": null},
            "unsafe_metadata": {"theme": "dark"}
        })))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateUserMetadata",
        json!({
            "userId": "user_1",
            "publicMetadata": {"plan": "pro"},
            "privateMetadata": {"stripe_customer_id": null},
            "unsafeMetadata": {"theme": "dark"}
        }),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn update_user_metadata_without_metadata_sends_nothing() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(&toolkit, "updateUserMetadata", json!({"userId": "user_1"})).await;
    assert!(
        matches!(err, CallError::Tool(ToolError::Precondition(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn get_organization_membership_list_for_user_pages() {
    let (server, toolkit) = setup().await;
    let page = vec![
        membership("org_1", "user_1", "org:admin"),
        membership("org_2", "user_1", "org:member"),
    ];
    given("GET", "/v1/users/user_1/organization_memberships")
        .and(query_is(&[("limit", "2"), ("offset", "0")]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 3})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationMembershipListForUser",
        json!({"userId": "user_1", "limit": 2}),
    )
    .await;
    assert_list_summary(&result, "organization_membership", &page, 3, true, Some(2));
    assert_eq!(result["data"][1]["organization"]["id"], json!("org_2"));
}

// =============================================================================================
// organizations: beyond the official toolkit

#[tokio::test]
async fn get_organization_list_sends_filters_and_pages() {
    let (server, toolkit) = setup().await;
    let page: Vec<Value> = (11..21)
        .map(|i| organization(&format!("org_{i}"), &format!("acme-{i}")))
        .collect();
    given("GET", "/v1/organizations")
        .and(query_is(&[
            ("query", "acme"),
            ("order_by", "-members_count"),
            ("include_members_count", "true"),
            ("limit", "10"),
            ("offset", "10"),
        ]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 25})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationList",
        json!({
            "view": "full",
            "query": "acme",
            "orderBy": "-members_count",
            "includeMembersCount": true,
            "limit": 10,
            "offset": 10
        }),
    )
    .await;
    assert_list_result(&result, &page, 25, true, Some(20));
}

#[tokio::test]
async fn get_organization_membership_list_sends_repeated_roles() {
    let (server, toolkit) = setup().await;
    let page = vec![
        membership("org_1", "user_1", "org:admin"),
        membership("org_1", "user_2", "org:member"),
    ];
    given("GET", "/v1/organizations/org_1/memberships")
        .and(query_is(&[
            ("role", "org:admin"),
            ("role", "org:member"),
            ("query", "ada"),
            ("order_by", "-created_at"),
            ("limit", "5"),
            ("offset", "5"),
        ]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationMembershipList",
        json!({
            "view": "full",
            "organizationId": "org_1",
            "role": ["org:admin", "org:member"],
            "query": "ada",
            "orderBy": "-created_at",
            "limit": 5,
            "offset": 5
        }),
    )
    .await;
    // 5 skipped + 2 here = 7: the last page.
    assert_list_result(&result, &page, 7, false, None);
}

#[tokio::test]
async fn get_organization_invitation_list_filters_by_status() {
    let (server, toolkit) = setup().await;
    let page = vec![organization_invitation(
        "orginv_1",
        "org_1",
        "grace@example.com",
        "pending",
    )];
    given("GET", "/v1/organizations/org_1/invitations")
        .and(query_is(&[
            ("status", "pending"),
            ("limit", "10"),
            ("offset", "0"),
        ]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationInvitationList",
        json!({"organizationId": "org_1", "status": "pending", "view": "full"}),
    )
    .await;
    assert_list_result(&result, &page, 1, false, None);
}

#[tokio::test]
async fn get_organization_invitation_fetches_one() {
    let (server, toolkit) = setup().await;
    let fixture = organization_invitation("orginv_1", "org_1", "grace@example.com", "accepted");
    given("GET", "/v1/organizations/org_1/invitations/orginv_1")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationInvitation",
        json!({"organizationId": "org_1", "invitationId": "orginv_1"}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn create_organization_invitation_bulk_posts_an_array() {
    let (server, toolkit) = setup().await;
    let created = vec![
        organization_invitation("orginv_1", "org_1", "a@x.co", "pending"),
        organization_invitation("orginv_2", "org_1", "b@x.co", "pending"),
    ];
    given("POST", "/v1/organizations/org_1/invitations/bulk")
        .and(no_query())
        .and(body_json(json!([
            {
                "email_address": "a@x.co",
                "role": "org:member",
                "inviter_user_id": "user_ada",
                "redirect_url": "https://app.example.com/accept"
            },
            {
                "email_address": "b@x.co",
                "role": "org:admin",
                "inviter_user_id": "user_ada",
                "redirect_url": "https://app.example.com/accept",
                "public_metadata": {"team": "core"}
            }
        ])))
        .respond_with(ok(json!({"data": created, "total_count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createOrganizationInvitationBulk",
        json!({
            "organizationId": "org_1",
            "inviterUserId": "user_ada",
            "redirectUrl": "https://app.example.com/accept",
            "invitations": [
                {"emailAddress": "a@x.co", "role": "org:member"},
                {"emailAddress": "b@x.co", "role": "org:admin", "publicMetadata": {"team": "core"}}
            ]
        }),
    )
    .await;
    let expected: Vec<Value> = created.iter().map(|i| shaped(i, false)).collect();
    assert_eq!(result, json!({"data": expected}));
    assert_no_private_metadata(&result);
}

// =============================================================================================
// invitations: beyond the official toolkit

#[tokio::test]
async fn get_invitation_list_is_paginated_and_filtered() {
    let (server, toolkit) = setup().await;
    let page: Vec<Value> = (21..26)
        .map(|i| invitation(&format!("inv_{i}"), &format!("u{i}@x.co"), "pending"))
        .collect();
    given("GET", "/v1/invitations")
        .and(query_is(&[
            ("status", "pending"),
            ("query", "x.co"),
            ("paginated", "true"),
            ("limit", "10"),
            ("offset", "20"),
        ]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 25})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getInvitationList",
        json!({"status": "pending", "query": "x.co", "limit": 10, "offset": 20, "view": "full"}),
    )
    .await;
    assert_list_result(&result, &page, 25, false, None);
}

#[tokio::test]
async fn create_invitation_bulk_posts_an_array() {
    let (server, toolkit) = setup().await;
    let created = vec![
        invitation("inv_1", "a@x.co", "pending"),
        invitation("inv_2", "b@x.co", "pending"),
    ];
    given("POST", "/v1/invitations/bulk")
        .and(no_query())
        .and(body_json(json!([
            {
                "email_address": "a@x.co",
                "redirect_url": "https://app.example.com/sign-up",
                "notify": false,
                "ignore_existing": true
            },
            {
                "email_address": "b@x.co",
                "public_metadata": {"source": "agent"},
                "redirect_url": "https://app.example.com/sign-up",
                "notify": false,
                "ignore_existing": true
            }
        ])))
        .respond_with(ok(json!(created)))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createInvitationBulk",
        json!({
            "redirectUrl": "https://app.example.com/sign-up",
            "notify": false,
            "ignoreExisting": true,
            "invitations": [
                {"emailAddress": "a@x.co"},
                {"emailAddress": "b@x.co", "publicMetadata": {"source": "agent"}}
            ]
        }),
    )
    .await;
    let expected: Vec<Value> = created.iter().map(|i| shaped(i, false)).collect();
    assert_eq!(result, json!({"data": expected}));
}

// =============================================================================================
// sessions

#[tokio::test]
async fn get_session_list_is_paginated_and_filtered() {
    let (server, toolkit) = setup().await;
    let page = vec![
        session("sess_1", "user_1", "active"),
        session("sess_2", "user_1", "active"),
    ];
    given("GET", "/v1/sessions")
        .and(query_is(&[
            ("user_id", "user_1"),
            ("status", "active"),
            ("paginated", "true"),
            ("limit", "2"),
            ("offset", "0"),
        ]))
        .and(NoBody)
        .respond_with(ok(json!({"data": page, "total_count": 5})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getSessionList",
        json!({"userId": "user_1", "status": "active", "limit": 2, "view": "full"}),
    )
    .await;
    assert_list_result(&result, &page, 5, true, Some(2));
}

#[tokio::test]
async fn get_session_fetches_one() {
    let (server, toolkit) = setup().await;
    let fixture = session("sess_1", "user_1", "active");
    given("GET", "/v1/sessions/sess_1")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getSession", json!({"sessionId": "sess_1"})).await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["latest_activity"]["is_mobile"], json!(false));
}

#[tokio::test]
async fn revoke_session_posts_without_body() {
    let (server, toolkit) = setup().await;
    let fixture = session("sess_1", "user_1", "revoked");
    given("POST", "/v1/sessions/sess_1/revoke")
        .and(no_query())
        .and(NoBody)
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "revokeSession", json!({"sessionId": "sess_1"})).await;
    assert_object_result(&result, &fixture);
    assert_eq!(result["status"], json!("revoked"));
}

// =============================================================================================
// private metadata

#[tokio::test]
async fn allow_private_metadata_keeps_it_at_every_depth() {
    let (server, toolkit) = setup_with(ToolkitOptions {
        allow_private_metadata: true,
        ..Default::default()
    })
    .await;
    let fixture = membership("org_1", "user_2", "org:admin");
    given("PATCH", "/v1/organizations/org_1/memberships/user_2")
        .and(body_json(json!({"role": "org:admin"})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "updateOrganizationMembership",
        json!({"organizationId": "org_1", "userId": "user_2", "role": "org:admin"}),
    )
    .await;
    assert_eq!(result, shaped(&fixture, true));
    assert_eq!(result["private_metadata"], json!({"salary_band": "L5"}));
    assert_eq!(
        result["organization"]["private_metadata"],
        json!({"billing_id": "bill_9"})
    );

    let fixture = user("user_1");
    given("GET", "/v1/users/user_1")
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUser", json!({"userId": "user_1"})).await;
    assert_eq!(
        result["private_metadata"],
        json!({"stripe_customer_id": "cus_123"})
    );
}

#[tokio::test]
async fn private_metadata_is_removed_from_every_list_item() {
    let (server, toolkit) = setup().await;
    let page = vec![
        organization_invitation("orginv_1", "org_1", "a@x.co", "pending"),
        organization_invitation("orginv_2", "org_1", "b@x.co", "expired"),
    ];
    given("GET", "/v1/organizations/org_1/invitations")
        .respond_with(ok(json!({"data": page, "total_count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "getOrganizationInvitationList",
        json!({"organizationId": "org_1"}),
    )
    .await;
    assert_no_private_metadata(&result);
    assert_eq!(result["data"].as_array().map(Vec::len), Some(2));
}

// =============================================================================================
// invalid arguments: reported per field, before any request

#[tokio::test]
async fn missing_required_argument_is_named() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let errors = invalid_arguments(call_err(&toolkit, "getUser", json!({})).await);
    assert!(
        errors
            .iter()
            .any(|e| e.field == "userId" && e.message.contains("required")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn wrong_type_names_the_field_and_the_expected_type() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let err = call_err(&toolkit, "getUser", json!({"userId": 5})).await;
    let text = err.to_string();
    let errors = invalid_arguments(err);
    assert!(
        errors
            .iter()
            .any(|e| e.field == "userId" && e.message.contains("string")),
        "{errors:?}"
    );
    assert!(text.contains("userId") && text.contains("string"), "{text}");
}

#[tokio::test]
async fn unknown_argument_is_rejected_by_name() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let errors =
        invalid_arguments(call_err(&toolkit, "getUser", json!({"userId": "u", "extra": 1})).await);
    assert!(
        errors.iter().any(|e| e.field.contains("extra")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn limit_above_500_is_rejected() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let errors = invalid_arguments(call_err(&toolkit, "getUserList", json!({"limit": 900})).await);
    assert!(errors.iter().any(|e| e.field == "limit"), "{errors:?}");
}

#[tokio::test]
async fn malformed_email_is_rejected() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let errors = invalid_arguments(
        call_err(
            &toolkit,
            "createInvitation",
            json!({"emailAddress": "not-an-email"}),
        )
        .await,
    );
    assert!(
        errors.iter().any(|e| e.field == "emailAddress"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn several_bad_fields_are_all_reported() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let errors = invalid_arguments(
        call_err(
            &toolkit,
            "getUserList",
            json!({"limit": 900, "offset": "ten", "emailAddress": "a@x.co"}),
        )
        .await,
    );
    assert!(errors.len() >= 2, "{errors:?}");
    for field in ["limit", "offset", "emailAddress"] {
        assert!(
            errors.iter().any(|e| e.field == field),
            "{field} not reported: {errors:?}"
        );
    }
}

#[tokio::test]
async fn explicit_null_optional_arguments_are_treated_as_omitted() {
    let (server, toolkit) = setup().await;
    let fixture = invitation("inv_1", "grace@example.com", "pending");
    given("POST", "/v1/invitations")
        .and(body_json(json!({"email_address": "grace@example.com"})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(
        &toolkit,
        "createInvitation",
        json!({"emailAddress": "grace@example.com", "redirectUrl": null, "notify": null}),
    )
    .await;
    assert_object_result(&result, &fixture);
}

// =============================================================================================
// Clerk API errors

#[tokio::test]
async fn clerk_404_is_an_api_error_with_status_code_message_and_trace() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users/user_missing")
        .respond_with(ResponseTemplate::new(404).set_body_json(clerk_error(
            "resource_not_found",
            "not found",
            "User not found",
            "trace_9",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = call_err(&toolkit, "getUser", json!({"userId": "user_missing"})).await;
    let text = err.to_string();
    match &err {
        CallError::Tool(ToolError::Api(api)) => assert_eq!(api.status(), Some(404)),
        other => panic!("expected ToolError::Api, got {other:?}"),
    }
    for needle in ["404", "resource_not_found", "User not found", "trace_9"] {
        assert!(text.contains(needle), "`{needle}` missing from: {text}");
    }
}

#[tokio::test]
async fn clerk_429_reports_when_to_retry() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users/count")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_json(clerk_error(
                    "too_many_requests",
                    "Too many requests",
                    "Too many requests, retry later",
                    "trace_429",
                )),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = call_err(&toolkit, "getUserCount", json!({})).await;
    assert!(matches!(err, CallError::Tool(ToolError::Api(_))), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("429"), "{text}");
    assert!(text.contains("retry after 3600s"), "{text}");
}

#[tokio::test]
async fn clerk_429_without_retry_after_still_tells_the_agent_to_wait() {
    let (server, toolkit) = setup().await;
    given("GET", "/v1/users/count")
        .respond_with(ResponseTemplate::new(429))
        .expect(1)
        .mount(&server)
        .await;
    let err = call_err(&toolkit, "getUserCount", json!({})).await;
    let text = err.to_string();
    assert!(text.contains("429"), "{text}");
    assert!(text.to_lowercase().contains("wait"), "{text}");
}

// =============================================================================================
// caller pinning

#[tokio::test]
async fn pinned_get_user_defaults_to_the_caller() {
    let (server, toolkit) = setup().await;
    let toolkit = toolkit.with_caller(Caller::user("user_me"));
    let fixture = user("user_me");
    given("GET", "/v1/users/user_me")
        .and(no_query())
        .respond_with(ok(fixture.clone()))
        .expect(2)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUser", json!({})).await;
    assert_object_result(&result, &fixture);
    // Naming the caller explicitly is fine too.
    let again = call_ok(&toolkit, "getUser", json!({"userId": "user_me"})).await;
    assert_eq!(again, result);
    server.verify().await;
}

#[tokio::test]
async fn pinned_get_user_of_someone_else_is_refused_without_any_request() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let toolkit = toolkit.with_caller(Caller::user("user_me"));
    let err = call_err(&toolkit, "getUser", json!({"userId": "user_other"})).await;
    match &err {
        CallError::Tool(ToolError::CallerMismatch {
            field, expected, ..
        }) => {
            assert_eq!(*field, "userId");
            assert_eq!(expected, "user_me");
        }
        other => panic!("expected CallerMismatch, got {other:?}"),
    }
    assert!(err.to_string().contains("user_me"), "{err}");
}

#[tokio::test]
async fn pinned_organization_defaults_to_the_callers_organization() {
    let (server, toolkit) = setup().await;
    let toolkit = toolkit.with_caller(Caller::user("user_me").with_organization("org_mine"));
    let fixture = organization("org_mine", "mine");
    given("DELETE", "/v1/organizations/org_mine/memberships/user_2")
        .respond_with(ok(membership("org_mine", "user_2", "org:member")))
        .expect(1)
        .mount(&server)
        .await;
    given("PATCH", "/v1/organizations/org_mine/metadata")
        .and(body_json(json!({"public_metadata": {"a": 1}})))
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    call_ok(
        &toolkit,
        "deleteOrganizationMembership",
        json!({"userId": "user_2"}),
    )
    .await;
    let result = call_ok(
        &toolkit,
        "updateOrganizationMetadata",
        json!({"publicMetadata": {"a": 1}}),
    )
    .await;
    assert_object_result(&result, &fixture);
    let err = call_err(
        &toolkit,
        "deleteOrganization",
        json!({"organizationId": "org_other"}),
    )
    .await;
    assert!(
        matches!(
            err,
            CallError::Tool(ToolError::CallerMismatch {
                field: "organizationId",
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn pin_to_caller_false_lets_any_user_be_named() {
    let (server, toolkit) = setup_with(ToolkitOptions {
        pin_to_caller: false,
        ..Default::default()
    })
    .await;
    let toolkit = toolkit.with_caller(Caller::user("user_me"));
    let fixture = user("user_other");
    given("GET", "/v1/users/user_other")
        .respond_with(ok(fixture.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let result = call_ok(&toolkit, "getUser", json!({"userId": "user_other"})).await;
    assert_object_result(&result, &fixture);
}

#[tokio::test]
async fn pinned_toolkit_refuses_destructive_user_actions_on_someone_else() {
    let (server, toolkit) = setup().await;
    forbid_requests(&server).await;
    let toolkit = toolkit.with_caller(Caller::user("user_me"));
    for tool in [
        "deleteUser",
        "banUser",
        "unbanUser",
        "lockUser",
        "unlockUser",
    ] {
        let res = toolkit
            .call(tool, args(json!({"userId": "user_other"})))
            .await;
        assert!(
            matches!(
                res,
                Err(CallError::Tool(ToolError::CallerMismatch {
                    field: "userId",
                    ..
                }))
            ),
            "{tool}: {res:?}"
        );
    }
}

#[tokio::test]
async fn pinned_get_organization_by_another_slug_is_not_silently_answered_with_the_callers() {
    let (server, toolkit) = setup().await;
    let toolkit = toolkit.with_caller(Caller::user("user_me").with_organization("org_mine"));
    given("GET", "/v1/organizations/org_mine")
        .respond_with(ok(organization("org_mine", "mine")))
        .mount(&server)
        .await;
    given("GET", "/v1/organizations/other-org")
        .respond_with(ok(organization("org_other", "other-org")))
        .mount(&server)
        .await;
    let res = toolkit
        .call("getOrganization", args(json!({"slug": "other-org"})))
        .await;
    assert!(
        res.is_err(),
        "asked for `other-org`, got {}",
        res.map(|v| v["id"].clone()).unwrap_or_default()
    );
}

// =============================================================================================
// scoping

fn scoped(options: ToolkitOptions) -> Result<Toolkit, clerk_tools::ScopeError> {
    let client = clerk_api::Client::builder(KEY)
        .api_url("http://127.0.0.1:9")
        .retry(clerk_api::RetryConfig::disabled())
        .build()
        .expect("client");
    Toolkit::new(client, options)
}

fn tools(patterns: &[&str]) -> ToolkitOptions {
    ToolkitOptions {
        tools: patterns.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn default_scope_serves_the_core_toolsets_in_order() {
    let toolkit = scoped(ToolkitOptions::default()).unwrap();
    let core: Vec<&str> = clerk_tools::tools::all()
        .iter()
        .filter(|t| clerk_tools::Category::CORE.contains(&t.category()))
        .map(|t| t.name())
        .collect();
    assert_eq!(core.len(), 38, "the default tools/list does not grow");
    assert_eq!(toolkit.names(), core);
}

#[test]
fn toolsets_select_and_all_serves_everything() {
    let all = scoped(ToolkitOptions {
        toolsets: vec!["all".into()],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(all.names().len(), clerk_tools::tools::all().len());
    let jwt = scoped(ToolkitOptions {
        toolsets: vec!["jwt,machines".into()],
        ..Default::default()
    })
    .unwrap();
    assert!(
        jwt.names().contains(&"createJwtTemplate"),
        "{:?}",
        jwt.names()
    );
    assert!(jwt.names().contains(&"createMachine"));
    for t in jwt.tools() {
        assert!(
            matches!(
                t.category(),
                clerk_tools::Category::Jwt | clerk_tools::Category::Machines
            ),
            "{}",
            t.name()
        );
    }
    // A --tools pattern alone reaches every toolset (so `--tools jwt.*` works by itself).
    let pattern = scoped(tools(&["jwt.*"])).unwrap();
    assert!(pattern.names().contains(&"getJwtTemplateList"));
    let err = scoped(ToolkitOptions {
        toolsets: vec!["nope".into()],
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("--toolsets `nope`") && err.contains("jwt"),
        "{err}"
    );
}

#[test]
fn glob_scope_keeps_only_matching_tools_of_the_category() {
    let toolkit = scoped(tools(&["users.get*"])).unwrap();
    let names = toolkit.names();
    assert!(!names.is_empty());
    for t in toolkit.tools() {
        assert_eq!(t.category(), clerk_tools::Category::Users, "{}", t.name());
        assert!(t.name().starts_with("get"), "{}", t.name());
    }
    assert_eq!(
        names,
        [
            "getUserId",
            "getUser",
            "getUserCount",
            "getUserList",
            "getOrganizationMembershipListForUser"
        ]
    );
}

#[test]
fn category_scopes_union() {
    let toolkit = scoped(tools(&["users", "invitations"])).unwrap();
    let expected: Vec<&str> = clerk_tools::tools::all()
        .iter()
        .filter(|t| {
            matches!(
                t.category(),
                clerk_tools::Category::Users | clerk_tools::Category::Invitations
            )
        })
        .map(|t| t.name())
        .collect();
    assert_eq!(toolkit.names(), expected);
    assert!(toolkit.names().contains(&"createInvitation"));
    assert!(toolkit.names().contains(&"deleteUser"));
    assert!(!toolkit.names().contains(&"getOrganization"));
    assert!(!toolkit.names().contains(&"getSession"));
}

#[test]
fn space_separated_qualified_names_select_exactly_those() {
    let toolkit = scoped(tools(&["users.getUserCount organizations.getOrganization"])).unwrap();
    assert_eq!(toolkit.names(), ["getUserCount", "getOrganization"]);
}

#[test]
fn pattern_matching_nothing_is_a_scope_error_listing_categories() {
    let err = scoped(tools(&["nope"])).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("nope"), "{text}");
    for category in ["users", "organizations", "invitations", "sessions"] {
        assert!(text.contains(category), "{category} missing from: {text}");
    }
    // One bad pattern among good ones still fails.
    assert!(scoped(tools(&["users", "nope"])).is_err());
}

#[test]
fn read_only_keeps_only_read_only_tools() {
    let toolkit = scoped(ToolkitOptions {
        tools: vec!["*".into()],
        read_only: true,
        ..Default::default()
    })
    .unwrap();
    let names = toolkit.names();
    assert!(!names.is_empty());
    for t in toolkit.tools() {
        assert!(
            t.annotations().read_only_hint,
            "{} is not read-only",
            t.name()
        );
    }
    let expected: Vec<&str> = clerk_tools::tools::all()
        .iter()
        .filter(|t| t.annotations().read_only_hint)
        .map(|t| t.name())
        .collect();
    assert_eq!(names, expected);
    for writer in [
        "deleteUser",
        "updateUser",
        "createInvitation",
        "revokeSession",
    ] {
        assert!(!names.contains(&writer), "{writer} served read-only");
    }
}

#[tokio::test]
async fn unknown_or_scoped_out_tool_is_unknown_without_any_request() {
    let (server, _) = setup().await;
    forbid_requests(&server).await;
    let toolkit = Toolkit::new(
        client(&server),
        ToolkitOptions {
            read_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    let err = toolkit.call("noSuchTool", None).await.unwrap_err();
    assert!(
        matches!(&err, CallError::UnknownTool(n) if n == "noSuchTool"),
        "{err:?}"
    );
    let err = toolkit
        .call("deleteUser", args(json!({"userId": "user_1"})))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CallError::UnknownTool(n) if n == "deleteUser"),
        "{err:?}"
    );
}

// =============================================================================================
// definitions

#[test]
fn definitions_are_complete_compact_mcp_tools() {
    let toolkit = scoped(ToolkitOptions::default()).unwrap();
    let defs = toolkit.definitions();
    let defs = defs.as_array().expect("an array");
    assert_eq!(defs.len(), 38);
    fn no_schema_noise(v: &Value, name: &str, at: &str) {
        match v {
            Value::Object(m) => {
                assert!(!m.contains_key("$schema"), "{name}: $schema at {at}");
                // `properties` maps argument names, which are not schema keywords.
                if !at.ends_with("/properties") {
                    assert!(!m.contains_key("title"), "{name}: title at {at}");
                }
                for (k, child) in m {
                    no_schema_noise(child, name, &format!("{at}/{k}"));
                }
            }
            Value::Array(a) => a.iter().for_each(|c| no_schema_noise(c, name, at)),
            _ => {}
        }
    }
    for d in defs {
        let name = d["name"].as_str().expect("name");
        assert!(!name.is_empty());
        assert!(
            d["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{name}: title"
        );
        let description = d["description"].as_str().expect("description");
        assert!(
            !description.is_empty() && description.chars().count() < 400,
            "{name}: description of {} chars",
            description.chars().count()
        );
        let input = &d["inputSchema"];
        assert_eq!(input["type"], json!("object"), "{name}");
        assert_eq!(input["additionalProperties"], json!(false), "{name}");
        assert!(input["properties"].is_object(), "{name}");
        no_schema_noise(input, name, "");
        if let Some(required) = input.get("required") {
            for r in required.as_array().expect("required is an array") {
                let r = r.as_str().expect("required names are strings");
                assert!(
                    input["properties"].get(r).is_some(),
                    "{name}: required `{r}` is not a property"
                );
            }
        }
        let output = &d["outputSchema"];
        assert_eq!(output["type"], json!("object"), "{name}");
        // One rendering: hints equal to MCP's defaults are left out; read back with those
        // defaults, they are the tool's own annotations.
        let annotations = d["annotations"].as_object().expect("annotations");
        let tool = toolkit.get(name).expect("tool");
        let a = tool.annotations();
        let hint = |key: &str, default: bool| {
            annotations
                .get(key)
                .map(|v| v.as_bool().expect("hints are booleans"))
                .unwrap_or(default)
        };
        assert_eq!(hint("readOnlyHint", false), a.read_only_hint, "{name}");
        if !a.read_only_hint {
            assert_eq!(hint("destructiveHint", true), a.destructive_hint, "{name}");
            assert_eq!(hint("idempotentHint", false), a.idempotent_hint, "{name}");
        }
        assert_eq!(hint("openWorldHint", true), a.open_world_hint, "{name}");
        // Every input schema is itself a valid JSON Schema.
        jsonschema::validator_for(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        jsonschema::validator_for(output).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let names: BTreeSet<&str> = defs.iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names.len(), 38);
}

#[test]
fn destructive_and_read_only_annotations_are_consistent() {
    for t in clerk_tools::tools::all() {
        let a = t.annotations();
        assert!(
            !(a.read_only_hint && a.destructive_hint),
            "{} is read-only and destructive",
            t.name()
        );
        if t.name().starts_with("delete") || t.name().starts_with("revoke") {
            assert!(a.destructive_hint, "{} should be destructive", t.name());
        }
        if t.name().starts_with("get") {
            assert!(a.read_only_hint, "{} should be read-only", t.name());
        }
    }
}

/// A tool of your own whose argument is called `title`.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TitledInput {
    /// The new title.
    title: String,
}

#[tokio::test]
async fn an_argument_named_title_survives_schema_compaction() {
    let tool = clerk_tools::TypedTool::new(
        "setTitle",
        clerk_tools::Category::Users,
        "Set title",
        "Sets a title.",
        clerk_tools::Annotations::write(true),
        clerk_tools::Output::Count,
        |_ctx, i: TitledInput| async move { Ok(json!({"totalCount": i.title.len()})) },
    );
    let server = wiremock::MockServer::start().await;
    let toolkit = Toolkit::from_tools(
        vec![std::sync::Arc::new(tool)],
        clerk_tools::ToolContext::new(client(&server)),
        ToolkitOptions::default(),
    )
    .unwrap();
    let def = &toolkit.definitions()[0];
    assert!(
        def["inputSchema"]["properties"].get("title").is_some(),
        "{def:#}"
    );
    let result = toolkit
        .call("setTitle", args(json!({"title": "abc"})))
        .await
        .unwrap();
    assert_eq!(result, json!({"totalCount": 3}));
}
