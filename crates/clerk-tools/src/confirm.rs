//! Confirmation before risky calls: the person, not the agent, agrees to a deletion, a ban, a
//! revocation (by default every `destructive`, `credentials` and `instance` tool; see
//! [`ToolkitOptions::confirm`](crate::ToolkitOptions::confirm)).
//!
//! The [`Pipeline`](crate::Pipeline) asks in the strongest way the front-end offers, in words
//! that name the target ("Delete user Ada Lovelace <ada@example.com> (user_…)? This cannot be
//! undone."):
//!
//! 1. a [`Grant`] already in the context: the answer to an earlier `input_required` round (a
//!    sealed [`Claim`] plus the person's yes or no), or a pre-approval (`clerkctl --yes`);
//! 2. a [`Confirmer`] in the context that can ask now (MCP elicitation in a 2025-11-25 session,
//!    a terminal prompt in `clerkctl`);
//! 3. otherwise the call fails with [`ToolError::ConfirmationRequired`] carrying a [`Claim`]
//!    (a 2026-07-28 front-end seals it into an `input_required` result's `requestState`) and a
//!    short **confirmation code** for clients that can do neither: the agent asks the person and
//!    calls again with `"confirm": "<code>"`.
//!
//! Claims and codes are bound with HMAC-SHA256 to the tool, a digest of the arguments, the
//! tenant (key fingerprint) and the caller, and expire after [`CONFIRM_TTL`]. Each is accepted
//! once (per process). Declined, expired, altered or replayed: nothing is done, and the error
//! says which. The key ([`ConfirmKey`]) comes from `CLERK_MCP_CONFIRM_KEY` so every replica of a
//! deployment accepts what another issued; without it a random per-process key is used.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::BoxFuture;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::tool::{JsonObject, Tool};

/// How long a claim or a confirmation code stays valid.
pub const CONFIRM_TTL: Duration = Duration::from_secs(300);

/// The argument that carries a confirmation code.
pub const CONFIRM_ARG: &str = "confirm";

type HmacSha256 = Hmac<Sha256>;

/// The secret that binds claims and codes. Never printed (its `Debug` is redacted).
#[derive(Clone)]
pub struct ConfirmKey(Arc<Zeroizing<Vec<u8>>>);

impl std::fmt::Debug for ConfirmKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmKey([REDACTED])")
    }
}

/// A confirmation key that is too short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the confirmation key must be at least 32 bytes (e.g. `openssl rand -hex 32`); got {0} bytes"
)]
pub struct ShortKey(pub usize);

impl ConfirmKey {
    /// A key from configuration (at least 32 bytes), shared by every replica.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, ShortKey> {
        let bytes = bytes.into();
        if bytes.len() < 32 {
            return Err(ShortKey(bytes.len()));
        }
        Ok(ConfirmKey(Arc::new(Zeroizing::new(bytes))))
    }

    /// A random key for this process only.
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        ConfirmKey(Arc::new(Zeroizing::new(bytes)))
    }

    /// `CLERK_MCP_CONFIRM_KEY` when set (an error when it is too short), else `None`.
    pub fn from_env() -> Result<Option<Self>, ShortKey> {
        match std::env::var("CLERK_MCP_CONFIRM_KEY") {
            Ok(v) if !v.trim().is_empty() => {
                ConfirmKey::new(v.trim().as_bytes().to_vec()).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// A key derived for one purpose (`purpose` separates uses of the one secret).
    pub fn derive(&self, purpose: &str) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn mac(&self, purpose: &str, parts: &[&str]) -> HmacSha256 {
        let mut mac =
            HmacSha256::new_from_slice(&self.derive(purpose)).expect("HMAC takes any key length");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        mac
    }
}

/// What a confirmation is bound to. A front-end seals it (e.g. into a `requestState`) and hands
/// it back, with the person's answer, as [`Grant::Claim`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The tool.
    pub tool: String,
    /// SHA-256 (hex) of the arguments in canonical form, without `confirm` and `dryRun`.
    pub args: String,
    /// The tenant: the key's fingerprint.
    pub tenant: String,
    /// The caller: a user id, or how the request was authenticated.
    pub caller: String,
    /// A random id; each claim is accepted once.
    pub nonce: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// The question the person is asked.
    pub prompt: String,
}

/// How a confirmation came about, for the audit line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    /// `elicitation`, `input_required`, `code`, `terminal`, `preapproved`, or `not_required`.
    pub method: &'static str,
    /// Who agreed, when known (the signed-in user, or the approving flag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// An answer already in the context when the call runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Grant {
    /// The person answered an `input_required` round for this claim.
    Claim {
        /// The claim the front-end unsealed.
        claim: Claim,
        /// Whether they agreed.
        accepted: bool,
    },
    /// Approved in advance (`clerkctl --yes`, an embedding program's own check).
    Preapproved {
        /// What approved it (`--yes`).
        by: String,
    },
    /// The front-end got an answer it cannot trust (a `requestState` that was altered, expired
    /// or sealed with another key): the call is refused, and audited as such.
    Invalid {
        /// What was wrong.
        reason: String,
    },
}

impl Grant {
    /// A standing approval (`by` says what approved it, e.g. `--yes`).
    pub fn preapproved(by: impl Into<String>) -> Self {
        Grant::Preapproved { by: by.into() }
    }
}

/// A person's answer to a confirmation question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAnswer {
    /// Yes.
    Accepted,
    /// No.
    Declined,
    /// Dismissed without an answer.
    Cancelled,
    /// This confirmer cannot ask right now (the client lacks the capability, no terminal).
    Unavailable,
}

/// Asks the person now (MCP elicitation, a terminal prompt).
pub trait Confirmer: Send + Sync + 'static {
    /// `elicitation`, `terminal`, …, for the audit line.
    fn method(&self) -> &'static str;
    /// Asks `prompt`; yes or no.
    fn confirm<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, ConfirmAnswer>;
}

/// What a call that needs confirmation answers when it cannot ask now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmRequest {
    /// The question for the person.
    pub prompt: String,
    /// The claim, for a front-end that can run an `input_required` round.
    #[serde(skip)]
    pub claim: Claim,
    /// The code the agent passes as `confirm` after the person agreed.
    pub code: String,
    /// Seconds the claim and the code stay valid.
    pub expires_in_seconds: u64,
}

/// Checks and issues confirmations. One per pipeline.
#[derive(Debug)]
pub(crate) struct Confirmations {
    key: ConfirmKey,
    /// Claims and codes already accepted, until they expire.
    used: Mutex<HashMap<String, u64>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The arguments in canonical form (keys sorted at every depth), hashed.
pub fn args_digest(args: &JsonObject) -> String {
    fn canonical(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m
                    .keys()
                    .filter(|k| {
                        k.as_str() != CONFIRM_ARG && k.as_str() != crate::dry_run::DRY_RUN_ARG
                    })
                    .collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    canonical(&m[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    canonical(&Value::Object(args.clone()), &mut s);
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is calling, as bound into a claim.
fn caller_of(ctx: &ToolContext) -> String {
    ctx.caller
        .as_ref()
        .map(|c| c.user_id.clone())
        .unwrap_or_else(|| ctx.auth.name().to_string())
}

const CODE_WINDOW: u64 = CONFIRM_TTL.as_secs();

impl Confirmations {
    pub(crate) fn key(&self) -> &ConfirmKey {
        &self.key
    }

    pub(crate) fn new(key: ConfirmKey) -> Self {
        Confirmations {
            key,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Marks `id` used until `exp`; false when it was used already.
    fn use_once(&self, id: String, exp: u64) -> bool {
        let now = now();
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        used.retain(|_, e| *e >= now);
        used.insert(id, exp).is_none()
    }

    /// A code: 3 random bytes and 5 bytes of HMAC over them and what the call is bound to,
    /// base32, e.g. `K7Q2-9XZP-A3MTQ`.
    fn code_for(&self, bound: &[&str; 4], nonce: [u8; 3], window: u64) -> String {
        let bytes = self.code_mac(bound, nonce, window);
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&bytes);
        let code = data_encoding::BASE32_NOPAD.encode(&raw);
        format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..])
    }

    fn code_mac(&self, bound: &[&str; 4], nonce: [u8; 3], window: u64) -> [u8; 5] {
        let nonce = data_encoding::HEXLOWER.encode(&nonce);
        let window = window.to_string();
        let mac = self.key.mac(
            "confirm-code",
            &[bound[0], bound[1], bound[2], bound[3], &nonce, &window],
        );
        let out = mac.finalize().into_bytes();
        [out[0], out[1], out[2], out[3], out[4]]
    }

    /// The window (of [`CONFIRM_TTL`]) a code was issued in, if it is genuine and not expired.
    fn verify_code(&self, bound: &[&str; 4], code: &str) -> Option<u64> {
        let cleaned: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let raw = data_encoding::BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .ok()?;
        if raw.len() != 8 {
            return None;
        }
        let nonce = [raw[0], raw[1], raw[2]];
        let window = now() / CODE_WINDOW;
        [window, window.saturating_sub(1)].into_iter().find(|&w| {
            let expected = self.code_mac(bound, nonce, w);
            bool::from(subtle_eq(&expected, &raw[3..]))
        })
    }

    fn mismatch(&self, tool: &dyn Tool, why: &str) -> ToolError {
        ToolError::NotConfirmed {
            tool: tool.name().to_string(),
            reason: why.to_string(),
        }
    }

    /// Whether this call may go ahead; the confirmation for the audit line, or why not.
    pub(crate) async fn check(
        &self,
        tool: &dyn Tool,
        args: &JsonObject,
        code: Option<&str>,
        ctx: &ToolContext,
    ) -> Result<Confirmation, ToolError> {
        let digest = args_digest(args);
        let tenant = ctx.client.key_fingerprint();
        let caller = caller_of(ctx);
        let by = ctx.caller.as_ref().map(|c| c.user_id.clone());
        match &ctx.grant {
            Some(Grant::Preapproved { by }) => {
                return Ok(Confirmation {
                    method: "preapproved",
                    by: Some(by.clone()),
                });
            }
            Some(Grant::Invalid { reason }) => {
                return Err(self.mismatch(
                    tool,
                    &format!("{reason}; nothing was done. Call again to be asked anew"),
                ));
            }
            Some(Grant::Claim { claim, accepted }) => {
                if claim.tool != tool.name()
                    || claim.args != digest
                    || claim.tenant != tenant
                    || claim.caller != caller
                {
                    return Err(self.mismatch(
                        tool,
                        "the confirmation was given for a different call (tool, arguments, tenant or caller differ); nothing was done",
                    ));
                }
                if claim.exp < now() {
                    return Err(self.mismatch(
                        tool,
                        "the confirmation expired; nothing was done. Call again to be asked anew",
                    ));
                }
                if !accepted {
                    return Err(self.mismatch(tool, "the user declined; nothing was done"));
                }
                if !self.use_once(format!("claim:{}", claim.nonce), claim.exp) {
                    return Err(self.mismatch(tool, "this confirmation was already used; nothing was done. Call again to be asked anew"));
                }
                return Ok(Confirmation {
                    method: "input_required",
                    by,
                });
            }
            None => {}
        }
        let bound = [
            tool.name(),
            digest.as_str(),
            tenant.as_str(),
            caller.as_str(),
        ];
        if let Some(given) = code {
            return match self.verify_code(&bound, given) {
                Some(window) => {
                    let exp = (window + 2) * CODE_WINDOW;
                    let id = format!("code:{}", given.trim().to_ascii_uppercase());
                    if self.use_once(id, exp) {
                        Ok(Confirmation { method: "code", by })
                    } else {
                        Err(self.mismatch(tool, "this confirmation code was already used; nothing was done. Call again without `confirm` for a new one"))
                    }
                }
                None => Err(self.mismatch(
                    tool,
                    "the confirmation code is wrong, expired, or was issued for other arguments; nothing was done. Call again without `confirm` to get a new one",
                )),
            };
        }
        let prompt = describe(tool, args, ctx).await;
        if let Some(confirmer) = &ctx.confirmer {
            match confirmer.confirm(&prompt).await {
                ConfirmAnswer::Accepted => {
                    return Ok(Confirmation {
                        method: confirmer.method(),
                        by,
                    });
                }
                ConfirmAnswer::Declined => {
                    return Err(self.mismatch(tool, "the user declined; nothing was done"));
                }
                ConfirmAnswer::Cancelled => {
                    return Err(self.mismatch(
                        tool,
                        "the user dismissed the question without agreeing; nothing was done",
                    ));
                }
                ConfirmAnswer::Unavailable => {}
            }
        }
        let exp = now() + CONFIRM_TTL.as_secs();
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).expect("the operating system provides randomness");
        let claim = Claim {
            tool: tool.name().to_string(),
            args: digest.clone(),
            tenant: tenant.clone(),
            caller: caller.clone(),
            nonce: data_encoding::HEXLOWER.encode(&nonce),
            exp,
            prompt: prompt.clone(),
        };
        let mut code_nonce = [0u8; 3];
        getrandom::fill(&mut code_nonce).expect("the operating system provides randomness");
        let code = self.code_for(&bound, code_nonce, now() / CODE_WINDOW);
        Err(ToolError::ConfirmationRequired(Box::new(ConfirmRequest {
            prompt,
            claim,
            code,
            expires_in_seconds: CONFIRM_TTL.as_secs(),
        })))
    }
}

fn subtle_eq(a: &[u8], b: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    if a.len() != b.len() {
        return subtle::Choice::from(0);
    }
    a.ct_eq(b)
}

/// The question for the person: the tool's title and its target, named as a person would
/// recognize it ("Delete user Ada Lovelace <ada@example.com> (user_…)? This cannot be undone.").
pub async fn describe(tool: &dyn Tool, args: &JsonObject, ctx: &ToolContext) -> String {
    let s = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = s("userId") {
        parts.push(describe_user(ctx, &id).await);
    }
    if let Some(id) = s("organizationId") {
        let name =
            match tokio::time::timeout(Duration::from_secs(5), ctx.client.organizations().get(&id))
                .await
            {
                Ok(Ok(org)) => format!("{} ({id})", org.name),
                _ => id,
            };
        parts.push(if parts.is_empty() {
            name
        } else {
            format!("in organization {name}")
        });
    }
    for key in [
        "invitationId",
        "sessionId",
        "emailAddressId",
        "phoneNumberId",
    ] {
        if let Some(id) = s(key) {
            parts.push(id);
        }
    }
    let target = if parts.is_empty() {
        String::new()
    } else {
        format!(" {}", parts.join(" "))
    };
    let title = tool.title();
    let lasting = ["Delete", "Revoke", "Remove"]
        .iter()
        .any(|w| title.starts_with(w));
    format!(
        "{title}{target}?{}",
        if lasting {
            " This cannot be undone."
        } else {
            ""
        }
    )
}

async fn describe_user(ctx: &ToolContext, id: &str) -> String {
    match tokio::time::timeout(Duration::from_secs(5), ctx.client.users().get(id)).await {
        Ok(Ok(user)) => {
            let name = [user.first_name.as_deref(), user.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let email = user
                .primary_email()
                .or(user
                    .email_addresses
                    .first()
                    .map(|e| e.email_address.as_str()))
                .map(str::to_owned);
            let name = match (name.is_empty(), user.username.as_deref()) {
                (false, _) => name,
                (true, Some(u)) => u.to_string(),
                (true, None) => String::new(),
            };
            match (name.is_empty(), email) {
                (false, Some(e)) => format!("{name} <{e}> ({id})"),
                (true, Some(e)) => format!("<{e}> ({id})"),
                (false, None) => format!("{name} ({id})"),
                (true, None) => id.to_string(),
            }
        }
        _ => id.to_string(),
    }
}
