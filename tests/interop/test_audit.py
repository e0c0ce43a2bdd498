"""The audit log survives a crash: clerk-mcp killed with SIGKILL while a write is at Clerk
leaves the intent line (the change may have been made), and no call line."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import httpx2 as httpx
import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frame(obj):
    return (json.dumps(obj) + "\n").encode()


def test_sigkill_mid_write_leaves_an_intent_line(clerk_mcp):
    clerkctl = os.environ.get("CLERKCTL_BIN") or os.path.join(os.path.dirname(clerk_mcp), "clerkctl")
    port = free_port()
    # A slow Clerk: every API request takes 5 s.
    emulator = subprocess.Popen(
        [clerkctl, "emulator", "serve", "--port", str(port), "--latency-ms", "5000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/__emulator/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "audit.jsonl")
            env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
            env.update({"CLERK_SECRET_KEY": "sk_test_emulator", "CLERK_API_URL": f"http://127.0.0.1:{port}",
                        "CLERK_MCP_LOG": "warn"})
            mcp = subprocess.Popen([clerk_mcp, "--audit-log", log], env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            mcp.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "crash-test", "version": "1"}}}))
            mcp.stdin.flush()
            assert json.loads(mcp.stdout.readline())["id"] == 1
            mcp.stdin.write(frame({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            mcp.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
                "name": "createOrganization", "arguments": {"name": "Crash", "slug": "crash-test"}}}))
            mcp.stdin.flush()
            # Wait for the intent line (written and synced before the request goes to Clerk).
            deadline = time.time() + 4
            while time.time() < deadline:
                if os.path.exists(log) and open(log).read().strip():
                    break
                time.sleep(0.02)
            mcp.send_signal(signal.SIGKILL)
            mcp.wait(timeout=5)
            lines = [json.loads(l) for l in open(log) if l.strip()]
            assert [(l["type"], l["tool"]) for l in lines] == [("intent", "createOrganization")], lines
            assert lines[0]["outcome"] == {"status": "pending"}
            assert lines[0]["arguments"] == {"name": "Crash", "slug": "crash-test"}
            assert lines[0]["client"]["name"] == "crash-test"
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
