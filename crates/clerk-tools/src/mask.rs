//! Secrets never reach the agent: tool results are masked before they leave the
//! [`Pipeline`](crate::Pipeline), unless the operator reveals a class
//! ([`ToolkitOptions::reveal`](crate::ToolkitOptions::reveal), `--reveal`).
//!
//! A masked value keeps a short fingerprint (`[masked:3f9a1c0b]`, the start of its SHA-256) so a
//! person can tell two apart without seeing either. A URL that embeds a ticket or token keeps
//! its address; only the secret query value is masked.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A class of secret that results may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretClass {
    /// Secret and publishable keys, API keys, OAuth client secrets, machine secrets.
    Keys,
    /// Session, sign-in and OAuth tokens, JWTs, tickets.
    Tokens,
    /// URLs that embed a ticket or token (invitation and sign-in links).
    Links,
    /// TOTP secrets and backup codes.
    Mfa,
}

impl SecretClass {
    /// Every class.
    pub const ALL: &'static [SecretClass] = &[
        SecretClass::Keys,
        SecretClass::Tokens,
        SecretClass::Links,
        SecretClass::Mfa,
    ];

    /// `keys`, `tokens`, `links` or `mfa`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretClass::Keys => "keys",
            SecretClass::Tokens => "tokens",
            SecretClass::Links => "links",
            SecretClass::Mfa => "mfa",
        }
    }
}

impl std::str::FromStr for SecretClass {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SecretClass::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown secret class `{s}`: expected keys, tokens, links or mfa")
            })
    }
}

/// `[masked:xxxxxxxx]`: the first 8 hex digits of the value's SHA-256.
pub fn masked(value: &str) -> String {
    let d = Sha256::digest(value.as_bytes());
    format!("[masked:{:02x}{:02x}{:02x}{:02x}]", d[0], d[1], d[2], d[3])
}

/// The class of a field by its name, if it holds a secret.
fn class_of(name: &str) -> Option<SecretClass> {
    let n: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if n.ends_with("id") || n.ends_with("enabled") || n.ends_with("at") || n.ends_with("type") {
        return None;
    }
    if n.contains("totp") || n.contains("backupcode") || n.contains("recoverycode") {
        Some(SecretClass::Mfa)
    } else if n.contains("tokensecret") || n.contains("token") || n == "jwt" || n.contains("ticket")
    {
        Some(SecretClass::Tokens)
    } else if n.contains("secret")
        || n.contains("apikey")
        || n.contains("publishablekey")
        || n.contains("signingkey")
        || n.contains("privatekey")
        // Svix's dashboard URL carries its key in the fragment: all of it is a key.
        || n == "svixurl"
    {
        Some(SecretClass::Keys)
    } else if n == "url" || n.ends_with("url") || n.ends_with("link") {
        Some(SecretClass::Links)
    } else {
        None
    }
}

/// Query parameters whose values are tickets or tokens.
const SECRET_PARAMS: &[&str] = &[
    "__clerk_ticket",
    "ticket",
    "token",
    "__clerk_db_jwt",
    "code",
];

/// A URL with its secret query values masked, or `None` when it embeds none.
fn mask_url(url: &str) -> Option<String> {
    let (base, query) = url.split_once('?')?;
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut changed = false;
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if SECRET_PARAMS.contains(&k) && !v.is_empty() => {
                changed = true;
                format!("{k}={}", masked(v))
            }
            _ => pair.to_string(),
        })
        .collect();
    changed.then(|| {
        let mut out = format!("{base}?{}", parts.join("&"));
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    })
}

/// Masks every secret in `value` (at any depth) whose class is not in `reveal`.
pub fn mask(value: &mut Value, reveal: &BTreeSet<SecretClass>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match class_of(k) {
                    Some(class) if !reveal.contains(&class) => mask_field(class, v),
                    _ => mask(v, reveal),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask(v, reveal)),
        _ => {}
    }
}

fn mask_field(class: SecretClass, v: &mut Value) {
    match v {
        Value::String(s) if class == SecretClass::Links => {
            if let Some(m) = mask_url(s) {
                *s = m;
            }
        }
        Value::String(s) => *s = masked(s),
        Value::Array(items) => items.iter_mut().for_each(|x| mask_field(class, x)),
        // A token object (e.g. `last_active_token: {object, jwt}`): mask its strings.
        Value::Object(m) if class != SecretClass::Links => {
            for (k, x) in m.iter_mut() {
                if k != "object" {
                    mask_field(class, x);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_each_class_unless_revealed() {
        let original = json!({
            "id": "inv_1",
            "url": "https://app.example.com/accept?__clerk_ticket=eyJhbGciOi.secret.ticket&redirect=%2F",
            "public_metadata": {"note": "kept"},
            "last_active_token": {"object": "token", "jwt": "eyJ.jwt.value"},
            "backup_codes": ["11111111", "22222222"],
            "totp_secret": "JBSWY3DPEHPK3PXP",
            "client_secret": "cs_abcdef",
            "secret_key": "sk_test_abc",
            "totp_enabled": true,
            "token_id": "tok_1",
            "email_address": "ada@example.com"
        });
        let mut v = original.clone();
        mask(&mut v, &BTreeSet::new());
        let text = v.to_string();
        for secret in [
            "secret.ticket",
            "eyJ.jwt",
            "11111111",
            "JBSWY3",
            "cs_abcdef",
            "sk_test_abc",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(
            v["url"]
                .as_str()
                .unwrap()
                .starts_with("https://app.example.com/accept?__clerk_ticket=[masked:")
        );
        assert!(v["url"].as_str().unwrap().ends_with("&redirect=%2F"));
        assert_eq!(v["last_active_token"]["object"], "token");
        assert_eq!(v["totp_enabled"], true);
        assert_eq!(v["token_id"], "tok_1");
        assert_eq!(v["email_address"], "ada@example.com");
        assert_eq!(v["public_metadata"]["note"], "kept");
        // Same value, same fingerprint; different values, different ones.
        assert_eq!(v["secret_key"], masked("sk_test_abc"));
        assert_ne!(v["backup_codes"][0], v["backup_codes"][1]);

        let mut shown = original.clone();
        let all: BTreeSet<SecretClass> = SecretClass::ALL.iter().copied().collect();
        mask(&mut shown, &all);
        assert_eq!(shown, original);

        let mut links_only = original.clone();
        mask(&mut links_only, &[SecretClass::Links].into_iter().collect());
        assert_eq!(links_only["url"], original["url"]);
        assert_ne!(links_only["secret_key"], original["secret_key"]);
    }

    #[test]
    fn plain_urls_stay() {
        let mut v = json!({"image_url": "https://img.clerk.com/abc.png", "profile_image_url": "https://x/y?size=64"});
        let before = v.clone();
        mask(&mut v, &BTreeSet::new());
        assert_eq!(v, before);
    }
}
