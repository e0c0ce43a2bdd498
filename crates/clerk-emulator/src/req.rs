//! Request parsing: query strings (with repeated keys), JSON bodies with
//! Clerk's validation errors, ordering and pagination helpers.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::error::ClerkError;
use crate::state::Metadata;

/// Parsed query string; keeps repeated keys (`?user_id=a&user_id=b`).
#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parse a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Query, ClerkError> {
        let pairs = match raw {
            None | Some("") => Vec::new(),
            Some(raw) => {
                serde_urlencoded::from_str::<Vec<(String, String)>>(raw).map_err(|_| {
                    ClerkError::new(
                        400,
                        "malformed_request_parameters",
                        "Malformed request parameters",
                        "The request parameters are malformed and could not be parsed",
                    )
                })?
            }
        };
        Ok(Query { pairs })
    }

    fn matches(k: &str, key: &str) -> bool {
        k == key || (k.len() == key.len() + 2 && k.starts_with(key) && k.ends_with("[]"))
    }

    /// First value of `key` (also accepts `key[]`); Clerk keeps the first
    /// of repeated single-valued parameters.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| Query::matches(k, key))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable `key` (also `key[]`).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| Query::matches(k, key) && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A boolean parameter.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ClerkError> {
        match self.get(key) {
            None => Ok(None),
            Some("true") | Some("1") => Ok(Some(true)),
            Some("false") | Some("0") => Ok(Some(false)),
            Some(other) => Err(ClerkError::invalid_value(key, other)),
        }
    }

    /// An integer parameter.
    pub fn int(&self, key: &str) -> Result<Option<i64>, ClerkError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ClerkError::invalid_value(key, v)),
        }
    }

    /// `limit`: integer 1–500, default 10.
    pub fn limit(&self) -> Result<usize, ClerkError> {
        match self.get("limit") {
            None => Ok(10),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=500).contains(&n) => Ok(n as usize),
                _ => Err(ClerkError::invalid_value("limit", v)),
            },
        }
    }

    /// `offset`: integer ≥ 0, default 0.
    pub fn offset(&self) -> Result<usize, ClerkError> {
        match self.get("offset") {
            None => Ok(0),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n as usize),
                _ => Err(ClerkError::invalid_value("offset", v)),
            },
        }
    }

    /// `order_by` with an optional `+`/`-` prefix; returns (field, descending).
    pub fn order_by(&self, allowed: &[&str], default: &str) -> Result<(String, bool), ClerkError> {
        let raw = self.get("order_by").unwrap_or(default);
        // An unencoded `+` arrives as a space.
        let raw = if raw.starts_with(' ') {
            raw.trim_start()
        } else {
            raw
        };
        let (desc, field) = if let Some(f) = raw.strip_prefix('-') {
            (true, f)
        } else if let Some(f) = raw.strip_prefix('+') {
            (false, f)
        } else {
            (false, raw)
        };
        if !allowed.contains(&field) {
            return Err(ClerkError::invalid_value("order_by", raw));
        }
        Ok((field.to_string(), desc))
    }

    /// A repeatable `status` filter restricted to `allowed` (empty: no filter).
    pub fn statuses(&self, allowed: &[&str]) -> Result<Vec<String>, ClerkError> {
        let all = self.all("status");
        match all.iter().find(|s| !allowed.contains(&s.as_str())) {
            Some(bad) => Err(ClerkError::invalid_value("status", bad)),
            None => Ok(all),
        }
    }

    /// A `status` filter restricted to `allowed`.
    pub fn status(&self, allowed: &[&str]) -> Result<Option<String>, ClerkError> {
        match self.get("status") {
            None => Ok(None),
            Some(s) if allowed.contains(&s) => Ok(Some(s.to_string())),
            Some(s) => Err(ClerkError::invalid_value("status", s)),
        }
    }
}

/// Include/exclude filter built from values with optional `+`/`-` prefixes.
#[derive(Debug, Default)]
pub struct IdFilter {
    include: Vec<String>,
    exclude: Vec<String>,
}

impl IdFilter {
    /// Build from raw values.
    pub fn new(values: Vec<String>) -> IdFilter {
        let mut f = IdFilter::default();
        for v in values {
            // An unencoded `+` arrives as a space.
            let v = if v.starts_with(' ') {
                v.trim_start().to_string()
            } else {
                v
            };
            if let Some(x) = v.strip_prefix('-') {
                f.exclude.push(x.to_string());
            } else if let Some(x) = v.strip_prefix('+') {
                f.include.push(x.to_string());
            } else {
                f.include.push(v);
            }
        }
        f
    }

    /// Whether the filter constrains anything.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether a record with these keys passes.
    pub fn accepts<'a>(&self, mut keys: impl Iterator<Item = &'a str> + Clone) -> bool {
        if !self.include.is_empty() && !keys.clone().any(|k| self.include.iter().any(|i| i == k)) {
            return false;
        }
        !keys.any(|k| self.exclude.iter().any(|e| e == k))
    }
}

/// A sortable key; `None` sorts like SQL NULL (last ascending, first descending).
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortKey {
    Int(Option<i64>),
    Text(Option<String>),
}

/// Compare two keys for a given direction, SQL-style NULL placement, ties by `seq`.
pub fn compare(a: &(SortKey, u64), b: &(SortKey, u64), desc: bool) -> Ordering {
    let primary = match (&a.0, &b.0) {
        (SortKey::Int(x), SortKey::Int(y)) => cmp_opt(x, y),
        (SortKey::Text(x), SortKey::Text(y)) => cmp_opt(x, y),
        _ => Ordering::Equal,
    };
    let ord = primary.then(a.1.cmp(&b.1));
    if desc { ord.reverse() } else { ord }
}

fn cmp_opt<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// Sort `items` by `key`, then cut a page. Returns (page, total_count).
pub fn sort_and_page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> (SortKey, u64),
    desc: bool,
    limit: usize,
    offset: usize,
) -> (Vec<T>, usize) {
    let mut keyed: Vec<((SortKey, u64), T)> = items.into_iter().map(|t| (key(&t), t)).collect();
    keyed.sort_by(|a, b| compare(&a.0, &b.0, desc));
    let total = keyed.len();
    let page = keyed
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, t)| t)
        .collect();
    (page, total)
}

/// Case-insensitive substring test.
pub fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    haystack.to_lowercase().contains(needle_lower)
}

/// Parse a JSON body; an empty body is `null`.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ClerkError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|_| ClerkError::body_invalid())
}

/// A JSON object body, with unknown keys rejected (`form_param_unknown`).
#[derive(Debug, Default)]
pub struct Fields {
    map: Map<String, Value>,
}

impl Fields {
    /// Parse `bytes` as an object whose keys must all be in `allowed`.
    pub fn parse(bytes: &[u8], allowed: &[&str]) -> Result<Fields, ClerkError> {
        Fields::from_value(parse_json(bytes)?, allowed)
    }

    /// Like [`Fields::parse`] for an operation whose body Clerk requires: a missing, empty or
    /// `null` body is a 400 `request_body_invalid`.
    pub fn parse_required(bytes: &[u8], allowed: &[&str]) -> Result<Fields, ClerkError> {
        match parse_json(bytes)? {
            Value::Null => Err(ClerkError::body_invalid()),
            v => Fields::from_value(v, allowed),
        }
    }

    /// Validate an already-parsed value.
    pub fn from_value(value: Value, allowed: &[&str]) -> Result<Fields, ClerkError> {
        let map = match value {
            Value::Null => Map::new(),
            Value::Object(m) => m,
            _ => return Err(ClerkError::body_invalid()),
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ClerkError::unknown_param(k));
        }
        Ok(Fields { map })
    }

    /// Whether `key` was sent (even as null).
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Raw value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// Required non-empty string.
    pub fn str_req(&self, key: &str) -> Result<String, ClerkError> {
        match self.str_opt(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(ClerkError::missing(key)),
        }
    }

    /// Optional string (absent or null → `None`).
    pub fn str_opt(&self, key: &str) -> Result<Option<String>, ClerkError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ClerkError::wrong_type(key, other, "string")),
        }
    }

    /// Nullable string: `None` = absent, `Some(None)` = explicit null or "".
    pub fn str_nullable(&self, key: &str) -> Result<Option<Option<String>>, ClerkError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) if s.is_empty() => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
            Some(other) => Err(ClerkError::wrong_type(key, other, "string")),
        }
    }

    /// Optional boolean.
    pub fn bool_opt(&self, key: &str) -> Result<Option<bool>, ClerkError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(ClerkError::wrong_type(key, other, "boolean")),
        }
    }

    /// Optional integer.
    pub fn int_opt(&self, key: &str) -> Result<Option<i64>, ClerkError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
            Some(other) => Err(ClerkError::wrong_type(key, other, "integer")),
        }
    }

    /// Optional array of strings.
    pub fn str_array_opt(&self, key: &str) -> Result<Option<Vec<String>>, ClerkError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(ClerkError::wrong_type(key, other, "string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(ClerkError::wrong_type(key, other, "array")),
        }
    }

    /// Optional metadata object (absent/null → `None`).
    pub fn metadata_opt(&self, key: &str) -> Result<Option<Metadata>, ClerkError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(ClerkError::new(
                422,
                "form_param_value_invalid",
                "is invalid",
                format!("{key} must be a valid JSON object"),
            )
            .param(key)),
        }
    }

    /// Optional RFC 3339 timestamp, returned in Unix ms.
    pub fn time_opt(&self, key: &str) -> Result<Option<i64>, ClerkError> {
        match self.str_opt(key)? {
            None => Ok(None),
            Some(s) => parse_rfc3339(&s).map(Some).ok_or_else(|| {
                ClerkError::new(
                    422,
                    "form_param_invalid_time",
                    "invalid format",
                    format!(
                        "{key} must contain a datetime specified in RFC3339 format (e.g. `2022-10-20T10:00:27.645Z`)."
                    ),
                )
                .param(key)
            }),
        }
    }
}

/// A JSON array body (bulk endpoints), at most `max` items.
pub fn parse_array(bytes: &[u8], max: usize) -> Result<Vec<Value>, ClerkError> {
    match parse_json(bytes)? {
        Value::Array(items) if items.is_empty() => Err(ClerkError::new(
            422,
            "form_param_missing",
            "at least one item must be provided",
            "at least one item must be provided for the request body",
        )),
        Value::Array(items) if items.len() > max => Err(ClerkError::new(
            422,
            "form_param_array_size_exceeded",
            "exceeds maximum size",
            format!("The request body should not exceed {max} items."),
        )),
        Value::Array(items) => Ok(items),
        _ => Err(ClerkError::body_invalid()),
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

fn find_bytes(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Parse a `multipart/form-data` body; the boundary is the body's first line (`--boundary`).
/// A body that is not multipart is a 400 `request_body_invalid`.
pub fn parse_multipart(body: &[u8]) -> Result<Vec<Part>, ClerkError> {
    let line_end = find_bytes(body, b"\r\n", 0).ok_or_else(ClerkError::body_invalid)?;
    let delimiter = &body[..line_end];
    if delimiter.len() < 3 || !delimiter.starts_with(b"--") {
        return Err(ClerkError::body_invalid());
    }
    if delimiter.len() > 4 && delimiter.ends_with(b"--") {
        // Only the close delimiter: a form without fields.
        return Ok(Vec::new());
    }
    let next = [b"\r\n".as_slice(), delimiter].concat();
    let mut parts = Vec::new();
    let mut pos = line_end + 2;
    loop {
        let head_end = find_bytes(body, b"\r\n\r\n", pos).ok_or_else(ClerkError::body_invalid)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).to_string();
        let data_start = head_end + 4;
        let data_end = find_bytes(body, &next, data_start).ok_or_else(ClerkError::body_invalid)?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(v.trim().to_ascii_lowercase());
            } else if k.eq_ignore_ascii_case("content-disposition") {
                for attr in v.split(';').map(str::trim) {
                    if let Some(n) = attr.strip_prefix("name=") {
                        part.name = n.trim_matches('"').to_string();
                    } else if let Some(f) = attr.strip_prefix("filename=") {
                        part.filename = Some(f.trim_matches('"').to_string());
                    }
                }
            }
        }
        parts.push(part);
        pos = data_end + next.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err(ClerkError::body_invalid());
        }
        pos += 2;
    }
}

/// Format Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.fffZ` (UTC).
pub fn format_rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, f) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{f:03}Z")
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` into Unix milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &s[start..i.min(start + 3)];
        millis = frac.parse::<i64>().ok()? * 10i64.pow(3 - frac.len() as u32);
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let h = num(i + 1..i + 3)?;
            let m = num(i + 4..i + 6)?;
            let v = h * 60 + m;
            if *sign == b'-' { -v } else { v }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3600 + min * 60 + sec) - offset_min * 60) * 1000 + millis)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Loose RFC 5322-ish check: `local@domain.tld`, no spaces.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
        && !domain.contains('@')
}

/// E.164: `+` and 7–15 digits.
pub fn valid_phone(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        for ms in [0, 951_782_400_000, 1_350_717_320_902, 4_102_444_799_999] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
        assert_eq!(
            format_rfc3339(1_350_717_320_902),
            "2012-10-20T07:15:20.902Z"
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2012-10-20T07:15:20.902Z"),
            Some(1_350_717_320_902)
        );
        assert_eq!(
            parse_rfc3339("2012-10-20T09:15:20.902+02:00"),
            Some(1_350_717_320_902)
        );
        assert_eq!(parse_rfc3339("2012-10-20"), None);
    }

    #[test]
    fn filters() {
        let f = IdFilter::new(vec!["+a".into(), "-b".into()]);
        assert!(f.accepts(["a"].into_iter()));
        assert!(!f.accepts(["b"].into_iter()));
        assert!(!f.accepts(["a", "b"].into_iter()));
        assert!(!f.accepts(["c"].into_iter()));
        let q = Query::parse(Some("user_id=a&user_id[]=b&limit=5")).unwrap();
        assert_eq!(q.all("user_id"), vec!["a", "b"]);
        assert_eq!(q.limit().unwrap(), 5);
        assert!(valid_email("a.b@example.com"));
        assert!(!valid_email("nope"));
        assert!(valid_phone("+15551234567"));
    }
}
