//! Readable tables of Clerk objects: a few sensible columns per object kind, key/value tables
//! for single objects.

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;

type Column = (&'static str, fn(&Value) -> String);

/// A table of Clerk objects of `kind` (`user`, `organization`, …; `None` when unknown).
pub fn list(kind: Option<&str>, items: &[Value]) -> Table {
    let columns = match kind {
        Some("user") => USER,
        Some("organization") => ORGANIZATION,
        Some("organization_membership") => MEMBERSHIP,
        Some("organization_invitation") => ORGANIZATION_INVITATION,
        Some("invitation") => INVITATION,
        Some("session") => SESSION,
        _ => return fallback(items),
    };
    let mut table = new_table();
    table.set_header(columns.iter().map(|(h, _)| *h));
    for item in items {
        table.add_row(columns.iter().map(|(_, cell)| cell(item)));
    }
    table
}

/// A two-column table (field, value) of one object; nested values as compact JSON.
pub fn object(value: &Value) -> Table {
    let mut table = new_table();
    table.set_header(["FIELD", "VALUE"]);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                table.add_row([k.clone(), cell_text(k, v)]);
            }
        }
        other => {
            table.add_row(["value".to_string(), scalar(other)]);
        }
    }
    table
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// `id` plus the first few scalar fields of the first item.
fn fallback(items: &[Value]) -> Table {
    let mut keys: Vec<String> = vec!["id".into()];
    if let Some(Value::Object(first)) = items.first() {
        keys.extend(
            first
                .iter()
                .filter(|(k, v)| *k != "id" && *k != "object" && !v.is_object() && !v.is_array())
                .map(|(k, _)| k.clone())
                .take(4),
        );
    }
    let mut table = new_table();
    table.set_header(keys.iter().map(|k| k.to_ascii_uppercase()));
    for item in items {
        table.add_row(
            keys.iter()
                .map(|k| item.get(k).map(|v| cell_text(k, v)).unwrap_or_default()),
        );
    }
    table
}

const USER: &[Column] = &[
    ("ID", |u| str_at(u, "/id")),
    ("EMAIL", user_email),
    ("NAME", |u| full_name(u, "/first_name", "/last_name")),
    ("USERNAME", |u| str_at(u, "/username")),
    ("LAST SIGN-IN", |u| time_at(u, "/last_sign_in_at")),
    ("CREATED", |u| time_at(u, "/created_at")),
];

const ORGANIZATION: &[Column] = &[
    ("ID", |o| str_at(o, "/id")),
    ("NAME", |o| str_at(o, "/name")),
    ("SLUG", |o| str_at(o, "/slug")),
    ("MEMBERS", |o| str_at(o, "/members_count")),
    ("CREATED", |o| time_at(o, "/created_at")),
];

const MEMBERSHIP: &[Column] = &[
    ("ID", |m| str_at(m, "/id")),
    ("ROLE", |m| str_at(m, "/role")),
    ("USER", membership_user),
    ("USER ID", |m| str_at(m, "/public_user_data/user_id")),
    ("ORGANIZATION", |m| {
        first_of(
            m,
            &[
                "/organization/slug",
                "/organization/name",
                "/organization/id",
            ],
        )
    }),
];

const ORGANIZATION_INVITATION: &[Column] = &[
    ("ID", |i| str_at(i, "/id")),
    ("EMAIL", |i| str_at(i, "/email_address")),
    ("ROLE", |i| str_at(i, "/role")),
    ("STATUS", |i| str_at(i, "/status")),
    ("CREATED", |i| time_at(i, "/created_at")),
];

const INVITATION: &[Column] = &[
    ("ID", |i| str_at(i, "/id")),
    ("EMAIL", |i| str_at(i, "/email_address")),
    ("STATUS", |i| str_at(i, "/status")),
    ("CREATED", |i| time_at(i, "/created_at")),
];

const SESSION: &[Column] = &[
    ("ID", |s| str_at(s, "/id")),
    ("USER", |s| str_at(s, "/user_id")),
    ("STATUS", |s| str_at(s, "/status")),
    ("LAST ACTIVE", |s| time_at(s, "/last_active_at")),
    ("EXPIRES", |s| time_at(s, "/expire_at")),
];

/// The primary email address (a summary's `email`), else the first one.
fn user_email(u: &Value) -> String {
    clerk_tools::output::user_email(u)
        .unwrap_or_default()
        .to_string()
}

fn membership_user(m: &Value) -> String {
    let name = full_name(
        m,
        "/public_user_data/first_name",
        "/public_user_data/last_name",
    );
    let identifier = str_at(m, "/public_user_data/identifier");
    match (name.is_empty(), identifier.is_empty()) {
        (false, false) => format!("{name} <{identifier}>"),
        (false, true) => name,
        _ => identifier,
    }
}

fn full_name(v: &Value, first: &str, last: &str) -> String {
    let parts = [str_at(v, first), str_at(v, last)];
    parts
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_of(v: &Value, pointers: &[&str]) -> String {
    pointers
        .iter()
        .map(|p| str_at(v, p))
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer).map(scalar).unwrap_or_default()
}

fn time_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_i64)
        .map(format_millis)
        .unwrap_or_default()
}

fn cell_text(key: &str, v: &Value) -> String {
    match v.as_i64() {
        Some(ms) if key.ends_with("_at") && ms > 0 => format_millis(ms),
        _ => scalar(v),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Clerk timestamps (Unix milliseconds) as `YYYY-MM-DD HH:MM` UTC.
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_clerk_timestamps() {
        assert_eq!(format_millis(0), "1970-01-01 00:00");
        assert_eq!(format_millis(1_700_000_000_000), "2023-11-14 22:13");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29 00:00");
    }

    #[test]
    fn user_columns() {
        let users = [json!({
            "id": "user_1", "username": "ada", "first_name": "Ada", "last_name": "Lovelace",
            "primary_email_address_id": "idn_2",
            "email_addresses": [{"id": "idn_1", "email_address": "old@x.co"}, {"id": "idn_2", "email_address": "ada@x.co"}]
        })];
        let text = list(Some("user"), &users).to_string();
        for s in ["user_1", "ada@x.co", "Ada Lovelace", "ada"] {
            assert!(text.contains(s), "{text}");
        }
        assert!(!text.contains("old@x.co"));
    }

    #[test]
    fn user_summary_columns() {
        let users = [json!({
            "id": "user_1", "first_name": "Ada", "last_name": "Lovelace",
            "email": "ada@x.co", "username": "ada", "created_at": 1_700_000_000_000_i64
        })];
        let text = list(Some("user"), &users).to_string();
        for s in ["user_1", "ada@x.co", "Ada Lovelace", "2023-11-14"] {
            assert!(text.contains(s), "{text}");
        }
    }

    #[test]
    fn unknown_kinds_fall_back_to_scalar_fields() {
        let text = list(
            None,
            &[json!({"id": "x_1", "object": "x", "name": "n", "nested": {"a": 1}})],
        )
        .to_string();
        assert!(
            text.contains("x_1") && text.contains("NAME") && !text.contains("NESTED"),
            "{text}"
        );
    }
}
