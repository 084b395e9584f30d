"""Deciding a case: ask for evidence, grant, refuse with a second pair of eyes, review.

Every use case here is one unit of work that checks who is acting, moves the
case through its machine (`APPLICATION`), records the decision with the scheme
version it applied, writes the timeline and the audit event, and queues the
applicant's e-mail, all together or not at all (YMS 6.1, 6.2).

A grant takes a place (`places.take_place`) and gives a status
(`status.services.grant_status`) in the same unit: a grant with no place left,
or under the emergency brake, is refused whole and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yms.accounts import services as accounts
from yms.accounts.domain import CASEWORKERS, SENIOR_CASEWORKERS
from yms.applications.domain.decisions import (
    DecisionKind,
    DecisionState,
    ReviewOutcome,
    reasons_for_refusal,
    second_pair_of_eyes,
    written_reason,
)
from yms.applications.domain.states import APPLICATION, ApplicationState
from yms.applications.services import places
from yms.applications.services.cases import (
    add_event,
    arrangement_of,
    by_ref,
    open_answers,
    owned,
    require_role,
)
from yms.applications.services.checks import failing_on
from yms.applications.tables import Application, Decision
from yms.kernel.dates import long_date
from yms.kernel.errors import NotFoundError, RefusedError
from yms.kernel.states import IllegalTransitionError
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail import outbox as mail
from yms.platform.unit_of_work import UnitOfWork
from yms.status import services as status
from yms.status.services import Holder, StatusView

# What a state is called in a refusal's message: "This application is granted".
_SAID = {
    ApplicationState.DRAFT: "not yet submitted",
    ApplicationState.SUBMITTED: "still being checked",
    ApplicationState.CHECKING: "still being checked",
    ApplicationState.AWAITING_DECISION: "waiting for a decision",
    ApplicationState.AWAITING_EVIDENCE: "waiting for evidence from the applicant",
    ApplicationState.REFUSAL_PENDING: "waiting for its refusal to be confirmed",
    ApplicationState.GRANTED: "granted",
    ApplicationState.REFUSED: "refused",
    ApplicationState.REVIEW_REQUESTED: "under administrative review",
    ApplicationState.WITHDRAWN: "withdrawn",
}


def _move(application: Application, target: ApplicationState, *, doing: str) -> ApplicationState:
    """Move the case to `target`, or raise `RefusedError` saying why it cannot be done."""
    current = ApplicationState(application.state)
    try:
        application.state = APPLICATION.move(current, target).value
    except IllegalTransitionError:
        raise _cannot(current, doing) from None
    return current


def _cannot(current: ApplicationState, doing: str) -> RefusedError:
    """Why an act is refused in the state the case is in, as staff and applicants read it."""
    return RefusedError(f"This application is {_SAID[current]}, so you cannot {doing}.")


def _require_state(application: Application, expected: ApplicationState, *, doing: str) -> None:
    """Raise `RefusedError` unless the case is in `expected`.

    The machine allows a move from several states; an act may still belong to one:
    a caseworker's grant is not a review's, and a reply is not a way past the checks.
    """
    current = ApplicationState(application.state)
    if current is not expected:
        raise _cannot(current, doing)


def _decision(session: Session, application: Application, kind: DecisionKind) -> Decision | None:
    """The case's latest decision of `kind`."""
    return session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id, Decision.kind == kind)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def _seal(ctx: ServiceContext, data: dict[str, object]) -> bytes:
    return ctx.sealer.seal(json.dumps(data, sort_keys=True).encode("utf-8"))


def opened_reasons(ctx: ServiceContext, decision: Decision) -> dict[str, object]:
    """A decision's sealed reasons, opened."""
    opened: dict[str, object] = json.loads(ctx.sealer.open(decision.reasons_sealed))
    return opened


# --- evidence ----------------------------------------------------------------------------


def request_evidence(
    ctx: ServiceContext, case_ref: str, *, caseworker_id: str, request: str
) -> None:
    """Ask the applicant for more; the case waits for their reply (audited, e-mailed)."""
    require_role(ctx, caseworker_id, CASEWORKERS)
    asked = written_reason(request, field="request", missing="Say what the applicant needs to send")
    address = _address(ctx, case_ref)
    with ctx.unit(actor=caseworker_id) as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        _move(application, ApplicationState.AWAITING_EVIDENCE, doing="ask for evidence")
        add_event(
            uow.session, application, uow.now(), "evidence_requested", asked, author="caseworker"
        )
        uow.audit("application.evidence.requested", application.case_ref)
        _tell(
            uow,
            address,
            application,
            templates.EVIDENCE_REQUESTED,
            request=asked,
        )


def reply_with_evidence(ctx: ServiceContext, account_id: str, case_ref: str, *, reply: str) -> None:
    """The applicant answers a request for evidence; the case returns to the queue."""
    words = written_reason(reply, field="reply", missing="Enter your reply")
    with ctx.unit(actor=account_id) as uow:
        application = owned(uow.session, account_id, case_ref, lock=True)
        _require_state(application, ApplicationState.AWAITING_EVIDENCE, doing="reply")
        _move(application, ApplicationState.AWAITING_DECISION, doing="reply")
        add_event(
            uow.session, application, uow.now(), "evidence_provided", words, author="applicant"
        )
        uow.audit("application.evidence.provided", application.case_ref)


# --- grant ---------------------------------------------------------------------------------


def grant(ctx: ServiceContext, case_ref: str, *, caseworker_id: str) -> StatusView:
    """Grant the application: take a place, give a status, tell the applicant.

    Raises `places.NoPlaceError` or `places.BrakeEngagedError` (nothing changes)
    when the allocation cannot take another grant, and `RefusedError` when the
    case is not waiting for a decision.
    """
    require_role(ctx, caseworker_id, CASEWORKERS)
    address = _address(ctx, case_ref)
    with ctx.unit(actor=caseworker_id) as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        _require_state(application, ApplicationState.AWAITING_DECISION, doing="grant it")
        _move(application, ApplicationState.GRANTED, doing="grant it")
        return _grant(
            uow, ctx, application, author=caseworker_id, kind=DecisionKind.GRANT, address=address
        )


def _holder(ctx: ServiceContext, application: Application) -> tuple[Holder, date | None]:
    answers = open_answers(ctx.sealer, application)
    personal = answers.get("personal", {})
    given = answers.get("applicant", {})
    holder = Holder(
        personal.get("given_names", ""),
        personal.get("family_name", ""),
        date.fromisoformat(given["date_of_birth"]),
    )
    planned = given.get("valid_from")
    return holder, date.fromisoformat(planned) if planned else None


def _grant(
    uow: UnitOfWork,
    ctx: ServiceContext,
    application: Application,
    *,
    author: str,
    kind: DecisionKind,
    address: str,
) -> StatusView:
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    arrangement = arrangement_of(ctx.catalogue, application)
    on = uow.now().date()
    counted = places.take_place(uow, scheme, application.arrangement_id, on)
    holder, planned = _holder(ctx, application)
    given = status.grant_status(
        uow,
        ctx,
        holder_id=application.account_id,
        case_ref=application.case_ref,
        holder=holder,
        scheme=scheme,
        arrangement=arrangement,
        planned_start=planned,
    )
    application.decided_at = uow.now()
    if kind is DecisionKind.GRANT:
        uow.session.add(
            Decision(
                application_id=application.id,
                kind=kind.value,
                state=DecisionState.IN_EFFECT.value,
                outcome="granted",
                scheme_version=application.scheme_version,
                author_id=author,
                decided_at=uow.now(),
                reasons_sealed=_seal(ctx, {}),
            )
        )
    lasts = given.validity
    add_event(
        uow.session,
        application,
        uow.now(),
        "granted",
        f"Application granted: permission from {long_date(lasts.valid_from)} "
        f"to {long_date(lasts.valid_until)}",
        author="caseworker",
    )
    uow.audit(
        "application.granted",
        application.case_ref,
        scheme=scheme.id,
        scheme_version=scheme.version,
        arrangement=arrangement.id,
        status=given.status_ref,
        allocation=counted.allocation_id if counted else None,
        year=counted.year if counted else None,
    )
    _tell(
        uow,
        address,
        application,
        templates.DECISION_GRANTED,
        scheme=scheme.title,
        valid_from=long_date(lasts.valid_from),
        valid_until=long_date(lasts.valid_until),
        conditions="\n".join(f"* {c.text} ({c.rule})" for c in given.conditions),
    )
    return given


# --- refusal, with four eyes ---------------------------------------------------------------


def failed_requirements(ctx: ServiceContext, case_ref: str) -> dict[str, str]:
    """The requirements the case's answers fail, by id, with their rule reference.

    These are the reasons a refusal may cite (see `reasons_for_refusal`).
    """
    with ctx.database.reading() as session:
        application = by_ref(session, case_ref)
        answers = open_answers(ctx.sealer, application)
        on = (application.submitted_at or application.created_at).date()
        failed = failing_on(
            ctx.catalogue.get(application.scheme_id, application.scheme_version),
            answers,
            invitation_ref=application.invitation_ref,
            on=on,
        )
    return {requirement.id: requirement.rule for requirement in failed}


def propose_refusal(
    ctx: ServiceContext,
    case_ref: str,
    *,
    caseworker_id: str,
    requirements: Iterable[str],
    text: str,
) -> None:
    """Propose to refuse: it takes effect only when a senior caseworker confirms it.

    The reasons are requirements the answers fail, or the caseworker's words, or
    both (`reasons_for_refusal`); the applicant hears nothing until it is confirmed.
    """
    require_role(ctx, caseworker_id, CASEWORKERS)
    reasons = reasons_for_refusal(requirements, text, failed=failed_requirements(ctx, case_ref))
    with ctx.unit(actor=caseworker_id) as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        _move(application, ApplicationState.REFUSAL_PENDING, doing="refuse it")
        uow.session.add(
            Decision(
                application_id=application.id,
                kind=DecisionKind.REFUSAL.value,
                state=DecisionState.PROPOSED.value,
                outcome="refused",
                scheme_version=application.scheme_version,
                author_id=caseworker_id,
                decided_at=uow.now(),
                reasons_sealed=_seal(ctx, reasons.as_json()),
            )
        )
        add_event(uow.session, application, uow.now(), "refusal_proposed", author="caseworker")
        uow.audit(
            "application.refusal.proposed",
            application.case_ref,
            requirements=list(reasons.requirements),
        )


def _pending_refusal(session: Session, application: Application) -> Decision:
    proposed = _decision(session, application, DecisionKind.REFUSAL)
    assert proposed is not None  # noqa: S101 - a case waiting for confirmation has one
    assert proposed.state == DecisionState.PROPOSED  # noqa: S101
    return proposed


def _second_look(
    uow: UnitOfWork,
    case_ref: str,
    senior_id: str,
    *,
    to: tuple[ApplicationState, DecisionState],
    doing: str,
    what: str,
) -> tuple[Application, Decision]:
    """A senior's answer to a proposed refusal: the case and the refusal moved to `to`.

    Raises `FourEyesError` if `senior_id` proposed it, and refuses a case with no
    refusal pending.
    """
    application = by_ref(uow.session, case_ref, lock=True)
    _require_state(application, ApplicationState.REFUSAL_PENDING, doing=doing)
    proposed = _pending_refusal(uow.session, application)
    second_pair_of_eyes(senior_id, took_part={proposed.author_id}, what=what)
    case_state, decision_state = to
    _move(application, case_state, doing=doing)
    proposed.state = decision_state.value
    proposed.second_id = senior_id
    proposed.second_at = uow.now()
    return application, proposed


def confirm_refusal(ctx: ServiceContext, case_ref: str, *, senior_id: str) -> None:
    """Confirm another caseworker's refusal: it takes effect, and the applicant is told.

    Raises `FourEyesError` if `senior_id` proposed it.
    """
    require_role(ctx, senior_id, SENIOR_CASEWORKERS)
    address = _address(ctx, case_ref)
    with ctx.unit(actor=senior_id) as uow:
        application, proposed = _second_look(
            uow,
            case_ref,
            senior_id,
            to=(ApplicationState.REFUSED, DecisionState.IN_EFFECT),
            doing="confirm a refusal",
            what="confirm a refusal you proposed",
        )
        application.decided_at = uow.now()
        reasons = opened_reasons(ctx, proposed)
        add_event(
            uow.session,
            application,
            uow.now(),
            "refused",
            "Application refused",
            author="caseworker",
        )
        uow.audit(
            "application.refused",
            application.case_ref,
            scheme_version=application.scheme_version,
            proposed_by=proposed.author_id,
            requirements=reasons["requirements"],
        )
        scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
        _tell(
            uow,
            address,
            application,
            templates.DECISION_REFUSED,
            scheme=scheme.title,
            reasons=_reasons_text(ctx, application, reasons),
        )


def return_refusal(ctx: ServiceContext, case_ref: str, *, senior_id: str, note: str) -> None:
    """Send a proposed refusal back to the queue, saying why; the applicant hears nothing."""
    require_role(ctx, senior_id, SENIOR_CASEWORKERS)
    why = written_reason(note, field="note", missing="Say why the refusal is sent back")
    with ctx.unit(actor=senior_id) as uow:
        application, proposed = _second_look(
            uow,
            case_ref,
            senior_id,
            to=(ApplicationState.AWAITING_DECISION, DecisionState.RETURNED),
            doing="send a refusal back",
            what="send back a refusal you proposed",
        )
        add_event(uow.session, application, uow.now(), "refusal_returned", why, author="caseworker")
        uow.audit(
            "application.refusal.returned", application.case_ref, proposed_by=proposed.author_id
        )


def _reasons_text(ctx: ServiceContext, application: Application, reasons: dict[str, object]) -> str:
    """The reasons as the letter writes them: each failed rule's sentence, then the words."""
    lines = [
        f"* {sentence} ({rule})" for sentence, rule in _failed_lines(ctx, application, reasons)
    ]
    text = reasons.get("text")
    if text:
        lines.append(str(text))
    return "\n".join(lines)


def _failed_lines(
    ctx: ServiceContext, application: Application, reasons: dict[str, object]
) -> list[tuple[str, str]]:
    """Each requirement a refusal cites, as (the trace's sentence, its rule)."""
    chosen = reasons.get("requirements") or []
    assert isinstance(chosen, list)  # noqa: S101 - written by `Reasons.as_json`
    if not chosen:
        return []
    scheme = ctx.catalogue.get(application.scheme_id, application.scheme_version)
    answers = open_answers(ctx.sealer, application)
    on = (application.submitted_at or application.created_at).date()
    results = {
        r.id: r
        for r in failing_on(scheme, answers, invitation_ref=application.invitation_ref, on=on)
    }
    return [
        (found.detail.render(), str(found.rule))
        for found in (results.get(str(requirement_id)) for requirement_id in chosen)
        if found is not None
    ]


# --- administrative review -------------------------------------------------------------------


def request_review(ctx: ServiceContext, account_id: str, case_ref: str, *, grounds: str) -> None:
    """The applicant asks for an administrative review of a refusal (YMS 6.2), once.

    Raises `RefusedError` unless the case is refused, or if its refusal was reviewed already.
    """
    words = written_reason(
        grounds, field="grounds", missing="Say why you think the decision is wrong"
    )
    with ctx.unit(actor=account_id) as uow:
        application = owned(uow.session, account_id, case_ref, lock=True)
        if _decision(uow.session, application, DecisionKind.REVIEW) is not None:
            # Appendix AR: the outcome of a review is not itself open to review.
            raise RefusedError(
                "This refusal has been reviewed already, so you cannot ask for another review."
            )
        _move(application, ApplicationState.REVIEW_REQUESTED, doing="ask for a review")
        uow.session.add(
            Decision(
                application_id=application.id,
                kind=DecisionKind.REVIEW.value,
                state=DecisionState.PROPOSED.value,
                outcome="requested",
                scheme_version=application.scheme_version,
                author_id=account_id,
                decided_at=uow.now(),
                reasons_sealed=_seal(ctx, {"grounds": words}),
            )
        )
        add_event(
            uow.session,
            application,
            uow.now(),
            "review_requested",
            "Administrative review requested",
            author="applicant",
        )
        uow.audit("application.review.requested", application.case_ref)


def decide_review(
    ctx: ServiceContext,
    case_ref: str,
    *,
    senior_id: str,
    outcome: ReviewOutcome,
    text: str,
) -> StatusView | None:
    """Decide an administrative review: the refusal upheld, or overturned and granted.

    Raises `FourEyesError` if `senior_id` proposed or confirmed the refusal; an
    overturned refusal is a grant, and may raise what `grant` raises.
    """
    require_role(ctx, senior_id, SENIOR_CASEWORKERS)
    why = written_reason(text, field="reasons", missing="Give the reasons for the review's outcome")
    address = _address(ctx, case_ref)
    with ctx.unit(actor=senior_id) as uow:
        application = by_ref(uow.session, case_ref, lock=True)
        target = (
            ApplicationState.GRANTED
            if outcome is ReviewOutcome.OVERTURNED
            else ApplicationState.REFUSED
        )
        _require_state(application, ApplicationState.REVIEW_REQUESTED, doing="decide a review")
        refusal = _decision(uow.session, application, DecisionKind.REFUSAL)
        review = _decision(uow.session, application, DecisionKind.REVIEW)
        assert refusal is not None  # noqa: S101 - a reviewed case was refused
        assert review is not None  # noqa: S101 - and its review asked for
        # Everyone who proposed, confirmed or sent back any refusal of this case took part.
        refusals = uow.session.scalars(
            select(Decision).where(
                Decision.application_id == application.id,
                Decision.kind == DecisionKind.REFUSAL,
            )
        ).all()
        second_pair_of_eyes(
            senior_id,
            took_part={who for r in refusals for who in (r.author_id, r.second_id) if who},
            what="review a decision you took part in",
        )
        _move(application, target, doing="decide a review")
        review.state = DecisionState.IN_EFFECT.value
        review.outcome = outcome.value
        review.second_id = senior_id
        review.second_at = uow.now()
        review.reasons_sealed = _seal(ctx, {**opened_reasons(ctx, review), "text": why})
        uow.audit(
            "application.review.decided",
            application.case_ref,
            outcome=outcome,
            refused_by=[refusal.author_id, refusal.second_id],
        )
        if outcome is ReviewOutcome.OVERTURNED:
            add_event(
                uow.session,
                application,
                uow.now(),
                "review_decided",
                f"Administrative review: refusal overturned. {why}",
                author="caseworker",
            )
            return _grant(
                uow, ctx, application, author=senior_id, kind=DecisionKind.REVIEW, address=address
            )
        application.decided_at = uow.now()
        add_event(
            uow.session,
            application,
            uow.now(),
            "review_decided",
            f"Administrative review: refusal upheld. {why}",
            author="caseworker",
        )
        _tell(uow, address, application, templates.REVIEW_UPHELD, reasons=why)
        return None


# --- the applicant is told -------------------------------------------------------------------


def _address(ctx: ServiceContext, case_ref: str) -> str:
    """The applicant's e-mail address, read before a unit opens.

    Reading it inside the unit would take a second connection while the first
    holds the write lock: enough decisions at once would leave none to take.
    """
    with ctx.database.reading() as session:
        account_id = by_ref(session, case_ref).account_id
    return accounts.email_of(ctx, account_id)


def _tell(
    uow: UnitOfWork,
    address: str,
    application: Application,
    template: str,
    **personalisation: str,
) -> None:
    """Queue an e-mail to the applicant about their case, in the unit that decides."""
    mail.queue_email(
        uow,
        address,
        template,
        {
            "case_ref": application.case_ref,
            "link": f"/applications/{application.case_ref}",
            **personalisation,
        },
    )


# --- the decision letter -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Review:
    """An administrative review's outcome, as its letter gives it."""

    outcome: ReviewOutcome
    reasons: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class Letter:
    """The decision on an application as its applicant reads it (YMS 6.1, 6.2).

    A refusal gives each requirement cited, as (sentence, rule), then the
    caseworker's own words; a review decided gives its outcome and reasons.
    """

    case_ref: str
    state: ApplicationState
    scheme_id: str
    scheme_version: str
    decided_at: datetime | None
    refused: bool
    failed: tuple[tuple[str, str], ...]
    words: str
    refused_at: datetime | None
    review: Review | None
    review_requested: bool


def decision_letter(ctx: ServiceContext, account_id: str, case_ref: str) -> Letter:
    """The decision on the account's own application; `NotFoundError` for another's, or none yet.

    A refusal shows only once confirmed: one waiting for its second caseworker is
    no decision (as `as_applicant_sees` says).
    """
    decided = {
        ApplicationState.GRANTED,
        ApplicationState.REFUSED,
        ApplicationState.REVIEW_REQUESTED,
    }
    with ctx.database.reading() as session:
        application = owned(session, account_id, case_ref)
        state = ApplicationState(application.state)
        if state not in decided:
            raise NotFoundError(f"no decision on {case_ref!r} yet")
        refusal = _decision(session, application, DecisionKind.REFUSAL)
        in_effect = refusal is not None and refusal.state == DecisionState.IN_EFFECT
        reasons = opened_reasons(ctx, refusal) if refusal is not None and in_effect else {}
        review = _decision(session, application, DecisionKind.REVIEW)
        reviewed = None
        if review is not None and review.state == DecisionState.IN_EFFECT:
            assert review.second_at is not None  # noqa: S101 - a decided review has its date
            reviewed = Review(
                ReviewOutcome(review.outcome),
                str(opened_reasons(ctx, review).get("text") or ""),
                review.second_at,
            )
        return Letter(
            case_ref=application.case_ref,
            state=state,
            scheme_id=application.scheme_id,
            scheme_version=application.scheme_version,
            decided_at=application.decided_at,
            refused=in_effect,
            failed=tuple(_failed_lines(ctx, application, reasons)),
            words=str(reasons.get("text") or ""),
            refused_at=refusal.second_at if refusal is not None and in_effect else None,
            review=reviewed,
            review_requested=review is not None,
        )
