//! Budgets: at most so many calls of a risk class per period, per principal or per tenant
//! (`--budget destructive=20/h`, `--tenant-budget destructive=100/d`), so a looping agent cannot
//! mass-delete. Over budget, a call is refused before anything is sent
//! ([`ToolError::OverBudget`], with when the next call is allowed).
//!
//! Budgets are GCRA rate limits (the `governor` crate): `20/h` allows a burst of 20, then one
//! more every 3 minutes. Dry runs and calls refused earlier (validation, policy, confirmation)
//! do not count. State is per process.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::risk::Risk;

/// Whose calls a budget counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetScope {
    /// Each principal: the signed-in user, or without one the tenant.
    Principal,
    /// Each tenant (Clerk instance, by key fingerprint).
    Tenant,
}

/// One limit: `calls` calls of `risk` per `period`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// The risk class it counts.
    pub risk: Risk,
    /// How many calls.
    pub calls: NonZeroU32,
    /// Per how long.
    pub period: Duration,
    /// Whose calls.
    pub scope: BudgetScope,
}

impl Budget {
    /// Parses `RISK=N/PERIOD` (`destructive=20/h`; periods `s`, `m`, `h`, `d`, optionally with
    /// a count: `30m`).
    pub fn parse(spec: &str, scope: BudgetScope) -> Result<Budget, String> {
        let bad = || {
            format!(
                "budget `{spec}`: expected RISK=N/PERIOD, e.g. destructive=20/h (periods s, m, h, d)"
            )
        };
        let (risk, rest) = spec.split_once('=').ok_or_else(bad)?;
        let risk: Risk = risk
            .parse()
            .map_err(|e: crate::risk::UnknownRisk| e.to_string())?;
        let (calls, period) = rest.split_once('/').ok_or_else(bad)?;
        let calls: NonZeroU32 = calls.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let (count, unit) = period.split_at(period.len().saturating_sub(1));
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        let unit = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(bad());
        }
        Ok(Budget {
            risk,
            calls,
            period: Duration::from_secs(count * unit),
            scope,
        })
    }

    fn describe(&self) -> String {
        let secs = self.period.as_secs();
        let period = match secs {
            86_400 => "a day".to_string(),
            3600 => "an hour".to_string(),
            60 => "a minute".to_string(),
            s if s % 3600 == 0 => format!("per {} hours", s / 3600),
            s if s % 60 == 0 => format!("per {} minutes", s / 60),
            s => format!("per {s} seconds"),
        };
        format!("at most {} {} calls {period}", self.calls, self.risk)
    }
}

/// The budgets of a pipeline, with their counters.
pub(crate) struct Budgets {
    limits: Vec<(Budget, DefaultKeyedRateLimiter<String>)>,
}

impl std::fmt::Debug for Budgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.limits.iter().map(|(b, _)| b))
            .finish()
    }
}

impl Budgets {
    pub(crate) fn new(budgets: Vec<Budget>) -> Budgets {
        let limits = budgets
            .into_iter()
            .map(|b| {
                let per_call = b.period / b.calls.get();
                let quota = Quota::with_period(per_call.max(Duration::from_nanos(1)))
                    .expect("a positive period")
                    .allow_burst(b.calls);
                (b, DefaultKeyedRateLimiter::keyed(quota))
            })
            .collect();
        Budgets { limits }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.limits.is_empty()
    }

    /// Counts one call of `risk` against every budget that applies; refuses when one is used up
    /// (and then counts it nowhere).
    pub(crate) fn check(&self, tool: &str, risk: Risk, ctx: &ToolContext) -> Result<(), ToolError> {
        let tenant = ctx.client.key_fingerprint();
        let principal = ctx
            .caller
            .as_ref()
            .map(|c| format!("principal {}", c.user_id))
            .unwrap_or_else(|| format!("tenant {tenant}"));
        let clock = DefaultClock::default();
        for (budget, limiter) in self.limits.iter().filter(|(b, _)| b.risk == risk) {
            let key = match budget.scope {
                BudgetScope::Principal => format!("{tenant}|{principal}"),
                BudgetScope::Tenant => tenant.clone(),
            };
            if let Err(not_until) = limiter.check_key(&key) {
                let wait = not_until.wait_time_from(clock.now());
                return Err(ToolError::OverBudget {
                    tool: tool.to_string(),
                    budget: budget.describe(),
                    scope: match budget.scope {
                        BudgetScope::Principal => principal,
                        BudgetScope::Tenant => format!("tenant {tenant}"),
                    },
                    retry_after_seconds: wait.as_secs_f64().ceil() as u64,
                });
            }
        }
        // Forget keys that are back to a full budget.
        for (_, limiter) in &self.limits {
            if limiter.len() > 10_000 {
                limiter.retain_recent();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_budgets_and_says_what_is_wrong() {
        let b = Budget::parse("destructive=20/h", BudgetScope::Principal).unwrap();
        assert_eq!(
            (b.risk, b.calls.get(), b.period),
            (Risk::Destructive, 20, Duration::from_secs(3600))
        );
        assert_eq!(b.describe(), "at most 20 destructive calls an hour");
        let b = Budget::parse("write=5/30m", BudgetScope::Tenant).unwrap();
        assert_eq!(b.period, Duration::from_secs(1800));
        assert_eq!(b.describe(), "at most 5 write calls per 30 minutes");
        for bad in [
            "destructive",
            "destructive=0/h",
            "delete=1/h",
            "write=1/w",
            "write=x/h",
            "write=1/0h",
        ] {
            assert!(Budget::parse(bad, BudgetScope::Principal).is_err(), "{bad}");
        }
    }
}
