//! Shaping results for agents: Clerk's JSON with `null` and empty fields dropped, and
//! `private_metadata` removed everywhere (nested too) unless explicitly allowed.

use serde_json::{Map, Value};

use crate::tool::Output;

/// Shapes a raw tool result for output.
pub fn shape(value: Value, output: Output, allow_private_metadata: bool) -> Value {
    match (output, value) {
        (Output::List(_) | Output::Bulk(_), Value::Object(mut top)) => {
            if let Some(Value::Array(items)) = top.get_mut("data") {
                *items = std::mem::take(items)
                    .into_iter()
                    .map(|v| clean(v, allow_private_metadata).unwrap_or(Value::Object(Map::new())))
                    .collect();
            }
            top.retain(|_, v| !v.is_null());
            Value::Object(top)
        }
        (_, v) => clean(v, allow_private_metadata).unwrap_or(Value::Object(Map::new())),
    }
}

/// Removes nulls, empty strings, empty arrays and empty objects (recursively), and
/// `private_metadata` unless allowed. Returns `None` when nothing is left.
pub fn clean(value: Value, allow_private_metadata: bool) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(a) => {
            let a: Vec<Value> = a
                .into_iter()
                .filter_map(|v| clean(v, allow_private_metadata))
                .collect();
            (!a.is_empty()).then_some(Value::Array(a))
        }
        Value::Object(m) => {
            let m: Map<String, Value> = m
                .into_iter()
                .filter(|(k, _)| allow_private_metadata || k != "private_metadata")
                .filter_map(|(k, v)| clean(v, allow_private_metadata).map(|v| (k, v)))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_nulls_empties_and_private_metadata_at_any_depth() {
        let v = json!({
            "id": "user_1", "username": null, "first_name": "", "banned": false,
            "private_metadata": {"secret": 1},
            "public_metadata": {},
            "email_addresses": [],
            "organization": {"id": "org_1", "private_metadata": {"billing": "x"}, "slug": "acme"},
            "list": [null, {"private_metadata": {"a": 1}}, {"k": 0}]
        });
        let out = clean(v, false).unwrap();
        assert_eq!(
            out,
            json!({"id": "user_1", "banned": false, "organization": {"id": "org_1", "slug": "acme"}, "list": [{"k": 0}]})
        );
    }

    #[test]
    fn keeps_private_metadata_when_allowed() {
        let v = json!({"organization": {"private_metadata": {"billing": "x"}}});
        assert_eq!(clean(v.clone(), true).unwrap(), v);
    }

    #[test]
    fn list_shape_keeps_empty_data() {
        let v = json!({"data": [], "totalCount": 0, "hasMore": false, "nextOffset": null});
        let shaped = shape(v, Output::List("user"), false);
        assert_eq!(
            shaped,
            json!({"data": [], "totalCount": 0, "hasMore": false})
        );
        let keys: Vec<&String> = shaped.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["data", "totalCount", "hasMore"], "key order is kept");
    }
}
