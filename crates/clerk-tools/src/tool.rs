//! The tool abstraction: a name, a category, a title, a description, JSON Schemas for input and
//! output, annotations and an async call. [`TypedTool`] builds one from a typed input struct
//! (`Deserialize + JsonSchema`) and an async function over `clerk-api`.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::context::ToolContext;
use crate::error::{FieldError, ToolError};
use crate::risk::Risk;
use crate::schema;

/// A JSON object (schemas, arguments).
pub type JsonObject = Map<String, Value>;

/// The `_meta` key of a tool definition that holds its [`Risk`] class.
pub const RISK_META: &str = "clerk/risk";

/// The toolset a tool belongs to; the first half of its qualified name (`users.getUser`).
/// Toolsets are selected with `--toolsets` (default: [`Category::CORE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Category {
    /// Users, their metadata, bans and locks.
    Users,
    /// Organizations, memberships and organization invitations.
    Organizations,
    /// Application invitations.
    Invitations,
    /// Sessions.
    Sessions,
    /// Email addresses, phone numbers, passkeys, Web3 wallets, external accounts.
    Identifiers,
    /// Allow- and block-lists; actor, sign-in, testing and session tokens; passwords and MFA.
    Security,
    /// Instance settings, domains, redirect URLs.
    Instance,
    /// OAuth applications and OAuth access tokens.
    Oauth,
    /// JWT templates and the instance's JWKS.
    Jwt,
    /// Machines, M2M tokens and API keys.
    Machines,
    /// Organization roles, permissions and role sets.
    Roles,
    /// Enterprise and SAML connections, directories, organization domains, admin portal links.
    Enterprise,
    /// The waitlist.
    Waitlist,
    /// Webhooks (Svix).
    Webhooks,
    /// Billing: plans, prices, subscriptions, statements, credits.
    Billing,
    /// Agent tasks.
    Agents,
    /// Browser clients and sign-up attempts.
    Clients,
}

impl Category {
    /// Every toolset, in display order.
    pub const ALL: &'static [Category] = &[
        Category::Users,
        Category::Organizations,
        Category::Invitations,
        Category::Sessions,
        Category::Identifiers,
        Category::Security,
        Category::Instance,
        Category::Oauth,
        Category::Jwt,
        Category::Machines,
        Category::Roles,
        Category::Enterprise,
        Category::Waitlist,
        Category::Webhooks,
        Category::Billing,
        Category::Agents,
        Category::Clients,
    ];

    /// The toolsets served when `--toolsets` is not given: the toolkit's core.
    pub const CORE: &'static [Category] = &[
        Category::Users,
        Category::Organizations,
        Category::Invitations,
        Category::Sessions,
    ];

    /// The toolset's name as used in `--toolsets` and `--tools` patterns.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Users => "users",
            Category::Organizations => "organizations",
            Category::Invitations => "invitations",
            Category::Sessions => "sessions",
            Category::Identifiers => "identifiers",
            Category::Security => "security",
            Category::Instance => "instance",
            Category::Oauth => "oauth",
            Category::Jwt => "jwt",
            Category::Machines => "machines",
            Category::Roles => "roles",
            Category::Enterprise => "enterprise",
            Category::Waitlist => "waitlist",
            Category::Webhooks => "webhooks",
            Category::Billing => "billing",
            Category::Agents => "agents",
            Category::Clients => "clients",
        }
    }

    /// One line on what the toolset covers.
    pub fn description(self) -> &'static str {
        match self {
            Category::Users => "Users, their metadata, bans and locks",
            Category::Organizations => "Organizations, memberships and organization invitations",
            Category::Invitations => "Application invitations",
            Category::Sessions => "Sessions",
            Category::Identifiers => {
                "Email addresses, phone numbers, passkeys, Web3 wallets, external accounts"
            }
            Category::Security => {
                "Allow/block lists; actor, sign-in, testing and session tokens; passwords and MFA"
            }
            Category::Instance => "Instance settings, domains, redirect URLs",
            Category::Oauth => "OAuth applications and OAuth access tokens",
            Category::Jwt => "JWT templates and the instance's JWKS",
            Category::Machines => "Machines, M2M tokens and API keys",
            Category::Roles => "Organization roles, permissions and role sets",
            Category::Enterprise => {
                "Enterprise/SAML connections, directories, organization domains, admin portal links"
            }
            Category::Waitlist => "Waitlist entries",
            Category::Webhooks => "Webhooks (Svix)",
            Category::Billing => "Plans, prices, subscriptions, statements and credits",
            Category::Agents => "Agent tasks",
            Category::Clients => "Browser clients and sign-up attempts",
        }
    }

    /// The toolset with this name.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// MCP tool annotations (hints for clients; see the MCP spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotations {
    /// The tool does not change anything.
    pub read_only_hint: bool,
    /// The tool may destroy or irreversibly change data.
    pub destructive_hint: bool,
    /// Calling it twice with the same arguments has no further effect.
    pub idempotent_hint: bool,
    /// The tool reaches beyond the Clerk instance (e.g. sends an email).
    pub open_world_hint: bool,
}

impl Annotations {
    /// A read-only tool.
    pub const READ: Annotations = Annotations {
        read_only_hint: true,
        destructive_hint: false,
        idempotent_hint: true,
        open_world_hint: false,
    };

    /// A tool that writes without destroying anything.
    pub const fn write(idempotent: bool) -> Annotations {
        Annotations {
            read_only_hint: false,
            destructive_hint: false,
            idempotent_hint: idempotent,
            open_world_hint: false,
        }
    }

    /// A tool that deletes, revokes or overwrites.
    pub const fn destructive(idempotent: bool) -> Annotations {
        Annotations {
            read_only_hint: false,
            destructive_hint: true,
            idempotent_hint: idempotent,
            open_world_hint: false,
        }
    }

    /// The annotations as MCP JSON, leaving out hints equal to MCP's defaults (`readOnlyHint`
    /// false, `destructiveHint` true, `idempotentHint` false, `openWorldHint` true) and those
    /// that do not apply to read-only tools: what a client would assume anyway costs context
    /// and says nothing.
    pub fn to_mcp(self) -> Value {
        let mut m = serde_json::Map::new();
        if self.read_only_hint {
            m.insert("readOnlyHint".into(), Value::Bool(true));
        } else {
            if !self.destructive_hint {
                m.insert("destructiveHint".into(), Value::Bool(false));
            }
            if self.idempotent_hint {
                m.insert("idempotentHint".into(), Value::Bool(true));
            }
        }
        if !self.open_world_hint {
            m.insert("openWorldHint".into(), Value::Bool(false));
        }
        Value::Object(m)
    }

    /// The same, marked as reaching outside the instance (emails sent to people).
    pub const fn open_world(self) -> Annotations {
        Annotations {
            open_world_hint: true,
            ..self
        }
    }
}

/// What a tool returns, for its output schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// One Clerk object of this kind (`user`, `organization`, …).
    Object(&'static str),
    /// A page of Clerk objects: `{data, totalCount, hasMore, nextOffset}`.
    List(&'static str),
    /// A deleted-object reply: `{object, id, deleted}`.
    Deleted,
    /// `{totalCount}`.
    Count,
    /// `{userId, signedIn, …}` of `getUserId`.
    Caller,
    /// `{data: [...]}` of a bulk operation.
    Bulk(&'static str),
}

/// A tool, independent of any agent framework or protocol.
pub trait Tool: Send + Sync + 'static {
    /// Unique name, e.g. `getUser`.
    fn name(&self) -> &'static str;
    /// Category, e.g. [`Category::Users`].
    fn category(&self) -> Category;
    /// Human-readable title.
    fn title(&self) -> &'static str;
    /// When to use the tool and what it returns.
    fn description(&self) -> &'static str;
    /// Annotations.
    fn annotations(&self) -> Annotations;
    /// What the tool returns (drives its output schema and result shaping).
    fn output(&self) -> Output;
    /// Its risk class. The default follows the annotations (`read`, `write`, `destructive`);
    /// tools that create or reveal credentials, or change instance settings, say so.
    fn risk(&self) -> Risk {
        Risk::from_annotations(self.annotations())
    }
    /// Arguments that name the caller (`userId`, `organizationId`): when a caller is set they
    /// default to the caller's id and must not name anyone else.
    fn pinned_args(&self) -> &'static [&'static str] {
        &[]
    }
    /// JSON Schema (2020-12) of the arguments.
    fn input_schema(&self) -> Arc<JsonObject>;
    /// JSON Schema of the structured result.
    fn output_schema(&self) -> Arc<JsonObject>;
    /// Checks `args` against the input schema and returns them ready for [`Tool::call`]:
    /// explicit nulls are dropped (models send null for optional arguments), every bad field is
    /// reported at once, undeclared arguments are rejected. The default compiles the schema on
    /// every call; [`TypedTool`] compiles it once.
    fn validate(&self, args: JsonObject) -> Result<JsonObject, ToolError> {
        let schema = Value::Object((*self.input_schema()).clone());
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                ToolError::Precondition(format!("the tool's input schema is invalid: {e}"))
            })?;
        validate_with(&validator, self.name(), &self.input_schema(), args)
    }

    /// Runs the tool on arguments that [`Tool::validate`] accepted. The result is the raw
    /// Clerk JSON (the [`Pipeline`](crate::Pipeline) shapes it for output).
    fn call<'a>(
        &'a self,
        ctx: &'a ToolContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>>;

    /// `category.name`, as matched by `--tools` patterns.
    fn qualified_name(&self) -> String {
        format!("{}.{}", self.category(), self.name())
    }

    /// Whether the tool only reads.
    fn is_read_only(&self) -> bool {
        self.annotations().read_only_hint
    }

    /// The definition as MCP's `Tool` JSON (`name`, `title`, `description`, `inputSchema`,
    /// `outputSchema`, `annotations`, `_meta` with the risk class under `clerk/risk`): the one
    /// rendering of a tool, served by `tools/list`, exported by
    /// [`Toolkit::definitions`](crate::Toolkit::definitions) and shown by
    /// `clerkctl tools --json`. Annotation hints equal to MCP's defaults are left out
    /// (see [`Annotations::to_mcp`]). The [`Registry`](crate::Registry) adds the governance
    /// arguments (`confirm`, `dryRun`) and list tools' `view` to the input schema of the tools
    /// that take them.
    fn definition(&self) -> Value {
        // Built by hand: `json!` would copy each schema a second time (through `to_value`).
        let mut d = JsonObject::new();
        d.insert("name".into(), self.name().into());
        d.insert("title".into(), self.title().into());
        d.insert("description".into(), self.description().into());
        d.insert(
            "inputSchema".into(),
            Value::Object((*self.input_schema()).clone()),
        );
        d.insert(
            "outputSchema".into(),
            Value::Object((*self.output_schema()).clone()),
        );
        d.insert("annotations".into(), self.annotations().to_mcp());
        d.insert("_meta".into(), json!({RISK_META: self.risk().as_str()}));
        Value::Object(d)
    }
}

/// Validates `args` with a compiled validator (see [`Tool::validate`]).
pub(crate) fn validate_with(
    validator: &jsonschema::Validator,
    tool: &str,
    schema: &JsonObject,
    mut args: JsonObject,
) -> Result<JsonObject, ToolError> {
    args.retain(|_, v| !v.is_null());
    let value = Value::Object(args);
    let mut errors: Vec<FieldError> = validator
        .iter_errors(&value)
        .map(|e| schema::field_error(&e, schema).capped())
        .take(20)
        .collect();
    if errors.is_empty() {
        return match value {
            Value::Object(args) => Ok(args),
            _ => unreachable!("built from an object"),
        };
    }
    errors.dedup();
    Err(ToolError::InvalidArguments {
        tool: tool.to_string(),
        errors,
    })
}

type Handler<I> =
    dyn Fn(ToolContext, I) -> BoxFuture<'static, Result<Value, ToolError>> + Send + Sync;

/// A tool built from a typed input struct and an async function.
///
/// The input schema is derived with schemars from `I` (field docs become descriptions; limits,
/// enums and formats are expressed in it) the first time it is needed; arguments are validated
/// against it (every bad field reported at once, undeclared arguments rejected) before being
/// deserialized into `I`.
pub struct TypedTool<I> {
    name: &'static str,
    category: Category,
    title: &'static str,
    description: &'static str,
    annotations: Annotations,
    output: Output,
    input_schema: OnceLock<Arc<JsonObject>>,
    output_schema: OnceLock<Arc<JsonObject>>,
    validator: OnceLock<jsonschema::Validator>,
    pinned: &'static [&'static str],
    risk: Option<Risk>,
    handler: Box<Handler<I>>,
}

impl<I> TypedTool<I>
where
    I: DeserializeOwned + JsonSchema + Send + 'static,
{
    /// Builds a tool.
    pub fn new<F, Fut>(
        name: &'static str,
        category: Category,
        title: &'static str,
        description: &'static str,
        annotations: Annotations,
        output: Output,
        handler: F,
    ) -> Self
    where
        F: Fn(ToolContext, I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ToolError>> + Send + 'static,
    {
        TypedTool {
            name,
            category,
            title,
            description,
            annotations,
            output,
            input_schema: OnceLock::new(),
            output_schema: OnceLock::new(),
            validator: OnceLock::new(),
            pinned: &[],
            risk: None,
            handler: Box::new(move |ctx, input| Box::pin(handler(ctx, input))),
        }
    }

    /// Sets the risk class when the annotations do not say it (`credentials`, `instance`).
    pub fn risk(mut self, risk: Risk) -> Self {
        self.risk = Some(risk);
        self
    }

    /// Declares which arguments name the caller (see [`Tool::pinned_args`]).
    pub fn pin(mut self, args: &'static [&'static str]) -> Self {
        self.pinned = args;
        self
    }

    fn validator(&self) -> &jsonschema::Validator {
        self.validator.get_or_init(|| {
            let schema = Value::Object((*self.input_schema()).clone());
            jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("tool input schemas are valid JSON Schema")
        })
    }

    /// Validates `args` against the input schema and decodes them.
    pub fn parse(&self, args: JsonObject) -> Result<I, ToolError> {
        let args = validate_with(self.validator(), self.name, &self.input_schema(), args)?;
        self.decode(args)
    }

    fn decode(&self, args: JsonObject) -> Result<I, ToolError> {
        serde_json::from_value::<I>(Value::Object(args)).map_err(|e| ToolError::InvalidArguments {
            tool: self.name.to_string(),
            errors: vec![FieldError {
                field: String::new(),
                message: e.to_string(),
            }],
        })
    }
}

impl<I> Tool for TypedTool<I>
where
    I: DeserializeOwned + JsonSchema + Send + 'static,
{
    fn name(&self) -> &'static str {
        self.name
    }
    fn category(&self) -> Category {
        self.category
    }
    fn title(&self) -> &'static str {
        self.title
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn annotations(&self) -> Annotations {
        self.annotations
    }
    fn output(&self) -> Output {
        self.output
    }
    fn pinned_args(&self) -> &'static [&'static str] {
        self.pinned
    }
    fn risk(&self) -> Risk {
        self.risk
            .unwrap_or_else(|| Risk::from_annotations(self.annotations))
    }
    fn input_schema(&self) -> Arc<JsonObject> {
        self.input_schema
            .get_or_init(|| Arc::new(schema::input_schema::<I>()))
            .clone()
    }
    fn output_schema(&self) -> Arc<JsonObject> {
        self.output_schema
            .get_or_init(|| Arc::new(schema::output_schema(self.output)))
            .clone()
    }
    fn validate(&self, args: JsonObject) -> Result<JsonObject, ToolError> {
        validate_with(self.validator(), self.name, &self.input_schema(), args)
    }
    fn call<'a>(
        &'a self,
        ctx: &'a ToolContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>> {
        Box::pin(async move {
            let input = self.decode(args)?;
            (self.handler)(ctx.clone(), input).await
        })
    }
}
