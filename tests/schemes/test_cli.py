"""`yms schemes list` and `yms schemes show`."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.commands import Yms


def test_list_names_every_scheme_version(yms: Yms) -> None:
    ran = yms("schemes", "list")
    assert ran.code == 0
    for expected in ("uk-yms", "2025-11-25", "eu-uk-2024", "2024-04-18", "eu-uk-yes", "2025-05-19"):
        assert expected in ran.stdout


@pytest.mark.parametrize(
    "scheme", ["uk-yms", "eu-uk-2024", "eu-uk-yes", "eu-uk-cap", "eu-uk-brake"]
)
def test_show_renders_each_scheme(yms: Yms, scheme: str) -> None:
    ran = yms("schemes", "show", scheme)
    assert ran.code == 0, ran.stderr
    for heading in ("Arrangements", "Conditions of leave", "Sources"):
        assert heading in ran.stdout


def test_show_uk_yms_gives_requirements_with_rule_references(yms: Yms) -> None:
    text = yms("schemes", "show", "uk-yms").stdout
    for fragment in (
        "YMS 1.4",
        "YMS 3.4",
        "YMS 4.2",
        "YMS 5.1",
        "42,000",
        "uncapped",
        "90 days",
        "YMS 1.4.A",
        "£2,530.00",
        "Appendix Youth Mobility Scheme: eligible nationals 1.A",
    ):
        assert fragment in text, fragment


def test_show_eu_uk_yes_gives_the_shared_allocations_and_brake(yms: Yms) -> None:
    text = yms("schemes", "show", "eu-uk-yes").stdout
    rows = [line for line in text.splitlines() if "-2027" in line and "44,000 │" in line]
    assert len(rows) == 2
    assert all("4,400 a month" in row for row in rows)


def test_show_json_is_the_validated_scheme(yms: Yms) -> None:
    ran = yms("schemes", "show", "uk-yms", "--json")
    scheme = json.loads(ran.stdout)
    assert scheme["id"] == "uk-yms"
    assert len(scheme["arrangements"]) == 16
    australia = next(a for a in scheme["arrangements"] if a["nationality"] == "AU")
    assert australia["requirements"]["age_maximum"] == {
        "years": 35,
        "tested_on": "application_date",
        "rule": "YMS 1.4",
        "proposed": False,
        "source": None,
        "note": None,
        "assumption": False,
        "why": None,
    }


def test_show_an_unknown_scheme_exits_2(yms: Yms) -> None:
    ran = yms("schemes", "show", "nope")
    assert ran.code == 2
    assert ran.stderr.startswith("yms: unknown scheme 'nope'")


def test_show_a_named_version(yms: Yms) -> None:
    assert yms("schemes", "show", "uk-yms", "--version", "2025-11-25").code == 0
    missing = yms("schemes", "show", "uk-yms", "--version", "1999-01-01")
    assert missing.code == 2
    assert "no version '1999-01-01'" in missing.stderr


def test_demo_runs_and_shows_checks(yms: Yms) -> None:
    ran = yms("demo")
    assert ran.code == 0, ran.stderr
    assert "not eligible" in ran.stdout
    assert "eligible" in ran.stdout


def test_version(yms: Yms) -> None:
    assert yms("--version").stdout.startswith("yms ")


ASSUMPTION = "Assumption: no public source"


def test_show_marks_each_value_without_a_public_source(yms: Yms) -> None:
    text = yms("schemes", "show", "eu-uk-yes").stdout
    requirement_lines = [line for line in text.splitlines() if "invitation to apply" in line]
    assert requirement_lines
    assert all(ASSUMPTION in line for line in requirement_lines)
    brakes = [line for line in text.splitlines() if "4,400 a month" in line]
    assert brakes
    assert all(ASSUMPTION in line for line in brakes)
    funds_line = next(line for line in text.splitlines() if "No access to public funds" in line)
    assert funds_line.count(ASSUMPTION) == 1
    # The full list, with why each was chosen.
    assert "Assumptions" in text
    assert "No public source says how capped places are allocated" in text
    # Sourced values are not marked.
    age = [line for line in text.splitlines() if "aged 30 or under" in line]
    assert age
    assert all(ASSUMPTION not in line for line in age)


def test_show_lists_the_declarations_asked(yms: Yms) -> None:
    text = yms("schemes", "show", "eu-uk-2024").stdout
    insurance = [line for line in text.splitlines() if "health insurance" in line]
    assert insurance
    assert ASSUMPTION not in insurance[0]  # reported in a public source
    travel = [line for line in text.splitlines() if "travel document" in line]
    assert ASSUMPTION in travel[0]


def test_show_uk_yms_marks_no_rule_as_an_assumption_but_names_rule_sources(yms: Yms) -> None:
    text = yms("schemes", "show", "uk-yms").stdout
    requirement_lines = [line for line in text.splitlines() if "YMS 3.4" in line]
    assert all(ASSUMPTION not in line for line in requirement_lines)
    sources = [line for line in text.splitlines() if "Appendix Youth Mobility Scheme" in line]
    assert any("YMS" in line.split("Appendix")[0] for line in sources)


def test_list_puts_each_value_under_its_heading(yms: Yms) -> None:
    text = yms("schemes", "list").stdout
    header = next(line for line in text.splitlines() if "version" in line and "title" in line)
    row = next(line for line in text.splitlines() if "uk-yms" in line)
    assert header.index("title") <= row.index("UK Youth Mobility Scheme")
    assert header.index("status") <= row.index("in force")


def test_list_puts_the_scheme_in_force_first_under_the_right_headings(yms: Yms) -> None:
    lines = yms("schemes", "list", "--json").stdout
    listed = json.loads(lines)
    assert listed[0]["id"] == "uk-yms"
    assert listed[0]["title"].startswith("UK Youth Mobility")
    assert listed[0]["status"] == "in_force"
