"""A scheme against the record: published figures, and a backtest of the simulator on them.

`Published` holds what was published for a scheme (visas issued by nationality and
year, totals, allocations), each with its source, and what was looked for and not
found. `backtest` takes every series with two or more full years: it calibrates the
yearly applications on the earlier years (expected values, so that the simulated
grants of those years match the published ones on average), simulates the last
year, and reports the error. With one earlier year this is a persistence forecast
passed through the scheme's rules (places, refusals, the month a decision falls).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Self

import numpy as np
from pydantic import Field, StrictBool, StrictInt, model_validator

from yms.schemes.domain.scheme import Scheme, arrangement_id
from yms.statistics.domain.demand import (
    Block,
    CountryCode,
    Demand,
    DemandModel,
    Parameters,
    Source,
)
from yms.statistics.domain.simulation import Design, Flow, Pool, Rates, build_design, simulate

ALL = "all"  # the row for every nationality together
_CALIBRATION_ROUNDS = 50
_CLOSE_ENOUGH = 1.0  # people: expected values are whole people


class _Cited(DemandModel):
    source: str = Field(min_length=1)
    note: str | None = None


class VisasIssued(_Cited):
    """Visas issued to one nationality in one year."""

    year: StrictInt = Field(ge=2000, le=2100)
    nationality: CountryCode
    visas: StrictInt = Field(ge=0)
    approximate: StrictBool = False


class Total(_Cited):
    """Visas issued to every nationality together, in a year or part of one (`period`)."""

    year: StrictInt = Field(ge=2000, le=2100)
    visas: StrictInt = Field(ge=0)
    approximate: StrictBool = False
    period: str | None = None  # None: the whole year


class AllocationFigures(_Cited):
    """Places a year, by nationality, as one source gives them."""

    year: StrictInt = Field(ge=2000, le=2100)
    places: dict[CountryCode, StrictInt]


class NotFound(DemandModel):
    """A figure that was looked for and not found."""

    what: str = Field(min_length=1)


class Published(DemandModel):
    """What was published for one scheme, each figure with its source."""

    scheme: str
    title: str
    sources: tuple[Source, ...] = ()
    visas_issued: tuple[VisasIssued, ...] = ()
    totals: tuple[Total, ...] = ()
    allocations: tuple[AllocationFigures, ...] = ()
    not_found: tuple[NotFound, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = {source.id for source in self.sources}
        for where, figure in self.figures():
            cited = figure.source
            if cited not in ids and not cited.startswith(("http://", "https://")):
                raise ValueError(f"{where}: source {cited!r} is neither a URL nor a source id")
        seen: set[tuple[int, str]] = set()
        for index, visas in enumerate(self.visas_issued):
            if (visas.year, visas.nationality) in seen:
                raise ValueError(f"visas_issued[{index}]: {visas.nationality} {visas.year} twice")
            seen.add((visas.year, visas.nationality))
        return self

    def figures(self) -> Iterator[tuple[str, _Cited]]:
        """Every figure with its path."""
        for name in ("visas_issued", "totals", "allocations"):
            for index, figure in enumerate(getattr(self, name)):
                yield f"{name}[{index}]", figure

    def series(self) -> dict[str, dict[int, VisasIssued]]:
        """Visas issued by nationality, then year."""
        found: dict[str, dict[int, VisasIssued]] = {}
        for visas in self.visas_issued:
            found.setdefault(visas.nationality, {})[visas.year] = visas
        return found

    def total_series(self) -> dict[int, Total]:
        """Totals for whole years, by year."""
        return {total.year: total for total in self.totals if total.period is None}

    def places(self) -> dict[tuple[str, int], int]:
        """Published places by nationality and year."""
        return {
            (nationality, figures.year): places
            for figures in self.allocations
            for nationality, places in figures.places.items()
        }


@dataclass(frozen=True, slots=True)
class BacktestRow:
    """One nationality (or all together): calibrated on earlier years, simulated for `year`."""

    nationality: str
    calibrated_on: tuple[int, ...]
    published_then: float  # the mean published in the calibration years
    applications_per_year: float  # the calibrated demand
    year: int
    simulated: float  # expected value
    low: float  # 5th percentile of the Monte Carlo runs
    high: float  # 95th percentile
    published: int
    approximate: bool  # a published figure used is rounded by its source

    @property
    def error(self) -> float:
        """Simulated minus published."""
        return self.simulated - self.published

    @property
    def error_share(self) -> float:
        """The error as a share of the published figure."""
        return self.error / self.published if self.published else float("nan")


@dataclass(frozen=True, slots=True)
class Backtest:
    """The backtest of one scheme."""

    scheme: str
    rows: tuple[BacktestRow, ...]
    one_year_only: tuple[str, ...]  # nationalities published for a single year: not testable
    runs: int
    seed: int

    @property
    def mean_absolute_share(self) -> float:
        """The mean absolute error as a share of the published figures, over the rows."""
        return float(np.mean([abs(row.error_share) for row in self.rows])) if self.rows else 0.0


@dataclass(frozen=True, slots=True)
class _Series:
    nationality: str
    flow: str  # the arrangement id of its flow
    calibration: dict[int, int]
    target: int
    published: int
    approximate: bool


def _host(scheme: Scheme) -> str:
    hosts = {arrangement.host for arrangement in scheme.arrangements}
    if len(hosts) != 1:
        raise ValueError(f"{scheme.key}: a backtest needs one host country, not {sorted(hosts)}")
    return hosts.pop()


def _series(scheme: Scheme, published: Published) -> tuple[list[_Series], list[str]]:
    host = _host(scheme)
    testable: list[_Series] = []
    single: list[str] = []
    found: dict[str, Mapping[int, VisasIssued | Total]] = dict(published.series())
    found[ALL] = published.total_series()
    for nationality, by_year in sorted(found.items()):
        flow = arrangement_id(nationality, host) if nationality != ALL else f"{ALL}-{host}"
        if nationality != ALL and scheme.arrangement(flow) is None:
            continue
        if len(by_year) < 2:  # noqa: PLR2004 - an earlier year and a later one
            single.extend([nationality] if by_year else [])
            continue
        *earlier, target = sorted(by_year)
        testable.append(
            _Series(
                nationality=nationality,
                flow=flow,
                calibration={year: by_year[year].visas for year in earlier},
                target=target,
                published=by_year[target].visas,
                approximate=any(figure.approximate for figure in by_year.values()),
            )
        )
    return testable, single


def _design(
    scheme: Scheme, published: Published, testable: list[_Series], parameters: Parameters
) -> Design:
    """Every series as a flow from a year before its first, demand guessed from the record."""
    host = _host(scheme)
    first = min(min(series.calibration) for series in testable) - 1  # a year to warm up
    years = max(series.target for series in testable) - first + 1
    refusal = parameters.refusal_rate.value
    guess = {s.flow: float(np.mean(list(s.calibration.values()))) / (1 - refusal) for s in testable}
    flows: list[Flow] = []
    pools: list[Pool] = []
    nationals = {s.nationality: guess[s.flow] for s in testable if s.nationality != ALL}
    if nationals:
        demand = Demand(
            title=f"{scheme.key}: calibrated on published visas",
            applicants_per_year=Block(
                assumption=True,
                why="Calibrated so that simulated grants match the published visas.",
                values=nationals,
            ),
            parameters=parameters,
        )
        places = {
            (arrangement_id(nationality, host), year): count
            for (nationality, year), count in published.places().items()
        }
        built = build_design(scheme, demand, years=years, start_year=first, places=places)
        flows, pools = list(built.flows), list(built.pools)
    if any(s.nationality == ALL for s in testable):
        pools.append(Pool(f"{ALL} nationalities (uncapped)", (None,) * years))
        leave = max(arrangement.leave.months for arrangement in scheme.arrangements)
        flows.append(
            Flow(f"{ALL}-{host}", ALL, host, len(pools) - 1, guess[f"{ALL}-{host}"], leave)
        )
    return Design(
        key=scheme.key,
        title=scheme.title,
        start_year=first,
        years=years,
        flows=tuple(flows),
        pools=tuple(pools),
        rates=Rates.of(parameters),
        hub=host,
    )


def _calibrate(design: Design, testable: list[_Series]) -> Design:
    index = {flow.arrangement_id: i for i, flow in enumerate(design.flows)}
    for _ in range(_CALIBRATION_ROUNDS):
        grants = simulate(design, expected=True).grants[:, 0, :]
        yearly: dict[str, float] = {}
        for series in testable:
            column = index[series.flow]
            simulated = np.mean([grants[y - design.start_year, column] for y in series.calibration])
            wanted = float(np.mean(list(series.calibration.values())))
            if abs(simulated - wanted) > _CLOSE_ENOUGH and simulated > 0:
                current = design.flows[index[series.flow]].yearly_entries
                yearly[series.flow] = current * wanted / float(simulated)
        if not yearly:
            break
        design = design.with_entries(yearly)
    return design


def backtest(
    scheme: Scheme,
    published: Published,
    *,
    parameters: Parameters | None = None,
    runs: int = 1000,
    seed: int = 0,
) -> Backtest:
    """Calibrate on each series' earlier years, simulate its last, and compare with the record."""
    parameters = parameters or Parameters()
    testable, single = _series(scheme, published)
    if not testable:
        return Backtest(scheme.key, (), tuple(single), runs, seed)
    design = _calibrate(_design(scheme, published, testable, parameters), testable)
    expected = simulate(design, expected=True).grants
    drawn = simulate(design, runs=runs, seed=seed).grants
    index = {flow.arrangement_id: i for i, flow in enumerate(design.flows)}
    rows = []
    for series in testable:
        at, flow = series.target - design.start_year, index[series.flow]
        low, high = np.percentile(drawn[at, :, flow], [5, 95])
        rows.append(
            BacktestRow(
                nationality=series.nationality,
                calibrated_on=tuple(sorted(series.calibration)),
                published_then=float(np.mean(list(series.calibration.values()))),
                applications_per_year=design.flows[flow].yearly_entries,
                year=series.target,
                simulated=float(expected[at, 0, flow]),
                low=float(low),
                high=float(high),
                published=series.published,
                approximate=series.approximate,
            )
        )
    return Backtest(scheme.key, tuple(rows), tuple(single), runs, seed)
