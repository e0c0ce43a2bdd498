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
//! 5. **the call**, bounded by the call timeout, a panic caught and turned into an error;
//! 6. **result shaping** (nulls and empties dropped, `private_metadata` removed unless allowed);
//! 7. **one [`CallEvent`]** handed to every [`EventSink`], whatever the outcome.
//!
//! [`Pipeline::definitions_for`] answers `tools/list` for a context with the same visibility rule.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use serde_json::{Map, Value};

use crate::context::{Caller, ToolContext};
use crate::error::ToolError;
use crate::event::{self, CallEvent, EventSink, Outcome, TracingSink};
use crate::policy::{AllowAll, Decision, Policy};
use crate::registry::{CallError, Registry};
use crate::tool::{JsonObject, Tool};

/// Default bound on one tool call (all its Clerk requests, retries and waits included).
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The call pipeline: a shared [`Registry`], a [`Policy`] and event sinks. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    registry: Arc<Registry>,
    policy: Arc<dyn Policy>,
    sinks: Vec<Arc<dyn EventSink>>,
    call_timeout: Option<Duration>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("registry", &self.registry)
            .field("policy", &self.policy.name())
            .field("sinks", &self.sinks.len())
            .field("call_timeout", &self.call_timeout)
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
        }
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
        let started = Instant::now();
        let time = event::now_rfc3339();
        let args = args.unwrap_or_default();
        let arguments = event::mask_arguments(&args);
        let tool = self
            .registry
            .get(name)
            .filter(|t| self.is_visible(t.as_ref(), ctx))
            .cloned();
        let (result, kind) = match &tool {
            None => (Err(CallError::UnknownTool(name.to_string())), "unknown"),
            Some(tool) => (
                self.run(tool.as_ref(), ctx, args)
                    .await
                    .map_err(CallError::Tool),
                event::kind(tool.annotations()),
            ),
        };
        let (outcome, clerk_trace_ids) = outcome_of(&result);
        let event = CallEvent {
            time,
            request_id: ctx.request_id.clone(),
            tool: name.to_string(),
            kind,
            auth: ctx.auth.name(),
            principal: ctx.caller.as_ref().map(|c| c.user_id.clone()),
            client: ctx.client_info.clone(),
            tenant: ctx.client.key_fingerprint(),
            policy: self.policy.name(),
            arguments,
            outcome,
            clerk_trace_ids,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        for sink in &self.sinks {
            sink.record(&event);
        }
        result
    }

    async fn run(
        &self,
        tool: &dyn Tool,
        ctx: &ToolContext,
        mut args: JsonObject,
    ) -> Result<Value, ToolError> {
        let options = self.registry.options();
        if options.pin_to_caller
            && let Some(caller) = &ctx.caller
        {
            pin(tool, caller, &mut args)?;
        }
        let args = tool.validate(args)?;
        if let Decision::Deny { reason, missing } = self.policy.authorize(tool, &args, ctx).await {
            return Err(ToolError::Denied {
                tool: tool.name().to_string(),
                reason,
                missing,
            });
        }
        let call = AssertUnwindSafe(tool.call(ctx, args)).catch_unwind();
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
        Ok(crate::output::shape(
            raw,
            tool.output(),
            options.allow_private_metadata,
        ))
    }
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
