"""The root of the `yms` command."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from yms import __version__
from yms.accounts import cli as accounts
from yms.ballot import cli as ballot
from yms.cli import serve, worker
from yms.demo import cli as demo
from yms.eligibility import cli as eligibility
from yms.migrations import cli as database
from yms.platform.audit import cli as audit
from yms.platform.jobs import cli as jobs
from yms.platform.mail import cli as mail
from yms.schemes import cli as schemes
from yms.statistics import cli as statistics
from yms.statistics import cli_simulate as simulate
from yms.status import cli as status

app = typer.Typer(
    name="yms",
    help="Run reciprocal youth mobility schemes: schemes, eligibility, ballots, accounts, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(schemes.app, name="schemes")
app.add_typer(eligibility.app, name="eligibility")
app.add_typer(ballot.app, name="ballot")
app.add_typer(accounts.app, name="accounts")
app.add_typer(accounts.users_app, name="users")
app.add_typer(accounts.tokens_app, name="tokens")
app.add_typer(status.app, name="status")
app.add_typer(statistics.app, name="stats")
app.add_typer(simulate.app, name="simulate")
app.add_typer(audit.app, name="audit")
app.add_typer(jobs.app, name="jobs")
app.add_typer(mail.app, name="mail")
app.add_typer(database.app, name="db")
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)


def _show_version(value: bool) -> None:
    if value:
        print(f"yms {__version__}")  # noqa: T201 - the command's output
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[  # noqa: ARG001 - acted on by its eager callback
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Run reciprocal youth mobility schemes: schemes, eligibility and ballots."""
    from yms.platform.logs import configure_logging  # noqa: PLC0415 - keep `yms --help` fast

    configure_logging(as_json=not sys.stderr.isatty())


def main() -> None:
    """Entry point of the `yms` command."""
    app()
