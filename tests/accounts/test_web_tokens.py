"""The applicant's API tokens page: made and shown once, listed without the secret, revoked."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.fixtures.web import Browser, sign_up_and_in
from yms.accounts import access_tokens
from yms.platform.context import ServiceContext
from yms.web.app import create_app

SECRET = re.compile(r'<code class="yms-code" id="token">(yms_at_[A-Za-z0-9_-]+)</code>')


def test_make_see_and_revoke_a_token(browser: Browser, web_ctx: ServiceContext) -> None:
    ana = sign_up_and_in(browser, web_ctx, "ana@example.org")
    page = browser.get("/account/tokens")
    assert "You have not made any tokens." in page.text
    made = browser.post("/account/tokens", {"name": "entry script", "days": "14"})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    found = SECRET.search(made.text)
    assert found is not None
    secret = found.group(1)
    holder = access_tokens.holder_of(web_ctx, secret)
    assert holder is not None
    assert holder.account_id == ana
    listed = browser.get("/account/tokens")
    assert "entry script" in listed.text
    assert secret not in listed.text
    [token] = access_tokens.tokens_of(web_ctx, ana)
    revoked = browser.post(f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    assert access_tokens.holder_of(web_ctx, secret) is None
    assert "Revoked on" in browser.get("/account/tokens").text


def test_bad_answers_are_told_by_their_fields(browser: Browser, web_ctx: ServiceContext) -> None:
    sign_up_and_in(browser, web_ctx, "ana@example.org")
    browser.get("/account/tokens")
    for data, message in [
        ({"name": "", "days": "30"}, "Enter a name for the token"),
        ({"name": "x", "days": ""}, "Enter the number of days"),
        ({"name": "x", "days": "ten"}, "must be a whole number"),
        ({"name": "x", "days": "366"}, "must be 365 or fewer"),
        ({"name": "x", "days": "0"}, "A token lasts from 1 to 365 days"),
    ]:
        answer = browser.post("/account/tokens", data)
        assert answer.status_code == 400, data
        assert message in answer.text, data
        assert 'class="govuk-error-summary"' in answer.text
    both = browser.post("/account/tokens", {"name": "x" * 65, "days": "400"})
    assert "Name must be 64 characters or fewer" in both.text
    assert "must be 365 or fewer" in both.text
    summary = both.text.index("There is a problem")
    assert both.text.index("Name must be 64", summary) < both.text.index("365 or fewer", summary)
    assert access_tokens.tokens_of(web_ctx, browser_account(web_ctx)) == []


def browser_account(ctx: ServiceContext) -> str:
    from yms.accounts import services as accounts  # noqa: PLC0415

    return accounts.account_id_of(ctx, "ana@example.org")


def test_a_second_account_cannot_revoke_the_first_ones_token(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    ana = sign_up_and_in(browser, web_ctx, "ana@example.org")
    issued = access_tokens.create_access_token(web_ctx, ana, name="mine")
    with TestClient(create_app(web_ctx), base_url="https://testserver") as client:
        other = Browser(client)
        sign_up_and_in(other, web_ctx, "bo@example.org")
        other.get("/account/tokens")
        refused = other.post(f"/account/tokens/{issued.id}/revoke")
        assert refused.status_code == 404
        assert "mine" not in other.get("/account/tokens").text
    assert access_tokens.holder_of(web_ctx, issued.secret) is not None
