"""The policy simulator: a scheme design run against demand, month by month, in NumPy columns.

A *flow* is one arrangement (nationals of one country going to one host) with
its demand; a *pool* is one allocation, drawn as one pool across its flows, with
its places a year (or uncapped), whether a ballot allocates them, how long an
invitation lasts, and its emergency brake. State is held in ``(runs, flows)``
integer arrays; the loop is over months only. Each month:

1. **applications** arrive where there is no ballot (``yearly / 12`` expected);
2. **ballot windows** open (``ballot_windows_per_year``, from January): each
   takes ``yearly / windows`` entries, and the previous window's entries not
   invited lapse. A window runs rounds, one per invitation period
   (``invitation_expiry_days``, in whole months) until the next window: each
   round invites, from the window's entries, up to the year's places not yet
   taken by grants or by applications in progress, drawn as one pool. Invited
   people accept (``acceptance_rate``) and apply ``months_to_apply`` later;
3. **decisions** fall ``months_to_decision`` after an application: a share is
   refused (``refusal_rate``); the rest are granted while the pool has places
   left this year and its brake has room this period. Past the brake, approved
   applications wait (paused) for the next period; past the year's places, they
   are turned away (YMS 4.3: grants never exceed the allocation);
4. **people present** (the stock): a grant arrives in its month and stays for
   the leave, or the leave and the extension for the share who extend
   (``extension_share``); extensions take no place (Appendix Youth Mobility
   Scheme: eligible nationals, paragraph 1B). Nobody leaves early.

Years are calendar years from January of the start year. A year with no
allocation of its own takes the latest earlier year's places unchanged
(``unset_years = "repeat"``), or the scheme's own fallback rule where it has one
(``"fallback"``, as a grant is counted by the applications service).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from yms.applications.domain.places import places_for
from yms.schemes.domain.scheme import Allocation, BrakePeriod, Scheme
from yms.statistics.domain.demand import Demand, DemandError, Parameters
from yms.statistics.domain.draws import Counts, Draws, Expected, Random, pool_sum

_BRAKE_MONTHS = {BrakePeriod.MONTH: 1, BrakePeriod.QUARTER: 3, BrakePeriod.YEAR: 12}
_DAYS_A_MONTH = 30
_NO_LIMIT = np.int64(2**62)


@dataclass(frozen=True, slots=True)
class Flow:
    """Nationals of one country going to one host, and how many would come a year."""

    arrangement_id: str
    nationality: str
    host: str
    pool: int  # index into `Design.pools`
    yearly_entries: float  # expected ballot entries (or applications, with no ballot) a year
    leave_months: int
    extension_months: int = 0  # 0: no extension


@dataclass(frozen=True, slots=True)
class Pool:
    """One allocation, drawn as one pool: its places in each simulated year and its brake."""

    allocation_id: str
    places: tuple[int | None, ...]  # per simulated year; None: uncapped
    ballot: bool = False
    invitation_expiry_days: int | None = None
    brake_threshold: int | None = None
    brake_months: int = 1  # the brake's period: 1, 3 or 12 months


@dataclass(frozen=True, slots=True)
class Rates:
    """The simulator's parameters as numbers (see `Parameters` for their sources)."""

    acceptance: float = 0.7
    refusal: float = 0.05
    extension: float = 0.5
    windows: int = 2
    months_to_apply: int = 1
    months_to_decision: int = 1

    @classmethod
    def of(cls, parameters: Parameters) -> Rates:
        """The numbers of a demand file's parameters."""
        return cls(
            acceptance=parameters.acceptance_rate.value,
            refusal=parameters.refusal_rate.value,
            extension=parameters.extension_share.value,
            windows=int(parameters.ballot_windows_per_year.value),
            months_to_apply=int(parameters.months_to_apply.value),
            months_to_decision=int(parameters.months_to_decision.value),
        )


@dataclass(frozen=True)
class Design:
    """A scheme design ready to run: flows (ordered by pool), pools, rates and years."""

    key: str
    title: str
    start_year: int
    years: int
    flows: tuple[Flow, ...]
    pools: tuple[Pool, ...]
    rates: Rates = Rates()
    hub: str | None = None  # the party every flow goes to or from, e.g. GB
    unused: tuple[str, ...] = ()  # nationalities the demand gives that the scheme does not admit
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.years < 1:
            raise DemandError("years", "simulate at least 1 year")
        if not self.flows:
            raise DemandError("", f"{self.key}: no flow to simulate")
        pools = [flow.pool for flow in self.flows]
        if pools != sorted(pools) or set(pools) != set(range(len(self.pools))):
            raise ValueError("flows must be ordered by pool, and every pool must have a flow")
        for pool in self.pools:
            if len(pool.places) != self.years:
                raise ValueError(f"pool {pool.allocation_id} needs places for {self.years} years")

    @property
    def calendar(self) -> tuple[int, ...]:
        """The simulated years."""
        return tuple(range(self.start_year, self.start_year + self.years))

    @cached_property
    def pool_of(self) -> NDArray[np.intp]:
        """The pool of each flow."""
        return np.array([flow.pool for flow in self.flows], dtype=np.intp)

    @cached_property
    def starts(self) -> NDArray[np.intp]:
        """The first flow of each pool."""
        return np.searchsorted(self.pool_of, np.arange(len(self.pools))).astype(np.intp)

    @cached_property
    def slot(self) -> NDArray[np.intp]:
        """Each flow's position within its pool."""
        return np.arange(len(self.flows), dtype=np.intp) - self.starts[self.pool_of]

    @cached_property
    def width(self) -> int:
        """A power of two at least as large as the largest pool."""
        largest = int(np.bincount(self.pool_of).max())
        return 1 << (largest - 1).bit_length()

    def with_entries(self, yearly: Mapping[str, float]) -> Design:
        """The same design with new yearly entries for the flows named (by arrangement id)."""
        flows = tuple(
            replace(flow, yearly_entries=yearly.get(flow.arrangement_id, flow.yearly_entries))
            for flow in self.flows
        )
        return replace(self, flows=flows)


@dataclass(frozen=True)
class Tally:
    """What the runs produced, per simulated year, run and flow: ``(years, runs, flows)``."""

    design: Design
    runs: int
    seed: int | None  # None: expected values
    entries: Counts
    invitations: Counts
    grants: Counts
    stock: Counts  # people present at the end of the year
    turned_away: Counts  # approved but no place left in the year
    paused: Counts  # approved, waiting at the end of the year for the brake to allow them
    pool_grants: Counts  # grants per month, run and pool: ``(months, runs, pools)``


# --- building a design from a scheme and a demand --------------------------------------------


def _allocation_in(scheme: Scheme, arrangement_id: str, year: int) -> Allocation | None:
    """The allocation whose terms apply in `year`: its own, the latest before, or the first."""
    holding = sorted(scheme.allocations_holding(arrangement_id), key=lambda a: a.year)
    if not holding:
        return None
    earlier = [allocation for allocation in holding if allocation.year <= year]
    return earlier[-1] if earlier else holding[0]


def _places_in(
    scheme: Scheme, arrangement_id: str, year: int, parameters: Parameters
) -> int | None:
    if parameters.unset_years == "fallback":
        found = places_for(scheme, arrangement_id, year)
        return None if found is None else found.places
    allocation = _allocation_in(scheme, arrangement_id, year)
    if allocation is None or not isinstance(allocation.places, int):
        return None
    return allocation.places


def _shares(demand: Demand, nationality: str, hosts: tuple[str, ...]) -> tuple[list[float], str]:
    """How `nationality`'s demand splits between `hosts` (see `Destinations`), and how."""
    if len(hosts) == 1:
        return [1.0], ""
    destinations = demand.destinations.get(nationality)
    populations = [demand.population_of(host) for host in hosts]
    if destinations is not None and destinations.weights is not None:
        weights, how = [destinations.weights.get(host, 0.0) for host in hosts], "by weights"
    elif destinations is not None and destinations.by == "population":
        missing = [host for host, value in zip(hosts, populations, strict=True) if value is None]
        if missing:
            raise DemandError(
                f"destinations.{nationality}",
                f"give weights, or the population of every host (missing: {', '.join(missing)})",
            )
        weights, how = [float(value or 0) for value in populations], "by population"
    elif destinations is None and None not in populations:
        weights, how = [float(value or 0) for value in populations], "by population"
    else:
        weights, how = [1.0] * len(hosts), "equally"
    total = sum(weights)
    if total <= 0:
        raise DemandError(f"destinations.{nationality}", "the weights add up to nothing")
    return [weight / total for weight in weights], f"{nationality}'s demand split {how}"


def _hub(flows: list[Flow]) -> str | None:
    common = set.intersection(*({flow.nationality, flow.host} for flow in flows))
    return next(iter(common)) if len(common) == 1 else None


def build_design(
    scheme: Scheme,
    demand: Demand,
    *,
    years: int,
    start_year: int | None = None,
    places: Mapping[tuple[str, int], int | None] | None = None,
) -> Design:
    """The design of `scheme` with `demand`'s nationalities, over `years` from `start_year`.

    `start_year` defaults to the scheme's first allocation year. `places` overrides a
    pool's places in a year, keyed by one of its arrangements and the year.
    """
    if start_year is None:
        start_year = min((a.year for a in scheme.allocations), default=None)
        if start_year is None:
            raise DemandError("start_year", f"{scheme.key} has no allocation: give a start year")
    calendar = range(start_year, start_year + years)
    wanted = set(demand.nationalities())
    arrangements = [a for a in scheme.arrangements if a.nationality in wanted]
    if not arrangements:
        admitted = ", ".join(sorted({a.nationality for a in scheme.arrangements}))
        raise DemandError(
            "population",
            f"no nationality in the demand is admitted by {scheme.key} (it admits {admitted})",
        )
    pool_keys: dict[str, int] = {}
    pools: list[Pool] = []
    flows: list[Flow] = []
    notes: list[str] = []
    for arrangement in arrangements:
        allocation = _allocation_in(scheme, arrangement.id, start_year)
        key = allocation.id if allocation else f"{arrangement.id} (no allocation)"
        if key not in pool_keys:
            pool_keys[key] = len(pools)
            overrides = places or {}
            pools.append(
                Pool(
                    allocation_id=key,
                    places=tuple(
                        overrides[(arrangement.id, year)]
                        if (arrangement.id, year) in overrides
                        else _places_in(scheme, arrangement.id, year, demand.parameters)
                        for year in calendar
                    ),
                    ballot=bool(allocation and allocation.ballot),
                    invitation_expiry_days=allocation.invitation_expiry_days
                    if allocation
                    else None,
                    brake_threshold=(
                        allocation.emergency_brake.threshold
                        if allocation and allocation.emergency_brake
                        else None
                    ),
                    brake_months=(
                        _BRAKE_MONTHS[allocation.emergency_brake.period]
                        if allocation and allocation.emergency_brake
                        else 1
                    ),
                )
            )
        hosts = scheme.hosts_for(arrangement.nationality)
        shares, how = _shares(demand, arrangement.nationality, hosts)
        share = shares[hosts.index(arrangement.host)]
        note = f"{how} between {len(hosts)} hosts."
        if how and note not in notes:
            notes.append(note)
        flows.append(
            Flow(
                arrangement_id=arrangement.id,
                nationality=arrangement.nationality,
                host=arrangement.host,
                pool=pool_keys[key],
                yearly_entries=demand.yearly_entries(arrangement.nationality) * share,
                leave_months=arrangement.leave.months,
                extension_months=arrangement.extension.months if arrangement.extension else 0,
            )
        )
    flows.sort(key=lambda flow: flow.pool)
    return Design(
        key=scheme.key,
        title=scheme.title,
        start_year=start_year,
        years=years,
        flows=tuple(flows),
        pools=tuple(pools),
        rates=Rates.of(demand.parameters),
        hub=_hub(flows),
        unused=tuple(sorted(wanted - {flow.nationality for flow in flows})),
        notes=tuple(notes),
    )


# --- the engine ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """Per pool and calendar month: does a ballot window open, does a round invite."""

    window_opens: NDArray[np.bool_]  # (pools, 12)
    round_invites: NDArray[np.bool_]  # (pools, 12)
    window_index: NDArray[np.intp]  # (12,) which window of the year a month falls in

    @classmethod
    def of(cls, design: Design) -> _Calendar:
        windows = design.rates.windows
        spacing = 12 // windows
        opens = np.zeros((len(design.pools), 12), dtype=bool)
        invites = np.zeros((len(design.pools), 12), dtype=bool)
        for index, pool in enumerate(design.pools):
            if not pool.ballot:
                continue
            period = max(1, math.ceil((pool.invitation_expiry_days or 1) / _DAYS_A_MONTH))
            for start in range(0, 12, spacing):
                opens[index, start] = True
                invites[index, start : start + spacing : period] = True
        return cls(opens, invites, np.arange(12) // spacing)


def simulate(design: Design, *, runs: int = 1000, seed: int = 0, expected: bool = False) -> Tally:
    """Run `design` month by month: `runs` seeded Monte Carlo runs, or one run of expected values.

    The same design, runs and seed give the same tally; expected values follow the
    rounding rule of `yms.statistics.domain.draws`.
    """
    draws: Draws = Expected() if expected else Random(runs, seed)
    return _Engine(design, draws).run(seed=None if expected else seed)


class _Engine:
    """The month loop; every step is one NumPy operation over runs x flows."""

    def __init__(self, design: Design, draws: Draws) -> None:
        self.design = design
        self.draws = draws
        self.calendar = _Calendar.of(design)
        rates = design.rates
        self.ballot = np.array([design.pools[f.pool].ballot for f in design.flows])
        self.yearly = np.array([f.yearly_entries for f in design.flows], dtype=np.float64)
        self.direct = np.where(self.ballot, 0.0, self.yearly)
        self.leave = np.array([f.leave_months for f in design.flows], dtype=np.intp)
        self.extension = np.array([f.extension_months for f in design.flows], dtype=np.intp)
        self.extends = self.extension > 0
        self.places = np.array(
            [[_NO_LIMIT if p is None else p for p in pool.places] for pool in design.pools],
            dtype=np.int64,
        ).T  # (years, pools)
        self.capped = np.array([[p is not None for p in pool.places] for pool in design.pools]).T
        self.brake = np.array(
            [_NO_LIMIT if p.brake_threshold is None else p.brake_threshold for p in design.pools],
            dtype=np.int64,
        )
        self.brake_months = np.array([p.brake_months for p in design.pools], dtype=np.intp)
        self.after_invitation = rates.months_to_apply + rates.months_to_decision
        self.after_application = rates.months_to_decision
        self.pipeline_size = self.after_invitation + 1
        self.stay_size = int((self.leave + self.extension).max()) + 1
        lengths = sorted(
            {*self.leave.tolist(), *(self.leave + self.extension)[self.extends].tolist()}
        )
        self.stays = [
            (
                months,
                np.flatnonzero((self.leave == months) | (self.leave + self.extension == months)),
            )
            for months in lengths
        ]

    def run(self, *, seed: int | None) -> Tally:
        design, draws = self.design, self.draws
        runs, flows, pools = draws.runs, len(design.flows), len(design.pools)
        shape = (design.years, runs, flows)
        out = {name: np.zeros(shape, dtype=np.int64) for name in _COUNTS}
        self.pipeline = np.zeros((self.pipeline_size, runs, flows), dtype=np.int64)
        self.departures = np.zeros((self.stay_size, runs, flows), dtype=np.int64)
        self.waiting = np.zeros((runs, flows), dtype=np.int64)  # this window's entries
        self.pending = np.zeros((runs, flows), dtype=np.int64)  # applications in progress
        self.paused = np.zeros((runs, flows), dtype=np.int64)  # approved, held by the brake
        self.stock = np.zeros((runs, flows), dtype=np.int64)
        self.granted_year = np.zeros((runs, pools), dtype=np.int64)
        self.granted_period = np.zeros((runs, pools), dtype=np.int64)
        self.pool_grants = np.zeros((12 * design.years, runs, pools), dtype=np.int64)
        for month in range(12 * design.years):
            year, calendar_month = divmod(month, 12)
            counts = self._month(month, year, calendar_month)
            for name, value in counts.items():
                out[name][year] += value
            if calendar_month == 11:  # noqa: PLR2004 - December: the year's end
                out["stock"][year] = self.stock
                out["paused"][year] = self.paused
        return Tally(design=design, runs=runs, seed=seed, pool_grants=self.pool_grants, **out)

    def _schedule(self, counts: Counts, month: int) -> None:
        self.pipeline[month % self.pipeline_size] += counts
        self.pending += counts

    def _month(self, month: int, year: int, calendar_month: int) -> dict[str, Counts]:
        design, draws = self.design, self.draws
        if calendar_month == 0:
            self.granted_year[:] = 0
        self.granted_period[:, calendar_month % self.brake_months == 0] = 0
        entries = np.zeros_like(self.waiting)
        invitations = np.zeros_like(self.waiting)
        if self.direct.any():
            applied = draws.arrivals(self.direct, calendar_month, 12)
            entries += applied
            self._schedule(applied, month + self.after_application)
        opens = self.calendar.window_opens[design.pool_of, calendar_month]
        if opens.any():
            window = int(self.calendar.window_index[calendar_month])
            entered = draws.arrivals(
                np.where(opens, self.yearly, 0.0), window, design.rates.windows
            )
            entries += entered
            self.waiting = np.where(opens, entered, self.waiting)
        invites = self.calendar.round_invites[:, calendar_month]
        if invites.any():
            invitations = self._invite(month, year, invites)
        grants, turned_away = self._decide(month, year)
        self._stay(month, grants)
        return {
            "entries": entries,
            "invitations": invitations,
            "grants": grants,
            "turned_away": turned_away,
        }

    def _invite(self, month: int, year: int, invites: NDArray[np.bool_]) -> Counts:
        design, draws = self.design, self.draws
        reserved = self.granted_year + pool_sum(self.pending, design)
        offered = np.where(invites, np.maximum(self.places[year] - reserved, 0), 0)
        waiting = np.where(invites[design.pool_of], self.waiting, 0)
        invited = draws.select(waiting, offered, design)
        self.waiting -= invited
        accepted = draws.thin(invited, design.rates.acceptance)
        self._schedule(accepted, month + self.after_invitation)
        return invited

    def _decide(self, month: int, year: int) -> tuple[Counts, Counts]:
        design, draws = self.design, self.draws
        slot = month % self.pipeline_size
        due = self.pipeline[slot].copy()
        self.pipeline[slot] = 0
        refused = draws.thin(due, design.rates.refusal)
        waiting = self.paused + due - refused
        places_left = self.places[year] - self.granted_year
        brake_left = self.brake - self.granted_period
        capacity = np.maximum(np.minimum(places_left, brake_left), 0)
        grants = draws.select(waiting, capacity, design)
        granted = pool_sum(grants, design)
        self.pool_grants[month] = granted
        self.granted_year += granted
        self.granted_period += granted
        rest = waiting - grants
        full = (self.places[year] - self.granted_year <= 0) & self.capped[year]
        turned_away = np.where(full[:, design.pool_of], rest, 0)
        self.paused = rest - turned_away
        self.pending -= refused + grants + turned_away
        return grants, turned_away

    def _stay(self, month: int, grants: Counts) -> None:
        extend = np.zeros_like(grants)
        if self.extends.any():
            extend[:, self.extends] = self.draws.thin(
                grants[:, self.extends], self.design.rates.extension
            )
        leave = grants - extend
        for months, flows in self.stays:  # a few lengths of stay, each a set of flows
            self.departures[(month + months) % self.stay_size][:, flows] += np.where(
                self.leave[flows] == months, leave[:, flows], 0
            ) + np.where(self.leave[flows] + self.extension[flows] == months, extend[:, flows], 0)
        slot = month % self.stay_size
        self.stock += grants - self.departures[slot]
        self.departures[slot] = 0


_COUNTS = ("entries", "invitations", "grants", "stock", "turned_away", "paused")
