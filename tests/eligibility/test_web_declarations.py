"""The check journey asks a scheme's declarations, yes or no, only where it has them."""

from __future__ import annotations

from tests.eligibility.test_web import DOB, SAVINGS, answer_all, location
from tests.fixtures.web import Browser

ALL_YES = {
    "declaration-travel-document": "yes",
    "declaration-sickness-insurance": "yes",
    "declaration-sufficient-means": "yes",
}


def _start_eu(browser: Browser, scheme: str = "eu-uk-2024") -> None:
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": scheme})
    response = browser.post("/check/nationality", {"nationality": "ES"})
    assert location(response) == "/check/date-of-birth"
    response = browser.post("/check/date-of-birth", DOB)
    assert location(response) == "/check/declarations"


def test_the_2024_proposal_asks_each_declaration_yes_or_no(browser: Browser) -> None:
    _start_eu(browser)
    page = browser.get("/check/declarations")
    assert page.status_code == 200
    for question in (
        "Do you have a valid passport or other travel document?",
        "Will you have health insurance for your whole stay?",
        "Can you show you have enough money to support yourself during your stay?",
    ):
        assert question in page.text
    assert 'name="declaration-sickness-insurance"' in page.text
    # The travel document has no public source: the page says so beside it.
    assert "Assumption: no public source" in page.text
    # ...in its own question's hint, before its radios, not under them where it
    # reads as the start of the next question.
    question = page.text.split("Do you have a valid passport or other travel document?")[1]
    before_radios = question.split('name="declaration-travel-document"')[0]
    assert "Assumption: no public source" in before_radios


def test_every_unanswered_declaration_is_shown_at_once(browser: Browser) -> None:
    _start_eu(browser)
    response = browser.post("/check/declarations", {"declaration-travel-document": "yes"})
    assert response.status_code == 400
    assert "Select yes if you have health insurance for your whole stay" in response.text
    assert "Select yes if you have enough money to support yourself" in response.text
    assert "Select yes if you have a valid passport" not in response.text


def test_all_yes_gives_the_proposals_answer_not_you_can_apply(browser: Browser) -> None:
    _start_eu(browser)
    response = browser.post("/check/declarations", ALL_YES)
    assert location(response) == "/check/result"
    page = browser.get("/check/result").text
    assert "You said you have health insurance for your whole stay." in page
    assert "You can apply" not in page  # a proposal has no application route
    assert "Will you have health insurance for your whole stay? Yes" in page


def test_a_no_is_not_met_with_its_rule(browser: Browser) -> None:
    _start_eu(browser)
    browser.post("/check/declarations", {**ALL_YES, "declaration-sufficient-means": "no"})
    page = browser.get("/check/result").text
    assert "at least one requirement would not be met" in page
    assert "Not met: enough money to support yourself during your stay is needed" in page
    assert "COM(2024) 169" in page


def test_the_uk_scheme_asks_no_declarations(browser: Browser) -> None:
    answer_all(
        browser,
        "AU",
        [
            ("date-of-birth", DOB),
            ("previous-participation", {"answer": "no"}),
            ("children", {"answer": "no"}),
        ],
    )
    response = browser.get("/check/declarations")  # redirected to the next question
    assert response.url.path == "/check/savings"
    assert "declaration-" not in response.text


APX = (
    "https://www.gov.uk/guidance/immigration-rules/immigration-rules-appendix-youth-mobility-scheme"
)


def test_the_result_links_each_rule_to_its_source(browser: Browser) -> None:
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
    assert f'href="{APX}"' in page
    assert ">Immigration Rules: Appendix Youth Mobility Scheme<" in page
    assert ">YMS 3.3<" in page or "YMS 3.3<" in page
    assert "Assumption: no public source" not in page


def test_the_result_names_the_proposal_and_marks_assumptions(browser: Browser) -> None:
    browser.get("/check/scheme")
    browser.post("/check/scheme", {"scheme": "eu-uk-yes"})
    browser.post("/check/nationality", {"nationality": "ES"})
    browser.post("/check/date-of-birth", DOB)
    browser.post("/check/previous-participation", {"answer": "no"})
    browser.post("/check/invitation", {"invited": "yes"})
    response = browser.post("/check/declarations", ALL_YES)
    assert location(response) == "/check/result"
    page = browser.get("/check/result").text
    assert (
        'href="https://www.ukro.ac.uk/news/outcome-of-the-uk-eu-summit-2025-uk-to-rejoin-erasmus"'
        in page
    )
    assert "Assumption: no public source" in page
    assert "No public source says how capped places are allocated" in page
