"""The rush's API entries in groups: one set of statements and one commit for many requests.

On PostgreSQL, each API entry that can be decided without surprises is handed
to `EntryGroups`, which gathers the entries arriving together
(`yms.platform.grouping`) and, on one async connection, in two statements
for the whole group: finds the holders of their tokens; then, in one, counts
the client's and the account's limits and inserts every new entry that they
allow into an open window.
Each request is answered when its group's insert has committed, so an
acknowledged entry is durable as before. Whatever is not plain — a token that
is unknown, revoked or not an applicant's, an account not confirmed, an entry
that conflicts (a retry, a second identity) — goes back to the full path
(`yms.ballot.api`), which decides it exactly as it decides any entry; its
limits are counted once, here or there, never both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yms.accounts import access_tokens
from yms.accounts.access_tokens import TokenHolder
from yms.accounts.domain import Role
from yms.ballot.services.entries import (
    EntryReceipt,
    GroupDeadlockError,
    OverLimit,
    PreparedEntry,
    enter_open_group,
)
from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.platform.grouping import Grouped
from yms.platform.web.access import account_subject
from yms.platform.web.ratelimit import RateLimits, Verdict

#: The limits an entry counts, as `yms.ballot.api` counts them on the full path.
CLIENT_LIMIT, ACCOUNT_LIMIT = "ballot-entry", "ballot-entry-account"
#: The most entries in one group: one statement's arrays, a few kilobytes each.
LARGEST_GROUP = 256


@dataclass(frozen=True, slots=True)
class GroupedAttempt:
    """One API request's entry, checked as far as it can be before the database."""

    token: str
    client: str  # the client, as the limits count it (`access.client_subject`)
    entry: PreparedEntry


@dataclass(frozen=True, slots=True)
class FullPath:
    """Not decided in the group: the full path decides, counting the limits unless `counted`."""

    holder: TokenHolder | None = None
    counted: bool = False


Outcome = EntryReceipt | Verdict | FullPath


class EntryGroups:
    """Grouped API entries for one process: `await groups.enter(attempt)`.

    `lanes` groups at once, each on its own connection of `connections`.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        limits: RateLimits,
        connections: AsyncConnections,
        *,
        lanes: int,
    ) -> None:
        self._ctx = ctx
        self._limits = limits
        self._connections = connections
        self._grouped: Grouped[GroupedAttempt, Outcome] = Grouped(
            self._handle, lanes=lanes, largest=LARGEST_GROUP, kind="ballot-entries"
        )

    async def enter(self, attempt: GroupedAttempt) -> Outcome:
        """The entry's receipt; a refused verdict (over a limit); or `FullPath`.

        Raises what the database raises when it is away (`psycopg.OperationalError`,
        its subclass `psycopg_pool.PoolTimeout`, `psycopg.InterfaceError`): the caller
        answers 503, and the client's retry (with its key) gets the answer the entry
        has, made or not; and `GroupClosedError`
        when the process is stopping (the entry may have been written: decide it
        the full way).
        """
        return await self._grouped(attempt)

    async def close(self) -> None:
        """Stop taking entries and close the connections."""
        await self._grouped.close()
        await self._connections.close()

    @property
    def handled(self) -> int:
        """How many entries groups have taken so far."""
        return self._grouped.items

    @property
    def mean_group(self) -> float:
        """How many entries a group has held on average (for benchmarks and metrics)."""
        return self._grouped.items / max(1, self._grouped.groups)

    async def _handle(self, group: Sequence[GroupedAttempt]) -> list[Outcome]:
        outcomes: list[Outcome] = [FullPath()] * len(group)
        async with self._connections.connection() as connection:
            holders = await access_tokens.holders_of_group(
                connection, [attempt.token for attempt in group], self._ctx.clock.now()
            )
            plain = [
                (number, holder)
                for number, holder in enumerate(holders)
                if holder is not None and holder.role is Role.APPLICANT and holder.email_confirmed
            ]
            if not plain:
                return outcomes
            counted = self._limits.group_count(
                [
                    [
                        (CLIENT_LIMIT, group[number].client),
                        (ACCOUNT_LIMIT, account_subject(holder.account_id)),
                    ]
                    for number, holder in plain
                ]
            )
            try:
                entered = await enter_open_group(
                    self._ctx,
                    connection,
                    [(group[number].entry, holder.account_id) for number, holder in plain],
                    counted,
                )
            except GroupDeadlockError:  # undone, counts too: the full path counts and decides
                for number, holder in plain:
                    outcomes[number] = FullPath(holder)
                return outcomes
        for (number, holder), result in zip(plain, entered, strict=True):
            if isinstance(result, OverLimit):
                outcomes[number] = counted.verdict(allowed=False, over_until=result.over_until)
            else:
                outcomes[number] = result if result is not None else FullPath(holder, counted=True)
        return outcomes
