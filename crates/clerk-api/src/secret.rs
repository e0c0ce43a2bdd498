//! [`Secret`]: a sensitive string in a request or response body (a password, a password
//! digest, a TOTP secret, a backup code, a provider's OAuth token).

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A sensitive string that travels in a Clerk request or response body.
///
/// It serializes as the plain string (Clerk needs it), but its `Debug` output is redacted, so a
/// `{:?}` of a [`CreateUser`](crate::users::CreateUser), an error or a log line never shows it.
/// The memory is zeroed when it is dropped. Read it with [`Secret::expose`].
///
/// ```
/// use clerk_api::Secret;
/// let password = Secret::from("correct horse battery staple");
/// assert_eq!(format!("{password:?}"), "[REDACTED]");
/// assert_eq!(password.expose(), "correct horse battery staple");
/// assert_eq!(serde_json::to_string(&password).unwrap(), "\"correct horse battery staple\"");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The value. Do not log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new(String::new())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}
