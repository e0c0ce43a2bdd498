//! The signed-in policies decide from the caller and their memberships, deny by default, and
//! hide what they deny. The memberships are given here (the HTTP tests look them up for real).

use std::sync::Arc;

use clerk_api::Client;
use clerk_tools::{
    AuthMethod, Caller, Decision, MembershipGrant, OperatorsPolicy, Policy, Registry, SelfPolicy,
    ToolContext, ToolkitOptions,
};
use serde_json::json;

fn registry() -> Registry {
    Registry::new(ToolkitOptions {
        pin_to_caller: false,
        ..Default::default()
    })
    .unwrap()
}

fn ctx(user: Option<&str>, memberships: Vec<MembershipGrant>, auth: AuthMethod) -> ToolContext {
    let mut ctx = ToolContext::new(Client::new("sk_test_unused").unwrap()).with_auth(auth);
    if let Some(u) = user {
        ctx = ctx.with_caller(Caller::user(u));
    }
    ctx.memberships = Some(Arc::new(memberships));
    ctx
}

fn member(org: &str, role: &str, permissions: &[&str]) -> MembershipGrant {
    MembershipGrant {
        organization_id: org.into(),
        slug: Some(format!("{org}-slug")),
        role: role.into(),
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

fn oauth() -> AuthMethod {
    AuthMethod::OAuth {
        client_id: Some("client_1".into()),
        scopes: vec!["openid".into()],
    }
}

async fn decide(
    policy: &dyn Policy,
    reg: &Registry,
    tool: &str,
    args: serde_json::Value,
    ctx: &ToolContext,
) -> Decision {
    let tool = reg.get(tool).unwrap();
    policy
        .authorize(tool.as_ref(), args.as_object().unwrap(), ctx)
        .await
}

#[tokio::test]
async fn self_policy_own_account_and_permitted_organizations_only() {
    let reg = registry();
    let policy = SelfPolicy::new();
    let me = ctx(
        Some("user_me"),
        vec![
            member("org_admin", "org:admin", &[]),
            member("org_member", "org:member", &["org:sys_memberships:read"]),
        ],
        oauth(),
    );
    let visible: Vec<&str> = reg
        .tools()
        .iter()
        .filter(|t| policy.visible(t.as_ref(), &me))
        .map(|t| t.name())
        .collect();
    for t in [
        "getUserId",
        "getUser",
        "updateUser",
        "deleteOrganization",
        "getOrganization",
    ] {
        assert!(visible.contains(&t), "{t} should be visible: {visible:?}");
    }
    for t in [
        "getUserList",
        "createUser",
        "banUser",
        "getSessionList",
        "createInvitation",
    ] {
        assert!(!visible.contains(&t), "{t} should be hidden");
    }
    assert_eq!(
        decide(&policy, &reg, "getUser", json!({"userId": "user_me"}), &me).await,
        Decision::Allow
    );
    assert!(matches!(
        decide(
            &policy,
            &reg,
            "updateUser",
            json!({"userId": "user_other"}),
            &me
        )
        .await,
        Decision::Deny { .. }
    ));
    assert_eq!(
        decide(
            &policy,
            &reg,
            "deleteOrganization",
            json!({"organizationId": "org_admin"}),
            &me
        )
        .await,
        Decision::Allow
    );
    match decide(
        &policy,
        &reg,
        "deleteOrganization",
        json!({"organizationId": "org_member"}),
        &me,
    )
    .await
    {
        Decision::Deny { missing, .. } => {
            assert_eq!(missing.as_deref(), Some("org:sys_profile:delete"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        decide(
            &policy,
            &reg,
            "getOrganization",
            json!({"slug": "org_member-slug"}),
            &me
        )
        .await,
        Decision::Allow
    );
    assert!(matches!(
        decide(
            &policy,
            &reg,
            "getOrganization",
            json!({"organizationId": "org_stranger"}),
            &me
        )
        .await,
        Decision::Deny { .. }
    ));
    // No caller: nothing at all.
    let nobody = ctx(None, vec![], AuthMethod::StaticToken);
    assert!(
        reg.tools()
            .iter()
            .all(|t| !policy.visible(t.as_ref(), &nobody))
    );
}

#[tokio::test]
async fn operators_get_tools_by_level_and_machines_by_scope() {
    let reg = registry();
    let policy = OperatorsPolicy::new("org_ops");
    let visible = |ctx: &ToolContext| -> Vec<&'static str> {
        reg.tools()
            .iter()
            .filter(|t| policy.visible(t.as_ref(), ctx))
            .map(|t| t.name())
            .collect()
    };
    let reader = ctx(
        Some("user_r"),
        vec![member(
            "org_ops",
            "org:clerk_mcp_reader",
            &["org:clerk_mcp:read"],
        )],
        oauth(),
    );
    let v = visible(&reader);
    assert!(v.contains(&"getUserList") && !v.contains(&"updateUser") && !v.contains(&"deleteUser"));
    match decide(
        &policy,
        &reg,
        "deleteUser",
        json!({"userId": "user_x"}),
        &reader,
    )
    .await
    {
        Decision::Deny { missing, .. } => {
            assert_eq!(missing.as_deref(), Some("org:clerk_mcp:destructive"))
        }
        other => panic!("{other:?}"),
    }
    let writer = ctx(
        Some("user_w"),
        vec![member("org_ops", "org:member", &["org:clerk_mcp:write"])],
        oauth(),
    );
    assert!(visible(&writer).contains(&"updateUser") && !visible(&writer).contains(&"banUser"));
    let admin = ctx(
        Some("user_a"),
        vec![member("org_ops", "org:admin", &[])],
        oauth(),
    );
    assert_eq!(visible(&admin).len(), reg.tools().len());
    // Membership of another organization grants nothing.
    let elsewhere = ctx(
        Some("user_e"),
        vec![member("org_other", "org:admin", &[])],
        oauth(),
    );
    assert!(visible(&elsewhere).is_empty());
    // Machines: levels or single tools in their scopes.
    let machine = ctx(
        None,
        vec![],
        AuthMethod::Machine {
            subject: "mch_1".into(),
            scopes: vec!["clerk_mcp:read".into(), "clerk_mcp:tool:lockUser".into()],
        },
    );
    let v = visible(&machine);
    assert!(v.contains(&"getUser") && v.contains(&"lockUser") && !v.contains(&"banUser"));
}
