"""The caseworker console: the queue, the case file, and every decision on a case (YMS 6.1, 6.2).

Each action is a form post that calls one service and comes back to the case
with a banner. The services check the role and the four eyes themselves; the
page only leaves out what the viewer may not do, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from yms.accounts import services as accounts
from yms.accounts.domain import CASEWORKERS, SENIOR_CASEWORKERS, Role
from yms.applications.domain.checks import CheckKind, CheckOutcome
from yms.applications.domain.decisions import DecisionKind, DecisionState, ReviewOutcome
from yms.applications.domain.evidence import BANK_STATEMENT, FURTHER, PASSPORT
from yms.applications.domain.states import (
    STAFF_ONLY_EVENTS,
    WITH_STAFF,
    ApplicationState,
)
from yms.applications.questions import answered
from yms.applications.services import casework, decisions, places
from yms.applications.services.casework import CaseFile, DecisionRecord, QueueFilter
from yms.applications.web import APPLICATION_TAGS
from yms.applications.web.check_details import detail_rows
from yms.eligibility.questions import Asking
from yms.kernel.dates import long_time
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.kernel.text import N_
from yms.kernel.validation import FieldProblem
from yms.platform.clock import today
from yms.platform.context import ServiceContext
from yms.platform.web.access import require_any_role
from yms.platform.web.context import context_of
from yms.platform.web.csrf import csrf_form_in_thread
from yms.platform.web.forms import _, text
from yms.platform.web.rendering import render
from yms.platform.web.tags import Tag
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Scheme

router = APIRouter(include_in_schema=False)
STAFF_ROLES = frozenset(role.value for role in CASEWORKERS)
MAX_AGE_DAYS = 3650
CHECK_TAGS = {
    CheckOutcome.CLEAR: Tag(N_("Clear"), "green"),
    CheckOutcome.ATTENTION: Tag(N_("Look at this"), "orange"),
    CheckOutcome.UNKNOWN: Tag(N_("Not known"), "grey"),
}
TRACE_TAGS = {
    "pass": Tag(N_("Pass"), "green"),
    "fail": Tag(N_("Fail"), "red"),
    "unknown": Tag(N_("Not known"), "grey"),
}
CHECK_NAMES = {
    CheckKind.ELIGIBILITY: N_("Eligibility: the rules run again on the answers"),
    CheckKind.IDENTITY: N_("Identity: other applications by the same person"),
    CheckKind.ALLOCATION: N_("Places left and the emergency brake"),
    CheckKind.SCREENING: N_("Screening"),
}
STAFF_ONLY_TAG = Tag(N_("Staff only"), "grey")
# States as staff name them: the applicant's "We need more information" is, to the
# caseworker who asked, evidence they are waiting for.
STATE_TAGS = {
    **APPLICATION_TAGS,
    ApplicationState.AWAITING_EVIDENCE: Tag(N_("Evidence asked for"), "orange"),
}
# What a line of the history is, where its text alone does not say (the request's words).
HISTORY_LABELS = {
    "evidence_requested": N_("Evidence asked for"),
    "evidence_provided": N_("The applicant replied"),
    "refusal_returned": N_("Refusal sent back"),
}
# The form posts on a case, each at /casework/{case_ref}/{action}.
ACTIONS = frozenset(
    {"request-evidence", "grant", "refuse", "confirm-refusal", "return-refusal", "review"}
)
# The banner shown back on the case after each action (`?done=...`).
DONE = {
    "evidence-requested": N_("The applicant has been asked for more evidence"),
    "granted": N_("The application is granted and the applicant has been told"),
    "refusal-proposed": N_(
        "The refusal is proposed: it takes effect when a senior caseworker who did not propose "
        "it confirms it"
    ),
    "refusal-confirmed": N_("The refusal is confirmed and the applicant has been told"),
    "refusal-returned": N_("The refusal has been sent back to the queue"),
    "review-decided": N_("The administrative review is decided and the applicant has been told"),
}


def _staff(request: Request) -> tuple[str, Role]:
    """The signed-in caseworker or senior caseworker, and which of the two."""
    account_id = require_any_role(request, STAFF_ROLES)
    role = accounts.role_of(context_of(request), account_id)
    assert role is not None  # noqa: S101 - the role was just checked
    return account_id, role


def _see_case(case_ref: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/casework/{case_ref}?done={done}", status_code=303)


# --- the queue ---------------------------------------------------------------------------------


def _arrangements(request: Request) -> list[tuple[str, str]]:
    """Every arrangement of every scheme as (id, words), sorted by the words."""
    catalogue = context_of(request).catalogue
    found: dict[str, str] = {}
    for scheme_id in catalogue.ids():
        scheme = catalogue.latest(scheme_id)
        for arrangement in scheme.arrangements:
            found.setdefault(arrangement.id, _applying_as(scheme, arrangement.id))
    return sorted(found.items(), key=lambda pair: pair[1])


def _filter(
    state: str, arrangement: str, older_than: str, hits: str
) -> tuple[QueueFilter, dict[str, str]]:
    """The queue's filters as chosen; a filter that cannot be read is an error beside it."""
    errors: dict[str, str] = {}
    states: tuple[ApplicationState, ...] = ()
    if state:
        try:
            chosen = ApplicationState(state)
        except ValueError:
            errors["state"] = _("Select a state from the list")
        else:
            states = (chosen,)
    days = None
    if older_than.strip():
        try:
            days = int(older_than.strip())
        except ValueError:
            errors["older-than"] = _("Enter the age of a case as a whole number of days")
        else:
            if not 0 <= days <= MAX_AGE_DAYS:
                errors["older-than"] = _("Enter a number of days between 0 and {most}").format(
                    most=MAX_AGE_DAYS
                )
                days = None
    return (
        QueueFilter(
            states=states,
            arrangement_id=arrangement.strip() or None,
            older_than_days=days,
            with_hits=hits == "yes",
        ),
        errors,
    )


@router.get("/casework")
def queue_page(
    request: Request,
    state: str = "",
    arrangement: str = "",
    older_than: Annotated[str, Query(alias="older-than")] = "",
    hits: str = "",
) -> Response:
    """Cases waiting on staff, oldest first, narrowed by the filters chosen."""
    account_id, _role = _staff(request)
    chosen, errors = _filter(state, arrangement, older_than, hits)
    items = [] if errors else casework.queue(context_of(request), account_id, chosen)
    arrangements = _arrangements(request)
    return render(
        request,
        "casework/queue.html",
        status=400 if errors else 200,
        errors=errors,
        items=items,
        chosen={"state": state, "arrangement": arrangement, "older_than": older_than, "hits": hits},
        # Named as the case file's tag names them, so the filter and the list agree.
        states=[(s.value, STATE_TAGS[s].label) for s in _queue_states()],
        state_tags=STATE_TAGS,
        arrangements=arrangements,
        arrangement_names=dict(arrangements),
    )


def _queue_states() -> list[ApplicationState]:
    return [*WITH_STAFF, ApplicationState.AWAITING_EVIDENCE]


# --- the case file -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failed:
    """A requirement the answers fail, as a refusal may cite it."""

    id: str
    rule: str
    sentence: str


@dataclass(frozen=True, slots=True)
class DecisionShown:
    """A decision as the case file tells it: what happened, who and when, and why."""

    heading: str
    byline: str
    reasons: list[tuple[str, str]]  # (label, words)


DECISION_HEADINGS = {
    (DecisionKind.GRANT, DecisionState.IN_EFFECT): N_("Granted"),
    (DecisionKind.REFUSAL, DecisionState.PROPOSED): N_(
        "Refusal proposed: waiting for a senior caseworker to confirm it"
    ),
    (DecisionKind.REFUSAL, DecisionState.RETURNED): N_("Refusal proposed, then sent back"),
    (DecisionKind.REFUSAL, DecisionState.IN_EFFECT): N_("Refused"),
    (DecisionKind.REVIEW, DecisionState.PROPOSED): N_("Administrative review asked for"),
}
REVIEW_HEADINGS = {
    ReviewOutcome.UPHELD.value: N_("Administrative review: the refusal is upheld"),
    ReviewOutcome.OVERTURNED.value: N_("Administrative review: the refusal is overturned"),
}


def _decisions_shown(case: CaseFile, staff: dict[str, str]) -> list[DecisionShown]:
    """Each decision in words: "Refused", by whom and when, each rule failed with its sentence."""
    sentences = _failed_sentences(case)
    shown = []
    for decision in case.decisions:
        if decision.kind is DecisionKind.REVIEW and decision.state is DecisionState.IN_EFFECT:
            heading = REVIEW_HEADINGS.get(decision.outcome, N_("Administrative review decided"))
        else:
            heading = DECISION_HEADINGS.get((decision.kind, decision.state), decision.outcome)
        byline = _byline(decision, staff)
        reasons = [
            (_("Requirement failed"), sentences.get(str(key), str(key)))
            for key in _listed(decision.reasons.get("requirements"))
        ]
        for key, label in (
            ("grounds", _("The applicant's grounds")),
            ("text", _("Reasons")),
        ):
            if decision.reasons.get(key):
                reasons.append((label, str(decision.reasons[key])))
        shown.append(DecisionShown(_(heading), byline, reasons))
    return shown


def _byline(decision: DecisionRecord, staff: dict[str, str]) -> str:
    """Who took the decision and when, and who confirmed, sent back or decided it.

    A review is asked for by the applicant, then decided by a senior caseworker;
    a refusal is proposed, then confirmed or sent back.
    """
    when = long_time(decision.decided_at)
    if decision.kind is DecisionKind.REVIEW:
        byline = _("Asked for by the applicant on {when}").format(when=when)
    else:
        who = staff.get(decision.author_id, decision.author_id)
        byline = _("By {who} on {when}").format(who=who, when=when)
    if decision.second_id is None or decision.second_at is None:
        return byline
    second = {
        "who": staff.get(decision.second_id, decision.second_id),
        "when": long_time(decision.second_at),
    }
    if decision.kind is DecisionKind.REVIEW:
        then = _("decided by {who} on {when}")
    elif decision.state is DecisionState.RETURNED:
        then = _("sent back by {who} on {when}")
    else:
        then = _("confirmed by {who} on {when}")
    return f"{byline}; {then.format(**second)}"


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _failed_sentences(case: CaseFile) -> dict[str, str]:
    """Each requirement's rule and what the check found: "YMS 5.1: Funds of £900.00, ..."."""
    sentences: dict[str, str] = {}
    for check in case.checks:
        if check.kind is CheckKind.ELIGIBILITY:
            for line in _trace(check.detail):
                sentences[str(line.get("id"))] = f"{line.get('rule')}: {line.get('detail') or ''}"
    return sentences


@dataclass(frozen=True, slots=True)
class EvidenceShown:
    """An uploaded file as the case file lists it: its name, what it is, and its particulars."""

    id: int
    filename: str
    what: str
    particulars: str


# Named for staff (the applicant's pages say "your passport"; the case file speaks of them).
STAFF_EVIDENCE_NAMES = {
    PASSPORT: N_("Photo page of the passport"),
    BANK_STATEMENT: N_("Latest bank statement"),
    FURTHER: N_("Sent with a reply to a request for evidence"),
}
FILE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def _evidence_shown(case: CaseFile) -> list[EvidenceShown]:
    """Each file: "Photo page of the passport", "PDF, 2 KB, uploaded 10:16am on 4 December"."""
    shown = []
    for item in case.evidence:
        view = item.view
        named = STAFF_EVIDENCE_NAMES.get(view.kind)
        if named is not None:
            what = _(named)
        else:
            try:
                what = _(DocumentKind(view.kind).description).capitalize()
            except ValueError:
                what = view.kind
        particulars = _("{type}, {size} KB, uploaded {when}").format(
            type=FILE_TYPES.get(view.media_type, view.media_type),
            size=f"{-(-view.size_bytes // 1024) or 1:,}",  # rounded up: 2,009 bytes is 2 KB
            when=long_time(view.uploaded_at),
        )
        shown.append(EvidenceShown(item.id, view.filename, what, particulars))
    return shown


def _failed(request: Request, case: CaseFile) -> list[Failed]:
    """The failed requirements a refusal may cite, each with the trace's sentence."""
    failed = decisions.failed_requirements(context_of(request), case.case_ref)
    sentences: dict[str, str] = {}
    for check in case.checks:
        if check.kind is CheckKind.ELIGIBILITY:
            for line in _trace(check.detail):
                sentences[str(line.get("id"))] = str(line.get("detail") or "")
    return [Failed(key, rule, sentences.get(key, key)) for key, rule in failed.items()]


def _trace(detail: dict[str, object]) -> list[dict[str, Any]]:
    lines = detail.get("requirements") or []
    assert isinstance(lines, list)  # noqa: S101 - written by `EligibilityResult.as_json`
    return [line for line in lines if isinstance(line, dict)]


def _grant_blocked(request: Request, case: CaseFile) -> str | None:
    """Why a grant cannot be made today (no place left, the brake), or `None`."""
    ctx = context_of(request)
    scheme = ctx.catalogue.get(case.scheme_id, case.scheme_version)
    standing = places.places_left(ctx, scheme, case.arrangement_id, today(ctx.clock))
    if standing is None or standing.can_grant:
        return None
    if standing.brake_engaged:
        return _(
            "The emergency brake on {allocation} holds for {period}: grants are paused until "
            "an operator releases it."
        ).format(allocation=standing.allocation_id, period=standing.brake_period)
    return _(
        "Every place of {allocation} for {year} has been granted, so this application "
        "cannot be granted."
    ).format(allocation=standing.allocation_id, year=standing.year)


def _applying_as(scheme: Scheme, arrangement_id: str) -> str:
    """The arrangement in words: "Hong Kong to the United Kingdom (HK-GB)"."""
    arrangement = scheme.arrangement(arrangement_id)
    if arrangement is None:
        return arrangement_id
    return _("{nationality} to {host} ({id})").format(
        nationality=scheme.party_name(arrangement.nationality),
        host=scheme.party_place(arrangement.host),
        id=arrangement_id,
    )


def _answer_rows(request: Request, case: CaseFile, scheme: Scheme) -> list[tuple[str, str]]:
    """The answers as the applicant's "Check your answers" worded them, asked as on the day sent."""
    asking = Asking(
        scheme=scheme,
        arrangement=scheme.arrangement(case.arrangement_id),
        today=(case.submitted_at or context_of(request).clock.now()).date(),
    )
    return [(one.question, one.answer) for one in answered(asking, case.answers)]


def _name(case: CaseFile) -> str:
    """The applicant's name as they gave it, to know the case by at the top of its file."""
    personal = case.answers.get("personal")
    if not isinstance(personal, dict):
        return _("Not given")
    given = [str(personal.get(key) or "") for key in ("given_names", "family_name")]
    return " ".join(part for part in given if part) or _("Not given")


def _case_page(
    request: Request,
    account_id: str,
    role: Role,
    case_ref: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    typed: dict[str, object] | None = None,
    done: str = "",
) -> Response:
    ctx = context_of(request)
    try:
        case = casework.case_file(ctx, account_id, case_ref)
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    pending = case.pending_refusal()
    senior = role in SENIOR_CASEWORKERS
    scheme = ctx.catalogue.get(case.scheme_id, case.scheme_version)
    deciders = {d.author_id for d in case.decisions} | {d.second_id or "" for d in case.decisions}
    staff = accounts.emails_of(ctx, deciders - {""})
    shown = _decisions_shown(case, staff)
    return render(
        request,
        "casework/case.html",
        status=status,
        errors=errors or {},
        typed=typed or {},
        case=case,
        scheme=scheme,
        applying_as=_applying_as(scheme, case.arrangement_id),
        answer_rows=_answer_rows(request, case, scheme),
        applicant_name=_name(case),
        detail_rows={c.kind: detail_rows(c.kind, c.detail) for c in case.checks},
        check_tags=CHECK_TAGS,
        check_names=CHECK_NAMES,
        trace_tags=TRACE_TAGS,
        traces={c.kind: _trace(c.detail) for c in case.checks},
        staff_only=STAFF_ONLY_EVENTS,
        state_tags=STATE_TAGS,
        history_labels=HISTORY_LABELS,
        staff=staff,
        viewer=account_id,
        senior=senior,
        pending=pending,
        took_part=case.took_part(),
        refusal_options=[
            (f.id, f"{f.rule}: {f.sentence}", None)
            for f in (
                _failed(request, case) if case.state is ApplicationState.AWAITING_DECISION else []
            )
        ],
        staff_only_tag=STAFF_ONLY_TAG,
        grant_blocked=(
            _grant_blocked(request, case)
            if case.state is ApplicationState.AWAITING_DECISION
            else None
        ),
        decisions_shown=shown,
        evidence_shown=_evidence_shown(case),
        # The refusal to confirm, with its reasons beside the button that confirms it.
        pending_shown=next(
            (
                one
                for one, decision in zip(shown, case.decisions, strict=True)
                if decision is pending
            ),
            None,
        ),
        done=_(DONE[done]) if done in DONE else "",
    )


@router.get("/casework/{case_ref}")
def case_page(request: Request, case_ref: str, done: str = "") -> Response:
    """The case file: answers, evidence, checks, history, decisions, and what can be done."""
    account_id, role = _staff(request)
    return _case_page(request, account_id, role, case_ref, done=done)


@router.get("/casework/{case_ref}/{action}")
def action_address(request: Request, case_ref: str, action: str) -> Response:
    """An action's address opened as a page: back to the case, at what can be done.

    The address bar keeps it after a form comes back with an error, and signing in
    again after the session ran out returns to it; either way nothing is done, for
    an action is only ever taken by its form.
    """
    _staff(request)
    if action not in ACTIONS:
        raise HTTPException(status_code=404)
    return RedirectResponse(f"/casework/{quote(case_ref.strip().upper())}#action", status_code=303)


@router.get("/casework/{case_ref}/evidence/{evidence_id}")
def evidence_file(request: Request, case_ref: str, evidence_id: str) -> Response:
    """An uploaded file shown inline, sandboxed, to staff alone (never offered as a download)."""
    account_id, _role = _staff(request)
    # Digits only, within an int column's range: anything else is no file (never a 500).
    if not (evidence_id.isascii() and evidence_id.isdigit() and len(evidence_id) < 10):  # noqa: PLR2004
        raise HTTPException(status_code=404)
    try:
        view, data = casework.evidence_for_staff(
            context_of(request), account_id, case_ref, int(evidence_id)
        )
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    return Response(
        data,
        media_type=view.media_type,
        headers={
            "Content-Disposition": f'inline; filename="{view.filename}"',
            "X-Content-Type-Options": "nosniff",
            # Shown as a document of no origin: whatever a file holds cannot act as the console.
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; "
            "object-src 'self'; frame-ancestors 'none'",
        },
    )


def _act(
    request: Request,
    case_ref: str,
    action: str,
) -> Response:
    """Run one action on the case from its form; back to the case, or the page with the error."""
    form = csrf_form_in_thread(request)
    account_id, role = _staff(request)
    ctx = context_of(request)
    typed: dict[str, object] = {key: form.get(key) for key in form if key != "csrf_token"}
    typed["requirements"] = form.getlist("requirements")
    try:
        done = _do(ctx, case_ref, action, account_id, form)
    except NotFoundError:
        raise HTTPException(status_code=404) from None
    except InvalidInputError as error:
        errors = {p.path: _(p.message) for p in error.problems}
        return _case_page(
            request, account_id, role, case_ref, errors=errors, status=400, typed=typed
        )
    except RefusedError as error:
        return _case_page(
            request, account_id, role, case_ref, errors={"action": str(error)}, status=409
        )
    return _see_case(case_ref.strip().upper(), done)


def _do(ctx: ServiceContext, case_ref: str, action: str, account_id: str, form: FormData) -> str:
    """Call the one service an action names; returns the banner's key."""
    if action == "request-evidence":
        decisions.request_evidence(
            ctx, case_ref, caseworker_id=account_id, request=text(form, "request")
        )
        return "evidence-requested"
    if action == "grant":
        decisions.grant(ctx, case_ref, caseworker_id=account_id)
        return "granted"
    if action == "refuse":
        decisions.propose_refusal(
            ctx,
            case_ref,
            caseworker_id=account_id,
            requirements=[str(r) for r in form.getlist("requirements")],
            text=str(form.get("reasons") or ""),
        )
        return "refusal-proposed"
    if action == "confirm-refusal":
        decisions.confirm_refusal(ctx, case_ref, senior_id=account_id)
        return "refusal-confirmed"
    if action == "return-refusal":
        decisions.return_refusal(ctx, case_ref, senior_id=account_id, note=text(form, "note"))
        return "refusal-returned"
    outcome = str(form.get("outcome") or "")
    if outcome not in {o.value for o in ReviewOutcome}:
        raise InvalidInputError(
            [FieldProblem("outcome", "Select whether the refusal is upheld or overturned")]
        )
    decisions.decide_review(
        ctx,
        case_ref,
        senior_id=account_id,
        outcome=ReviewOutcome(outcome),
        text=str(form.get("reasons") or ""),
    )
    return "review-decided"


@router.post("/casework/{case_ref}/request-evidence")
def request_evidence(request: Request, case_ref: str) -> Response:
    """Ask the applicant for more evidence (they are e-mailed and see what is asked)."""
    return _act(request, case_ref, "request-evidence")


@router.post("/casework/{case_ref}/grant")
def grant(request: Request, case_ref: str) -> Response:
    """Grant: a place is taken and a status given, or the page says why it cannot be."""
    return _act(request, case_ref, "grant")


@router.post("/casework/{case_ref}/refuse")
def propose_refusal(request: Request, case_ref: str) -> Response:
    """Propose a refusal with its reasons; another senior caseworker must confirm it."""
    return _act(request, case_ref, "refuse")


@router.post("/casework/{case_ref}/confirm-refusal")
def confirm_refusal(request: Request, case_ref: str) -> Response:
    """Confirm another caseworker's refusal (a senior caseworker who did not propose it)."""
    return _act(request, case_ref, "confirm-refusal")


@router.post("/casework/{case_ref}/return-refusal")
def return_refusal(request: Request, case_ref: str) -> Response:
    """Send a proposed refusal back to the queue, saying why."""
    return _act(request, case_ref, "return-refusal")


@router.post("/casework/{case_ref}/review")
def decide_review(request: Request, case_ref: str) -> Response:
    """Decide an administrative review (a senior caseworker who took no part in the refusal)."""
    return _act(request, case_ref, "review")
