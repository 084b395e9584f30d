"""`yms ballot open|enter|close|draw|invite|accept|decline|expire|status|list|publish`.

The operator's view of database-backed ballots. Every command is one service
call; refusals exit 3 with the reason, bad input exits 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yms.platform.cli import fail

if TYPE_CHECKING:
    from yms.ballot.domain.record import DrawRecord
    from yms.ballot.services.status import WindowStatus

_WINDOW = typer.Argument(metavar="WINDOW", help="Ballot window id, e.g. hk-2027-1.")


_JSON = typer.Option("--json", help="Print JSON instead of a table.")


def _print_status(status: WindowStatus, *, as_json: bool) -> None:
    from yms.ballot.cli.report import window_table  # noqa: PLC0415 - commands import what they use
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    if as_json:
        print_json(window_json(status))
    else:
        show(window_table(status))


def window_json(status: WindowStatus) -> dict[str, object]:
    """A window's status as JSON: the published fields, counts and invitations by state."""
    return {
        "window": status.window_id,
        "scheme": status.scheme_id,
        "scheme_version": status.scheme_version,
        "allocation": status.allocation_id,
        "year": status.year,
        "round": status.ballot_round,
        "state": status.state.value,
        "opens_at": status.opens_at.isoformat(),
        "closes_at": status.closes_at.isoformat(),
        "places": status.places,
        "invitation_expiry_days": status.invitation_expiry_days,
        "seed_commitment": status.seed_commitment,
        "entries": status.entries,
        "beacon": status.beacon,
        "entries_digest": status.entries_digest,
        "draw_seed": status.draw_seed,
        "operator_seed": status.operator_seed,
        "invitation_rounds": status.invitation_rounds,
        "invitations": status.invitations,
    }


def open_window(
    window: Annotated[str, _WINDOW],
    scheme: Annotated[str, typer.Option(help="Scheme id, e.g. uk-yms.")],
    allocation: Annotated[str, typer.Option(help="Allocation id, e.g. hong-kong-2025.")],
    opens: Annotated[str, typer.Option(help="Opening time, e.g. 2027-01-05T09:00Z.")],
    closes: Annotated[str, typer.Option(help="Closing time, e.g. 2027-01-07T09:00Z.")],
    ballot_round: Annotated[int, typer.Option("--round", help="Round of the year.")] = 1,
    places: Annotated[int | None, typer.Option(help="Places (default: the allocation's).")] = None,
    expiry_days: Annotated[
        int | None, typer.Option(help="Days an invitation lasts (default: the allocation's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Open a ballot window; prints the seed commitment to publish now."""
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import actor, parse_instant, reported, service_context  # noqa: PLC0415

    plan = ballot_windows.WindowPlan(
        window_id=window,
        scheme_id=scheme,
        allocation_id=allocation,
        ballot_round=ballot_round,
        opens_at=parse_instant("--opens", opens),
        closes_at=parse_instant("--closes", closes),
        places=places,
        invitation_expiry_days=expiry_days,
    )
    ctx = service_context()
    with reported():
        _print_status(ballot_windows.open_window(ctx, plan, actor=actor()), as_json=as_json)


def enter(
    window: Annotated[str, _WINDOW],
    passport: Annotated[str, typer.Option(help="Passport number.")],
    nationality: Annotated[str, typer.Option(help="Nationality, ISO 3166-1 alpha-2.")],
    date_of_birth: Annotated[str, typer.Option("--date-of-birth", help="YYYY-MM-DD.")],
    account: Annotated[str | None, typer.Option(help="Account entering, if any.")] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Enter a person in an open window (the portal does this for applicants)."""
    from yms.ballot.cli.report import entry_table  # noqa: PLC0415
    from yms.ballot.services.entries import EntryRequest, enter_ballot  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    try:
        born = date.fromisoformat(date_of_birth)
    except ValueError:
        fail("--date-of-birth must be a real date, YYYY-MM-DD")
    request = EntryRequest(window, passport, nationality.strip().upper(), born, account)
    ctx = service_context()
    with reported():
        receipt = enter_ballot(ctx, request, actor=actor())
    if not as_json:
        show(entry_table(receipt))
        return
    print_json(
        {
            "ref": receipt.ref,
            "window": receipt.window_id,
            "entered_at": receipt.entered_at.isoformat(),
            "seed_commitment": receipt.seed_commitment,
            "new": receipt.created,
        }
    )


def close(
    window: Annotated[str, _WINDOW],
    beacon: Annotated[str, typer.Option(help="The public beacon value fixed in advance, hex.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Close a window whose time is up: freeze its entries and record the beacon."""
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        _print_status(
            ballot_windows.close_window(ctx, window, beacon, actor=actor()), as_json=as_json
        )


def draw(
    window: Annotated[str, _WINDOW],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the draw of a closed window: reveal the operator seed, fix the order."""
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        _print_status(ballot_windows.run_draw(ctx, window, actor=actor()), as_json=as_json)


def invite(
    window: Annotated[str, _WINDOW],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Issue the next round of invitations; prints every invitation reference it creates."""
    from yms.ballot.cli.report import invitations_table  # noqa: PLC0415
    from yms.ballot.services.invitations import invite_round  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    ctx = service_context()
    with reported():
        issued = invite_round(ctx, window, actor=actor())
    if not as_json:
        show(invitations_table(issued))
        return
    print_json(
        {
            "window": issued.window_id,
            "round": issued.invitation_round,
            "issued": len(issued.invitations),
            "waiting": issued.waiting,
            "expires_at": issued.invitations[0].expires_at.isoformat()
            if issued.invitations
            else None,
            "invitations": [
                {
                    "ref": invitation.ref,
                    "entry": invitation.entry_ref,
                    "expires_at": invitation.expires_at.isoformat(),
                }
                for invitation in issued.invitations
            ],
        }
    )


def _respond(invitation: str, *, accept: bool, as_json: bool) -> None:
    from yms.ballot.cli.report import invitation_table  # noqa: PLC0415
    from yms.ballot.services.invitations import respond  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    ctx = service_context()
    with reported():
        view = respond(ctx, invitation, accept=accept, actor=actor())
    if as_json:
        print_json({"invitation": view.ref, "state": view.state.value})
    else:
        show(invitation_table(view))


_INVITATION = typer.Argument(metavar="INVITATION", help="Invitation ref, e.g. ITA-…")


def accept(
    invitation: Annotated[str, _INVITATION], as_json: Annotated[bool, _JSON] = False
) -> None:
    """Accept an invitation on its holder's behalf."""
    _respond(invitation, accept=True, as_json=as_json)


def decline(
    invitation: Annotated[str, _INVITATION], as_json: Annotated[bool, _JSON] = False
) -> None:
    """Decline an invitation on its holder's behalf; its place goes to the next round."""
    _respond(invitation, accept=False, as_json=as_json)


def expire(as_json: Annotated[bool, _JSON] = False) -> None:
    """Mark every unanswered invitation past its expiry as expired (the background job)."""
    from yms.ballot.services.invitations import expire_invitations  # noqa: PLC0415
    from yms.platform.cli import actor, service_context  # noqa: PLC0415
    from yms.platform.terminal import facts_table, print_json, show  # noqa: PLC0415

    expired = expire_invitations(service_context(), actor=actor())
    if as_json:
        print_json({"expired": expired})
    else:
        show(facts_table("Invitations expired", [("expired", f"{expired:,}")]))


def status(
    window: Annotated[str, _WINDOW],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a window: its state, entries, places, and invitations by state."""
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        _print_status(ballot_windows.status(ctx, window), as_json=as_json)


def list_windows(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every ballot window, the latest to open first."""
    from yms.ballot.cli.report import windows_table  # noqa: PLC0415 - commands import what they use
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import service_context  # noqa: PLC0415
    from yms.platform.terminal import print_json, show  # noqa: PLC0415

    windows = ballot_windows.list_windows(service_context())
    if as_json:
        print_json([window_json(w) for w in windows])
    else:
        show(windows_table(windows))


def publish(
    window: Annotated[str, _WINDOW],
    out: Annotated[Path, typer.Option("--out", help="Where to write the record (JSON).")],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Write the published record of a drawn window, for anyone to check with `verify`.

    The portal serves it too, at /ballots/WINDOW/record.json, from then on.
    """
    from yms.ballot.services import windows as ballot_windows  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415
    from yms.platform.terminal import facts_table, print_json, show  # noqa: PLC0415

    def write(record: DrawRecord) -> None:
        try:
            out.write_text(json.dumps(record.as_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {out}: {error.strerror}")

    ctx = service_context()
    with reported():
        record = ballot_windows.publish_record(ctx, window, write, actor=actor())
    summary: dict[str, str | int] = {
        "window": window,
        "out": str(out),
        "entries": len(record.entry_refs),
        "places": record.header.places,
    }
    if as_json:
        print_json(summary)
        return
    rows = [
        (name, f"{value:,}" if isinstance(value, int) else value) for name, value in summary.items()
    ]
    show(facts_table("Draw record published", rows))
