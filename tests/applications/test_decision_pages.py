"""The applicant's side of a decision, and the services under the console's new pages."""

from __future__ import annotations

import pytest

from tests.applications.builders import PDF, draft, submitted_invited
from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.accounts.domain import Role
from yms.accounts.services import create_account
from yms.applications.domain.decisions import ReviewOutcome
from yms.applications.domain.evidence import FURTHER
from yms.applications.domain.states import ApplicationState
from yms.applications.services import cases, casework, decisions, places
from yms.applications.services.evidence import add_evidence
from yms.applications.tables import BrakeCount
from yms.kernel.errors import NotFoundError, RefusedError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

APPLICANT = "ana@example.org"


def caseworker(ctx: ServiceContext, email: str, role: Role = Role.CASEWORKER) -> str:
    return create_account(ctx, email, "a good long password", role=role, confirmed=True)


def refused(ctx: ServiceContext, case: str) -> tuple[str, str]:
    """The case refused by two senior caseworkers; (proposer, confirmer)."""
    first = caseworker(ctx, "first@example.org", Role.SENIOR_CASEWORKER)
    second = caseworker(ctx, "second@example.org", Role.SENIOR_CASEWORKER)
    decisions.propose_refusal(ctx, case, caseworker_id=first, requirements=["funds"], text="")
    decisions.confirm_refusal(ctx, case, senior_id=second)
    return first, second


# --- further evidence --------------------------------------------------------------------------


def test_a_further_file_is_taken_only_while_evidence_is_awaited(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(ctx, clock)
    with pytest.raises(RefusedError, match="No evidence has been asked for"):
        add_evidence(ctx, account, case, kind=FURTHER, filename="a.pdf", data=PDF)
    decisions.request_evidence(
        ctx, case, caseworker_id=caseworker(ctx, "cw@example.org"), request="More, please."
    )
    add_evidence(ctx, account, case, kind=FURTHER, filename="one.pdf", data=PDF)
    add_evidence(ctx, account, case, kind=FURTHER, filename="two.pdf", data=PDF)  # kept beside
    with pytest.raises(RefusedError, match="submitted"):  # a needed kind is for drafts alone
        add_evidence(ctx, account, case, kind="passport", filename="p.pdf", data=PDF)
    names = [f.filename for f in cases.view(ctx, account, case).evidence]
    assert sorted(names) == ["one.pdf", "passport.pdf", "two.pdf"]


def test_a_draft_takes_no_further_file(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    with pytest.raises(RefusedError):
        add_evidence(ctx, account, case, kind=FURTHER, filename="a.pdf", data=PDF)


def test_staff_see_no_file_of_a_draft(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    add_evidence(ctx, account, case, kind="passport", filename="p.pdf", data=PDF)
    staff = caseworker(ctx, "cw@example.org")
    for evidence_id in (1, 2):
        with pytest.raises(NotFoundError):
            casework.evidence_for_staff(ctx, staff, case, evidence_id)


# --- the letter ----------------------------------------------------------------------------------


def test_the_letter_of_a_refusal_gives_each_rule_and_the_review(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(ctx, clock, funds="100.00")
    with pytest.raises(NotFoundError):  # no decision yet
        decisions.decision_letter(ctx, account, case)
    refused(ctx, case)
    letter = decisions.decision_letter(ctx, account, case)
    assert letter.refused
    assert letter.failed == (("Funds of £100.00, less than the £2,530.00 needed.", "YMS 5.1"),)
    assert letter.review is None
    assert not letter.review_requested
    decisions.request_review(ctx, account, case, grounds="I had enough.")
    assert decisions.decision_letter(ctx, account, case).review_requested
    third = caseworker(ctx, "third@example.org", Role.SENIOR_CASEWORKER)
    decisions.decide_review(
        ctx, case, senior_id=third, outcome=ReviewOutcome.UPHELD, text="Short of funds."
    )
    reviewed = decisions.decision_letter(ctx, account, case).review
    assert reviewed is not None
    assert reviewed.outcome is ReviewOutcome.UPHELD
    assert reviewed.reasons == "Short of funds."
    with pytest.raises(RefusedError, match="reviewed already"):  # Appendix AR: once
        decisions.request_review(ctx, account, case, grounds="Again.")
    assert decisions.decision_letter(ctx, account, case).state is ApplicationState.REFUSED


def test_the_letter_is_the_owners_alone(ctx: ServiceContext, clock: FixedClock) -> None:
    _account, case = submitted_invited(ctx, clock)
    decisions.grant(ctx, case, caseworker_id=caseworker(ctx, "cw@example.org"))
    other = create_account(ctx, "other@example.org", "a good long password", confirmed=True)
    with pytest.raises(NotFoundError):
        decisions.decision_letter(ctx, other, case)


# --- the brakes ---------------------------------------------------------------------------------


def test_engaged_brakes_are_listed_for_an_operator_until_released(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    operator = caseworker(ctx, "op@example.org", Role.OPERATOR)
    with ctx.unit(actor="test") as uow:
        for period, engaged in (("2026-11", True), ("2026-12", False)):
            uow.session.add(
                BrakeCount(
                    scheme_id="eu-uk-yes",
                    allocation_id="eu-to-uk-2027",
                    period=period,
                    threshold=4400,
                    granted=4400 if engaged else 3,
                    engaged_at=clock.now() if engaged else None,
                )
            )
    [brake] = places.engaged_brakes(ctx, operator)
    assert (brake.allocation_id, brake.period, brake.granted) == ("eu-to-uk-2027", "2026-11", 4400)
    with pytest.raises(NotFoundError):
        places.engaged_brakes(ctx, caseworker(ctx, "cw@example.org", Role.SENIOR_CASEWORKER))
    places.release_brake(ctx, "eu-uk-yes", "eu-to-uk-2027", "2026-11", operator_id=operator)
    assert places.engaged_brakes(ctx, operator) == []


# --- the applicant's pages ------------------------------------------------------------------


def test_the_reply_and_review_pages_are_only_for_their_moment(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    sign_in(browser, APPLICANT)
    for page in ("reply", "review"):
        response = browser.get(f"/applications/{case}/{page}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/applications/{case}"
    assert browser.get(f"/applications/{case}/decision").status_code == 404
    browser.get(f"/applications/{case}")
    early = browser.post(f"/applications/{case}/review", {"grounds": "Too soon."})
    assert early.status_code == 400
    assert "you cannot ask for a review" in early.text
    assert browser.get("/applications/YMS-00000-00000/decision").status_code == 404


def test_another_applicant_cannot_read_the_letter(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    refused(web_ctx, case)
    sign_up_and_in(browser, web_ctx, "other@example.org")
    assert browser.get(f"/applications/{case}/decision").status_code == 404
    assert browser.get(f"/applications/{case}/review").status_code == 404
    sign_in(browser, APPLICANT)
    assert browser.get(f"/applications/{case}/decision").status_code == 200


def test_the_status_page_says_when_there_is_none(browser: Browser, web_ctx: ServiceContext) -> None:
    sign_up_and_in(browser, web_ctx, "new@example.org")
    assert "/status" in browser.get("/account").text
    assert "You have no status yet" in browser.get("/status").text


@pytest.mark.parametrize(
    "action",
    ["request-evidence", "grant", "refuse", "confirm-refusal", "return-refusal", "review"],
)
@pytest.mark.parametrize("role", ["applicant", "operator"])
def test_no_one_but_caseworkers_may_act_on_a_case(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, action: str, role: str
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    sign_up_and_in(browser, web_ctx, f"{role}-2@example.org", role=role)
    browser.get("/sign-in")
    assert browser.post(f"/casework/{case}/{action}", {"reasons": "x"}).status_code == 403
    assert cases.view(web_ctx, _account, case).state is ApplicationState.AWAITING_DECISION
