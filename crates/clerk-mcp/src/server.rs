//! The MCP adapter: `tools/list` and `tools/call` over the [`Pipeline`]. It translates, and
//! holds no rule of its own: which tools a request sees, validation, policy, result shaping and
//! call events all happen in `clerk-tools`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clerk_tools::confirm::{CONFIRM_TTL, Claim, ConfirmRequest};
use clerk_tools::{
    CallError, ClientInfo, ConfirmAnswer, Confirmer, Grant, Pipeline, ToolContext, ToolError,
};
use futures_util::future::BoxFuture;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequestParams,
    ElicitationAction, ElicitationSchema, Implementation, InputRequest, InputRequests,
    InputRequiredResult, InputResponses, ListToolsResult, PaginatedRequestParams,
    RequestStateCodec, SealOptions, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};

const INSTRUCTIONS: &str = "Manage a Clerk instance: users, organizations, memberships, invitations and sessions. \
To act on a person you only know by email or name, find them first with getUserList. \
Lists are paginated: pass nextOffset back as offset while hasMore is true. \
Tools that change something take dryRun: true to preview the request without sending it. \
A risky call may first answer confirmation_required with a prompt: show it to the user and, only \
if they agree, repeat the call with confirm set to the code it gave.";

/// Where a request's [`ToolContext`] comes from.
#[derive(Clone, Debug)]
enum Contexts {
    /// One context for every request (stdio, an embedding program).
    Fixed(Box<ToolContext>),
    /// Each HTTP request carries its own, put in the request's extensions by the HTTP layer
    /// (see [`crate::http`]); a request without one is refused.
    PerRequest,
}

/// The MCP server: the pipeline's tools over `tools/list` and `tools/call`.
#[derive(Clone)]
pub struct ClerkServer {
    pipeline: Pipeline,
    /// MCP renderings of the registry's definitions, in registry order, built once.
    tools: Arc<Vec<Tool>>,
    contexts: Contexts,
    in_flight: Arc<AtomicUsize>,
    /// Seals confirmation claims into 2026-07-28 `requestState` (key derived from the
    /// pipeline's confirmation key, so every replica with the same key can finish a call).
    codec: Arc<RequestStateCodec>,
}

impl std::fmt::Debug for ClerkServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkServer")
            .field("pipeline", &self.pipeline)
            .field("contexts", &self.contexts)
            .finish()
    }
}

impl ClerkServer {
    /// A server whose every request runs with `context` (stdio).
    pub fn new(pipeline: Pipeline, context: ToolContext) -> Self {
        Self::build(pipeline, Contexts::Fixed(Box::new(context)))
    }

    /// A server over a [`Toolkit`](clerk_tools::Toolkit) and its default context.
    pub fn from_toolkit(toolkit: clerk_tools::Toolkit) -> Self {
        Self::new(toolkit.pipeline().clone(), toolkit.context().clone())
    }

    /// A server whose requests each bring their [`ToolContext`] in the HTTP request's
    /// extensions (as the [`crate::http`] layer puts it there).
    pub fn per_request(pipeline: Pipeline) -> Self {
        Self::build(pipeline, Contexts::PerRequest)
    }

    fn build(pipeline: Pipeline, contexts: Contexts) -> Self {
        // Dynamic mode lists the meta-tools only (see clerk_tools::dynamic).
        let definitions = if pipeline.is_dynamic() {
            clerk_tools::dynamic::definitions()
        } else {
            pipeline.registry().definitions().to_vec()
        };
        let tools = definitions
            .iter()
            .map(|d| {
                serde_json::from_value::<Tool>(d.clone())
                    .expect("clerk-tools definitions are MCP Tool objects")
            })
            .collect();
        let codec = RequestStateCodec::try_new(pipeline.confirm_key().derive("mcp request state"))
            .expect("a derived key is 32 bytes, the codec's minimum");
        ClerkServer {
            pipeline,
            tools: Arc::new(tools),
            contexts,
            in_flight: Arc::new(AtomicUsize::new(0)),
            codec: Arc::new(codec),
        }
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Tool calls running now (for graceful shutdown).
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Every MCP tool definition the registry serves (before the policy), in order.
    pub fn mcp_tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The context this request runs with.
    fn context(&self, request: &RequestContext<RoleServer>) -> Result<ToolContext, ErrorData> {
        let mut ctx = match &self.contexts {
            Contexts::Fixed(ctx) => ctx.for_new_request(),
            Contexts::PerRequest => request
                .extensions
                .get::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<ToolContext>())
                .cloned()
                .ok_or_else(|| {
                    ErrorData::internal_error(
                        "this request carries no authenticated context (the HTTP layer is missing)",
                        None,
                    )
                })?,
        };
        if ctx.client_info.is_none()
            && let Some(info) = request.client_info()
        {
            ctx.client_info = Some(ClientInfo {
                name: info.name.clone(),
                version: Some(info.version.clone()),
            });
        }
        Ok(ctx)
    }

    fn visible_tools(&self, ctx: &ToolContext) -> Vec<Tool> {
        if self.pipeline.is_dynamic() {
            return self.tools.to_vec();
        }
        self.pipeline
            .visible_indices(ctx)
            .into_iter()
            .map(|i| self.tools[i].clone())
            .collect()
    }
}

/// Decrements the in-flight counter when a call ends, however it ends.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        InFlight(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ServerHandler for ClerkServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("clerk-mcp", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let mut ctx = self.context(&context)?;
        // The policy may need to look the caller up (memberships) to know what they may see.
        self.pipeline.prepare(&mut ctx).await.map_err(|e| {
            ErrorData::internal_error(format!("could not look up the caller: {e}"), None)
        })?;
        Ok(ListToolsResult::with_all_items(self.visible_tools(&ctx)))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let _in_flight = InFlight::enter(&self.in_flight);
        let mut ctx = self.context(&context)?;
        let modern = context
            .protocol_version()
            .is_some_and(|v| !v.has_initialize());
        let elicits = context
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some());
        if modern {
            if let Some(state) = request.request_state.as_deref() {
                ctx.grant = Some(self.answer(state, request.input_responses.as_ref()));
            }
        } else if elicits {
            ctx.confirmer = Some(Arc::new(Elicit(context.peer.clone())));
        }
        let name = request.name.as_ref();
        // A cancelled request (notifications/cancelled, or the HTTP client going away) drops
        // the call, which aborts a Clerk request that has not been answered yet.
        let result = tokio::select! {
            r = self.pipeline.call(&ctx, name, request.arguments) => r,
            _ = context.ct.cancelled() => {
                tracing::info!(tool = name, request_id = %ctx.request_id, "tool call cancelled by the client");
                return Err(ErrorData::internal_error("request cancelled", None));
            }
        };
        match result {
            Ok(value) => Ok(CallToolResult::structured(value).into()),
            Err(CallError::UnknownTool(n)) => {
                let available: Vec<String> = self
                    .visible_tools(&ctx)
                    .into_iter()
                    .map(|t| t.name.to_string())
                    .collect();
                Err(ErrorData::invalid_params(
                    format!("Unknown tool: {n}. Available: {}", available.join(", ")),
                    None,
                ))
            }
            Err(CallError::Tool(ToolError::ConfirmationRequired(ask))) if modern && elicits => {
                Ok(self.ask_inline(&ask)?.into())
            }
            Err(CallError::Tool(e)) => {
                let mut result = CallToolResult::error(vec![ContentBlock::text(e.to_string())]);
                result.structured_content = Some(e.to_json());
                Ok(result.into())
            }
        }
    }
}

/// The `inputRequests` key of the confirmation question.
const CONFIRM_INPUT: &str = "confirm";

/// The form the person answers: one required checkbox.
fn confirm_schema(prompt: &str) -> Value {
    json!({
        "type": "object",
        "properties": {"confirm": {"type": "boolean", "title": "Confirm", "description": prompt}},
        "required": ["confirm"],
    })
}

/// Whether an elicitation answer (`{action, content}`) is a yes.
fn said_yes(action_accepted: bool, content: Option<&Value>) -> bool {
    action_accepted && content.and_then(|c| c.get("confirm")) == Some(&Value::Bool(true))
}

impl ClerkServer {
    /// A 2026-07-28 `input_required` result: the question as an elicitation, the claim sealed
    /// (HMAC, expiry) into `requestState`.
    fn ask_inline(&self, ask: &ConfirmRequest) -> Result<InputRequiredResult, ErrorData> {
        let state = self
            .codec
            .seal_json_with(&ask.claim, &SealOptions::new().ttl(CONFIRM_TTL))
            .map_err(|e| {
                ErrorData::internal_error(format!("could not seal the confirmation: {e}"), None)
            })?;
        let question: InputRequest = serde_json::from_value(json!({
            "method": "elicitation/create",
            "params": {"mode": "form", "message": ask.prompt, "requestedSchema": confirm_schema(&ask.prompt)},
        }))
        .map_err(|e| ErrorData::internal_error(format!("could not build the question: {e}"), None))?;
        let requests: InputRequests = [(CONFIRM_INPUT.to_string(), question)]
            .into_iter()
            .collect();
        Ok(InputRequiredResult::new(Some(requests), Some(state)))
    }

    /// What the client brought back from an `input_required` round.
    fn answer(&self, state: &str, responses: Option<&InputResponses>) -> Grant {
        let claim: Claim = match self.codec.open_json(state) {
            Ok(c) => c,
            Err(e) => {
                return Grant::Invalid {
                    reason: format!("the confirmation state is not valid ({e})"),
                };
            }
        };
        let response = responses.and_then(|r| r.get(CONFIRM_INPUT));
        let accepted = response.is_some_and(|r| {
            said_yes(
                r.get("action").and_then(Value::as_str) == Some("accept"),
                r.get("content"),
            )
        });
        Grant::Claim { claim, accepted }
    }
}

/// Asks through MCP elicitation (a 2025-11-25 session whose client declared it).
struct Elicit(Peer<RoleServer>);

impl Confirmer for Elicit {
    fn method(&self) -> &'static str {
        "elicitation"
    }

    fn confirm<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, ConfirmAnswer> {
        Box::pin(async move {
            let Ok(schema) = serde_json::from_value::<ElicitationSchema>(confirm_schema(prompt))
            else {
                return ConfirmAnswer::Unavailable;
            };
            let request = ElicitRequestParams::FormElicitationParams {
                meta: None,
                message: prompt.to_string(),
                requested_schema: schema,
            };
            match self.0.create_elicitation(request).await {
                Ok(r) => match r.action {
                    ElicitationAction::Accept if said_yes(true, r.content.as_ref()) => {
                        ConfirmAnswer::Accepted
                    }
                    ElicitationAction::Cancel => ConfirmAnswer::Cancelled,
                    _ => ConfirmAnswer::Declined,
                },
                Err(e) => {
                    tracing::info!("elicitation failed, falling back to a confirmation code: {e}");
                    ConfirmAnswer::Unavailable
                }
            }
        })
    }
}
