"""Page speed and weight: server time per page, and bytes on the wire with its assets.

Serves the portal with demo data on a SQLite file through uvicorn (real HTTP on
loopback, keep-alive), then for each main page: the median and 99th-percentile
time to the last byte over many requests, and the page's transfer size
including every asset it loads (gzip, as a browser asks for it). The baseline,
in the same run, is a small static file served by the same server.
Goals: median under 20 ms, under 150 KB per page including assets.

    python benchmarks/pages.py [--requests 300]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import uvicorn

from support.postgres import free_port
from yms.demo.seed import DEMO_APPLICANT, seed_demo
from yms.migrations import apply as migrate
from yms.platform.clock import SystemClock
from yms.platform.context import ServiceContext
from yms.platform.settings import Settings
from yms.web.app import create_app

PAGES = [
    "/",
    "/check",
    "/check/scheme",
    "/ballots",
    "/ballots/hong-kong-2025-2",
    "/sign-in",
    "/account",
    "/applications",
    "/ballots/hong-kong-2025-2/enter",
]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
BASELINE = "/static/yms/init.js"


def serve(ctx: ServiceContext, port: int) -> uvicorn.Server:
    """Run uvicorn in a thread, as `yms serve` does."""
    config = uvicorn.Config(create_app(ctx, secure_cookies=False), port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def timings(client: httpx.Client, path: str, count: int) -> list[float]:
    """Milliseconds to the last byte of `count` requests (after a warm-up)."""
    for _ in range(10):
        client.get(path)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return times


def transfer(client: httpx.Client, path: str) -> int:
    """Bytes on the wire for the page and each asset it loads (each once)."""
    page = client.get(path)
    total = page.num_bytes_downloaded
    for asset in sorted(set(ASSET.findall(page.text))):
        total += client.get(asset).num_bytes_downloaded
    # The module script imports GOV.UK Frontend's bundle.
    total += client.get("/static/govuk/govuk-frontend.min.js").num_bytes_downloaded
    return total


def p99(values: list[float]) -> float:
    """The 99th percentile."""
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'yms.db'}")
        ctx = ServiceContext.from_settings(settings, clock=SystemClock())
        migrate.upgrade(ctx.database)
        seed_demo(ctx)
        port = free_port()
        server = serve(ctx, port)
        headers = {"accept-encoding": "gzip"}
        with httpx.Client(base_url=f"http://localhost:{port}", headers=headers) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text)
            email, password = DEMO_APPLICANT
            client.post(
                "/sign-in",
                data={
                    "csrf_token": token.group(1) if token else "",
                    "email": email,
                    "password": password,
                },
            )
            base = timings(client, BASELINE, args.requests)
            base_median = statistics.median(base)
            print(f"{'page':<34}{'median ms':>10}{'p99 ms':>9}{'x static':>10}{'KB':>8}")
            print(f"{'(baseline) ' + BASELINE:<34}{base_median:>10.2f}{p99(base):>9.2f}{1:>10.1f}")
            worst_median, heaviest = 0.0, 0
            for path in PAGES:
                times = timings(client, path, args.requests)
                median = statistics.median(times)
                size = transfer(client, path)
                worst_median, heaviest = max(worst_median, median), max(heaviest, size)
                print(
                    f"{path:<34}{median:>10.2f}{p99(times):>9.2f}"
                    f"{median / base_median:>10.1f}{size / 1024:>8.1f}"
                )
        server.should_exit = True
    met = worst_median < 20 and heaviest < 150 * 1024
    print(f"goal: median under 20 ms, under 150 KB with assets -> {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
