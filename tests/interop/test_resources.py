"""Resources, completion and prompts with the official Python MCP client (`mcp` 2.x) over stdio,
in legacy mode (initialize, 2025-11-25) and in `auto` mode (the stateless 2026-07-28 revision):
the templates, reads through the same pipeline as the tools, completion of ids and slugs, the
prompts, and the errors."""
import json

import pytest
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters
from mcp_types import PromptReference, ResourceTemplateReference

TEMPLATES = [
    "clerk://users/{userId}",
    "clerk://organizations/{slugOrId}",
    "clerk://organizations/{slugOrId}/memberships",
]
PROMPTS = ["setup-organization", "offboard-user", "investigate-sessions", "daily-user-summary"]


def params(binary, *args):
    return StdioServerParameters(command=binary, args=["--emulator", *args], env={"CLERK_MCP_LOG": "warn"})


def read_json(result, uri):
    [contents] = result.contents
    assert str(contents.uri) == uri
    assert contents.mime_type == "application/json"
    return json.loads(contents.text)


async def exercise(client: Client):
    templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == TEMPLATES
    assert all(t.mime_type == "application/json" for t in templates)
    assert (await client.list_resources()).resources == []

    # A user found by completion of an email prefix, read as a resource: what getUser returns.
    page = await client.call_tool("getUserList", {"limit": 1})
    user = page.structured_content["data"][0]
    email = user["email"]  # lists return summaries: the primary address
    done = await client.complete(
        ResourceTemplateReference(uri="clerk://users/{userId}"),
        {"name": "userId", "value": email.split("@")[0]},
    )
    assert user["id"] in done.completion.values and len(done.completion.values) <= 10
    uri = f"clerk://users/{user['id']}"
    read = read_json(await client.read_resource(uri), uri)
    by_tool = await client.call_tool("getUser", {"userId": user["id"]})
    assert read == by_tool.structured_content

    # Organizations: slug completion, read by slug, memberships.
    done = await client.complete(
        ResourceTemplateReference(uri="clerk://organizations/{slugOrId}"), {"name": "slugOrId", "value": "ac"}
    )
    assert done.completion.values == ["acme"]
    org = read_json(await client.read_resource("clerk://organizations/acme"), "clerk://organizations/acme")
    assert org["slug"] == "acme" and org["members_count"] > 0
    m_uri = "clerk://organizations/acme/memberships"
    members = read_json(await client.read_resource(m_uri), m_uri)
    assert members["totalCount"] == org["members_count"]

    # Errors: a malformed URI says what is expected; an unknown object is resource-not-found.
    with pytest.raises(MCPError) as e:
        await client.read_resource("clerk://sessions/sess_1")
    assert e.value.code == -32602 and "clerk://users/{userId}" in e.value.message
    with pytest.raises(MCPError) as e:
        await client.read_resource("clerk://users/user_doesnotexist")
    # -32002 before 2026-07-28, which uses invalid-params for resource-not-found.
    assert e.value.code == (-32602 if client.protocol_version >= "2026-07-28" else -32002)
    assert e.value.data == {"uri": "clerk://users/user_doesnotexist"}

    # Prompts.
    prompts = (await client.list_prompts()).prompts
    assert [p.name for p in prompts] == PROMPTS
    setup = prompts[0]
    assert [(a.name, a.required) for a in setup.arguments] == [("name", True), ("founders", True)]
    names = {t.name for t in (await client.list_tools()).tools}
    got = await client.get_prompt("setup-organization", {"name": "Py Org", "founders": "ada@example.com"})
    text = got.messages[0].content.text
    assert got.messages[0].role == "user" and "Py Org" in text and "ada@example.com" in text
    assert set(text.split("`")[1::2]) <= names
    done = await client.complete(PromptReference(name="offboard-user"), {"name": "user", "value": email[:4]})
    assert user["id"] in done.completion.values
    with pytest.raises(MCPError) as e:
        await client.get_prompt("setup-organization", {"name": "Py Org"})
    assert e.value.code == -32602 and '"founders"' in e.value.message


@pytest.mark.anyio
async def test_legacy_mode(clerk_mcp):
    async with Client(params(clerk_mcp), mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"
        caps = client.server_capabilities
        assert caps.resources is not None and caps.prompts is not None and caps.completions is not None
        await exercise(client)


@pytest.mark.anyio
async def test_auto_mode_speaks_2026(clerk_mcp):
    async with Client(params(clerk_mcp)) as client:
        assert client.protocol_version == "2026-07-28"
        await exercise(client)


@pytest.mark.anyio
async def test_scoping_hides_what_its_tools_would(clerk_mcp):
    async with Client(params(clerk_mcp, "--read-only", "--tools", "users"), mode="legacy") as client:
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["clerk://users/{userId}"]
        assert [p.name for p in (await client.list_prompts()).prompts] == ["daily-user-summary"]
        with pytest.raises(MCPError) as e:
            await client.read_resource("clerk://organizations/acme")
        assert e.value.code == -32002


@pytest.fixture
def anyio_backend():
    return "asyncio"
