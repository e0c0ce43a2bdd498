//! Dynamic mode: instead of every tool, `tools/list` offers three meta-tools, so the whole
//! catalogue (200+ tools) costs about 2 KB of an agent's context whatever its size:
//!
//! * `searchClerkTools` {query?, toolset?, limit?}: tools whose name, title or description
//!   match the words (or every tool of a toolset), with their risk class; without arguments,
//!   the toolsets and how many tools each has;
//! * `describeClerkTool` {name}: one tool's full definition (input and output schemas);
//! * `callClerkTool` {name, arguments}: calls it.
//!
//! A call through `callClerkTool` is exactly a direct call: the [`Pipeline`](crate::Pipeline)
//! unwraps it before anything else, so scoping, read-only, the policy, confirmation, budgets,
//! audit and masking apply to the named tool as they would to a direct call (and the audit line
//! names that tool). Search and describe show only what this caller may call. Direct calls of
//! catalogue tools by name also still work.
//!
//! Turn it on with [`Pipeline::with_dynamic`](crate::Pipeline::with_dynamic) (`clerk-mcp
//! --dynamic`).

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::error::{FieldError, ToolError};
use crate::pipeline::Pipeline;
use crate::tool::{Category, JsonObject, validate_with};
use crate::{ToolContext, registry::CallError};

/// Searches the catalogue.
pub const SEARCH: &str = "searchClerkTools";
/// Shows one tool's definition.
pub const DESCRIBE: &str = "describeClerkTool";
/// Calls a tool.
pub const CALL: &str = "callClerkTool";

/// The three meta-tools' MCP definitions.
pub fn definitions() -> Vec<Value> {
    let toolsets: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    vec![
        json!({
            "name": SEARCH,
            "title": "Search Clerk tools",
            "description": "Find Clerk Backend API tools (users, organizations, sessions, JWT templates, OAuth apps, machines, roles, domains, billing, …) by words or toolset. No arguments: lists the toolsets. Returns {tools: [{name, toolset, risk, title}]}; then describeClerkTool for a schema and callClerkTool to run it.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Words to match, e.g. \"revoke session\"."},
                    "toolset": {"type": "string", "enum": toolsets},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "Default 15."}
                },
                "additionalProperties": false
            },
            "annotations": {"readOnlyHint": true, "openWorldHint": false},
        }),
        json!({
            "name": DESCRIBE,
            "title": "Describe a Clerk tool",
            "description": "Full definition of one tool found with searchClerkTools: what it does, its input schema (arguments) and output schema.",
            "inputSchema": {
                "type": "object",
                "properties": {"name": {"type": "string", "description": "Tool name, e.g. getUserList."}},
                "required": ["name"],
                "additionalProperties": false
            },
            "annotations": {"readOnlyHint": true, "openWorldHint": false},
        }),
        json!({
            "name": CALL,
            "title": "Call a Clerk tool",
            "description": "Run a tool by name with arguments matching its input schema (see describeClerkTool). Same checks, confirmation and audit as calling it directly. Returns the tool's result.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "arguments": {"type": "object", "description": "The tool's arguments."}
                },
                "required": ["name"],
                "additionalProperties": false
            },
            "annotations": {"destructiveHint": true, "openWorldHint": true},
        }),
    ]
}

fn bad(tool: &str, field: &str, message: &str) -> CallError {
    CallError::Tool(ToolError::InvalidArguments {
        tool: tool.to_string(),
        errors: vec![FieldError {
            field: field.to_string(),
            message: message.to_string(),
        }],
    })
}

/// `args` checked against the meta-tool's input schema, with the same validator and error
/// shape as every tool's arguments.
fn checked(tool: &str, args: JsonObject) -> Result<JsonObject, CallError> {
    type Compiled = Vec<(String, JsonObject, jsonschema::Validator)>;
    static SCHEMAS: OnceLock<Compiled> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        definitions()
            .into_iter()
            .map(|d| {
                let schema = d["inputSchema"].as_object().cloned().unwrap_or_default();
                let validator = jsonschema::options()
                    .build(&Value::Object(schema.clone()))
                    .expect("the meta-tools' input schemas are valid");
                (
                    d["name"].as_str().unwrap_or_default().to_string(),
                    schema,
                    validator,
                )
            })
            .collect()
    });
    let (_, schema, validator) = all
        .iter()
        .find(|(n, ..)| n == tool)
        .expect("called with a meta-tool's name");
    validate_with(validator, tool, schema, args).map_err(CallError::Tool)
}

/// `callClerkTool`'s target and its arguments.
pub(crate) fn unwrap_call(args: JsonObject) -> Result<(String, Option<JsonObject>), CallError> {
    let args = checked(CALL, args)?;
    let name = args["name"].as_str().unwrap_or_default().to_string();
    if name == CALL || name == SEARCH || name == DESCRIBE {
        return Err(bad(CALL, "name", "names a meta-tool; call it directly"));
    }
    let inner = args.get("arguments").and_then(Value::as_object).cloned();
    Ok((name, inner))
}

/// Words of a camelCase name and of free text, lower-cased.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether `word` matches `w` (prefix either way, so `sessions` finds `session`).
fn matches(word: &str, w: &str) -> bool {
    w.starts_with(word) || (word.len() > 3 && word.starts_with(w) && w.len() + 2 >= word.len())
}

/// `searchClerkTools`.
pub(crate) fn search(
    pipeline: &Pipeline,
    ctx: &ToolContext,
    args: JsonObject,
) -> Result<Value, CallError> {
    let args = checked(SEARCH, args)?;
    let query = args
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let toolset = args
        .get("toolset")
        .and_then(Value::as_str)
        .and_then(Category::parse);
    let limit = args.get("limit").and_then(Value::as_u64).unwrap_or(15) as usize;
    let visible = pipeline.visible_indices(ctx);
    let tools = pipeline.registry().tools();
    if query.trim().is_empty() && toolset.is_none() {
        let toolsets: Vec<Value> = Category::ALL
            .iter()
            .filter_map(|c| {
                let n = visible
                    .iter()
                    .filter(|&&i| tools[i].category() == *c)
                    .count();
                (n > 0)
                    .then(|| json!({"toolset": c.as_str(), "tools": n, "about": c.description()}))
            })
            .collect();
        return Ok(json!({"toolsets": toolsets, "hint": "search with a query or a toolset"}));
    }
    let q = words(query);
    let mut scored: Vec<(usize, usize)> = Vec::new();
    for &i in &visible {
        let t = &tools[i];
        if toolset.is_some_and(|c| t.category() != c) {
            continue;
        }
        let score = if q.is_empty() {
            1
        } else {
            let name = words(t.name());
            let text = words(&format!(
                "{} {} {}",
                t.title(),
                t.description(),
                t.category()
            ));
            q.iter()
                .map(|w| {
                    if name.iter().any(|n| matches(w, n)) {
                        3
                    } else if text.iter().any(|n| matches(w, n)) {
                        1
                    } else {
                        0
                    }
                })
                .sum()
        };
        if score > 0 {
            scored.push((score, i));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let total = scored.len();
    let found: Vec<Value> = scored
        .into_iter()
        .take(limit)
        .map(|(_, i)| {
            let t = &tools[i];
            json!({"name": t.name(), "toolset": t.category().as_str(), "risk": t.risk().as_str(), "title": t.title()})
        })
        .collect();
    Ok(json!({"tools": found, "total": total}))
}

/// `describeClerkTool`.
pub(crate) fn describe(
    pipeline: &Pipeline,
    ctx: &ToolContext,
    args: JsonObject,
) -> Result<Value, CallError> {
    let args = checked(DESCRIBE, args)?;
    let name = args["name"].as_str().unwrap_or_default();
    let registry = pipeline.registry();
    match registry.lookup(name) {
        Some((i, t)) if pipeline.is_visible(t.as_ref(), ctx) => {
            let mut d = registry.definitions()[i].clone();
            if let Some(m) = d.as_object_mut() {
                m.insert("toolset".into(), json!(t.category().as_str()));
                m.insert("risk".into(), json!(t.risk().as_str()));
                m.remove("_meta");
            }
            Ok(d)
        }
        _ => Err(CallError::UnknownTool(name.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_names_and_text() {
        assert_eq!(words("getUserList"), ["get", "user", "list"]);
        assert_eq!(words("Revoke a session!"), ["revoke", "a", "session"]);
        assert!(matches("session", "sessions"));
        assert!(matches("sessions", "session"));
        assert!(!matches("session", "user"));
        assert!(!matches("organization", "org"));
    }

    #[test]
    fn the_meta_tools_are_small() {
        let size = serde_json::to_string(&definitions()).unwrap().len();
        assert!(size <= 4096, "dynamic tools/list is {size} bytes");
    }
}
