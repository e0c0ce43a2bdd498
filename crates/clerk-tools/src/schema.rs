//! Schema generation (schemars, draft 2020-12, compact) and validation messages.

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::error::FieldError;
use crate::tool::{JsonObject, Output};

/// The input schema of `I`: inlined, without `$schema` / `title` noise, always an object.
pub(crate) fn input_schema<I: JsonSchema>() -> JsonObject {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let schema = generator.into_root_schema_for::<I>();
    let mut value = schema.to_value();
    compact(&mut value);
    let mut obj = match value {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // The struct's own doc is for Rust readers; the tool description says it better.
    obj.remove("description");
    obj.entry("type").or_insert(json!("object"));
    if !obj.contains_key("properties") {
        obj.insert("properties".into(), json!({}));
    }
    obj
}

/// Removes what costs tokens and says nothing to a model: `$schema`, `title`, `null` in type
/// unions (explicit nulls are treated as omitted arguments), non-standard formats such as
/// `uint32`, and empty defaults.
fn compact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("title");
            m.remove("$schema");
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    m.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = m.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            if m.get("additionalProperties") == Some(&Value::Bool(true)) {
                m.remove("additionalProperties");
            }
            // Integer formats become the range the code enforces, so the schema says it and
            // the validator reports an out-of-range value by its field.
            let max = match m.get("format").and_then(Value::as_str) {
                Some("uint8") => Some(u8::MAX as u64),
                Some("uint16") => Some(u16::MAX as u64),
                Some("uint32") => Some(u32::MAX as u64),
                Some("int32") => Some(i32::MAX as u64),
                // 64-bit bounds say nothing a model needs and cost ~30 bytes per field.
                _ => None,
            };
            if let Some(max) = max {
                m.entry("maximum").or_insert(json!(max));
            }
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !matches!(f, "email" | "uri" | "date-time"))
            {
                m.remove("format");
            }
            if m.get("default")
                .is_some_and(|d| d.is_null() || d.as_array().is_some_and(Vec::is_empty))
            {
                m.remove("default");
            }
            for (key, child) in m.iter_mut() {
                match (key.as_str(), child) {
                    // Maps from names to schemas: the names are data (an argument may well be
                    // called `title`); compact the schemas, keep every name.
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(named),
                    ) => {
                        named.values_mut().for_each(compact);
                    }
                    (_, child) => compact(child),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(compact),
        _ => {}
    }
}

fn object_schema(_kind: &str) -> Value {
    json!({"type": "object"})
}

/// The output schema for an [`Output`] kind.
pub(crate) fn output_schema(output: Output) -> JsonObject {
    let v = match output {
        Output::Object(kind) => object_schema(kind),
        Output::List(_) => json!({
            "type": "object",
            "properties": {
                // The kind is in the tool's description; the schema says the shape.
                "data": {"type": "array", "items": {"type": "object"}},
                "totalCount": {"type": "integer"},
                "hasMore": {"type": "boolean"},
                "nextOffset": {"type": "integer"},
            },
            "required": ["data", "hasMore"],
        }),
        Output::Bulk(kind) => json!({
            "type": "object",
            "properties": {"data": {"type": "array", "items": {"type": "object"}, "description": format!("Clerk {kind} objects")}},
            "required": ["data"],
        }),
        Output::Deleted => json!({
            "type": "object",
            "properties": {"id": {"type": "string"}, "deleted": {"type": "boolean"}},
            "required": ["deleted"],
        }),
        Output::Count => json!({
            "type": "object",
            "properties": {"totalCount": {"type": "integer"}},
            "required": ["totalCount"],
        }),
        Output::Caller => json!({
            "type": "object",
            "properties": {
                "signedIn": {"type": "boolean"},
                "userId": {"type": ["string", "null"]},
            },
            "required": ["signedIn"],
        }),
    };
    match v {
        Value::Object(m) => m,
        _ => unreachable!("output schemas are objects"),
    }
}

/// Turns a jsonschema error into a message naming the field and what was expected.
pub(crate) fn field_error(e: &jsonschema::ValidationError<'_>, schema: &JsonObject) -> FieldError {
    use jsonschema::error::ValidationErrorKind as K;
    let path = e
        .instance_path()
        .as_str()
        .trim_start_matches('/')
        .to_string();
    let prop_schema = |name: &str| schema.get("properties").and_then(|p| p.get(name));
    let describe = |name: &str| -> String {
        prop_schema(name)
            .map(expected)
            .map(|t| format!(" (expected {t})"))
            .unwrap_or_default()
    };
    match e.kind() {
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_string();
            FieldError {
                message: format!("required argument is missing{}", describe(&name)),
                field: join_path(&path, &name),
            }
        }
        K::AdditionalProperties { unexpected } => {
            let allowed: Vec<&str> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            FieldError {
                field: join_path(&path, &unexpected.join(",")),
                message: if allowed.is_empty() {
                    "unknown argument: this tool takes no arguments".to_string()
                } else {
                    format!("unknown argument; this tool takes: {}", allowed.join(", "))
                },
            }
        }
        _ => {
            let top = path.split('/').next().unwrap_or_default();
            FieldError {
                message: format!("{}{}", e, describe(top)),
                field: path,
            }
        }
    }
}

fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}/{name}")
    }
}

/// A short human description of what a property schema accepts.
fn expected(schema: &Value) -> String {
    let mut out = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".to_string(),
    };
    if out == "array"
        && let Some(t) = schema.pointer("/items/type").and_then(Value::as_str)
    {
        out = format!("array of {t}");
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        let opts: Vec<String> = e.iter().map(|v| v.to_string()).collect();
        out = format!("one of {}", opts.join(", "));
    }
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        out = format!("{out} ({f})");
    }
    match (schema.get("minimum"), schema.get("maximum")) {
        (Some(a), Some(b)) => out = format!("{out} from {a} to {b}"),
        (Some(a), None) => out = format!("{out} ≥ {a}"),
        (None, Some(b)) => out = format!("{out} ≤ {b}"),
        _ => {}
    }
    out
}
