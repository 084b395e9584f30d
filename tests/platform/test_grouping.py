"""Group commit's gathering: concurrent callers share a handler call, each gets its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from yms.platform.grouping import GroupClosedError, Grouped


class Recorder:
    """A handler that doubles each item, remembers its groups, and can be held or made to fail."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.fail_on: int | None = None

    async def __call__(self, items: Sequence[int]) -> list[int]:
        self.groups.append(list(items))
        await self.release.wait()
        if self.fail_on in items:
            raise ValueError(f"cannot handle {self.fail_on}")
        return [item * 2 for item in items]


def test_a_lone_item_is_handled_at_once_and_alone() -> None:
    async def scenario() -> None:
        handler = Recorder()
        grouped = Grouped(handler, lanes=2, largest=10)
        assert await grouped(21) == 42
        assert handler.groups == [[21]]
        await grouped.close()

    asyncio.run(scenario())


@given(
    callers=st.integers(min_value=1, max_value=60),
    lanes=st.integers(min_value=1, max_value=4),
    largest=st.integers(min_value=1, max_value=16),
)
def test_every_caller_gets_its_own_answer_and_groups_stay_within_bounds(
    callers: int, lanes: int, largest: int
) -> None:
    async def scenario() -> tuple[list[int], Recorder]:
        handler = Recorder()
        handler.release.clear()  # the first groups wait, so the rest queue behind them
        grouped = Grouped(handler, lanes=lanes, largest=largest)
        answers = asyncio.gather(*(grouped(number) for number in range(callers)))
        await asyncio.sleep(0)
        handler.release.set()
        results = await answers
        await grouped.close()
        return results, handler

    results, handler = asyncio.run(scenario())
    assert results == [number * 2 for number in range(callers)]
    handled = sorted(item for group in handler.groups for item in group)
    assert handled == list(range(callers))  # each item once
    assert all(1 <= len(group) <= largest for group in handler.groups)


def test_callers_arriving_while_a_lane_is_busy_go_in_one_group() -> None:
    async def scenario() -> Recorder:
        handler = Recorder()
        handler.release.clear()
        grouped = Grouped(handler, lanes=1, largest=100)
        first = asyncio.ensure_future(grouped(0))
        await asyncio.sleep(0.01)  # the lane has taken 0 and waits in the handler
        rest = asyncio.gather(*(grouped(number) for number in range(1, 30)))
        await asyncio.sleep(0.01)
        handler.release.set()
        await first
        await rest
        await grouped.close()
        return handler

    handler = asyncio.run(scenario())
    assert handler.groups == [[0], list(range(1, 30))]


def test_a_failed_group_fails_each_of_its_callers_and_no_other() -> None:
    async def scenario() -> list[int | BaseException]:
        handler = Recorder()
        handler.release.clear()
        handler.fail_on = 3
        grouped = Grouped(handler, lanes=1, largest=100)
        first = asyncio.ensure_future(grouped(0))
        await asyncio.sleep(0.01)
        rest = asyncio.gather(*(grouped(number) for number in range(1, 5)), return_exceptions=True)
        await asyncio.sleep(0.01)
        handler.release.set()
        results: list[int | BaseException] = [await first, *await rest]
        await grouped.close()
        return results

    first, *rest = asyncio.run(scenario())
    assert first == 0
    assert all(isinstance(result, ValueError) for result in rest)


def test_a_handler_that_answers_too_few_fails_the_group() -> None:
    async def short(items: Sequence[int]) -> list[int]:
        return list(items[:-1])

    async def scenario() -> None:
        grouped = Grouped(short, lanes=1, largest=4)
        with pytest.raises(RuntimeError, match="0 results for a group of 1"):
            await grouped(1)
        await grouped.close()

    asyncio.run(scenario())


def test_closing_fails_what_is_still_waiting() -> None:
    async def scenario() -> list[int | BaseException]:
        handler = Recorder()
        handler.release.clear()
        grouped = Grouped(handler, lanes=1, largest=1)
        waiting = asyncio.gather(*(grouped(number) for number in range(3)), return_exceptions=True)
        await asyncio.sleep(0.01)
        await grouped.close()
        return await waiting

    results = asyncio.run(scenario())
    assert all(isinstance(result, GroupClosedError) for result in results)


def test_a_closed_grouping_takes_nothing_more() -> None:
    async def scenario() -> None:
        grouped = Grouped(Recorder(), lanes=1, largest=1)
        assert await grouped(1) == 2
        await grouped.close()
        with pytest.raises(GroupClosedError):
            await grouped(2)

    asyncio.run(scenario())


def test_a_group_needs_a_lane_and_room() -> None:
    async def handle(items: Sequence[int]) -> list[int]:
        return list(items)

    with pytest.raises(ValueError, match="at least one lane"):
        Grouped(handle, lanes=0, largest=1)
    with pytest.raises(ValueError, match="at least one lane"):
        Grouped(handle, lanes=1, largest=0)


def test_each_group_s_size_is_counted_for_the_metrics_under_its_kind() -> None:
    labels = {"kind": "test-groups"}

    def sample(name: str) -> float:
        return REGISTRY.get_sample_value(f"yms_group_size_{name}", labels) or 0.0

    count, total = sample("count"), sample("sum")
    recorder = Recorder()

    async def run() -> list[int]:
        grouped = Grouped(recorder, lanes=1, largest=8, kind="test-groups")
        recorder.release.clear()  # the first item's group waits; the next five queue behind it
        first = asyncio.ensure_future(grouped(1))
        await asyncio.sleep(0)
        rest = [asyncio.ensure_future(grouped(n)) for n in range(2, 7)]
        await asyncio.sleep(0)
        recorder.release.set()
        answers = await asyncio.gather(first, *rest)
        await grouped.close()
        return answers

    assert asyncio.run(run()) == [2, 4, 6, 8, 10, 12]
    assert [len(g) for g in recorder.groups] == [1, 5]
    assert sample("count") == count + 2
    assert sample("sum") == total + 6
