"""The official Python MCP client (`mcp` 2.x) against clerk-mcp over stdio, in legacy mode
(initialize handshake, 2025-11-25) and in its default `auto` mode (probes `server/discover`,
speaks the stateless 2026-07-28 revision)."""
import json

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

TOOLKIT_19 = [
    "getUserId", "getUser", "getUserCount", "updateUser", "updateUserPublicMetadata",
    "updateUserUnsafeMetadata", "getOrganization", "createOrganization", "updateOrganization",
    "updateOrganizationMetadata", "deleteOrganization", "createOrganizationMembership",
    "updateOrganizationMembership", "updateOrganizationMembershipMetadata",
    "deleteOrganizationMembership", "createOrganizationInvitation",
    "revokeOrganizationInvitation", "createInvitation", "revokeInvitation",
]


def params(binary, *args):
    return StdioServerParameters(command=binary, args=["--emulator", *args], env={"CLERK_MCP_LOG": "warn"})


async def exercise(client: Client, slug: str):
    tools = (await client.list_tools()).tools
    names = [t.name for t in tools]
    assert names[:19] == TOOLKIT_19
    assert {"getUserList", "getOrganizationList", "getSessionList"} <= set(names)
    by_name = {t.name: t for t in tools}
    assert by_name["getUserList"].input_schema["properties"]["limit"]["maximum"] == 500
    assert by_name["deleteUser"].annotations.destructive_hint in (True, None)
    assert by_name["getUser"].annotations.read_only_hint is True

    # A read: find a user, then find them again by email.
    page = await client.call_tool("getUserList", {"limit": 2})
    assert page.is_error is False, page
    users = page.structured_content["data"]
    assert len(users) == 2 and page.structured_content["hasMore"] is True
    # List results are summaries: the primary email address is `email`.
    email = users[0]["email"]
    assert "email_addresses" not in users[0]
    found = await client.call_tool("getUserList", {"emailAddress": [email]})
    assert [u["id"] for u in found.structured_content["data"]] == [users[0]["id"]]
    assert json.loads(found.content[0].text) == found.structured_content
    # `view: "full"` gives every field.
    full = await client.call_tool("getUserList", {"emailAddress": [email], "view": "full"})
    assert full.is_error is False, full
    addresses = full.structured_content["data"][0]["email_addresses"]
    assert email in [a["email_address"] for a in addresses]

    # A write, read back.
    created = await client.call_tool("createOrganization", {"name": "Py Interop", "slug": slug})
    assert created.is_error is False, created
    org_id = created.structured_content["id"]
    updated = await client.call_tool(
        "updateOrganizationMetadata", {"organizationId": org_id, "publicMetadata": {"tier": "gold"}}
    )
    assert updated.structured_content["public_metadata"] == {"tier": "gold"}
    fetched = await client.call_tool("getOrganization", {"slug": slug})
    assert fetched.structured_content["public_metadata"] == {"tier": "gold"}

    # Errors: a Clerk error and an argument error are tool results the model can read.
    missing = await client.call_tool("getUser", {"userId": "user_doesnotexist"})
    assert missing.is_error is True
    assert "resource_not_found" in missing.content[0].text
    bad = await client.call_tool("getUserList", {"limit": 0})
    assert bad.is_error is True and "limit" in bad.content[0].text

    # Destructive, on a client that cannot elicit: the first call asks for a confirmation code
    # and changes nothing; with the code (after asking the user) it runs.
    asked = await client.call_tool("deleteOrganization", {"organizationId": org_id})
    assert asked.is_error is True
    assert asked.structured_content["error"] == "confirmation_required"
    assert "Py Interop" in asked.structured_content["prompt"]
    still = await client.call_tool("getOrganization", {"organizationId": org_id})
    assert still.is_error is False
    deleted = await client.call_tool(
        "deleteOrganization", {"organizationId": org_id, "confirm": asked.structured_content["confirm"]}
    )
    assert deleted.structured_content["deleted"] is True


@pytest.mark.anyio
async def test_legacy_mode(clerk_mcp):
    async with Client(params(clerk_mcp), mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"
        await exercise(client, "py-legacy")


@pytest.mark.anyio
async def test_auto_mode_speaks_2026(clerk_mcp):
    async with Client(params(clerk_mcp)) as client:
        assert client.protocol_version == "2026-07-28"
        await exercise(client, "py-auto")


@pytest.mark.anyio
async def test_read_only_mode(clerk_mcp):
    async with Client(params(clerk_mcp, "--read-only"), mode="legacy") as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "getUserList" in names and "deleteOrganization" not in names


@pytest.fixture
def anyio_backend():
    return "asyncio"
