"""`yms schemes`: the shipped scheme versions, as readable tables."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yms.platform.cli import fail

app = typer.Typer(help="List and show scheme versions.", no_args_is_help=True)


@app.command("list")
def list_schemes(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every scheme version, those in force first: id, version, status, dates and size."""
    from rich.console import Console  # noqa: PLC0415 - commands import what they use

    from yms.schemes.catalogue import shipped  # noqa: PLC0415
    from yms.schemes.report import schemes_json, schemes_table  # noqa: PLC0415

    if as_json:
        print(json.dumps(schemes_json(shipped().schemes), indent=2))  # noqa: T201 - the output
        return
    Console().print(schemes_table(shipped().schemes))


@app.command("show")
def show(
    scheme_id: Annotated[str, typer.Argument(metavar="ID", help="Scheme id, e.g. uk-yms.")],
    version: Annotated[str | None, typer.Option(help="A version (default: the newest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scheme as JSON.")] = False,
) -> None:
    """Show a scheme: arrangements, requirements with rule references, allocations, fees."""
    from rich.console import Console  # noqa: PLC0415 - commands import what they use

    from yms.schemes.catalogue import UnknownSchemeError, shipped  # noqa: PLC0415
    from yms.schemes.report import scheme_report  # noqa: PLC0415

    catalogue = shipped()
    try:
        scheme = catalogue.get(scheme_id, version) if version else catalogue.latest(scheme_id)
    except UnknownSchemeError as error:
        fail(str(error.args[0]))
    if as_json:
        print(json.dumps(scheme.model_dump(mode="json"), indent=2, ensure_ascii=False))  # noqa: T201
        return
    console = Console()
    for part in scheme_report(scheme):
        console.print(part)
