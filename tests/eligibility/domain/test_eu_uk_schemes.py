"""The two EU-UK schemes: all 27 member states both ways; one proposal uncapped, one capped."""

from __future__ import annotations

from datetime import date

import pytest

from tests.eligibility.builders import applicant
from yms.eligibility.domain import Outcome, check
from yms.schemes.domain.scheme import Scheme

EU_27 = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip


@pytest.fixture(params=["eu_uk_2024", "eu_uk_yes"])
def eu_scheme(request: pytest.FixtureRequest) -> Scheme:
    scheme: Scheme = request.getfixturevalue(request.param)
    return scheme


def test_every_member_state_both_ways(eu_scheme: Scheme) -> None:
    into_uk = {a.nationality for a in eu_scheme.arrangements if a.host == "GB"}
    from_uk = {a.host for a in eu_scheme.arrangements if a.nationality == "GB"}
    assert into_uk == EU_27
    assert from_uk == EU_27
    assert len(eu_scheme.arrangements) == 54


def test_one_set_of_terms_for_every_member_state(eu_scheme: Scheme) -> None:
    def terms(host: str, nationality: str) -> str:
        arrangement = eu_scheme.arrangement(f"{nationality}-{host}")
        assert arrangement is not None
        return arrangement.model_dump_json(exclude={"nationality", "host"})

    assert len({terms("GB", n) for n in EU_27}) == 1
    assert len({terms(h, "GB") for h in EU_27}) == 1


@pytest.mark.parametrize(
    ("birth", "outcome"),
    [("1996-11-26", Outcome.PASS), ("1995-11-25", Outcome.FAIL), ("2008-11-25", Outcome.PASS)],
)
def test_ages_18_to_30(eu_scheme: Scheme, birth: str, outcome: Outcome) -> None:
    person = applicant(
        {"nationality": "PL", "date_of_birth": birth, "application_date": "2026-11-25"}
    )
    result = check(eu_scheme, person)
    limits = {r.id: r.outcome for r in result.requirements}
    assert limits["age_maximum"] is outcome
    assert limits["age_minimum"] is Outcome.PASS


def test_proposal_2024_is_four_years_uncapped_without_health_charge(eu_uk_2024: Scheme) -> None:
    assert {a.leave.months for a in eu_uk_2024.arrangements} == {48}
    assert all(a.extension is None for a in eu_uk_2024.arrangements)
    assert {al.places for al in eu_uk_2024.allocations} == {"uncapped"}
    assert not any(al.ballot for al in eu_uk_2024.allocations)
    to_uk = eu_uk_2024.arrangement("FR-GB")
    assert to_uk is not None
    charges = [f for f in to_uk.fees_on(date(2027, 1, 1)) if f.kind.value == "health_charge"]
    assert [(c.amount, c.per_year) for c in charges] == [(0, True)]


def test_youth_experience_scheme_shares_44000_each_way_with_a_brake(eu_uk_yes: Scheme) -> None:
    into_uk, from_uk = eu_uk_yes.allocations
    assert into_uk.places == from_uk.places == 44000
    assert set(into_uk.arrangements) == {f"{n}-GB" for n in EU_27}
    assert set(from_uk.arrangements) == {f"GB-{h}" for h in EU_27}
    assert into_uk.emergency_brake is not None
    assert into_uk.emergency_brake.proposed
    assert into_uk.proposed
    assert into_uk.ballot


def test_youth_experience_scheme_is_two_years_plus_one(eu_uk_yes: Scheme) -> None:
    arrangement = eu_uk_yes.arrangement("GB-DE")
    assert arrangement is not None
    assert arrangement.leave.months == 24
    assert arrangement.extension is not None
    assert (arrangement.extension.months, arrangement.extension.total_months) == (12, 36)


def test_every_proposed_value_says_where_it_comes_from(eu_uk_yes: Scheme) -> None:
    arrangement = eu_uk_yes.arrangements[0]
    proposed = [
        arrangement.leave,
        arrangement.extension,
        *(r for r in arrangement.requirements.__dict__.values() if hasattr(r, "proposed")),
        *eu_uk_yes.allocations,
    ]
    for value in proposed:
        assert value is not None
        assert value.proposed
        assert value.source or value.note or (value.assumption and value.why)
