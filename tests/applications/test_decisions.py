"""Deciding cases through the services: checks, grants, refusals with four eyes, reviews.

Every test runs on SQLite and PostgreSQL. Cases are built as an applicant would
build them (`submitted`), staff accounts as `yms users add` makes them.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.applications.builders import staff, submitted
from tests.conftest import run_jobs
from yms.accounts.domain import Role
from yms.applications.domain.checks import CheckKind, CheckOutcome
from yms.applications.domain.decisions import FourEyesError, ReviewOutcome
from yms.applications.domain.states import ApplicationState
from yms.applications.services import casework, decisions, drafts, places
from yms.applications.services.cases import view
from yms.applications.tables import Application
from yms.kernel.errors import InvalidInputError, NotFoundError, RefusedError
from yms.platform.audit import log as audit_log
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.mail import journey_templates as templates
from yms.platform.mail.outbox import OutboxSender
from yms.schemes.catalogue import Catalogue
from yms.schemes.domain.scheme import Allocation
from yms.status import services as status


@pytest.fixture
def caseworker(ctx: ServiceContext) -> str:
    return staff(ctx, "case.worker@example.org", Role.CASEWORKER)


@pytest.fixture
def senior(ctx: ServiceContext) -> str:
    return staff(ctx, "senior.one@example.org", Role.SENIOR_CASEWORKER)


@pytest.fixture
def other_senior(ctx: ServiceContext) -> str:
    return staff(ctx, "senior.two@example.org", Role.SENIOR_CASEWORKER)


def state_of(ctx: ServiceContext, case: str) -> ApplicationState:
    with ctx.database.reading() as session:
        found = session.scalar(select(Application.state).where(Application.case_ref == case))
    assert found is not None
    return ApplicationState(found)


def actions(ctx: ServiceContext, subject: str) -> list[str]:
    with ctx.database.reading() as session:
        return [event["action"] for event in audit_log.history(session, subject)]


def sent(ctx: ServiceContext, template: str) -> list[dict[str, str]]:
    run_jobs(ctx)
    assert isinstance(ctx.mail, OutboxSender)
    return [
        message.personalisation
        for message in ctx.mail.messages("kai@example.org")
        if message.template_id == template
    ]


# --- the automated checks ------------------------------------------------------------------


def test_a_submitted_case_is_checked_then_waits_for_a_caseworker(
    ctx: ServiceContext, caseworker: str
) -> None:
    _account, case = submitted(ctx, checked=False)
    assert state_of(ctx, case) is ApplicationState.SUBMITTED
    assert run_jobs(ctx) >= 1
    assert state_of(ctx, case) is ApplicationState.AWAITING_DECISION
    found = casework.case_file(ctx, caseworker, case)
    outcomes = {check.kind: check.outcome for check in found.checks}
    assert outcomes == {
        CheckKind.ELIGIBILITY: CheckOutcome.CLEAR,
        CheckKind.IDENTITY: CheckOutcome.CLEAR,
        CheckKind.ALLOCATION: CheckOutcome.CLEAR,
        CheckKind.SCREENING: CheckOutcome.CLEAR,  # no one like Kai Walker is on the list
    }
    allocation = next(c for c in found.checks if c.kind is CheckKind.ALLOCATION)
    # No 2026 allocation is set: 1.A gives the greater of 1,000 and half of 2025's 42,000.
    assert (allocation.detail["allocation"], allocation.detail["places"]) == (
        "australia-2025",
        21000,
    )
    trace = next(c for c in found.checks if c.kind is CheckKind.ELIGIBILITY).detail
    assert [r["rule"] for r in trace["requirements"]][:2] == ["YMS 1.3", "YMS 1.4"]  # type: ignore[index]
    # Dates in the trace's sentences as pages write them.
    assert "(10 January 2027)" in trace["requirements"][2]["detail"]  # type: ignore[index]
    assert "application.checks.completed" in actions(ctx, case)
    assert casework.run_checks(ctx, case) is False  # a job run twice changes nothing


def test_checks_flag_failed_rules_and_the_same_person_applying_twice(
    ctx: ServiceContext, caseworker: str
) -> None:
    _first, first = submitted(ctx, "kai@example.org")
    _second, second = submitted(ctx, "kai.again@example.org", savings="100.00")
    found = {c.kind: c for c in casework.case_file(ctx, caseworker, second).checks}
    assert found[CheckKind.ELIGIBILITY].outcome is CheckOutcome.ATTENTION
    assert found[CheckKind.ELIGIBILITY].summary == "Fails YMS 5.1"
    assert found[CheckKind.IDENTITY].outcome is CheckOutcome.ATTENTION
    assert first in found[CheckKind.IDENTITY].summary
    [item] = [i for i in casework.queue(ctx, caseworker) if i.case_ref == second]
    assert len(item.attention) == 2
    flagged = casework.queue(ctx, caseworker, casework.QueueFilter(with_hits=True))
    assert [i.case_ref for i in flagged] == [second]


def test_the_queue_is_oldest_first_and_only_for_caseworkers(
    ctx: ServiceContext, clock: FixedClock, caseworker: str
) -> None:
    _a, older = submitted(ctx, "kai@example.org")
    clock.instant += timedelta(days=3)
    _b, newer = submitted(ctx, "lou@example.org", passport="PB7654321")
    assert [i.case_ref for i in casework.queue(ctx, caseworker)] == [older, newer]
    with pytest.raises(NotFoundError):
        casework.queue(ctx, _a)  # an applicant
    with pytest.raises(NotFoundError):
        casework.case_file(ctx, _a, older)


# --- grant ---------------------------------------------------------------------------------


def test_a_grant_takes_a_place_gives_a_status_and_tells_the_applicant(
    ctx: ServiceContext, caseworker: str
) -> None:
    account, case = submitted(ctx)
    given = decisions.grant(ctx, case, caseworker_id=caseworker)
    assert state_of(ctx, case) is ApplicationState.GRANTED
    # From the planned start, for 24 months (YMS 7.1), to the day before.
    assert (given.validity.valid_from, given.validity.valid_until) == (
        date(2027, 1, 10),
        date(2029, 1, 9),
    )
    assert [c.id for c in given.conditions][:3] == [
        "no-public-funds",
        "work-permitted",
        "study-permitted",
    ]
    assert status.statuses_of(ctx, account) == [given]
    assert given.holder.full_name == "Kai Walker"
    assert actions(ctx, case)[-1] == "application.granted"
    assert actions(ctx, given.status_ref) == ["status.created"]
    [letter] = sent(ctx, templates.DECISION_GRANTED)
    assert "10 January 2027" in letter["valid_from"]
    assert letter["link"].endswith(f"/applications/{case}")
    standing = places.places_left(ctx, ctx.catalogue.latest("uk-yms"), "AU-GB", date(2026, 11, 25))
    assert standing is not None
    assert (standing.granted, standing.left) == (1, 20999)
    with pytest.raises(RefusedError, match="granted"):
        decisions.grant(ctx, case, caseworker_id=caseworker)  # once only
    with pytest.raises(RefusedError, match="decided"):
        drafts.withdraw(ctx, account, case)


def test_only_caseworkers_decide(ctx: ServiceContext) -> None:
    account, case = submitted(ctx)
    operator = staff(ctx, "op@example.org", Role.OPERATOR)
    for who in (account, operator):
        with pytest.raises(NotFoundError):
            decisions.grant(ctx, case, caseworker_id=who)
        with pytest.raises(NotFoundError):
            decisions.propose_refusal(ctx, case, caseworker_id=who, requirements=[], text="no")
    assert state_of(ctx, case) is ApplicationState.AWAITING_DECISION


# --- refusal, four eyes, review -----------------------------------------------------------------


def test_a_refusal_takes_effect_only_when_another_senior_confirms_it(
    ctx: ServiceContext, caseworker: str, senior: str
) -> None:
    account, case = submitted(ctx, savings="100.00")
    assert decisions.failed_requirements(ctx, case) == {"funds": "YMS 5.1"}
    with pytest.raises(InvalidInputError, match="fails"):
        decisions.propose_refusal(
            ctx, case, caseworker_id=caseworker, requirements=["age_maximum"], text=""
        )
    with pytest.raises(InvalidInputError, match="give a reason"):
        decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=[], text=" ")
    decisions.propose_refusal(
        ctx, case, caseworker_id=caseworker, requirements=["funds"], text="Savings too low."
    )
    assert state_of(ctx, case) is ApplicationState.REFUSAL_PENDING
    # The applicant sees no decision yet, nor the proposal.
    mine = view(ctx, account, case)
    assert mine.state is ApplicationState.AWAITING_DECISION
    assert "refusal_proposed" not in [e.kind for e in mine.events]
    assert sent(ctx, templates.DECISION_REFUSED) == []
    with pytest.raises(NotFoundError):  # a caseworker is not a senior caseworker
        decisions.confirm_refusal(ctx, case, senior_id=caseworker)
    decisions.confirm_refusal(ctx, case, senior_id=senior)
    assert state_of(ctx, case) is ApplicationState.REFUSED
    [letter] = sent(ctx, templates.DECISION_REFUSED)
    assert "Funds of £100.00, less than the £2,530.00 needed. (YMS 5.1)" in letter["reasons"]
    assert "Savings too low." in letter["reasons"]
    assert actions(ctx, case)[-2:] == ["application.refusal.proposed", "application.refused"]


def test_the_author_of_a_refusal_cannot_confirm_or_return_it(
    ctx: ServiceContext, senior: str, other_senior: str
) -> None:
    _account, case = submitted(ctx, savings="100.00")
    decisions.propose_refusal(ctx, case, caseworker_id=senior, requirements=["funds"], text="")
    with pytest.raises(FourEyesError):
        decisions.confirm_refusal(ctx, case, senior_id=senior)
    with pytest.raises(FourEyesError):
        decisions.return_refusal(ctx, case, senior_id=senior, note="Think again")
    assert state_of(ctx, case) is ApplicationState.REFUSAL_PENDING
    decisions.return_refusal(ctx, case, senior_id=other_senior, note="Ask for a new statement")
    assert state_of(ctx, case) is ApplicationState.AWAITING_DECISION
    assert actions(ctx, case)[-1] == "application.refusal.returned"


def test_a_review_is_decided_by_a_senior_who_took_no_part(
    ctx: ServiceContext, caseworker: str, senior: str, other_senior: str
) -> None:
    account, case = submitted(ctx, savings="100.00")
    decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=["funds"], text="")
    decisions.confirm_refusal(ctx, case, senior_id=senior)
    with pytest.raises(InvalidInputError):
        decisions.request_review(ctx, account, case, grounds="  ")
    decisions.request_review(ctx, account, case, grounds="My statement was for 3,000 pounds.")
    assert state_of(ctx, case) is ApplicationState.REVIEW_REQUESTED
    with pytest.raises(FourEyesError):  # confirmed the refusal
        decisions.decide_review(
            ctx, case, senior_id=senior, outcome=ReviewOutcome.OVERTURNED, text="Wrong."
        )
    given = decisions.decide_review(
        ctx, case, senior_id=other_senior, outcome=ReviewOutcome.OVERTURNED, text="Funds shown."
    )
    assert given is not None
    assert state_of(ctx, case) is ApplicationState.GRANTED
    assert status.status_of_case(ctx, case) == given
    assert actions(ctx, case)[-2:] == ["application.review.decided", "application.granted"]


def test_a_review_upheld_leaves_the_refusal_and_says_why(
    ctx: ServiceContext, caseworker: str, senior: str, other_senior: str
) -> None:
    account, case = submitted(ctx, savings="100.00")
    decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=["funds"], text="")
    decisions.confirm_refusal(ctx, case, senior_id=senior)
    decisions.request_review(ctx, account, case, grounds="Please look again.")
    assert (
        decisions.decide_review(
            ctx, case, senior_id=other_senior, outcome=ReviewOutcome.UPHELD, text="Still £100."
        )
        is None
    )
    assert state_of(ctx, case) is ApplicationState.REFUSED
    [letter] = sent(ctx, templates.REVIEW_UPHELD)
    assert letter["reasons"] == "Still £100."
    with pytest.raises(RefusedError):  # one review per refusal
        decisions.request_review(ctx, account, case, grounds="Again.")


def test_evidence_asked_for_and_given_returns_the_case_to_the_queue(
    ctx: ServiceContext, caseworker: str
) -> None:
    account, case = submitted(ctx)
    decisions.request_evidence(
        ctx, case, caseworker_id=caseworker, request="A bank statement from November."
    )
    assert view(ctx, account, case).state is ApplicationState.AWAITING_EVIDENCE
    [asked] = sent(ctx, templates.EVIDENCE_REQUESTED)
    assert asked["request"] == "A bank statement from November."
    with pytest.raises(RefusedError):
        decisions.grant(ctx, case, caseworker_id=caseworker)
    decisions.reply_with_evidence(ctx, account, case, reply="Uploaded it.")
    assert state_of(ctx, case) is ApplicationState.AWAITING_DECISION
    assert actions(ctx, case)[-2:] == [
        "application.evidence.requested",
        "application.evidence.provided",
    ]


# --- places and the brake ---------------------------------------------------------------------


def with_allocation(
    ctx: ServiceContext, places_2026: int, brake: dict[str, object] | None
) -> ServiceContext:
    """The UK scheme with an Australia allocation for 2026 of `places_2026` (and a brake)."""
    uk = ctx.catalogue.latest("uk-yms")
    extra = Allocation.model_validate(
        {
            "id": "australia-2026",
            "title": "Australia 2026",
            "year": 2026,
            "places": places_2026,
            "arrangements": ["AU-GB"],
            "emergency_brake": brake,
        }
    )
    scheme = uk.model_copy(update={"allocations": (*uk.allocations, extra)})
    schemes = tuple(scheme if s is uk else s for s in ctx.catalogue.schemes)
    return replace(ctx, catalogue=Catalogue(schemes))


def test_twenty_grants_for_the_last_place_give_exactly_one(ctx: ServiceContext) -> None:
    ctx = with_allocation(ctx, 1, None)
    cases = [submitted(ctx, f"person{n}@example.org", passport=f"PX{n:07d}")[1] for n in range(20)]
    workers = [staff(ctx, f"worker{n}@example.org", Role.CASEWORKER) for n in range(20)]
    start = threading.Barrier(20)

    def grant(case: str, worker: str) -> str:
        start.wait()
        try:
            decisions.grant(ctx, case, caseworker_id=worker)
        except places.NoPlaceError:
            return "no place"
        return "granted"

    with ThreadPoolExecutor(20) as pool:
        outcomes = Counter(pool.map(grant, cases, workers))
    assert outcomes == Counter({"granted": 1, "no place": 19})
    states = Counter(state_of(ctx, case) for case in cases)
    assert states == Counter({ApplicationState.GRANTED: 1, ApplicationState.AWAITING_DECISION: 19})
    standing = places.places_left(ctx, ctx.catalogue.latest("uk-yms"), "AU-GB", date(2026, 11, 25))
    assert standing is not None
    assert (standing.granted, standing.left, standing.can_grant) == (1, 0, False)


def test_past_the_brake_grants_pause_until_an_operator_releases_it(
    ctx: ServiceContext, caseworker: str
) -> None:
    ctx = with_allocation(ctx, 10, {"threshold": 2, "period": "month"})
    operator = staff(ctx, "op@example.org", Role.OPERATOR)
    cases = [submitted(ctx, f"p{n}@example.org", passport=f"PY{n:07d}")[1] for n in range(4)]
    decisions.grant(ctx, cases[0], caseworker_id=caseworker)
    decisions.grant(ctx, cases[1], caseworker_id=caseworker)  # the threshold: the brake engages
    assert actions(ctx, "uk-yms/australia-2026") == ["allocation.brake.engaged"]
    with pytest.raises(places.BrakeEngagedError, match="2026-11"):
        decisions.grant(ctx, cases[2], caseworker_id=caseworker)
    assert state_of(ctx, cases[2]) is ApplicationState.AWAITING_DECISION
    standing = places.places_left(ctx, ctx.catalogue.latest("uk-yms"), "AU-GB", date(2026, 11, 25))
    assert standing is not None
    assert (standing.granted, standing.brake_engaged, standing.can_grant) == (2, True, False)
    with pytest.raises(NotFoundError):  # only an operator releases it
        places.release_brake(ctx, "uk-yms", "australia-2026", "2026-11", operator_id=caseworker)
    places.release_brake(ctx, "uk-yms", "australia-2026", "2026-11", operator_id=operator)
    decisions.grant(ctx, cases[2], caseworker_id=caseworker)
    decisions.grant(ctx, cases[3], caseworker_id=caseworker)
    assert actions(ctx, "uk-yms/australia-2026") == [
        "allocation.brake.engaged",
        "allocation.brake.released",
    ]


def test_the_audit_chain_holds_after_casework(
    ctx: ServiceContext, caseworker: str, senior: str
) -> None:
    _a, granted = submitted(ctx)
    decisions.grant(ctx, granted, caseworker_id=caseworker)
    _b, refused = submitted(ctx, "lou@example.org", passport="PB7654321", savings="100.00")
    decisions.propose_refusal(
        ctx, refused, caseworker_id=caseworker, requirements=["funds"], text=""
    )
    decisions.confirm_refusal(ctx, refused, senior_id=senior)
    assert audit_log.verify(ctx.database).intact


def test_each_act_belongs_to_its_own_state(
    ctx: ServiceContext, caseworker: str, senior: str
) -> None:
    account, case = submitted(ctx, savings="100.00")
    with pytest.raises(RefusedError, match="waiting for a decision, so you cannot reply"):
        decisions.reply_with_evidence(ctx, account, case, reply="Hello")
    decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=["funds"], text="")
    # A reply cannot take a case out of a refusal waiting for its second caseworker.
    with pytest.raises(RefusedError, match="cannot reply"):
        decisions.reply_with_evidence(ctx, account, case, reply="Hello")
    decisions.confirm_refusal(ctx, case, senior_id=senior)
    decisions.request_review(ctx, account, case, grounds="Look again")
    # Under review, only the review decides: a caseworker's grant is refused.
    with pytest.raises(RefusedError, match="under administrative review, so you cannot grant"):
        decisions.grant(ctx, case, caseworker_id=caseworker)
    with pytest.raises(RefusedError, match="cannot confirm a refusal"):
        decisions.confirm_refusal(ctx, case, senior_id=senior)
    assert state_of(ctx, case) is ApplicationState.REVIEW_REQUESTED


def test_no_one_who_took_part_in_any_refusal_of_the_case_reviews_it(
    ctx: ServiceContext, caseworker: str, senior: str, other_senior: str
) -> None:
    third = staff(ctx, "senior.three@example.org", Role.SENIOR_CASEWORKER)
    account, case = submitted(ctx, savings="100.00")
    decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=["funds"], text="")
    decisions.return_refusal(ctx, case, senior_id=senior, note="Say more")  # took part
    decisions.propose_refusal(ctx, case, caseworker_id=caseworker, requirements=["funds"], text="")
    decisions.confirm_refusal(ctx, case, senior_id=other_senior)
    decisions.request_review(ctx, account, case, grounds="Look again")
    for took_part in (senior, other_senior):
        with pytest.raises(FourEyesError):
            decisions.decide_review(
                ctx, case, senior_id=took_part, outcome=ReviewOutcome.UPHELD, text="Stands."
            )
    decisions.decide_review(
        ctx, case, senior_id=third, outcome=ReviewOutcome.UPHELD, text="Stands."
    )
    assert state_of(ctx, case) is ApplicationState.REFUSED


def test_a_later_version_with_fewer_places_is_held_to_its_own_figure(
    ctx: ServiceContext, caseworker: str
) -> None:
    first, second = (
        submitted(ctx, f"p{n}@example.org", passport=f"PZ{n:07d}")[1] for n in range(2)
    )
    decisions.grant(with_allocation(ctx, 2, None), first, caseworker_id=caseworker)
    # The operator loads a version with one place for the year: it is taken already.
    with pytest.raises(places.NoPlaceError):
        decisions.grant(with_allocation(ctx, 1, None), second, caseworker_id=caseworker)
    assert state_of(ctx, second) is ApplicationState.AWAITING_DECISION
