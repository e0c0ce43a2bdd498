"""The MCP Inspector CLI (`@modelcontextprotocol/inspector --cli`) against clerk-mcp."""
import json
import subprocess


def run(inspector, binary, *args, server_args=("--emulator",)):
    cmd = [inspector, "--cli", binary, *server_args, "--", *args, "--format", "json"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_lists_tools(inspector, clerk_mcp):
    out = run(inspector, clerk_mcp, "--method", "tools/list")
    assert out.returncode == 0, out.stderr
    tools = json.loads(out.stdout)["result"]["tools"] if "result" in json.loads(out.stdout) else json.loads(out.stdout)["tools"]
    assert "getUserList" in [t["name"] for t in tools]


def test_calls_a_read_tool(inspector, clerk_mcp):
    out = run(inspector, clerk_mcp, "--method", "tools/call", "--tool-name", "getUserCount")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    result = body.get("result", body)
    assert result["structuredContent"]["totalCount"] > 0


def test_calls_a_write_tool(inspector, clerk_mcp):
    out = run(
        inspector, clerk_mcp, "--method", "tools/call", "--tool-name", "createOrganization",
        "--tool-args-json", json.dumps({"name": "Inspector Org", "slug": "inspector-org"}),
    )
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    result = body.get("result", body)
    assert result["structuredContent"]["slug"] == "inspector-org"


def test_reports_a_tool_error(inspector, clerk_mcp):
    out = run(
        inspector, clerk_mcp, "--method", "tools/call", "--tool-name", "getUser",
        "--tool-args-json", json.dumps({"userId": "user_missing"}),
    )
    # The Inspector exits 5 when the result has isError: true.
    assert out.returncode == 5, (out.returncode, out.stdout, out.stderr)
    assert "resource_not_found" in (out.stdout + out.stderr)
