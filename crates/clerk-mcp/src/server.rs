//! The MCP adapter: `tools/list` and `tools/call` over the [`Pipeline`]. It translates, and
//! holds no rule of its own: which tools a request sees, validation, policy, result shaping and
//! call events all happen in `clerk-tools`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clerk_tools::{CallError, ClientInfo, Pipeline, ToolContext};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

const INSTRUCTIONS: &str = "Manage a Clerk instance: users, organizations, memberships, invitations and sessions. \
To act on a person you only know by email or name, find them first with getUserList. \
Lists are paginated: pass nextOffset back as offset while hasMore is true.";

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
        let tools = pipeline
            .registry()
            .definitions()
            .iter()
            .map(|d| {
                serde_json::from_value::<Tool>(d.clone())
                    .expect("clerk-tools definitions are MCP Tool objects")
            })
            .collect();
        ClerkServer {
            pipeline,
            tools: Arc::new(tools),
            contexts,
            in_flight: Arc::new(AtomicUsize::new(0)),
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
        let ctx = self.context(&context)?;
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
        let ctx = self.context(&context)?;
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
            Err(CallError::Tool(e)) => {
                let mut result = CallToolResult::error(vec![ContentBlock::text(e.to_string())]);
                result.structured_content = Some(e.to_json());
                Ok(result.into())
            }
        }
    }
}
