"""Hypothesis strategies for applicants, weighted towards the boundaries rules care about."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from yms.eligibility.domain.applicant import Applicant, ApplicationType, Funds, HeldDocument
from yms.kernel.money import Money
from yms.schemes.domain.documents import DocumentKind

EARLIEST = date(1950, 1, 1)
LATEST = date(2035, 12, 31)

tri_state = st.sampled_from([True, False, None])

#: Ages around the limits schemes set: 18, 30 and 35, each approached from both sides.
EDGE_AGES = [17, 18, 19, 29, 30, 31, 34, 35, 36]


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year - years, day=28)


@st.composite
def near(draw: st.DrawFn, anchor: date, *, years: range, days: int = 2) -> date:
    """A date `years` before `anchor`, give or take `days` days: ages at their edges."""
    shifted = _shift_years(anchor, draw(st.sampled_from(years)))
    return shifted + timedelta(days=draw(st.integers(-days, days)))


leap_day_births = st.integers(1960, 2012).filter(lambda y: y % 4 == 0).map(lambda y: date(y, 2, 29))
application_dates = st.one_of(
    st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    st.sampled_from([date(2027, 2, 28), date(2027, 3, 1), date(2028, 2, 29), date(2026, 8, 31)]),
)


@st.composite
def funds(draw: st.DrawFn, applied: date | None) -> Funds | None:
    """Funds near £2,530, held near 28 days, with evidence near 31 days old."""
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    pence = draw(st.one_of(st.integers(0, 600_000), st.integers(252_990, 253_010)))
    currency = draw(st.sampled_from(["GBP", "GBP", "GBP", "EUR"]))
    amount = draw(st.one_of(st.none(), st.just(Money(Decimal(pence).scaleb(-2), currency))))
    held = draw(st.one_of(st.none(), st.integers(0, 60), st.integers(26, 30)))
    anchor = applied or date(2026, 11, 25)
    evidence = draw(
        st.one_of(st.none(), st.integers(-3, 40).map(lambda n: anchor - timedelta(days=n)))
    )
    return Funds(amount, held, evidence)


@st.composite
def documents(draw: st.DrawFn, applied: date | None) -> tuple[HeldDocument, ...] | None:
    """Documents issued around six months before applying, or none, or not known."""
    if draw(st.integers(0, 4)) == 0:
        return None
    anchor = applied or date(2026, 11, 25)
    kinds = st.sampled_from(list(DocumentKind))
    issued = st.one_of(
        st.integers(-10, 400).map(lambda n: anchor - timedelta(days=n)),
        st.integers(-2, 2).map(lambda n: _six_months_before(anchor) + timedelta(days=n)),
    )
    held = draw(st.lists(st.builds(HeldDocument, kinds, issued), max_size=4))
    return tuple(held)


def _six_months_before(day: date) -> date:
    month = day.month - 6
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError(day)


#: The declarations the EU-UK schemes ask, and one no scheme asks.
DECLARATION_IDS = ["travel-document", "sickness-insurance", "sufficient-means", "not-asked"]


@st.composite
def declarations(draw: st.DrawFn) -> dict[str, bool] | None:
    """Answers to some declarations, yes or no; unanswered ones are not known."""
    if draw(st.integers(0, 3)) == 0:
        return None
    answers = draw(st.dictionaries(st.sampled_from(DECLARATION_IDS), st.booleans(), max_size=4))
    # Often all yes, so that rows reach "eligible" through the declarations too.
    if draw(st.booleans()):
        answers = dict.fromkeys(DECLARATION_IDS[:3], True) | answers
    return answers


@st.composite
def applicants(draw: st.DrawFn, nationalities: list[str], hosts: list[str]) -> Applicant:
    """Any applicant: every fact may be missing, and known facts cluster at rule boundaries."""
    applied = draw(st.one_of(application_dates, application_dates, st.none()))
    anchor = applied or date(2026, 11, 25)
    birth = draw(
        st.one_of(
            near(anchor, years=EDGE_AGES, days=1),
            near(anchor, years=EDGE_AGES, days=1),
            st.dates(EARLIEST, LATEST),
            leap_day_births,
            st.none(),
        )
    )
    valid_from = draw(
        st.one_of(st.none(), st.integers(-5, 400).map(lambda n: anchor + timedelta(days=n)))
    )
    invitation = draw(st.sampled_from(["held", "none", "unknown"]))
    return Applicant(
        nationality=draw(st.sampled_from([*nationalities, None])),
        host=draw(st.sampled_from([*hosts, None, None])),
        date_of_birth=birth,
        application_date=applied,
        valid_from=valid_from,
        application_type=draw(st.sampled_from(list(ApplicationType))),
        funds=draw(funds(applied)),
        children_under_18=draw(tri_state),
        previous_participation=draw(tri_state),
        has_invitation={"held": True, "none": False, "unknown": None}[invitation],
        invitation_ref="ITA-123" if invitation == "held" else None,
        qualification_rqf_level=draw(st.one_of(st.none(), st.integers(0, 8))),
        documents=draw(documents(applied)),
        in_host_country=draw(tri_state),
        last_permission_on_scheme=draw(tri_state),
        previous_extension=draw(tri_state),
        declarations=draw(declarations()),
    )
