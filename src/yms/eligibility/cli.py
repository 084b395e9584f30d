"""`yms eligibility`: check one applicant, given as JSON, against a scheme."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from yms.platform.cli import fail

app = typer.Typer(help="Check eligibility.", no_args_is_help=True)


def _read(file: Path | None) -> bytes:
    if file is None or str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")


@app.command("check")
def check(
    scheme: Annotated[str, typer.Option("--scheme", help="Scheme id, e.g. uk-yms.")],
    file: Annotated[
        Path | None,
        typer.Argument(metavar="[FILE]", help="Applicant JSON (default: standard input)."),
    ] = None,
) -> None:
    """Print the eligibility result as JSON.

    Exit 0 whenever a result is produced, eligible or not; exit 2, with one line on
    standard error, when the input cannot be used.
    """
    from yms.eligibility.services import check_eligibility, parse_applicant  # noqa: PLC0415
    from yms.kernel.errors import InvalidInputError  # noqa: PLC0415
    from yms.platform.clock import SystemClock  # noqa: PLC0415 - commands import what they use
    from yms.schemes.catalogue import shipped  # noqa: PLC0415

    try:
        applicant = parse_applicant(_read(file))
        result = check_eligibility(shipped(), scheme, applicant, clock=SystemClock())
    except InvalidInputError as error:
        fail(f"bad input: {error.problems[0]}")
    print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))  # noqa: T201
