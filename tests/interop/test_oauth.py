"""Sign in with Clerk, end to end: the Python `mcp` client's OAuthClientProvider against
`clerk-mcp --http … --auth clerk`, with a standalone emulator as the Clerk instance (Backend API
and authorization server). The client discovers everything from the 401 (protected-resource
metadata, authorization-server metadata), registers itself, runs the authorization-code flow
with PKCE, and then lists and calls tools as the signed-in user. Then every way in that must be
refused is tried, with the emulator's state read back through its Backend API."""
import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import httpx2 as httpx
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

KEY = "sk_test_emulator"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url):
    for _ in range(200):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    pytest.fail(f"{url} did not answer")


@pytest.fixture(scope="module")
def clerk(clerk_mcp):
    """A standalone emulator: the Clerk instance."""
    clerkctl = os.environ.get("CLERKCTL_BIN") or os.path.join(os.path.dirname(clerk_mcp), "clerkctl")
    port = free_port()
    proc = subprocess.Popen([clerkctl, "emulator", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/__emulator/health")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bapi(clerk, method, path, body=None):
    r = httpx.request(method, f"{clerk}/v1{path}", json=body, headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code < 300, r.text
    return r.json()


def oauth_settings(clerk, **settings):
    r = httpx.put(f"{clerk}/__emulator/oauth", json=settings)
    assert r.status_code == 200, r.text


@contextmanager
def server(clerk_mcp, clerk, *args):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env.update({"CLERK_SECRET_KEY": KEY, "CLERK_API_URL": clerk, "CLERK_MCP_LOG": "warn"})
    proc = subprocess.Popen(
        [clerk_mcp, "--http", f"127.0.0.1:{port}", "--auth", "clerk", "--issuer", clerk, *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if proc.poll() is not None:
                pytest.fail(f"clerk-mcp exited: {proc.stderr.read().decode()}")
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Memory:
    def __init__(self):
        self.tokens = None
        self.client = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, info):
        self.client = info


def provider(mcp_url):
    """An OAuthClientProvider whose "browser" follows the authorization URL and catches the
    redirect (the emulator approves as its configured user)."""
    seen = {}

    async def redirect_handler(url):
        r = httpx.get(url, follow_redirects=False)
        assert r.status_code == 302, r.text
        q = parse_qs(urlparse(r.headers["location"]).query)
        assert "error" not in q, q
        seen.update({k: v[0] for k, v in q.items()})

    async def callback_handler():
        return AuthorizationCodeResult(code=seen["code"], state=seen.get("state"), iss=seen.get("iss"))

    return OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name="python-interop", redirect_uris=["http://127.0.0.1:9/callback"],
            grant_types=["authorization_code", "refresh_token"], response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=Memory(),
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )


def signed_in_client(mcp_url, mode):
    transport = streamable_http_client(mcp_url, http_client=httpx.AsyncClient(auth=provider(mcp_url), timeout=30))
    return Client(transport, mode=mode)


def raw_token(clerk, resource, scope="openid profile email"):
    """Register, authorize and redeem by hand: an access token for `resource`."""
    reg = httpx.post(f"{clerk}/oauth/register", json={
        "redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none"}).json()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    r = httpx.get(f"{clerk}/oauth/authorize", params={
        "response_type": "code", "client_id": reg["client_id"], "redirect_uri": "http://127.0.0.1:9/cb",
        "code_challenge": challenge, "code_challenge_method": "S256", "scope": scope, "resource": resource,
    }, follow_redirects=False)
    code = parse_qs(urlparse(r.headers["location"]).query)["code"][0]
    tok = httpx.post(f"{clerk}/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/cb",
        "client_id": reg["client_id"], "code_verifier": verifier, "resource": resource}).json()
    return reg["client_id"], tok["access_token"]


def call(base, token, tool, arguments, id_=1):
    """A stateless 2026-07-28 tools/call with a bearer token; (HTTP status, body, headers)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": tool}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    r = httpx.post(f"{base}/mcp", headers=headers, json={
        "jsonrpc": "2.0", "id": id_, "method": "tools/call", "params": {
            "name": tool, "arguments": arguments, "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"}}}})
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else None
    return r.status_code, body, r.headers


def users(clerk):
    return bapi(clerk, "GET", "/users?limit=100&order_by=created_at")


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_whole_flow_then_tools_as_the_signed_in_user(clerk_mcp, clerk, mode):
    people = users(clerk)
    ada, other = people[0], people[1]
    oauth_settings(clerk, user_id=ada["id"], token_format="opaque")
    with server(clerk_mcp, clerk) as base:
        async with signed_in_client(f"{base}/mcp", mode) as client:
            who = await client.call_tool("getUserId", {})
            assert who.is_error is False, who
            assert who.structured_content["signedIn"] is True
            assert who.structured_content["userId"] == ada["id"]
            names = {t.name for t in (await client.list_tools()).tools}
            # Own account: yes; the instance's user list and other people: no.
            assert {"getUserId", "getUser", "updateUser"} <= names
            assert "getUserList" not in names and "createUser" not in names and "banUser" not in names
            mine = await client.call_tool("getUser", {"userId": ada["id"]})
            assert mine.is_error is False and mine.structured_content["id"] == ada["id"]
            # Someone else: refused, nothing changed.
            theirs = await client.call_tool("updateUser", {"userId": other["id"], "firstName": "Mallory"})
            assert theirs.is_error is True
            assert theirs.structured_content["error"] == "denied", theirs.structured_content
            assert bapi(clerk, "GET", f"/users/{other['id']}")["first_name"] == other["first_name"]
            renamed = await client.call_tool("updateUser", {"userId": ada["id"], "lastName": f"Signed-{mode}"})
            assert renamed.is_error is False, renamed
            assert bapi(clerk, "GET", f"/users/{ada['id']}")["last_name"] == f"Signed-{mode}"


def test_protected_resource_metadata_and_challenges(clerk_mcp, clerk):
    with server(clerk_mcp, clerk) as base:
        prm = httpx.get(f"{base}/.well-known/oauth-protected-resource/mcp").json()
        assert prm["resource"] == f"{base}/mcp"
        assert prm["authorization_servers"] == [clerk]
        assert prm["bearer_methods_supported"] == ["header"]
        assert httpx.get(f"{base}/.well-known/oauth-protected-resource").json() == prm
        asm = httpx.get(f"{base}/.well-known/oauth-authorization-server").json()
        assert asm["issuer"] == clerk and asm["code_challenge_methods_supported"] == ["S256"]

        status, _, headers = call(base, None, "getUserId", {})
        assert status == 401
        challenge = headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"' in challenge
        assert 'scope="openid profile email"' in challenge and "error=" not in challenge
        status, _, headers = call(base, "not-a-token", "getUserId", {})
        assert status == 401 and 'error="invalid_token"' in headers["www-authenticate"]


def test_bad_tokens_are_refused_and_change_nothing(clerk_mcp, clerk):
    people = users(clerk)
    ada = people[2]
    oauth_settings(clerk, user_id=ada["id"], token_format="opaque")
    with server(clerk_mcp, clerk) as base:
        resource = f"{base}/mcp"
        client_id, good = raw_token(clerk, resource)
        status, body, _ = call(base, good, "getUserId", {})
        assert status == 200 and body["result"]["structuredContent"]["userId"] == ada["id"], body

        # Revoked (by the client it was issued to).
        revoker, revoked = raw_token(clerk, resource)
        httpx.post(f"{clerk}/oauth/revoke", data={"token": revoked, "client_id": revoker})
        status, body, headers = call(base, revoked, "getUserId", {})
        assert status == 401 and "revoked" in headers["www-authenticate"], headers

        # Expired.
        oauth_settings(clerk, user_id=ada["id"], token_format="opaque", access_token_ttl_seconds=-60)
        _, expired = raw_token(clerk, resource)
        status, _, headers = call(base, expired, "getUserId", {})
        assert status == 401 and "expired" in headers["www-authenticate"]

        # JWTs: for another resource, and with a forged signature.
        oauth_settings(clerk, user_id=ada["id"], token_format="jwt")
        _, elsewhere = raw_token(clerk, "https://other.example/mcp")
        status, _, headers = call(base, elsewhere, "getUserId", {})
        assert status == 401 and "another resource" in headers["www-authenticate"]
        _, jwt = raw_token(clerk, resource)
        assert call(base, jwt, "getUserId", {})[0] == 200
        head, payload, sig = jwt.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = people[3]["id"]
        forged = ".".join([head, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), sig])
        status, _, headers = call(base, forged, "getUserId", {})
        assert status == 401 and "signature" in headers["www-authenticate"]
        oauth_settings(clerk, user_id=ada["id"], token_format="opaque")

    # A server that accepts only one OAuth client refuses tokens of another.
    with server(clerk_mcp, clerk, "--allowed-client-id", "client_theonlyone") as base:
        _, token = raw_token(clerk, f"{base}/mcp")
        status, _, headers = call(base, token, "getUserId", {})
        assert status == 401 and "client this server does not accept" in headers["www-authenticate"]
    # A server that needs a scope the token lacks: 403 insufficient_scope.
    with server(clerk_mcp, clerk, "--required-scope", "public_metadata") as base:
        _, token = raw_token(clerk, f"{base}/mcp")
        status, _, headers = call(base, token, "getUserId", {})
        assert status == 403 and 'error="insufficient_scope"' in headers["www-authenticate"]
        assert 'scope="public_metadata"' in headers["www-authenticate"]


def test_operators_get_tools_by_permission_and_api_keys_by_scope(clerk_mcp, clerk):
    people = users(clerk)
    reader, operator, target, owner = people[4], people[5], people[6], people[7]
    ops = bapi(clerk, "POST", "/organizations", {"name": "Operators", "created_by": owner["id"]})
    bapi(clerk, "POST", f"/organizations/{ops['id']}/memberships", {"user_id": operator["id"], "role": "org:clerk_mcp_operator"})
    bapi(clerk, "POST", f"/organizations/{ops['id']}/memberships", {"user_id": reader["id"], "role": "org:clerk_mcp_reader"})
    with server(clerk_mcp, clerk, "--policy", "operators", "--operators-org", ops["id"], "--confirm", "none") as base:
        resource = f"{base}/mcp"
        # A reader reads anyone, and cannot delete: the tool is not even there.
        oauth_settings(clerk, user_id=reader["id"], token_format="opaque")
        _, read_token = raw_token(clerk, resource)
        status, body, _ = call(base, read_token, "getUser", {"userId": target["id"]})
        assert status == 200 and body["result"]["structuredContent"]["id"] == target["id"], body
        status, body, _ = call(base, read_token, "deleteUser", {"userId": target["id"]})
        assert "error" in body and body["error"]["code"] == -32602, body
        assert bapi(clerk, "GET", f"/users/{target['id']}")["id"] == target["id"]
        # An operator may lock.
        oauth_settings(clerk, user_id=operator["id"], token_format="opaque")
        _, op_token = raw_token(clerk, resource)
        status, body, _ = call(base, op_token, "lockUser", {"userId": target["id"]})
        assert status == 200 and body["result"]["structuredContent"]["locked"] is True, body
        assert bapi(clerk, "GET", f"/users/{target['id']}")["locked"] is True

        # An API key with read scope only: reads yes, writes no.
        key = bapi(clerk, "POST", "/api_keys", {"name": "ci reader", "subject": target["id"], "scopes": ["clerk_mcp:read"]})
        status, body, _ = call(base, key["secret"], "getUserCount", {})
        assert status == 200 and body["result"]["structuredContent"]["totalCount"] > 0, body
        status, body, _ = call(base, key["secret"], "unlockUser", {"userId": target["id"]})
        assert "error" in body, body
        assert bapi(clerk, "GET", f"/users/{target['id']}")["locked"] is True
        # Nobody in particular: a signed-in user outside the operators organization gets nothing.
        oauth_settings(clerk, user_id=target["id"], token_format="opaque")
        _, outsider = raw_token(clerk, resource)
        status, body, _ = call(base, outsider, "getUserCount", {})
        assert "error" in body, body
        oauth_settings(clerk)
