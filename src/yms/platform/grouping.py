"""Group commit: what concurrent requests each ask of the database, done in one go.

When many requests want the same kind of write at once (the rush on a ballot),
each statement and each commit costs more in round trips, parsing and flushes
than in the rows it writes. `Grouped` gathers the items of concurrent callers
and hands them to one call of its handler — one set of statements, one commit —
and answers each caller with its own result once that call returns, so nobody
is answered before the group is durable.

Groups form by themselves: a lane takes whatever has queued while it was busy
(up to `largest`), so a lone request goes at once, alone, and a crowd goes in
groups as large as the crowd is fast. `lanes` groups are handled at a time
(each on a database connection of its own): while one waits for its commit,
the next gathers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from yms.platform import metrics

Item = TypeVar("Item")
Result = TypeVar("Result")

Handler = Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]


class GroupClosedError(RuntimeError):
    """The groups were closed (the process is stopping) before the item was answered.

    Its group may have been written; the caller should decide the item another way.
    """


class Grouped(Generic[Item, Result]):
    """Items from concurrent callers, handled in groups by `handle`, each caller answered.

    `handle` gets a group and returns one result per item, in order; if it raises,
    every caller in the group gets the exception. Must be used from one event loop.
    """

    def __init__(
        self,
        handle: Handler[Item, Result],
        *,
        lanes: int,
        largest: int,
        kind: str = "",
    ) -> None:
        if lanes < 1 or largest < 1:
            raise ValueError("a group needs at least one lane and room for one item")
        self._handle = handle
        self._lanes = lanes
        self._largest = largest
        self._kind = kind  # the groups' label in the metrics, if any
        self._queue: asyncio.Queue[tuple[Item, asyncio.Future[Result]]] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._closed = False
        self.groups = 0  # handled so far: with `items`, the mean group size (benchmarks)
        self.items = 0

    async def __call__(self, item: Item) -> Result:
        """The result `handle` gives for `item`, once the group it went in is handled."""
        if self._closed:
            raise GroupClosedError("no longer taking items")
        if not self._workers:
            self._start()
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, future))
        # Shielded: a caller that goes away (a client disconnected) leaves its item in
        # the group, which is handled as a whole; only the answer is not awaited.
        return await asyncio.shield(future)

    async def close(self) -> None:
        """Stop the lanes; items not yet answered get `GroupClosedError`, and new ones too."""
        self._closed = True
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()
        while not self._queue.empty():
            _item, future = self._queue.get_nowait()
            if not future.done():
                future.set_exception(GroupClosedError("closed before the item was handled"))

    def _start(self) -> None:
        self._workers = [asyncio.create_task(self._lane()) for _ in range(self._lanes)]

    async def _lane(self) -> None:
        while True:
            group = [await self._queue.get()]
            while len(group) < self._largest and not self._queue.empty():
                group.append(self._queue.get_nowait())
            await self._answer(group)

    async def _answer(self, group: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        self.groups += 1
        self.items += len(group)
        if self._kind:
            metrics.group_handled(self._kind, len(group))
        try:
            results = await self._handle([item for item, _future in group])
        except asyncio.CancelledError:
            _fail(group, GroupClosedError("closed while the group was being handled"))
            raise
        except Exception as error:  # noqa: BLE001 - handed to every caller, who raises it
            _fail(group, error)
            return
        if len(results) != len(group):
            _fail(group, RuntimeError(f"{len(results)} results for a group of {len(group)}"))
            return
        for (_item, future), result in zip(group, results, strict=True):
            if not future.done():
                future.set_result(result)


def _fail(group: Sequence[tuple[object, asyncio.Future[Result]]], error: BaseException) -> None:
    for _item, future in group:
        if not future.done():
            future.set_exception(error)
