//! Query strings with repeated keys (`email_address=a&email_address=b`), as Clerk expects for
//! array parameters.

use std::fmt::Display;

/// An ordered list of query parameters; array parameters are sent as repeated keys.
///
/// ```
/// let mut q = clerk_api::Query::default();
/// q.push("limit", 5);
/// q.push_all("email_address", ["a@x.co", "b@x.co"]);
/// assert_eq!(q.to_query_string(), "limit=5&email_address=a%40x.co&email_address=b%40x.co");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Appends `key=value`.
    pub fn push(&mut self, key: &str, value: impl Display) -> &mut Self {
        self.0.push((key.to_string(), value.to_string()));
        self
    }

    /// Appends `key=value` for each value (repeated keys).
    pub fn push_all<I, V>(&mut self, key: &str, values: I) -> &mut Self
    where
        I: IntoIterator<Item = V>,
        V: Display,
    {
        for v in values {
            self.push(key, v);
        }
        self
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn push_opt(&mut self, key: &str, value: Option<impl Display>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, v);
        }
        self
    }

    /// Replaces every `key` by a single `key=value`.
    pub fn set(&mut self, key: &str, value: impl Display) -> &mut Self {
        self.remove(key);
        self.push(key, value)
    }

    /// Removes every `key`.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        self.0.retain(|(k, _)| k != key);
        self
    }

    /// The values of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parameters, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The encoded query string (without `?`).
    pub fn to_query_string(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.0.iter())
            .finish()
    }
}
