//! Prints every tool definition as JSON (`--markdown` for the README table), with no Clerk call.
//!
//! ```text
//! cargo run -p clerk-tools --example tool_definitions [-- --markdown]
//! ```

fn main() {
    let client = clerk_api::Client::new("sk_test_unused").expect("client");
    let toolkit = clerk_tools::Toolkit::new(client, Default::default()).expect("toolkit");
    if std::env::args().any(|a| a == "--markdown") {
        print!("{}", toolkit.markdown_table());
    } else {
        println!("{:#}", toolkit.definitions());
    }
}
