"""Shared fixtures for the interop tests: they drive the built clerk-mcp binary with real MCP
clients. The binary runs on its embedded emulator (`--emulator`), so no Clerk account is needed
and nothing leaves the machine."""
import os
import shutil

import pytest

REQUIRE = os.environ.get("REQUIRE_CLIENTS") == "1" or os.environ.get("CI") == "true"


def _binary() -> str:
    path = os.environ.get("CLERK_MCP_BIN") or os.path.join(
        os.path.dirname(__file__), "..", "..", "target", "debug", "clerk-mcp"
    )
    path = os.path.abspath(path)
    if not os.path.exists(path):
        pytest.fail(f"clerk-mcp binary not found at {path}: run `cargo build -p clerk-mcp`")
    return path


@pytest.fixture(scope="session")
def clerk_mcp() -> str:
    return _binary()


@pytest.fixture(scope="session")
def inspector() -> str:
    path = os.environ.get("MCP_INSPECTOR") or shutil.which("mcp-inspector")
    if not path or not os.path.exists(path):
        if REQUIRE:
            pytest.fail("the MCP Inspector CLI is not installed (scripts/test installs it)")
        pytest.skip("MCP Inspector CLI not installed")
    return path
