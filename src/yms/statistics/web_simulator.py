"""The policy simulator on the web: scheme designs side by side against a demand model.

A page anyone may open (the designs and demand are public data): the form is a
GET, so a comparison has an address to share; each answer is the same for the
same inputs (seeded), so answers are kept, and the work per request is bounded
(at most 10 years and 1,000 runs, shipped demand files only).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from yms.kernel.errors import InvalidInputError, NotFoundError
from yms.platform.web import forms
from yms.platform.web.access import limited
from yms.platform.web.context import context_of
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render
from yms.schemes.domain.scheme import Scheme
from yms.statistics.charts import Chart, chart
from yms.statistics.domain.outcome import Band, Outcome
from yms.statistics.services import simulation

router = APIRouter(include_in_schema=False)

DESIGNS = ("eu-uk-cap", "eu-uk-brake", "eu-uk-yes")  # the three on the table, by default
RUNS = (200, 1000)
MOST_YEARS = 10
MOST_DESIGNS = 3
MOST_SEED = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Asked:
    """What the form asks for, as typed (so a page with errors shows it again)."""

    schemes: tuple[str, ...]
    demand: str
    years: str
    runs: str
    seed: str


Inputs = tuple[tuple[str, ...], str, int, int, int]  # schemes, demand, years, runs, seed
_KEPT: OrderedDict[Inputs, simulation.Comparison] = OrderedDict()
_KEEP_MOST = 32
_KEPT_LOCK = threading.Lock()
# One simulation at a time in a process: a few seconds of NumPy each, so the other
# requests keep their share of the cores.
_RUNNING = threading.Semaphore(1)


def _compared(request: Request, inputs: Inputs) -> simulation.Comparison:
    """The comparison for `inputs`: kept from an earlier answer, or run (counted per client).

    Seeded, the same inputs give the same comparison, so it is kept, not run again;
    a client may ask for a new one only so often (``simulations`` in the rate limits).
    """
    with _KEPT_LOCK:
        if inputs in _KEPT:
            _KEPT.move_to_end(inputs)
            return _KEPT[inputs]
    limited(request, "simulations")
    schemes, demand, years, runs, seed = inputs
    ctx = context_of(request)
    with _RUNNING:
        found = simulation.compare(
            schemes,
            simulation.load_demand(_shipped_demand(demand)),
            years=years,
            runs=runs,
            seed=seed,
            catalogue=ctx.catalogue,
        )
    with _KEPT_LOCK:
        _KEPT[inputs] = found
        while len(_KEPT) > _KEEP_MOST:
            _KEPT.popitem(last=False)
    return found


def _shipped_demand(name: str) -> Path:
    # Only the files yms ships, by name: never a path a visitor writes.
    return next(path for path in simulation.shipped_demand_files() if path.stem == name)


def _numbers(asked: Asked, errors: dict[str, str]) -> tuple[int, int, int]:
    """Years, runs and seed, read as every form reads them; a problem kept in `errors`."""
    typed = FormData([("years", asked.years), ("runs", asked.runs), ("seed", asked.seed)])

    def read(field: str, reader: Callable[[], int]) -> int:
        try:
            return reader()
        except FieldError as error:
            errors[field] = error.message
            return 0

    years = read(
        "years", partial(forms.whole_number, typed, "years", _("years"), maximum=MOST_YEARS)
    )
    if "years" not in errors and years < 1:
        errors["years"] = _("Years must be 1 or more")
    runs_typed = partial(
        forms.choice, typed, "runs", {str(n) for n in RUNS}, _("Choose 200 or 1,000 runs")
    )
    runs = read("runs", lambda: int(runs_typed()))
    seed = read(
        "seed", partial(forms.whole_number, typed, "seed", _("the seed"), maximum=2**31 - 1)
    )
    return years, runs, seed


def _read(
    asked: Asked, known: list[str], demands: list[str]
) -> tuple[dict[str, str], int, int, int]:
    errors: dict[str, str] = {}
    if not asked.schemes:
        errors["scheme"] = _("Choose at least one design")
    elif any(scheme not in known for scheme in asked.schemes):
        errors["scheme"] = _("Choose designs from the list")
    elif len(asked.schemes) > MOST_DESIGNS:
        errors["scheme"] = _("Choose at most {most} designs").format(most=MOST_DESIGNS)
    if asked.demand not in demands:
        errors["demand"] = _("Choose a demand model from the list")
    years, runs, seed = _numbers(asked, errors)
    return errors, years, runs, seed


def _by_year(outcome: Outcome, which: str) -> list[float | None]:
    if outcome.total is None:
        return [None for _year in outcome.years]
    found: list[float | None] = []
    for year in outcome.total.years:
        if which == "balance":
            found.append(None if year.balance is None else round(year.balance.mean))
            continue
        side = year.there if which.endswith("in") else year.back
        measure = "grants" if which.startswith("grants") else "stock"
        found.append(None if side is None else round(getattr(side, measure).mean))
    return found


def _charts(comparison: simulation.Comparison) -> list[Chart]:
    years = [str(year) for year in comparison.years]
    designs = comparison.outcomes
    made = []
    for chart_id, title, description, which in (
        (
            "grants-in",
            _("Grants into the hub party each year"),
            _("For each design and year, the mean number of grants to people coming in."),
            "grants-in",
        ),
        (
            "grants-out",
            _("Grants out of the hub party each year"),
            _("For each design and year, the mean number of grants to the hub's own nationals."),
            "grants-out",
        ),
        (
            "stock-in",
            _("People present in the hub party at the end of each year"),
            _("For each design and year, the mean number of people present under the scheme."),
            "stock-in",
        ),
        (
            "balance",
            _("Balance each year: grants in less grants out"),
            _("For each design and year, grants in less grants out; 0 is reciprocity."),
            "balance",
        ),
    ):
        made.append(
            chart(
                chart_id,
                title,
                description,
                years,
                [(design_id(outcome), _by_year(outcome, which)) for outcome in designs],
            )
        )
    return made


def design_id(outcome: Outcome) -> str:
    """The scheme id a design's outcome is for (its key names the version too)."""
    return outcome.scheme.split("@", 1)[0]


def band_text(band: Band | None) -> str:
    """``12,300 (11,900 to 12,700)``: the mean and the 5th to 95th percentile band."""
    if band is None:
        return "-"
    if round(band.low) == round(band.high):
        return f"{band.mean:,.0f}"
    return f"{band.mean:,.0f} ({band.low:,.0f} to {band.high:,.0f})"


def _hub_name(comparison: simulation.Comparison, schemes: dict[str, Scheme]) -> str:
    for outcome in comparison.outcomes:
        if outcome.hub and design_id(outcome) in schemes:
            return schemes[design_id(outcome)].party_place(outcome.hub)
    return _("the hub party")


def _side_by_side(comparison: simulation.Comparison) -> list[tuple[str, list[str]]]:
    """The last year's figures, one row per measure, one column per design."""
    rows: list[tuple[str, list[str]]] = []
    finals = [o.total.years[-1] if o.total and o.total.years else None for o in comparison.outcomes]
    measures = (
        (_("Ballot entries (or applications) coming in"), "there", "entries"),
        (_("Invitations to those coming in"), "there", "invitations"),
        (_("Chance of an invitation coming in"), "there", "odds"),
        (_("Grants coming in"), "there", "grants"),
        (_("Grants going out"), "back", "grants"),
        (_("Approved but turned away (places ran out)"), "there", "turned_away"),
        (_("Waiting for the brake at the year's end"), "there", "paused"),
        (_("People present, come in"), "there", "stock"),
        (_("People present, gone out"), "back", "stock"),
    )
    for label, side, name in measures:
        cells = []
        for final in finals:
            measured = getattr(final, side) if final is not None else None
            band = getattr(measured, name) if measured is not None else None
            cells.append(_odds_text(band) if name == "odds" else band_text(band))
        rows.append((label, cells))
    rows.append(
        (
            _("Balance of grants (in less out)"),
            [band_text(f.balance if f else None) for f in finals],
        )
    )
    return rows


def _odds_text(band: Band | None) -> str:
    if band is None:
        return _("no ballot")
    return f"{band.mean:.0%} ({band.low:.0%} to {band.high:.0%})"


@router.get("/statistics/simulator")
def simulator(request: Request) -> Response:
    """The form, and once asked, the designs side by side in a table and charts."""
    ctx = context_of(request)
    query = request.query_params
    asked = Asked(
        schemes=tuple(dict.fromkeys(query.getlist("scheme"))) or DESIGNS,  # each once
        demand=query.get("demand", simulation.DEFAULT_DEMAND),
        years=query.get("years", str(MOST_YEARS)),
        runs=query.get("runs", str(RUNS[0])),
        seed=query.get("seed", "0"),
    )
    known = [
        scheme_id
        for scheme_id in ctx.catalogue.ids()
        if ctx.catalogue.latest(scheme_id).allocations
    ]
    demands = [path.stem for path in simulation.shipped_demand_files()]
    errors, years, runs, seed = _read(asked, known, demands)
    comparison = None
    if not errors:
        try:
            comparison = _compared(request, (asked.schemes, asked.demand, years, runs, seed))
        except (InvalidInputError, NotFoundError) as error:
            errors["scheme"] = str(error)
    schemes = {scheme_id: ctx.catalogue.latest(scheme_id) for scheme_id in known}
    titles = {scheme_id: scheme.title for scheme_id, scheme in schemes.items()}
    return render(
        request,
        "statistics/simulator.html",
        status=400 if errors else 200,
        errors=errors,
        asked=asked,
        designs=[(scheme_id, scheme_id, titles[scheme_id]) for scheme_id in known],
        demands=[(name, name) for name in demands],
        runs_options=[(str(n), f"{n:,}", None) for n in RUNS],
        comparison=comparison,
        charts=_charts(comparison) if comparison else [],
        band_text=band_text,
        rows=_side_by_side(comparison) if comparison else [],
        hub=_hub_name(comparison, schemes) if comparison else "",
        assumptions={
            design_id(outcome): schemes[design_id(outcome)].assumptions()
            for outcome in (comparison.outcomes if comparison else ())
            if design_id(outcome) in schemes
        },
        design_id=design_id,
        form=False,
    )
