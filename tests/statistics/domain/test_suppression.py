"""Small-count suppression: no small count shown, and no withheld count recoverable.

Recoverable is checked as an attacker would check it: with linear programming over
every table of counts that agrees with what is shown, the least and the greatest
value a withheld cell can take must differ. The attacker knows that zeros are
shown, so a withheld count is at least 1, and (at worst) which withheld cells are
zero.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from yms.statistics.domain.suppression import Suppressed, suppress, with_totals


def bounds_of(shown: Suppressed, cell: tuple[int, int]) -> tuple[float, float]:
    """The least and greatest value `cell` can take, given what is published."""
    values = shown.values
    rows, columns = len(values), len(values[0])
    unknown = sorted(shown.withheld)
    index = {c: i for i, c in enumerate(unknown)}
    equations, constants = [], []

    def line(cells: list[tuple[int, int]], total: tuple[int, int]) -> None:
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for c, sign in [*((c, 1.0) for c in cells), (total, -1.0)]:
            if c in index:
                coefficients[index[c]] += sign
            else:
                constant -= sign * values[c[0]][c[1]]
        equations.append(coefficients)
        constants.append(constant)

    for r in range(rows):
        line([(r, c) for c in range(columns - 1)], (r, columns - 1))
    for c in range(columns):
        line([(r, c) for r in range(rows - 1)], (rows - 1, c))
    target = np.zeros(len(unknown))
    target[index[cell]] = 1.0
    problem = {
        "A_eq": np.array(equations),
        "b_eq": np.array(constants),
        # What a reader knows: zeros are shown, so a withheld count is at least 1.
        "bounds": [(1 if values[c[0]][c[1]] else 0, None) for c in unknown],
        "method": "highs",
    }
    least = linprog(target, **problem)
    assert least.status == 0, least.message
    greatest = linprog(-target, **problem)
    if greatest.status == 3:  # unbounded: no greatest value
        return least.fun, float("inf")
    assert greatest.status == 0, greatest.message
    return least.fun, -greatest.fun


def assert_safe(shown: Suppressed, below: int) -> None:
    for r, line in enumerate(shown.values):
        for c in range(len(line)):
            published = shown.published(r, c)
            assert published is None or not 0 < published < below, (r, c, published)
    rows, columns = len(shown.values) - 1, len(shown.values[0]) - 1
    lines = [[(r, c) for c in range(columns)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(columns)]
    for line in lines:  # no group shown to have had only its withheld outcomes
        counted = [cell for cell in line if shown.values[cell[0]][cell[1]]]
        if counted and all(shown.published(*cell) is None for cell in counted):
            assert all(shown.published(*cell) is None for cell in line), line
    for cell in shown.withheld:
        low, high = bounds_of(shown, cell)
        assert high - low >= 1, (cell, low, high, shown)


def test_the_table_gets_its_totals() -> None:
    assert with_totals([[1, 2], [3, 4]]) == ((1, 2, 3), (3, 4, 7), (4, 6, 10))


def test_a_lone_small_count_takes_others_with_it() -> None:
    # Granted/Refused/Withdrawn for two nationalities; 3 refusals is a small count.
    shown = suppress([[40, 3, 12], [55, 20, 11]], below=10)
    assert shown.primary == {(0, 1)}
    # Alone, the 3 would be its row's total less the rest: the smallest counts that
    # close a cycle through it (12 and 11 withdrawals, 20 refusals) go too.
    assert shown.secondary == {(0, 2), (1, 1), (1, 2)}
    assert shown.published(0, 0) == 40
    assert_safe(shown, 10)


def test_two_ones_that_add_up_to_their_total_are_not_given_away() -> None:
    # Row 1 shows 40 of 42: the other two add up to 2, and a reader knows each is at
    # least 1 (zeros are shown), so withholding just the two would give both away.
    shown = suppress([[40, 15, 2], [1, 40, 1]], below=10)
    assert {(1, 0), (1, 2)} <= shown.withheld
    assert len(shown.withheld) > 3
    assert_safe(shown, 10)


def test_a_small_total_is_withheld_and_cannot_be_rebuilt() -> None:
    shown = suppress([[0, 2, 1], [30, 25, 14]], below=10)
    assert {(0, 1), (0, 2), (0, 3)} <= shown.primary  # 2, 1 and their total of 3
    assert_safe(shown, 10)


def test_a_zero_chosen_to_protect_a_count_is_safe_too() -> None:
    shown = suppress([[0, 30, 3], [15, 0, 2], [0, 0, 30]], below=10)
    assert_safe(shown, 10)


def test_a_group_whose_only_counts_are_withheld_hides_its_zeros_too() -> None:
    # Shown as [c], 0, 0, the 3 would still tell that all three were granted.
    shown = suppress([[3, 0, 0], [40, 20, 15]], below=10)
    assert shown.published(0, 1) is None
    assert shown.published(0, 2) is None
    assert_safe(shown, 10)


def test_zeros_are_shown_and_need_no_suppression() -> None:
    shown = suppress([[0, 0, 0], [30, 12, 14]], below=10)
    assert shown.withheld == frozenset()
    assert shown.published(0, 0) == 0


def test_threshold_is_a_setting() -> None:
    assert suppress([[12, 15]], below=10).withheld == frozenset()
    # one row: the column total of 12 is the same 12, so it is withheld too
    assert suppress([[12, 15]], below=13).primary == {(0, 0), (1, 0)}


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]], below=10)
    with pytest.raises(ValueError, match="negative"):
        suppress([[1, -2]], below=10)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(st.integers(0, 12), st.integers(0, 400)), min_size=width, max_size=width
            ),
            min_size=1,
            max_size=6,
        )
    ),
    st.integers(min_value=2, max_value=15),
)
def test_no_small_count_shown_and_none_recoverable(counts: list[list[int]], below: int) -> None:
    shown = suppress(counts, below=below)
    assert_safe(shown, below)
