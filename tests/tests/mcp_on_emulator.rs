//! End-to-end: an agent's workflow through `clerk-mcp` on the emulator, each step checked by
//! reading the state back with the SDK (not through the server under test).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use clerk_api::Client;
use clerk_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

/// `target/<profile>/clerk-mcp`, next to this test's own `deps/` folder.
fn clerk_mcp_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = dir.join(format!("clerk-mcp{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not built: run `cargo build -p clerk-mcp`",
        bin.display()
    );
    bin
}

struct Mcp {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
    /// The audit log clerk-mcp writes (`--audit-log`), and how many tools/call requests went out.
    audit: PathBuf,
    tool_calls: usize,
}

impl Mcp {
    fn start(emulator: &Emulator) -> Mcp {
        let audit = std::env::temp_dir().join(format!(
            "clerk-e2e-audit-{}-{}.jsonl",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let mut child = Command::new(clerk_mcp_bin())
            .arg("--audit-log")
            .arg(&audit)
            .env("CLERK_SECRET_KEY", emulator.secret_key())
            .env("CLERK_API_URL", emulator.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut mcp = Mcp {
            child,
            stdin,
            stdout,
            next_id: 1,
            audit,
            tool_calls: 0,
        };
        let init = mcp.request(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "0"}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "clerk-mcp");
        mcp.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, msg: Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        if method == "tools/call" {
            self.tool_calls += 1;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "clerk-mcp closed stdout"
            );
            let msg: Value = serde_json::from_str(&line).unwrap();
            if msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// Calls a tool and returns its structured result, failing on a tool error.
    fn call(&mut self, tool: &str, args: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": args}));
        let result = &r["result"];
        assert_eq!(result["isError"], false, "{tool} failed: {r}");
        result["structuredContent"].clone()
    }

    /// Calls a tool that needs the person's confirmation the way an agent on a client without
    /// elicitation does: the first call changes nothing and answers a question and a code;
    /// after "asking the user", the same call with `confirm` runs. Returns (question, result).
    fn call_confirmed(&mut self, tool: &str, args: Value) -> (String, Value) {
        let r = self.request(
            "tools/call",
            json!({"name": tool, "arguments": args.clone()}),
        );
        let first = &r["result"];
        assert_eq!(
            first["isError"], true,
            "{tool} ran without confirmation: {r}"
        );
        let asked = &first["structuredContent"];
        assert_eq!(asked["error"], "confirmation_required", "{r}");
        let prompt = asked["prompt"].as_str().unwrap().to_string();
        let code = asked["confirm"].as_str().unwrap().to_string();
        let mut confirmed = args;
        confirmed["confirm"] = json!(code);
        (prompt, self.call(tool, confirmed))
    }

    fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "clerk-mcp exited with {status}");
        // Exactly one audit line per tools/call (plus an intent line before each change), and
        // not one holds the key or a confirmation code.
        let text = std::fs::read_to_string(&self.audit).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let calls = lines.iter().filter(|l| l["type"] == "call").count();
        assert_eq!(calls, self.tool_calls, "{text}");
        for intent in lines.iter().filter(|l| l["type"] == "intent") {
            let done = lines.iter().any(|l| {
                l["type"] == "call"
                    && l["requestId"] == intent["requestId"]
                    && l["outcome"]["status"] != "pending"
            });
            assert!(done, "an intent without its call line: {intent}");
        }
        assert!(!text.contains("sk_test_"), "the key is in the audit log");
        std::fs::remove_file(&self.audit).ok();
    }
}

#[test]
fn an_agent_workflow_through_clerk_mcp_changes_the_instance_as_asked() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emulator = rt
        .block_on(Emulator::start(EmulatorConfig::default()))
        .unwrap();
    let clerk = Client::builder(emulator.secret_key())
        .api_url(emulator.url())
        .build()
        .unwrap();
    let mut mcp = Mcp::start(&emulator);

    // Find users by email: the server's answer matches what the SDK sees.
    let some_user = rt
        .block_on(clerk.users().list().limit(1).send())
        .unwrap()
        .data
        .remove(0);
    let email = some_user.primary_email().unwrap().to_string();
    let found = mcp.call("getUserList", json!({"emailAddress": [email]}));
    assert_eq!(found["totalCount"], 1);
    assert_eq!(found["data"][0]["id"], some_user.id.as_str());

    // Create an organization.
    let org = mcp.call(
        "createOrganization",
        json!({"name": "E2E Ventures", "slug": "e2e-ventures"}),
    );
    let org_id = org["id"].as_str().unwrap().to_string();
    let stored = rt
        .block_on(clerk.organizations().get(&org_id).send())
        .unwrap();
    assert_eq!(stored.name, "E2E Ventures");
    assert_eq!(stored.slug.as_deref(), Some("e2e-ventures"));

    // Invite a founder by email, as admin.
    let inv = mcp.call(
        "createOrganizationInvitation",
        json!({"organizationId": org_id, "emailAddress": "founder@e2e-ventures.test", "role": "org:admin"}),
    );
    let inv_id = inv["id"].as_str().unwrap().to_string();
    let pending = rt
        .block_on(
            clerk
                .organization_invitations()
                .list(&org_id)
                .status(["pending"])
                .send(),
        )
        .unwrap();
    assert_eq!(pending.data.len(), 1);
    assert_eq!(pending.data[0].email_address, "founder@e2e-ventures.test");
    assert_eq!(pending.data[0].role, "org:admin");

    // Add an existing user, then promote them to admin.
    mcp.call(
        "createOrganizationMembership",
        json!({"organizationId": org_id, "userId": some_user.id, "role": "org:member"}),
    );
    mcp.call(
        "updateOrganizationMembership",
        json!({"organizationId": org_id, "userId": some_user.id, "role": "org:admin"}),
    );
    let members = rt
        .block_on(clerk.organization_memberships().list(&org_id).send())
        .unwrap();
    let m = members
        .data
        .iter()
        .find(|m| {
            m.public_user_data.as_ref().map(|p| p.user_id.as_str()) == Some(some_user.id.as_str())
        })
        .expect("the user is a member");
    assert_eq!(m.role, "org:admin");

    // Update a user's public metadata and read it back (deep merge, null deletes).
    mcp.call(
        "updateUserPublicMetadata",
        json!({"userId": some_user.id, "metadata": {"plan": {"tier": "pro", "seats": 5}}}),
    );
    mcp.call(
        "updateUserPublicMetadata",
        json!({"userId": some_user.id, "metadata": {"plan": {"seats": null}, "beta": true}}),
    );
    let user = rt.block_on(clerk.users().get(&some_user.id)).unwrap();
    assert_eq!(
        user.public_metadata.get("plan"),
        Some(&json!({"tier": "pro"}))
    );
    assert_eq!(user.public_metadata.get("beta"), Some(&json!(true)));

    // Revoke the pending invitation.
    let (question, revoked) = mcp.call_confirmed(
        "revokeOrganizationInvitation",
        json!({"organizationId": org_id, "invitationId": inv_id}),
    );
    assert!(
        question.contains(&inv_id) && question.contains(org_id.as_str()),
        "{question}"
    );
    assert_eq!(revoked["status"], "revoked");
    let stored_inv = rt
        .block_on(clerk.organization_invitations().get(&org_id, &inv_id))
        .unwrap();
    assert_eq!(
        stored_inv.status,
        Some(clerk_api::InvitationStatus::Revoked)
    );

    // Delete the organization: success is reported, and it is gone.
    let (question, deleted) =
        mcp.call_confirmed("deleteOrganization", json!({"organizationId": org_id}));
    assert!(
        question.contains("cannot be undone") && question.contains(org_id.as_str()),
        "{question}"
    );
    assert_eq!(deleted["deleted"], true);
    let err = rt
        .block_on(clerk.organizations().get(&org_id).send())
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // Its memberships went with it.
    let still = rt
        .block_on(clerk.users().organization_memberships(&some_user.id).send())
        .unwrap();
    assert!(
        still
            .data
            .iter()
            .all(|m| m.organization.as_ref().map(|o| o.id.as_str()) != Some(org_id.as_str()))
    );

    mcp.finish();
    rt.block_on(emulator.shutdown());
}
