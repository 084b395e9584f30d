"""Small-count suppression for published tables, so no one can be identified from them.

A table of counts is published with its row totals, column totals and grand total.
Every count from 1 to ``below - 1`` is suppressed (*primary* suppression; ONS
output checking uses a threshold of 10). Then further counts are suppressed
(*secondary* suppression) until no suppressed count can be worked out exactly
from what is shown, by someone who also knows that zeros are shown (so every
withheld count they cannot see is at least 1) and which withheld counts are zero.

Why the check is exact enough to trust: with the totals as the last row and
column, every total's equation says the counts of one row (or column) add up to
its total. Change the withheld counts by +1 and -1 in turn around a cycle of
withheld cells (row, column, row, ...; a total counts against the cells it
adds up) and every equation still holds. So a withheld count is not exactly
recoverable if some such cycle through it can move one way without taking any
count below what the reader knows it to be (1 for a withheld count that is not
zero, 0 for a zero): each cell the move lowers must be at least 2, or be the
cell itself going up. `protected` looks for such a cycle; secondary suppression
adds the cell that gives one (or, failing that, one that joins the cell's row
and column), the smallest count of 2 or more first, a count inside the table
before a total, until every withheld count is protected or nothing is left to
withhold. A row or column whose only counts that are not zero are all withheld
has its zeros withheld too, or they would tell that everyone in it had those
outcomes; then protection runs again. `tests/statistics/domain` checks the
result with linear programming: every withheld count can take more than one value.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]  # (row, column) in the table with its totals: the last row and column


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A table with its totals, and which of its cells are not published.

    `values` holds every count, the totals as the last row and column; a cell in
    `primary` or `secondary` is withheld. `published(row, column)` is what may be
    shown: the count, or `None`.
    """

    values: tuple[tuple[int, ...], ...]
    primary: frozenset[Cell]
    secondary: frozenset[Cell]

    @property
    def withheld(self) -> frozenset[Cell]:
        """Every cell not published."""
        return self.primary | self.secondary

    def published(self, row: int, column: int) -> int | None:
        """The count to show at (`row`, `column`), or `None` where it is withheld."""
        return None if (row, column) in self.withheld else self.values[row][column]


def with_totals(counts: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The table with a total for each row (last column), each column (last row) and all."""
    width = len(counts[0]) if counts else 0
    rows = [(*row, sum(row)) for row in counts]
    totals = tuple(sum(row[column] for row in rows) for column in range(width + 1))
    return (*(tuple(row) for row in rows), totals)


def suppress(counts: Sequence[Sequence[int]], *, below: int) -> Suppressed:
    """Suppress `counts` (rows of equal length, each count >= 0) and their totals for publishing.

    Counts from 1 to ``below - 1`` are withheld, and enough others that none of them
    can be worked out exactly from what is shown. Zero is shown (it is not a small
    count of people), unless it would tell that everyone in a row or column whose
    counts are withheld had the same outcome.
    """
    if any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("every row of the table needs the same number of counts")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("counts cannot be negative")
    values = with_totals(counts)
    primary = frozenset(
        (row, column)
        for row, line in enumerate(values)
        for column, value in enumerate(line)
        if 0 < value < below
    )
    withheld = set(primary)
    while True:  # protect every withheld count; then hide zeros that would tell; again
        while (exposed := _first_exposed(values, withheld)) is not None:
            partner = _partner(values, withheld, exposed)
            if partner is None:  # everything is withheld already: nothing more can be done
                break
            withheld.add(partner)
        telling = _telling_zeros(values, withheld) - withheld
        if not telling:
            break
        withheld |= telling
    return Suppressed(values, primary, frozenset(withheld - primary))


def _telling_zeros(values: Sequence[Sequence[int]], withheld: set[Cell]) -> set[Cell]:
    """Zeros that would tell what a group's withheld counts are about.

    A row (a nationality) whose only counts that are not zero are withheld would
    still show that everyone in it had those outcomes, and no other: its zeros are
    withheld too. Likewise a column (an outcome).
    """
    last_row, last_column = len(values) - 1, len(values[0]) - 1
    lines = [[(row, column) for column in range(last_column)] for row in range(last_row)]
    lines += [[(row, column) for row in range(last_row)] for column in range(last_column)]
    found: set[Cell] = set()
    for line in lines:
        counted = [cell for cell in line if values[cell[0]][cell[1]]]
        if counted and set(counted) <= withheld:
            found |= {cell for cell in line if not values[cell[0]][cell[1]]}
    return found


def _first_exposed(values: Sequence[Sequence[int]], withheld: set[Cell]) -> Cell | None:
    return next((cell for cell in sorted(withheld) if not protected(values, withheld, cell)), None)


def _sign(values: Sequence[Sequence[int]], cell: Cell) -> int:
    """+1 for a count inside the table and for the grand total, -1 for a row or column total."""
    last_row, last_column = len(values) - 1, len(values[0]) - 1
    return -1 if (cell[0] == last_row) != (cell[1] == last_column) else 1


def protected(values: Sequence[Sequence[int]], withheld: set[Cell], cell: Cell) -> bool:
    """Whether a cycle of withheld cells through `cell` can move it without a bound broken."""
    for way in (1, -1):  # the cell itself going up, or down
        if way * _sign(values, cell) < 0 and values[cell[0]][cell[1]] < 2:  # noqa: PLR2004
            continue  # it would go below 1 (or 0)
        if _closing_path(values, withheld, cell, way):
            return True
    return False


def _closing_path(
    values: Sequence[Sequence[int]], withheld: set[Cell], start: Cell, way: int
) -> bool:
    """A path of withheld cells from `start`'s column back to its row, each move allowed.

    Along a cycle, cells taken from a row to a column move as the first cell does,
    cells taken from a column to a row the other way (each times its sign); a cell
    that would go down must be at least 2.
    """
    target_row, first_column = start
    seen_rows: set[int] = set()
    seen_columns = {first_column}
    frontier: deque[tuple[str, int]] = deque([("column", first_column)])
    while frontier:
        kind, at = frontier.popleft()
        for cell in withheld:
            if cell == start:
                continue
            if kind == "column" and cell[1] == at and cell[0] not in seen_rows:
                moves = -way * _sign(values, cell)  # column to row: against the first cell
                if moves < 0 and values[cell[0]][cell[1]] < 2:  # noqa: PLR2004
                    continue
                if cell[0] == target_row:
                    return True
                seen_rows.add(cell[0])
                frontier.append(("row", cell[0]))
            elif kind == "row" and cell[0] == at and cell[1] not in seen_columns:
                moves = way * _sign(values, cell)  # row to column: with the first cell
                if moves < 0 and values[cell[0]][cell[1]] < 2:  # noqa: PLR2004
                    continue
                seen_columns.add(cell[1])
                frontier.append(("column", cell[1]))
    return False


def _partner(values: Sequence[Sequence[int]], withheld: set[Cell], exposed: Cell) -> Cell | None:
    """The cell to withhold next for `exposed`: one that protects it if any, else a step closer.

    The step closer is a cell in the exposed cell's row or column, so that a cycle
    can form through it.
    """
    last_row, last_column = len(values) - 1, len(values[0]) - 1
    shown = [
        (row, column)
        for row in range(last_row + 1)
        for column in range(last_column + 1)
        if (row, column) not in withheld
    ]
    if not shown:
        return None

    def preference(cell: Cell) -> tuple[bool, bool, int, Cell]:
        value = values[cell[0]][cell[1]]
        is_total = cell[0] == last_row or cell[1] == last_column
        return (value < 2, is_total, value, cell)  # noqa: PLR2004 - 2 can go down by 1

    enough = [cell for cell in shown if protected(values, withheld | {cell}, exposed)]
    if enough:
        return min(enough, key=preference)
    in_line = [cell for cell in shown if cell[0] == exposed[0] or cell[1] == exposed[1]]
    return min(in_line or shown, key=preference)
