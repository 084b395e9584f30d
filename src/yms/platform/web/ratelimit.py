"""Rate limits on what people (and robots) hammer: sign-in, sign-up, links, ballot entry.

A fixed window per action and key (a client address, an account), counted in
the database so every server process shares one count: more workers do not
multiply a limit and a restart does not reset it. One statement counts every
key of an attempt (``INSERT … ON CONFLICT DO UPDATE … RETURNING``); on
PostgreSQL it runs outside any transaction on an unlogged table, so it waits
for no disk. A window may let through up to twice the limit across its edge;
that is the price of one row per key instead of one per attempt.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import TextClause, delete, text

from yms.platform.clock import Clock
from yms.platform.db import Database
from yms.platform.web.tables import RateLimitCount


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `attempts` per `seconds` for each key."""

    attempts: int
    seconds: int


# Generous for a person, tight for a script: a person signs in a few times an hour.
DEFAULT_LIMITS = {
    "sign-in": Limit(10, 60),
    "sign-up": Limit(5, 60),
    "reset-password": Limit(5, 60),
    "confirm-email": Limit(5, 60),
    # Per client address (many people share one behind a carrier's NAT) and per account.
    "ballot-entry": Limit(600, 60),
    "ballot-entry-account": Limit(10, 60),
    "access-tokens": Limit(10, 60),
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may go on, and if not, how many seconds until it may."""

    allowed: bool
    retry_after: int


@dataclass
class RateLimits:
    """The limits of each action, counted in `database`; keys hashed with `key`."""

    database: Database
    key: bytes
    clock: Clock
    limits: dict[str, Limit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    def attempt(self, action: str, *subjects: str) -> Verdict:
        """Count one attempt at `action` for each of `subjects`; refused if any is over.

        Each subject is counted against the limit on its own (a client address
        and an account, say); refused attempts are counted too, so hammering
        does not shorten the wait.
        """
        return self.attempt_each(*((action, subject) for subject in subjects))

    def attempt_each(self, *attempts: tuple[str, str]) -> Verdict:
        """Count `(action, subject)` attempts, each against its action's limit, in one statement.

        Refused if any is over its limit; the wait is the longest of those over.
        """
        now = int(self.clock.now().timestamp())
        rows: dict[bytes, tuple[int, int]] = {}  # key: (window end, attempts allowed)
        for action, subject in attempts:
            limit = self.limits[action]
            ends = (now // limit.seconds + 1) * limit.seconds
            rows[self._hash(action, subject)] = (ends, limit.attempts)
        counts = self._count(
            [
                {"key_hash": key, "window_ends": ends, "hits": 1}
                for key, (ends, _) in sorted(rows.items())  # one lock order (attempt_group)
            ]
        )
        waits = [ends - now for key, (ends, allowed) in rows.items() if counts[key] > allowed]
        if waits:
            return Verdict(allowed=False, retry_after=max(1, *waits))
        return Verdict(allowed=True, retry_after=0)

    async def attempt_group(
        self, connection: psycopg.AsyncConnection[Any], group: Sequence[Sequence[tuple[str, str]]]
    ) -> list[Verdict]:
        """`attempt_each` for each of a group of attempts, counted in one statement.

        On an async PostgreSQL connection, for the rush's grouped entries. Each
        attempt gets the verdict it would have had counted on its own, in the
        group's order: a key counted k times in the group adds k, and the j-th
        attempt on it sees the count as it stood after the j-th.
        """
        now = int(self.clock.now().timestamp())
        # As `attempt_each`: a key named twice in one attempt counts once.
        keyed = [
            list(
                {
                    self._hash(action, subject): self.limits[action] for action, subject in attempts
                }.items()
            )
            for attempts in group
        ]
        hits: Counter[tuple[bytes, int]] = Counter()
        for attempts in keyed:
            for key, limit in attempts:
                hits[key, (now // limit.seconds + 1) * limit.seconds] += 1
        if not hits:
            return []
        # In key order, as `attempt_each` counts: two statements counting the same keys
        # lock their rows in one order, so they cannot deadlock.
        rows = sorted(hits)
        cursor = await connection.execute(
            _GROUP_UPSERT,
            {
                "key_hashes": [key for key, _ends in rows],
                "windows_end": [ends for _key, ends in rows],
                "hits": [hits[row] for row in rows],
            },
        )
        # Each key's count before this group: the j-th attempt on it sees before + j.
        seen = {
            (bytes(key), ends): total - hits[bytes(key), ends]
            for key, ends, total in await cursor.fetchall()
        }
        verdicts = []
        for attempts in keyed:
            waits = []
            for key, limit in attempts:
                ends = (now // limit.seconds + 1) * limit.seconds
                seen[key, ends] += 1
                if seen[key, ends] > limit.attempts:
                    waits.append(ends - now)
            verdicts.append(Verdict(not waits, max(1, *waits) if waits else 0))
        return verdicts

    def purge(self) -> int:
        """Delete the counts of windows that have ended; returns how many."""
        now = int(self.clock.now().timestamp())
        with self.database.engine.begin() as connection:
            result = connection.execute(
                delete(RateLimitCount).where(RateLimitCount.window_ends <= now)
            )
        return int(result.rowcount)

    def forget(self) -> None:
        """Delete every count (tests, or an operator after an incident)."""
        with self.database.engine.begin() as connection:
            connection.execute(delete(RateLimitCount))

    def _hash(self, action: str, subject: str) -> bytes:
        message = f"{action}|{subject}".encode()
        return hmac.new(self.key, b"limit|" + message, hashlib.sha256).digest()

    def _count(self, rows: list[dict[str, Any]]) -> dict[bytes, int]:
        values = {}
        for number, row in enumerate(rows):
            values[f"k{number}"], values[f"e{number}"] = row["key_hash"], row["window_ends"]
        with self.database.one_statement() as connection:
            found = connection.execute(_upsert(len(rows)), values)
            return {bytes(key): hits for key, hits in found}


# Many keys at once, each counted as often as the group has it (PostgreSQL only).
_GROUP_UPSERT = (
    "INSERT INTO rate_limit_counts (key_hash, window_ends, hits) "
    "SELECT * FROM unnest(%(key_hashes)s::bytea[], %(windows_end)s::bigint[], %(hits)s::int[]) "
    "ON CONFLICT (key_hash, window_ends) "
    "DO UPDATE SET hits = rate_limit_counts.hits + excluded.hits "
    "RETURNING key_hash, window_ends, hits"
)


@cache
def _upsert(rows: int) -> TextClause:
    """Count `rows` keys at once, the same SQL on SQLite (3.35+) and PostgreSQL.

    Text made once per row count: building and compiling an expression for each
    attempt cost more than the round trip.
    """
    values = ", ".join(f"(:k{number}, :e{number}, 1)" for number in range(rows))
    return text(
        f"INSERT INTO rate_limit_counts (key_hash, window_ends, hits) VALUES {values} "  # noqa: S608 - placeholders only
        "ON CONFLICT (key_hash, window_ends) DO UPDATE SET hits = rate_limit_counts.hits + 1 "
        "RETURNING key_hash, hits"
    )
