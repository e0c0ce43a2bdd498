//! The [`Registry`]: the set of tools a front-end serves, chosen once with `--tools` patterns and
//! `--read-only`, with lookup by name and one rendering of every definition; and the
//! [`Toolkit`], a [`Pipeline`] plus a default context, for programs that just want to call tools.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use clerk_api::Client;
use serde_json::Value;

use crate::confirm::CONFIRM_ARG;
use crate::context::{Caller, ToolContext};
use crate::dry_run::DRY_RUN_ARG;
use crate::error::ToolError;
use crate::event::EventSink;
use crate::mask::SecretClass;
use crate::output::VIEW_ARG;
use crate::pipeline::Pipeline;
use crate::policy::Policy;
use crate::risk::Risk;
use crate::tool::{Category, JsonObject, Tool};

/// How a registry is built.
#[derive(Debug, Clone)]
pub struct ToolkitOptions {
    /// Scoping patterns, compatible with `@clerk/agent-toolkit`'s `--tools`: `*`, `users`,
    /// `users.*`, `users.getUserCount`, globs such as `users.get*` or `*.get*List`, or a bare
    /// tool name. Several may be given (also comma- or space-separated in one string). Empty
    /// means every tool.
    pub tools: Vec<String>,
    /// Toolsets to serve (see [`Category`]): names such as `users`, `jwt`, `machines`, or
    /// `all`. Empty means [`Category::CORE`] (users, organizations, invitations, sessions) when
    /// no `tools` pattern is given, and every toolset when one is (so `--tools jwt.*` works
    /// alone). `tools` patterns then narrow the selected toolsets.
    pub toolsets: Vec<String>,
    /// Keep only read-only tools. Wins over `tools`.
    pub read_only: bool,
    /// Keep `private_metadata` in results (removed everywhere by default).
    pub allow_private_metadata: bool,
    /// When the context has a caller, `userId` / `organizationId` arguments default to the
    /// caller's and must not name anyone else; tools pinned to an organization are hidden from
    /// a caller with no active organization. Default true. This narrows what a signed-in
    /// caller's calls can name; who may call what at all is the [`Policy`]'s decision.
    pub pin_to_caller: bool,
    /// Serve only tools up to this risk (`--max-risk write`: no destructive, credential or
    /// instance tools). `read_only` is `Some(Risk::Read)`.
    pub max_risk: Option<Risk>,
    /// Risk classes whose calls need the person's confirmation (see [`crate::confirm`]).
    /// Default: `destructive`, `credentials`, `instance`. Empty turns confirmation off.
    pub confirm: BTreeSet<Risk>,
    /// Secret classes shown unmasked in results (see [`crate::mask`]). Default: none.
    pub reveal: BTreeSet<SecretClass>,
}

/// The risk classes confirmed by default.
pub fn default_confirm() -> BTreeSet<Risk> {
    [Risk::Destructive, Risk::Credentials, Risk::Instance]
        .into_iter()
        .collect()
}

impl Default for ToolkitOptions {
    fn default() -> Self {
        ToolkitOptions {
            tools: Vec::new(),
            toolsets: Vec::new(),
            read_only: false,
            allow_private_metadata: false,
            pin_to_caller: true,
            max_risk: None,
            confirm: default_confirm(),
            reveal: BTreeSet::new(),
        }
    }
}

/// A `--tools` pattern that matched no tool.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{flag} `{pattern}` matches no tool. Use {}",
    if *flag == "--toolsets" { format!("`all` or toolsets from: {categories}") } else { format!("`*`, a toolset ({categories}), `toolset.*`, `toolset.toolName`, a glob such as `users.get*`, or a risk class such as `risk:read`") }
)]
pub struct ScopeError {
    /// The flag: `--tools` or `--toolsets`.
    pub flag: &'static str,
    /// The pattern.
    pub pattern: String,
    /// The categories, comma-separated.
    pub categories: String,
}

/// Why a call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// No tool of that name is served to this caller (unknown, filtered out by scoping, or
    /// hidden by the policy: the three are not told apart).
    #[error("Unknown tool: {0}")]
    UnknownTool(String),
    /// The tool was called and failed (arguments, policy, Clerk).
    #[error(transparent)]
    Tool(#[from] ToolError),
}

/// The tools a front-end serves: selected once, immutable, shared by every request.
pub struct Registry {
    tools: Vec<Arc<dyn Tool>>,
    index: HashMap<&'static str, usize>,
    options: ToolkitOptions,
    definitions: OnceLock<Vec<Value>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("tools", &self.names())
            .field("options", &self.options)
            .finish()
    }
}

impl Registry {
    /// Every tool of this crate, scoped by `options`.
    pub fn new(options: ToolkitOptions) -> Result<Self, ScopeError> {
        Self::from_tools(crate::tools::all(), options)
    }

    /// A registry over the given tools (e.g. this crate's plus your own), scoped by `options`.
    /// Names must be unique: a later tool with the name of an earlier one is dropped.
    pub fn from_tools(
        tools: Vec<Arc<dyn Tool>>,
        options: ToolkitOptions,
    ) -> Result<Self, ScopeError> {
        let toolsets = toolsets(&options)?;
        let selected = select(&tools, &options.tools)?;
        let mut index = HashMap::with_capacity(tools.len());
        let mut kept: Vec<Arc<dyn Tool>> = Vec::with_capacity(tools.len());
        for (tool, keep) in tools.into_iter().zip(selected) {
            let too_risky = options.max_risk.is_some_and(|max| tool.risk() > max);
            let in_toolset = toolsets.contains(&tool.category());
            if !keep || !in_toolset || too_risky || (options.read_only && !tool.is_read_only()) {
                continue;
            }
            if index.contains_key(tool.name()) {
                tracing::warn!(tool = tool.name(), "duplicate tool name; keeping the first");
                continue;
            }
            index.insert(tool.name(), kept.len());
            kept.push(tool);
        }
        Ok(Registry {
            tools: kept,
            index,
            options,
            definitions: OnceLock::new(),
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &ToolkitOptions {
        &self.options
    }

    /// The tools, in a stable order (the official toolkit's first, then by category).
    pub fn tools(&self) -> &[Arc<dyn Tool>] {
        &self.tools
    }

    /// Tool names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.tools.iter().map(|t| t.name()).collect()
    }

    /// A tool and its position by name.
    pub fn lookup(&self, name: &str) -> Option<(usize, &Arc<dyn Tool>)> {
        self.index.get(name).map(|&i| (i, &self.tools[i]))
    }

    /// A tool by name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.lookup(name).map(|(_, t)| t)
    }

    /// Every definition ([`Tool::definition`]), in order, rendered once.
    pub fn definitions(&self) -> &[Value] {
        self.definitions.get_or_init(|| {
            self.tools
                .iter()
                .map(|t| {
                    let mut d = t.definition();
                    let props = d["inputSchema"].as_object_mut().map(|s| {
                        s.entry("properties")
                            .or_insert_with(|| Value::Object(Default::default()))
                    });
                    if let Some(Value::Object(props)) = props {
                        if self.takes_dry_run(t.as_ref()) {
                            props.insert(
                                DRY_RUN_ARG.into(),
                                // Explained once in the server instructions, not in every tool.
                                serde_json::json!({"type": "boolean"}),
                            );
                        }
                        if self.takes_view(t.as_ref()) {
                            props.insert(
                                VIEW_ARG.into(),
                                // Explained once in the server instructions, like `dryRun`.
                                serde_json::json!({"type": "string", "enum": crate::output::View::NAMES}),
                            );
                        }
                        if self.takes_confirm(t.as_ref()) {
                            props.insert(CONFIRM_ARG.into(), serde_json::json!({"type": "string"}));
                        }
                    }
                    d
                })
                .collect()
        })
    }

    /// Whether calls of `tool` need confirmation ([`ToolkitOptions::confirm`]); such tools take
    /// a `confirm` argument.
    pub fn takes_confirm(&self, tool: &dyn Tool) -> bool {
        self.options.confirm.contains(&tool.risk())
    }

    /// Whether `tool` takes `view` (every list tool: summaries by default, `full` for every
    /// field; see [`crate::output::View`]).
    pub fn takes_view(&self, tool: &dyn Tool) -> bool {
        crate::output::takes_view(tool)
    }

    /// Whether `tool` takes `dryRun` (every tool that can change something).
    pub fn takes_dry_run(&self, tool: &dyn Tool) -> bool {
        tool.risk() > Risk::Read
    }

    /// One Markdown section per toolset that has tools (its name, description and count, then
    /// a table of its tools), for docs: the README's tool tables.
    pub fn markdown_toolsets(&self) -> String {
        let mut out = String::new();
        for c in Category::ALL {
            let tools: Vec<&Arc<dyn Tool>> =
                self.tools.iter().filter(|t| t.category() == *c).collect();
            if tools.is_empty() {
                continue;
            }
            let core = if Category::CORE.contains(c) {
                ", default"
            } else {
                ""
            };
            out.push_str(&format!(
                "#### `{}`: {} ({} tools{core})\n\n| Tool | Risk | Description |\n|---|---|---|\n",
                c.as_str(),
                c.description(),
                tools.len()
            ));
            for t in tools {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    t.name(),
                    t.risk(),
                    t.description().replace('|', "\\|")
                ));
            }
            out.push('\n');
        }
        out
    }

    /// A Markdown table of the tools (name, category, annotations, description), for docs.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| Tool | Category | Risk | Description |\n|---|---|---|---|\n");
        for t in &self.tools {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                t.name(),
                t.category(),
                t.risk(),
                t.description().replace('|', "\\|")
            ));
        }
        out
    }
}

/// A [`Pipeline`] and a default [`ToolContext`]: the simplest way for a program to call tools.
///
/// Every call still goes through the one pipeline (visibility, validation, policy, call, result
/// shaping, call event); [`Toolkit::call_with`] takes a per-request context.
#[derive(Clone)]
pub struct Toolkit {
    pipeline: Pipeline,
    context: ToolContext,
}

impl std::fmt::Debug for Toolkit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Toolkit")
            .field("pipeline", &self.pipeline)
            .field("context", &self.context)
            .finish()
    }
}

impl Toolkit {
    /// Every tool of this crate, scoped by `options`, calling Clerk with `client`.
    pub fn new(client: Client, options: ToolkitOptions) -> Result<Self, ScopeError> {
        Self::from_tools(crate::tools::all(), ToolContext::new(client), options)
    }

    /// A toolkit over the given tools (e.g. this crate's plus your own).
    pub fn from_tools(
        tools: Vec<Arc<dyn Tool>>,
        context: ToolContext,
        options: ToolkitOptions,
    ) -> Result<Self, ScopeError> {
        Ok(Toolkit {
            pipeline: Pipeline::new(Registry::from_tools(tools, options)?),
            context,
        })
    }

    /// A toolkit over a pipeline you configured.
    pub fn from_pipeline(pipeline: Pipeline, context: ToolContext) -> Self {
        Toolkit { pipeline, context }
    }

    /// Replaces the policy (default [`AllowAll`](crate::AllowAll)).
    pub fn with_policy(mut self, policy: impl Policy) -> Self {
        self.pipeline = self.pipeline.with_policy(policy);
        self
    }

    /// Adds a sink for call events.
    pub fn with_sink(mut self, sink: impl EventSink) -> Self {
        self.pipeline = self.pipeline.with_sink(sink);
        self
    }

    /// The pipeline every call goes through.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        self.pipeline.registry()
    }

    /// The default context (client, caller) calls run with.
    pub fn context(&self) -> &ToolContext {
        &self.context
    }

    /// Sets the caller of the default context.
    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.context.caller = Some(caller);
        self
    }

    /// Sets a standing approval or a confirmer for the default context (see
    /// [`crate::confirm`]): e.g. `Grant::preapproved("--yes")` for a program that asked the
    /// person itself.
    pub fn with_grant(mut self, grant: crate::confirm::Grant) -> Self {
        self.context.grant = Some(grant);
        self
    }

    /// Sets who asks the person to confirm risky calls made with the default context.
    pub fn with_confirmer(mut self, confirmer: Arc<dyn crate::confirm::Confirmer>) -> Self {
        self.context.confirmer = Some(confirmer);
        self
    }

    /// The pipeline with its default context replaced (e.g. an audit log added).
    pub fn map_pipeline(mut self, f: impl FnOnce(Pipeline) -> Pipeline) -> Self {
        self.pipeline = f(self.pipeline);
        self
    }

    /// The options it was built with.
    pub fn options(&self) -> &ToolkitOptions {
        self.registry().options()
    }

    /// The tools served (before the policy), in a stable order.
    pub fn tools(&self) -> &[Arc<dyn Tool>] {
        self.registry().tools()
    }

    /// Tool names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.registry().names()
    }

    /// A tool by name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.registry().get(name)
    }

    /// The definitions visible to the default context as MCP `Tool` JSON, an array any agent
    /// framework can consume.
    pub fn definitions(&self) -> Value {
        Value::Array(self.pipeline.definitions_for(&self.context))
    }

    /// Calls a tool with the default context (a fresh request id per call).
    pub async fn call(&self, name: &str, args: Option<JsonObject>) -> Result<Value, CallError> {
        self.pipeline
            .call(&self.context.for_new_request(), name, args)
            .await
    }

    /// Calls a tool with an explicit context (per-request client, caller, request id).
    pub async fn call_with(
        &self,
        ctx: &ToolContext,
        name: &str,
        args: Option<JsonObject>,
    ) -> Result<Value, CallError> {
        self.pipeline.call(ctx, name, args).await
    }

    /// A Markdown table of the tools, for docs.
    pub fn markdown_table(&self) -> String {
        self.registry().markdown_table()
    }
}

/// Which tools the patterns keep (all when there are none).
fn select(tools: &[Arc<dyn Tool>], patterns: &[String]) -> Result<Vec<bool>, ScopeError> {
    let patterns: Vec<&str> = patterns
        .iter()
        .flat_map(|p| p.split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|p| !p.is_empty())
        .collect();
    if patterns.is_empty() {
        return Ok(vec![true; tools.len()]);
    }
    let mut keep = vec![false; tools.len()];
    for pattern in patterns {
        // `risk:read`, `risk:destructive`, …: every tool of that risk class.
        let risk = pattern
            .strip_prefix("risk:")
            .and_then(|r| r.parse::<Risk>().ok());
        let matcher = compile(pattern);
        let mut any = false;
        for (i, t) in tools.iter().enumerate() {
            let hit = match (&risk, &matcher) {
                (Some(r), _) => t.risk() == *r,
                (None, Some(m)) => m.is_match(t.qualified_name()) || m.is_match(t.name()),
                (None, None) => false,
            };
            if hit {
                keep[i] = true;
                any = true;
            }
        }
        if !any {
            return Err(ScopeError {
                flag: "--tools",
                pattern: pattern.to_string(),
                categories: Category::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Ok(keep)
}

fn compile(pattern: &str) -> Option<globset::GlobMatcher> {
    let glob = if pattern == "*" {
        "*".to_string()
    } else if Category::ALL.iter().any(|c| c.as_str() == pattern) {
        format!("{pattern}.*")
    } else {
        pattern.to_string()
    };
    globset::GlobBuilder::new(&glob)
        .literal_separator(false)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// The toolsets `options` selects (see [`ToolkitOptions::toolsets`]).
pub fn toolsets(options: &ToolkitOptions) -> Result<Vec<Category>, ScopeError> {
    let names: Vec<&str> = options
        .toolsets
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(if options.tools.is_empty() {
            Category::CORE.to_vec()
        } else {
            Category::ALL.to_vec()
        });
    }
    let mut out = Vec::new();
    for name in names {
        if name == "all" || name == "*" {
            return Ok(Category::ALL.to_vec());
        }
        match Category::parse(name) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => {
                return Err(ScopeError {
                    flag: "--toolsets",
                    pattern: name.to_string(),
                    categories: Category::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
    }
    Ok(out)
}
