"""Journeys 3 to 5 over HTTP: enter a ballot, accept, apply, pay, follow, withdraw."""

from __future__ import annotations

import re

import pytest

from tests.builders import BEACON, hong_kong_window
from tests.web.conftest import Browser, sign_up_and_in
from yms.clock import FixedClock
from yms.services import applications, ballot_windows
from yms.services.ballot_entries import entries_of
from yms.services.context import ServiceContext
from yms.services.invitations import invite_round

PDF = b"%PDF-1.7\n" + b"0" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 500
IDENTITY = {
    "passport-number": "k 1234 5678",
    "nationality": "HK",
    "date-of-birth-day": "3",
    "date-of-birth-month": "4",
    "date-of-birth-year": "2001",
}


def sign_in(browser: Browser, email: str) -> None:
    browser.get("/sign-in")
    response = browser.post("/sign-in", {"email": email, "password": "a good long password"})
    assert response.status_code == 303


def enter(browser: Browser, window_id: str = "hk-2026-1") -> str:
    browser.get(f"/ballots/{window_id}/enter")
    details = browser.post(f"/ballots/{window_id}/enter", IDENTITY)
    assert details.headers["location"] == f"/ballots/{window_id}/check-answers"
    page = browser.get(f"/ballots/{window_id}/check-answers")
    assert "K12345678" in page.text
    assert "3 April 2001" in page.text
    confirmed = browser.post(f"/ballots/{window_id}/confirm")
    assert confirmed.headers["location"] == f"/ballots/{window_id}/entered"
    entered = browser.get(f"/ballots/{window_id}/entered").text
    return re.search(r"<strong>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>", entered).group(1)  # type: ignore[union-attr]


def test_entering_a_ballot(browser: Browser, web_ctx: ServiceContext) -> None:
    window = hong_kong_window(web_ctx)
    account = sign_up_and_in(browser, web_ctx, "ana@example.org")
    ref = enter(browser)
    entered = browser.get("/ballots/hk-2026-1/entered").text
    assert window.seed_commitment in entered
    # Submitting again (a double click, a reload) gives the same entry.
    assert browser.post("/ballots/hk-2026-1/confirm").headers["location"].endswith("/entered")
    assert [e.ref for e in entries_of(web_ctx, account)] == [ref]


def test_entry_mistakes_are_shown_next_to_the_fields(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    response = browser.post(
        "/ballots/hk-2026-1/enter",
        {
            "passport-number": "",
            "nationality": "FR",
            "date-of-birth-day": "31",
            "date-of-birth-month": "6",
            "date-of-birth-year": "2001",
        },
    )
    assert response.status_code == 400
    for field, message in [
        ("passport-number", "Enter your passport number"),
        ("nationality", "Select the nationality on your passport"),
        ("date-of-birth", "Your date of birth must be a real date"),
    ]:
        assert f'<a href="#{field}">{message}</a>' in response.text


def test_the_same_person_from_another_account_is_refused(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    enter(browser)
    browser.client.cookies.clear()
    sign_up_and_in(browser, web_ctx, "again@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    browser.post("/ballots/hk-2026-1/enter", IDENTITY)
    browser.get("/ballots/hk-2026-1/check-answers")
    refused = browser.post("/ballots/hk-2026-1/confirm")
    assert refused.status_code == 409
    assert "already entered this ballot" in refused.text


def test_a_closed_ballot_takes_no_entries(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(web_ctx)
    clock.instant = window.closes_at
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    assert browser.get("/ballots/hk-2026-1/enter").status_code == 409


def invited(browser: Browser, ctx: ServiceContext, clock: FixedClock) -> str:
    """Enter, then close, draw and invite as the operator; returns the invitation ref."""
    window = hong_kong_window(ctx, places=1)
    account = sign_up_and_in(browser, ctx, "ana@example.org")
    enter(browser)
    clock.instant = window.closes_at
    ballot_windows.close_window(ctx, window.window_id, BEACON)
    ballot_windows.run_draw(ctx, window.window_id)
    invite_round(ctx, window.window_id)
    sign_in(browser, "ana@example.org")  # days have passed: the session has expired
    [entry] = entries_of(ctx, account)
    assert entry.invitation_ref is not None
    return entry.invitation_ref


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
    applications.add_message(web_ctx, case_ref, "We have started checking your documents.")
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
    invitation = invited(browser, web_ctx, clock)
    browser.get(f"/invitations/{invitation}")
    browser.post(f"/invitations/{invitation}", {"accept": "yes"})
    case_url = (
        browser.get(f"/apply/{invitation}", follow_redirects=False)
        .headers["location"]
        .removesuffix("/continue")
    )
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
    from yms.store.web import WebSession  # noqa: PLC0415

    hong_kong_window(web_ctx)
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/ballots/hk-2026-1/enter")
    browser.post("/ballots/hk-2026-1/enter", IDENTITY)
    with web_ctx.database.reading() as db:
        rows = [row.data_sealed for row in db.query(WebSession)]
    assert rows
    assert not any(b"K12345678" in row or b"1234" in row for row in rows)
