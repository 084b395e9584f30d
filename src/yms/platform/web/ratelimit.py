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
    # A new comparison on the public simulator page: seconds of work each (a kept one is free).
    "simulations": Limit(20, 600),
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

    def group_count(self, group: Sequence[Sequence[tuple[str, str]]]) -> GroupCount:
        """The counting of a group of attempts, to run inside one statement (`GroupCount`).

        Each attempt's `(action, subject)` pairs as `attempt_each` takes them; a
        pair named twice in one attempt counts once, as there.
        """
        now = int(self.clock.now().timestamp())
        ns: list[int] = []
        keys: list[bytes] = []
        ends: list[int] = []
        allowed: list[int] = []
        for n, attempts in enumerate(group):
            kept = {
                self._hash(action, subject): self.limits[action] for action, subject in attempts
            }
            for key, limit in kept.items():
                ns.append(n)
                keys.append(key)
                ends.append((now // limit.seconds + 1) * limit.seconds)
                allowed.append(limit.attempts)
        params: dict[str, list[Any]] = {
            "limit_ns": ns,
            "limit_keys": keys,
            "limit_ends": ends,
            "limit_allowed": allowed,
        }
        return GroupCount(now, params)

    async def attempt_group(
        self, connection: psycopg.AsyncConnection[Any], group: Sequence[Sequence[tuple[str, str]]]
    ) -> list[Verdict]:
        """`attempt_each` for each of a group of attempts, counted in one statement.

        On an async PostgreSQL connection. Each attempt gets the verdict it would
        have had counted on its own, in the group's order (`GROUP_VERDICTS`).
        """
        count = self.group_count(group)
        cursor = await connection.execute(
            f"WITH {GROUP_VERDICTS} SELECT n, allowed, over_until FROM limit_verdicts",  # noqa: S608 - constants
            count.params,
        )
        found = {
            n: count.verdict(allowed=ok, over_until=until)
            for n, ok, until in await cursor.fetchall()
        }
        return [found.get(n, Verdict(allowed=True, retry_after=0)) for n in range(len(group))]

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


@dataclass(frozen=True, slots=True)
class GroupCount:
    """A group's attempts as arrays for `GROUP_VERDICTS`, and the verdicts read back."""

    now: int
    params: dict[str, list[Any]]

    @property
    def sql(self) -> str:
        """The common table expressions that count (`GROUP_VERDICTS`)."""
        return GROUP_VERDICTS

    def verdict(self, *, allowed: bool, over_until: int | None) -> Verdict:
        """The verdict of an attempt `GROUP_VERDICTS` found `allowed` (else over until when)."""
        if allowed:
            return Verdict(allowed=True, retry_after=0)
        return Verdict(allowed=False, retry_after=max(1, (over_until or self.now) - self.now))


# PostgreSQL: common table expressions that count a group's attempts (`GroupCount.params`)
# and give each attempt `n` its verdict, in `limit_verdicts (n, allowed, over_until)`:
# a key counted k times in the group adds k, and the j-th attempt on it (in the group's
# order) sees the count as it stood after the j-th, as if each were counted alone. A
# statement may write on after them (the rush's entries, only for the attempts allowed).
# Keys are upserted in key order, as `attempt_each` counts them, so that two statements
# counting the same keys lock their rows in one order and cannot deadlock.
GROUP_VERDICTS = """
limit_keys AS (
    SELECT * FROM unnest(
        %(limit_ns)s::int[], %(limit_keys)s::bytea[], %(limit_ends)s::bigint[],
        %(limit_allowed)s::int[]
    ) AS k (n, key_hash, window_ends, allowed)
),
limit_counts AS (
    INSERT INTO rate_limit_counts (key_hash, window_ends, hits)
    SELECT key_hash, window_ends, count(*) FROM limit_keys
    GROUP BY key_hash, window_ends ORDER BY key_hash, window_ends
    ON CONFLICT (key_hash, window_ends)
    DO UPDATE SET hits = rate_limit_counts.hits + excluded.hits
    RETURNING key_hash, window_ends, hits
),
limit_seen AS (
    SELECT k.n, k.allowed, k.window_ends,
        c.hits - count(*) OVER same_key + row_number() OVER (same_key ORDER BY k.n) AS seen
    FROM limit_keys AS k JOIN limit_counts AS c USING (key_hash, window_ends)
    WINDOW same_key AS (PARTITION BY k.key_hash, k.window_ends)
),
limit_verdicts AS (
    SELECT n, bool_and(seen <= allowed) AS allowed,
        max(window_ends) FILTER (WHERE seen > allowed) AS over_until
    FROM limit_seen GROUP BY n
)
"""


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
