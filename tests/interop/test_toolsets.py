"""The official Python MCP client against clerk-mcp's whole catalogue: `--toolsets all` (every
tool listed) and `--dynamic` (three meta-tools standing for it), both on the embedded emulator.
A JWT template goes through its whole life in each mode, confirmations included."""
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters


def params(binary, *args):
    return StdioServerParameters(command=binary, args=["--emulator", *args], env={"CLERK_MCP_LOG": "warn"})


async def confirmed(call, name, arguments):
    """Calls a tool that needs a confirmation: the first answer asks, the second runs."""
    asked = await call(name, arguments)
    assert asked.is_error is True, asked
    assert asked.structured_content["error"] == "confirmation_required", asked.structured_content
    done = await call(name, {**arguments, "confirm": asked.structured_content["confirm"]})
    assert done.is_error is False, done
    return done.structured_content


@pytest.mark.anyio
async def test_every_toolset(clerk_mcp):
    async with Client(params(clerk_mcp, "--toolsets", "all"), mode="legacy") as client:
        tools = (await client.list_tools()).tools
        names = {t.name for t in tools}
        assert len(tools) >= 200
        assert {"createJwtTemplate", "createMachine", "getRedirectUrlList", "getUserList"} <= names

        async def call(name, arguments):
            return await client.call_tool(name, arguments)

        created = await confirmed(call, "createJwtTemplate", {"name": "py-hasura", "claims": {"role": "{{user.id}}"}})
        tid = created["id"]
        listed = await client.call_tool("getJwtTemplateList", {"limit": 50})
        assert tid in [t["id"] for t in listed.structured_content["data"]]
        got = await client.call_tool("getJwtTemplate", {"templateId": tid})
        assert got.structured_content["name"] == "py-hasura"
        deleted = await confirmed(call, "deleteJwtTemplate", {"templateId": tid})
        assert deleted["deleted"] is True
        gone = await client.call_tool("getJwtTemplate", {"templateId": tid})
        assert gone.is_error is True and "resource_not_found" in gone.content[0].text


@pytest.mark.anyio
async def test_default_toolsets_stay_the_core(clerk_mcp):
    async with Client(params(clerk_mcp), mode="legacy") as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert len(names) == 38 and "createJwtTemplate" not in names
    async with Client(params(clerk_mcp, "--toolsets", "jwt"), mode="legacy") as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "createJwtTemplate" in names and "getUserList" not in names


@pytest.mark.anyio
async def test_dynamic_mode(clerk_mcp):
    async with Client(params(clerk_mcp, "--dynamic", "--toolsets", "all")) as client:
        tools = (await client.list_tools()).tools
        assert [t.name for t in tools] == ["searchClerkTools", "describeClerkTool", "callClerkTool"]

        found = await client.call_tool("searchClerkTools", {"query": "jwt template"})
        assert found.is_error is False, found
        assert "createJwtTemplate" in [t["name"] for t in found.structured_content["tools"]]
        schema = await client.call_tool("describeClerkTool", {"name": "createJwtTemplate"})
        assert schema.structured_content["inputSchema"]["required"] == ["name", "claims"]

        async def call(name, arguments):
            return await client.call_tool("callClerkTool", {"name": name, "arguments": arguments})

        created = await confirmed(call, "createJwtTemplate", {"name": "py-dynamic", "claims": {}})
        got = await call("getJwtTemplate", {"templateId": created["id"]})
        assert got.structured_content["name"] == "py-dynamic"
        bad = await call("getJwtTemplate", {})
        assert bad.is_error is True and "templateId" in bad.content[0].text


@pytest.mark.anyio
async def test_dynamic_mode_keeps_read_only(clerk_mcp):
    async with Client(params(clerk_mcp, "--dynamic", "--toolsets", "all", "--read-only"), mode="legacy") as client:
        found = await client.call_tool("searchClerkTools", {"query": "delete jwt template", "limit": 50})
        assert all(t["risk"] == "read" for t in found.structured_content["tools"])
        # Read-only hides the tool: calling it through callClerkTool is an unknown tool, as a
        # direct call would be (a JSON-RPC error the client raises, or an error result).
        try:
            refused = await client.call_tool(
                "callClerkTool", {"name": "deleteJwtTemplate", "arguments": {"templateId": "jtmpl_x"}}
            )
        except Exception as e:  # noqa: BLE001 - the client's error type differs across versions
            assert "deleteJwtTemplate" in str(e)
        else:
            assert refused.is_error is True and "deleteJwtTemplate" in refused.content[0].text


@pytest.fixture
def anyio_backend():
    return "asyncio"
