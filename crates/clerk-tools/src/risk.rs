//! Risk classes: every tool has one, shown in `tools/list` (`_meta["clerk/risk"]`) and
//! `clerkctl tools`, used to select tools (`--max-risk`) and by governance (which calls need a
//! confirmation, which budgets apply).

use serde::Serialize;

use crate::tool::Annotations;

/// How much harm a mistaken call of a tool can do. Ordered from least to most:
/// `read < write < destructive < credentials < instance`, so "serve everything up to `write`"
/// is `risk <= Risk::Write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Changes nothing.
    Read,
    /// Creates or changes data without destroying any.
    Write,
    /// Deletes, bans, locks, revokes: hard or impossible to undo.
    Destructive,
    /// Creates or reveals tokens, keys, secrets or sign-in links.
    Credentials,
    /// Changes instance-wide settings.
    Instance,
}

impl Risk {
    /// Every class, least risky first.
    pub const ALL: &'static [Risk] = &[
        Risk::Read,
        Risk::Write,
        Risk::Destructive,
        Risk::Credentials,
        Risk::Instance,
    ];

    /// The class the annotations imply: `read`, `destructive` or `write`.
    pub fn from_annotations(a: Annotations) -> Risk {
        if a.read_only_hint {
            Risk::Read
        } else if a.destructive_hint {
            Risk::Destructive
        } else {
            Risk::Write
        }
    }

    /// `read`, `write`, `destructive`, `credentials` or `instance`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Read => "read",
            Risk::Write => "write",
            Risk::Destructive => "destructive",
            Risk::Credentials => "credentials",
            Risk::Instance => "instance",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A risk name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown risk class `{0}`: expected read, write, destructive, credentials or instance")]
pub struct UnknownRisk(pub String);

impl std::str::FromStr for Risk {
    type Err = UnknownRisk;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Risk::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRisk(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_orders_and_prints() {
        assert_eq!("Destructive".parse::<Risk>(), Ok(Risk::Destructive));
        assert!("delete".parse::<Risk>().is_err());
        assert!(Risk::Read < Risk::Write && Risk::Write < Risk::Destructive);
        assert!(Risk::Destructive < Risk::Credentials && Risk::Credentials < Risk::Instance);
        for r in Risk::ALL {
            assert_eq!(r.as_str().parse::<Risk>(), Ok(*r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}
