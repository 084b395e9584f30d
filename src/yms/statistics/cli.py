"""`yms stats` and `yms stats export`: the running scheme in figures, and its open data.

`yms stats` prints every allocation's figures, each pair of parties' balance and
each quarter's outcomes, as the operator dashboard shows them (counted in SQL).
`yms stats export --quarter 2027Q1 --format csv|json` writes one ended quarter's
case outcomes with small counts withheld, as the public statistics page offers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from yms.statistics.domain.figures import Figures

app = typer.Typer(
    help="Statistics: the figures of running schemes, and open data by quarter.",
    invoke_without_command=True,
)

_JSON = typer.Option("--json", help="Print JSON instead of tables.")


def _number(value: int | None) -> str:
    return "uncapped" if value is None else f"{value:,}"


def _print_tables(figures: Figures) -> None:
    from rich.table import Table  # noqa: PLC0415 - commands import what they use

    from yms.platform.terminal import add_id_column, show  # noqa: PLC0415

    allocations = Table(title=f"Allocations on {figures.on:%d %B %Y}", title_justify="left")
    add_id_column(allocations, "allocation")
    headers = (
        "year", "places", "entries", "invited", "accepted", "declined", "expired",
        "applications", "granted", "refused", "withdrawn", "active", "brake",
    )  # fmt: skip
    for header in headers:
        allocations.add_column(header, justify="left" if header == "brake" else "right")
    for row in figures.allocations:
        brake = "-" if row.brake is None else f"{row.brake.state} ({row.brake.period})"
        counts = (
            row.entries, row.invited, row.accepted, row.declined, row.expired,
            row.submitted, row.granted, row.refused, row.withdrawn, row.active,
        )  # fmt: skip
        allocations.add_row(
            f"{row.scheme_id}/{row.allocation_id}",
            str(row.year),
            _number(row.places),
            *(f"{value:,}" for value in counts),
            brake,
        )
    show(allocations)
    pairs = Table(title="Balance between parties (grants each way)", title_justify="left")
    for header in ("scheme", "year", "parties", "→", "←", "balance", "present →", "present ←"):
        pairs.add_column(header, justify="left" if header in {"scheme", "parties"} else "right")
    for pair in figures.pairs:
        pairs.add_row(
            pair.scheme_id,
            str(pair.year),
            f"{pair.first} / {pair.second}",
            f"{pair.first_to_second:,}",
            f"{pair.second_to_first:,}",
            f"{pair.balance:+,}",
            f"{pair.present_first_in_second:,}",
            f"{pair.present_second_in_first:,}",
        )
    show(pairs)
    quarters = Table(title="Applications and outcomes by quarter", title_justify="left")
    for header in ("quarter", "applications", "granted", "refused", "withdrawn"):
        quarters.add_column(header, justify="right")
    for quarter in figures.quarters:
        quarters.add_row(
            str(quarter.quarter),
            *(
                f"{v:,}"
                for v in (quarter.submitted, quarter.granted, quarter.refused, quarter.withdrawn)
            ),
        )
    show(quarters)


def _as_json(figures: Figures) -> dict[str, object]:
    from dataclasses import asdict  # noqa: PLC0415

    return {
        "on": figures.on.isoformat(),
        "allocations": [
            {**asdict(row), "outstanding": row.outstanding, "places_left": row.places_left}
            for row in figures.allocations
        ],
        "pairs": [{**asdict(pair), "balance": pair.balance} for pair in figures.pairs],
        "quarters": [
            {**asdict(quarter), "quarter": str(quarter.quarter)} for quarter in figures.quarters
        ],
    }


@app.callback()
def stats(
    context: typer.Context,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Print every allocation's figures, each pair's balance and each quarter's outcomes."""
    if context.invoked_subcommand is not None:
        return
    from yms.platform.cli import service_context  # noqa: PLC0415 - keep `yms --help` fast
    from yms.platform.terminal import print_json  # noqa: PLC0415
    from yms.statistics.services.figures import figures  # noqa: PLC0415

    found = figures(service_context())
    if as_json:
        print_json(_as_json(found))
    else:
        _print_tables(found)


@app.command("export")
def export(
    quarter: Annotated[str, typer.Option("--quarter", help="The quarter, e.g. 2027Q1.")],
    form: Annotated[
        str, typer.Option("--format", help="csv or json.", case_sensitive=False)
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (else print).")
    ] = None,
) -> None:
    """Write one ended quarter's case outcomes, small counts withheld, as CSV or JSON."""
    from yms.kernel.errors import RefusedError  # noqa: PLC0415
    from yms.platform.cli import fail, service_context  # noqa: PLC0415
    from yms.statistics.domain.periods import Quarter  # noqa: PLC0415
    from yms.statistics.services import open_data  # noqa: PLC0415

    try:
        period = Quarter.parse(quarter)
    except ValueError as error:
        fail(f"--quarter: {error}")
    try:
        chosen = open_data.Format(form.lower())
    except ValueError:
        fail(f"--format: {form!r} is not one of csv, json")
    try:
        text = open_data.export(service_context(), period, chosen)
    except RefusedError as error:
        fail(str(error))
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
    typer.echo(f"wrote {output}", err=True)
