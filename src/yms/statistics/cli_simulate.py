"""`yms simulate`: run scheme designs against demand, compare them, and backtest on the record.

    yms simulate --scheme eu-uk-yes --demand eu-uk-illustrative --years 10
    yms simulate --scheme eu-uk-cap --compare eu-uk-brake --compare eu-uk-yes
    yms simulate designs          # the three designs on the table, side by side
    yms simulate backtest         # the UK scheme: calibrate, forecast, error per nationality

Every figure is the mean over the Monte Carlo runs with its 5th-95th percentile
band in brackets; ``--expected`` runs once on expected values instead (exact,
reproducible by hand). The same seed gives the same output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from yms.statistics.domain.backtest import Backtest
    from yms.statistics.domain.outcome import Band, Measures, Outcome, PairOutcome
    from yms.statistics.services.simulation import Comparison

app = typer.Typer(
    help="Simulate scheme designs against demand, compare them, and backtest on the record.",
    invoke_without_command=True,
)

_YEARS = typer.Option("--years", help="Years to simulate.")
_RUNS = typer.Option("--runs", help="Monte Carlo runs.")
_SEED = typer.Option("--seed", help="Seed of the runs: the same seed gives the same output.")
_EXPECTED = typer.Option("--expected", help="One run of expected values (no chance), exact.")
_START = typer.Option("--start-year", help="First year (default: the scheme's first allocation).")
_DEMAND = typer.Option("--demand", help="A demand file (TOML or CSV), or a shipped one's name.")
_PAIRS = typer.Option("--pairs", help="Also print every pair of parties in the last year.")
_JSON = typer.Option("--json", help="Print JSON instead of tables.")


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _band(band: Band | None, *, signed: bool = False, share: bool = False) -> str:
    if band is None:
        return "-"
    shown: Callable[[float], str] = (
        (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:+,.0f}" if signed else _whole(v))
    )
    if band.low == band.high:
        return shown(band.mean)
    return f"{shown(band.mean)} [{shown(band.low)} to {shown(band.high)}]"


def _measure(measures: Measures | None, name: str) -> str:
    if measures is None:
        return "-"
    band: Band | None = getattr(measures, name)
    return _band(band, share=name == "odds")


def _heading(comparison: Comparison) -> str:
    draws = (
        "expected values (one run)"
        if comparison.seed is None
        else f"{comparison.runs:,} runs, seed {comparison.seed}; mean [5th to 95th percentile]"
    )
    return f"Demand: {comparison.demand}. {draws}."


def _totals_table(comparison: Comparison) -> Table:
    from rich.table import Table  # noqa: PLC0415 - commands import what they use

    hubs = {outcome.hub for outcome in comparison.outcomes if outcome.total is not None}
    hub = hubs.pop() if len(hubs) == 1 else "the hub"
    table = Table(title=f"Each way, by year: into and out of {hub}", title_justify="left")
    headers = (
        "design", "year", f"entries into {hub}", f"odds into {hub}", f"grants into {hub}",
        f"grants out of {hub}", "balance (grants)", f"present in {hub}",
        f"{hub} nationals present abroad", f"paused into {hub}",
    )  # fmt: skip
    for header in headers:
        table.add_column(header, justify="left" if header == "design" else "right")
    for outcome in comparison.outcomes:
        if outcome.total is None:
            continue
        for year in outcome.total.years:
            table.add_row(
                outcome.scheme,
                str(year.year),
                _measure(year.there, "entries"),
                _measure(year.there, "odds"),
                _measure(year.there, "grants"),
                _measure(year.back, "grants"),
                _band(year.balance, signed=True),
                _measure(year.there, "stock"),
                _measure(year.back, "stock"),
                _measure(year.there, "paused"),
            )
        table.add_section()
    return table


def _pairs_table(outcome: Outcome) -> Table:
    from rich.table import Table  # noqa: PLC0415

    last = outcome.years[-1]
    table = Table(title=f"{outcome.scheme}, pairs of parties in {last}", title_justify="left")
    headers = (
        "pair", "odds →", "grants →", "grants ←", "balance (grants)", "present →",
        "present ←", "balance (present)",
    )  # fmt: skip
    for header in headers:
        table.add_column(header, justify="left" if header == "pair" else "right")
    pairs: list[PairOutcome] = [*outcome.pairs, *([outcome.total] if outcome.total else [])]
    for pair in pairs:
        year = pair.years[-1]
        table.add_row(
            f"{pair.a} → {pair.b}",
            _measure(year.there, "odds"),
            _measure(year.there, "grants"),
            _measure(year.back, "grants"),
            _band(year.balance, signed=True),
            _measure(year.there, "stock"),
            _measure(year.back, "stock"),
            _band(year.stock_balance, signed=True),
        )
    return table


def _notes(comparison: Comparison) -> list[str]:
    notes = [_heading(comparison)]
    notes.extend(
        f"{outcome.scheme} does not admit: {', '.join(outcome.unused)}."
        for outcome in comparison.outcomes
        if outcome.unused
    )
    notes.extend(dict.fromkeys(note for outcome in comparison.outcomes for note in outcome.notes))
    if comparison.assumptions:
        where = ", ".join(where for where, _ in comparison.assumptions)
        notes.append(f"Assumptions in the demand (each with its reason in the file): {where}.")
    if comparison.unmarked:
        unmarked = ", ".join(comparison.unmarked)
        notes.append(f"Values with no source and not marked as assumptions: {unmarked}.")
    return notes


def _as_json(comparison: Comparison) -> dict[str, object]:
    from dataclasses import asdict  # noqa: PLC0415

    return {**asdict(comparison), "years": list(comparison.years)}


def _print(comparison: Comparison, *, pairs: bool, as_json: bool) -> None:
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    if as_json:
        print_json(_as_json(comparison))
        return
    if any(outcome.total is not None for outcome in comparison.outcomes):
        show(_totals_table(comparison))
    for outcome in comparison.outcomes:
        if pairs or outcome.total is None:
            show(_pairs_table(outcome))
    for note in _notes(comparison):
        print(note)  # noqa: T201 - the command's output


def _run(
    scheme_ids: Sequence[str],
    *,
    demand: str,
    years: int,
    runs: int,
    seed: int,
    expected: bool,
    start_year: int | None,
    pairs: bool,
    as_json: bool,
) -> None:
    from yms.platform.cli import reported  # noqa: PLC0415
    from yms.statistics.services.simulation import compare_files  # noqa: PLC0415

    with reported():
        comparison = compare_files(
            scheme_ids,
            demand,
            years=years,
            runs=runs,
            seed=seed,
            expected=expected,
            start_year=start_year,
        )
    _print(comparison, pairs=pairs, as_json=as_json)


@app.callback()
def simulate(
    context: typer.Context,
    *,
    scheme: Annotated[
        str | None, typer.Option("--scheme", help="Scheme id (or ID@VERSION) to simulate.")
    ] = None,
    compare: Annotated[
        list[str] | None, typer.Option("--compare", help="Another scheme to run alongside.")
    ] = None,
    demand: Annotated[str, _DEMAND] = "eu-uk-illustrative",
    years: Annotated[int, _YEARS] = 10,
    runs: Annotated[int, _RUNS] = 1000,
    seed: Annotated[int, _SEED] = 0,
    expected: Annotated[bool, _EXPECTED] = False,
    start_year: Annotated[int | None, _START] = None,
    pairs: Annotated[bool, _PAIRS] = False,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Simulate a scheme (and others to compare) against a demand file, month by month."""
    if context.invoked_subcommand is not None:
        return
    from yms.platform.cli import fail  # noqa: PLC0415

    if scheme is None:
        fail("give --scheme ID (e.g. eu-uk-yes), or a command: designs, backtest")
    _run(
        [scheme, *(compare or [])],
        demand=demand,
        years=years,
        runs=runs,
        seed=seed,
        expected=expected,
        start_year=start_year,
        pairs=pairs,
        as_json=as_json,
    )


@app.command("designs")
def designs(
    *,
    demand: Annotated[str, _DEMAND] = "eu-uk-illustrative",
    years: Annotated[int, _YEARS] = 10,
    runs: Annotated[int, _RUNS] = 1000,
    seed: Annotated[int, _SEED] = 0,
    expected: Annotated[bool, _EXPECTED] = False,
    pairs: Annotated[bool, _PAIRS] = False,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Compare the three designs on the table: a cap (UK), a brake (EU), and both."""
    from yms.statistics.services.simulation import DESIGNS  # noqa: PLC0415

    _run(
        DESIGNS,
        demand=demand,
        years=years,
        runs=runs,
        seed=seed,
        expected=expected,
        start_year=None,
        pairs=pairs,
        as_json=as_json,
    )


def _backtest_table(result: Backtest) -> Table:
    from rich.table import Table  # noqa: PLC0415

    table = Table(
        title=f"Backtest of {result.scheme}: calibrated on earlier years, simulated the last",
        title_justify="left",
    )
    headers = (
        "nationality", "calibrated on", "published then", "applications a year", "year",
        "simulated [5th to 95th]", "published", "error", "error %",
    )  # fmt: skip
    for header in headers:
        table.add_column(header, justify="left" if header == "nationality" else "right")
    for row in result.rows:
        rounded = "≈" if row.approximate else ""
        table.add_row(
            row.nationality,
            ", ".join(str(year) for year in row.calibrated_on),
            f"{rounded}{row.published_then:,.0f}",
            _whole(row.applications_per_year),
            str(row.year),
            f"{row.simulated:,.0f} [{row.low:,.0f} to {row.high:,.0f}]",
            f"{row.published:,}",
            f"{row.error:+,.0f}",
            f"{row.error_share:+.1%}",
        )
    return table


@app.command("backtest")
def backtest(
    *,
    scheme: Annotated[str, typer.Option("--scheme", help="Scheme with published figures.")] = (
        "uk-yms"
    ),
    runs: Annotated[int, _RUNS] = 1000,
    seed: Annotated[int, _SEED] = 0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Calibrate demand on earlier published years, simulate the next, print the error."""
    from dataclasses import asdict  # noqa: PLC0415

    from yms.platform.cli import reported  # noqa: PLC0415
    from yms.platform.terminal import print_json, show  # noqa: PLC0415
    from yms.statistics.services.simulation import run_backtest  # noqa: PLC0415

    with reported():
        result = run_backtest(scheme, runs=runs, seed=seed)
    if as_json:
        rows = [
            {**asdict(row), "error": row.error, "error_share": row.error_share}
            for row in result.rows
        ]
        print_json({**asdict(result), "rows": rows})
        return
    show(_backtest_table(result))
    if result.one_year_only:
        print(f"Published for one year only, so not tested: {', '.join(result.one_year_only)}.")  # noqa: T201
    print(  # noqa: T201 - the command's output
        f"Mean absolute error {result.mean_absolute_share:.1%} over {len(result.rows)} series; "
        f"≈ marks figures their source rounds. {result.runs:,} runs, seed {result.seed}."
    )
