"""Fixtures of the live tier: one real Prefect 3.9.1 server per session, populated once.

The tier is skipped unless ``LIGHTSCHEMA_LIVE=1``, so the default ``python -m pytest``
stays fast and offline.  See ``live_process.py`` for how the server is started and stopped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.oracle import HAS_ORACLE

if HAS_ORACLE:  # without prefect, test_live.py skips itself; nothing here is then used
    import httpx
    from live_process import LiveServer, RetryingClient, populate, running_server

LIVE = os.environ.get("LIGHTSCHEMA_LIVE") == "1"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A healthy server for the session; stopped by its PID at the end, also on failure."""
    if not LIVE:
        pytest.skip("set LIGHTSCHEMA_LIVE=1 to run the live Prefect server tier")
    with running_server(tmp_path_factory.mktemp("prefect-live")) as server:
        yield server


@pytest.fixture(scope="session")
def summary(live_server: LiveServer) -> dict[str, Any]:
    """The ids ``populate.py`` reports after filling the server."""
    return populate(live_server)


@pytest.fixture(scope="session")
def api(live_server: LiveServer, summary: dict[str, Any]) -> Iterator[httpx.Client]:
    """A raw HTTP client on the populated server's API."""
    with RetryingClient(base_url=live_server.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def storage(live_server: LiveServer) -> Path:
    """The folder the server's flows persist their results in (its ``PREFECT_LOCAL_STORAGE_PATH``)."""
    return live_server.root / "results"
