"""The caseworker console over HTTP: the queue, the case file, and every action on a case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.applications.builders import PDF, submitted_invited
from tests.fixtures.web import Browser, inbox, sign_in, sign_up_and_in
from yms.accounts import services as accounts
from yms.accounts.domain import Role
from yms.applications.domain.states import ApplicationState
from yms.applications.services import cases, decisions
from yms.applications.tables import Application, BrakeCount, PlaceCount
from yms.platform.audit.tables import AuditEvent
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

APPLICANT = "ana@example.org"


def state_of(ctx: ServiceContext, case: str) -> str:
    with ctx.database.reading() as session:
        return str(session.scalar(select(Application.state).where(Application.case_ref == case)))


def staff(browser: Browser, ctx: ServiceContext, email: str, role: str = "caseworker") -> str:
    """A staff account signed in on `browser`; returns its id."""
    return sign_up_and_in(browser, ctx, email, role=role)


def actions(browser: Browser, case: str) -> str:
    """The case page's part that offers actions."""
    page = browser.get(f"/casework/{case}")
    assert page.status_code == 200, page.text[:2000]
    return page.text.split('id="action"', 1)[1]


# --- the queue ---------------------------------------------------------------------------------


def test_a_caseworker_lands_on_the_queue_and_sees_the_case(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    browser.get("/sign-in")
    landed = browser.post(
        "/sign-in", {"email": "cw@example.org", "password": "a good long password"}
    )
    assert landed.headers["location"] == "/casework"
    queue = browser.get("/casework")
    assert queue.status_code == 200
    assert case in queue.text
    assert 'href="/casework" aria-current="page">Cases</a>' in queue.text  # the header


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("", True),
        ("?state=awaiting_decision", True),
        ("?state=refusal_pending", False),
        ("?arrangement=HK-GB", True),
        ("?arrangement=AU-GB", False),
        ("?older-than=0", True),
        ("?older-than=2", False),
        ("?hits=yes", False),  # every check clear
    ],
)
def test_the_queue_filters(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, query: str, listed: bool
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    page = browser.get(f"/casework{query}")
    assert page.status_code == 200
    assert (case in page.text) is listed


def test_the_queue_shows_older_cases_and_cases_with_hits(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    clock.instant += timedelta(days=3)
    staff(browser, web_ctx, "cw@example.org")
    page = browser.get("/casework?older-than=2&hits=yes")
    assert case in page.text
    assert "Fails YMS 5.1" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?older-than=soon", "Enter the age of a case as a whole number of days"),
        ("?older-than=-1", "Enter a number of days between 0 and 3650"),
        ("?state=nonsense", "Select a state from the list"),
    ],
)
def test_a_filter_that_cannot_be_read_is_an_error_beside_it(
    browser: Browser, web_ctx: ServiceContext, query: str, message: str
) -> None:
    staff(browser, web_ctx, "cw@example.org")
    page = browser.get(f"/casework{query}")
    assert page.status_code == 400
    assert page.text.count(message) == 2  # in the summary and beside the field


# --- the case file -----------------------------------------------------------------------------


def test_the_case_file_has_answers_evidence_checks_and_history(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    staff(browser, web_ctx, "cw@example.org")
    page = browser.get(f"/casework/{case}").text
    for shown in (
        "Hong Kong to the United Kingdom (HK-GB)",  # what it is for
        "Ana Maria",  # an answer
        "K00000001",
        "passport.pdf",  # a file, with a link to view it
        f"/casework/{case}/evidence/",
        "Funds of £100.00, less than the £2,530.00 needed.",  # the trace, rule by rule
        "YMS 5.1",
        "govuk-tag--red",  # its failed line
        "No other application by this person",  # the identity check
        "1,000 places left",  # the allocation
        "Checks finished",  # the history
    ):
        assert shown in page, shown


def test_evidence_is_shown_inline_to_staff_alone(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    [link] = [
        part.split('"', 1)[0]
        for part in browser.get(f"/casework/{case}").text.split('href="')[1:]
        if part.startswith(f"/casework/{case}/evidence/")
    ]
    shown = browser.get(link)
    assert shown.status_code == 200
    assert shown.content == PDF
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline")
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-security-policy"].startswith("sandbox")
    assert browser.get(f"/casework/{case}/evidence/999").status_code == 404
    for odd in ("99999999999999999999999", "-1", "1e3", "%C2%B2"):  # never a 500
        assert browser.get(f"/casework/{case}/evidence/{odd}").status_code == 404
    sign_in(browser, APPLICANT)
    assert browser.get(link).status_code == 403


def test_an_applicant_cannot_open_the_console_nor_a_caseworker_the_applicants_pages(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    sign_in(browser, APPLICANT)
    assert browser.get(f"/casework/{case}").status_code == 403
    assert browser.get("/casework").status_code == 403
    staff(browser, web_ctx, "cw@example.org")
    assert browser.get(f"/applications/{case}").status_code == 403
    assert browser.get(f"/applications/{case}/decision").status_code == 403
    assert browser.get("/casework/YMS-00000-00000").status_code == 404


# --- asking for evidence -----------------------------------------------------------------------


def test_asking_for_evidence_tells_the_applicant_who_replies(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    actions(browser, case)
    empty = browser.post(f"/casework/{case}/request-evidence", {"request": "  "})
    assert empty.status_code == 400
    assert empty.text.count("Say what the applicant needs to send") == 2
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION
    asked = browser.post(
        f"/casework/{case}/request-evidence", {"request": "Send a bank statement for October."}
    )
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/casework/{case}?done=evidence-requested"
    assert (
        "The applicant has been asked for more evidence"
        in browser.get(asked.headers["location"]).text
    )
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_EVIDENCE
    assert any(
        "Send a bank statement for October." in str(m.personalisation)
        for m in inbox(web_ctx, APPLICANT)
    )
    # The applicant sees what is asked, and replies with a file.
    sign_in(browser, APPLICANT)
    page = browser.get(f"/applications/{case}").text
    assert "Send a bank statement for October." in page
    assert f"/applications/{case}/reply" in page
    browser.get(f"/applications/{case}/reply")
    no_words = browser.post(f"/applications/{case}/reply", {"reply": ""})
    assert no_words.status_code == 400
    assert "Enter your reply" in no_words.text
    replied = browser.client.post(
        f"/applications/{case}/reply",
        data={"csrf_token": browser.csrf, "reply": "Here it is."},
        files={"evidence-further": ("october.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert replied.status_code == 303
    assert "Your reply has been sent" in browser.get(replied.headers["location"]).text
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION
    staff_view = cases.view(web_ctx, _account, case)
    assert [f.filename for f in staff_view.evidence] == ["passport.pdf", "october.pdf"]


def test_a_reply_with_a_file_that_is_not_evidence_keeps_nothing(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    actions(browser, case)
    browser.post(f"/casework/{case}/request-evidence", {"request": "Send more."})
    sign_in(browser, APPLICANT)
    browser.get(f"/applications/{case}/reply")
    refused = browser.client.post(
        f"/applications/{case}/reply",
        data={"csrf_token": browser.csrf, "reply": "Here it is."},
        files={"evidence-further": ("a.exe", b"MZ not a pdf", "application/pdf")},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "must be a PDF, JPG or PNG" in refused.text
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_EVIDENCE
    assert len(cases.view(web_ctx, account, case).evidence) == 1


# --- grant ---------------------------------------------------------------------------------------


def test_grant_gives_a_status_and_a_letter(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    assert "Grant this application" in actions(browser, case)
    granted = browser.post(f"/casework/{case}/grant")
    assert granted.status_code == 303
    assert "The application is granted" in browser.get(granted.headers["location"]).text
    assert state_of(web_ctx, case) == ApplicationState.GRANTED
    assert "Grant this application" not in actions(browser, case)
    again = browser.post(f"/casework/{case}/grant")
    assert again.status_code == 409
    assert "This application is granted, so you cannot grant it." in again.text
    sign_in(browser, APPLICANT)
    page = browser.get(f"/applications/{case}").text
    assert f"/applications/{case}/decision" in page
    letter = browser.get(f"/applications/{case}/decision").text
    for shown in ("Your application is granted", "1 March 2027", "28 February 2029", "YMS 7.2"):
        assert shown in letter, shown
    status = browser.get("/status").text
    for shown in ("Ana Maria Chan", "1 March 2027", "No access to public funds. (YMS 7.2)"):
        assert shown in status, shown


def fill_the_allocation(ctx: ServiceContext) -> None:
    with ctx.unit(actor="test") as uow:
        uow.session.add(
            PlaceCount(
                scheme_id="uk-yms",
                allocation_id="hong-kong-2025",
                year=2026,
                places=1000,
                granted=1000,
            )
        )


def test_grant_is_not_offered_when_no_place_is_left(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    fill_the_allocation(web_ctx)
    staff(browser, web_ctx, "cw@example.org")
    offered = actions(browser, case)
    assert "Grant this application" not in offered
    assert "Every place of hong-kong-2025 for 2026 has been granted" in offered
    forged = browser.post(f"/casework/{case}/grant")
    assert forged.status_code == 409
    assert "govuk-error-summary" in forged.text
    assert "Every place of hong-kong-2025 for 2026 has been granted" in forged.text
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION


# --- refusal, four eyes, review ------------------------------------------------------------


def test_a_refusal_needs_a_reason(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    staff(browser, web_ctx, "cw@example.org")
    offered = actions(browser, case)
    assert 'value="funds"' in offered
    assert "YMS 5.1: Funds of £100.00, less than the £2,530.00 needed." in offered
    nothing = browser.post(f"/casework/{case}/refuse", {"reasons": ""})
    assert nothing.status_code == 400
    assert "Choose a requirement the application fails, or give a reason" in nothing.text
    not_failed = browser.post(f"/casework/{case}/refuse", {"requirements": "age_maximum"})
    assert not_failed.status_code == 400
    assert "Choose only requirements the application fails" in not_failed.text
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION


FIRST, SECOND = "first@example.org", "second@example.org"


def propose(browser: Browser, ctx: ServiceContext, case: str) -> None:
    """The first senior caseworker proposes to refuse for want of funds, with words."""
    staff(browser, ctx, FIRST, "senior_caseworker")
    actions(browser, case)
    proposed = browser.client.post(
        f"/casework/{case}/refuse",
        data={
            "csrf_token": browser.csrf,
            "requirements": ["funds"],
            "reasons": "The savings shown are too little.",
        },
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    assert state_of(ctx, case) == ApplicationState.REFUSAL_PENDING


def confirm(browser: Browser, ctx: ServiceContext, case: str) -> None:
    """The second senior caseworker confirms the refusal."""
    staff(browser, ctx, SECOND, "senior_caseworker")
    assert "Confirm the refusal" in actions(browser, case)
    confirmed = browser.post(f"/casework/{case}/confirm-refusal")
    assert confirmed.status_code == 303
    assert state_of(ctx, case) == ApplicationState.REFUSED


def test_a_refusal_takes_effect_only_when_another_senior_confirms_it(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    # Its author is not offered to confirm it, and a forged confirmation changes nothing.
    offered = actions(browser, case)
    assert "Confirm the refusal" not in offered
    assert "Another senior caseworker must confirm it" in offered
    forged = browser.post(f"/casework/{case}/confirm-refusal")
    assert forged.status_code == 409
    assert "You cannot confirm a refusal you proposed" in forged.text
    assert state_of(web_ctx, case) == ApplicationState.REFUSAL_PENDING
    # The applicant hears nothing yet.
    sign_in(browser, APPLICANT)
    assert "Waiting for a decision" in browser.get(f"/applications/{case}").text
    assert browser.get(f"/applications/{case}/decision").status_code == 404
    # A caseworker who is not senior cannot confirm.
    staff(browser, web_ctx, "cw@example.org")
    assert "Confirm the refusal" not in actions(browser, case)
    assert browser.post(f"/casework/{case}/confirm-refusal").status_code == 404
    assert state_of(web_ctx, case) == ApplicationState.REFUSAL_PENDING
    confirm(browser, web_ctx, case)


def test_the_applicant_reads_the_reasons_and_asks_for_review(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    confirm(browser, web_ctx, case)
    sign_in(browser, APPLICANT)
    assert f"/applications/{case}/review" in browser.get(f"/applications/{case}").text
    letter = browser.get(f"/applications/{case}/decision").text
    for shown in (
        "Your application is refused",
        "Funds of £100.00, less than the £2,530.00 needed. (YMS 5.1)",
        "The savings shown are too little.",
        "YMS 6.2",
    ):
        assert shown in letter, shown
    browser.get(f"/applications/{case}/review")
    no_grounds = browser.post(f"/applications/{case}/review", {"grounds": " "})
    assert no_grounds.status_code == 400
    assert "Say why you think the decision is wrong" in no_grounds.text
    asked = browser.post(f"/applications/{case}/review", {"grounds": "My savings were enough."})
    assert asked.status_code == 303
    assert state_of(web_ctx, case) == ApplicationState.REVIEW_REQUESTED
    assert (
        "You have asked for an administrative review" in browser.get(asked.headers["location"]).text
    )


def test_a_review_is_decided_by_a_senior_who_took_no_part(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    confirm(browser, web_ctx, case)
    decisions.request_review(web_ctx, account, case, grounds="My savings were enough.")
    # Neither senior who took part may decide the review, nor is it offered to them.
    for took_part in (FIRST, SECOND):
        sign_in(browser, took_part)
        offered = actions(browser, case)
        assert "Decide the review" not in offered
        assert "another senior caseworker must decide its review" in offered
        forged = browser.post(
            f"/casework/{case}/review", {"outcome": "overturned", "reasons": "Mine."}
        )
        assert forged.status_code == 409
        assert "You cannot review a decision you took part in" in forged.text
        assert state_of(web_ctx, case) == ApplicationState.REVIEW_REQUESTED
    staff(browser, web_ctx, "third@example.org", "senior_caseworker")
    offered = actions(browser, case)
    assert "Decide the review" in offered
    no_outcome = browser.post(f"/casework/{case}/review", {"reasons": "Checked."})
    assert no_outcome.status_code == 400
    assert "Select whether the refusal is upheld or overturned" in no_outcome.text
    no_reasons = browser.post(f"/casework/{case}/review", {"outcome": "upheld"})
    assert no_reasons.status_code == 400
    assert "Give the reasons for the review" in no_reasons.text
    upheld = browser.post(
        f"/casework/{case}/review", {"outcome": "upheld", "reasons": "The funds fall short."}
    )
    assert upheld.status_code == 303
    assert state_of(web_ctx, case) == ApplicationState.REFUSED
    sign_in(browser, APPLICANT)
    letter = browser.get(f"/applications/{case}/decision").text
    assert "The review upheld the refusal" in letter
    assert "The funds fall short." in letter
    assert f"/applications/{case}/review" not in browser.get(f"/applications/{case}").text
    again = browser.get(f"/applications/{case}/review", follow_redirects=False)
    assert again.headers["location"] == f"/applications/{case}"


def test_a_review_overturned_grants_the_application(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    confirm(browser, web_ctx, case)
    decisions.request_review(web_ctx, account, case, grounds="My savings were enough.")
    staff(browser, web_ctx, "third@example.org", "senior_caseworker")
    actions(browser, case)
    overturned = browser.post(
        f"/casework/{case}/review", {"outcome": "overturned", "reasons": "Savings were shown."}
    )
    assert overturned.status_code == 303
    assert state_of(web_ctx, case) == ApplicationState.GRANTED
    sign_in(browser, APPLICANT)
    letter = browser.get(f"/applications/{case}/decision").text
    assert "Your application is granted" in letter
    assert "The review overturned the refusal" in letter


def test_a_senior_sends_a_refusal_back_with_a_note(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    actions(browser, case)
    browser.post(f"/casework/{case}/refuse", {"reasons": "Doubts about the bank statement."})
    assert state_of(web_ctx, case) == ApplicationState.REFUSAL_PENDING
    assert "You proposed this refusal" in actions(browser, case)
    staff(browser, web_ctx, "other@example.org")
    assert "A senior caseworker who did not propose this refusal" in actions(browser, case)
    staff(browser, web_ctx, "senior@example.org", "senior_caseworker")
    actions(browser, case)
    no_note = browser.post(f"/casework/{case}/return-refusal", {"note": ""})
    assert no_note.status_code == 400
    assert "Say why the refusal is sent back" in no_note.text
    returned = browser.post(
        f"/casework/{case}/return-refusal", {"note": "Ask for the statement instead."}
    )
    assert returned.status_code == 303
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION
    page = browser.get(f"/casework/{case}").text
    assert "Ask for the statement instead." in page
    assert "Staff only" in page
    # The applicant never saw the proposal.
    sign_in(browser, APPLICANT)
    assert "Ask for the statement instead." not in browser.get(f"/applications/{case}").text


# --- the operator's brakes -------------------------------------------------------------------


def engaged_brake(ctx: ServiceContext, clock: FixedClock) -> None:
    with ctx.unit(actor="test") as uow:
        uow.session.add(
            BrakeCount(
                scheme_id="eu-uk-yes",
                allocation_id="eu-to-uk-2027",
                period="2026-12",
                threshold=4400,
                granted=4400,
                engaged_at=clock.now(),
            )
        )


def test_an_operator_releases_an_engaged_brake_once_confirmed(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    engaged_brake(web_ctx, clock)
    sign_up_and_in(browser, web_ctx, "op@example.org", role="operator")
    assert "/operator/brakes" in browser.get("/operator").text
    page = browser.get("/operator/brakes").text
    assert "eu-to-uk-2027" in page
    assert "2026-12" in page
    form = {"scheme": "eu-uk-yes", "allocation": "eu-to-uk-2027", "period": "2026-12"}
    unconfirmed = browser.post("/operator/brakes/release", form)
    assert unconfirmed.status_code == 400
    assert "Confirm that grants to eu-to-uk-2027 may resume" in unconfirmed.text
    released = browser.post("/operator/brakes/release", {**form, "confirm": "yes"})
    assert released.status_code == 303
    after = browser.get(released.headers["location"]).text
    assert "The brake on eu-to-uk-2027 is released" in after
    assert "No brake holds now." in after
    with web_ctx.database.reading() as session:
        assert session.scalar(
            select(AuditEvent.seq).where(AuditEvent.action == "allocation.brake.released")
        )
    unknown = browser.post("/operator/brakes/release", {**form, "period": "1999", "confirm": "yes"})
    assert unknown.status_code == 404


def test_only_an_operator_sees_the_brakes(browser: Browser, web_ctx: ServiceContext) -> None:
    staff(browser, web_ctx, "senior@example.org", "senior_caseworker")
    assert browser.get("/operator/brakes").status_code == 403


def test_grant_is_not_offered_while_the_brake_holds(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    # The case moved under an arrangement whose allocation has a brake, engaged this month.
    with web_ctx.unit(actor="test") as uow:
        uow.session.execute(
            update(Application)
            .where(Application.case_ref == case)
            .values(scheme_id="eu-uk-yes", scheme_version="2025-05-19", arrangement_id="DE-GB")
        )
    engaged_brake(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    offered = actions(browser, case)
    assert "Grant this application" not in offered
    assert "The emergency brake on eu-to-uk-2027 holds for 2026-12" in offered
    forged = browser.post(f"/casework/{case}/grant")
    assert forged.status_code == 409
    assert "Grants resume when an operator releases the brake" in forged.text
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION


def test_staff_added_from_the_command_line_set_a_password_and_land_on_the_queue(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    link = accounts.add_staff(web_ctx, "new@example.org", Role.SENIOR_CASEWORKER, actor="op")
    assert browser.get(link).status_code == 200
    done = browser.post(link, {"password": "a good long password"})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/casework")
    assert browser.get("/casework").status_code == 200
