"""Journey 1, "Check if you can apply", page by page, over HTTP in-process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.ballot.builders import hong_kong_window
from tests.fixtures.web import Browser
from yms.platform.context import ServiceContext

DOB = {"date-of-birth-day": "1", "date-of-birth-month": "2", "date-of-birth-year": "2000"}
SAVINGS = {
    "amount": "2,600",
    "held-days": "30",
    "latest-statement-day": "20",
    "latest-statement-month": "11",
    "latest-statement-year": "2026",
}


def location(response: object) -> str:
    return response.headers["location"]  # type: ignore[attr-defined,no-any-return]


def answer_all(
    browser: Browser, nationality: str, answers: list[tuple[str, dict[str, str]]]
) -> None:
    browser.get("/check/scheme")
    assert location(browser.post("/check/scheme", {"scheme": "uk-yms"})) == "/check/nationality"
    browser.post("/check/nationality", {"nationality": nationality})
    for slug, data in answers:
        response = browser.post(f"/check/{slug}", data)
        assert response.status_code == 303, (slug, response.text[:2000])


def test_an_australian_who_meets_everything(browser: Browser) -> None:
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
    page = browser.get("/check/result")
    assert page.status_code == 200
    assert "You can apply" in page.text
    for rule in ("YMS 1.3", "YMS 1.4", "YMS 3.4", "YMS 3.3", "YMS 5.1", "YMS 5.2", "YMS 5.3"):
        assert f">{rule}<" in page.text
    assert "Invitation" not in page.text  # Australia has no ballot (YMS 4.1)


def test_only_the_questions_the_scheme_needs(browser: Browser) -> None:
    answer_all(
        browser, "IN", [("date-of-birth", DOB), ("previous-participation", {"answer": "no"})]
    )
    asked = []
    response = browser.post("/check/children", {"answer": "no"})
    while location(response) != "/check/result":
        asked.append(location(response))
        slug = location(response).rsplit("/", 1)[1]
        data = {
            "invitation": {"invited": "no"},
            "qualification": {"degree": "yes"},
            "documents": {},
            "savings": SAVINGS,
        }[slug]
        response = browser.post(location(response), data)
    assert asked == [
        "/check/invitation",
        "/check/qualification",
        "/check/documents",
        "/check/savings",
    ]
    page = browser.get("/check/result")
    assert "You cannot apply under this scheme" in page.text  # no invitation (YMS 4.2)


def test_the_result_links_to_an_open_ballot(browser: Browser, web_ctx: ServiceContext) -> None:
    hong_kong_window(web_ctx)
    answer_all(
        browser,
        "HK",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
            ("invitation", {"invited": "no"}),
            ("savings", SAVINGS),
        ],
    )
    page = browser.get("/check/result")
    assert 'href="/ballots/hk-2026-1"' in page.text


def test_an_invitation_said_yes_to_is_explained_without_a_reference(browser: Browser) -> None:
    answer_all(
        browser,
        "HK",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
            ("invitation", {"invited": "yes"}),
            ("savings", SAVINGS),
        ],
    )
    page = browser.get("/check/result").text
    assert "You have an invitation; its time limit is checked on the ballot record." in page
    assert "None" not in page


@pytest.mark.parametrize(
    ("slug", "data", "field", "message"),
    [
        ("scheme", {}, "scheme", "Select the scheme you want to check"),
        ("nationality", {"nationality": "FR"}, "nationality", "Select your nationality"),
        ("date-of-birth", {}, "date-of-birth", "Enter your date of birth"),
        (
            "date-of-birth",
            {"date-of-birth-day": "30", "date-of-birth-month": "2", "date-of-birth-year": "2000"},
            "date-of-birth",
            "Date of birth must be a real date",
        ),
        (
            "date-of-birth",
            {"date-of-birth-day": "3", "date-of-birth-year": "2000"},
            "date-of-birth",
            "Date of birth must include a month",
        ),
        (
            "previous-participation",
            {},
            "answer",
            "Select yes if you have been on this scheme before",
        ),
        ("savings", {**SAVINGS, "amount": "lots"}, "amount", "must be an amount"),
        ("savings", {**SAVINGS, "held-days": "2.5"}, "held-days", "must be a whole number"),
        (
            "date-of-birth",
            {"date-of-birth-day": "1", "date-of-birth-month": "1", "date-of-birth-year": "2030"},
            "date-of-birth",
            "Date of birth must be in the past",
        ),
        (
            "savings",
            {**SAVINGS, "latest-statement-day": "26"},  # tomorrow
            "latest-statement",
            "Date of your latest statement must be today or in the past",
        ),
        # Hostile input gets the same messages, never a 500 (1e30 and 28 digits overflowed
        # the pence; a superscript two passed isdigit() and broke int()).
        ("savings", {**SAVINGS, "amount": "1e30"}, "amount", "must be an amount"),
        ("savings", {**SAVINGS, "amount": "9" * 28}, "amount", "must be 1,000,000,000 or less"),
        ("savings", {**SAVINGS, "held-days": "²"}, "held-days", "must be a whole number"),
    ],
)
def test_mistakes_are_shown_next_to_the_field(
    browser: Browser, slug: str, data: dict[str, str], field: str, message: str
) -> None:
    answers = [
        ("date-of-birth", DOB),
        ("previous-participation", {"answer": "no"}),
        ("children", {"answer": "no"}),
    ]
    if slug in {"scheme", "nationality"}:
        browser.get("/check/scheme")
        if slug == "nationality":
            browser.post("/check/scheme", {"scheme": "uk-yms"})
    else:
        answer_all(
            browser,
            "AU",
            answers[: [s for s, _ in answers].index(slug)] if slug in dict(answers) else answers,
        )
    response = browser.post(f"/check/{slug}", data)
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page
    assert f'<a href="#{field}' in page  # the field, or its first wrong box
    assert f'id="{field}-error"' in page
    assert message in page
    assert "<title>Error:" in page


def test_typed_dates_are_shown_again_after_a_mistake(browser: Browser) -> None:
    answer_all(browser, "AU", [])
    typed = {"date-of-birth-day": "31", "date-of-birth-month": "4", "date-of-birth-year": "2001"}
    page = browser.post("/check/date-of-birth", typed).text
    assert 'value="31"' in page
    assert 'value="2001"' in page


def test_a_form_without_the_sessions_token_is_refused(browser: Browser) -> None:
    browser.get("/check/scheme")
    browser.csrf = "forged"
    response = browser.post("/check/scheme", {"scheme": "uk-yms"})
    assert response.status_code == 400
    assert "Your page has expired" in response.text


def test_the_result_needs_every_answer(browser: Browser) -> None:
    browser.get("/check/scheme")
    assert location(browser.get("/check/result", follow_redirects=False)) == "/check/scheme"
    answer_all(browser, "AU", [])
    assert location(browser.get("/check/result", follow_redirects=False)) == "/check/date-of-birth"


def test_unknown_questions_go_to_the_first_unanswered(browser: Browser) -> None:
    assert location(browser.get("/check/nonsense", follow_redirects=False)) == "/check/scheme"


def test_changing_an_answer_returns_to_the_result(browser: Browser) -> None:
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
    browser.get("/check/children")
    assert location(browser.post("/check/children", {"answer": "yes"})) == "/check/result"
    assert "You cannot apply under this scheme" in browser.get("/check/result").text


def test_uk_nationals_choose_where_to_go(browser: Browser) -> None:
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "eu-uk-yes"})
    assert (
        location(browser.post("/check/nationality", {"nationality": "GB"})) == "/check/destination"
    )
    assert location(browser.post("/check/destination", {"host": "FR"})) == "/check/date-of-birth"


SEVENTEEN = {"date-of-birth-day": "10", "date-of-birth-month": "1", "date-of-birth-year": "2009"}
REST = [
    ("previous-participation", {"answer": "no"}),
    ("children", {"answer": "no"}),
    ("savings", SAVINGS),
]


def start(day: str, month: str, year: str) -> dict[str, str]:
    return {"start-date-day": day, "start-date-month": month, "start-date-year": year}


def test_a_17_year_old_is_asked_when_they_start_and_told_so(browser: Browser) -> None:
    # 17 today (25 November 2026), 18 on 10 January 2027: YMS 3.4 tests the start date.
    answer_all(browser, "AU", [("date-of-birth", SEVENTEEN)])
    asked = browser.post("/check/date-of-birth", SEVENTEEN)
    assert location(asked) == "/check/start-date"
    browser.get("/check/start-date")
    past = browser.post("/check/start-date", start("1", "1", "2026"))
    assert past.status_code == 400
    assert "Date you plan to start must be today or in the future" in past.text
    for slug, data in [("start-date", start("10", "1", "2027")), *REST]:
        browser.post(f"/check/{slug}", data)
    page = browser.get("/check/result").text
    assert "You can apply" in page
    assert "10 January 2027" in page  # the check answers show the date as GOV.UK writes it


def test_a_17_year_old_not_sure_when_is_not_known_rather_than_refused(browser: Browser) -> None:
    answer_all(browser, "AU", [("date-of-birth", SEVENTEEN), ("start-date", start("", "", ""))])
    for slug, data in REST:
        browser.post(f"/check/{slug}", data)
    page = browser.get("/check/result").text
    assert "You cannot apply" not in page
    assert "You can apply" not in page
    assert "Not sure yet" in page
    assert "the date the permission becomes valid, which was not given" in page


def test_an_adult_is_not_asked_when_they_start(browser: Browser) -> None:
    answer_all(browser, "AU", [])
    response = browser.post("/check/date-of-birth", DOB)
    assert location(response) == "/check/previous-participation"


HK_ANSWERS = [
    ("date-of-birth", DOB),
    ("previous-participation", {"answer": "no"}),
    ("children", {"answer": "no"}),
    ("invitation", {"invited": "no"}),
    ("savings", SAVINGS),
]


def test_with_no_ballot_open_the_result_says_when_the_next_one_opens(
    browser: Browser, web_ctx: ServiceContext
) -> None:
    window = hong_kong_window(
        web_ctx,
        opens_at=datetime(2027, 1, 12, 9, 0, tzinfo=UTC),
        closes_at=datetime(2027, 1, 14, 9, 0, tzinfo=UTC),
    )
    answer_all(browser, "HK", HK_ANSWERS)
    page = browser.get("/check/result").text
    assert "The next ballot opens at 9:00am on 12 January 2027 (UTC)." in page
    assert f'href="/ballots/{window.window_id}"' in page
    assert "Start your application" not in page


def test_with_no_ballot_at_all_the_result_says_so(browser: Browser) -> None:
    answer_all(browser, "HK", HK_ANSWERS)
    page = browser.get("/check/result").text
    assert "No ballot is open or scheduled at the moment." in page


def test_changing_the_scheme_keeps_the_date_of_birth_and_asks_the_rest_again(
    browser: Browser,
) -> None:
    answer_all(
        browser, "AU", [("date-of-birth", DOB), ("previous-participation", {"answer": "no"})]
    )
    browser.get("/check/scheme")
    assert location(browser.post("/check/scheme", {"scheme": "eu-uk-2024"})) == (
        "/check/nationality"
    )
    after_nationality = location(browser.post("/check/nationality", {"nationality": "FR"}))
    assert after_nationality == "/check/declarations"  # the date of birth is known
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "uk-yms"})
    assert location(browser.post("/check/nationality", {"nationality": "AU"})) == (
        "/check/previous-participation"  # asked again: the answer was under another scheme
    )
