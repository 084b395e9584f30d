"""Small-count suppression for published tables, so no one can be identified from them.

A table of counts is published with its row totals, column totals and grand total.
Every count from 1 to ``below - 1`` is suppressed (*primary* suppression; ONS
output checking uses a threshold of 10). Then further counts are suppressed
(*secondary* suppression) until no suppressed count can be worked out from the
published ones and the totals.

Why the second step is exact, not a rule of thumb: give the margins a sign (the
totals row and column negated, the grand total not), and every total's equation
becomes "the signed counts at one node sum to zero" in the bipartite graph whose
nodes are the rows and columns (totals included) and whose edges are the cells.
The suppressed cells can then change together, keeping every published total,
exactly along cycles of that graph: a suppressed cell can be recovered if and only
if it lies on no cycle of suppressed cells, that is, it is a bridge (or hangs from
a node with one suppressed cell). Secondary suppression adds cells until no
suppressed cell is a bridge, always choosing a cell that is not zero (so each
cycle can move both ways without a count going below zero), the smallest first,
and a count inside the table before a total. `tests/statistics/domain` proves it
with linear programming: every suppressed cell's possible values span more than one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    can be recovered from what is shown. Zero is shown: it is not a small count of people.
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
    while (bridge := _first_bridge(values, withheld)) is not None:
        withheld.add(_partner(values, withheld, bridge))
    return Suppressed(values, primary, frozenset(withheld - primary))


def _nodes(cell: Cell) -> tuple[str, str]:
    return f"r{cell[0]}", f"c{cell[1]}"


def _reachable(start: str, edges: Iterable[Cell]) -> set[str]:
    neighbours: dict[str, set[str]] = {}
    for cell in edges:
        row, column = _nodes(cell)
        neighbours.setdefault(row, set()).add(column)
        neighbours.setdefault(column, set()).add(row)
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in neighbours.get(frontier.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def _first_bridge(values: Sequence[Sequence[int]], withheld: set[Cell]) -> Cell | None:
    """A withheld cell on no cycle of withheld cells (so recoverable), or `None`."""
    del values  # the graph is the cells' positions; the counts choose partners only
    for cell in sorted(withheld):
        row, column = _nodes(cell)
        if column not in _reachable(row, withheld - {cell}):
            return cell
    return None


def _partner(values: Sequence[Sequence[int]], withheld: set[Cell], bridge: Cell) -> Cell:
    """The cell to withhold so that `bridge` lies on a cycle (or comes closer to one).

    A cell joining the bridge's two sides closes a cycle through it; the two sides
    are what each end reaches without the bridge. Where one end is reached by
    nothing else (it hangs), any other cell in its line is a step towards a cycle.
    """
    rest = withheld - {bridge}
    row_end, column_end = _nodes(bridge)
    side_of_row, side_of_column = _reachable(row_end, rest), _reachable(column_end, rest)
    last_row, last_column = len(values) - 1, len(values[0]) - 1
    joining = [
        (row, column)
        for row in range(last_row + 1)
        for column in range(last_column + 1)
        if (row, column) not in withheld
        and {f"r{row}", f"c{column}"} & side_of_row
        and {f"r{row}", f"c{column}"} & side_of_column
    ]
    if not joining:  # an end that hangs: take another cell in the bridge's row or column
        joining = [
            (row, column)
            for row in range(last_row + 1)
            for column in range(last_column + 1)
            if (row, column) not in withheld and (row == bridge[0] or column == bridge[1])
        ]

    def preference(cell: Cell) -> tuple[bool, bool, int, Cell]:
        value = values[cell[0]][cell[1]]
        is_total = cell[0] == last_row or cell[1] == last_column
        return (value == 0, is_total, value, cell)

    return min(joining, key=preference)
