"""Ballot windows as tables for people."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from yms.ballot.services.status import WindowStatus


def _when(status: WindowStatus) -> str:
    return f"{status.opens_at:%Y-%m-%d %H:%M} to {status.closes_at:%Y-%m-%d %H:%M} UTC"


def window_table(status: WindowStatus) -> Table:
    """One window: what it is, where it stands, and its published values."""
    table = Table(title=f"Ballot window {status.window_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    rows = [
        ("scheme", f"{status.scheme_id}@{status.scheme_version}"),
        ("allocation", f"{status.allocation_id} (round {status.ballot_round} of {status.year})"),
        ("open", _when(status)),
        ("state", status.state.value),
        ("places", f"{status.places:,}"),
        ("entries", f"{status.entries:,}"),
        ("invitations last", f"{status.invitation_expiry_days} days"),
        ("seed commitment", status.seed_commitment),
        ("beacon", status.beacon or "-"),
        ("entries digest", status.entries_digest or "-"),
        ("operator seed", status.operator_seed or "secret until the draw"),
        ("draw seed", status.draw_seed or "-"),
        ("invitation rounds", str(status.invitation_rounds)),
    ]
    rows += [(f"  {state}", f"{count:,}") for state, count in status.invitations.items()]
    for field, value in rows:
        table.add_row(field, value)
    return table


def windows_table(windows: Sequence[WindowStatus]) -> Table:
    """Every window, one row each."""
    table = Table(title="Ballot windows")
    for column in ("window", "allocation", "round", "open", "state", "places", "entries"):
        table.add_column(column)
    for status in windows:
        table.add_row(
            status.window_id,
            status.allocation_id,
            str(status.ballot_round),
            _when(status),
            status.state.value,
            f"{status.places:,}",
            f"{status.entries:,}",
        )
    return table
