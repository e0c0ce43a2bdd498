//! Prints every tool definition as JSON (`--markdown` for the README's tables, one per
//! toolset), with no Clerk call. `--toolsets a,b` narrows it (default: all).
//!
//! ```text
//! cargo run -p clerk-tools --example tool_definitions [-- --markdown] [--toolsets jwt]
//! ```

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let toolsets = args
        .iter()
        .position(|a| a == "--toolsets")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "all".into());
    let client = clerk_api::Client::new("sk_test_unused").expect("client");
    let options = clerk_tools::ToolkitOptions {
        toolsets: vec![toolsets],
        ..Default::default()
    };
    let toolkit = clerk_tools::Toolkit::new(client, options).expect("toolkit");
    if args.iter().any(|a| a == "--markdown") {
        print!("{}", toolkit.registry().markdown_toolsets());
    } else {
        println!("{:#}", toolkit.definitions());
    }
}
