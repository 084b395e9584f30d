"""Journey 1, "Check if you can apply": anonymous, one question per page.

Scheme first, then nationality (and destination where there is a choice), then
only the questions the scheme's requirements need; the answer explains each
requirement in plain words with its rule reference, and links to an open ballot.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.ballot.domain.states import WindowState
from yms.ballot.services import windows as ballot_windows
from yms.eligibility.questions import (
    STEP_BY_SLUG,
    STEPS,
    FieldErrorsError,
    arrangement_of,
    nationalities,
    needed,
    next_unanswered,
    previous,
    scheme_of,
)
from yms.eligibility.services import check_eligibility
from yms.platform.clock import today
from yms.platform.web.csrf import csrf_form
from yms.platform.web.forms import FieldError
from yms.platform.web.rendering import render
from yms.platform.web.session_middleware import visit_of
from yms.platform.web.templating import translations

router = APIRouter(prefix="/check", include_in_schema=False)
ANSWERS = "check"


def _answers(request: Request) -> dict[str, Any]:
    return visit_of(request).data(ANSWERS)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("")
def start(request: Request) -> Response:
    """The start page."""
    return render(request, "check/start.html", form=False)


def _page(request: Request, slug: str, errors: dict[str, str] | None = None) -> Response:
    ctx = visit_of(request).ctx
    answers = _answers(request)
    answers["_scheme_ids"] = ctx.catalogue.ids()
    scheme = scheme_of(ctx.catalogue, answers)
    step = STEP_BY_SLUG[slug]
    back = previous(slug, scheme, answers)
    arrangement = arrangement_of(scheme, answers)
    return render(
        request,
        step.template,
        status=400 if errors else 200,
        step=step,
        errors=errors or {},
        answers=answers,
        applicant=answers.get("applicant", {}),
        typed=answers.get("typed", {}),
        scheme=scheme,
        arrangement=arrangement,
        schemes=[ctx.catalogue.latest(scheme_id) for scheme_id in ctx.catalogue.ids()],
        nationalities=nationalities(scheme) if scheme else [],
        back=f"/check/{back}" if back else "/check",
        action=f"/check/{slug}",
    )


@router.get("/{slug}")
def question(request: Request, slug: str) -> Response:
    """One question, with the answer given before (if any)."""
    if slug == "result":
        return result(request)
    ctx = visit_of(request).ctx
    answers = _answers(request)
    scheme = scheme_of(ctx.catalogue, answers)
    if slug not in STEP_BY_SLUG or not needed(STEP_BY_SLUG[slug], scheme, answers):
        return _see_other(f"/check/{next_unanswered(scheme, answers) or 'scheme'}")
    return _page(request, slug)


@router.post("/{slug}")
async def answer(request: Request, slug: str) -> Response:
    """Store an answer, then go to the next question (or back to the result when changing)."""
    form = await csrf_form(request)
    ctx = visit_of(request).ctx
    answers = _answers(request)
    answers["_scheme_ids"] = ctx.catalogue.ids()
    scheme = scheme_of(ctx.catalogue, answers)
    step = STEP_BY_SLUG.get(slug)
    if step is None or not needed(step, scheme, answers):
        return _see_other("/check/scheme")
    try:
        step.read(form, scheme, answers)
    except FieldError as error:
        visit_of(request).changed_data()
        return _page(request, slug, {error.field: error.message})
    except FieldErrorsError as several:
        visit_of(request).changed_data()
        return _page(request, slug, {error.field: error.message for error in several.errors})
    visit_of(request).changed_data()
    scheme = scheme_of(ctx.catalogue, answers)
    following = next_unanswered(scheme, answers)
    return _see_other(f"/check/{following}" if following else "/check/result")


def result(request: Request) -> Response:
    """The answer: each requirement, in plain words, with its rule reference."""
    visit = visit_of(request)
    ctx = visit.ctx
    answers = _answers(request)
    scheme = scheme_of(ctx.catalogue, answers)
    missing = next_unanswered(scheme, answers)
    if scheme is None or missing is not None:
        return _see_other(f"/check/{missing or 'scheme'}")
    applicant = {**answers["applicant"], "application_date": today(ctx.clock).isoformat()}
    checked = check_eligibility(ctx.catalogue, scheme.id, json.dumps(applicant), clock=ctx.clock)
    gettext = translations().gettext
    requirements = [
        {
            "id": requirement.id,
            "rule": requirement.rule,
            "outcome": requirement.outcome.value,
            "detail": requirement.detail.render(gettext),
        }
        for requirement in checked.requirements
    ]
    arrangement = arrangement_of(scheme, answers)
    rows = [
        (step.question, step.summary(scheme, answers), f"/check/{step.slug}", step.question)
        for step in STEPS
        if needed(step, scheme, answers)
    ]
    return render(
        request,
        "check/result.html",
        form=False,
        scheme=scheme,
        eligible=checked.eligible,
        requirements=requirements,
        rows=rows,
        ballots=_open_ballots(request, scheme.id, arrangement.id if arrangement else None),
    )


def _open_ballots(request: Request, scheme_id: str, arrangement_id: str | None) -> list[Any]:
    ctx = visit_of(request).ctx
    if arrangement_id is None:
        return []
    scheme = ctx.catalogue.latest(scheme_id)
    allocations = {a.id for a in scheme.allocations if arrangement_id in a.arrangements}
    return [
        window
        for window in ballot_windows.list_windows(ctx)
        if window.scheme_id == scheme_id
        and window.allocation_id in allocations
        and window.state is WindowState.OPEN
    ]
