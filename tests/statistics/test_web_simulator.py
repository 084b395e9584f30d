"""The simulator's page: the designs side by side in a table and charts, and bad input refused."""

from __future__ import annotations

import re

from tests.fixtures.web import Browser
from yms.statistics.services import simulation
from yms.statistics.web_simulator import band_text


def test_the_three_designs_side_by_side(browser: Browser) -> None:
    page = browser.get("/statistics/simulator?years=3&runs=200&seed=7")
    assert page.status_code == 200
    html = page.text
    for scheme in ("eu-uk-cap", "eu-uk-brake", "eu-uk-yes"):
        assert f'header--numeric">{scheme}</th>' in html
    assert html.count("<svg") == 4
    assert html.count("Figures in the chart") == 4
    # The page shows what the service computes for the same inputs.
    expected = simulation.compare_files(
        ("eu-uk-cap", "eu-uk-brake", "eu-uk-yes"), years=3, runs=200, seed=7
    )
    last = [outcome.total.years[-1] for outcome in expected.outcomes if outcome.total]
    row = re.search(r"Grants coming in</th>(.*?)</tr>", html, re.DOTALL)
    assert row is not None
    assert [band_text(year.there.grants) for year in last if year.there] == re.findall(
        r'numeric">([^<]+)</td>', row.group(1)
    )
    assert "assumption" in html.lower()
    assert "yms simulate --scheme eu-uk-cap --compare eu-uk-brake --compare eu-uk-yes" in html


def test_one_design_and_a_shared_address(browser: Browser) -> None:
    page = browser.get("/statistics/simulator?scheme=eu-uk-brake&years=2&runs=200&seed=1")
    assert page.status_code == 200
    assert "eu-uk-cap</th>" not in page.text
    assert "Waiting for the brake" in page.text


def test_bad_input_is_named_next_to_each_field(browser: Browser) -> None:
    page = browser.get(
        "/statistics/simulator?scheme=nope&demand=../../etc/passwd&years=99&runs=5&seed=x"
    )
    assert page.status_code == 400
    for message in (
        "Choose designs from the list",
        "Choose a demand model from the list",
        "Years must be 10 or fewer",
        "Choose 200 or 1,000 runs",
        "The seed must be a whole number",
    ):
        assert message in page.text
    assert "<svg" not in page.text
    assert browser.get("/statistics/simulator?runs=500&years=2").status_code == 400
    assert "Years must be 1 or more" in browser.get("/statistics/simulator?years=0").text


def test_a_design_named_twice_runs_once_and_four_are_too_many(browser: Browser) -> None:
    twice = browser.get("/statistics/simulator?scheme=eu-uk-cap&scheme=eu-uk-cap&years=1")
    assert twice.status_code == 200
    # one column in the side-by-side table and in each of the four charts' tables
    assert twice.text.count('header--numeric">eu-uk-cap</th>') == 5
    four = "&".join(f"scheme={s}" for s in ("eu-uk-cap", "eu-uk-brake", "eu-uk-yes", "eu-uk-2024"))
    page = browser.get(f"/statistics/simulator?{four}&years=1")
    assert page.status_code == 400
    assert "Choose at most 3 designs" in page.text


def test_new_comparisons_are_limited_per_client_and_kept_ones_are_free(browser: Browser) -> None:
    asked = "/statistics/simulator?scheme=eu-uk-cap&years=1&seed={}"
    for seed in range(20):
        assert browser.get(asked.format(1000 + seed)).status_code == 200
    assert browser.get(asked.format(1000)).status_code == 200  # kept: no new work
    refused = browser.get(asked.format(2000))
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
