//! The policies for signed-in callers (`clerk-mcp --auth clerk --policy self|operators`). Both
//! deny by default: a tool is listed and callable only when the policy says so.
//!
//! * [`SelfPolicy`]: people manage their own account. User tools act only on the caller
//!   (`userId` must be theirs); organization tools act only on organizations where the caller's
//!   membership holds the Clerk system permission the tool needs
//!   (`org:sys_memberships:read` to read, `org:sys_profile:manage` to update,
//!   `org:sys_profile:delete` to delete, `org:sys_memberships:manage` for members and
//!   invitations). Everything else is hidden.
//! * [`OperatorsPolicy`]: a team of admins. Membership of one operators organization grants
//!   tools by risk through custom permissions `org:clerk_mcp:read`, `…:write`, `…:destructive`,
//!   `…:credentials`, `…:instance` (each implies the ones before it); the `org:admin` role grants
//!   all. API keys and M2M tokens name the same levels in their scopes (`clerk_mcp:write`), or
//!   single tools (`clerk_mcp:tool:getUser`).
//!
//! Memberships are looked up through the Backend API ([`Policy::prepare`]) and cached for
//! [`MEMBERSHIP_TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::context::{AuthMethod, MembershipGrant, ToolContext};
use crate::error::ToolError;
use crate::policy::{Decision, Policy};
use crate::risk::Risk;
use crate::tool::{JsonObject, Tool};

/// How long a caller's memberships are reused.
pub const MEMBERSHIP_TTL: Duration = Duration::from_secs(30);

/// Looks up and caches callers' memberships (by tenant and user).
#[derive(Default)]
struct Memberships {
    cache: Mutex<HashMap<(String, String), Looked>>,
}

/// When a caller's memberships were looked up, and what they were.
type Looked = (Instant, Arc<Vec<MembershipGrant>>);

impl Memberships {
    async fn of(
        &self,
        ctx: &ToolContext,
        user_id: &str,
    ) -> Result<Arc<Vec<MembershipGrant>>, ToolError> {
        let key = (ctx.client.key_fingerprint(), user_id.to_string());
        if let Some((at, m)) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            && at.elapsed() < MEMBERSHIP_TTL
        {
            return Ok(m.clone());
        }
        let page = ctx
            .client
            .users()
            .organization_memberships(user_id)
            .limit(500)
            .send()
            .await?;
        let grants: Vec<MembershipGrant> = page
            .data
            .into_iter()
            .filter_map(|m| {
                let org = m.organization?;
                Some(MembershipGrant {
                    organization_id: org.id,
                    slug: org.slug,
                    role: m.role,
                    permissions: m.permissions,
                })
            })
            .collect();
        let grants = Arc::new(grants);
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < MEMBERSHIP_TTL);
        }
        cache.insert(key, (Instant::now(), grants.clone()));
        Ok(grants)
    }
}

/// Tools a person may use on their own account.
const SELF_USER_TOOLS: &[&str] = &[
    "getUserId",
    "getUser",
    "updateUser",
    "updateUserPublicMetadata",
    "updateUserUnsafeMetadata",
    "getOrganizationMembershipListForUser",
    "deleteUser",
];

/// The system permission an organization tool needs.
fn org_permission(tool: &str) -> Option<&'static str> {
    Some(match tool {
        "getOrganization"
        | "getOrganizationMembershipList"
        | "getOrganizationInvitationList"
        | "getOrganizationInvitation" => "org:sys_memberships:read",
        "updateOrganization" | "updateOrganizationMetadata" => "org:sys_profile:manage",
        "deleteOrganization" => "org:sys_profile:delete",
        "createOrganizationMembership"
        | "updateOrganizationMembership"
        | "updateOrganizationMembershipMetadata"
        | "deleteOrganizationMembership"
        | "createOrganizationInvitation"
        | "revokeOrganizationInvitation"
        | "createOrganizationInvitationBulk" => "org:sys_memberships:manage",
        _ => return None,
    })
}

fn holds(m: &MembershipGrant, permission: &str) -> bool {
    m.role == "org:admin" || m.permissions.iter().any(|p| p == permission)
}

/// People manage their own account (see the module docs).
#[derive(Default)]
pub struct SelfPolicy {
    memberships: Memberships,
}

impl SelfPolicy {
    /// The policy.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Policy for SelfPolicy {
    fn name(&self) -> &'static str {
        "self"
    }

    fn prepares(&self) -> bool {
        true
    }

    fn prepare<'a>(&'a self, ctx: &'a mut ToolContext) -> BoxFuture<'a, Result<(), ToolError>> {
        Box::pin(async move {
            if let Some(user) = ctx.caller.as_ref().map(|c| c.user_id.clone()) {
                ctx.memberships = Some(self.memberships.of(ctx, &user).await?);
            }
            Ok(())
        })
    }

    fn visible(&self, tool: &dyn Tool, ctx: &ToolContext) -> bool {
        if ctx.caller.is_none() {
            return false;
        }
        if SELF_USER_TOOLS.contains(&tool.name()) {
            return true;
        }
        match (org_permission(tool.name()), &ctx.memberships) {
            (Some(p), Some(ms)) => ms.iter().any(|m| holds(m, p)),
            _ => false,
        }
    }

    fn authorize<'a>(
        &'a self,
        tool: &'a dyn Tool,
        args: &'a JsonObject,
        ctx: &'a ToolContext,
    ) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            let Some(caller) = &ctx.caller else {
                return Decision::deny("this server acts only for a signed-in user");
            };
            if SELF_USER_TOOLS.contains(&tool.name()) {
                return match args.get("userId").and_then(Value::as_str) {
                    None if tool.name() == "getUserId" => Decision::Allow,
                    Some(id) if id == caller.user_id => Decision::Allow,
                    None => {
                        Decision::deny(format!("give userId: your own id is {}", caller.user_id))
                    }
                    Some(_) => Decision::deny(
                        "you may only manage your own account (userId must be yours; getUserId tells it)",
                    ),
                };
            }
            let Some(permission) = org_permission(tool.name()) else {
                return Decision::deny("this tool is not available to signed-in users");
            };
            let ms = ctx
                .memberships
                .as_deref()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let org = args.get("organizationId").and_then(Value::as_str);
            let slug = args.get("slug").and_then(Value::as_str);
            let membership = ms.iter().find(|m| {
                Some(m.organization_id.as_str()) == org
                    || (org.is_none() && slug.is_some() && m.slug.as_deref() == slug)
            });
            match membership {
                Some(m) if holds(m, permission) => Decision::Allow,
                Some(_) => Decision::deny_missing(
                    "your role in this organization does not allow this",
                    permission,
                ),
                None => Decision::deny("you are not a member of this organization"),
            }
        })
    }
}

/// A team of admins (see the module docs).
pub struct OperatorsPolicy {
    organization_id: String,
    memberships: Memberships,
}

impl OperatorsPolicy {
    /// Operators are the members of `organization_id`.
    pub fn new(organization_id: impl Into<String>) -> Self {
        OperatorsPolicy {
            organization_id: organization_id.into(),
            memberships: Memberships::default(),
        }
    }

    /// The highest risk the caller may use, and single tools granted by name.
    fn grant(&self, ctx: &ToolContext) -> (Option<Risk>, Vec<String>) {
        let scopes: &[String] = match &ctx.auth {
            AuthMethod::Machine { scopes, .. } => scopes,
            _ => &[],
        };
        let mut level: Option<Risk> = None;
        let mut tools = Vec::new();
        let mut raise = |r: Risk| level = Some(level.map_or(r, |l| l.max(r)));
        for s in scopes {
            if let Some(name) = s.strip_prefix("clerk_mcp:tool:") {
                tools.push(name.to_string());
            } else if let Some(r) = s
                .strip_prefix("clerk_mcp:")
                .and_then(|r| r.parse::<Risk>().ok())
            {
                raise(r);
            }
        }
        if let Some(m) = ctx.memberships.as_deref().and_then(|ms| {
            ms.iter()
                .find(|m| m.organization_id == self.organization_id)
        }) {
            if m.role == "org:admin" {
                raise(Risk::Instance);
            }
            for p in &m.permissions {
                if let Some(r) = p
                    .strip_prefix("org:clerk_mcp:")
                    .and_then(|r| r.parse::<Risk>().ok())
                {
                    raise(r);
                }
            }
        }
        (level, tools)
    }
}

impl Policy for OperatorsPolicy {
    fn name(&self) -> &'static str {
        "operators"
    }

    fn prepares(&self) -> bool {
        true
    }

    fn prepare<'a>(&'a self, ctx: &'a mut ToolContext) -> BoxFuture<'a, Result<(), ToolError>> {
        Box::pin(async move {
            let user = ctx
                .caller
                .as_ref()
                .map(|c| c.user_id.clone())
                .filter(|u| u.starts_with("user_"));
            if let Some(user) = user {
                ctx.memberships = Some(self.memberships.of(ctx, &user).await?);
            }
            Ok(())
        })
    }

    fn visible(&self, tool: &dyn Tool, ctx: &ToolContext) -> bool {
        let (level, tools) = self.grant(ctx);
        level.is_some_and(|l| tool.risk() <= l) || tools.iter().any(|t| t == tool.name())
    }

    fn authorize<'a>(
        &'a self,
        tool: &'a dyn Tool,
        _args: &'a JsonObject,
        ctx: &'a ToolContext,
    ) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            if self.visible(tool, ctx) {
                return Decision::Allow;
            }
            let needed = format!("org:clerk_mcp:{}", tool.risk());
            Decision::deny_missing(
                format!(
                    "operators need the {} level for {}",
                    tool.risk(),
                    tool.name()
                ),
                needed,
            )
        })
    }
}
