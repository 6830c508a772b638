"""Start, populate and stop a real Prefect 3.9.1 server; used by conftest.py and record.py.

The server runs on SQLite inside a temporary PREFECT_HOME, bound to 127.0.0.1 on a free
port with the UI and telemetry off, in its own process group so ``stop`` can end it
(and anything it spawned) by the PID ``start`` got.  Every ``PREFECT_*`` variable of
the caller's environment is dropped from the child environments, so the caller's own
Prefect profile is never read or written.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
START_TIMEOUT = 240.0
POPULATE_TIMEOUT = 600.0


@dataclass(frozen=True)
class LiveServer:
    """Where the test server listens, its scratch directory, and the client environment."""

    api_url: str
    root: Path
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stops the server's process group (its PGID is the PID started here), then reaps it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running_server(root: Path) -> Iterator[LiveServer]:
    """A healthy ``prefect server start`` for the duration of the block, stopped on any exit."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{root / 'prefect.db'}",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_LOCAL_STORAGE_PATH": str(root / "results"),
            "DO_NOT_TRACK": "1",
        }
    )
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited with {proc.returncode}:\n{_tail(log_path)}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).json() is True:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server not healthy after {START_TIMEOUT:.0f}s:\n{_tail(log_path)}")
            time.sleep(0.5)
        client_env = dict(env, PREFECT_API_URL=api_url, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE="false")
        yield LiveServer(api_url=api_url, root=root, env=client_env)
    finally:
        _stop(proc)


def populate(server: LiveServer) -> dict[str, Any]:
    """Runs ``populate.py`` against the server in a subprocess; returns the ids it reports."""
    out = server.root / "summary.json"
    result = subprocess.run(
        [sys.executable, str(HERE / "populate.py"), str(out)],
        env=server.env,
        cwd=server.root,
        capture_output=True,
        text=True,
        timeout=POPULATE_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"populate.py failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
        )
    summary: dict[str, Any] = json.loads(out.read_text())
    return summary


class RetryingClient(httpx.Client):
    """An HTTP client that asks again when the server answers 503, as Prefect's own client does:
    the server's SQLite database is busy while its background services write (seen in CI)."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        for attempt in range(_ATTEMPTS):
            response = super().send(request, **kwargs)
            if response.status_code != 503 or attempt == _ATTEMPTS - 1:
                return response
            response.close()
            time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")


_ATTEMPTS = 6
