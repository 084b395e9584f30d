"""What GOV.UK services do on every page of the check: long dates, all errors, date messages."""

from __future__ import annotations

import re

from tests.eligibility.test_web import DOB, SAVINGS, answer_all
from tests.fixtures.web import Browser

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_the_result_shows_dates_as_people_write_them(browser: Browser) -> None:
    answer_all(
        browser,
        "AU",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
            ("savings", SAVINGS),
        ],
    )
    page = browser.get("/check/result").text
    assert "1 February 2000" in page  # the date of birth, in the answers
    assert "20 November 2026" in page  # the latest statement
    assert "25 November 2026" in page  # the date of application, in the explanations
    assert ISO_DATE.findall(page) == []


def test_a_police_certificate_date_is_shown_in_long_form(browser: Browser) -> None:
    answer_all(
        browser,
        "IN",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
            ("invitation", {"invited": "yes"}),
            ("qualification", {"degree": "yes"}),
            (
                "documents",
                {
                    "issued-police-certificate-day": "2",
                    "issued-police-certificate-month": "10",
                    "issued-police-certificate-year": "2026",
                },
            ),
            ("savings", SAVINGS),
        ],
    )
    page = browser.get("/check/result").text
    assert "2 October 2026" in page
    assert ISO_DATE.findall(page) == []


def test_every_mistake_on_a_page_is_shown_at_once(browser: Browser) -> None:
    answer_all(
        browser,
        "AU",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
        ],
    )
    page = browser.post(
        "/check/savings",
        {**SAVINGS, "amount": "lots", "held-days": "", "latest-statement-month": ""},
    ).text
    summary = page.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert summary.count("<li>") == 3
    assert '<a href="#amount">' in summary
    assert '<a href="#held-days">' in summary
    assert '<a href="#latest-statement-month">' in summary
    assert page.count('class="govuk-error-message"') == 3


def test_a_date_message_names_the_field_and_highlights_the_wrong_box(browser: Browser) -> None:
    answer_all(browser, "AU", [])
    page = browser.post(
        "/check/date-of-birth",
        {"date-of-birth-day": "3", "date-of-birth-month": "", "date-of-birth-year": "2001"},
    ).text
    assert '<a href="#date-of-birth-month">Date of birth must include a month</a>' in page
    boxes = re.findall(r'<input class="([^"]*)" id="(date-of-birth[^"]*)"', page)
    highlighted = [box for classes, box in boxes if "govuk-input--error" in classes]
    assert highlighted == ["date-of-birth-month"]


def test_a_year_of_two_numbers(browser: Browser) -> None:
    answer_all(browser, "AU", [])
    page = browser.post(
        "/check/date-of-birth",
        {"date-of-birth-day": "3", "date-of-birth-month": "4", "date-of-birth-year": "01"},
    ).text
    assert '<a href="#date-of-birth-year">Year must include 4 numbers</a>' in page


def test_a_date_of_birth_in_the_future(browser: Browser) -> None:
    answer_all(browser, "AU", [])
    page = browser.post(
        "/check/date-of-birth",
        {"date-of-birth-day": "1", "date-of-birth-month": "1", "date-of-birth-year": "2030"},
    ).text
    assert "Date of birth must be in the past" in page


def test_the_scheme_in_force_is_listed_first(browser: Browser) -> None:
    page = browser.get("/check/scheme").text
    offered = re.findall(r'name="scheme" type="radio" value="([^"]+)"', page)
    assert offered[0] == "uk-yms"
    assert sorted(offered[1:]) == ["eu-uk-2024", "eu-uk-brake", "eu-uk-cap", "eu-uk-yes"]
