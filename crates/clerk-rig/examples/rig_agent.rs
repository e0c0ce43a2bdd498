//! A rig agent with the Clerk tools: the model decides which tools to call, rig runs them, and
//! every call goes through the clerk-tools pipeline (validation, policy, confirmation, audit,
//! masking).
//!
//! ```text
//! OPENAI_API_KEY=sk-… cargo run -p clerk-rig --example rig_agent -- "Which organizations is Diego Thompson in?"
//! ```
//!
//! The model is OpenAI's over Chat Completions (`OPENAI_API_KEY`; `OPENAI_BASE_URL` for any
//! OpenAI-compatible endpoint, `OPENAI_MODEL` to pick the model, default `gpt-5-mini`). Clerk is the instance of `CLERK_SECRET_KEY`
//! when it is set, otherwise an embedded offline emulator with demo data. The tools are
//! read-only unless `CLERK_RIG_WRITE=1`; risky calls (deletions, bans) then still need the
//! person's confirmation, which the agent relays. Without a model key it says so and exits
//! with status 2.

use clerk_tools::{Toolkit, ToolkitOptions};
use rig_agent::AgentBuilder;
use rig_core::providers::openai::{self, OpenAIConfig};
use rig_reqwest::ReqwestClient;

const PREAMBLE: &str = "You administer a Clerk instance (users, organizations, memberships, \
invitations, sessions) with the tools you are given. Look things up before changing them; \
when a tool answers confirmation_required, ask the user the question it gives and stop.";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("OPENAI_API_KEY").is_none_or(|k| k.is_empty()) {
        eprintln!(
            "rig_agent: no model key. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL, \
             OPENAI_MODEL) to run this agent; the Clerk side needs nothing (the embedded \
             emulator is used unless CLERK_SECRET_KEY is set)."
        );
        std::process::exit(2);
    }
    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.trim().is_empty() {
        "How many users are there, and which organizations does Diego Thompson belong to?"
            .to_string()
    } else {
        prompt
    };

    // Clerk: a real instance, or the offline emulator.
    let (client, emulator) = if std::env::var_os("CLERK_SECRET_KEY").is_some() {
        (clerk_api::Client::from_env()?, None)
    } else {
        let emulator =
            clerk_emulator::Emulator::start(clerk_emulator::EmulatorConfig::default()).await?;
        let client = clerk_api::Client::builder(emulator.secret_key())
            .api_url(emulator.url())
            .build()?;
        (client, Some(emulator))
    };
    let options = ToolkitOptions {
        read_only: std::env::var("CLERK_RIG_WRITE").as_deref() != Ok("1"),
        ..Default::default()
    };
    let toolkit = Toolkit::new(client, options)?;
    let tools = clerk_rig::tools(&toolkit);
    eprintln!("{} Clerk tools offered to the model", tools.len());

    // The model, over this workspace's reqwest (rustls with the ring provider).
    clerk_api::install_crypto_provider();
    let http = ReqwestClient::from(reqwest::Client::builder().build()?);
    let model_name = std::env::var("OPENAI_MODEL").unwrap_or_else(|_| openai::GPT_5_MINI.into());
    // Chat Completions: what every OpenAI-compatible endpoint (OPENAI_BASE_URL) speaks.
    let model = OpenAIConfig::from_env()?.connect(http).chat(model_name);

    let agent = AgentBuilder::new(model)
        .preamble(PREAMBLE)
        .dynamic_tools(tools)
        .build();
    let answer = agent.prompt(prompt.as_str()).max_turns(8).await;
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    let answer = answer?;
    println!("{}", answer.output());
    Ok(())
}
