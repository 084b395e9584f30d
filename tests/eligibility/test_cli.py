"""`yms eligibility check`: JSON in, JSON out; exit 0 for any result, 2 for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.eligibility.builders import eligible_uk_yms
from tests.fixtures.commands import Yms


def test_an_eligible_applicant_from_standard_input(yms_process: Yms) -> None:
    ran = yms_process(
        "eligibility", "check", "--scheme", "uk-yms", input=json.dumps(eligible_uk_yms())
    )
    assert ran.code == 0, ran.stderr
    assert ran.stderr == ""
    result = json.loads(ran.stdout)
    assert result["scheme"] == "uk-yms"
    assert result["scheme_version"] == "2025-11-25"
    assert result["arrangement"] == "AU-GB"
    assert result["eligible"] is True
    assert {r["outcome"] for r in result["requirements"]} == {"pass"}
    first = result["requirements"][0]
    assert set(first) == {"id", "rule", "outcome", "value", "detail", "source", "assumption"}
    assert first["rule"] == "YMS 1.3"  # the reference stays plain text, its source beside it
    assert first["source"]["name"] == "Immigration Rules: Appendix Youth Mobility Scheme"
    assert first["source"]["url"].startswith("https://www.gov.uk/guidance/immigration-rules/")


def test_the_example_of_the_issue_reads_and_is_eligible(yms: Yms, tmp_path: Path) -> None:
    example = {
        "nationality": "AU",
        "host": "GB",
        "date_of_birth": "1995-04-02",
        "application_date": "2026-11-25",
        "valid_from": "2027-01-10",
        "funds": {
            "amount": "2600.00",
            "currency": "GBP",
            "held_days": 28,
            "latest_evidence_date": "2026-11-20",
        },
        "children_under_18": False,
        "previous_participation": False,
        "invitation_ref": None,
        "qualification_rqf_level": 6,
        "documents": [{"kind": "police_certificate", "issued": "2026-08-01"}],
    }
    path = tmp_path / "applicant.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    ran = yms("eligibility", "check", "--scheme", "uk-yms", str(path))
    assert ran.code == 0
    assert json.loads(ran.stdout)["eligible"] is True


def test_an_ineligible_applicant_is_still_exit_0(yms: Yms) -> None:
    ran = yms(
        "eligibility",
        "check",
        "--scheme",
        "uk-yms",
        input=json.dumps(eligible_uk_yms(children_under_18=True)),
    )
    assert ran.code == 0
    result = json.loads(ran.stdout)
    assert result["eligible"] is False
    failed = [r for r in result["requirements"] if r["outcome"] == "fail"]
    assert [(r["id"], r["rule"]) for r in failed] == [("children_under_18", "YMS 5.3")]


def test_missing_facts_make_the_answer_null(yms: Yms) -> None:
    ran = yms("eligibility", "check", "--scheme", "uk-yms", input='{"nationality": "JP"}')
    assert ran.code == 0
    result = json.loads(ran.stdout)
    assert result["eligible"] is None
    assert {r["outcome"] for r in result["requirements"]} == {"pass", "unknown"}


def test_a_nationality_outside_the_scheme_is_a_result_citing_yms_1_3(yms: Yms) -> None:
    ran = yms("eligibility", "check", "--scheme", "uk-yms", input='{"nationality": "FR"}')
    assert ran.code == 0
    result = json.loads(ran.stdout)
    assert result["eligible"] is False
    assert result["arrangement"] is None
    assert result["requirements"] == [
        {
            "id": "nationality",
            "rule": "YMS 1.3",
            "outcome": "fail",
            "value": "FR",
            "detail": "Nationality France: not covered by this scheme.",
            "source": {
                "name": "Immigration Rules: Appendix Youth Mobility Scheme",
                "url": "https://www.gov.uk/guidance/immigration-rules/immigration-rules-appendix-youth-mobility-scheme",
            },
            "assumption": None,
        }
    ]


def test_host_may_be_left_out_only_where_there_is_one(yms: Yms) -> None:
    ran = yms("eligibility", "check", "--scheme", "eu-uk-yes", input='{"nationality": "GB"}')
    result = json.loads(ran.stdout)
    assert ran.code == 0
    assert result["eligible"] is None
    assert "27 host countries" in result["requirements"][0]["detail"]
    chosen = yms(
        "eligibility", "check", "--scheme", "eu-uk-yes", input='{"nationality": "GB", "host": "IE"}'
    )
    assert json.loads(chosen.stdout)["arrangement"] == "GB-IE"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param('{"nationality": "AU"', "not valid JSON", id="malformed-json"),
        pytest.param('{"nationalty": "AU"}', "nationalty: unknown field", id="unknown-field"),
        pytest.param(
            '{"funds": {"amount": "1", "currency": "GBP", "bank": "x"}}',
            "funds.bank: unknown field",
            id="unknown-nested-field",
        ),
        pytest.param(
            '{"date_of_birth": "1995-02-30"}',
            "date_of_birth: '1995-02-30' is not a real date",
            id="impossible-date",
        ),
        pytest.param(
            '{"application_date": "25/11/2026"}',
            "application_date: '25/11/2026' is not a real date",
            id="date-in-another-form",
        ),
        pytest.param(
            '{"nationality": "XX"}', "nationality: unknown country code 'XX'", id="unknown-country"
        ),
        pytest.param('{"host": "UK"}', "host: unknown country code 'UK'", id="unknown-host"),
        pytest.param(
            '{"funds": {"amount": "10.005", "currency": "GBP"}}',
            "funds.amount: has more than 2 decimal places",
            id="sub-penny",
        ),
        pytest.param(
            '{"funds": {"amount": "10", "currency": "XYZ"}}',
            "funds.currency: unknown currency code 'XYZ'",
            id="unknown-currency",
        ),
        pytest.param(
            '{"funds": {"amount": "10"}}', "funds: currency is needed with amount", id="no-currency"
        ),
        pytest.param(
            '{"children_under_18": "no"}',
            "children_under_18: must be true or false",
            id="not-a-boolean",
        ),
        pytest.param(
            '{"qualification_rqf_level": 9}',
            "qualification_rqf_level: must be at most 8",
            id="no-such-rqf-level",
        ),
        pytest.param(
            '{"documents": [{"kind": "passport", "issued": "2026-01-01"}]}',
            "documents[0].kind: 'passport' is not one of",
            id="unknown-document",
        ),
        pytest.param('{"invitation_ref": ""}', "invitation_ref: ", id="empty-invitation-reference"),
        pytest.param("[]", "must be an object with named fields", id="not-an-object"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(yms: Yms, text: str, reason: str) -> None:
    ran = yms("eligibility", "check", "--scheme", "uk-yms", input=text)
    assert ran.code == 2
    assert ran.stdout == ""
    assert ran.stderr.count("\n") == 1
    assert ran.stderr.startswith("yms: bad input: ")
    assert reason in ran.stderr


def test_an_unknown_scheme_exits_2_and_lists_the_known_ones(yms_process: Yms) -> None:
    ran = yms_process("eligibility", "check", "--scheme", "uk-ym", input="{}")
    assert ran.code == 2
    assert ran.stdout == ""
    assert ran.stderr == (
        "yms: bad input: scheme: unknown scheme 'uk-ym' "
        "(known: eu-uk-2024, eu-uk-brake, eu-uk-cap, eu-uk-yes, uk-yms)\n"
    )


def test_a_date_before_any_version_exits_2(yms: Yms) -> None:
    ran = yms(
        "eligibility", "check", "--scheme", "uk-yms", input='{"application_date": "2020-01-01"}'
    )
    assert ran.code == 2
    assert "no version in force on 2020-01-01" in ran.stderr


def test_a_missing_file_exits_2(yms: Yms, tmp_path: Path) -> None:
    ran = yms("eligibility", "check", "--scheme", "uk-yms", str(tmp_path / "absent.json"))
    assert ran.code == 2
    assert "cannot read" in ran.stderr


EU_APPLICANT = {
    "nationality": "ES",
    "date_of_birth": "2000-01-01",
    "application_date": "2026-11-25",
    "valid_from": "2027-01-10",
}
ALL_DECLARED = {"travel-document": True, "sickness-insurance": True, "sufficient-means": True}


def test_the_2024_proposal_is_never_eligible_on_age_and_nationality_alone(yms: Yms) -> None:
    ran = yms("eligibility", "check", "--scheme", "eu-uk-2024", input=json.dumps(EU_APPLICANT))
    assert ran.code == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert result["eligible"] is None
    unknown = {r["id"] for r in result["requirements"] if r["outcome"] == "unknown"}
    assert unknown == set(ALL_DECLARED)


def test_declarations_are_optional_fields_of_the_applicant(yms: Yms) -> None:
    given = {**EU_APPLICANT, "declarations": ALL_DECLARED}
    ran = yms("eligibility", "check", "--scheme", "eu-uk-2024", input=json.dumps(given))
    assert json.loads(ran.stdout)["eligible"] is True
    refused = {**EU_APPLICANT, "declarations": {**ALL_DECLARED, "sickness-insurance": False}}
    ran = yms("eligibility", "check", "--scheme", "eu-uk-2024", input=json.dumps(refused))
    result = json.loads(ran.stdout)
    assert result["eligible"] is False
    failed = [r for r in result["requirements"] if r["outcome"] == "fail"]
    assert [(r["id"], r["rule"], r["value"]) for r in failed] == [
        ("sickness-insurance", "COM(2024) 169", False)
    ]


def test_a_declaration_the_scheme_does_not_ask_is_bad_input(yms: Yms) -> None:
    given = {**EU_APPLICANT, "declarations": {"travel-dokument": True}}
    ran = yms("eligibility", "check", "--scheme", "eu-uk-2024", input=json.dumps(given))
    assert ran.code == 2
    assert "declarations" in ran.stderr
    assert "travel-dokument" in ran.stderr
