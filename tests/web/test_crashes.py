"""Entries streaming in while the server, then the database, is killed: no acknowledged loss.

Clients send each entry with an idempotency key and retry (after a refused
connection, a 5xx or a 429) until it is acknowledged, as the API's clients are
told to. Mid-stream the server is killed with SIGKILL and started again; on
PostgreSQL the postmaster is then killed too and recovers from its WAL. After
recovery every acknowledged entry is in the database exactly once, under the
reference it was acknowledged with, and no entry exists that no client sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import select

from tests.fixtures.processes import Served, postgres, served
from tests.fixtures.rush import WINDOW, identity, seeded
from yms.ballot.tables import BallotEntry
from yms.platform.db import Database

CLIENTS, EACH = 6, 20  # entries: six clients of twenty accounts each
GIVE_UP_AFTER = 90.0  # seconds: a client still unanswered then fails the test


@dataclass
class Ledger:
    """What the clients sent and what they were told, shared by their threads."""

    sent: set[str] = field(default_factory=set)
    acknowledged: dict[str, set[str]] = field(default_factory=dict)  # key: refs answered
    refused: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    unanswered: int = 0  # requests that met a dead server: proof the crash came mid-stream
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def acknowledge(self, key: str, ref: str) -> None:
        with self.lock:
            self.acknowledged.setdefault(key, set()).add(ref)

    @property
    def done(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def client(server: Served, ledger: Ledger, numbers: range, tokens: list[str]) -> None:
    """Enter each of `numbers` until acknowledged; every fifth is sent once more after."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    with httpx.Client(timeout=10) as http:
        for number in numbers:
            key = f"crash-{number}"
            headers = {
                "authorization": f"Bearer {tokens[number]}",
                "idempotency-key": key,
                "x-forwarded-for": f"198.51.100.{number % 250 + 1}",  # as behind a balancer
            }
            with ledger.lock:
                ledger.sent.add(key)
            url = f"{server.url}/api/v1/ballot-windows/{WINDOW}/entries"
            for resend in range(2 if number % 5 == 0 else 1):
                while time.monotonic() < deadline:
                    try:
                        answer = http.post(url, json=identity(number), headers=headers)
                    except httpx.TransportError:
                        with ledger.lock:
                            ledger.unanswered += 1
                        time.sleep(0.05)  # the server is down: try again, as told
                        continue
                    ledger.count(answer.status_code)
                    if answer.status_code in {200, 201}:
                        ledger.acknowledge(key, answer.json()["ref"])
                        break
                    if answer.status_code < 500 and answer.status_code != 429:
                        with ledger.lock:
                            ledger.refused.append(f"{key} ({resend}): {answer.text[:200]}")
                        break
                    time.sleep(0.05)


def stream(server: Served, tokens: list[str], crashes: list[Callable[[], None]]) -> Ledger:
    """Run the clients; at each third of the acknowledgements, the next crash and restart."""
    ledger = Ledger()
    threads = [
        threading.Thread(
            target=client, args=(server, ledger, range(i * EACH, (i + 1) * EACH), tokens)
        )
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    total = CLIENTS * EACH
    for step, crash in enumerate(crashes, start=1):
        while ledger.done < total * step // (len(crashes) + 1) and any(
            t.is_alive() for t in threads
        ):
            time.sleep(0.01)
        crash()
    for thread in threads:
        thread.join()
    return ledger


def check(url: str, ledger: Ledger) -> None:
    """Every acknowledged entry there once under its reference; nothing no client sent."""
    assert ledger.refused == []
    assert ledger.unanswered > 0
    assert 500 not in ledger.statuses, ledger.statuses
    assert set(ledger.acknowledged) == ledger.sent  # every client got its answer in the end
    retried = {key: refs for key, refs in ledger.acknowledged.items() if len(refs) > 1}
    assert retried == {}  # a retry got the reference first given, never another
    db = Database.connect(url)
    with db.reading() as session:
        rows = session.execute(select(BallotEntry.idempotency_key, BallotEntry.ref)).all()
    db.dispose()
    keys = [key for key, _ref in rows]
    assert len(keys) == len(set(keys))  # exactly once
    assert set(keys) <= ledger.sent  # nothing no client sent
    stored = dict(rows)
    assert {key: {stored.get(key)} for key in ledger.acknowledged} == ledger.acknowledged


def test_postgresql_loses_nothing_when_the_server_then_the_database_is_killed(
    tmp_path: Path,
) -> None:
    with postgres() as cluster:
        tokens = seeded(cluster.url, tmp_path, CLIENTS * EACH)
        env = {"YMS_DATABASE_URL": cluster.url, "YMS_TRUSTED_PROXIES": "127.0.0.1"}
        with served(env) as server:

            def restart_server() -> None:
                server.kill()
                server.start()

            def restart_database() -> None:
                cluster.kill()
                cluster.start()

            ledger = stream(server, tokens, [restart_server, restart_database])
        check(cluster.url, ledger)


def test_sqlite_loses_nothing_when_the_server_is_killed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    tokens = seeded(url, tmp_path, CLIENTS * EACH)
    env = {"YMS_DATABASE_URL": url, "YMS_TRUSTED_PROXIES": "127.0.0.1"}
    with served(env) as server:

        def restart_server() -> None:
            server.kill()
            server.start()

        ledger = stream(server, tokens, [restart_server])
    check(url, ledger)
