"""Journey 1, "Check if you can apply": anonymous, one question per page.

Scheme first, then nationality (and destination where there is a choice), then
only the questions the scheme's requirements need; the answer explains each
requirement in plain words with its rule reference, and links to an open ballot.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yms.ballot.domain.states import WindowState
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.status import WindowStatus
from yms.eligibility.questions import (
    STEP_BY_SLUG,
    STEPS,
    Asking,
    FieldErrorsError,
    asking_for,
    nationalities,
    needed,
    next_unanswered,
    previous,
)
from yms.eligibility.services import applicant_from_answers, check_against
from yms.kernel.dates import shown
from yms.platform.clock import today
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import FieldError
from yms.platform.web.rendering import render
from yms.platform.web.session_middleware import visit_of
from yms.platform.web.templating import translations
from yms.schemes.domain.scheme import Arrangement, Scheme, SchemeStatus

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


def _asking(request: Request) -> Asking:
    ctx = context_of(request)
    return asking_for(ctx.catalogue, _answers(request), today(ctx.clock))


def _page(request: Request, slug: str, errors: dict[str, str] | None = None) -> Response:
    answers = _answers(request)
    asking = _asking(request)
    step = STEP_BY_SLUG[slug]
    back = previous(slug, asking, answers)
    return render(
        request,
        step.template,
        status=400 if errors else 200,
        step=step,
        errors=errors or {},
        answers=answers,
        applicant=answers.get("applicant", {}),
        typed=answers.get("typed", {}),
        scheme=asking.scheme,
        arrangement=asking.arrangement,
        schemes=asking.schemes,
        nationalities=nationalities(asking.scheme) if asking.scheme else [],
        back=f"/check/{back}" if back else "/check",
        action=f"/check/{slug}",
    )


@router.get("/{slug}")
def question(request: Request, slug: str) -> Response:
    """One question, with the answer given before (if any)."""
    if slug == "result":
        return result(request)
    answers = _answers(request)
    asking = _asking(request)
    if slug not in STEP_BY_SLUG or not needed(STEP_BY_SLUG[slug], asking, answers):
        return _see_other(f"/check/{next_unanswered(asking, answers) or 'scheme'}")
    return _page(request, slug)


@router.post("/{slug}")
def answer(request: Request, slug: str) -> Response:
    """Store an answer, then go to the next question (or back to the result when changing)."""
    form = csrf_form_in_thread(request)
    answers = _answers(request)
    asking = _asking(request)
    step = STEP_BY_SLUG.get(slug)
    if step is None or not needed(step, asking, answers):
        return _see_other("/check/scheme")
    try:
        step.read(form, asking, answers)
    except FieldError as error:
        visit_of(request).changed_data()
        return _page(request, slug, {error.field: error.message})
    except FieldErrorsError as several:
        visit_of(request).changed_data()
        return _page(request, slug, {error.field: error.message for error in several.errors})
    visit_of(request).changed_data()
    following = next_unanswered(_asking(request), answers)
    return _see_other(f"/check/{following}" if following else "/check/result")


def result(request: Request) -> Response:
    """The answer: each requirement, in plain words, with its rule reference."""
    answers = _answers(request)
    asking = _asking(request)
    missing = next_unanswered(asking, answers)
    scheme = asking.scheme
    if scheme is None or missing is not None:
        return _see_other(f"/check/{missing or 'scheme'}")
    # The verdict comes from the very scheme version the questions were asked from.
    checked = check_against(scheme, applicant_from_answers(answers, application_date=asking.today))
    gettext = translations().gettext
    requirements = [
        {
            "id": requirement.id,
            "rule": requirement.rule,
            "outcome": requirement.outcome.value,
            "detail": requirement.detail.render(gettext, show=shown),
            "source": requirement.source,
            "assumption": requirement.assumption,
        }
        for requirement in checked.requirements
    ]
    rows = [
        (step.question, step.summary(scheme, answers), f"/check/{step.slug}", step.question)
        for step in STEPS
        if needed(step, asking, answers)
    ]
    arrangement = asking.arrangement
    proposed = scheme.status is SchemeStatus.PROPOSED
    needs_invitation = arrangement is not None and arrangement.requirements.invitation is not None
    can_start = not proposed and not needs_invitation and checked.eligible is not False
    windows = _ballots(request, scheme, arrangement) if needs_invitation else []
    return render(
        request,
        "check/result.html",
        form=False,
        scheme=scheme,
        proposed=proposed,
        eligible=checked.eligible,
        requirements=requirements,
        rows=rows,
        needs_invitation=needs_invitation,
        ballots=[w for w in windows if w.state is WindowState.OPEN],
        next_ballot=next((w for w in windows if w.state is WindowState.SCHEDULED), None),
        apply_link=(
            f"/apply/new?scheme={scheme.id}&arrangement={arrangement.id}"
            if can_start and arrangement
            else None
        ),
    )


def _ballots(
    request: Request, scheme: Scheme, arrangement: Arrangement | None
) -> list[WindowStatus]:
    """The windows of the arrangement's allocations, the soonest to open first."""
    if arrangement is None:
        return []
    allocations = {a.id for a in scheme.allocations_holding(arrangement.id)}
    windows = [
        window
        for window in ballot_windows.list_windows(context_of(request))
        if window.scheme_id == scheme.id and window.allocation_id in allocations
    ]
    return sorted(windows, key=lambda window: window.opens_at)
