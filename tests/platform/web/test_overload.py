"""Admission: at most so many requests at once, the next in line served first, none lost."""

from __future__ import annotations

import anyio
import pytest

from yms.platform.settings import Settings
from yms.platform.web.overload import IN_FLIGHT_MOST, Admission, Capacity


def test_capacity_gives_a_thread_per_connection_and_admits_a_few_requests() -> None:
    settings = Settings(database_pool_size=8, database_max_overflow=4)
    assert Capacity.of(settings) == Capacity(threads=12, in_flight=IN_FLIGHT_MOST)
    assert Capacity.of(settings.model_copy(update={"max_in_flight": 5})).in_flight == 5
    small = Settings(database_pool_size=2, database_max_overflow=0)
    assert Capacity.of(small).in_flight == 2  # never more than there are threads


def test_a_full_admission_says_no_after_its_wait() -> None:
    async def scenario() -> list[bool]:
        admission = Admission(1, wait=0.01)
        first = await admission.enter()
        second = await admission.enter()
        admission.leave()
        third = await admission.enter()
        return [first, second, third, admission.in_flight == 1]

    assert anyio.run(scenario) == [True, False, True, True]


def test_a_freed_slot_goes_to_the_first_waiter_not_a_late_arrival() -> None:
    async def scenario() -> list[str]:
        admission = Admission(1, wait=30)
        order: list[str] = []
        assert await admission.enter()

        async def waiter(name: str, queued: anyio.Event) -> None:
            queued.set()
            if await admission.enter():
                order.append(name)
                admission.leave()

        async with anyio.create_task_group() as tasks:
            for name in ("first", "second"):
                queued = anyio.Event()
                tasks.start_soon(waiter, name, queued)
                await queued.wait()
                await anyio.wait_all_tasks_blocked()
            admission.leave()  # the slot goes to "first", who hands it on to "second"
        return [*order, str(admission.in_flight)]

    assert anyio.run(scenario) == ["first", "second", "0"]


@pytest.mark.parametrize("handed_over", [False, True], ids=["waiting", "handed-over"])
def test_a_cancelled_waiter_keeps_no_slot(handed_over: bool) -> None:
    """Cancelled while waiting, or just as the slot was handed to it: either way none is lost."""

    async def scenario() -> int:
        admission = Admission(1, wait=30)
        assert await admission.enter()

        async def request() -> None:  # as the middleware does: leave once admitted
            if await admission.enter():
                admission.leave()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(request)
            await anyio.wait_all_tasks_blocked()
            if handed_over:
                admission.leave()  # the slot passes to the waiter, which is then cancelled
            tasks.cancel_scope.cancel()  # the client went away
        if not handed_over:
            admission.leave()
        return admission.in_flight

    assert anyio.run(scenario) == 0
