"""Share-code checks per second over HTTP on PostgreSQL, with p50/p95/p99 latency.

Starts a throwaway PostgreSQL cluster (or uses ``--postgres-url``, in a fresh
database of its own), migrates it, grants N statuses and makes a share code for
each through the services, then serves yms with `yms serve` in its own process
and drives ``POST /api/v1/status-checks`` over real HTTP on loopback with
keep-alive connections, bounded in count and in time. Every check is a match:
the full path (lookup, date-of-birth hash, signed record, sealed copy, check row
and audit event in one transaction). The baseline, in the same run and at the
same concurrency, is a small static file served by the same server.
Goal (the issue's): at least 2,000 checks/s and p99 at most 50 ms on this machine.

    python benchmarks/status_checks.py [--statuses 200] [--checks 5000] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta

import httpx2 as httpx
from argon2 import PasswordHasher

from support.postgres import free_port, fresh_database, throwaway_postgres
from yms.accounts.services import create_account
from yms.migrations import apply as migrate
from yms.platform.clock import SystemClock
from yms.platform.context import ServiceContext
from yms.platform.settings import Settings
from yms.schemes.catalogue import shipped
from yms.status.domain.share_codes import Purpose
from yms.status.services import Holder, grant_status
from yms.status.sharing import issue_share_code

BASELINE = "/static/yms/init.js"
CHECKS = "/api/v1/status-checks"
GOAL_PER_SECOND, GOAL_P99_MS = 2000, 50.0


def seed(ctx: ServiceContext, count: int) -> list[tuple[str, str]]:
    """`count` holders, each with a granted status and a work share code; (code, birth date)."""
    scheme = shipped().latest("uk-yms")
    arrangement = scheme.arrangements[0]
    made = []
    for number in range(count):
        holder_id = create_account(
            ctx, f"holder{number}@example.org", "a good long password", confirmed=True
        )
        born = date(1998, 1, 1) + timedelta(days=number)
        with ctx.unit(actor="bench") as uow:
            status = grant_status(
                uow,
                ctx,
                holder_id=holder_id,
                case_ref=f"YMS-BENCH-{number:05d}",
                holder=Holder("Holder", f"Number {number}", born),
                scheme=scheme,
                arrangement=arrangement,
                planned_start=None,
            )
        code = issue_share_code(ctx, holder_id, status.status_ref, Purpose.WORK)
        made.append((str(code.code), born.isoformat()))
    return made


@contextlib.contextmanager
def served(database_url: str, port: int, workers: int) -> Iterator[str]:
    """`yms serve --workers N` in its own process on `port`, until the block ends."""
    env = {**os.environ, "YMS_DATABASE_URL": database_url, "YMS_DATABASE_POOL_SIZE": "20"}
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "yms", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + BASELINE).status_code == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


async def drive(
    url: str, requests: list[tuple[str, dict[str, str] | None]], *, concurrency: int, seconds: float
) -> tuple[int, float, list[float]]:
    """Send `requests` (POST with a body, or GET) from `concurrency` keep-alive connections.

    Stops when all are sent or `seconds` have passed; returns (answered, seconds
    taken, each latency in ms). Any answer but 200 stops the run.
    """
    queue = iter(requests)
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        for path, body in queue:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            if body is None:
                response = await client.get(path)
            else:
                response = await client.post(path, json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:200]}")

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        taken = time.perf_counter() - began
    return len(latencies), taken, latencies


def summary(name: str, answered: int, taken: float, latencies: list[float]) -> tuple[float, float]:
    """Print one line of figures; returns (per second, p99 ms)."""
    cuts = statistics.quantiles(latencies, n=100)
    rate = answered / taken
    print(
        f"{name:<36}{answered:>8,}{rate:>10,.0f}{statistics.median(latencies):>9.2f}"
        f"{cuts[94]:>9.2f}{cuts[98]:>9.2f}"
    )
    return rate, cuts[98]


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statuses", type=int, default=200, help="holders, each with one code")
    parser.add_argument("--checks", type=int, default=5000, help="checks to send at most")
    parser.add_argument("--seconds", type=float, default=30.0, help="time to send them in, at most")
    parser.add_argument("--concurrency", type=int, default=16, help="connections at once")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--postgres-url", help="a server to use instead of a throwaway one")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        admin = args.postgres_url or stack.enter_context(throwaway_postgres(durable=False))
        url, _durability = fresh_database(admin, "yms_bench_status_checks")
        settings = Settings(database_url=url)
        fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # seeding only
        ctx = ServiceContext.from_settings(settings, clock=SystemClock())
        ctx = ServiceContext.create(
            database=ctx.database,
            clock=ctx.clock,
            identity_key=ctx.identity_key,
            sealer=ctx.sealer,
            passwords=fast,
        )
        migrate.upgrade(ctx.database)
        started = time.perf_counter()
        codes = seed(ctx, args.statuses)
        print(
            f"seeded {len(codes)} statuses with a code each "
            f"in {time.perf_counter() - started:.1f} s"
        )
        ctx.database.dispose()
        server = stack.enter_context(served(url, free_port(), args.workers))
        checks = [
            (CHECKS, {"share_code": code, "date_of_birth": born, "verifier": "Bench Ltd"})
            for code, born in (codes[i % len(codes)] for i in range(args.checks))
        ]
        baseline = [(BASELINE, None)] * args.checks
        warm = [(CHECKS, {"share_code": codes[0][0], "date_of_birth": codes[0][1]})] * 50
        asyncio.run(drive(server, warm + baseline[:200], concurrency=4, seconds=10))
        print(
            f"concurrency {args.concurrency}, "
            f"at most {args.checks:,} requests in {args.seconds:.0f} s each"
        )
        print(f"{'':<36}{'answered':>8}{'per s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        base = summary(
            f"(baseline) GET {BASELINE}",
            *asyncio.run(
                drive(server, baseline, concurrency=args.concurrency, seconds=args.seconds)
            ),
        )
        rate, p99 = summary(
            f"POST {CHECKS}",
            *asyncio.run(drive(server, checks, concurrency=args.concurrency, seconds=args.seconds)),
        )
    print(f"checks run at {rate / base[0]:.2f} x the static file's rate")
    met = rate >= GOAL_PER_SECOND and p99 <= GOAL_P99_MS
    print(
        f"goal: >= {GOAL_PER_SECOND:,} checks/s and p99 <= {GOAL_P99_MS:.0f} ms -> "
        f"{'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
