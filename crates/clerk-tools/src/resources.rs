//! Resources: Clerk objects addressed by URI (`clerk://users/{userId}`, …), for front-ends that
//! let an agent or a person attach an object to a conversation instead of calling a tool.
//!
//! The mapping is data: each [`ResourceTemplate`] names the tool that reads it, and reading a
//! resource is a [`Pipeline::call`] of that tool, so visibility, caller pinning, the policy,
//! result shaping (masking) and the audit trail apply exactly as for a tool call. Nothing here
//! depends on MCP.
//!
//! Completion ([`complete`]) of a template variable is a `getUserList` / `getOrganizationList`
//! call with `query`, through the pipeline as well.

use serde_json::{Map, Value, json};

use crate::error::ToolError;
use crate::registry::CallError;
use crate::{JsonObject, Pipeline, ToolContext};

/// The URI scheme of every resource.
pub const SCHEME: &str = "clerk://";

/// MIME type of every resource's contents (the tool's JSON result).
pub const MIME_TYPE: &str = "application/json";

/// At most this many completion values are returned.
pub const MAX_COMPLETIONS: usize = 10;

/// Template variable naming a user.
pub const USER_ID: &str = "userId";
/// Template variable naming an organization by slug or id.
pub const SLUG_OR_ID: &str = "slugOrId";

/// Which object a template addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `clerk://users/{userId}`.
    User,
    /// `clerk://organizations/{slugOrId}`.
    Organization,
    /// `clerk://organizations/{slugOrId}/memberships`.
    Memberships,
}

/// One URI template (RFC 6570 level 1) and the tools that read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceTemplate {
    /// What it addresses.
    pub kind: Kind,
    /// The URI template, e.g. `clerk://users/{userId}`.
    pub uri_template: &'static str,
    /// Short name.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What reading it returns.
    pub description: &'static str,
    /// Every tool a read may call; the template is offered only when all are visible.
    pub tools: &'static [&'static str],
}

/// Every template, in a stable order.
pub const TEMPLATES: &[ResourceTemplate] = &[
    ResourceTemplate {
        kind: Kind::User,
        uri_template: "clerk://users/{userId}",
        name: "user",
        title: "Clerk user",
        description: "One user by id (user_…): names, email addresses, phone numbers, metadata, ban/lock state, timestamps. Same as the getUser tool.",
        tools: &["getUser"],
    },
    ResourceTemplate {
        kind: Kind::Organization,
        uri_template: "clerk://organizations/{slugOrId}",
        name: "organization",
        title: "Clerk organization",
        description: "One organization by slug or id (org_…), with its member count. Same as the getOrganization tool.",
        tools: &["getOrganization"],
    },
    ResourceTemplate {
        kind: Kind::Memberships,
        uri_template: "clerk://organizations/{slugOrId}/memberships",
        name: "organization-memberships",
        title: "Clerk organization memberships",
        description: "The first 100 memberships of an organization (by slug or id): each member's user and role. Same as the getOrganizationMembershipList tool.",
        tools: &["getOrganization", "getOrganizationMembershipList"],
    },
];

/// Page size of a memberships read.
const MEMBERSHIPS_LIMIT: u32 = 100;

/// Why a URI names no resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    /// Not a `clerk://` URI of a known template.
    #[error(
        "{uri:?} is not a Clerk resource URI; expected one of {}",
        template_list()
    )]
    Malformed {
        /// The URI given.
        uri: String,
    },
    /// A known template, but a variable is empty or not usable.
    #[error("{uri:?} has an invalid {{{variable}}}: {reason}; expected {template}")]
    InvalidVariable {
        /// The URI given.
        uri: String,
        /// The variable.
        variable: &'static str,
        /// What is wrong.
        reason: &'static str,
        /// The template it matched.
        template: &'static str,
    },
    /// A known template whose tools this caller cannot use.
    #[error("{uri:?} is not available here: this server does not give you {tool}")]
    Unavailable {
        /// The URI given.
        uri: String,
        /// The tool not visible to the caller.
        tool: &'static str,
    },
}

/// Every URI template, comma-separated (for error messages).
pub fn template_list() -> String {
    TEMPLATES
        .iter()
        .map(|t| t.uri_template)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A parsed resource URI: its template and the value of its one variable (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The template it matched.
    pub template: &'static ResourceTemplate,
    /// The variable's value.
    pub value: String,
}

impl Parsed {
    /// The tool call that reads it, as `(tool, arguments)`. For memberships by slug this is the
    /// organization look-up; [`read`] then lists the memberships of the id it returns.
    pub fn call(&self) -> (&'static str, JsonObject) {
        let args = match self.template.kind {
            Kind::User => json!({"userId": self.value}),
            Kind::Organization => {
                let mut a = organization_key(&self.value);
                a.insert("includeMembersCount".into(), Value::Bool(true));
                Value::Object(a)
            }
            Kind::Memberships if is_org_id(&self.value) => {
                return (
                    "getOrganizationMembershipList",
                    memberships_args(&self.value),
                );
            }
            Kind::Memberships => Value::Object(organization_key(&self.value)),
        };
        let tool = match self.template.kind {
            Kind::User => "getUser",
            Kind::Organization | Kind::Memberships => "getOrganization",
        };
        (tool, args.as_object().cloned().unwrap_or_default())
    }
}

fn is_org_id(v: &str) -> bool {
    v.starts_with("org_")
}

fn organization_key(v: &str) -> Map<String, Value> {
    let key = if is_org_id(v) {
        "organizationId"
    } else {
        "slug"
    };
    let mut m = Map::new();
    m.insert(key.into(), Value::String(v.to_string()));
    m
}

fn memberships_args(organization_id: &str) -> JsonObject {
    json!({"organizationId": organization_id, "limit": MEMBERSHIPS_LIMIT})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

/// Parses a `clerk://` URI against [`TEMPLATES`].
pub fn parse(uri: &str) -> Result<Parsed, ResourceError> {
    let malformed = || ResourceError::Malformed {
        uri: uri.to_string(),
    };
    let rest = uri.strip_prefix(SCHEME).ok_or_else(malformed)?;
    // No query or fragment: these resources take none.
    if rest.contains(['?', '#']) {
        return Err(malformed());
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let (template, raw) = match segments.as_slice() {
        ["users", v] => (&TEMPLATES[0], *v),
        ["organizations", v] => (&TEMPLATES[1], *v),
        ["organizations", v, "memberships"] => (&TEMPLATES[2], *v),
        _ => return Err(malformed()),
    };
    let variable = match template.kind {
        Kind::User => USER_ID,
        Kind::Organization | Kind::Memberships => SLUG_OR_ID,
    };
    let invalid = |reason| ResourceError::InvalidVariable {
        uri: uri.to_string(),
        variable,
        reason,
        template: template.uri_template,
    };
    let value = percent_decode(raw).ok_or_else(|| invalid("it is not valid percent-encoding"))?;
    if value.trim().is_empty() {
        return Err(invalid("it is empty"));
    }
    if value.contains('/') || value.chars().any(char::is_control) {
        return Err(invalid("it contains '/' or a control character"));
    }
    if template.kind == Kind::User && !value.starts_with("user_") {
        return Err(invalid(
            "a user id starts with user_ (find one with getUserList)",
        ));
    }
    Ok(Parsed { template, value })
}

/// Decodes `%XX` escapes; `None` when an escape is broken or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a value for a URI path segment (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    let mut s = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The templates this context may read (every tool of theirs visible), in order.
pub fn templates_for(pipeline: &Pipeline, ctx: &ToolContext) -> Vec<&'static ResourceTemplate> {
    TEMPLATES
        .iter()
        .filter(|t| hidden_tool(pipeline, ctx, t).is_none())
        .collect()
}

/// The first tool of `t` this context cannot see.
fn hidden_tool(
    pipeline: &Pipeline,
    ctx: &ToolContext,
    t: &ResourceTemplate,
) -> Option<&'static str> {
    t.tools.iter().copied().find(|name| {
        !pipeline
            .registry()
            .get(name)
            .is_some_and(|tool| pipeline.is_visible(tool.as_ref(), ctx))
    })
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The URI names no resource (or none this caller may read).
    #[error(transparent)]
    Resource(#[from] ResourceError),
    /// The tool call failed (Clerk said 404, the policy refused, …).
    #[error(transparent)]
    Call(#[from] CallError),
}

impl ReadError {
    /// Whether the URI is well-formed and Clerk has no such object.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Call(CallError::Tool(ToolError::Api(e))) if e.is_not_found())
    }
}

/// A resource's contents: the reading tool's JSON result.
#[derive(Debug, Clone, PartialEq)]
pub struct Contents {
    /// The URI read.
    pub uri: String,
    /// [`MIME_TYPE`].
    pub mime_type: &'static str,
    /// The tool's result (shaped and masked by the pipeline).
    pub value: Value,
}

impl Contents {
    /// The contents as pretty JSON text.
    pub fn text(&self) -> String {
        serde_json::to_string_pretty(&self.value).unwrap_or_else(|_| self.value.to_string())
    }
}

/// Reads a resource: [`parse`], then the tool call(s) through [`Pipeline::call`].
pub async fn read(
    pipeline: &Pipeline,
    ctx: &ToolContext,
    uri: &str,
) -> Result<Contents, ReadError> {
    let parsed = parse(uri)?;
    if let Some(tool) = hidden_tool(pipeline, ctx, parsed.template) {
        return Err(ResourceError::Unavailable {
            uri: uri.to_string(),
            tool,
        }
        .into());
    }
    let (tool, args) = parsed.call();
    let mut value = pipeline.call(ctx, tool, Some(args)).await?;
    if parsed.template.kind == Kind::Memberships && tool == "getOrganization" {
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                CallError::Tool(ToolError::Precondition(format!(
                    "getOrganization returned no id for {:?}",
                    parsed.value
                )))
            })?
            .to_string();
        value = pipeline
            .call(
                ctx,
                "getOrganizationMembershipList",
                Some(memberships_args(&id)),
            )
            .await?;
    }
    Ok(Contents {
        uri: uri.to_string(),
        mime_type: MIME_TYPE,
        value,
    })
}

/// Completion values for a template or prompt argument: up to [`MAX_COMPLETIONS`] user ids
/// (`userId`, `user`) or organization slugs (`slugOrId`; ids when the prefix is an id)
/// matching the typed prefix, by a list tool's `query`. Other arguments have none. A caller
/// who cannot see the list tool gets none.
pub async fn complete(
    pipeline: &Pipeline,
    ctx: &ToolContext,
    argument: &str,
    value: &str,
) -> Result<Vec<String>, CallError> {
    let query = value.trim();
    // Ids for an id prefix (Clerk matches organization ids exactly), slugs otherwise.
    let (tool, field) = match argument {
        USER_ID | "user" => ("getUserList", "id"),
        SLUG_OR_ID if is_org_id(query) => ("getOrganizationList", "id"),
        SLUG_OR_ID => ("getOrganizationList", "slug"),
        _ => return Ok(Vec::new()),
    };
    let mut args = json!({"limit": MAX_COMPLETIONS});
    if !query.is_empty() {
        args["query"] = Value::String(query.to_string());
    }
    let visible = pipeline
        .registry()
        .get(tool)
        .is_some_and(|t| pipeline.is_visible(t.as_ref(), ctx));
    if !visible {
        return Ok(Vec::new());
    }
    let result = pipeline.call(ctx, tool, args.as_object().cloned()).await?;
    let values = result
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            item.get(field)
                .and_then(Value::as_str)
                .or_else(|| item.get("id").and_then(Value::as_str))
        })
        .map(str::to_string)
        .take(MAX_COMPLETIONS)
        .collect();
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_template() {
        let p = parse("clerk://users/user_123").unwrap();
        assert_eq!(p.template.kind, Kind::User);
        assert_eq!(
            p.call(),
            (
                "getUser",
                json!({"userId": "user_123"}).as_object().cloned().unwrap()
            )
        );

        let p = parse("clerk://organizations/acme").unwrap();
        assert_eq!(p.template.kind, Kind::Organization);
        assert_eq!(
            p.call(),
            (
                "getOrganization",
                json!({"slug": "acme", "includeMembersCount": true})
                    .as_object()
                    .cloned()
                    .unwrap()
            )
        );
        let p = parse("clerk://organizations/org_9").unwrap();
        assert_eq!(p.call().1["organizationId"], "org_9");

        let p = parse("clerk://organizations/org_9/memberships").unwrap();
        assert_eq!(p.template.kind, Kind::Memberships);
        assert_eq!(
            p.call(),
            (
                "getOrganizationMembershipList",
                json!({"organizationId": "org_9", "limit": 100})
                    .as_object()
                    .cloned()
                    .unwrap()
            )
        );
        // By slug, the organization is looked up first.
        let p = parse("clerk://organizations/acme/memberships").unwrap();
        assert_eq!(p.call().0, "getOrganization");

        let p = parse("clerk://organizations/a%20b").unwrap();
        assert_eq!(p.value, "a b");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(
            parse(&format!("clerk://organizations/{}", encode("x y")))
                .unwrap()
                .value,
            "x y"
        );
    }

    #[test]
    fn malformed_uris_say_what_was_expected() {
        for uri in [
            "https://users/user_1",
            "clerk://users",
            "clerk://users/",
            "clerk://sessions/sess_1",
            "clerk://users/user_1/extra",
            "clerk://users/user_1?x=1",
            "clerk://organizations/acme/members",
        ] {
            let e = parse(uri).unwrap_err();
            let msg = e.to_string();
            if uri == "clerk://users/" {
                assert!(msg.contains("{userId}") && msg.contains("empty"), "{msg}");
                continue;
            }
            assert!(matches!(e, ResourceError::Malformed { .. }), "{uri}: {e:?}");
            for t in TEMPLATES {
                assert!(msg.contains(t.uri_template), "{msg}");
            }
        }
        let e = parse("clerk://users/ada@example.com").unwrap_err();
        assert!(e.to_string().contains("user_"), "{e}");
        let e = parse("clerk://organizations/a%2Fb").unwrap_err();
        assert!(e.to_string().contains("'/'"), "{e}");
        let e = parse("clerk://organizations/%zz").unwrap_err();
        assert!(e.to_string().contains("percent-encoding"), "{e}");
    }

    #[test]
    fn every_template_names_existing_tools_and_its_own_variable() {
        let names: Vec<&str> = crate::tools::all().iter().map(|t| t.name()).collect();
        for t in TEMPLATES {
            for tool in t.tools {
                assert!(names.contains(tool), "{tool}");
            }
            let variable = match t.kind {
                Kind::User => USER_ID,
                Kind::Organization | Kind::Memberships => SLUG_OR_ID,
            };
            assert!(
                t.uri_template.contains(&format!("{{{variable}}}")),
                "{} should name {{{variable}}}",
                t.uri_template
            );
            // A URI made from the template parses back to it, with the value given.
            let sample = match t.kind {
                Kind::User => "user_2abc",
                Kind::Organization | Kind::Memberships => "acme",
            };
            let uri = t.uri_template.replace(&format!("{{{variable}}}"), sample);
            let parsed = parse(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
            assert_eq!(parsed.template.kind, t.kind, "{uri}");
            assert_eq!(parsed.value, sample, "{uri}");
        }
    }
}
