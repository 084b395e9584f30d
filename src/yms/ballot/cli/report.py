"""Ballot windows and invitations as tables for people; ids are never cut (platform.terminal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from yms.ballot.services.status import WindowStatus
from yms.platform.terminal import add_id_column, facts_table

if TYPE_CHECKING:
    from yms.ballot.services.entries import EntryReceipt
    from yms.ballot.services.invitations import InvitationRound, InvitationView


def _when(status: WindowStatus) -> str:
    return f"{status.opens_at:%Y-%m-%d %H:%M} to {status.closes_at:%Y-%m-%d %H:%M} UTC"


def window_table(status: WindowStatus) -> Table:
    """One window: what it is, where it stands, and its published values."""
    rows = [
        ("window", status.window_id),
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
    return facts_table(f"Ballot window {status.window_id}", rows)


def windows_table(windows: Sequence[WindowStatus]) -> Table:
    """Every window, one row each."""
    table = Table(title="Ballot windows", title_justify="left")
    add_id_column(table, "window")
    add_id_column(table, "allocation")
    for column in ("round", "open", "state", "places", "entries"):
        table.add_column(column, justify="right" if column in {"places", "entries"} else "left")
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


def entry_table(receipt: EntryReceipt) -> Table:
    """The entry made (or found again): its reference and the seed commitment."""
    return facts_table(
        "Ballot entry",
        [
            ("entry", receipt.ref),
            ("window", receipt.window_id),
            ("entered at", f"{receipt.entered_at:%Y-%m-%d %H:%M:%S} UTC"),
            ("seed commitment", receipt.seed_commitment),
            ("new", "yes" if receipt.created else "no, the same person entered before"),
        ],
    )


def invitations_table(issued: InvitationRound) -> Table:
    """One round of invitations: every reference it created, and what is left waiting."""
    table = Table(
        title=(
            f"Round {issued.invitation_round} of {issued.window_id}: "
            f"{len(issued.invitations):,} invited, {issued.waiting:,} waiting"
        ),
        title_justify="left",
    )
    add_id_column(table, "invitation")
    add_id_column(table, "entry")
    table.add_column("expires", no_wrap=True)
    for invitation in issued.invitations:
        table.add_row(
            invitation.ref, invitation.entry_ref, f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC"
        )
    return table


def invitation_table(view: InvitationView) -> Table:
    """One invitation, after an answer."""
    return facts_table(
        f"Invitation {view.ref}",
        [
            ("invitation", view.ref),
            ("entry", view.entry_ref),
            ("window", view.window_id),
            ("state", view.state.value),
            ("expires", f"{view.expires_at:%Y-%m-%d %H:%M} UTC"),
        ],
    )
