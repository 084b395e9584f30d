"""`yms ballot`: windows, entries, the draw, invitations, and the auditor's commands."""

from __future__ import annotations

import typer

from yms.ballot.cli import auditor as ballot_files
from yms.ballot.cli import operator as ballot_operator

app = typer.Typer(help="Run ballots and check their draws.", no_args_is_help=True)
app.command("list")(ballot_operator.list_windows)
app.command("open")(ballot_operator.open_window)
app.command("enter")(ballot_operator.enter)
app.command("close")(ballot_operator.close)
app.command("draw")(ballot_operator.draw)
app.command("invite")(ballot_operator.invite)
app.command("accept")(ballot_operator.accept)
app.command("decline")(ballot_operator.decline)
app.command("expire")(ballot_operator.expire)
app.command("status")(ballot_operator.status)
app.command("publish")(ballot_operator.publish)
app.command("draw-file")(ballot_files.draw_file)
app.command("verify")(ballot_files.verify)
