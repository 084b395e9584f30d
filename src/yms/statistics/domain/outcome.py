"""A simulation's results, summarised for people: per design, year, flow and pair, with bands.

Every figure is a `Band`: the mean over the runs and the 5th and 95th percentiles
(in expected-value mode, one run: all three are the same). Sums and differences
(a pair's balance, the totals each way) are taken run by run before the band, so
a band is the band of the quantity itself.

A *pair* is two parties and the flows between them: `there` is from `a` to `b`
(e.g. French nationals to the UK), `back` from `b` to `a`; the balance is
``there - back``, in grants and in people present, where both ways are simulated.
The *total* adds every flow into the hub party (the one in every flow, e.g. the
UK) against every flow out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from yms.statistics.domain.simulation import Design, Tally

LOW, HIGH = 5, 95  # percentiles of the band


@dataclass(frozen=True, slots=True)
class Band:
    """The mean over the runs, and the 5th (`low`) and 95th (`high`) percentiles."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: NDArray[np.float64] | NDArray[np.int64]) -> Band:
        """The band of one value per run."""
        low, high = np.percentile(values, [LOW, HIGH])
        return cls(float(np.mean(values)), float(low), float(high))


@dataclass(frozen=True, slots=True)
class Measures:
    """One year of one flow (or of several added up).

    `entries` are ballot entries, or applications where no ballot is held;
    `odds` is invitations per entry, for flows with a ballot (else None); `stock` is
    the people present at the end of the year; `turned_away` were approved when the
    year's places had run out; `paused` wait at the year's end for the brake.
    """

    year: int
    entries: Band
    invitations: Band
    grants: Band
    stock: Band
    odds: Band | None
    turned_away: Band
    paused: Band


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """One arrangement's years."""

    arrangement_id: str
    nationality: str
    host: str
    allocation_id: str
    years: tuple[Measures, ...]


@dataclass(frozen=True, slots=True)
class PairYear:
    """One year between two parties: each way, and the balance (``there - back``)."""

    year: int
    there: Measures | None
    back: Measures | None
    balance: Band | None  # grants
    stock_balance: Band | None  # people present at the end of the year


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """Two parties' years; `there` flows from `a` to `b`."""

    a: str
    b: str
    years: tuple[PairYear, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One design's results."""

    scheme: str
    title: str
    runs: int
    seed: int | None  # None: expected values
    hub: str | None
    flows: tuple[FlowOutcome, ...]
    pairs: tuple[PairOutcome, ...]
    total: PairOutcome | None  # every flow into the hub (there) against every flow out (back)
    unused: tuple[str, ...]  # nationalities in the demand the scheme does not admit
    notes: tuple[str, ...] = ()

    @property
    def years(self) -> tuple[int, ...]:
        """The simulated years."""
        return tuple(measures.year for measures in self.flows[0].years)


_ALL = "all"  # the other side of the total
_NAMES = ("entries", "invitations", "grants", "stock", "turned_away", "paused")


@dataclass(frozen=True)
class _Bands:
    """Mean, low and high per year and group: each ``(years, groups)``."""

    mean: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]

    @classmethod
    def of(cls, values: NDArray[np.float64] | NDArray[np.int64]) -> _Bands:
        """Bands over the runs (axis 1) of ``(years, runs, groups)`` values."""
        low, high = np.percentile(values, [LOW, HIGH], axis=1)
        return cls(values.mean(axis=1), low, high)

    def at(self, year: int, group: int) -> Band:
        return Band(
            float(self.mean[year, group]),
            float(self.low[year, group]),
            float(self.high[year, group]),
        )


def _added(values: NDArray[np.int64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(years, runs, flows)`` counts added up into ``(years, runs, groups)``."""
    years, runs, flows = values.shape
    added: NDArray[np.float64] = values.reshape(-1, flows).astype(np.float64) @ weights
    return added.reshape(years, runs, -1)


class _Groups:
    """Flows added up into groups (columns of `members`), every measure at once."""

    def __init__(self, tally: Tally, members: NDArray[np.int64]) -> None:
        self.tally = tally
        # Whole people added up in float64 are exact (below 2**53), and use BLAS.
        weights = members.astype(np.float64)
        ballot = np.array([tally.design.pools[f.pool].ballot for f in tally.design.flows])
        in_ballot = weights * ballot[:, np.newaxis]
        self.sums = {name: _added(getattr(tally, name), weights) for name in _NAMES}
        self.bands = {name: _Bands.of(value) for name, value in self.sums.items()}
        entries = _added(tally.entries, in_ballot)
        invited = _added(tally.invitations, in_ballot)
        self.has_odds = in_ballot.any(axis=0)[np.newaxis, :] & (entries > 0).all(axis=1)
        self.odds = _Bands.of(invited / np.maximum(entries, 1))

    def measures(self, year: int, group: int) -> Measures:
        band = {name: self.bands[name].at(year, group) for name in _NAMES}
        odds = self.odds.at(year, group) if self.has_odds[year, group] else None
        return Measures(year=self.tally.design.start_year + year, odds=odds, **band)

    def difference(self, name: str, there: int, back: int) -> _Bands:
        values = self.sums[name]
        return _Bands.of(values[..., [there]] - values[..., [back]])


def _pairs(design: Design) -> list[tuple[str, str, list[int], list[int]]]:
    found: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for index, flow in enumerate(design.flows):
        if flow.nationality == design.hub:  # pairs read "other party, hub"
            key, forward = (flow.host, flow.nationality), False
        elif flow.host == design.hub:
            key, forward = (flow.nationality, flow.host), True
        else:
            forward = flow.nationality <= flow.host
            key = (flow.nationality, flow.host) if forward else (flow.host, flow.nationality)
        there, back = found.setdefault(key, ([], []))
        (there if forward else back).append(index)
    pairs = [(a, b, there, back) for (a, b), (there, back) in sorted(found.items())]
    if design.hub is not None:
        into = [i for i, flow in enumerate(design.flows) if flow.host == design.hub]
        out = [i for i, flow in enumerate(design.flows) if flow.nationality == design.hub]
        pairs.append((_ALL, design.hub, into, out))
    return pairs


def _pair_outcomes(tally: Tally) -> list[PairOutcome]:
    design = tally.design
    pairs = _pairs(design)
    members = np.zeros((len(design.flows), 2 * len(pairs)), dtype=np.int64)
    for index, (_, _, there, back) in enumerate(pairs):
        members[there, 2 * index] = 1
        members[back, 2 * index + 1] = 1
    groups = _Groups(tally, members)
    outcomes = []
    for index, (a, b, there, back) in enumerate(pairs):
        both = bool(there and back)
        balance = groups.difference("grants", 2 * index, 2 * index + 1) if both else None
        stock = groups.difference("stock", 2 * index, 2 * index + 1) if both else None
        years = tuple(
            PairYear(
                year=design.start_year + year,
                there=groups.measures(year, 2 * index) if there else None,
                back=groups.measures(year, 2 * index + 1) if back else None,
                balance=balance.at(year, 0) if balance else None,
                stock_balance=stock.at(year, 0) if stock else None,
            )
            for year in range(design.years)
        )
        outcomes.append(PairOutcome(a=a, b=b, years=years))
    return outcomes


def summarise(tally: Tally) -> Outcome:
    """The bands of a tally, per flow, per pair and in total."""
    design = tally.design
    groups = _Groups(tally, np.eye(len(design.flows), dtype=np.int64))
    flows = tuple(
        FlowOutcome(
            arrangement_id=flow.arrangement_id,
            nationality=flow.nationality,
            host=flow.host,
            allocation_id=design.pools[flow.pool].allocation_id,
            years=tuple(groups.measures(year, index) for year in range(design.years)),
        )
        for index, flow in enumerate(design.flows)
    )
    pairs = _pair_outcomes(tally)
    total = pairs.pop() if design.hub is not None else None
    return Outcome(
        scheme=design.key,
        title=design.title,
        runs=tally.runs,
        seed=tally.seed,
        hub=design.hub,
        flows=flows,
        pairs=tuple(pairs),
        total=total,
        unused=design.unused,
        notes=design.notes,
    )
