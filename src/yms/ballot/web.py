"""The public ballot pages, and journey 3, entering a ballot: details, check, confirmation.

The entry keeps only a keyed hash of the identity; the confirmation gives the
public entry reference and the seed commitment published when the window opened.
"""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from yms.accounts import services as accounts
from yms.ballot.domain.chances import BAND_LABELS, Prospect
from yms.ballot.domain.states import InvitationState, WindowState
from yms.ballot.services import public
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.chances import HistoryBasis, ballot_chances
from yms.ballot.services.entries import (
    EntryRequest,
    asks_previous_participation,
    enter_ballot,
    entries_of,
    nationalities_of,
)
from yms.kernel.dates import long_date
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.text import N_
from yms.platform.clock import today
from yms.platform.web import forms
from yms.platform.web.access import limited_both, require_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form, csrf_form_in_thread
from yms.platform.web.forms import FieldError, _
from yms.platform.web.idempotency import is_idempotency_key
from yms.platform.web.problems import problem
from yms.platform.web.rendering import render
from yms.platform.web.session_middleware import visit_of
from yms.platform.web.tags import Tag

router = APIRouter(include_in_schema=False)
WINDOW_TAGS = {
    WindowState.SCHEDULED: Tag(N_("Opens soon"), "blue"),
    WindowState.OPEN: Tag(N_("Open"), "green"),
    WindowState.ENDED: Tag(N_("Closed"), "grey"),
    WindowState.CLOSED: Tag(N_("Closed"), "grey"),
    WindowState.DRAWN: Tag(N_("Drawn"), "purple"),
}
TEMPLATE_GLOBALS: dict[str, object] = {
    "WindowState": WindowState,
    "InvitationState": InvitationState,
    "window_tags": WINDOW_TAGS,
    "Prospect": Prospect,
    "HistoryBasis": HistoryBasis,
    "band_labels": BAND_LABELS,
}


def _window(request: Request, window_id: str) -> Any:
    try:
        return ballot_windows.status(context_of(request), window_id)
    except NotFoundError:
        return None


def _answers(request: Request, window_id: str) -> dict[str, Any]:
    return visit_of(request).data(f"entry:{window_id}")


def _unconfirmed(request: Request, account_id: str) -> Response | None:
    """The page to confirm the e-mail address first (with a new link), if it is not confirmed.

    Shown before any identity is typed: an unconfirmed account cannot enter.
    """
    try:
        accounts.require_confirmed(context_of(request), account_id, to="enter a ballot")
    except RefusedError as error:
        return render(
            request, "accounts/confirm_first.html", status=403, form=False, reason=str(error)
        )
    return None


def _closed(request: Request, window: Any) -> Response:
    return render(request, "ballots/not_open.html", status=409, form=False, window=window)


@router.get("/ballots")
def ballots(request: Request) -> Response:
    """Every ballot window, by its allocation's name, with its closing time and status."""
    ctx = context_of(request)
    windows = ballot_windows.list_windows(ctx)
    return render(
        request,
        "ballots/list.html",
        form=False,
        windows=windows,
        titles=public.ballot_titles(ctx, windows),
    )


@router.get("/ballots/{window_id}")
def ballot(request: Request, window_id: str) -> Response:
    """One ballot: who it is for, its dates, places and state, and its published record."""
    ctx = context_of(request)
    try:
        page = public.ballot_page(ctx, window_id)
    except NotFoundError:
        return render(request, "errors/404.html", status=404, form=False)
    account_id = visit_of(request).account_id
    # The page's status has just counted the entries: an open window's are not counted again.
    chances = ballot_chances(ctx, window_id, account_id=account_id, entries=page.window.entries)
    return render(
        request,
        "ballots/window.html",
        form=False,
        page=page,
        entered=chances.mine is not None,
        chances=chances,
    )


@router.get("/ballots/{window_id}/record.json")
def record(request: Request, window_id: str) -> Response:
    """The published draw record, exactly as `yms ballot publish` writes it; 404 until then."""
    try:
        drawn = public.published_record(context_of(request), window_id)
    except NotFoundError:  # asked for as JSON, so answered as JSON
        return problem(
            404,
            "Not found",
            "There is no published draw record for this ballot: it has not been drawn and "
            "published yet, or there is no such ballot.",
            kind="not-found",
        )
    body = json.dumps(drawn.as_json(), indent=2) + "\n"
    return Response(body, media_type="application/json")


@router.get("/ballots/{window_id}/enter")
def details_page(request: Request, window_id: str) -> Response:
    """Identity details: passport number, nationality, date of birth."""
    account_id = require_role(request, "applicant")
    unconfirmed = _unconfirmed(request, account_id)
    if unconfirmed is not None:
        return unconfirmed
    window = _window(request, window_id)
    if window is None:
        return render(request, "errors/404.html", status=404, form=False)
    if window.state is not WindowState.OPEN:
        return _closed(request, window)
    if any(entry.window_id == window_id for entry in entries_of(context_of(request), account_id)):
        return RedirectResponse(f"/ballots/{window_id}", status_code=303)  # "You have entered"
    return _details(request, window, {})


def _details(request: Request, window: Any, errors: dict[str, str]) -> Response:
    ctx = context_of(request)
    return render(
        request,
        "ballots/details.html",
        status=400 if errors else 200,
        window=window,
        errors=errors,
        answers=_answers(request, window.window_id),
        nationalities=nationalities_of(ctx, window.window_id),
        asks_previous=asks_previous_participation(ctx, window.window_id),
    )


@router.post("/ballots/{window_id}/enter")
def details(request: Request, window_id: str) -> Response:
    """Check the details, keep them for the check-your-answers page."""
    form = csrf_form_in_thread(request)
    require_role(request, "applicant")
    window = _window(request, window_id)
    if window is None or window.state is not WindowState.OPEN:
        return _closed(request, window)
    answers = _answers(request, window_id)
    answers.pop("entered", None)
    answers.update(
        {
            "passport_number": forms.text(form, "passport-number"),
            "nationality": forms.text(form, "nationality"),
            "typed_date_of_birth": forms.typed_date(form, "date-of-birth"),
        }
    )
    visit_of(request).changed_data()
    errors: dict[str, str] = {}
    try:
        answers["passport_normalised"] = forms.passport_number(form, "passport-number")
    except FieldError as error:
        errors[error.field] = error.message
    codes = {code for code, _name in nationalities_of(context_of(request), window_id)}
    if answers["nationality"] not in codes:
        errors["nationality"] = _("Select the nationality on your passport")
    try:
        born = forms.read_date(
            form, "date-of-birth", _("Date of birth"), enter=_("Enter your date of birth")
        )
        answers["date_of_birth"] = born.isoformat() if born else None
    except FieldError as error:
        errors[error.field] = error.message
    else:
        if born is not None and born >= today(context_of(request).clock):
            errors["date-of-birth"] = _("Date of birth must be in the past")
    if asks_previous_participation(context_of(request), window_id):
        try:
            answers["previous_participation"] = forms.yes_no(
                form, "previous", _("Select yes if you have been on this scheme before")
            )
        except FieldError as error:
            errors[error.field] = error.message
    if errors:
        return _details(request, window, errors)
    return RedirectResponse(f"/ballots/{window_id}/check-answers", status_code=303)


@router.get("/ballots/{window_id}/check-answers")
def check_answers(request: Request, window_id: str) -> Response:
    """Check your answers before entering."""
    require_role(request, "applicant")
    window = _window(request, window_id)
    answers = _answers(request, window_id)
    if answers.get("entered"):  # back after entering: the identity is gone, the entry is not
        return RedirectResponse(f"/ballots/{window_id}/entered", status_code=303)
    if window is None or not answers.get("date_of_birth"):
        return RedirectResponse(f"/ballots/{window_id}/enter", status_code=303)
    names = dict(nationalities_of(context_of(request), window_id))
    change = f"/ballots/{window_id}/enter"
    previous = answers.get("previous_participation")
    rows = [
        (_("Passport number"), answers["passport_normalised"], change, _("passport number")),
        (_("Nationality"), names.get(answers["nationality"], ""), change, _("nationality")),
        (
            _("Date of birth"),
            long_date(date.fromisoformat(answers["date_of_birth"])),
            change,
            _("date of birth"),
        ),
    ]
    if previous is not None:
        rows.append(
            (
                _("Been on this scheme before"),
                _("Yes") if previous else _("No"),
                change,
                _("whether you have been on this scheme before"),
            )
        )
    return render(
        request,
        "ballots/check_answers.html",
        window=window,
        rows=rows,
        idempotency_key=secrets.token_urlsafe(18),
    )


def _idempotency_key(sent: object) -> str | None:
    """The form's key, if it is one this service could have made.

    A page from before keys, or an edited one, enters without: the account's one
    entry per window still holds.
    """
    return sent if isinstance(sent, str) and is_idempotency_key(sent) else None


@router.post("/ballots/{window_id}/confirm")
async def confirm(request: Request, window_id: str) -> Response:
    """Enter the ballot. Submitting twice gives the same entry."""
    form = await csrf_form(request)
    # The database work runs off the event loop, so one slow commit holds up no one else.
    return await run_in_threadpool(_confirm, request, window_id, form.get("idempotency_key"))


def _confirm(request: Request, window_id: str, key: object) -> Response:
    account_id = require_role(request, "applicant")
    limited_both(request, "ballot-entry", "ballot-entry-account", account_id)
    unconfirmed = _unconfirmed(request, account_id)
    if unconfirmed is not None:
        return unconfirmed
    visit = visit_of(request)
    answers = _answers(request, window_id)
    if answers.get("entered"):  # a second press of the button: the same entry
        return RedirectResponse(f"/ballots/{window_id}/entered", status_code=303)
    if not answers.get("date_of_birth"):
        return RedirectResponse(f"/ballots/{window_id}/enter", status_code=303)
    entry = EntryRequest(
        window_id=window_id,
        passport_number=answers["passport_number"],
        nationality=answers["nationality"],
        date_of_birth=date.fromisoformat(answers["date_of_birth"]),
        account_id=account_id,
        previous_participation=answers.get("previous_participation"),
        idempotency_key=_idempotency_key(key),
    )
    try:
        enter_ballot(visit.ctx, entry, account_confirmed=True)  # `_unconfirmed` just looked
    except (RefusedError, InvalidInputError, NotFoundError) as error:
        return render(
            request,
            "ballots/refused.html",
            status=409,
            form=False,
            reason=str(error),
            check_url=f"/ballots/{window_id}/check-answers",  # a mistyped date can be put right
        )
    # The identity has served: keep only that it did, for a second press of the button.
    visit.finish_journey(f"entry:{window_id}", entered=True)
    return RedirectResponse(f"/ballots/{window_id}/entered", status_code=303)


@router.get("/ballots/{window_id}/entered")
def entered(request: Request, window_id: str) -> Response:
    """The confirmation: the entry reference, the seed commitment, and the chances."""
    account_id = require_role(request, "applicant")
    ctx = context_of(request)
    mine = [e for e in entries_of(ctx, account_id) if e.window_id == window_id]
    if not mine:
        return RedirectResponse(f"/ballots/{window_id}/enter", status_code=303)
    chances = ballot_chances(ctx, window_id, account_id=account_id)
    return render(request, "ballots/entered.html", form=False, entry=mine[0], chances=chances)
