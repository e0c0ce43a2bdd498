//! The MCP adapter: `tools/list` and `tools/call` over the [`Pipeline`], and resources,
//! completions and prompts over `clerk_tools::resources` / `clerk_tools::prompts` (a resource
//! read or a completion is a pipeline call of a tool). It translates, and holds no rule of its
//! own: which tools a request sees, validation, policy, result shaping and call events all
//! happen in `clerk-tools`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use clerk_tools::confirm::{CONFIRM_TTL, Claim, ConfirmRequest};
use clerk_tools::prompts::{self, PromptError};
use clerk_tools::resources::{self, ReadError, ResourceError};
use clerk_tools::{
    CallError, ClientInfo, ConfirmAnswer, Confirmer, Grant, Pipeline, ToolContext, ToolError,
};
use futures_util::future::BoxFuture;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    CompletionInfo, ContentBlock, ElicitRequestParams, ElicitationAction, ElicitationSchema,
    GetPromptRequestParams, GetPromptResponse, GetPromptResult, Implementation, InputRequest,
    InputRequests, InputRequiredResult, InputResponses, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Reference, RequestStateCodec, ResourceContents, ResourceTemplate, Role,
    SealOptions, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde::Deserialize;
use serde_json::{Value, json};

const INSTRUCTIONS: &str = "Manage a Clerk instance: users, organizations, memberships, invitations and sessions. \
To act on a person you only know by email or name, find them first with getUserList. \
Lists are paginated: pass nextOffset back as offset while hasMore is true. \
They return a summary of each item; pass view: \"full\" for every field. \
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
    /// MCP renderings of the registry's definitions, in registry order, built once: on a
    /// thread started with the server, so a stdio client's `initialize` is answered while they
    /// render (about a quarter of a cold start); the first reader waits if needed.
    tools: Arc<OnceLock<Vec<Tool>>>,
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
        let tools = Arc::new(OnceLock::new());
        {
            let (tools, pipeline) = (tools.clone(), pipeline.clone());
            std::thread::spawn(move || {
                tools.get_or_init(|| render_tools(&pipeline));
            });
        }
        let codec = RequestStateCodec::try_new(pipeline.confirm_key().derive("mcp request state"))
            .expect("a derived key is 32 bytes, the codec's minimum");
        ClerkServer {
            pipeline,
            tools,
            contexts,
            in_flight: Arc::new(AtomicUsize::new(0)),
            codec: Arc::new(codec),
        }
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Tool calls and MCP requests running now (for graceful shutdown).
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Counts one more request in flight until the guard drops: the HTTP layer holds one per
    /// MCP request, so a shutdown also waits for a request that arrived but has not reached
    /// its handler yet.
    pub(crate) fn enter(&self) -> InFlight {
        InFlight::enter(&self.in_flight)
    }

    /// Every MCP tool definition the registry serves (before the policy), in order.
    pub fn mcp_tools(&self) -> &[Tool] {
        self.tools.get_or_init(|| render_tools(&self.pipeline))
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

    /// The request's context, after the policy's look-up of the caller (for what they see).
    async fn prepared_context(
        &self,
        request: &RequestContext<RoleServer>,
    ) -> Result<ToolContext, ErrorData> {
        let mut ctx = self.context(request)?;
        // The policy may need to look the caller up (memberships) to know what they may see.
        self.pipeline.prepare(&mut ctx).await.map_err(|e| {
            ErrorData::internal_error(format!("could not look up the caller: {e}"), None)
        })?;
        Ok(ctx)
    }

    /// Names of the registry's tools this context may call (also in dynamic mode, where they are
    /// reached through the meta-tools).
    fn visible_names(&self, ctx: &ToolContext) -> Vec<&'static str> {
        let tools = self.pipeline.registry().tools();
        self.pipeline
            .visible_indices(ctx)
            .into_iter()
            .map(|i| tools[i].name())
            .collect()
    }

    /// The prompts this context can use (every tool they need visible).
    fn visible_prompts(&self, ctx: &ToolContext) -> Vec<&'static prompts::PromptDef> {
        let names = self.visible_names(ctx);
        prompts::PROMPTS
            .iter()
            .filter(|p| p.usable_with(&names))
            .collect()
    }

    fn visible_tools(&self, ctx: &ToolContext) -> Vec<Tool> {
        let tools = self.mcp_tools();
        if self.pipeline.is_dynamic() {
            return tools.to_vec();
        }
        self.pipeline
            .visible_indices(ctx)
            .into_iter()
            .map(|i| tools[i].clone())
            .collect()
    }
}

/// The MCP tool list of `pipeline`: its registry's definitions, or in dynamic mode the
/// meta-tools only (see `clerk_tools::dynamic`).
fn render_tools(pipeline: &Pipeline) -> Vec<Tool> {
    let decode =
        |d: &Value| Tool::deserialize(d).expect("clerk-tools definitions are MCP Tool objects");
    if pipeline.is_dynamic() {
        clerk_tools::dynamic::definitions()
            .iter()
            .map(decode)
            .collect()
    } else {
        pipeline
            .registry()
            .definitions()
            .iter()
            .map(decode)
            .collect()
    }
}

/// Decrements the in-flight counter when a call ends, however it ends.
pub(crate) struct InFlight(Arc<AtomicUsize>);

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
        let capabilities = ServerCapabilities::builder()
            .enable_completions()
            .enable_prompts()
            .enable_resources()
            .enable_tools()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new("clerk-mcp", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let ctx = self.prepared_context(&context).await?;
        Ok(ListToolsResult::with_all_items(self.visible_tools(&ctx)))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.mcp_tools().iter().find(|t| t.name == name).cloned()
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

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        // Every resource is addressed by a template (there are too many users to list).
        Ok(ListResourcesResult::with_all_items(Vec::new()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let ctx = self.prepared_context(&context).await?;
        let templates = resources::templates_for(&self.pipeline, &ctx)
            .into_iter()
            .map(|t| {
                ResourceTemplate::new(t.uri_template, t.name)
                    .with_title(t.title)
                    .with_description(t.description)
                    .with_mime_type(resources::MIME_TYPE)
            })
            .collect();
        Ok(ListResourceTemplatesResult::with_all_items(templates))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let _in_flight = InFlight::enter(&self.in_flight);
        let ctx = self.context(&context)?;
        let uri = request.uri.as_str();
        let result = tokio::select! {
            r = resources::read(&self.pipeline, &ctx, uri) => r,
            _ = context.ct.cancelled() => {
                return Err(ErrorData::internal_error("request cancelled", None));
            }
        };
        match result {
            Ok(contents) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(contents.text(), contents.uri)
                    .with_mime_type(contents.mime_type),
            ])
            .into()),
            Err(e) => Err(read_error(uri, e)),
        }
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let ctx = self.context(&context)?;
        match &request.r#ref {
            Reference::Resource(r) => {
                if !resources::TEMPLATES.iter().any(|t| t.uri_template == r.uri) {
                    return Err(ErrorData::invalid_params(
                        format!(
                            "no resource template {:?}; expected one of {}",
                            r.uri,
                            resources::template_list()
                        ),
                        None,
                    ));
                }
            }
            Reference::Prompt(p) => {
                if prompts::get(&p.name).is_none() {
                    return Err(ErrorData::invalid_params(
                        PromptError::Unknown {
                            name: p.name.clone(),
                        }
                        .to_string(),
                        None,
                    ));
                }
            }
            _ => {
                return Err(ErrorData::invalid_params(
                    "completion needs a ref/resource or ref/prompt reference",
                    None,
                ));
            }
        }
        let values = resources::complete(
            &self.pipeline,
            &ctx,
            &request.argument.name,
            &request.argument.value,
        )
        .await
        .map_err(|e| ErrorData::internal_error(format!("completion failed: {e}"), None))?;
        let info = CompletionInfo::new(values).map_err(|e| ErrorData::internal_error(e, None))?;
        Ok(CompleteResult::new(info))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let ctx = self.prepared_context(&context).await?;
        let list = self
            .visible_prompts(&ctx)
            .into_iter()
            .map(|p| {
                let arguments = p
                    .arguments
                    .iter()
                    .map(|a| {
                        PromptArgument::new(a.name)
                            .with_description(a.description)
                            .with_required(a.required)
                    })
                    .collect();
                Prompt::new(p.name, Some(p.description), Some(arguments)).with_title(p.title)
            })
            .collect();
        Ok(ListPromptsResult::with_all_items(list))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let ctx = self.prepared_context(&context).await?;
        let visible = self.visible_prompts(&ctx);
        let Some(prompt) = visible.iter().find(|p| p.name == request.name) else {
            let available: Vec<&str> = visible.iter().map(|p| p.name).collect();
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown prompt {:?}; available: {}",
                    request.name,
                    available.join(", ")
                ),
                None,
            ));
        };
        let args: prompts::Args = request
            .arguments
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect();
        let mut rendered = prompt
            .render(&args)
            .map_err(|e| ErrorData::invalid_params(e.to_string(), None))?;
        if self.pipeline.is_dynamic() {
            // Only the meta-tools are listed: say how to reach the tools the prompt names.
            rendered.text.push_str(&format!(
                "\n\nThe tools named above are not listed directly: call each through {} (name and arguments); {} shows a tool's arguments.",
                clerk_tools::dynamic::CALL,
                clerk_tools::dynamic::DESCRIBE,
            ));
        }
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, rendered.text)])
                .with_description(rendered.description)
                .into(),
        )
    }
}

/// The MCP error of a failed resource read.
fn read_error(uri: &str, e: ReadError) -> ErrorData {
    let data = Some(json!({"uri": uri}));
    if e.is_not_found() {
        return ErrorData::resource_not_found(format!("no such Clerk object: {uri} ({e})"), data);
    }
    match e {
        e @ (ReadError::Resource(ResourceError::Unavailable { .. })
        | ReadError::Call(CallError::UnknownTool(_))) => {
            ErrorData::resource_not_found(e.to_string(), data)
        }
        ReadError::Resource(e) => ErrorData::invalid_params(e.to_string(), data),
        ReadError::Call(CallError::Tool(e)) => {
            let data = Some(json!({"uri": uri, "error": e.to_json()}));
            // Bad arguments, or an object this caller may not read: the request's fault.
            if matches!(e.code(), "invalid_arguments" | "forbidden" | "denied") {
                ErrorData::invalid_params(e.to_string(), data)
            } else {
                ErrorData::internal_error(e.to_string(), data)
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

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::ErrorCode;

    #[test]
    fn read_errors_map_to_mcp_codes() {
        let uri = "clerk://users/user_1";
        let malformed = read_error(
            uri,
            ReadError::Resource(ResourceError::Malformed { uri: "x".into() }),
        );
        assert_eq!(malformed.code, ErrorCode::INVALID_PARAMS);
        assert!(malformed.message.contains("clerk://users/{userId}"));
        let hidden = read_error(
            uri,
            ReadError::Call(CallError::UnknownTool("getUser".into())),
        );
        assert_eq!(hidden.code, ErrorCode::RESOURCE_NOT_FOUND);
        let denied = read_error(
            uri,
            ReadError::Call(CallError::Tool(ToolError::Denied {
                tool: "getUser".into(),
                reason: "not yours".into(),
                missing: None,
            })),
        );
        assert_eq!(denied.code, ErrorCode::INVALID_PARAMS);
        assert_eq!(denied.data.as_ref().unwrap()["error"]["error"], "denied");
        let down = read_error(
            uri,
            ReadError::Call(CallError::Tool(ToolError::TimedOut {
                tool: "getUser".into(),
                seconds: 30,
            })),
        );
        assert_eq!(down.code, ErrorCode::INTERNAL_ERROR);
        assert_eq!(down.data.as_ref().unwrap()["uri"], uri);
    }
}
