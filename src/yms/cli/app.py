"""The root of the `yms` command and how it reports errors."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer

from yms import __version__

app = typer.Typer(
    name="yms",
    help="Run reciprocal youth mobility schemes: schemes, eligibility and ballots.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)

#: Exit codes: a result was produced; a check found a mismatch; the input was bad.
EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_BAD_INPUT = 2


def fail(reason: str, *, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line saying what is wrong, on standard error, and exit with `code`."""
    print(f"yms: {reason}", file=sys.stderr)  # noqa: T201 - the command's own error channel
    raise typer.Exit(code)


def _show_version(value: bool) -> None:
    if value:
        print(f"yms {__version__}")  # noqa: T201 - the command's output
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Run reciprocal youth mobility schemes: schemes, eligibility and ballots."""


def _register() -> None:
    # Sub-commands import this module for `app` and `fail`, so they register here.
    from yms.cli import demo, eligibility, schemes  # noqa: PLC0415

    app.add_typer(schemes.app, name="schemes")
    app.add_typer(eligibility.app, name="eligibility")
    app.command("demo")(demo.demo)


def main() -> None:
    """Entry point of the `yms` command."""
    _register()
    app()
