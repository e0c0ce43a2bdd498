"""Scale-out with a real load balancer: HAProxy (round-robin, a stick table learning Mcp-Session-Id
from responses, tests/lb/haproxy.cfg) in front of two `clerk-mcp --http` replicas that share one
standalone emulator, all on loopback. A 2026-07-28 client's calls land on both replicas and succeed
(a write through one is read back through the other); a 2025-11-25 session stays on one replica."""
import json
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack

import httpx2 as httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import REQUIRE
from test_http import free_port, server

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "lb", "haproxy.cfg")


def wait_http(url, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            pytest.fail(f"{what} exited early ({proc.returncode})")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    pytest.fail(f"{what} did not answer {url} within 10 s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def haproxy():
    path = shutil.which("haproxy")
    if not path:
        if REQUIRE:
            pytest.fail("haproxy is not installed (scripts/test installs it: apt-get install -y haproxy)")
        pytest.skip("haproxy not installed")
    return path


@pytest.fixture(scope="module")
def balanced(clerk_mcp, haproxy):
    """Yields the load balancer's base URL."""
    clerkctl = os.environ.get("CLERKCTL_BIN") or os.path.join(os.path.dirname(clerk_mcp), "clerkctl")
    if not os.path.exists(clerkctl):
        pytest.fail(f"clerkctl not found at {clerkctl}: run `cargo build -p clerk-cli`")
    with ExitStack() as stack:
        emu_port = free_port()
        emulator = subprocess.Popen([clerkctl, "emulator", "serve", "--port", str(emu_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(stop, emulator)
        wait_http(f"http://127.0.0.1:{emu_port}/__emulator/health", emulator, "the emulator")
        env = {"CLERK_SECRET_KEY": "sk_test_emulator", "CLERK_API_URL": f"http://127.0.0.1:{emu_port}"}
        r1 = stack.enter_context(server(clerk_mcp, env=env))
        r2 = stack.enter_context(server(clerk_mcp, env=env))
        lb_port = free_port()
        config = open(CONFIG).read()
        for key, value in {"@LB_PORT@": lb_port, "@R1_PORT@": r1.rsplit(":", 1)[1],
                           "@R2_PORT@": r2.rsplit(":", 1)[1]}.items():
            config = config.replace(key, str(value))
        cfg = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
        cfg.write(config)
        cfg.close()
        stack.callback(os.unlink, cfg.name)
        check = subprocess.run([haproxy, "-c", "-q", "-f", cfg.name], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        lb = subprocess.Popen([haproxy, "-db", "-f", cfg.name],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(stop, lb)
        base = f"http://127.0.0.1:{lb_port}"
        wait_http(f"{base}/health", lb, "haproxy")
        yield base


def recording_client(url, mode):
    """A Client whose every HTTP response is logged as (JSON-RPC request or None, X-Served-By)."""
    seen = []

    async def hook(response):
        try:
            body = json.loads(response.request.content or b"null")
        except (ValueError, httpx.RequestNotRead):
            body = None
        seen.append((body, response.headers.get("X-Served-By")))

    http = httpx.AsyncClient(timeout=30, event_hooks={"response": [hook]})
    return Client(streamable_http_client(url, http_client=http), mode=mode), seen


def served_by(seen, tool):
    return [srv for body, srv in seen
            if isinstance(body, dict) and body.get("method") == "tools/call"
            and body.get("params", {}).get("name") == tool]


@pytest.mark.anyio
async def test_modern_client_uses_both_replicas(balanced):
    client, seen = recording_client(f"{balanced}/mcp", "auto")
    async with client:
        assert client.protocol_version == "2026-07-28"
        crossed = 0
        for i in range(10):
            slug = f"lb-modern-{i}"
            created = await client.call_tool("createOrganization", {"name": f"LB {i}", "slug": slug})
            assert created.is_error is False, created
            wrote = served_by(seen, "createOrganization")[-1]
            fetched = await client.call_tool("getOrganization", {"slug": slug})
            assert fetched.is_error is False, fetched
            assert fetched.structured_content["id"] == created.structured_content["id"]
            read = served_by(seen, "getOrganization")[-1]
            crossed += wrote != read
        listed = await client.call_tool("getUserList", {"limit": 5})
        assert listed.is_error is False
    servers = {srv for _, srv in seen}
    assert servers >= {"r1", "r2"}, servers
    # Round-robin alternates, so a write on one replica is read back through the other.
    assert crossed >= 1, seen


@pytest.mark.anyio
async def test_legacy_session_sticks_to_one_replica(balanced):
    client, seen = recording_client(f"{balanced}/mcp", "legacy")
    async with client:
        assert client.protocol_version == "2025-11-25"
        for i in range(30):
            r = await client.call_tool("getUserList", {"limit": 1, "offset": i % 5})
            assert r.is_error is False, r
        slug = "lb-legacy"
        created = await client.call_tool("createOrganization", {"name": "LB legacy", "slug": slug})
        assert created.is_error is False, created
        fetched = await client.call_tool("getOrganization", {"slug": slug})
        assert fetched.structured_content["id"] == created.structured_content["id"]
    calls = [srv for body, srv in seen if isinstance(body, dict) and body.get("method") == "tools/call"]
    assert len(calls) == 32
    assert len(set(calls)) == 1 and calls[0] in ("r1", "r2"), calls


@pytest.fixture
def anyio_backend():
    return "asyncio"
