use std::sync::{Arc, OnceLock};

use clerk_tools::{CallError, Toolkit};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

const INSTRUCTIONS: &str = "Manage a Clerk instance: users, organizations, memberships, invitations and sessions. \
To act on a person you only know by email or name, find them first with getUserList. \
Lists are paginated: pass nextOffset back as offset while hasMore is true.";

/// The MCP server: the toolkit's tools over `tools/list` and `tools/call`.
#[derive(Clone)]
pub struct ClerkServer {
    toolkit: Arc<Toolkit>,
    tools: Arc<OnceLock<Vec<Tool>>>,
}

impl std::fmt::Debug for ClerkServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkServer")
            .field("toolkit", &self.toolkit)
            .finish()
    }
}

impl ClerkServer {
    /// A server over a toolkit.
    pub fn new(toolkit: Toolkit) -> Self {
        ClerkServer {
            toolkit: Arc::new(toolkit),
            tools: Arc::new(OnceLock::new()),
        }
    }

    /// The toolkit.
    pub fn toolkit(&self) -> &Toolkit {
        &self.toolkit
    }

    /// The MCP tool definitions, built once.
    pub fn mcp_tools(&self) -> &[Tool] {
        self.tools.get_or_init(|| {
            self.toolkit
                .tools()
                .iter()
                .map(|t| {
                    Tool::new(t.name(), t.description(), t.input_schema())
                        .with_title(t.title())
                        .with_raw_output_schema(t.output_schema())
                        .with_annotations(annotations(t.annotations()))
                })
                .collect()
        })
    }
}

/// MCP annotations, leaving out hints equal to MCP's defaults (readOnly false, destructive
/// true, idempotent false, openWorld true) and those that do not apply to read-only tools.
fn annotations(a: clerk_tools::Annotations) -> ToolAnnotations {
    let mut out = ToolAnnotations::new();
    if a.read_only_hint {
        out = out.read_only(true);
    } else {
        if !a.destructive_hint {
            out = out.destructive(false);
        }
        if a.idempotent_hint {
            out = out.idempotent(true);
        }
    }
    if !a.open_world_hint {
        out = out.open_world(false);
    }
    out
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
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.mcp_tools().to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.mcp_tools().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        let started = std::time::Instant::now();
        let result = self.toolkit.call(name, request.arguments).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok(value) => {
                tracing::debug!(tool = name, elapsed_ms, "tool call succeeded");
                Ok(CallToolResult::structured(value).into())
            }
            Err(CallError::UnknownTool(n)) => Err(ErrorData::invalid_params(
                format!(
                    "Unknown tool: {n}. Available: {}",
                    self.toolkit.names().join(", ")
                ),
                None,
            )),
            Err(CallError::Tool(e)) => {
                tracing::info!(tool = name, elapsed_ms, error = %e, "tool call failed");
                Ok(CallToolResult::error(vec![ContentBlock::text(e.to_string())]).into())
            }
        }
    }
}
