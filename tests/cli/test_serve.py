"""`yms serve --demo`: the README's first command, started for real and asked for pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from tests.fixtures.web import free_port


def test_serve_demo_answers_on_its_port(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "YMS_DATABASE_URL": f"sqlite:///{tmp_path / 'yms.db'}"}
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "yms serve did not start"
                time.sleep(0.2)
        assert home.status_code == 200
        ballots = httpx.get(f"http://127.0.0.1:{port}/ballots").text
        assert "taiwan-2025-1" in ballots
        assert "hong-kong-2025-2" in ballots
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"http://localhost:{port}/" in output
    assert "demo data" in output
    assert "demo applicant: applicant@example.org" in output
