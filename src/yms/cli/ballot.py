"""`yms ballot`: windows, entries, the draw, invitations, and the auditor's commands."""

from __future__ import annotations

import typer

from yms.cli import ballot_files

app = typer.Typer(help="Run ballots and check their draws.", no_args_is_help=True)
app.command("draw-file")(ballot_files.draw_file)
app.command("verify")(ballot_files.verify)
