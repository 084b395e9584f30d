"""The EU-UK schemes ask what they require and yms cannot check: a yes/no declaration each.

The 2024 proposal was reported to require health insurance and proof of funds
(reference: policy.md, section 2); a travel document is assumed. None of these is
known from age and nationality, so such an applicant is never `eligible: true`.
"""

from __future__ import annotations

import pytest

from tests.eligibility.builders import applicant
from yms.eligibility.domain import ApplicantColumns, Outcome, check, check_columns
from yms.eligibility.domain.applicant import Applicant
from yms.schemes.domain.scheme import Scheme

DECLARATIONS = ("travel-document", "sickness-insurance", "sufficient-means")


def _young_pole(**extra: object) -> Applicant:
    return applicant(
        {
            "nationality": "PL",
            "date_of_birth": "2000-01-01",
            "application_date": "2026-11-25",
            "valid_from": "2027-01-10",
            "previous_participation": False,
            "invitation_ref": "ITA-1",
            **extra,
        }
    )


@pytest.fixture(params=["eu_uk_2024", "eu_uk_yes"])
def eu_scheme(request: pytest.FixtureRequest) -> Scheme:
    scheme: Scheme = request.getfixturevalue(request.param)
    return scheme


def test_both_eu_schemes_declare_travel_document_insurance_and_means(eu_scheme: Scheme) -> None:
    for arrangement in eu_scheme.arrangements:
        ids = tuple(d.id for d in arrangement.requirements.declarations)
        assert ids == DECLARATIONS
        for declaration in arrangement.requirements.declarations:
            assert declaration.question.endswith("?")
            assert declaration.rule


def test_age_and_nationality_alone_are_never_eligible(eu_scheme: Scheme) -> None:
    result = check(eu_scheme, _young_pole())
    assert result.eligible is None
    outcomes = {r.id: r.outcome for r in result.requirements}
    assert {outcomes[d] for d in DECLARATIONS} == {Outcome.UNKNOWN}
    assert result.as_json()["eligible"] is None


def test_every_declaration_answered_yes_passes(eu_scheme: Scheme) -> None:
    result = check(eu_scheme, _young_pole(declarations=dict.fromkeys(DECLARATIONS, True)))
    assert result.eligible is True
    insurance = result.requirement("sickness-insurance")
    assert insurance.outcome is Outcome.PASS
    assert insurance.value is True


@pytest.mark.parametrize("refused", DECLARATIONS)
def test_a_declaration_answered_no_fails_with_its_rule(eu_scheme: Scheme, refused: str) -> None:
    answers = {d: d != refused for d in DECLARATIONS}
    result = check(eu_scheme, _young_pole(declarations=answers))
    assert result.eligible is False
    failed = [r for r in result.requirements if r.outcome is Outcome.FAIL]
    assert [r.id for r in failed] == [refused]
    assert failed[0].rule
    assert "not met" in failed[0].detail.render().lower() or "needed" in failed[0].detail.render()


def test_a_declaration_not_asked_says_so(eu_uk_2024: Scheme) -> None:
    result = check(eu_uk_2024, _young_pole(declarations={"travel-document": True}))
    means = result.requirement("sufficient-means")
    assert means.outcome is Outcome.UNKNOWN
    assert "not known" in means.detail.render().lower()


def test_uk_yms_has_no_declarations_and_is_unchanged(uk_yms: Scheme) -> None:
    assert all(not a.requirements.declarations for a in uk_yms.arrangements)


def test_columns_read_declarations_as_the_single_check_does(eu_uk_yes: Scheme) -> None:
    table = [
        _young_pole(),
        _young_pole(declarations=dict.fromkeys(DECLARATIONS, True)),
        _young_pole(declarations={**dict.fromkeys(DECLARATIONS, True), "sufficient-means": False}),
        _young_pole(declarations={"travel-document": False}),
    ]
    columns = check_columns(eu_uk_yes, ApplicantColumns.from_applicants(table))
    for index, one in enumerate(table):
        single = check(eu_uk_yes, one)
        _arrangement, eligible, outcomes = columns.row(index)
        assert outcomes == {r.id: r.outcome for r in single.requirements}
        assert eligible is single.eligible
    assert [columns.row(i)[1] for i in range(4)] == [None, True, False, False]


def test_each_result_names_the_source_of_its_rule(uk_yms: Scheme, eu_uk_2024: Scheme) -> None:
    result = check(uk_yms, applicant({"nationality": "AU", "date_of_birth": "2000-01-01"}))
    age = result.requirement("age_maximum")
    assert age.rule == "YMS 1.4"
    assert age.source is not None
    assert age.source.title == "Immigration Rules: Appendix Youth Mobility Scheme"
    assert result.as_json()["requirements"][1]["source"] == {  # type: ignore[index]
        "name": "Immigration Rules: Appendix Youth Mobility Scheme",
        "url": "https://www.gov.uk/guidance/immigration-rules/immigration-rules-appendix-youth-mobility-scheme",
    }
    proposal = check(eu_uk_2024, _young_pole())
    assert {r.source.id for r in proposal.requirements if r.source} == {"COM-2024-169"}


def test_a_result_from_an_assumption_says_so(eu_uk_yes: Scheme, uk_yms: Scheme) -> None:
    result = check(eu_uk_yes, _young_pole())
    invitation = result.requirement("invitation")
    assert invitation.assumption is not None
    assert "ballot" in invitation.assumption
    assert result.requirement("age_maximum").assumption is None
    as_json = {r["id"]: r for r in result.as_json()["requirements"]}  # type: ignore[attr-defined]
    assert as_json["invitation"]["assumption"] == invitation.assumption
    uk = check(uk_yms, applicant({"nationality": "AU", "date_of_birth": "2000-01-01"}))
    assert all(r.assumption is None for r in uk.requirements)
