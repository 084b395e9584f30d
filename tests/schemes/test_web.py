"""The public scheme pages: terms with each rule's source, and assumptions marked."""

from __future__ import annotations

from tests.fixtures.web import Browser

ASSUMPTION = "Assumption: no public source"
APX = (
    "https://www.gov.uk/guidance/immigration-rules/immigration-rules-appendix-youth-mobility-scheme"
)


def test_the_list_names_every_scheme_in_force_first(browser: Browser) -> None:
    page = browser.get("/schemes")
    assert page.status_code == 200
    text = page.text
    for scheme_id in ("uk-yms", "eu-uk-2024", "eu-uk-yes", "eu-uk-cap", "eu-uk-brake"):
        assert f'href="/schemes/{scheme_id}"' in text
    assert text.index("/schemes/uk-yms") < text.index("/schemes/eu-uk-2024")


def test_the_uk_scheme_links_its_rules_to_the_immigration_rules(browser: Browser) -> None:
    text = browser.get("/schemes/uk-yms").text
    assert "UK Youth Mobility Scheme" in text
    assert "YMS 3.4" in text
    assert f'href="{APX}"' in text
    assert "Immigration Rules: Appendix Youth Mobility Scheme" in text
    assert "42,000" in text
    # Only the application fees' start dates have no source; no rule is an assumption.
    assert text.count(ASSUMPTION) == text.count("Application fee: ") > 0


def test_the_capped_scheme_marks_its_ballot_brake_and_previous_participation(
    browser: Browser,
) -> None:
    text = browser.get("/schemes/eu-uk-yes").text
    assert ASSUMPTION in text
    for why in (
        "No public source says how capped places are allocated",
        "No public source says whether one may come twice",
        "no threshold or period is public",
        "the ballot and the 90 days an invitation lasts are not",
    ):
        assert why in text, why
    assert "4,400" in text
    assert (
        'href="https://www.ukro.ac.uk/news/outcome-of-the-uk-eu-summit-2025-uk-to-rejoin-erasmus"'
        in text
    )


def test_the_2024_proposal_shows_its_declarations(browser: Browser) -> None:
    text = browser.get("/schemes/eu-uk-2024").text
    assert "Will you have health insurance for your whole stay?" in text
    assert "eumonitor.eu" in text
    assert "Proposed: not agreed" in text


def test_an_unknown_scheme_is_not_found(browser: Browser) -> None:
    assert browser.get("/schemes/nope").status_code == 404
