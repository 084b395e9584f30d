"""The UK Youth Mobility Scheme, paragraph by paragraph, at its boundaries.

Expected values are written here from `shared/reference/appendix-yms.md` and
`policy.md`, never read from the scheme file the engine reads, so that a wrong
file fails these tests.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import applicant, eligible_uk_yms
from yms.domain.eligibility import Outcome, check
from yms.domain.scheme import Scheme

LISTED = ["AD", "AU", "CA", "HK", "IS", "IN", "JP", "MC", "NZ", "KR", "SM", "TW", "UY"]
BRITISH = ["GB-BOC", "GB-BOTC", "GB-BNO"]
PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN

# What each listed nationality must add to the common requirements (YMS 4.2).
EXTRAS: dict[str, dict[str, Any]] = {
    "HK": {"invitation_ref": "ITA-0000-0000-0001"},
    "TW": {"invitation_ref": "ITA-0000-0000-0002"},
    "IN": {
        "invitation_ref": "ITA-0000-0000-0003",
        "qualification_rqf_level": 6,
        "documents": [{"kind": "police_certificate", "issued": "2026-08-01"}],
    },
    "SM": {"documents": [{"kind": "suitability_letter", "issued": "2026-08-01"}]},
    "IS": {"documents": [{"kind": "criminal_certificate", "issued": "2026-08-01"}]},
    "AD": {"documents": [{"kind": "criminal_records_certificate", "issued": "2026-08-01"}]},
    "UY": {"documents": [{"kind": "judicial_records_certificate", "issued": "2026-08-01"}]},
}


def person(nationality: str = "AU", **overrides: Any) -> dict[str, Any]:
    """Applicant JSON meeting every requirement for `nationality` on 2026-11-25."""
    return eligible_uk_yms(nationality=nationality, **{**EXTRAS.get(nationality, {}), **overrides})


def outcomes(scheme: Scheme, data: dict[str, Any]) -> tuple[bool | None, dict[str, Outcome]]:
    result = check(scheme, applicant(data))
    return result.eligible, {r.id: r.outcome for r in result.requirements}


def rule_of(scheme: Scheme, data: dict[str, Any], requirement: str) -> str:
    result = check(scheme, applicant(data))
    return next(r.rule for r in result.requirements if r.id == requirement)


# --- YMS 1.3: who may apply --------------------------------------------------------------------


@pytest.mark.parametrize("nationality", LISTED + BRITISH)
def test_every_listed_nationality_can_be_eligible(uk_yms: Scheme, nationality: str) -> None:
    eligible, found = outcomes(uk_yms, person(nationality))
    assert found["nationality"] is PASS
    assert eligible is True, found


@pytest.mark.parametrize("nationality", ["US", "FR", "GB", "CN"])
def test_others_are_a_result_citing_yms_1_3(uk_yms: Scheme, nationality: str) -> None:
    eligible, found = outcomes(uk_yms, person(nationality))
    assert eligible is False
    assert found["nationality"] is FAIL
    assert rule_of(uk_yms, person(nationality), "nationality") == "YMS 1.3"


# --- YMS 1.4: age on the date of application ---------------------------------------------------


@pytest.mark.parametrize(
    ("nationality", "born", "outcome"),
    [
        # 35 or under for Australia, Canada, New Zealand and the Republic of Korea: YMS 1.4(a)
        ("AU", "1990-11-26", PASS),  # 35, turning 36 tomorrow
        ("AU", "1990-11-25", FAIL),  # 36 today
        ("CA", "1990-11-26", PASS),
        ("NZ", "1990-11-25", FAIL),
        ("KR", "1990-11-26", PASS),
        ("KR", "1990-11-25", FAIL),
        # 30 or under for everyone else: YMS 1.4(b)
        ("JP", "1995-11-26", PASS),
        ("JP", "1995-11-25", FAIL),
        ("HK", "1995-11-26", PASS),
        ("MC", "1995-11-25", FAIL),
        ("GB-BNO", "1995-11-26", PASS),
        ("GB-BNO", "1995-11-25", FAIL),
    ],
)
def test_upper_age_limit_on_the_birthday(
    uk_yms: Scheme, nationality: str, born: str, outcome: Outcome
) -> None:
    eligible, found = outcomes(uk_yms, person(nationality, date_of_birth=born))
    assert found["age_maximum"] is outcome
    assert eligible is (outcome is PASS)
    assert rule_of(uk_yms, person(nationality), "age_maximum") == "YMS 1.4"


@pytest.mark.parametrize(
    ("applied", "outcome"),
    [
        # Born on 29 February: in a common year the birthday falls on 1 March (the
        # scheme's reading of the Family Law Reform Act 1969), so the 31st is reached
        # on 1 March 2027, not on 28 February.
        ("2027-02-28", PASS),
        ("2027-03-01", FAIL),
    ],
)
def test_a_29_february_birthday_in_a_common_year(
    uk_yms: Scheme, applied: str, outcome: Outcome
) -> None:
    data = person("JP", date_of_birth="1996-02-29", application_date=applied, valid_from=applied)
    data["funds"]["latest_evidence_date"] = applied
    assert outcomes(uk_yms, data)[1]["age_maximum"] is outcome


def test_a_29_february_birthday_in_a_leap_year(uk_yms: Scheme) -> None:
    day = "2028-02-29"
    data = person("AU", date_of_birth="1992-02-29", application_date=day, valid_from=day)
    data["funds"]["latest_evidence_date"] = day
    assert outcomes(uk_yms, data)[1]["age_maximum"] is FAIL  # 36 on the day itself


# --- YMS 3.4: 18 or over when the entry clearance becomes valid ---------------------------------


@pytest.mark.parametrize(
    ("valid_from", "outcome"),
    [("2026-12-10", PASS), ("2026-12-09", FAIL), (None, FAIL)],
)
def test_lower_age_limit_on_the_date_leave_becomes_valid(
    uk_yms: Scheme, valid_from: str | None, outcome: Outcome
) -> None:
    data = person("AU", date_of_birth="2008-12-10")
    data["valid_from"] = valid_from if valid_from else ...
    if valid_from is None:
        data.pop("valid_from")  # defaults to the application date, 2026-11-25: aged 17
    found = outcomes(uk_yms, data)[1]
    assert found["age_minimum"] is outcome
    assert rule_of(uk_yms, person(), "age_minimum") == "YMS 3.4"


# --- YMS 3.3: never before on the scheme --------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "outcome", "eligible"),
    [(False, PASS, True), (True, FAIL, False), (..., UNKNOWN, None)],
)
def test_previous_participation(
    uk_yms: Scheme, previous: object, outcome: Outcome, eligible: bool | None
) -> None:
    got_eligible, found = outcomes(uk_yms, person("AU", previous_participation=previous))
    assert found["previous_participation"] is outcome
    assert got_eligible is eligible
    assert rule_of(uk_yms, person(), "previous_participation") == "YMS 3.3"


# --- YMS 4.1, 4.2, 4.4: country-specific requirements ------------------------------------------


@pytest.mark.parametrize("nationality", ["HK", "TW", "IN"])
@pytest.mark.parametrize(
    ("invitation", "outcome"),
    [("ITA-0000-0000-0009", PASS), (None, FAIL), (..., UNKNOWN)],
)
def test_invitation_to_apply_for_hong_kong_taiwan_and_india(
    uk_yms: Scheme, nationality: str, invitation: object, outcome: Outcome
) -> None:
    found = outcomes(uk_yms, person(nationality, invitation_ref=invitation))[1]
    assert found["invitation"] is outcome
    assert rule_of(uk_yms, person(nationality), "invitation") == "YMS 4.2"


@pytest.mark.parametrize("nationality", ["AU", "CA", "JP", "MC", "NZ", "KR", *BRITISH])
def test_no_country_specific_requirements_under_4_1_and_4_4(
    uk_yms: Scheme, nationality: str
) -> None:
    data = person(nationality, invitation_ref=None, qualification_rqf_level=1, documents=[])
    eligible, found = outcomes(uk_yms, data)
    assert eligible is True
    assert not {"invitation", "qualification", "police_certificate"} & set(found)


@pytest.mark.parametrize(("level", "outcome"), [(6, PASS), (7, PASS), (5, FAIL), (..., UNKNOWN)])
def test_india_needs_rqf_level_6(uk_yms: Scheme, level: object, outcome: Outcome) -> None:
    found = outcomes(uk_yms, person("IN", qualification_rqf_level=level))[1]
    assert found["qualification"] is outcome


@pytest.mark.parametrize(
    ("nationality", "kind"),
    [
        ("IN", "police_certificate"),
        ("SM", "suitability_letter"),
        ("IS", "criminal_certificate"),
        ("AD", "criminal_records_certificate"),
        ("UY", "judicial_records_certificate"),
    ],
)
@pytest.mark.parametrize(
    ("issued", "outcome"),
    [
        ("2026-05-25", PASS),  # exactly 6 months before 2026-11-25
        ("2026-05-24", FAIL),  # a day more
        ("2026-11-25", PASS),  # issued on the day of application
        ("2026-11-26", FAIL),  # dated after the application
    ],
)
def test_certificates_no_more_than_6_months_old(
    uk_yms: Scheme, nationality: str, kind: str, issued: str, outcome: Outcome
) -> None:
    data = person(nationality, documents=[{"kind": kind, "issued": issued}])
    found = outcomes(uk_yms, data)[1]
    assert found[kind] is outcome  # the requirement is named after the document
    assert rule_of(uk_yms, data, kind) == "YMS 4.2"


def test_a_missing_certificate_is_not_yet_known(uk_yms: Scheme) -> None:
    eligible, found = outcomes(uk_yms, person("IS", documents=...))
    assert found["criminal_certificate"] is UNKNOWN
    assert eligible is None


# --- YMS 5.1-5.3: funds and children ----------------------------------------------------------


def funds(**changes: Any) -> dict[str, Any]:
    held = {
        "amount": "2530.00",
        "currency": "GBP",
        "held_days": 28,
        "latest_evidence_date": "2026-11-20",
    }
    return {**held, **changes}


@pytest.mark.parametrize(
    ("given", "requirement", "outcome"),
    [
        (funds(amount="2530.00"), "funds", PASS),  # £2,530: YMS 5.1
        (funds(amount="2529.99"), "funds", FAIL),
        (funds(amount="100000"), "funds", PASS),
        (funds(amount="3000.00", currency="EUR"), "funds", UNKNOWN),  # converted by a caseworker
        (funds(held_days=28), "funds_held", PASS),  # 28 consecutive days: YMS 5.2
        (funds(held_days=27), "funds_held", FAIL),
        (funds(latest_evidence_date="2026-10-25"), "funds_evidence", PASS),  # 31 days old
        (funds(latest_evidence_date="2026-10-24"), "funds_evidence", FAIL),  # 32 days old
        (funds(latest_evidence_date="2026-11-26"), "funds_evidence", FAIL),  # after applying
    ],
)
def test_funds(uk_yms: Scheme, given: dict[str, Any], requirement: str, outcome: Outcome) -> None:
    data = person("AU", funds=given)
    found = outcomes(uk_yms, data)[1]
    assert found[requirement] is outcome
    assert rule_of(uk_yms, data, requirement) == {"funds": "YMS 5.1"}.get(requirement, "YMS 5.2")


@pytest.mark.parametrize(("children", "outcome"), [(False, PASS), (True, FAIL), (..., UNKNOWN)])
def test_no_children_under_18(uk_yms: Scheme, children: object, outcome: Outcome) -> None:
    data = person("NZ", children_under_18=children)
    assert outcomes(uk_yms, data)[1]["children_under_18"] is outcome
    assert rule_of(uk_yms, data, "children_under_18") == "YMS 5.3"


# --- YMS 7.1-7.3 and 1.4.A: leave, extension, conditions ---------------------------------------


@pytest.mark.parametrize("nationality", LISTED + BRITISH)
def test_two_years_and_three_in_total_for_australia_canada_new_zealand(
    uk_yms: Scheme, nationality: str
) -> None:
    arrangement = uk_yms.arrangement(f"{nationality}-GB")
    assert arrangement is not None
    assert arrangement.leave.months == 24  # YMS 7.1(a)
    if nationality in {"AU", "CA", "NZ"}:  # YMS 1.4.A, 7.1(b)
        assert arrangement.extension is not None
        assert arrangement.extension.total_months == 36
        assert arrangement.extension.eligibility_rule == "YMS 1.4.A"
    else:
        assert arrangement.extension is None


def test_conditions_of_leave(uk_yms: Scheme) -> None:
    for arrangement in uk_yms.arrangements:
        rules = {condition.rule for condition in arrangement.conditions}
        assert rules == {"YMS 7.2", "YMS 7.3"}
        assert len(arrangement.conditions) == 5  # 7.2(a)-(c), 7.3(a)-(b)


# --- allocations and fees ---------------------------------------------------------------------

# Appendix Youth Mobility Scheme: eligible nationals, paragraph 1 (2025).
PLACES_2025 = {
    "AD": 100, "AU": 42_000, "CA": 10_000, "HK": 1_000, "IS": 1_000, "IN": 3_000,
    "JP": 6_000, "MC": 1_000, "NZ": 9_500, "KR": 5_000, "SM": 1_000, "TW": 1_000, "UY": 500,
}  # fmt: skip
BALLOTS = {"HK", "IN", "TW"}  # paragraph 2: invitation to apply arrangements


@pytest.mark.parametrize("nationality", LISTED)
def test_2025_allocations(uk_yms: Scheme, nationality: str) -> None:
    allocation = uk_yms.allocation_for(f"{nationality}-GB", 2025)
    assert allocation is not None
    assert allocation.places == PLACES_2025[nationality]
    assert allocation.ballot is (nationality in BALLOTS)


@pytest.mark.parametrize("nationality", BRITISH)
def test_british_nationals_are_not_capped(uk_yms: Scheme, nationality: str) -> None:
    allocation = uk_yms.allocation_for(f"{nationality}-GB", 2025)
    assert allocation is None or not allocation.capped


@pytest.mark.parametrize(
    ("day", "application_fee"),
    [(date(2025, 4, 8), Decimal("298.00")), (date(2025, 4, 9), Decimal("319.00"))],
)
def test_fees_by_date(uk_yms: Scheme, day: date, application_fee: Decimal) -> None:
    arrangement = uk_yms.arrangement("AU-GB")
    assert arrangement is not None
    fees = {fee.kind.value: fee for fee in arrangement.fees_on(day)}
    assert fees["application"].amount == application_fee
    assert fees["health_charge"].amount == Decimal("776.00")  # a year, from 6 February 2024
    assert fees["health_charge"].per_year
    assert fees["health_charge"].currency == "GBP"
