//! Subcommands generated at run time from the tools: one per category, one per tool
//! (`clerkctl users get-user-list`, alias `getUserList`), with a flag per input-schema property
//! built with clap's builder API, and the way back from parsed flags to the tool's JSON
//! arguments.

use std::sync::Arc;

use clap::builder::{
    BoolValueParser, PossibleValuesParser, RangedI64ValueParser, StringValueParser,
    TypedValueParser,
};
use clap::{Arg, ArgAction, ArgMatches, Command};
use clerk_tools::{Category, JsonObject, Output, Tool, Toolkit};
use serde_json::Value;

/// Id of the `--all` flag of list tools (not a schema property).
pub const ALL_ID: &str = "__all";

/// Clap id of the `--view` flag of list tools (the pipeline's `view` argument).
pub const VIEW_ID: &str = "__view";

/// `getUserList` → `get-user-list`; `emailAddress` → `email-address`.
pub fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `word` names `tool` on the command line (kebab-case or exact name).
pub fn names_tool(tool: &dyn Tool, word: &str) -> bool {
    tool.name() == word || kebab(tool.name()) == word
}

/// A category by its subcommand name.
pub fn category(name: &str) -> Option<Category> {
    Category::ALL.iter().copied().find(|c| c.as_str() == name)
}

fn category_about(category: Category) -> &'static str {
    category.description()
}

/// Which tool subcommands get their flags built (building every flag of every tool is only
/// needed for completions).
#[derive(Debug, Clone, Copy)]
pub enum Detail<'a> {
    /// Every tool.
    All,
    /// Tools of this category; only the one named by the word when it names one.
    Category(Category, Option<&'a str>),
    /// No tool.
    None,
}

impl Detail<'_> {
    fn wants(&self, tool: &dyn Tool) -> bool {
        match *self {
            Detail::All => true,
            Detail::None => false,
            Detail::Category(c, word) => {
                tool.category() == c && word.is_none_or(|w| names_tool(tool, w))
            }
        }
    }
}

/// One subcommand per category that has tools, each with one subcommand per tool.
pub fn category_commands(toolkit: &Toolkit, detail: Detail<'_>) -> Vec<Command> {
    // A word that names no tool of its category: build them all so clap's error is right.
    let detail = match detail {
        Detail::Category(c, Some(w))
            if !toolkit
                .tools()
                .iter()
                .any(|t| t.category() == c && names_tool(t.as_ref(), w)) =>
        {
            Detail::Category(c, None)
        }
        d => d,
    };
    Category::ALL
        .iter()
        .filter_map(|&c| {
            let tools: Vec<&Arc<dyn Tool>> = toolkit
                .tools()
                .iter()
                .filter(|t| t.category() == c)
                .collect();
            if tools.is_empty() {
                return None;
            }
            let cmd = Command::new(c.as_str())
                .about(category_about(c))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(
                    tools
                        .into_iter()
                        .map(|t| tool_command(t.as_ref(), detail.wants(t.as_ref()))),
                );
            Some(cmd)
        })
        .collect()
}

/// Whether the tool returns pages (`{data, totalCount, hasMore, nextOffset}`).
pub fn is_list(tool: &dyn Tool) -> bool {
    matches!(tool.output(), Output::List(_))
}

/// The subcommand of one tool; its flags only when `with_args`.
pub fn tool_command(tool: &dyn Tool, with_args: bool) -> Command {
    let long_about = format!(
        "{}\n\nTool `{}` ({}), risk: {}.",
        tool.description(),
        tool.name(),
        tool.qualified_name(),
        tool.risk()
    );
    let mut cmd = Command::new(kebab(tool.name()))
        .alias(tool.name())
        .about(tool.description())
        .long_about(long_about);
    if with_args {
        let schema = tool.input_schema();
        let required = required(&schema);
        for (name, prop) in properties(&schema) {
            cmd = cmd.arg(flag(name, prop, required.contains(&name.as_str())));
        }
        if is_list(tool) {
            cmd = cmd.arg(
                Arg::new(ALL_ID)
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Fetch every page (500 per request unless --limit is given, from --offset or 0) \
                         and stream the items: one JSON object per line with JSON output, one table \
                         at the end with table output",
                    ),
            );
        }
        if clerk_tools::output::takes_view(tool) {
            cmd = cmd.arg(
                Arg::new(VIEW_ID)
                    .long("view")
                    .value_name("VIEW")
                    .value_parser(clerk_tools::output::View::NAMES)
                    .help("summary (the default): the key fields of each item; full: every field"),
            );
        }
    }
    cmd
}

fn properties(schema: &JsonObject) -> impl Iterator<Item = (&String, &JsonObject)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_object().map(|o| (k, o)))
}

fn required(schema: &JsonObject) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The JSON type of a schema (the first non-null one of a type list).
fn json_type(schema: &JsonObject) -> Option<&str> {
    match schema.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

/// Whether a property is given as a repeatable flag.
fn is_array(schema: &JsonObject) -> bool {
    json_type(schema) == Some("array")
}

fn items(schema: &JsonObject) -> Option<&JsonObject> {
    schema.get("items").and_then(Value::as_object)
}

fn flag(name: &str, prop: &JsonObject, required: bool) -> Arg {
    let array = is_array(prop);
    let item = if array {
        items(prop).unwrap_or(prop)
    } else {
        prop
    };
    let flag = kebab(name);
    let mut notes: Vec<String> = Vec::new();
    let mut arg = Arg::new(name.to_string())
        .long(flag.clone())
        .required(required);

    arg = match json_type(item) {
        Some("string") => {
            let values: Option<Vec<String>> = item.get("enum").and_then(Value::as_array).map(|v| {
                v.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            });
            match values {
                Some(values) => arg
                    .value_name("VALUE")
                    .value_parser(PossibleValuesParser::new(values).map(Value::String)),
                None => arg
                    .value_name(name_upper(name, item))
                    .value_parser(StringValueParser::new().map(Value::String)),
            }
        }
        Some("integer") => {
            let min = item
                .get("minimum")
                .and_then(Value::as_f64)
                .map(|m| m.ceil() as i64);
            let max = item
                .get("maximum")
                .and_then(Value::as_f64)
                .map(|m| m.floor() as i64);
            let parser = RangedI64ValueParser::<i64>::new();
            let parser = match (min, max) {
                (Some(lo), Some(hi)) => {
                    notes.push(format!("From {lo} to {hi}."));
                    parser.range(lo..=hi)
                }
                (Some(lo), None) => {
                    notes.push(format!("At least {lo}."));
                    parser.range(lo..)
                }
                (None, Some(hi)) => {
                    notes.push(format!("At most {hi}."));
                    parser.range(..=hi)
                }
                (None, None) => parser,
            };
            arg.value_name("N").value_parser(parser.map(Value::from))
        }
        Some("number") => arg.value_name("NUMBER").value_parser(parse_number),
        Some("boolean") => {
            let arg = arg
                .value_name("true|false")
                .value_parser(BoolValueParser::new().map(Value::Bool));
            if array {
                arg
            } else {
                arg.num_args(0..=1).default_missing_value("true")
            }
        }
        Some("object") => {
            notes.push(object_note(item, array));
            arg.value_name("JSON").value_parser(parse_object)
        }
        _ => {
            notes.push("A JSON value (a bare word is taken as a string).".into());
            arg.value_name("JSON").value_parser(parse_any)
        }
    };

    if array {
        let mut note = format!("Repeatable: --{flag} A --{flag} B.");
        match (
            prop.get("minItems").and_then(Value::as_u64),
            prop.get("maxItems").and_then(Value::as_u64),
        ) {
            (Some(lo), Some(hi)) => note.push_str(&format!(" {lo} to {hi} values.")),
            (None, Some(hi)) => note.push_str(&format!(" At most {hi} values.")),
            (Some(lo), None) if lo > 0 => note.push_str(&format!(" At least {lo} values.")),
            _ => {}
        }
        notes.push(note);
        arg = arg.action(ArgAction::Append);
    } else {
        arg = arg.action(ArgAction::Set);
    }

    let description = prop
        .get("description")
        .or_else(|| item.get("description"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    let help = std::iter::once(description.to_string())
        .chain(notes)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    arg.help(help)
}

/// `emailAddress` → `EMAIL_ADDRESS` (`EMAIL` for email-formatted strings).
fn name_upper(name: &str, schema: &JsonObject) -> String {
    if schema.get("format").and_then(Value::as_str) == Some("email") {
        return "EMAIL".into();
    }
    kebab(name).replace('-', "_").to_ascii_uppercase()
}

fn object_note(schema: &JsonObject, array: bool) -> String {
    let fields: Vec<String> = properties(schema)
        .map(|(k, _)| {
            if required(schema).contains(&k.as_str()) {
                format!("{k} (required)")
            } else {
                k.clone()
            }
        })
        .collect();
    let mut note = if array {
        "Each value is a JSON object".to_string()
    } else {
        "A JSON object, e.g. '{\"tier\":\"gold\"}'".to_string()
    };
    if !fields.is_empty() {
        note.push_str(&format!(" with fields {}", fields.join(", ")));
    }
    note.push('.');
    note
}

fn parse_number(s: &str) -> Result<Value, String> {
    let n: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    serde_json::Number::from_f64(n)
        .map(Value::Number)
        .ok_or_else(|| format!("`{s}` is not a finite number"))
}

fn parse_object(s: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(s) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => Err(format!(
            "expected a JSON object such as '{{\"key\":\"value\"}}', got {}",
            json_kind(&other)
        )),
        Err(e) => Err(format!(
            "not valid JSON ({e}); expected a JSON object such as '{{\"key\":\"value\"}}'"
        )),
    }
}

fn parse_any(s: &str) -> Result<Value, String> {
    Ok(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string())))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The tool's JSON arguments from its parsed flags (only the flags given).
pub fn arguments(tool: &dyn Tool, matches: &ArgMatches) -> JsonObject {
    let schema = tool.input_schema();
    let mut args = JsonObject::new();
    for (name, prop) in properties(&schema) {
        let Some(mut values) = matches.get_many::<Value>(name) else {
            continue;
        };
        let value = if is_array(prop) {
            Value::Array(values.cloned().collect())
        } else {
            match values.next_back() {
                Some(v) => v.clone(),
                None => continue,
            }
        };
        args.insert(name.clone(), value);
    }
    if let Ok(Some(view)) = matches.try_get_one::<String>(VIEW_ID) {
        args.insert(
            clerk_tools::output::VIEW_ARG.into(),
            Value::String(view.clone()),
        );
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toolkit() -> Toolkit {
        let client = clerk_api::Client::new("sk_test_unit").unwrap();
        Toolkit::new(client, Default::default()).unwrap()
    }

    fn full_command(toolkit: &Toolkit) -> Command {
        crate::command(toolkit, Detail::All)
    }

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("getUserList"), "get-user-list");
        assert_eq!(kebab("emailAddress"), "email-address");
        assert_eq!(
            kebab("createOrganizationInvitationBulk"),
            "create-organization-invitation-bulk"
        );
        assert_eq!(kebab("limit"), "limit");
    }

    #[test]
    fn every_generated_flag_is_valid_clap() {
        full_command(&toolkit()).debug_assert();
    }

    #[test]
    fn flags_map_back_to_json_arguments() {
        let toolkit = toolkit();
        let m = full_command(&toolkit)
            .try_get_matches_from([
                "clerkctl",
                "users",
                "get-user-list",
                "--email-address",
                "a@b.co",
                "--email-address",
                "c@d.co",
                "--limit",
                "5",
            ])
            .unwrap();
        let (_, users) = m.subcommand().unwrap();
        let (_, sub) = users.subcommand().unwrap();
        let args = arguments(toolkit.get("getUserList").unwrap().as_ref(), sub);
        assert_eq!(
            Value::Object(args),
            serde_json::json!({"emailAddress": ["a@b.co", "c@d.co"], "limit": 5})
        );

        let m = full_command(&toolkit)
            .try_get_matches_from([
                "clerkctl",
                "organizations",
                "getOrganization",
                "--slug",
                "acme",
                "--include-members-count",
            ])
            .unwrap();
        let (_, orgs) = m.subcommand().unwrap();
        let (_, sub) = orgs.subcommand().unwrap();
        let args = arguments(toolkit.get("getOrganization").unwrap().as_ref(), sub);
        assert_eq!(
            Value::Object(args),
            serde_json::json!({"slug": "acme", "includeMembersCount": true})
        );
    }

    #[test]
    fn objects_are_validated_with_the_flag_named() {
        let toolkit = toolkit();
        let err = full_command(&toolkit)
            .try_get_matches_from([
                "clerkctl",
                "organizations",
                "create-organization",
                "--name",
                "A",
                "--public-metadata",
                "[1]",
            ])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--public-metadata") && err.contains("JSON object"),
            "{err}"
        );
    }
}
