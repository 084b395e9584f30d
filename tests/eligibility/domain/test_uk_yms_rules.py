"""The UK Youth Mobility Scheme, paragraph by paragraph, at its boundaries.

Every expected value here is a literal taken from the reference texts, never read
from `schemes/uk-yms/*.toml`, which the engine itself reads, so a wrong scheme file
fails these tests:

* `shared/reference/appendix-yms.md`: Appendix Youth Mobility Scheme ("YMS x.y") and
  Appendix Youth Mobility Scheme: eligible nationals ("EN x"), text of 25 November 2025;
* `shared/reference/policy.md`: Appendix Finance as summarised there, and the fees.

Each eligibility row starts from an applicant who meets every requirement and changes
one fact. It checks the outcome and the `rule` cited by the one requirement the
paragraph makes, that every other requirement still passes, and the overall answer.
Every row is also run through the column engine, which must give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.eligibility.builders import applicant, eligible_uk_yms
from yms.eligibility.domain import (
    ApplicantColumns,
    EligibilityResult,
    Outcome,
    check,
    check_columns,
)
from yms.schemes.domain.scheme import Scheme

PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN
ABSENT = ...  # a field left out of the applicant JSON: the fact is not known

#: The overall answer when every other requirement passes.
ELIGIBLE_IF = {PASS: True, FAIL: False, UNKNOWN: None}

APPLIED = "2026-11-25"  # the application date of `eligible_uk_yms`

# EN 1 (listed in YMS 1.3(b)), with the names the Appendix gives them.
LISTED = {
    "AD": "Andorra",
    "AU": "Australia",
    "CA": "Canada",
    "HK": "Hong Kong",
    "IS": "Iceland",
    "IN": "India",
    "JP": "Japan",
    "MC": "Monaco",
    "NZ": "New Zealand",
    "KR": "Republic of Korea",
    "SM": "San Marino",
    "TW": "Taiwan",
    "UY": "Uruguay",
}
# YMS 1.3(a).
BRITISH = {
    "GB-BOC": "British Overseas citizen",
    "GB-BOTC": "British Overseas Territories citizen",
    "GB-BNO": "British National (Overseas)",
}
EVERYONE = [*LISTED, *BRITISH]

# YMS 1.4(a): 35 or under for Australia, Canada, New Zealand and the Republic of Korea;
# YMS 1.4(b): 30 or under for everyone else, British categories included.
AGE_LIMIT = {code: 35 if code in {"AU", "CA", "NZ", "KR"} else 30 for code in EVERYONE}

# YMS 4.2: the documents each nationality adds, with the ids the engine gives them.
CERTIFICATES = {
    "SM": "suitability_letter",  # 4.2(2)
    "IS": "criminal_certificate",  # 4.2(3)
    "IN": "police_certificate",  # 4.2(4)(d)
    "AD": "criminal_records_certificate",  # 4.2(5)
    "UY": "judicial_records_certificate",  # 4.2(6)
}
INVITED = ["HK", "TW", "IN"]  # 4.2(1)(a), 4.2(4)(a); EN 2


def meets_4_2(nationality: str) -> dict[str, Any]:
    """What `nationality` adds under YMS 4.2 to meet it on 2026-11-25."""
    extras: dict[str, Any] = {}
    if nationality in INVITED:
        extras["invitation_ref"] = f"ITA-{nationality}-0001"
    if nationality == "IN":
        extras["qualification_rqf_level"] = 6  # 4.2(4)(e)
    if nationality in CERTIFICATES:
        extras["documents"] = [{"kind": CERTIFICATES[nationality], "issued": "2026-08-01"}]
    return extras


def person(nationality: str = "AU", **overrides: Any) -> dict[str, Any]:
    """Applicant JSON meeting every requirement for `nationality`; `...` removes a field."""
    return eligible_uk_yms(nationality=nationality, **{**meets_4_2(nationality), **overrides})


def applying_on(data: dict[str, Any], day: str) -> dict[str, Any]:
    """`data` applying on `day`, with funds evidence of that day, and valid from that day."""
    funds = {**data["funds"], "latest_evidence_date": day}
    return {**data, "application_date": day, "valid_from": day, "funds": funds}


def decide(scheme: Scheme, data: dict[str, Any]) -> EligibilityResult:
    """`check` the applicant, and check the column engine gives the same answer."""
    one = applicant(data)
    result = check(scheme, one)
    arrangement, eligible, outcomes = check_columns(
        scheme, ApplicantColumns.from_applicants([one])
    ).row(0)
    assert arrangement == result.arrangement
    assert outcomes == {r.id: r.outcome for r in result.requirements}
    assert eligible is result.eligible
    return result


def assert_decided_by(
    result: EligibilityResult, requirement: str, rule: str, outcome: Outcome
) -> None:
    """`requirement` cites `rule` with `outcome`, all others pass, and the answer follows."""
    found = result.requirement(requirement)
    assert (found.rule, found.outcome) == (rule, outcome), found.detail.render()
    others = {r.id: r.outcome for r in result.requirements if r.id != requirement}
    assert all(o is PASS for o in others.values()), others
    assert result.eligible is ELIGIBLE_IF[outcome]


# --- YMS 1.3: who may apply ---------------------------------------------------------------------


def test_the_parties_are_the_listed_countries_and_british_categories(uk_yms: Scheme) -> None:
    assert uk_yms.nationality_rule == "YMS 1.3"
    applicants = {a.nationality for a in uk_yms.arrangements}
    assert applicants == set(LISTED) | set(BRITISH)
    assert {a.host for a in uk_yms.arrangements} == {"GB"}
    for code, name in {**LISTED, **BRITISH}.items():
        assert uk_yms.party_name(code) == name


@pytest.mark.parametrize("nationality", EVERYONE)
def test_every_listed_nationality_and_british_category_passes_1_3(
    uk_yms: Scheme, nationality: str
) -> None:
    result = decide(uk_yms, person(nationality))
    assert result.arrangement == f"{nationality}-GB"
    assert_decided_by(result, "nationality", "YMS 1.3", PASS)


@pytest.mark.parametrize(
    ("nationality", "outcome"),
    [
        pytest.param("US", FAIL, id="US-not-listed"),
        pytest.param("FR", FAIL, id="FR-not-listed"),
        pytest.param("IE", FAIL, id="IE-not-listed"),
        pytest.param("CN", FAIL, id="CN-not-listed"),  # Hong Kong is listed, China is not
        pytest.param("GB", FAIL, id="GB-the-host-itself"),
        pytest.param(ABSENT, UNKNOWN, id="nationality-not-given"),
    ],
)
def test_anyone_else_fails_1_3(uk_yms: Scheme, nationality: object, outcome: Outcome) -> None:
    result = decide(uk_yms, person(nationality=nationality))  # type: ignore[arg-type]
    assert result.arrangement is None
    assert [r.id for r in result.requirements] == ["nationality"]
    assert_decided_by(result, "nationality", "YMS 1.3", outcome)


# --- YMS 1.4: the upper age limit, on the date of application -----------------------------------


def _upper_age_rows() -> Iterator[Any]:
    # Applying on 2026-11-25: born on 25 November (limit + 1) years earlier is the
    # birthday that takes the applicant over the limit, on the day; the day before it
    # (born on 26 November) the applicant is still at the limit.
    for nationality, limit in AGE_LIMIT.items():
        year = 2026 - (limit + 1)
        yield pytest.param(
            nationality, f"{year}-11-26", PASS, id=f"{nationality}-aged-{limit}-birthday-tomorrow"
        )
        yield pytest.param(
            nationality, f"{year}-11-25", FAIL, id=f"{nationality}-{limit + 1}-on-the-day"
        )


@pytest.mark.parametrize(("nationality", "born", "outcome"), list(_upper_age_rows()))
def test_upper_age_limit_on_the_birthday(
    uk_yms: Scheme, nationality: str, born: str, outcome: Outcome
) -> None:
    result = decide(uk_yms, person(nationality, date_of_birth=born))
    assert_decided_by(result, "age_maximum", "YMS 1.4", outcome)


@pytest.mark.parametrize(
    ("nationality", "born", "applied", "outcome"),
    [
        # The Appendix does not say when someone born on 29 February has a birthday in
        # a common year. The engine's reading (Family Law Reform Act 1969, s.9, as the
        # scheme file notes): 1 March, the first day a full year has passed. So the 31st
        # birthday of someone born 1996-02-29 is 1 March 2027, not 28 February.
        pytest.param("JP", "1996-02-29", "2027-02-28", PASS, id="JP-29feb-common-year-28feb"),
        pytest.param("JP", "1996-02-29", "2027-03-01", FAIL, id="JP-29feb-common-year-1mar"),
        pytest.param("TW", "1996-02-29", "2027-02-28", PASS, id="TW-29feb-common-year-28feb"),
        pytest.param("TW", "1996-02-29", "2027-03-01", FAIL, id="TW-29feb-common-year-1mar"),
        # A 36th birthday always falls in a leap year: on 29 February itself.
        pytest.param("AU", "1992-02-29", "2028-02-28", PASS, id="AU-29feb-leap-year-28feb"),
        pytest.param("AU", "1992-02-29", "2028-02-29", FAIL, id="AU-29feb-leap-year-29feb"),
        pytest.param("KR", "1992-02-29", "2028-02-29", FAIL, id="KR-29feb-leap-year-29feb"),
    ],
)
def test_upper_age_limit_born_on_29_february(
    uk_yms: Scheme, nationality: str, born: str, applied: str, outcome: Outcome
) -> None:
    data = applying_on(person(nationality, date_of_birth=born), applied)
    assert_decided_by(decide(uk_yms, data), "age_maximum", "YMS 1.4", outcome)


# --- YMS 3.4: 18 or over on the date the entry clearance becomes valid --------------------------


@pytest.mark.parametrize(
    ("nationality", "born", "applied", "valid_from", "outcome"),
    [
        # 18th birthday on the date the entry clearance becomes valid, and the day after.
        pytest.param("AU", "2009-01-10", APPLIED, "2027-01-10", PASS, id="18-on-valid-from"),
        pytest.param("AU", "2009-01-11", APPLIED, "2027-01-10", FAIL, id="valid-day-before-18th"),
        pytest.param("UY", "2009-01-10", APPLIED, "2027-01-10", PASS, id="UY-18-on-valid-from"),
        pytest.param("GB-BOTC", "2009-01-11", APPLIED, "2027-01-10", FAIL, id="BOTC-17"),
        # Tested on valid_from, not on the application date: 17 when applying is enough.
        pytest.param("AU", "2008-12-10", APPLIED, "2026-12-10", PASS, id="17-applying-18-valid"),
        pytest.param("AU", "2008-12-10", APPLIED, "2026-12-09", FAIL, id="17-applying-17-valid"),
        # No valid_from: 18 on the application date settles it (leave cannot start
        # earlier); 17 on it is not known, never failed, as leave may start after the 18th.
        pytest.param("AU", "2008-11-25", APPLIED, ABSENT, PASS, id="no-valid-from-18-applying"),
        pytest.param("AU", "2008-11-26", APPLIED, ABSENT, UNKNOWN, id="no-valid-from-17-applying"),
        # Born 29 February: 18 on 1 March in a common year (see the YMS 1.4 note above).
        pytest.param("NZ", "2008-02-29", "2026-02-01", "2026-03-01", PASS, id="29feb-1mar"),
        pytest.param("NZ", "2008-02-29", "2026-02-01", "2026-02-28", FAIL, id="29feb-28feb"),
    ],
)
def test_lower_age_limit_on_the_date_leave_becomes_valid(
    uk_yms: Scheme,
    *,
    nationality: str,
    born: str,
    applied: str,
    valid_from: object,
    outcome: Outcome,
) -> None:
    data = applying_on(person(nationality, date_of_birth=born), applied)
    if valid_from is ABSENT:
        del data["valid_from"]
    else:
        data["valid_from"] = valid_from
    assert_decided_by(decide(uk_yms, data), "age_minimum", "YMS 3.4", outcome)


def test_an_age_settled_by_the_application_date_says_so_in_plain_words(uk_yms: Scheme) -> None:
    data = applying_on(person("AU", date_of_birth="2000-05-12"), APPLIED)
    del data["valid_from"]
    detail = decide(uk_yms, data).requirement("age_minimum").detail.render()
    assert detail == (
        "Aged 26 on the date of application (2026-11-25), "
        "so at least 18 on any date the permission can start."
    )


# --- YMS 3.3: never before on the scheme --------------------------------------------------------


@pytest.mark.parametrize(
    ("nationality", "previous", "outcome"),
    [
        pytest.param("AU", False, PASS, id="AU-never"),
        pytest.param("AU", True, FAIL, id="AU-before"),
        pytest.param("AU", ABSENT, UNKNOWN, id="AU-not-given"),
        pytest.param("HK", True, FAIL, id="HK-before"),
        pytest.param("GB-BNO", True, FAIL, id="BNO-before"),
        pytest.param("GB-BNO", ABSENT, UNKNOWN, id="BNO-not-given"),
    ],
)
def test_previous_participation(
    uk_yms: Scheme, nationality: str, previous: object, outcome: Outcome
) -> None:
    result = decide(uk_yms, person(nationality, previous_participation=previous))
    assert_decided_by(result, "previous_participation", "YMS 3.3", outcome)


# --- YMS 4.1, 4.2, 4.4: country-specific requirements -------------------------------------------

# The requirements every entry clearance applicant meets, with the paragraph each cites.
COMMON_RULES = {
    "nationality": "YMS 1.3",
    "age_maximum": "YMS 1.4",
    "previous_participation": "YMS 3.3",
    "age_minimum": "YMS 3.4",
    "funds": "YMS 5.1",
    "funds_held": "YMS 5.2",
    "funds_evidence": "YMS 5.2",
    "children_under_18": "YMS 5.3",
}
# YMS 4.1: none; 4.2: as listed; 4.4: none for British categories.
COUNTRY_SPECIFIC = {
    "AU": set(),
    "CA": set(),
    "JP": set(),
    "MC": set(),
    "NZ": set(),
    "KR": set(),
    "HK": {"invitation"},
    "TW": {"invitation"},
    "SM": {"suitability_letter"},
    "IS": {"criminal_certificate"},
    "IN": {"invitation", "police_certificate", "qualification"},
    "AD": {"criminal_records_certificate"},
    "UY": {"judicial_records_certificate"},
    "GB-BOC": set(),
    "GB-BOTC": set(),
    "GB-BNO": set(),
}


@pytest.mark.parametrize("nationality", EVERYONE)
def test_each_nationality_has_exactly_its_requirements(uk_yms: Scheme, nationality: str) -> None:
    result = decide(uk_yms, person(nationality))
    rules = {r.id: r.rule for r in result.requirements}
    expected = {**COMMON_RULES, **dict.fromkeys(COUNTRY_SPECIFIC[nationality], "YMS 4.2")}
    assert rules == expected
    assert result.eligible is True


@pytest.mark.parametrize("nationality", ["AU", "CA", "JP", "MC", "NZ", "KR", *BRITISH])
def test_no_country_specific_requirements_under_4_1_and_4_4(
    uk_yms: Scheme, nationality: str
) -> None:
    # No invitation, no qualification worth the name, no documents: still eligible.
    data = person(nationality, invitation_ref=None, qualification_rqf_level=0, documents=[])
    result = decide(uk_yms, data)
    assert result.eligible is True
    assert set(COMMON_RULES) == {r.id for r in result.requirements}


@pytest.mark.parametrize("nationality", INVITED)
@pytest.mark.parametrize(
    ("invitation", "outcome"),
    [
        pytest.param("ITA-0000-0009", PASS, id="invited"),
        pytest.param(None, FAIL, id="not-invited"),  # "invitation_ref": null
        pytest.param(ABSENT, UNKNOWN, id="not-given"),
    ],
)
def test_invitation_to_apply_for_hong_kong_taiwan_and_india(
    uk_yms: Scheme, nationality: str, invitation: object, outcome: Outcome
) -> None:
    result = decide(uk_yms, person(nationality, invitation_ref=invitation))
    assert_decided_by(result, "invitation", "YMS 4.2", outcome)


@pytest.mark.parametrize(
    ("level", "outcome"),
    [
        pytest.param(5, FAIL, id="rqf-5"),
        pytest.param(6, PASS, id="rqf-6"),  # 4.2(4)(e): RQF level 6 or above
        pytest.param(7, PASS, id="rqf-7"),
        pytest.param(8, PASS, id="rqf-8"),
        pytest.param(0, FAIL, id="none"),
        pytest.param(ABSENT, UNKNOWN, id="not-given"),
    ],
)
def test_india_needs_rqf_level_6(uk_yms: Scheme, level: object, outcome: Outcome) -> None:
    result = decide(uk_yms, person("IN", qualification_rqf_level=level))
    assert_decided_by(result, "qualification", "YMS 4.2", outcome)


@pytest.mark.parametrize(("nationality", "kind"), list(CERTIFICATES.items()))
@pytest.mark.parametrize(
    ("applied", "issued", "outcome"),
    [
        # 4.2(2)-(6): "issued no more than 6 months before the date of application".
        # The engine counts 6 calendar months back to the same day of the month.
        pytest.param(APPLIED, "2026-05-25", PASS, id="exactly-6-months"),
        pytest.param(APPLIED, "2026-05-24", FAIL, id="6-months-and-a-day"),
        pytest.param(APPLIED, "2026-11-25", PASS, id="issued-on-the-day"),
        pytest.param(APPLIED, "2026-11-26", FAIL, id="dated-after-applying"),
        # With no such day 6 months back, the month's last day: 31 August -> 28 February,
        # in a leap year 29 February.
        pytest.param("2026-08-31", "2026-02-28", PASS, id="31aug-back-to-28feb"),
        pytest.param("2026-08-31", "2026-02-27", FAIL, id="31aug-back-to-27feb"),
        pytest.param("2028-08-31", "2028-02-29", PASS, id="leap-31aug-back-to-29feb"),
        pytest.param("2028-08-31", "2028-02-28", FAIL, id="leap-31aug-back-to-28feb"),
    ],
)
def test_certificates_no_more_than_6_months_old(
    uk_yms: Scheme, *, nationality: str, kind: str, applied: str, issued: str, outcome: Outcome
) -> None:
    documents = [{"kind": kind, "issued": issued}]
    data = applying_on(
        person(nationality, date_of_birth="2000-01-01", documents=documents), applied
    )
    assert_decided_by(decide(uk_yms, data), kind, "YMS 4.2", outcome)


@pytest.mark.parametrize(("nationality", "kind"), list(CERTIFICATES.items()))
@pytest.mark.parametrize(
    ("documents", "outcome"),
    [
        pytest.param([], FAIL, id="none-held"),
        pytest.param(ABSENT, UNKNOWN, id="not-given"),
        pytest.param([{"kind": "tuberculosis_certificate", "issued": APPLIED}], FAIL, id="other"),
        pytest.param(
            [{"kind": "KIND", "issued": "2025-01-01"}, {"kind": "KIND", "issued": "2026-10-01"}],
            PASS,
            id="an-old-one-and-a-fresh-one",
        ),
    ],
)
def test_a_certificate_must_be_held(
    uk_yms: Scheme, nationality: str, kind: str, documents: object, outcome: Outcome
) -> None:
    if isinstance(documents, list):
        documents = [{**d, "kind": kind} if d["kind"] == "KIND" else d for d in documents]
    result = decide(uk_yms, person(nationality, documents=documents))
    assert_decided_by(result, kind, "YMS 4.2", outcome)


# --- YMS 5.1-5.3: funds and children (every entry clearance applicant, British included) --------


AMOUNT, HELD, EVIDENCE = "funds", "funds_held", "funds_evidence"
FUNDS_RULE = {AMOUNT: "YMS 5.1", HELD: "YMS 5.2", EVIDENCE: "YMS 5.2"}


@pytest.mark.parametrize(
    ("nationality", "changes", "requirement", "outcome"),
    [
        # YMS 5.1: funds of £2,530.
        pytest.param("AU", {"amount": "2530.00"}, AMOUNT, PASS, id="2530.00"),
        pytest.param("AU", {"amount": "2529.99"}, AMOUNT, FAIL, id="2529.99"),
        pytest.param("AU", {"amount": "2530"}, AMOUNT, PASS, id="2530"),
        pytest.param("AU", {"amount": "250000.00"}, AMOUNT, PASS, id="plenty"),
        pytest.param("IN", {"amount": "2529.99"}, AMOUNT, FAIL, id="IN-2529.99"),
        pytest.param("GB-BNO", {"amount": "2529.99"}, AMOUNT, FAIL, id="BNO-2529.99"),
        pytest.param("GB-BOC", {"amount": "2530.00"}, AMOUNT, PASS, id="BOC-2530.00"),
        pytest.param("AU", {"amount": ABSENT, "currency": ABSENT}, AMOUNT, UNKNOWN, id="amount-?"),
        # Another currency is converted at the spot rate on the date of application
        # (YMS 5.2, Appendix Finance 1.1), which the engine leaves to the caseworker.
        pytest.param("AU", {"currency": "EUR"}, AMOUNT, UNKNOWN, id="EUR-not-converted"),
        pytest.param("AU", {"currency": "AUD"}, AMOUNT, UNKNOWN, id="AUD-not-converted"),
        # YMS 5.2: held for 28 consecutive days.
        pytest.param("AU", {"held_days": 28}, HELD, PASS, id="held-28-days"),
        pytest.param("AU", {"held_days": 27}, HELD, FAIL, id="held-27-days"),
        pytest.param("GB-BOTC", {"held_days": 27}, HELD, FAIL, id="BOTC-held-27-days"),
        pytest.param("AU", {"held_days": ABSENT}, HELD, UNKNOWN, id="held-days-?"),
        # YMS 5.2 (Appendix Finance 7.1): the latest evidence dated no more than 31 days
        # before the date of application, 2026-11-25.
        pytest.param("AU", {"latest_evidence_date": "2026-10-25"}, EVIDENCE, PASS, id="31-days"),
        pytest.param("AU", {"latest_evidence_date": "2026-10-24"}, EVIDENCE, FAIL, id="32-days"),
        pytest.param("AU", {"latest_evidence_date": APPLIED}, EVIDENCE, PASS, id="on-the-day"),
        pytest.param("AU", {"latest_evidence_date": "2026-11-26"}, EVIDENCE, FAIL, id="after"),
        pytest.param(
            "GB-BNO", {"latest_evidence_date": "2026-10-24"}, EVIDENCE, FAIL, id="BNO-32-days"
        ),
        pytest.param("AU", {"latest_evidence_date": ABSENT}, EVIDENCE, UNKNOWN, id="evidence-?"),
    ],
)
def test_funds(
    uk_yms: Scheme,
    nationality: str,
    changes: dict[str, Any],
    requirement: str,
    outcome: Outcome,
) -> None:
    given = {
        "amount": "2530.00",
        "currency": "GBP",
        "held_days": 28,
        "latest_evidence_date": APPLIED,
        **changes,
    }
    given = {key: value for key, value in given.items() if value is not ABSENT}
    result = decide(uk_yms, person(nationality, funds=given))
    assert_decided_by(result, requirement, FUNDS_RULE[requirement], outcome)


def test_no_funds_given_leaves_every_funds_requirement_unknown(uk_yms: Scheme) -> None:
    result = decide(uk_yms, person("CA", funds=ABSENT))
    found = {r.id: (r.rule, r.outcome) for r in result.requirements if r.id.startswith("funds")}
    assert found == {
        "funds": ("YMS 5.1", UNKNOWN),
        "funds_held": ("YMS 5.2", UNKNOWN),
        "funds_evidence": ("YMS 5.2", UNKNOWN),
    }
    assert result.eligible is None


@pytest.mark.parametrize(
    ("nationality", "children", "outcome"),
    [
        pytest.param("NZ", False, PASS, id="NZ-none"),
        pytest.param("NZ", True, FAIL, id="NZ-children"),
        pytest.param("NZ", ABSENT, UNKNOWN, id="NZ-not-given"),
        pytest.param("IS", True, FAIL, id="IS-children"),
        pytest.param("GB-BOTC", True, FAIL, id="BOTC-children"),
    ],
)
def test_no_children_under_18(
    uk_yms: Scheme, nationality: str, children: object, outcome: Outcome
) -> None:
    result = decide(uk_yms, person(nationality, children_under_18=children))
    assert_decided_by(result, "children_under_18", "YMS 5.3", outcome)


# --- YMS 1.4.A and 5.4: permission to stay (the extension) --------------------------------------


def staying(nationality: str, **overrides: Any) -> dict[str, Any]:
    """Applicant JSON applying from inside the UK to extend, meeting YMS 1.4.A."""
    data: dict[str, Any] = {
        "nationality": nationality,
        "host": "GB",
        "application_type": "permission_to_stay",
        "application_date": APPLIED,
        "in_host_country": True,  # 1.4.A(a)
        "last_permission_on_scheme": True,  # 1.4.A(b)
        "previous_extension": False,  # 1.4.A(c)
        # YMS 5.4: 5.1-5.3 do not apply, nor (entry clearance only) YMS 1.4, 3.3, 3.4:
        "date_of_birth": "1980-01-01",
        "funds": {"amount": "0.00", "currency": "GBP"},
        "children_under_18": True,
        "previous_participation": True,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("nationality", "changes", "requirement", "outcome"),
    [
        # 1.4.A(a): Australian, Canadian or New Zealand nationals only.
        pytest.param("AU", {}, "extension", PASS, id="AU"),
        pytest.param("CA", {}, "extension", PASS, id="CA"),
        pytest.param("NZ", {}, "extension", PASS, id="NZ"),
        *(
            pytest.param(code, {}, "extension", FAIL, id=code)
            for code in EVERYONE
            if code not in {"AU", "CA", "NZ"}
        ),
        # 1.4.A(a)-(c).
        pytest.param("AU", {"in_host_country": False}, "in_host_country", FAIL, id="outside-UK"),
        pytest.param(
            "CA",
            {"last_permission_on_scheme": False},
            "last_permission_on_scheme",
            FAIL,
            id="last-permission-other-route",
        ),
        pytest.param(
            "NZ", {"previous_extension": True}, "previous_extension", FAIL, id="extended-before"
        ),
        pytest.param(
            "NZ", {"previous_extension": None}, "previous_extension", UNKNOWN, id="extended-?"
        ),
    ],
)
def test_permission_to_stay(
    uk_yms: Scheme, nationality: str, changes: dict[str, Any], requirement: str, outcome: Outcome
) -> None:
    result = decide(uk_yms, staying(nationality, **changes))
    assert_decided_by(result, requirement, "YMS 1.4.A", outcome)
    if nationality in {"AU", "CA", "NZ"}:
        assert {r.id for r in result.requirements} == {
            "nationality",
            "extension",
            "in_host_country",
            "last_permission_on_scheme",
            "previous_extension",
        }
    else:
        assert {r.id for r in result.requirements} == {"nationality", "extension"}


# --- YMS 7.1-7.3: leave, extension and conditions ----------------------------------------------


@pytest.mark.parametrize("nationality", EVERYONE)
def test_two_years_and_three_in_all_for_australia_canada_new_zealand(
    uk_yms: Scheme, nationality: str
) -> None:
    arrangement = uk_yms.arrangement(f"{nationality}-GB")
    assert arrangement is not None
    assert (arrangement.leave.months, arrangement.leave.rule) == (24, "YMS 7.1")  # 7.1(a)
    if nationality in {"AU", "CA", "NZ"}:  # 1.4.A, 7.1(b): 3 continuous years in all
        extension = arrangement.extension
        assert extension is not None
        assert (extension.months, extension.total_months) == (12, 36)
        assert (extension.rule, extension.eligibility_rule) == ("YMS 7.1", "YMS 1.4.A")
    else:
        assert arrangement.extension is None
    assert uk_yms.extension_rule == "YMS 1.4.A"


# YMS 7.2(a)-(c) and 7.3(a)-(b), by the ids the scheme gives them.
CONDITIONS = {
    ("no-public-funds", "YMS 7.2"),  # 7.2(a)
    ("work-permitted", "YMS 7.2"),  # 7.2(b)
    ("study-permitted", "YMS 7.2"),  # 7.2(c), subject to ATAS
    ("no-professional-sport", "YMS 7.3"),  # 7.3(a), including sports coach
    ("self-employment-limited", "YMS 7.3"),  # 7.3(b)(i)-(iii)
}


@pytest.mark.parametrize("nationality", EVERYONE)
def test_conditions_of_leave(uk_yms: Scheme, nationality: str) -> None:
    arrangement = uk_yms.arrangement(f"{nationality}-GB")
    assert arrangement is not None
    assert {(c.id, c.rule) for c in arrangement.conditions} == CONDITIONS
    texts = {c.id: c.text for c in arrangement.conditions}
    assert "public funds" in texts["no-public-funds"]
    assert "ATAS" in texts["study-permitted"]
    assert "coach" in texts["no-professional-sport"]
    for term in ("premises", "£5,000", "employees"):  # 7.3(b)(i)-(iii)
        assert term in texts["self-employment-limited"]


# --- EN 1, 1.A, 2 and YMS 4.3: annual allocations -----------------------------------------------

# EN 1: annual allocation of places for 2025.
PLACES_2025 = {
    "AD": 100,
    "AU": 42_000,
    "CA": 10_000,
    "HK": 1_000,
    "IS": 1_000,
    "IN": 3_000,
    "JP": 6_000,
    "MC": 1_000,
    "NZ": 9_500,
    "KR": 5_000,
    "SM": 1_000,
    "TW": 1_000,
    "UY": 500,
}
BALLOTS = {"HK", "IN", "TW"}  # EN 2: invitation to apply arrangements


@pytest.mark.parametrize("nationality", list(LISTED))
def test_2025_allocations(uk_yms: Scheme, nationality: str) -> None:
    allocation = uk_yms.allocation_for(f"{nationality}-GB", 2025)
    assert allocation is not None
    assert allocation.places == PLACES_2025[nationality]
    assert allocation.arrangements == (f"{nationality}-GB",)  # each country its own places
    assert allocation.rule == "YMS 4.3"
    assert allocation.ballot is (nationality in BALLOTS)


def test_2025_capped_allocations_are_exactly_the_listed_ones(uk_yms: Scheme) -> None:
    capped = {
        arrangement: allocation.places
        for allocation in uk_yms.allocations
        if allocation.year == 2025 and allocation.capped
        for arrangement in allocation.arrangements
    }
    assert capped == {f"{code}-GB": places for code, places in PLACES_2025.items()}


@pytest.mark.parametrize("nationality", list(BRITISH))
def test_british_categories_are_not_capped(uk_yms: Scheme, nationality: str) -> None:
    # YMS 4.3 counts against the allocations of EN 1, which lists no British category.
    allocation = uk_yms.allocation_for(f"{nationality}-GB", 2025)
    assert allocation is None or (not allocation.capped and not allocation.ballot)


@pytest.mark.parametrize(
    ("previous", "places"),
    [
        # EN 1.A(a): under 1,000, the same number as the previous year.
        pytest.param(100, 100, id="andorra-100"),
        pytest.param(500, 500, id="uruguay-500"),
        pytest.param(999, 999, id="999"),
        # EN 1.A(b): otherwise the greater of 1,000 and 50% of the previous year's.
        pytest.param(1_000, 1_000, id="1000"),
        pytest.param(1_999, 1_000, id="1999"),
        pytest.param(2_000, 1_000, id="2000"),
        pytest.param(3_000, 1_500, id="india-3000"),
        pytest.param(9_500, 4_750, id="new-zealand-9500"),
        pytest.param(42_000, 21_000, id="australia-42000"),
    ],
)
def test_places_for_a_year_not_yet_updated(uk_yms: Scheme, previous: int, places: int) -> None:
    fallback = uk_yms.allocation_fallback
    assert fallback is not None
    assert fallback.places(previous) == places


# --- Fees (policy.md: "a versioned fee table (£298 -> £319); IHS £776 x years") -----------------


@pytest.mark.parametrize("nationality", EVERYONE)
@pytest.mark.parametrize(
    ("day", "application_fee"),
    [
        # policy.md gives £298 then £319 but no date of change; 9 April 2025 (the general
        # visa fee rise) is the date this test was specified with, not a reference fact.
        pytest.param(date(2025, 4, 8), Decimal("298.00"), id="2025-04-08"),
        pytest.param(date(2025, 4, 9), Decimal("319.00"), id="2025-04-09"),
        pytest.param(date(2026, 11, 25), Decimal("319.00"), id="2026-11-25"),
    ],
)
def test_fees_by_date(
    uk_yms: Scheme, nationality: str, day: date, application_fee: Decimal
) -> None:
    arrangement = uk_yms.arrangement(f"{nationality}-GB")
    assert arrangement is not None
    fees = arrangement.fees_on(day)
    assert sorted(fee.kind.value for fee in fees) == ["application", "health_charge"]
    by_kind = {fee.kind.value: fee for fee in fees}
    application, health = by_kind["application"], by_kind["health_charge"]
    assert (application.amount, application.currency, application.per_year) == (
        application_fee,
        "GBP",
        False,
    )
    # Immigration Health Surcharge: £776 for each year of leave.
    assert (health.amount, health.currency, health.per_year) == (Decimal("776.00"), "GBP", True)
