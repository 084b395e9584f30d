"""Every page: security headers, no cookie until a form needs one, errors without a 500."""

from __future__ import annotations

import pytest

from tests.ballot.builders import drawn_window, hong_kong_window
from tests.fixtures.web import Browser
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext

PAGES = ["/", "/check", "/check/scheme", "/ballots", "/accessibility", "/privacy", "/contact"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_the_security_headers(browser: Browser, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 200
    headers = response.headers
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["content-security-policy"].split(";")
    )
    for directive in ("default-src", "script-src", "style-src", "img-src", "font-src"):
        assert "'self'" in policy[directive]
        assert "'unsafe-inline'" not in policy[directive]
        assert "http" not in policy[directive]  # no other origin
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert headers["strict-transport-security"].startswith("max-age=")


def test_reading_a_page_sets_no_cookie_and_a_form_sets_a_safe_one(browser: Browser) -> None:
    assert "set-cookie" not in browser.get("/").headers
    cookie = browser.get("/check/scheme").headers["set-cookie"]
    assert cookie.startswith("__Host-yms_session=")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert attribute.lower() in cookie.lower()


def test_unknown_pages_are_404_pages(browser: Browser) -> None:
    response = browser.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_assets_are_cacheable(browser: Browser) -> None:
    response = browser.get("/static/yms/init.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public")


def test_ballot_pages_publish_the_commitment_not_the_seed(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    window = hong_kong_window(web_ctx)
    page = browser.get("/ballots/hk-2026-1").text
    assert window.seed_commitment in page
    assert "Operator seed" not in page
    drawn_window(web_ctx, clock, entrants=3, window_id="hk-2026-2", ballot_round=2)
    drawn = browser.get("/ballots/hk-2026-2").text
    assert "Operator seed" in drawn
    assert browser.get("/ballots/nope").status_code == 404
    listing = browser.get("/ballots").text
    assert "hk-2026-1" in listing
    assert "hk-2026-2" in listing


def test_the_contact_page_gives_the_address_the_service_is_run_from(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    page = browser.get("/contact").text
    assert f'href="mailto:{web_ctx.contact_email}"' in page
    assert 'href="/contact"' in browser.get("/").text  # in every page's footer
