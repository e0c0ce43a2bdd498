//! Rust names from spec names.

/// Words split on case changes, `_`, `-`, `.`, spaces; acronyms kept whole (`JWTTemplate` →
/// `JWT`, `Template`; `M2MTokens` → `M2M`, `Tokens`; `OAuth` and `URLs` read as one word).
fn words(s: &str) -> Vec<String> {
    let s = s
        .replace("OAuth", "Oauth")
        .replace("URLs", "Urls")
        .replace("IDs", "Ids")
        .replace("M2M", "M2m");
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || (prev.is_ascii_digit()
                    && !cur
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `snake_case`.
pub fn snake(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `PascalCase`.
pub fn pascal(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A field or argument name for a spec property; `type` reads `kind`, other keywords are raw.
pub fn field(name: &str) -> String {
    let s = snake(name);
    let s = if s.is_empty() { "value".to_string() } else { s };
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    };
    if s == "type" {
        "kind".to_string()
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// An enum variant for a wire value.
pub fn variant(value: &str) -> String {
    let p = pascal(value);
    if p.is_empty() {
        "Empty".to_string()
    } else if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{p}")
    } else if p == "Other" || p == "Self" {
        format!("{p}Value")
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake("CreateJWTTemplate"), "create_jwt_template");
        assert_eq!(snake("getM2MTokens"), "get_m2m_tokens");
        assert_eq!(snake("RotateDirectoryAPIKey"), "rotate_directory_api_key");
        assert_eq!(snake("ListRedirectURLs"), "list_redirect_urls");
        assert_eq!(
            snake("GetInstanceOAuthApplicationSettings"),
            "get_instance_oauth_application_settings"
        );
        assert_eq!(snake("SCIMDirectory"), "scim_directory");
        assert_eq!(snake("apiKeyID"), "api_key_id");
        assert_eq!(snake("statementID"), "statement_id");
        assert_eq!(snake("web3_wallet"), "web3_wallet");
        assert_eq!(pascal("JWKS.rsa.PublicKey"), "JwksRsaPublicKey");
        assert_eq!(pascal("CommercePlan-2"), "CommercePlan2");
        assert_eq!(pascal("verification_otp"), "VerificationOtp");
        assert_eq!(pascal("CreateJWTTemplate"), "CreateJwtTemplate");
        assert_eq!(field("type"), "kind");
        assert_eq!(field("ref"), "r#ref");
        assert_eq!(variant("saml_custom"), "SamlCustom");
        assert_eq!(variant("2fa"), "V2fa");
    }
}
