"""The statistics pages over HTTP: the operator's dashboard and the public open data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from tests.fixtures.web import Browser, sign_up_and_in
from tests.statistics.builders import running_scheme
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext


def test_the_dashboard_charts_every_figure_with_its_table(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    running_scheme(web_ctx, clock)
    sign_up_and_in(browser, web_ctx, "operator@example.org", role="operator")
    page = browser.get("/operator/statistics")
    assert page.status_code == 200
    html = page.text
    for chart_id in ("places", "ballots", "quarters", "balance"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html
        assert f'<desc id="{chart_id}-desc">' in html
    assert html.count("<svg") == 4
    assert html.count("Figures in the chart") == 4  # a table beside each chart
    assert "Hong Kong" in html
    assert "<script" not in html.split("</main>")[0].split('id="main-content"')[1]


def test_the_dashboard_is_for_operators(browser: Browser, web_ctx: ServiceContext) -> None:
    sign_up_and_in(browser, web_ctx, "cw@example.org", role="caseworker")
    assert browser.get("/operator/statistics").status_code == 403


def test_the_public_page_offers_each_ended_quarter(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    running_scheme(web_ctx, clock)
    clock.instant = datetime(2027, 4, 2, 9, tzinfo=UTC)
    page = browser.get("/statistics")
    assert page.status_code == 200
    assert 'href="/statistics/2027Q1.csv"' in page.text
    assert 'href="/statistics/2026Q4.json"' in page.text
    assert '<title id="outcomes-title">' in page.text
    assert "[c]" in page.text
    download = browser.get("/statistics/2027Q1.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert all(r["count"] == "[c]" or not 0 < int(r["count"]) < 10 for r in rows)
    assert browser.get("/statistics/2027Q1.json").json()["quarter"] == "2027Q1"


def test_quarters_not_published_are_not_found(
    browser: Browser, web_ctx: ServiceContext, clock: FixedClock
) -> None:
    running_scheme(web_ctx, clock)
    clock.instant = datetime(2027, 4, 2, 9, tzinfo=UTC)
    for path in (
        "/statistics/2027Q2.csv",  # under way
        "/statistics/2020Q1.csv",  # before any application
        "/statistics/2027Q1.xlsx",
        "/statistics/2027Q5.csv",
        "/statistics/nonsense.csv",
    ):
        assert browser.get(path).status_code == 404, path


def test_nothing_published_yet_says_so(browser: Browser) -> None:
    page = browser.get("/statistics")
    assert page.status_code == 200
    assert "Nothing is published yet" in page.text
