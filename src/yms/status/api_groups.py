"""Status checks in groups: one transaction and one commit for the checks arriving together.

Every check is kept and audited, and the audit chain takes one link at a time:
checked one per transaction, each commit waits for the one before it to let go
of the chain's head, so checks a second are bounded by commits a second.
`CheckGroups` gathers the checks of concurrent requests (`yms.platform.grouping`)
and checks each group at once, each as if it were checked alone, in turn
(`checks.check_group`): on PostgreSQL on an async connection of its own, on the
event loop; on SQLite in the thread pool. Each request is answered once its
group has committed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool

from yms.platform.context import ServiceContext
from yms.platform.db import AsyncConnections
from yms.platform.grouping import Grouped
from yms.status import checks, sharing, signing

#: The most checks in one group: one transaction's rows, and one audit append.
LARGEST_GROUP = 128


class CheckGroups:
    """Grouped status checks for one process: `await groups.check(request)`.

    `lanes` groups at once: on PostgreSQL each on an async connection of its own, on
    the event loop; on SQLite (one lane, which has one writer) in the thread pool.
    """

    def __init__(self, ctx: ServiceContext, *, lanes: int) -> None:
        self._ctx = ctx
        self._connections = (
            AsyncConnections(ctx.database, lanes) if ctx.database.dialect == "postgresql" else None
        )
        self._groups: Grouped[checks.CheckRequest, checks.Outcome] = Grouped(
            self._handle,
            lanes=lanes,
            largest=LARGEST_GROUP,
            kind="status-checks",
        )

    @property
    def handled(self) -> int:
        """Checks handled in groups so far."""
        return self._groups.items

    async def check(self, request: checks.CheckRequest) -> sharing.CheckAnswer:
        """The answer to `request`, once its group has committed.

        `TooManyChecksError` if the client or the code is at its limit of misses;
        `GroupClosedError` if the process stopped first.
        """
        outcome = await self._groups(request)
        if isinstance(outcome, sharing.TooManyChecksError):
            raise outcome
        return outcome

    async def close(self) -> None:
        """Stop taking checks (those not yet answered get `GroupClosedError`); close up."""
        await self._groups.close()
        if self._connections is not None:
            await self._connections.close()

    async def _handle(self, group: Sequence[checks.CheckRequest]) -> list[checks.Outcome]:
        if self._connections is None:
            return await run_in_threadpool(checks.check_group, self._ctx, group)
        signer = signing.remembered_signer(self._ctx)
        if signer is None:  # every half minute or so: read the key (it may have changed)
            signer = await run_in_threadpool(signing.current_signer, self._ctx)
        async with self._connections.connection() as connection:
            return await checks.check_group_async(self._ctx, connection, group, signer)
