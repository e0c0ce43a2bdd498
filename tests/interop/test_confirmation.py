"""Confirmation before destructive calls, through the official Python MCP client (`mcp` 2.x):
its elicitation callback is the person. In a 2025-11-25 session the server asks with MCP
elicitation; on 2026-07-28 it answers `input_required` with a sealed `requestState` and the
client's driver asks and retries. Both drive the same deletion; a "no" leaves the emulator's
state unchanged (read back), and the audit log gets exactly one line per call (plus intent
lines), none holding a secret. Runs over stdio and Streamable HTTP."""
import json
import os
import tempfile

import pytest
from mcp import Client, types
from mcp.client.stdio import StdioServerParameters

from test_http import server


class Person:
    """An elicitation callback that answers from a script and remembers the questions."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.questions = []

    async def __call__(self, context, params):
        self.questions.append(params.message)
        action = self.answers.pop(0)
        if action == "yes":
            return types.ElicitResult(action="accept", content={"confirm": True})
        if action == "unchecked":
            return types.ElicitResult(action="accept", content={"confirm": False})
        return types.ElicitResult(action=action)


async def delete_with(client: Client, person: Person, slug: str):
    created = await client.call_tool("createOrganization", {"name": f"Confirm {slug}", "slug": slug})
    assert created.is_error is False, created
    org_id = created.structured_content["id"]

    # No: nothing happens, and the result says so.
    for _ in ("decline", "cancel", "unchecked"):
        refused = await client.call_tool("deleteOrganization", {"organizationId": org_id})
        assert refused.is_error is True, refused
        assert refused.structured_content["error"] == "not_confirmed", refused.structured_content
        assert "nothing was done" in refused.content[0].text
        still = await client.call_tool("getOrganization", {"organizationId": org_id})
        assert still.is_error is False and still.structured_content["id"] == org_id

    # Yes: deleted, and gone when read back.
    deleted = await client.call_tool("deleteOrganization", {"organizationId": org_id})
    assert deleted.is_error is False, deleted
    assert deleted.structured_content["deleted"] is True
    gone = await client.call_tool("getOrganization", {"organizationId": org_id})
    assert gone.is_error is True
    assert len(person.questions) == 4
    for q in person.questions:
        assert q.startswith(f"Delete organization Confirm {slug} ({org_id})?"), q
        assert q.endswith("This cannot be undone.")
    return org_id


def audit_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_audit(path, org_id, method):
    lines = audit_lines(path)
    deletes = [l for l in lines if l["tool"] == "deleteOrganization"]
    calls = [l for l in deletes if l["type"] == "call"]
    intents = [l for l in deletes if l["type"] == "intent"]
    if method == "input_required":
        # Each 2026-07-28 round is a tools/call of its own: one line asking, one answering.
        assert [c["outcome"].get("code") for c in calls[0::2]] == ["confirmation_required"] * 4
        calls = calls[1::2]
    assert [c["outcome"]["status"] for c in calls] == ["error", "error", "error", "ok"]
    assert [c["outcome"].get("code") for c in calls[:3]] == ["not_confirmed"] * 3
    assert len(intents) == 1 and intents[0]["confirmation"]["method"] == method
    assert calls[3]["confirmation"]["method"] == method
    assert all(l["arguments"]["organizationId"] == org_id for l in deletes)
    text = open(path).read()
    assert "sk_test_emulator" not in text


@pytest.mark.anyio
@pytest.mark.parametrize("mode,method", [("legacy", "elicitation"), ("auto", "input_required")])
async def test_stdio(clerk_mcp, mode, method):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "audit.jsonl")
        params = StdioServerParameters(
            command=clerk_mcp, args=["--emulator", "--audit-log", log], env={"CLERK_MCP_LOG": "warn"}
        )
        person = Person("decline", "cancel", "unchecked", "yes")
        async with Client(params, mode=mode, elicitation_callback=person) as client:
            org_id = await delete_with(client, person, f"stdio-{mode}")
        check_audit(log, org_id, method)


@pytest.mark.anyio
@pytest.mark.parametrize("mode,method", [("legacy", "elicitation"), ("auto", "input_required")])
async def test_http(clerk_mcp, mode, method):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "audit.jsonl")
        with server(clerk_mcp, "--emulator", "--audit-log", log) as base:
            person = Person("decline", "cancel", "unchecked", "yes")
            async with Client(f"{base}/mcp", mode=mode, elicitation_callback=person) as client:
                org_id = await delete_with(client, person, f"http-{mode}")
        check_audit(log, org_id, method)


@pytest.mark.anyio
async def test_dry_run_changes_nothing(clerk_mcp):
    params = StdioServerParameters(command=clerk_mcp, args=["--emulator"], env={"CLERK_MCP_LOG": "warn"})
    async with Client(params) as client:
        users = (await client.call_tool("getUserList", {"limit": 1})).structured_content["data"]
        user_id = users[0]["id"]
        preview = await client.call_tool("deleteUser", {"userId": user_id, "dryRun": True})
        assert preview.is_error is False, preview
        body = preview.structured_content
        assert body["dryRun"] is True and body["deleted"] is False
        assert body["wouldSend"] == [{"method": "DELETE", "path": f"/users/{user_id}"}]
        assert body["current"]["user"]["id"] == user_id
        again = await client.call_tool("getUser", {"userId": user_id})
        assert again.is_error is False


def rpc(base, id_, name, arguments, **extra):
    """One stateless 2026-07-28 tools/call over raw HTTP, from a client that can elicit."""
    import httpx2 as httpx
    params = {
        "name": name, "arguments": arguments,
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}},
            "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
        },
        **extra,
    }
    r = httpx.post(
        f"{base}/mcp",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                 "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": name},
        json={"jsonrpc": "2.0", "id": id_, "method": "tools/call", "params": params},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()["result"]


def test_request_state_cannot_be_altered_or_replayed(clerk_mcp):
    with server(clerk_mcp, "--emulator") as base:
        org = rpc(base, 1, "createOrganization", {"name": "Sealed", "slug": "sealed-state"})
        org_id = org["structuredContent"]["id"]
        asked = rpc(base, 2, "deleteOrganization", {"organizationId": org_id})
        assert asked["resultType"] == "input_required", asked
        state = asked["requestState"]
        question = asked["inputRequests"]["confirm"]
        assert question["method"] == "elicitation/create"
        assert question["params"]["message"].startswith("Delete organization Sealed")
        yes = {"confirm": {"action": "accept", "content": {"confirm": True}}}

        # Altered state: refused, nothing deleted.
        tampered = state[:-2] + ("AA" if not state.endswith("AA") else "BB")
        refused = rpc(base, 3, "deleteOrganization", {"organizationId": org_id},
                      inputResponses=yes, requestState=tampered)
        assert refused["isError"] is True and refused["structuredContent"]["error"] == "not_confirmed"
        # The state of one call does not confirm another: other arguments are refused.
        other = rpc(base, 4, "createOrganization", {"name": "Other", "slug": "sealed-other"})
        other_id = other["structuredContent"]["id"]
        wrong = rpc(base, 5, "deleteOrganization", {"organizationId": other_id},
                    inputResponses=yes, requestState=state)
        assert wrong["isError"] is True and "different call" in wrong["content"][0]["text"]
        for oid in (org_id, other_id):
            still = rpc(base, 6, "getOrganization", {"organizationId": oid})
            assert still.get("isError") is False, still

        done = rpc(base, 7, "deleteOrganization", {"organizationId": org_id},
                   inputResponses=yes, requestState=state)
        assert done.get("isError") is False and done["structuredContent"]["deleted"] is True, done
        # Replayed: refused.
        replayed = rpc(base, 8, "deleteOrganization", {"organizationId": org_id},
                       inputResponses=yes, requestState=state)
        assert replayed["isError"] is True and "already used" in replayed["content"][0]["text"]
