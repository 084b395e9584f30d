"""The case file reads as a person would: answers in the applicant's words, checks as sentences."""

from __future__ import annotations

import re
from html import unescape

from tests.applications.builders import submitted, submitted_invited
from tests.applications.test_console import (
    FIRST,
    SECOND,
    actions,
    confirm,
    propose,
    staff,
    state_of,
)
from tests.applications.test_screening import about
from tests.applications.test_screening import submitted as case_about
from tests.fixtures.web import Browser
from yms.applications.domain.checks import CheckKind
from yms.applications.domain.decisions import ReviewOutcome
from yms.applications.domain.states import ApplicationState
from yms.applications.services import decisions, screening
from yms.applications.web.check_details import DetailRow, Link, detail_rows
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces folded, as a reader meets them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_answers_read_as_on_check_your_answers(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    staff(browser, web_ctx, "cw@example.org")
    page = text_of(browser.get(f"/casework/{case}").text)
    for shown in (
        "Applicant Ana Maria Chan Scheme",  # at the top, to know the case by
        "What is your name? Ana Maria Chan",
        "What is your date of birth? 2 January 2000",
        "Your passport K00000001, expires 1 January 2031",
        "Your savings £100.00, held for 28 days; latest statement 20 November 2026",
        "Have you been on this scheme before? No",
    ):
        assert shown in page, shown
    for raw in ("Applicant: Funds", "Personal: Passport number", "2000-01-02", "Declaration"):
        assert raw not in page, raw


def test_the_places_check_reads_as_sentences(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    page = text_of(browser.get(f"/casework/{case}").text)
    assert re.search(r"Places in 2026 1,000 \(from [a-z0-9-]+( by [^)]+)?\)", page), page
    for shown in ("Granted so far 0", "Places left 1,000", "Emergency brake None"):
        assert shown in page, shown
    for raw in ("Brake engaged", "Granted in period", "Brake threshold"):
        assert raw not in page, raw


def test_the_same_persons_other_case_is_a_link_to_it(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    _first_account, first = submitted(web_ctx, "kai@example.org")
    _second_account, second = submitted(web_ctx, "kai.w@example.org")
    staff(browser, web_ctx, "cw@example.org")
    html = browser.get(f"/casework/{second}").text
    assert f'<a class="govuk-link" href="/casework/{first}">' in html
    assert f"{first} (waiting for a decision when checked)" in text_of(html)
    assert "Case ref" not in text_of(html)


def test_the_case_file_says_where_each_part_is_and_offers_the_actions_beside_it(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    html = browser.get(f"/casework/{case}").text
    for part in ("checks", "answers", "evidence", "decisions", "history", "action"):
        assert f'href="#{part}"' in html, part
        assert f'id="{part}"' in html, part
    assert '<div class="govuk-grid-column-one-third">' in html.split('id="action"')[0][-200:]


def test_a_caseworker_who_proposes_a_refusal_is_told_a_senior_must_confirm_it(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    staff(browser, web_ctx, "cw@example.org")
    actions(browser, case)
    proposed = browser.post(f"/casework/{case}/refuse", {"reasons": "Too little saved."})
    assert proposed.status_code == 303
    page = text_of(browser.get(proposed.headers["location"]).text)
    assert "A senior caseworker must confirm it before it takes effect" in page
    assert "when a senior caseworker who did not propose it confirms it" in page
    # A caseworker has no other senior caseworker to wait for: they are not one.
    assert "Another senior caseworker" not in page


def test_a_check_without_its_own_wording_still_reads_well() -> None:
    rows = detail_rows(
        CheckKind.SCREENING,
        {"list_checked": "UK sanctions", "matched": False, "entries": [{"name_score": 91}]},
    )
    assert rows == [
        DetailRow("List checked", "UK sanctions"),
        DetailRow("Matched", "No"),
        DetailRow("Entries", "Name score: 91"),
    ]


def test_the_brake_is_said_as_it_stands() -> None:
    base = {
        "allocation": "eu-to-uk-2027",
        "year": 2027,
        "places": 21000,
        "granted": 4400,
        "left": 16600,
        "brake_threshold": 4400,
        "brake_period": "2027-11",
        "granted_in_period": 4400,
        "brake_released": False,
        "rule": "paragraph 1.A",
    }
    engaged = detail_rows(CheckKind.ALLOCATION, {**base, "brake_engaged": True})
    assert engaged[0] == DetailRow("Places in 2027", "21,000 (from eu-to-uk-2027 by paragraph 1.A)")
    assert engaged[-1].value.startswith("Engaged for 2027-11 after 4,400 grants")
    released = detail_rows(
        CheckKind.ALLOCATION, {**base, "brake_engaged": False, "brake_released": True}
    )
    assert released[-1].value.startswith("Released by an operator for 2027-11")
    below = detail_rows(
        CheckKind.ALLOCATION, {**base, "brake_engaged": False, "granted_in_period": 12}
    )
    assert below[-1].value == "Not engaged: 12 of 4,400 grants in 2027-11"
    uncapped = detail_rows(CheckKind.ALLOCATION, {**base, "places": None, "brake_threshold": None})
    labels = [row.label for row in uncapped]
    assert labels == ["Places in 2027", "Granted so far", "Emergency brake"]
    assert uncapped[0].value == "No limit"
    [other] = detail_rows(
        CheckKind.IDENTITY, {"applications": [{"case_ref": "YMS-1", "state": "x"}]}
    )
    assert other.links == (Link("YMS-1 (x when checked)", "/casework/YMS-1"),)


def test_each_decision_says_what_happened_who_and_why_in_words(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    proposed = text_of(browser.get(f"/casework/{case}").text)
    assert "Refusal proposed: waiting for a senior caseworker to confirm it" in proposed
    assert f"By {FIRST} on " in proposed
    confirm(browser, web_ctx, case)
    decisions.request_review(web_ctx, account, case, grounds="My savings were enough.")
    page = text_of(browser.get(f"/casework/{case}").text)
    for shown in (
        f"Refused By {FIRST} on ",
        f"confirmed by {SECOND} on ",
        "Requirement failed YMS 5.1: Funds of £100.00, less than the £2,530.00 needed.",
        "Reasons The savings shown are too little.",
        "Administrative review asked for Asked for by the applicant on ",
        "The applicant's grounds My savings were enough.",
    ):
        assert shown in page, shown
    for raw in ("Refusal: refused", "(in effect)", "Requirements failed: funds", "Review:"):
        assert raw not in page, raw
    third = staff(browser, web_ctx, "third@example.org", "senior_caseworker")
    decisions.decide_review(
        web_ctx, case, senior_id=third, outcome=ReviewOutcome.UPHELD, text="Too little saved."
    )
    reviewed = text_of(browser.get(f"/casework/{case}").text)
    assert "Administrative review: the refusal is upheld Asked for by the applicant on " in reviewed
    assert "; decided by third@example.org on " in reviewed


def test_a_refusal_sent_back_says_who_sent_it_back(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    staff(browser, web_ctx, SECOND, "senior_caseworker")
    actions(browser, case)
    returned = browser.post(f"/casework/{case}/return-refusal", {"note": "Ask for a statement."})
    assert returned.status_code == 303
    page = text_of(browser.get(f"/casework/{case}").text)
    assert "Refusal proposed, then sent back" in page
    assert f"sent back by {SECOND} on " in page


def test_an_actions_address_opened_as_a_page_leads_back_to_the_case(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    # After a form comes back with an error the address bar shows the action's
    # address; opening it again (or signing in again to it) must not be "Sorry".
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    for action in ("grant", "refuse", "request-evidence", "confirm-refusal", "review"):
        opened = browser.get(f"/casework/{case}/{action}", follow_redirects=False)
        assert opened.status_code == 303, action
        assert opened.headers["location"] == f"/casework/{case}#action"
    assert state_of(web_ctx, case) == ApplicationState.AWAITING_DECISION  # nothing was done
    assert browser.get(f"/casework/{case}/delete", follow_redirects=False).status_code == 404


def test_the_queue_names_states_and_arrangements_as_the_case_file_does(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    html = browser.get("/casework").text
    assert '<option value="awaiting_decision">Waiting for a decision</option>' in html
    assert '<option value="refusal_pending">Refusal to confirm</option>' in html
    assert '<option value="HK-GB">Hong Kong to the United Kingdom (HK-GB)</option>' in html
    assert '<td class="govuk-table__cell">Hong Kong to the United Kingdom (HK-GB)</td>' in html
    assert "Awaiting decision" not in html


def test_the_queue_table_scrolls_in_its_own_region_on_a_narrow_screen(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    html = browser.get("/casework").text
    # Reachable by keyboard (it scrolls) and named by the table's caption.
    region = 'class="yms-table-scroll" role="region" aria-labelledby="queue-caption" tabindex="0"'
    assert region in html
    assert 'id="queue-caption"' in html


def test_the_senior_reads_the_proposed_reasons_beside_the_confirm_button(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock, funds="100.00")
    propose(browser, web_ctx, case)
    staff(browser, web_ctx, SECOND, "senior_caseworker")
    offered = text_of(actions(browser, case))
    assert f"The refusal proposed By {FIRST} on " in offered
    assert "YMS 5.1: Funds of £100.00, less than the £2,530.00 needed." in offered
    assert "The savings shown are too little." in offered
    assert offered.index("too little") < offered.index("Confirm the refusal")


def test_each_file_says_what_it_is(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    _account, case = submitted_invited(web_ctx, clock)
    staff(browser, web_ctx, "cw@example.org")
    page = text_of(browser.get(f"/casework/{case}").text)
    assert "Photo page of the passport passport.pdf PDF, 2 KB, uploaded " in page
    assert "(passport, application/pdf" not in page


def test_the_history_says_what_was_asked_and_what_the_applicant_replied(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = submitted_invited(web_ctx, clock)
    worker = staff(browser, web_ctx, "cw@example.org")
    decisions.request_evidence(
        web_ctx, case, caseworker_id=worker, request="Send a bank statement for October."
    )
    waiting = text_of(browser.get(f"/casework/{case}").text)
    assert "Status: Evidence asked for" in waiting  # not the applicant's "We need more information"
    assert "Evidence asked for: Send a bank statement for October." in waiting
    queue = browser.get("/casework").text
    assert '<option value="awaiting_evidence">Evidence asked for</option>' in queue
    decisions.reply_with_evidence(web_ctx, account, case, reply="Here it is.")
    page = text_of(browser.get(f"/casework/{case}").text)
    assert "The applicant replied: Here it is." in page


def test_a_watchlist_hit_reads_as_who_matched_and_why() -> None:

    # SYN-00003 is "Vladimir Shcherbakov", born 21 December 1994 (an invented person).
    result = screening.check_screening(None, case_about(about("Vladimir", "Chtcherbakov")))  # type: ignore[arg-type]
    rows = {row.label: row.value for row in detail_rows(CheckKind.SCREENING, result.detail)}
    assert rows["Screened"] == "Vladimir Chtcherbakov, born 21 December 1994, nationality HK"
    assert rows["Against"] == "3,000 people on the watchlist"
    [match] = [label for label in rows if label.startswith("Possible match: ")]
    assert match.startswith("Possible match: Vladimir ")
    assert match.endswith("(SYN-00003)")
    assert "Date of birth: exact; the list gives 21 December 1994." in rows[match]
    assert "Nationality: unknown; the list gives none." in rows[match]
    assert rows[match].startswith("Score ")
    assert "Names: vladimir and vladimir (100% alike)" in rows[match]
