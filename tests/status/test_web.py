"""The holder's share-code pages and the verifier's pages, over HTTP in process."""

from __future__ import annotations

import re

import pytest
from segno import DataOverflowError

from tests.applications.builders import staff, submitted
from tests.fixtures.web import Browser, sign_in
from tests.status.builders import BORN, granted
from yms.accounts.domain import Role
from yms.applications.services import decisions
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.status import signing, web_verifier
from yms.status.domain.share_codes import parse_share_code

CODE = re.compile(r'<strong class="yms-code">([^<]+)</strong>')


def make_code(browser: Browser, purpose: str = "W") -> str:
    browser.get("/share-codes/new")
    made = browser.post("/share-codes/new", {"purpose": purpose})
    assert made.status_code == 200, made.text
    found = CODE.search(made.text)
    assert found
    return found.group(1)


def holder_with_code(browser: Browser, ctx: ServiceContext, clock: FixedClock) -> str:
    granted(ctx, clock)
    sign_in(browser, "ana@example.org")
    return make_code(browser)


def check(browser: Browser, code: str, born: tuple[int, int, int], **more: str) -> object:
    browser.get("/check-a-status")
    day, month, year = born
    form = {
        "share-code": code,
        "date-of-birth-day": str(day),
        "date-of-birth-month": str(month),
        "date-of-birth-year": str(year),
        **more,
    }
    return browser.post("/check-a-status", form)


def test_a_holder_makes_a_code_and_sees_it_once(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    assert parse_share_code(code).purpose.value == "W"
    assert re.fullmatch(r"W\w\w \w\w\w \w\w\w", code)
    listed = browser.get("/share-codes")
    assert listed.status_code == 200
    assert code not in listed.text  # kept only as a hash
    assert f"code ending {code.replace(' ', '')[-3:]}" in listed.text
    assert "No one has checked your status with this code." in listed.text


def test_choosing_no_purpose_is_answered_beside_the_field(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    granted(web_ctx, clock)
    sign_in(browser, "ana@example.org")
    browser.get("/share-codes/new")
    refused = browser.post("/share-codes/new", {})
    assert refused.status_code == 400
    assert 'id="purpose-error"' in refused.text


def test_a_verifier_sees_the_answer_and_the_holder_sees_the_check(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    sent = check(
        browser,
        code.lower().replace(" ", "-"),
        (BORN.day, BORN.month, BORN.year),
        verifier="Acme Ltd",
    )
    assert sent.status_code == 303
    answer = browser.get(sent.headers["location"])
    assert answer.status_code == 200
    assert "Ana Maria Silva has a youth mobility status" in answer.text
    assert "Work is permitted" in answer.text
    check_ref = sent.headers["location"].rsplit("/", 1)[1]
    assert check_ref in answer.text
    record = browser.get(f"/check-a-status/{check_ref}/record.jwt")
    assert record.headers["content-type"] == "application/vc+jwt"
    credential = signing.verify_record(record.text, browser.get("/.well-known/jwks.json").json())
    assert credential["credentialSubject"]["checkReference"] == check_ref
    assert credential["credentialSubject"]["checkedBy"] == "Acme Ltd"
    printed = browser.get(f"/check-a-status/{check_ref}/print")
    assert "<svg" in printed.text
    assert record.text in printed.text
    listed = browser.get("/share-codes")
    assert "Acme Ltd" in listed.text
    assert check_ref in listed.text


def test_a_wrong_date_of_birth_and_an_unknown_code_get_the_same_page(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    wrong_birth = check(browser, code, (BORN.day + 1, BORN.month, BORN.year))
    unknown = check(browser, "R34 679 ACD", (BORN.day, BORN.month, BORN.year))
    assert wrong_birth.status_code == unknown.status_code == 200

    def without_ref(text: str) -> str:
        text = re.sub(r"CHK-[0-9A-F-]+", "", text)
        return re.sub(r'value="[^"]+"', "", text)  # the CSRF token

    assert without_ref(wrong_birth.text) == without_ref(unknown.text)
    assert "No status found" in unknown.text


def test_bad_input_is_answered_beside_each_field(browser: Browser) -> None:
    browser.get("/check-a-status")
    empty = browser.post("/check-a-status", {})
    assert empty.status_code == 400
    assert 'id="share-code-error"' in empty.text
    assert 'id="date-of-birth-error"' in empty.text
    not_a_code = check(browser, "W0O 1IL 5SZ", (1, 2, 2000))
    assert not_a_code.status_code == 400
    assert "Enter a share code like W3H 4C6 KPX" in not_a_code.text
    # Both wrong at once: each field says so, not only the first one looked at.
    browser.get("/check-a-status")
    both = browser.post(
        "/check-a-status",
        {"share-code": "W3!", "verifier": "x" * 201, "date-of-birth-day": "31"},
    )
    assert both.status_code == 400
    assert 'id="share-code-error"' in both.text
    assert "Enter a share code like W3H 4C6 KPX" in both.text
    assert 'id="verifier-error"' in both.text
    assert 'id="date-of-birth-error"' in both.text


def test_an_answer_is_only_for_the_visit_that_checked(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    sent = check(browser, code, (BORN.day, BORN.month, BORN.year))
    where = sent.headers["location"]
    browser.client.cookies.clear()
    for path in (where, f"{where}/record.jwt", f"{where}/print"):
        assert browser.get(path).status_code == 404


def test_too_many_misses_are_refused(browser: Browser) -> None:
    for _attempt in range(5):
        assert check(browser, "W34 679 ACD", (1, 2, 2000)).status_code == 200
    limited = check(browser, "W34 679 ACD", (1, 2, 2000))
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"


def test_a_holder_revokes_a_code_after_confirming(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    listed = browser.get("/share-codes")
    [revoke] = re.findall(r'href="(/share-codes/\d+/revoke)"', listed.text)
    browser.get(revoke)
    assert browser.post(revoke, {}).status_code == 400
    assert browser.post(revoke, {"confirm": "no"}).status_code == 303
    assert check(browser, code, (BORN.day, BORN.month, BORN.year)).status_code == 303
    browser.get(revoke)
    assert browser.post(revoke, {"confirm": "yes"}).status_code == 303
    assert "Cancelled on" in browser.get("/share-codes").text
    after = check(browser, code, (BORN.day, BORN.month, BORN.year))
    assert after.status_code == 200
    assert "No status found" in after.text


def test_another_holders_code_is_not_found(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    holder_with_code(browser, web_ctx, clock)
    listed = browser.get("/share-codes")
    [revoke] = re.findall(r'href="(/share-codes/\d+/revoke)"', listed.text)
    from tests.fixtures.web import sign_up_and_in  # noqa: PLC0415

    browser.client.cookies.clear()
    sign_up_and_in(browser, web_ctx, "someone@example.org")
    assert browser.get(revoke).status_code == 404
    assert browser.post(revoke, {"confirm": "yes"}).status_code == 404
    assert browser.get("/share-codes/new").status_code == 404  # no status to share


def test_a_record_too_long_for_a_qr_code_is_printed_as_text(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = holder_with_code(browser, web_ctx, clock)
    where = check(browser, code, (BORN.day, BORN.month, BORN.year)).headers["location"]

    def overflowing(*_args: object, **_kwargs: object) -> object:
        raise DataOverflowError("too long")

    monkeypatch.setattr(web_verifier, "make_qr", overflowing)
    printed = browser.get(f"{where}/print")
    assert printed.status_code == 200
    assert "<svg" not in printed.text
    assert "too long for a QR code" in printed.text
    assert browser.get(f"{where}/record.jwt").text in printed.text


def test_a_status_whose_leave_starts_later_can_be_shared_and_says_when(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    _account, case = submitted(web_ctx, "kai@example.org")  # plans to start on 10 January 2027
    worker = staff(web_ctx, "worker@example.org", Role.CASEWORKER)
    decisions.grant(web_ctx, case, caseworker_id=worker)
    sign_in(browser, "kai@example.org")
    assert 'href="/share-codes"' in browser.get("/status").text  # the status leads to its codes
    assert "/share-codes/new" in browser.get("/share-codes").text
    code = make_code(browser)
    browser.client.cookies.clear()  # the verifier: anyone, signed in or not
    sent = check(browser, code, (3, 4, 2001))
    answer = browser.get(sent.headers["location"])
    assert "Kai Walker has a youth mobility status" in answer.text
    assert "Their leave starts on 10 January 2027" in answer.text
    assert "not valid today" not in answer.text
