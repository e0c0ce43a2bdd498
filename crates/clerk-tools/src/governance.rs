//! The governance settings both binaries take (`--confirm`, `--max-risk`, `--reveal`,
//! `--audit-log`, `--audit-fsync`, `CLERK_MCP_CONFIRM_KEY`), turned into a [`Pipeline`] in one
//! place.

use std::collections::BTreeSet;

use crate::audit::{AuditLog, AuditTarget, Fsync};
use crate::budget::Budget;
use crate::confirm::ConfirmKey;
use crate::mask::SecretClass;
use crate::pipeline::Pipeline;
use crate::registry::{Registry, ScopeError, ToolkitOptions, default_confirm};
use crate::risk::Risk;

/// Governance settings, as flags give them.
#[derive(Debug, Clone)]
pub struct Governance {
    /// Risk classes that need confirmation (`--confirm destructive,credentials`, `none`).
    pub confirm: BTreeSet<Risk>,
    /// Serve only tools up to this risk (`--max-risk`).
    pub max_risk: Option<Risk>,
    /// Secret classes shown unmasked (`--reveal links`).
    pub reveal: BTreeSet<SecretClass>,
    /// Audit logs (`--audit-log PATH|stderr`, repeatable).
    pub audit: Vec<AuditTarget>,
    /// When file logs sync (`--audit-fsync`).
    pub fsync: Fsync,
    /// Budgets (`--budget`, `--tenant-budget`).
    pub budgets: Vec<Budget>,
}

impl Default for Governance {
    fn default() -> Self {
        Governance {
            confirm: default_confirm(),
            max_risk: None,
            reveal: BTreeSet::new(),
            audit: Vec::new(),
            fsync: Fsync::default(),
            budgets: Vec::new(),
        }
    }
}

/// Why the settings cannot be used. Each message names the flag to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GovernanceError {
    /// A `--tools` pattern matches nothing.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// An audit log cannot be opened.
    #[error("--audit-log: {0}")]
    Audit(std::io::Error),
    /// `CLERK_MCP_CONFIRM_KEY` is too short.
    #[error("CLERK_MCP_CONFIRM_KEY: {0}")]
    Key(#[from] crate::confirm::ShortKey),
}

/// Parses `--confirm`: `none`, or risk classes separated by commas or spaces.
pub fn parse_confirm(s: &str) -> Result<BTreeSet<Risk>, String> {
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(BTreeSet::new());
    }
    s.split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.parse::<Risk>().map_err(|e| e.to_string()))
        .collect()
}

/// Parses `--budget RISK=N/PERIOD` (per principal).
pub fn parse_budget(s: &str) -> Result<Budget, String> {
    Budget::parse(s, crate::budget::BudgetScope::Principal)
}

/// Parses `--tenant-budget RISK=N/PERIOD` (per tenant).
pub fn parse_tenant_budget(s: &str) -> Result<Budget, String> {
    Budget::parse(s, crate::budget::BudgetScope::Tenant)
}

/// Parses `--reveal`: secret classes separated by commas or spaces.
pub fn parse_reveal(s: &str) -> Result<BTreeSet<SecretClass>, String> {
    s.split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(str::parse::<SecretClass>)
        .collect()
}

impl Governance {
    /// Puts the selection and confirmation settings into the registry options.
    pub fn apply(&self, options: &mut ToolkitOptions) {
        options.confirm = self.confirm.clone();
        options.reveal = self.reveal.clone();
        if self.max_risk.is_some() {
            options.max_risk = self.max_risk;
        }
    }

    /// The registry (with [`Governance::apply`]) and a pipeline with the audit logs opened and
    /// the confirmation key from `CLERK_MCP_CONFIRM_KEY` (random per process without it).
    pub fn pipeline(&self, mut options: ToolkitOptions) -> Result<Pipeline, GovernanceError> {
        self.apply(&mut options);
        let mut pipeline = Pipeline::new(Registry::new(options)?);
        if let Some(key) = ConfirmKey::from_env()? {
            pipeline = pipeline.with_confirm_key(key);
        }
        for target in &self.audit {
            let log = AuditLog::open(target.clone(), self.fsync).map_err(GovernanceError::Audit)?;
            pipeline = pipeline.with_audit(log);
        }
        if !self.budgets.is_empty() {
            pipeline = pipeline.with_budgets(self.budgets.clone());
        }
        if self.confirm.is_empty() {
            tracing::warn!("confirmation of risky calls is off (--confirm none)");
        }
        Ok(pipeline)
    }
}
