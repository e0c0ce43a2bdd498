"""The official Python MCP client (`mcp` 2.x) against `clerk-mcp --http` over Streamable HTTP, in
legacy mode (2025-11-25 sessions: initialize, Mcp-Session-Id, SSE) and `auto` mode (stateless
2026-07-28), plus raw HTTP checks with httpx: public-mode key header, bearer token, Host validation.
Every server runs on a free loopback port with its embedded emulator and is killed at the end."""
import os
import socket
import subprocess
import time
from contextlib import contextmanager

import httpx2 as httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

EMULATOR_KEY = "sk_test_emulator"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(binary, *args, env=None):
    """Starts `clerk-mcp --http 127.0.0.1:PORT ARGS`, waits for /health, yields the base URL."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items()
                 if k not in ("CLERK_SECRET_KEY", "CLERK_API_URL", "CLERK_MCP_HTTP_TOKEN")}
    full_env = {**inherited, "CLERK_MCP_LOG": "warn", **(env or {})}
    proc = subprocess.Popen(
        [binary, "--http", f"127.0.0.1:{port}", *args],
        env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if proc.poll() is not None:
                pytest.fail(f"clerk-mcp exited early ({proc.returncode}): {proc.stderr.read().decode()}")
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            pytest.fail("clerk-mcp --http did not answer /health within 10 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client_for(url, mode, headers=None):
    if headers:
        transport = streamable_http_client(url, http_client=httpx.AsyncClient(headers=headers, timeout=30))
        return Client(transport, mode=mode)
    return Client(url, mode=mode)


async def exercise(client: Client, slug: str):
    tools = (await client.list_tools()).tools
    names = {t.name for t in tools}
    assert {"getUserList", "getUser", "createOrganization", "getOrganization"} <= names
    assert len(tools) == 38

    # Reads.
    page = await client.call_tool("getUserList", {"limit": 2})
    assert page.is_error is False, page
    users = page.structured_content["data"]
    assert len(users) == 2
    one = await client.call_tool("getUser", {"userId": users[0]["id"]})
    assert one.is_error is False and one.structured_content["id"] == users[0]["id"]

    # A write, read back.
    created = await client.call_tool("createOrganization", {"name": "HTTP Interop", "slug": slug})
    assert created.is_error is False, created
    fetched = await client.call_tool("getOrganization", {"slug": slug})
    assert fetched.is_error is False and fetched.structured_content["id"] == created.structured_content["id"]

    # A tool error: isError with structured content naming Clerk's code.
    missing = await client.call_tool("getUser", {"userId": "user_doesnotexist"})
    assert missing.is_error is True
    assert missing.structured_content["error"] == "clerk_api_error", missing.structured_content
    assert missing.structured_content["clerkCode"] == "resource_not_found"
    assert missing.structured_content["clerkStatus"] == 404
    assert "resource_not_found" in missing.content[0].text


@pytest.fixture(scope="module")
def hosted(clerk_mcp):
    with server(clerk_mcp, "--emulator") as base:
        yield base


@pytest.mark.anyio
@pytest.mark.parametrize("mode,version", [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
async def test_hosted_both_eras(hosted, mode, version):
    async with client_for(f"{hosted}/mcp", mode) as client:
        assert client.protocol_version == version
        await exercise(client, f"http-{mode}")


def test_health(hosted):
    r = httpx.get(f"{hosted}/health")
    assert r.status_code == 200
    body = r.json()
    assert body["mode"] == "hosted" and body["tools"] == 38 and body["version"] == "0.1.0"
    assert body["status"] in ("ok", "degraded") and body["clerkConnected"] in (True, False)
    assert httpx.get(f"{hosted}/api/health").json()["mode"] == "hosted"


def test_bad_host_is_403(hosted):
    r = httpx.post(
        f"{hosted}/mcp",
        headers={"Host": "evil.example", "Content-Type": "application/json",
                 "Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
    )
    assert r.status_code == 403, r.text
    assert "--allowed-host" in r.text


@pytest.fixture(scope="module")
def public(clerk_mcp):
    with server(clerk_mcp, "--mode", "public", "--emulator") as base:
        yield base


def test_public_without_key_is_401_json(public):
    r = httpx.post(
        f"{public}/mcp",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                         "clientInfo": {"name": "t", "version": "0"}}},
    )
    assert r.status_code == 401, r.text
    body = r.json()
    assert body["error"] == "missing_secret_key"
    assert "X-Clerk-Secret-Key" in body["message"]
    assert httpx.get(f"{public}/health").json()["clerkConnected"] is None


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_public_with_key(public, mode):
    async with client_for(f"{public}/mcp", mode, {"X-Clerk-Secret-Key": EMULATOR_KEY}) as client:
        await exercise(client, f"public-{mode}")


@pytest.mark.anyio
async def test_public_wrong_key_is_tool_error(public):
    async with client_for(f"{public}/mcp", "legacy", {"X-Clerk-Secret-Key": "sk_test_wrong"}) as client:
        r = await client.call_tool("getUserList", {"limit": 1})
        assert r.is_error is True
        assert r.structured_content["clerkStatus"] == 401, r.structured_content
        assert "sk_test_wrong" not in str(r.content) and "sk_test_wrong" not in str(r.structured_content)


@pytest.fixture(scope="module")
def with_token(clerk_mcp):
    with server(clerk_mcp, "--emulator", env={"CLERK_MCP_HTTP_TOKEN": "interop-token-123"}) as base:
        yield base


@pytest.mark.anyio
async def test_token_required(with_token):
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "t", "version": "0"}}}
    hdrs = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    assert httpx.post(f"{with_token}/mcp", headers=hdrs, json=init).status_code == 401
    wrong = httpx.post(f"{with_token}/mcp", headers={**hdrs, "Authorization": "Bearer nope"}, json=init)
    assert wrong.status_code == 401
    assert "interop-token-123" not in wrong.text
    async with client_for(f"{with_token}/mcp", "legacy", {"Authorization": "Bearer interop-token-123"}) as c:
        r = await c.call_tool("getUserList", {"limit": 1})
        assert r.is_error is False


@pytest.fixture
def anyio_backend():
    return "asyncio"
