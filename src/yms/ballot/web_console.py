"""The operator's ballot console: every window, scheduling one, and moving each on.

The web face of `yms ballot list|open|status|close|draw|publish|invite`: each
action is one service call, made only once the operator has ticked its
confirmation, and audited under the operator's id. As at the command line, the
service makes and seals the operator seed when a window is scheduled; the pages
show its commitment, and the seed itself only once the draw has revealed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from yms.accounts.domain import Role
from yms.ballot.domain.record import DrawRecord
from yms.ballot.domain.states import InvitationState, WindowState
from yms.ballot.services import public
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.invitations import invite_round
from yms.ballot.services.status import WindowStatus
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.text import N_
from yms.platform.context import ServiceContext
from yms.platform.web import forms
from yms.platform.web.access import require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.rendering import render
from yms.platform.web.tags import Tag

router = APIRouter(prefix="/operator/ballots", include_in_schema=False)
T = TypeVar("T")

# The operator needs to tell a window waiting to be closed from one closed.
STATE_TAGS = {
    WindowState.SCHEDULED: Tag(N_("Scheduled"), "blue"),
    WindowState.OPEN: Tag(N_("Open"), "green"),
    WindowState.ENDED: Tag(N_("Ended"), "orange"),
    WindowState.CLOSED: Tag(N_("Closed"), "grey"),
    WindowState.DRAWN: Tag(N_("Drawn"), "purple"),
}
INVITATION_LABELS = {
    InvitationState.ISSUED: N_("Issued, not yet answered"),
    InvitationState.ACCEPTED: N_("Accepted"),
    InvitationState.DECLINED: N_("Declined"),
    InvitationState.EXPIRED: N_("Expired"),
}
# What each action's banner says once done (`?done=` after the redirect).
DONE = {
    "scheduled": N_("The window is scheduled: publish its seed commitment before it opens"),
    "closed": N_("The window is closed: its entries are frozen and the beacon recorded"),
    "drawn": N_("The draw is done: the order of the waiting list is fixed"),
    "published": N_("The draw record is published for anyone to check"),
    "invited": N_("Round {round} of invitations is issued"),
}
# The address of the scheduling form: a window may not take it as its id.
NEW = "new"
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
MAX_ROUND = 99
MAX_PLACES = 10_000_000
MAX_EXPIRY_DAYS = 365


def _sentence(message: str) -> str:
    """A service's message as a page shows it: a sentence starting with a capital."""
    return message[:1].upper() + message[1:]


def _confirmed(form: FormData) -> bool:
    return forms.text(form, "confirm") == "yes"


def _waiting(window: WindowStatus) -> int:
    """Drawn entries not yet invited: each entry is invited at most once."""
    return window.entries - sum(window.invitations.values())


def next_step(window: WindowStatus, *, published: bool) -> str:
    """What the operator does next with `window`, as an English template marked with `N_`."""
    steps = {
        WindowState.SCHEDULED: N_("None until it opens"),
        WindowState.OPEN: N_("None until it ends"),
        WindowState.ENDED: N_("Close it with the beacon value"),
        WindowState.CLOSED: N_("Run the draw"),
    }
    if window.state in steps:
        return steps[window.state]
    if not published:
        return N_("Publish the draw record")
    if window.places_filled < window.places and _waiting(window) > 0:
        return N_("Invite a round")
    return N_("None: every place is held, or everyone drawn is invited")


def _window(ctx: ServiceContext, window_id: str) -> WindowStatus:
    try:
        return ballot_windows.status(ctx, window_id)
    except NotFoundError:
        raise HTTPException(status_code=404) from None


# --- every window ---------------------------------------------------------------------------


@router.get("")
def ballots(request: Request) -> Response:
    """Every ballot window with its counts and the next thing to do with it."""
    require_role(request, Role.OPERATOR)
    ctx = context_of(request)
    windows = ballot_windows.list_windows(ctx)
    drawn = [w.window_id for w in windows if w.state is WindowState.DRAWN]
    published = public.published_windows(ctx, drawn)
    return render(
        request,
        "operator/ballots/list.html",
        form=False,
        windows=windows,
        titles=public.ballot_titles(ctx, windows),
        steps={w.window_id: next_step(w, published=w.window_id in published) for w in windows},
        tags=STATE_TAGS,
    )


# --- scheduling a window --------------------------------------------------------------------


def _allocations(ctx: ServiceContext) -> dict[str, ballot_windows.BallotAllocation]:
    """The allocations a window may be opened for, by the form's value for each."""
    return {
        f"{choice.scheme_id}/{choice.allocation_id}": choice
        for choice in ballot_windows.ballot_allocations(ctx)
    }


def _schedule_page(
    request: Request, typed: dict[str, object], errors: dict[str, str] | None = None
) -> Response:
    allocations = _allocations(context_of(request))
    return render(
        request,
        "operator/ballots/new.html",
        status=400 if errors else 200,
        errors=errors or {},
        typed=typed,
        allocations=[
            (value, _("{allocation} ({scheme})").format(allocation=a.title, scheme=a.scheme_title))
            for value, a in allocations.items()
        ],
    )


@router.get("/new")
def schedule_page(request: Request) -> Response:
    """The form to schedule a window: its allocation, round, and when it opens and closes."""
    require_role(request, Role.OPERATOR)
    return _schedule_page(request, {"round": "1"})


def _typed(form: FormData) -> dict[str, object]:
    """What was typed, to show again beside any mistakes."""
    fields = ("window", "allocation", "round", "opens-time", "closes-time", "places", "expiry-days")
    return {
        **{field: forms.text(form, field) for field in fields},
        "opens": forms.typed_date(form, "opens"),
        "closes": forms.typed_date(form, "closes"),
    }


def _window_id(form: FormData) -> str:
    typed = forms.text(form, "window").lower()
    if not typed:
        raise FieldError("window", _("Enter a window id"))
    if typed == NEW or not ballot_windows.WINDOW_ID.match(typed):
        raise FieldError(
            "window",
            _(
                "Window id must be 2 to 100 lower-case letters, digits and dashes, "
                "like hk-2027-1, and not start or end with a dash"
            ),
        )
    return typed


def _instant(form: FormData, field: str, *, date_name: str, time_name: str) -> datetime:
    """A date (three boxes) and a time (HH:MM, UTC) as one instant, or `FieldError`."""
    day = forms.read_date(form, field, date_name)
    typed = forms.text(form, f"{field}-time")
    if not typed:
        raise FieldError(f"{field}-time", _("Enter {name}").format(name=time_name.lower()))
    found = _TIME.fullmatch(typed)
    if day is None or found is None:
        raise FieldError(
            f"{field}-time",
            _("{name} must be a time on the 24-hour clock, like 09:00").format(name=time_name),
        )
    return datetime.combine(day, time(int(found[1]), int(found[2])), tzinfo=UTC)


def _optional_number(form: FormData, field: str, name: str, *, maximum: int) -> int | None:
    if not forms.text(form, field):
        return None
    number = forms.whole_number(form, field, name, maximum=maximum)
    if number < 1:
        raise FieldError(field, _("{name} must be 1 or more").format(name=name.capitalize()))
    return number


def _collect(errors: dict[str, str], read: Callable[[], T]) -> T | None:
    """What `read` reads, or `None` with its message kept in `errors`."""
    try:
        return read()
    except FieldError as error:
        errors[error.field] = error.message
        return None


def _round(form: FormData) -> int:
    ballot_round = forms.whole_number(form, "round", _("round"), maximum=MAX_ROUND)
    if ballot_round < 1:
        raise FieldError("round", _("Round must be 1 or more"))
    return ballot_round


# The form's fields in the order the page asks for them, as the error summary lists them.
SCHEDULE_FIELDS = (
    "window",
    "allocation",
    "round",
    "opens",
    "opens-time",
    "closes",
    "closes-time",
    "places",
    "expiry-days",
)


def _read_plan(
    form: FormData, allocations: dict[str, ballot_windows.BallotAllocation]
) -> tuple[ballot_windows.WindowPlan | None, dict[str, str]]:
    """The plan typed on the form, or what is wrong with it, field by field."""
    errors: dict[str, str] = {}
    window_id = _collect(errors, lambda: _window_id(form))
    chosen = _collect(
        errors,
        lambda: forms.choice(form, "allocation", set(allocations), _("Select the allocation")),
    )
    ballot_round = _collect(errors, lambda: _round(form))
    opens = _collect(
        errors,
        lambda: _instant(form, "opens", date_name=_("Opening date"), time_name=_("Opening time")),
    )
    closes = _collect(
        errors,
        lambda: _instant(form, "closes", date_name=_("Closing date"), time_name=_("Closing time")),
    )
    places = _collect(
        errors, lambda: _optional_number(form, "places", _("places"), maximum=MAX_PLACES)
    )
    expiry_days = _collect(
        errors,
        lambda: _optional_number(
            form, "expiry-days", _("days an invitation lasts"), maximum=MAX_EXPIRY_DAYS
        ),
    )
    if opens is not None and closes is not None and closes <= opens:
        errors["closes"] = _("The window must close after it opens")
    if (  # each is `None` only when its field has an error
        errors
        or window_id is None
        or chosen is None
        or ballot_round is None
        or opens is None
        or closes is None
    ):
        return None, {field: errors[field] for field in SCHEDULE_FIELDS if field in errors}
    allocation = allocations[chosen]
    plan = ballot_windows.WindowPlan(
        window_id=window_id,
        scheme_id=allocation.scheme_id,
        allocation_id=allocation.allocation_id,
        ballot_round=ballot_round,
        opens_at=opens,
        closes_at=closes,
        places=places,
        invitation_expiry_days=expiry_days,
    )
    return plan, {}


# The service's fields, as the form names them.
_PLAN_FIELDS = {
    "window": "window",
    "scheme": "allocation",
    "allocation": "allocation",
    "round": "round",
    "opens_at": "opens",
    "closes_at": "closes",
    "places": "places",
    "invitation_expiry_days": "expiry-days",
}


@router.post("/new")
def schedule(request: Request) -> Response:
    """Schedule a window: the service makes and seals its operator seed, and commits to it."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)
    ctx = context_of(request)
    typed = _typed(form)
    plan, errors = _read_plan(form, _allocations(ctx))
    if plan is None:
        return _schedule_page(request, typed, errors)
    try:
        ballot_windows.open_window(ctx, plan, actor=operator_id)
    except InvalidInputError as error:  # e.g. no version of the scheme in force on that date
        problems = {
            _PLAN_FIELDS.get(p.path, "window"): _sentence(p.message) for p in error.problems
        }
        return _schedule_page(request, typed, problems)
    except RefusedError as error:  # the id is taken, or the round has a window already
        field = "window" if _taken(ctx, plan.window_id) else "round"
        return _schedule_page(request, typed, {field: _sentence(str(error))})
    return RedirectResponse(f"/operator/ballots/{plan.window_id}?done=scheduled", status_code=303)


def _taken(ctx: ServiceContext, window_id: str) -> bool:
    try:
        ballot_windows.status(ctx, window_id)
    except NotFoundError:
        return False
    return True


# --- one window, and moving it on -----------------------------------------------------------


def _window_page(
    request: Request,
    window: WindowStatus,
    *,
    errors: dict[str, str] | None = None,
    beacon: str = "",
    done: str = "",
) -> Response:
    ctx = context_of(request)
    published = bool(public.published_windows(ctx, [window.window_id]))
    banner = _(DONE[done]).format(round=window.invitation_rounds) if done in DONE else ""
    return render(
        request,
        "operator/ballots/window.html",
        status=400 if errors else 200,
        errors=errors or {},
        window=window,
        title=public.ballot_titles(ctx, [window])[window.window_id],
        tag=STATE_TAGS[window.state],
        next_step=next_step(window, published=published),
        published=published,
        invitations=[
            (INVITATION_LABELS[state], window.invitations.get(state, 0))
            for state in INVITATION_LABELS
        ],
        invited=sum(window.invitations.values()),
        waiting=_waiting(window) if window.state is WindowState.DRAWN else None,
        beacon=beacon,
        banner=banner,
    )


@router.get("/{window_id}")
def window_page(request: Request, window_id: str, done: str = "") -> Response:
    """One window: its status, and the actions its state allows."""
    require_role(request, Role.OPERATOR)
    window = _window(context_of(request), window_id)
    return _window_page(request, window, done=done)


CONFIRM_MESSAGES = {
    "close": N_("Confirm that you want to close this window"),
    "draw": N_("Confirm that you want to run the draw"),
    "publish": N_("Confirm that you want to publish the draw record"),
    "invite": N_("Confirm that you want to invite a round"),
}
DONE_BY_ACTION = {"close": "closed", "draw": "drawn", "publish": "published", "invite": "invited"}
# An action: it acts, or says what is wrong, field by field.
Action = Callable[[ServiceContext], dict[str, str]]


def _act(
    request: Request,
    form: FormData,
    window_id: str,
    action: str,
    act: Action,
    *,
    beacon: str = "",
    errors: dict[str, str] | None = None,
) -> Response:
    """Check the confirmation, act, and show any refusal beside the action (400); else 303."""
    ctx = context_of(request)
    window = _window(ctx, window_id)
    errors = dict(errors or {})
    field = f"confirm-{action}"
    if not _confirmed(form):
        errors[field] = _(CONFIRM_MESSAGES[action])
    if errors:  # nothing is done
        return _window_page(request, window, errors=errors, beacon=beacon)
    try:
        errors = act(ctx)
    except RefusedError as error:  # not in the state for it: the service says why
        errors = {field: _sentence(str(error))}
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    if errors:
        return _window_page(request, _window(ctx, window_id), errors=errors, beacon=beacon)
    done = DONE_BY_ACTION[action]
    return RedirectResponse(f"/operator/ballots/{window_id}?done={done}", status_code=303)


@router.post("/{window_id}/close")
def close(request: Request, window_id: str) -> Response:
    """Close an ended window with the beacon value: its entries are frozen."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)
    beacon = forms.text(form, "beacon")

    def close_it(ctx: ServiceContext) -> dict[str, str]:
        try:
            ballot_windows.close_window(ctx, window_id, beacon, actor=operator_id)
        except InvalidInputError:
            return {
                "beacon": _(
                    "Beacon value must be an even number of hex digits (0 to 9 and a to f), "
                    "at most 256"
                )
            }
        return {}

    missing = {} if beacon else {"beacon": _("Enter the beacon value")}
    return _act(request, form, window_id, "close", close_it, beacon=beacon, errors=missing)


@router.post("/{window_id}/draw")
def draw(request: Request, window_id: str) -> Response:
    """Run the draw of a closed window: the operator seed is revealed, the order fixed."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)

    def draw_it(ctx: ServiceContext) -> dict[str, str]:
        ballot_windows.run_draw(ctx, window_id, actor=operator_id)
        return {}

    return _act(request, form, window_id, "draw", draw_it)


def _served(_record: DrawRecord) -> None:
    """Nothing to write: once published, the portal serves the record from the database."""


@router.post("/{window_id}/publish")
def publish(request: Request, window_id: str) -> Response:
    """Publish the draw record: the portal serves it at /ballots/WINDOW/record.json from now on."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)

    def publish_it(ctx: ServiceContext) -> dict[str, str]:
        if public.published_windows(ctx, [window_id]):
            return {"confirm-publish": _("The draw record is already published")}
        ballot_windows.publish_record(ctx, window_id, _served, actor=operator_id)
        return {}

    return _act(request, form, window_id, "publish", publish_it)


@router.post("/{window_id}/invite")
def invite(request: Request, window_id: str) -> Response:
    """Invite the next round: the next entries in the drawn order, one for each free place."""
    form = csrf_form_in_thread(request)
    operator_id = require_role(request, Role.OPERATOR)

    def invite_it(ctx: ServiceContext) -> dict[str, str]:
        issued = invite_round(ctx, window_id, actor=operator_id)
        if not issued.invitations:
            return {"confirm-invite": _("Nobody is left to invite: everyone drawn is invited")}
        return {}

    return _act(request, form, window_id, "invite", invite_it)
