"""Journeys 4 and 5 over HTTP: accept an invitation, apply, pay, follow, withdraw."""

from __future__ import annotations

import pytest

from tests.ballot.builders import BEACON, hong_kong_window
from tests.ballot.builders import BROWSER_IDENTITY as IDENTITY
from tests.ballot.builders import enter_in_browser as enter
from tests.fixtures.web import Browser, sign_in, sign_up_and_in
from yms.applications.services.drafts import add_message
from yms.ballot.services import windows as ballot_windows
from yms.ballot.services.entries import entries_of
from yms.ballot.services.invitations import invite_round
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

PDF = b"%PDF-1.7\n" + b"0" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 500


def invited(browser: Browser, ctx: ServiceContext, clock: FixedClock) -> str:
    """Enter, then close, draw and invite as the operator; returns the invitation ref."""
    window = hong_kong_window(ctx, places=1)
    account = sign_up_and_in(browser, ctx, "ana@example.org")
    enter(browser)
    clock.instant = window.closes_at
    ballot_windows.close_window(ctx, window.window_id, BEACON, actor="operator")
    ballot_windows.run_draw(ctx, window.window_id, actor="operator")
    invite_round(ctx, window.window_id, actor="operator")
    sign_in(browser, "ana@example.org")  # days have passed: the session has expired
    [entry] = entries_of(ctx, account)
    assert entry.invitation_ref is not None
    return entry.invitation_ref


def started_application(browser: Browser, ctx: ServiceContext, clock: FixedClock) -> str:
    """Be invited, accept and start the application; returns the application's address."""
    invitation = invited(browser, ctx, clock)
    browser.get(f"/invitations/{invitation}")
    browser.post(f"/invitations/{invitation}", {"accept": "yes"})
    started = browser.get(f"/apply/{invitation}", follow_redirects=False)
    return str(started.headers["location"]).removesuffix("/continue")


ANSWERS = [
    ("name", {"given-names": "Ana Maria", "family-name": "Chan"}),
    (
        "date-of-birth",
        {"date-of-birth-day": "3", "date-of-birth-month": "4", "date-of-birth-year": "2001"},
    ),
    (
        "passport",
        {
            "passport-number": "K12345678",
            "passport-expiry-day": "1",
            "passport-expiry-month": "1",
            "passport-expiry-year": "2033",
        },
    ),
    ("previous-participation", {"answer": "no"}),
    ("children", {"answer": "no"}),
    (
        "savings",
        {
            "amount": "2600",
            "held-days": "40",
            "latest-statement-day": "1",
            "latest-statement-month": "12",
            "latest-statement-year": "2026",
        },
    ),
]


def apply_until_payment(browser: Browser, invitation: str) -> str:
    overview = browser.get("/applications").text
    assert "You have been invited to apply" in overview
    browser.get(f"/invitations/{invitation}")
    accepted = browser.post(f"/invitations/{invitation}", {"accept": "yes"})
    assert accepted.headers["location"] == f"/apply/{invitation}"
    started = browser.get(accepted.headers["location"], follow_redirects=False)
    case_url = started.headers["location"].removesuffix("/continue")
    for slug, data in ANSWERS:
        step = browser.get(f"{case_url}/continue", follow_redirects=False).headers["location"]
        assert step == f"{case_url}/{slug}"
        browser.get(step)
        response = browser.post(step, data)
        assert response.status_code == 303, (slug, response.text[:3000])
    for kind, content in [("passport", PNG), ("bank_statement", PDF)]:
        step = browser.get(f"{case_url}/continue", follow_redirects=False).headers["location"]
        assert step == f"{case_url}/evidence/{kind}"
        browser.get(step)
        uploaded = browser.client.post(
            step,
            data={"csrf_token": browser.csrf},
            files={f"evidence-{kind}": (f"{kind}.bin", content, "application/octet-stream")},
            follow_redirects=False,
        )
        assert uploaded.status_code == 303, uploaded.text[:2000]
    assert browser.get(f"{case_url}/continue", follow_redirects=False).headers["location"] == (
        f"{case_url}/check-answers"
    )
    answers = browser.get(f"{case_url}/check-answers").text
    for shown in ("Ana Maria Chan", "K12345678", "bank_statement.bin", "passport.bin"):
        assert shown in answers
    return case_url


def test_accept_apply_pay_and_follow(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    browser.get(f"{case_url}/declaration")
    unticked = browser.post(f"{case_url}/declaration", {})
    assert unticked.status_code == 400
    assert "Confirm that the information you have given is true" in unticked.text
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    again = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    assert to_pay == again  # a double click creates one payment
    assert to_pay.startswith("/fake-pay/")
    pay_page = browser.get(to_pay)
    assert "£1,871.00" in pay_page.text  # £319 fee + 2 years of £776 health charge
    returned = browser.post(to_pay, {"outcome": "pay"}).headers["location"]
    assert returned.endswith(f"{case_url}/payment-return")
    done = browser.get(returned.removeprefix(web_ctx.public_url), follow_redirects=False)
    assert done.headers["location"] == f"{case_url}/confirmation"
    confirmation = browser.get(f"{case_url}/confirmation").text
    case_ref = case_url.rsplit("/", 1)[1]
    assert "Application submitted" in confirmation
    assert case_ref in confirmation
    # The back button after paying shows the same confirmation, and pays nothing more.
    back = browser.get(returned.removeprefix(web_ctx.public_url), follow_redirects=False)
    assert back.headers["location"] == f"{case_url}/confirmation"
    assert browser.get(f"{case_url}/declaration", follow_redirects=False).status_code == 303
    add_message(web_ctx, case_ref, "We have started checking your documents.", actor="caseworker")
    case_page = browser.get(case_url).text
    assert "Submitted" in case_page
    assert "We have started checking your documents." in case_page
    browser.get(f"{case_url}/withdraw")
    assert browser.post(f"{case_url}/withdraw", {}).status_code == 400
    browser.post(f"{case_url}/withdraw", {"withdraw": "yes"})
    assert "Withdrawn" in browser.get(case_url).text


@pytest.mark.parametrize(
    ("outcome", "message"), [("decline", "declined"), ("cancel", "You cancelled")]
)
def test_a_failed_payment_can_be_tried_again(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, outcome: str, message: str
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    browser.get(f"{case_url}/declaration")
    to_pay = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    browser.get(to_pay)
    returned = browser.post(to_pay, {"outcome": outcome}).headers["location"]
    failed = browser.get(returned.removeprefix(web_ctx.public_url))
    assert "Your payment was not taken" in failed.text
    assert message in failed.text
    browser.get(f"{case_url}/declaration")
    retry = browser.post(f"{case_url}/declaration", {"declaration": "agreed"}).headers["location"]
    assert retry != to_pay


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"GIF89a" + b"0" * 100, "photo.png", "must be a PDF, JPG or PNG"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "must be smaller than 10MB"),
        (b"", "empty.pdf", "Select a file"),
    ],
)
def test_uploads_are_checked_by_content_and_size(
    browser: Browser,
    web_ctx: ServiceContext,
    clock: FixedClock,
    content: bytes,
    filename: str,
    message: str,
) -> None:
    case_url = started_application(browser, web_ctx, clock)
    browser.get(f"{case_url}/evidence/passport")
    response = browser.client.post(
        f"{case_url}/evidence/passport",
        data={"csrf_token": browser.csrf},
        files={"evidence-passport": (filename, content, "image/png")}
        if content
        else {"evidence-passport": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert message in response.text
    assert 'href="#evidence-passport"' in response.text


def test_no_one_else_can_see_or_change_an_application(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    invitation = case_url  # for the message below
    browser.client.cookies.clear()
    sign_up_and_in(browser, web_ctx, "mallory@example.org")
    for path in (
        "",
        "/continue",
        "/name",
        "/check-answers",
        "/declaration",
        "/withdraw",
        "/evidence/passport",
        "/confirmation",
    ):
        assert browser.get(f"{case_url}{path}", follow_redirects=False).status_code == 404, path
    browser.get("/applications")
    assert (
        browser.post(f"{case_url}/name", {"given-names": "X", "family-name": "Y"}).status_code
        == 404
    )
    assert browser.post(f"{case_url}/withdraw", {"withdraw": "yes"}).status_code == 404
    assert invitation


def test_the_session_keeps_no_passport_number_in_clear(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    from yms.platform.web.tables import WebSession  # noqa: PLC0415

    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    browser.post("/ballots/hk-2026-1/enter", IDENTITY)
    with web_ctx.database.reading() as db:
        rows = [row.data_sealed for row in db.query(WebSession)]
    assert rows
    assert not any(b"K12345678" in row or b"1234" in row for row in rows)


def test_an_invitation_cannot_be_passed_to_another_passport(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = started_application(browser, web_ctx, clock)
    for slug, data in ANSWERS[:2]:  # name, date of birth
        browser.get(f"{case_url}/{slug}")
        assert browser.post(f"{case_url}/{slug}", data).status_code == 303
    browser.get(f"{case_url}/passport")
    someone_else = {**dict(ANSWERS)["passport"], "passport-number": "K87654321"}
    refused = browser.post(f"{case_url}/passport", someone_else)
    assert refused.status_code == 400
    assert "must be the ones you entered the ballot with" in refused.text
    the_entrant = browser.post(f"{case_url}/passport", dict(ANSWERS)["passport"])
    assert the_entrant.status_code == 303


def test_no_one_pays_for_a_certain_refusal_without_being_told(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = apply_until_payment(browser, invited(browser, web_ctx, clock))
    browser.get(f"{case_url}/savings")
    poorer = {**dict(ANSWERS)["savings"], "amount": "100"}
    assert browser.post(f"{case_url}/savings", poorer).status_code == 303
    page = browser.get(f"{case_url}/declaration").text
    assert "your application will be refused" in page
    assert "(YMS 5.1)" in page
    unwarned = browser.post(f"{case_url}/declaration", {"declaration": "agreed"})
    assert unwarned.status_code == 400
    assert "Confirm that you understand your application would be refused" in unwarned.text
    warned = browser.post(
        f"{case_url}/declaration", {"declaration": "agreed", "refusal-understood": "yes"}
    )
    assert warned.status_code == 303
    assert "/fake-pay/" in warned.headers["location"]


@pytest.mark.parametrize("kind", ["shoe_size", "Passport", "passport%00", "passport%20"])
@pytest.mark.parametrize("with_file", [True, False])
def test_an_unknown_kind_of_evidence_is_not_found(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, kind: str, with_file: bool
) -> None:
    case_url = started_application(browser, web_ctx, clock)
    browser.get(f"{case_url}/evidence/passport")
    response = browser.client.post(
        f"{case_url}/evidence/{kind}",
        data={"csrf_token": browser.csrf},
        files={f"evidence-{kind}": ("photo.png", PNG, "image/png")} if with_file else None,
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert browser.get(f"{case_url}/evidence/{kind}").status_code == 404


def test_the_case_page_says_what_the_application_is_for(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    case_url = started_application(browser, web_ctx, clock)
    page = browser.get(case_url).text
    assert "UK Youth Mobility Scheme: as a national of Hong Kong, to the United Kingdom" in page
