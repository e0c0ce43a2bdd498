//! The one call pipeline. Every front-end (stdio and HTTP MCP, `clerkctl`, an embedding agent)
//! lists and calls tools through [`Pipeline`], and holds no rule of its own.
//!
//! [`Pipeline::call`] does, in order:
//!
//! 1. **visibility**: the tool must be in the [`Registry`] and visible to this context (the
//!    [`Policy`] and caller pinning); otherwise the call fails as [`CallError::UnknownTool`], as
//!    for a tool that does not exist;
//! 2. **caller pinning**: with a signed-in caller, `userId` / `organizationId` default to the
//!    caller's and must not name anyone else;
//! 3. **argument validation** against the tool's input schema (every bad field at once);
//! 4. **authorization**: the policy must answer [`Decision::Allow`] (deny by default);
//! 5. **confirmation** of `destructive`, `credentials` and `instance` calls by the person
//!    ([`crate::confirm`]), unless it is a dry run;
//! 6. for a call that can change something, its **budgets** ([`crate::budget`]), then the audit
//!    log's **intent line** ([`crate::audit`]); over budget, or no log can be written → refused;
//! 7. **the call**, bounded by the call timeout, a panic caught and turned into an error; or
//!    with `dryRun: true` the preview ([`crate::dry_run`]);
//! 8. **result shaping** (nulls and empties dropped, `private_metadata` removed unless allowed),
//!    **masking** of secrets ([`crate::mask`]), then for a list tool the **summary** of each
//!    object unless called with `view: "full"` ([`crate::output::View`]);
//! 9. **one [`CallEvent`]** handed to every [`EventSink`] and written to the audit logs (for a
//!    change, before the result is returned), whatever the outcome.
//!
//! [`Pipeline::definitions_for`] answers `tools/list` for a context with the same visibility rule.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use serde_json::{Map, Value};

use crate::audit::{AuditLine, AuditLog};
use crate::budget::{Budget, Budgets};
use crate::confirm::{CONFIRM_ARG, ConfirmKey, Confirmations};
use crate::context::{Caller, ToolContext};
use crate::dry_run::DRY_RUN_ARG;
use crate::error::ToolError;
use crate::event::{self, CallEvent, EventSink, Outcome, TracingSink};
use crate::output::{VIEW_ARG, View};
use crate::policy::{AllowAll, Decision, Policy};
use crate::registry::{CallError, Registry};
use crate::risk::Risk;
use crate::tool::{JsonObject, Output, Tool};

/// Default bound on one tool call (all its Clerk requests, retries and waits included).
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The call pipeline: a shared [`Registry`], a [`Policy`] and event sinks. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    registry: Arc<Registry>,
    policy: Arc<dyn Policy>,
    sinks: Vec<Arc<dyn EventSink>>,
    call_timeout: Option<Duration>,
    confirmations: Arc<Confirmations>,
    audit: Vec<AuditLog>,
    budgets: Arc<Budgets>,
    dynamic: bool,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("registry", &self.registry)
            .field("policy", &self.policy.name())
            .field("sinks", &self.sinks.len())
            .field("call_timeout", &self.call_timeout)
            .field("audit", &self.audit)
            .field("budgets", &self.budgets)
            .finish()
    }
}

impl Pipeline {
    /// A pipeline over `registry` with the permissive [`AllowAll`] policy, call events written
    /// to `tracing` ([`TracingSink`]) and a [`DEFAULT_CALL_TIMEOUT`].
    pub fn new(registry: Registry) -> Self {
        Pipeline {
            registry: Arc::new(registry),
            policy: Arc::new(AllowAll),
            sinks: vec![Arc::new(TracingSink)],
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            confirmations: Arc::new(Confirmations::new(ConfirmKey::random())),
            audit: Vec::new(),
            budgets: Arc::new(Budgets::new(Vec::new())),
            dynamic: false,
        }
    }

    /// Dynamic mode (see [`crate::dynamic`]): [`Pipeline::definitions_for`] offers three
    /// meta-tools (search, describe, call) instead of every tool, and calls through
    /// `callClerkTool` take exactly the path of a direct call.
    pub fn with_dynamic(mut self, dynamic: bool) -> Self {
        self.dynamic = dynamic;
        self
    }

    /// Whether dynamic mode is on.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic
    }

    /// Sets the budgets (see [`crate::budget`]); replaces any set before.
    pub fn with_budgets(mut self, budgets: Vec<Budget>) -> Self {
        self.budgets = Arc::new(Budgets::new(budgets));
        self
    }

    /// Sets the key that binds confirmation claims and codes (give every replica the same one;
    /// the default is random per process).
    pub fn with_confirm_key(mut self, key: ConfirmKey) -> Self {
        self.confirmations = Arc::new(Confirmations::new(key));
        self
    }

    /// The key that binds confirmations (a front-end that seals claims, e.g. into a 2026-07-28
    /// `requestState`, derives its sealing key from it with [`ConfirmKey::derive`]).
    pub fn confirm_key(&self) -> &ConfirmKey {
        self.confirmations.key()
    }

    /// Adds an audit log. With one or more, every call is written, and a call that can change
    /// something is refused when no log can take its intent line.
    pub fn with_audit(mut self, log: AuditLog) -> Self {
        self.audit.push(log);
        self
    }

    /// The audit logs.
    pub fn audit_logs(&self) -> &[AuditLog] {
        &self.audit
    }

    /// Replaces the policy.
    pub fn with_policy(mut self, policy: impl Policy) -> Self {
        self.policy = Arc::new(policy);
        self
    }

    /// Replaces the policy with a shared one.
    pub fn with_shared_policy(mut self, policy: Arc<dyn Policy>) -> Self {
        self.policy = policy;
        self
    }

    /// Adds an event sink (the [`TracingSink`] stays).
    pub fn with_sink(mut self, sink: impl EventSink) -> Self {
        self.sinks.push(Arc::new(sink));
        self
    }

    /// Sets the bound on one call (`None`: unbounded).
    pub fn with_call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The policy.
    pub fn policy(&self) -> &dyn Policy {
        self.policy.as_ref()
    }

    /// Lets the policy look up what it needs about the caller ([`Policy::prepare`]); call it
    /// before [`Pipeline::definitions_for`] / [`Pipeline::visible_indices`]. [`Pipeline::call`]
    /// does it itself.
    pub async fn prepare(&self, ctx: &mut ToolContext) -> Result<(), ToolError> {
        if !self.policy.prepares() {
            return Ok(());
        }
        self.policy.prepare(ctx).await
    }

    /// Whether `tool` is listed for, and callable by, this context.
    pub fn is_visible(&self, tool: &dyn Tool, ctx: &ToolContext) -> bool {
        pin_visible(tool, ctx, self.registry.options().pin_to_caller)
            && self.policy.visible(tool, ctx)
    }

    /// Positions (in [`Registry::tools`]) of the tools visible to this context, in order; for
    /// front-ends that keep their own rendering of each definition.
    pub fn visible_indices(&self, ctx: &ToolContext) -> Vec<usize> {
        self.registry
            .tools()
            .iter()
            .enumerate()
            .filter(|(_, t)| self.is_visible(t.as_ref(), ctx))
            .map(|(i, _)| i)
            .collect()
    }

    /// The definitions ([`Tool::definition`]) visible to this context, in order.
    pub fn definitions_for(&self, ctx: &ToolContext) -> Vec<Value> {
        if self.dynamic {
            return crate::dynamic::definitions();
        }
        let all = self.registry.definitions();
        self.visible_indices(ctx)
            .into_iter()
            .map(|i| all[i].clone())
            .collect()
    }

    /// Calls a tool: the whole pipeline (see the module docs). Exactly one [`CallEvent`] is
    /// recorded before this returns.
    pub async fn call(
        &self,
        ctx: &ToolContext,
        name: &str,
        args: Option<JsonObject>,
    ) -> Result<Value, CallError> {
        if self.dynamic {
            match name {
                crate::dynamic::CALL => {
                    let (inner, inner_args) =
                        crate::dynamic::unwrap_call(args.unwrap_or_default())?;
                    return self.call_tool(ctx, &inner, inner_args).await;
                }
                crate::dynamic::SEARCH | crate::dynamic::DESCRIBE => {
                    let mut c = ctx.clone();
                    if self.policy.prepares() && c.memberships.is_none() {
                        self.policy.prepare(&mut c).await?;
                    }
                    let args = args.unwrap_or_default();
                    return if name == crate::dynamic::SEARCH {
                        crate::dynamic::search(self, &c, args)
                    } else {
                        crate::dynamic::describe(self, &c, args)
                    };
                }
                _ => {}
            }
        }
        self.call_tool(ctx, name, args).await
    }

    /// The pipeline for one named tool.
    async fn call_tool(
        &self,
        ctx: &ToolContext,
        name: &str,
        args: Option<JsonObject>,
    ) -> Result<Value, CallError> {
        let started = Instant::now();
        let time = event::now_rfc3339();
        let mut args = args.unwrap_or_default();
        // The policy's look-up of the caller (memberships), unless the front-end did it.
        let mut prepared = None;
        let mut preparation_failed = None;
        if self.policy.prepares() && ctx.memberships.is_none() {
            let mut c = ctx.clone();
            match self.policy.prepare(&mut c).await {
                Ok(()) => prepared = Some(c),
                Err(e) => preparation_failed = Some(e),
            }
        }
        let ctx = prepared.as_ref().unwrap_or(ctx);
        let tool = self
            .registry
            .get(name)
            .filter(|t| self.is_visible(t.as_ref(), ctx))
            .cloned();
        let mut governance = Governance::default();
        if let Some(tool) = &tool {
            governance = self.take_governance_args(tool.as_ref(), &mut args);
        }
        let mut event = CallEvent {
            time,
            request_id: ctx.request_id.clone(),
            tool: name.to_string(),
            risk: tool.as_ref().map(|t| t.risk()),
            auth: ctx.auth.name(),
            principal: ctx.caller.as_ref().map(|c| c.user_id.clone()),
            client: ctx.client_info.clone(),
            tenant: ctx.client.key_fingerprint(),
            policy: self.policy.name(),
            arguments: event::mask_arguments(&args),
            dry_run: governance.dry_run,
            confirmation: None,
            outcome: Outcome::Pending,
            clerk_trace_ids: Vec::new(),
            duration_ms: 0.0,
        };
        let result = match (&tool, preparation_failed) {
            (_, Some(e)) => Err(CallError::Tool(e)),
            (None, None) => Err(CallError::UnknownTool(name.to_string())),
            (Some(tool), None) => self
                .run(tool.as_ref(), ctx, args, governance, &mut event)
                .await
                .map_err(CallError::Tool),
        };
        let (outcome, clerk_trace_ids) = outcome_of(&result);
        event.outcome = outcome;
        event.clerk_trace_ids = clerk_trace_ids;
        event.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        for sink in &self.sinks {
            sink.record(&event);
        }
        let changes = changes_something(&event);
        if let Err(e) = self.audit_write("call", &event, changes).await {
            // The change (if any) is made; refusing its answer now would invite a retry.
            tracing::error!(request_id = %event.request_id, tool = name, "could not write the audit line of this call: {e}");
        }
        result
    }

    /// Removes `confirm`, `dryRun` and `view` from the arguments of the tools that take them.
    fn take_governance_args(&self, tool: &dyn Tool, args: &mut JsonObject) -> Governance {
        let mut g = Governance::default();
        if self.registry.takes_view(tool) {
            match View::from_arg(args.remove(VIEW_ARG).as_ref()) {
                Ok(view) => g.view = view,
                Err(e) => g.bad_view = Some(e),
            }
        }
        if self.registry.takes_dry_run(tool) {
            g.dry_run = matches!(args.remove(DRY_RUN_ARG), Some(Value::Bool(true)));
        }
        if self.registry.takes_confirm(tool) {
            g.confirm_code = match args.remove(CONFIRM_ARG) {
                Some(Value::String(code)) if !code.trim().is_empty() => Some(code),
                _ => None,
            };
        }
        g
    }

    /// Writes a line to every audit log; waits (and syncs) for a change. Ok when there is no
    /// log or at least one log took it.
    async fn audit_write(
        &self,
        kind: &'static str,
        event: &CallEvent,
        changes: bool,
    ) -> Result<(), String> {
        if self.audit.is_empty() {
            return Ok(());
        }
        let line = AuditLine { kind, event };
        let mut errors = Vec::new();
        let mut written = 0;
        for log in &self.audit {
            // Every line is waited for (a read's is not synced unless the policy says always),
            // so a process that exits right after answering has written it.
            match log.write(&line, changes, true).await {
                Ok(()) => written += 1,
                Err(e) => errors.push(format!("{}: {e}", log.target())),
            }
        }
        if written > 0 {
            for e in &errors {
                tracing::error!("audit log failed (another one took the line): {e}");
            }
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    async fn run(
        &self,
        tool: &dyn Tool,
        ctx: &ToolContext,
        mut args: JsonObject,
        mut governance: Governance,
        event: &mut CallEvent,
    ) -> Result<Value, ToolError> {
        let options = self.registry.options();
        if options.pin_to_caller
            && let Some(caller) = &ctx.caller
        {
            pin(tool, caller, &mut args)?;
        }
        let args = match tool.validate(args) {
            Ok(args) => args,
            Err(ToolError::InvalidArguments { tool, mut errors }) => {
                errors.extend(governance.bad_view.take());
                return Err(ToolError::InvalidArguments { tool, errors });
            }
            Err(e) => return Err(e),
        };
        if let Some(e) = governance.bad_view.take() {
            return Err(ToolError::InvalidArguments {
                tool: tool.name().to_string(),
                errors: vec![e],
            });
        }
        if let Decision::Deny { reason, missing } = self.policy.authorize(tool, &args, ctx).await {
            return Err(ToolError::Denied {
                tool: tool.name().to_string(),
                reason,
                missing,
            });
        }
        if self.registry.takes_confirm(tool) && !governance.dry_run {
            let confirmation = self
                .confirmations
                .check(tool, &args, governance.confirm_code.as_deref(), ctx)
                .await?;
            event.confirmation = Some(confirmation);
        }
        if changes_something(event) && !self.budgets.is_empty() {
            self.budgets.check(tool.name(), tool.risk(), ctx)?;
        }
        if changes_something(event) {
            self.audit_write("intent", event, true)
                .await
                .map_err(|reason| ToolError::AuditUnavailable {
                    tool: tool.name().to_string(),
                    reason,
                })?;
        }
        let call = async {
            if governance.dry_run {
                crate::dry_run::preview(tool, ctx, args, options.allow_private_metadata).await
            } else {
                tool.call(ctx, args).await
            }
        };
        let call = AssertUnwindSafe(call).catch_unwind();
        let finished = match self.call_timeout {
            Some(limit) => {
                tokio::time::timeout(limit, call)
                    .await
                    .map_err(|_| ToolError::TimedOut {
                        tool: tool.name().to_string(),
                        seconds: limit.as_secs(),
                    })?
            }
            None => call.await,
        };
        let raw = finished.map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            tracing::error!(tool = tool.name(), %message, "tool panicked");
            ToolError::Internal {
                tool: tool.name().to_string(),
                message,
            }
        })??;
        let mut shaped = if governance.dry_run {
            raw
        } else {
            crate::output::shape(raw, tool.output(), options.allow_private_metadata)
        };
        crate::mask::mask(&mut shaped, &options.reveal);
        // Summaries are picked from the masked result: a secret stays masked in either view.
        if let (Output::List(kind), View::Summary, false) =
            (tool.output(), governance.view, governance.dry_run)
        {
            crate::output::summarize_list(&mut shaped, kind);
        }
        Ok(shaped)
    }
}

/// The governance arguments of one call.
#[derive(Debug, Default)]
struct Governance {
    dry_run: bool,
    confirm_code: Option<String>,
    /// For a list tool: summaries or every field.
    view: View,
    /// A `view` that is neither `summary` nor `full`.
    bad_view: Option<crate::error::FieldError>,
}

/// Whether the call can change something at Clerk (and so is audited before it runs).
fn changes_something(event: &CallEvent) -> bool {
    event.risk.is_some_and(|r| r > Risk::Read) && !event.dry_run
}

fn outcome_of(result: &Result<Value, CallError>) -> (Outcome, Vec<String>) {
    match result {
        Ok(_) => (Outcome::Ok, Vec::new()),
        Err(CallError::UnknownTool(_)) => (
            Outcome::Error {
                code: "unknown_tool".into(),
                clerk_status: None,
                clerk_code: None,
            },
            Vec::new(),
        ),
        Err(CallError::Tool(e)) => {
            let api = e.clerk_error();
            (
                Outcome::Error {
                    code: e.code().into(),
                    clerk_status: api.map(|a| a.status),
                    clerk_code: api.and_then(|a| a.errors.first().map(|x| x.code.clone())),
                },
                api.and_then(|a| a.clerk_trace_id.clone())
                    .into_iter()
                    .collect(),
            )
        }
    }
}

/// With a caller, a tool pinned to `organizationId` needs the caller's active organization.
fn pin_visible(tool: &dyn Tool, ctx: &ToolContext, pin_to_caller: bool) -> bool {
    match &ctx.caller {
        Some(caller) if pin_to_caller => {
            caller.organization_id.is_some() || !tool.pinned_args().contains(&"organizationId")
        }
        _ => true,
    }
}

/// Pins the tool's caller arguments (`userId`, `organizationId`) to the caller.
fn pin(tool: &dyn Tool, caller: &Caller, args: &mut Map<String, Value>) -> Result<(), ToolError> {
    for &field in tool.pinned_args() {
        let (field, expected) = match field {
            "userId" => ("userId", Some(&caller.user_id)),
            "organizationId" => ("organizationId", caller.organization_id.as_ref()),
            _ => continue,
        };
        let Some(expected) = expected else {
            // Hidden by `pin_visible`; refuse rather than let it act on any organization.
            return Err(ToolError::Denied {
                tool: tool.name().to_string(),
                reason: "the signed-in caller has no active organization".into(),
                missing: None,
            });
        };
        match args.get(field) {
            None | Some(Value::Null) => {
                args.insert(field.to_string(), Value::String(expected.clone()));
            }
            Some(Value::String(got)) if got == expected => {}
            Some(other) => {
                return Err(ToolError::CallerMismatch {
                    field,
                    expected: expected.clone(),
                    got: other.to_string(),
                });
            }
        }
    }
    Ok(())
}
