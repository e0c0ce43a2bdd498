//! The tools, one module per category. Names and argument names of `@clerk/agent-toolkit`'s 19
//! tools are kept exactly; new tools follow the JS SDK's method names.

use std::sync::Arc;

use clerk_api::Page;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::tool::Tool;

mod generated;
mod invitations;
mod organizations;
mod sessions;
mod users;

/// Every tool, in a stable order: the official toolkit's 19 first (in its order), then the rest
/// by category.
pub fn all() -> Vec<Arc<dyn Tool>> {
    let mut v: Vec<Arc<dyn Tool>> = Vec::with_capacity(256);
    v.extend(users::toolkit());
    v.extend(organizations::toolkit());
    v.extend(invitations::toolkit());
    v.extend(users::more());
    v.extend(organizations::more());
    v.extend(invitations::more());
    v.extend(sessions::all());
    v.extend(generated::all());
    v
}

/// A string schema whose allowed values come from clerk-api (so a tool never offers a value the
/// Backend API does not accept).
pub(crate) fn enum_schema(values: &[&str], description: &str) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "enum": values,
        "description": description,
    })
}

/// Default page size of list tools.
pub(crate) const DEFAULT_LIMIT: u32 = 10;

/// Serializes a Clerk model.
pub(crate) fn to_value<T: Serialize>(v: &T) -> Result<Value, ToolError> {
    serde_json::to_value(v)
        .map_err(|e| ToolError::Precondition(format!("could not encode the result: {e}")))
}

/// `{data, totalCount, hasMore, nextOffset}` for a page fetched at `offset` with `limit`.
pub(crate) fn list_result<T: Serialize>(
    page: Page<T>,
    offset: u32,
    limit: u32,
) -> Result<Value, ToolError> {
    let has_more = page.has_more(u64::from(offset), u64::from(limit));
    let next = has_more.then(|| u64::from(offset) + page.data.len() as u64);
    Ok(json!({
        "data": to_value(&page.data)?,
        "totalCount": page.total_count,
        "hasMore": has_more,
        "nextOffset": next,
    }))
}

/// `{data: [...]}` for bulk results.
pub(crate) fn bulk_result<T: Serialize>(items: &[T]) -> Result<Value, ToolError> {
    Ok(json!({"data": to_value(&items)?}))
}

/// `{data, totalCount, hasMore}` for a list that has no paging parameters.
pub(crate) fn page_result<T: Serialize>(page: Page<T>) -> Result<Value, ToolError> {
    let has_more = page.total_count.is_some_and(|t| t > page.data.len() as u64);
    Ok(json!({
        "data": to_value(&page.data)?,
        "totalCount": page.total_count,
        "hasMore": has_more,
    }))
}

/// Puts an argument into a request body under its wire name (nothing for `None`).
pub(crate) fn put<T: Serialize>(
    body: &mut serde_json::Map<String, Value>,
    key: &str,
    value: &T,
) -> Result<(), ToolError> {
    let v = to_value(value)?;
    if !v.is_null() {
        body.insert(key.to_string(), v);
    }
    Ok(())
}

/// Decodes tool arguments (already validated against the tool's schema) into a clerk-api type.
pub(crate) fn from_args<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ToolError> {
    serde_json::from_value(value).map_err(|e| {
        ToolError::Precondition(format!("the arguments do not fit Clerk's request: {e}"))
    })
}
