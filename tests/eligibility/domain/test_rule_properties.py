"""Properties of the rules with boundaries: ages, funds, evidence windows, document ages.

Each property states the rule independently of the engine (in whole calendar terms)
and checks the engine's outcome against it for any generated value.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from tests.eligibility.strategies import DECLARATION_IDS, applicants
from yms.eligibility.domain import Outcome, check
from yms.eligibility.domain.applicant import Applicant, ApplicationType, Funds, HeldDocument
from yms.kernel.dates import age_on
from yms.kernel.money import Money
from yms.schemes.catalogue import shipped
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Scheme

UK = shipped().latest("uk-yms")
APPLIED = st.dates(date(2025, 11, 25), date(2035, 12, 31))
BIRTHS = st.dates(date(1960, 1, 1), date(2025, 1, 1))
UP_TO_35 = {"AU", "CA", "NZ", "KR"}


def _outcome(scheme: Scheme, applicant: Applicant, requirement: str) -> Outcome:
    return check(scheme, applicant).requirement(requirement).outcome


def _birthday_passed(birth: date, on: date, years: int) -> bool:
    """Whether the `years`th birthday has begun by `on` (29 February: on 1 March)."""
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:
        birthday = date(birth.year + years, 3, 1)
    return birthday <= on


@given(st.sampled_from(sorted(UK.parties.keys() - {"GB"})), BIRTHS, APPLIED)
def test_upper_age_limit_yms_1_4(nationality: str, birth: date, applied: date) -> None:
    limit = 35 if nationality in UP_TO_35 else 30
    person = Applicant(nationality=nationality, date_of_birth=birth, application_date=applied)
    expected = Outcome.FAIL if _birthday_passed(birth, applied, limit + 1) else Outcome.PASS
    assert _outcome(UK, person, "age_maximum") is expected


@given(BIRTHS, APPLIED, st.integers(0, 400))
def test_lower_age_limit_on_the_valid_date_yms_3_4(birth: date, applied: date, wait: int) -> None:
    valid_from = applied + timedelta(days=wait)
    person = Applicant(
        nationality="JP", date_of_birth=birth, application_date=applied, valid_from=valid_from
    )
    expected = Outcome.PASS if _birthday_passed(birth, valid_from, 18) else Outcome.FAIL
    assert _outcome(UK, person, "age_minimum") is expected
    assert age_on(birth, valid_from) >= 18 or expected is Outcome.FAIL


@given(BIRTHS, APPLIED)
def test_lower_age_limit_without_a_start_date_is_never_failed(birth: date, applied: date) -> None:
    # Leave cannot start before the application: 18 by then settles it; otherwise not known.
    person = Applicant(nationality="JP", date_of_birth=birth, application_date=applied)
    expected = Outcome.PASS if _birthday_passed(birth, applied, 18) else Outcome.UNKNOWN
    assert _outcome(UK, person, "age_minimum") is expected


@given(st.integers(0, 10_000_000), APPLIED)
def test_funds_of_2530_pounds_yms_5_1(pence: int, applied: date) -> None:
    amount = Money(Decimal(pence).scaleb(-2), "GBP")
    person = Applicant(nationality="AU", application_date=applied, funds=Funds(amount=amount))
    expected = Outcome.PASS if pence >= 253_000 else Outcome.FAIL
    assert _outcome(UK, person, "funds") is expected


@given(st.integers(0, 10_000_000), st.sampled_from(["EUR", "USD", "AUD", "INR"]))
def test_funds_in_another_currency_are_not_known_until_converted(pence: int, currency: str) -> None:
    person = Applicant(
        nationality="IN", funds=Funds(amount=Money(Decimal(pence).scaleb(-2), currency))
    )
    assert _outcome(UK, person, "funds") is Outcome.UNKNOWN


@given(st.integers(0, 1000))
def test_funds_held_for_28_days_yms_5_2(days: int) -> None:
    person = Applicant(nationality="NZ", funds=Funds(held_days=days))
    assert _outcome(UK, person, "funds_held") is (Outcome.PASS if days >= 28 else Outcome.FAIL)


@given(APPLIED, st.integers(-60, 120))
def test_latest_evidence_no_more_than_31_days_before_applying_yms_5_2(
    applied: date, age_in_days: int
) -> None:
    dated = applied - timedelta(days=age_in_days)
    person = Applicant(
        nationality="CA", application_date=applied, funds=Funds(latest_evidence_date=dated)
    )
    expected = Outcome.PASS if 0 <= age_in_days <= 31 else Outcome.FAIL
    assert _outcome(UK, person, "funds_evidence") is expected


def _earliest_issue(applied: date, months: int) -> date:
    """The corresponding date `months` back, or that month's last day (dateutil's rule)."""
    earliest: date = applied + relativedelta(months=-months)
    return earliest


@given(
    st.sampled_from(
        [
            ("IS", DocumentKind.CRIMINAL_CERTIFICATE),
            ("SM", DocumentKind.SUITABILITY_LETTER),
            ("AD", DocumentKind.CRIMINAL_RECORDS_CERTIFICATE),
            ("UY", DocumentKind.JUDICIAL_RECORDS_CERTIFICATE),
            ("IN", DocumentKind.POLICE_CERTIFICATE),
        ]
    ),
    APPLIED,
    st.integers(-30, 400),
)
def test_certificates_no_more_than_6_months_old_yms_4_2(
    case: tuple[str, DocumentKind], applied: date, age_in_days: int
) -> None:
    nationality, kind = case
    issued = applied - timedelta(days=age_in_days)
    person = Applicant(
        nationality=nationality,
        application_date=applied,
        documents=(HeldDocument(kind, issued),),
    )
    within = _earliest_issue(applied, 6) <= issued <= applied
    assert _outcome(UK, person, kind.value) is (Outcome.PASS if within else Outcome.FAIL)


def test_six_months_before_the_end_of_august_is_the_end_of_february() -> None:
    def outcome(issued: date) -> Outcome:
        person = Applicant(
            nationality="IS",
            application_date=date(2026, 8, 31),
            documents=(HeldDocument(DocumentKind.CRIMINAL_CERTIFICATE, issued),),
        )
        return _outcome(UK, person, "criminal_certificate")

    assert outcome(date(2026, 2, 28)) is Outcome.PASS
    assert outcome(date(2026, 2, 27)) is Outcome.FAIL


EU_SCHEMES = {scheme_id: shipped().latest(scheme_id) for scheme_id in ("eu-uk-2024", "eu-uk-yes")}
EU_PARTIES = sorted(EU_SCHEMES["eu-uk-2024"].parties)


@given(
    st.sampled_from(sorted(EU_SCHEMES)),
    applicants([*EU_PARTIES, "US"], ["GB", "FR", "DE"]),
)
def test_an_eu_uk_applicant_is_eligible_only_if_every_declaration_is_yes(
    scheme_id: str, person: Applicant
) -> None:
    scheme = EU_SCHEMES[scheme_id]
    # Declarations are asked for entry; the extension from inside has its own requirements.
    person = replace(person, application_type=ApplicationType.ENTRY_CLEARANCE)
    result = check(scheme, person)
    if result.arrangement is None:
        return
    asked = [d.id for d in scheme.arrangements[0].requirements.declarations]
    answers = [person.declared(declaration_id) for declaration_id in asked]
    if result.eligible is True:
        assert answers == [True] * len(asked)
    if False in answers:
        assert result.eligible is False
    elif None in answers:
        assert result.eligible is not True


@given(
    applicants(sorted(UK.parties), ["GB", None]),
    st.dictionaries(st.sampled_from(DECLARATION_IDS), st.booleans()),
)
def test_declarations_change_nothing_under_the_uk_scheme(
    person: Applicant, declared: dict[str, bool]
) -> None:
    without = check(UK, replace(person, declarations=None))
    with_them = check(UK, replace(person, declarations=declared))
    assert with_them.eligible is without.eligible
    assert [r.outcome for r in with_them.requirements] == [r.outcome for r in without.requirements]
