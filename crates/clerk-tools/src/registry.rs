//! The [`Toolkit`]: the set of tools a front-end serves, chosen with `--tools` patterns and
//! `--read-only`, with lookup by name, calls, and export of every definition as JSON.

use std::collections::HashMap;
use std::sync::Arc;

use clerk_api::Client;
use serde_json::{Map, Value};

use crate::context::{Caller, ToolContext};
use crate::error::ToolError;
use crate::tool::{Category, JsonObject, Tool};

/// How a toolkit is built.
#[derive(Debug, Clone)]
pub struct ToolkitOptions {
    /// Scoping patterns, compatible with `@clerk/agent-toolkit`'s `--tools`: `*`, `users`,
    /// `users.*`, `users.getUserCount`, globs such as `users.get*` or `*.get*List`, or a bare
    /// tool name. Several may be given (also comma- or space-separated in one string). Empty
    /// means every tool.
    pub tools: Vec<String>,
    /// Keep only read-only tools. Wins over `tools`.
    pub read_only: bool,
    /// Keep `private_metadata` in results (removed everywhere by default).
    pub allow_private_metadata: bool,
    /// When the context has a caller, `userId` / `organizationId` arguments default to the
    /// caller's and must not name anyone else. Default true.
    pub pin_to_caller: bool,
}

impl Default for ToolkitOptions {
    fn default() -> Self {
        ToolkitOptions {
            tools: Vec::new(),
            read_only: false,
            allow_private_metadata: false,
            pin_to_caller: true,
        }
    }
}

/// A `--tools` pattern that matched no tool.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "--tools pattern `{pattern}` matches no tool. Use `*`, a category ({categories}), `category.*`, `category.toolName` or a glob such as `users.get*`"
)]
pub struct ScopeError {
    /// The pattern.
    pub pattern: String,
    /// The categories, comma-separated.
    pub categories: String,
}

/// Why [`Toolkit::call`] failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// No tool of that name is served (unknown, or filtered out by scoping).
    #[error("Unknown tool: {0}")]
    UnknownTool(String),
    /// The tool ran and failed.
    #[error(transparent)]
    Tool(#[from] ToolError),
}

/// The tools a front-end serves, plus how to run them.
#[derive(Clone)]
pub struct Toolkit {
    tools: Vec<Arc<dyn Tool>>,
    index: HashMap<&'static str, usize>,
    options: ToolkitOptions,
    context: ToolContext,
}

impl std::fmt::Debug for Toolkit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Toolkit")
            .field("tools", &self.names())
            .field("options", &self.options)
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
        let selected = select(&tools, &options.tools)?;
        let tools: Vec<Arc<dyn Tool>> = tools
            .into_iter()
            .zip(selected)
            .filter(|(t, keep)| *keep && (!options.read_only || t.is_read_only()))
            .map(|(t, _)| t)
            .collect();
        let index = tools
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name(), i))
            .collect();
        Ok(Toolkit {
            tools,
            index,
            options,
            context,
        })
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

    /// A tool by name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.index.get(name).map(|&i| &self.tools[i])
    }

    /// Every definition as MCP `Tool` JSON, an array any agent framework can consume.
    pub fn definitions(&self) -> Value {
        Value::Array(self.tools.iter().map(|t| t.definition()).collect())
    }

    /// Calls a tool with the default context.
    pub async fn call(&self, name: &str, args: Option<JsonObject>) -> Result<Value, CallError> {
        self.call_with(&self.context, name, args).await
    }

    /// Calls a tool with an explicit context (per-request client / caller). Arguments are
    /// validated against the tool's input schema, pinned to the caller when one is set, and the
    /// result is shaped for output (nulls and empties dropped, `private_metadata` removed unless
    /// allowed).
    pub async fn call_with(
        &self,
        ctx: &ToolContext,
        name: &str,
        args: Option<JsonObject>,
    ) -> Result<Value, CallError> {
        let tool = self
            .get(name)
            .ok_or_else(|| CallError::UnknownTool(name.to_string()))?;
        let mut args = args.unwrap_or_default();
        if self.options.pin_to_caller
            && let Some(caller) = &ctx.caller
        {
            pin(tool.as_ref(), caller, &mut args)?;
        }
        let raw = tool.call(ctx, args).await?;
        Ok(crate::output::shape(
            raw,
            tool.output(),
            self.options.allow_private_metadata,
        ))
    }

    /// A Markdown table of the tools (name, category, annotations, description), for docs.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| Tool | Category | Kind | Description |\n|---|---|---|---|\n");
        for t in &self.tools {
            let a = t.annotations();
            let kind = if a.read_only_hint {
                "read-only"
            } else if a.destructive_hint {
                "destructive"
            } else {
                "write"
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                t.name(),
                t.category(),
                kind,
                t.description().replace('|', "\\|")
            ));
        }
        out
    }
}

/// Pins the tool's caller arguments (`userId`, `organizationId`) to the caller.
fn pin(tool: &dyn Tool, caller: &Caller, args: &mut Map<String, Value>) -> Result<(), ToolError> {
    for &field in tool.pinned_args() {
        let expected = match field {
            "userId" => Some(&caller.user_id),
            "organizationId" => caller.organization_id.as_ref(),
            _ => None,
        };
        let Some(expected) = expected else { continue };
        match args.get(field) {
            None | Some(Value::Null) => {
                args.insert(field.to_string(), Value::String(expected.clone()));
            }
            Some(Value::String(got)) if got == expected => {}
            Some(other) => {
                return Err(ToolError::CallerMismatch {
                    field: if field == "userId" {
                        "userId"
                    } else {
                        "organizationId"
                    },
                    expected: expected.clone(),
                    got: other.to_string(),
                });
            }
        }
    }
    Ok(())
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
        let matcher = compile(pattern);
        let mut any = false;
        for (i, t) in tools.iter().enumerate() {
            let hit = match &matcher {
                Some(m) => m.is_match(t.qualified_name()) || m.is_match(t.name()),
                None => false,
            };
            if hit {
                keep[i] = true;
                any = true;
            }
        }
        if !any {
            return Err(ScopeError {
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
