"""Single and column evaluation give the same answer for every applicant."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.eligibility.strategies import DECLARATION_IDS, applicants
from yms.eligibility.domain import ApplicantColumns, check, check_columns
from yms.eligibility.domain.applicant import Applicant, Funds, HeldDocument
from yms.kernel.money import Money
from yms.schemes.catalogue import shipped
from yms.schemes.domain.documents import DocumentKind
from yms.schemes.domain.scheme import Scheme

OUTSIDERS = ["US", "FR", "BR", "GB-BNO", "DE"]


def _tables(scheme: Scheme) -> st.SearchStrategy[list[Applicant]]:
    nationalities = [*sorted(scheme.parties), *OUTSIDERS]
    hosts = [*sorted({a.host for a in scheme.arrangements}), "FR", "US"]
    return st.lists(applicants(nationalities, hosts), min_size=5, max_size=60)


def _assert_agree(scheme: Scheme, table: list[Applicant]) -> None:
    columns = check_columns(scheme, ApplicantColumns.from_applicants(table))
    assert len(columns) == len(table)
    for index, one in enumerate(table):
        single = check(scheme, one)
        arrangement, eligible, outcomes = columns.row(index)
        assert arrangement == single.arrangement, one
        assert outcomes == {r.id: r.outcome for r in single.requirements}, one
        assert eligible is single.eligible, one


@pytest.mark.parametrize("scheme_id", ["uk-yms", "eu-uk-2024", "eu-uk-yes"])
def test_single_and_column_evaluation_agree(scheme_id: str) -> None:
    scheme = shipped().latest(scheme_id)

    @given(_tables(scheme))
    def agree(table: list[Applicant]) -> None:
        _assert_agree(scheme, table)

    agree()


def test_an_empty_table_gives_an_empty_result(uk_yms: Scheme) -> None:
    result = check_columns(uk_yms, ApplicantColumns.from_applicants([]))
    assert len(result) == 0
    assert result.counts() == {"eligible": 0, "not_eligible": 0, "not_known": 0}


def test_counts_add_up_to_the_rows(uk_yms: Scheme) -> None:
    table = [
        Applicant(nationality="AU"),
        Applicant(nationality="US"),
        Applicant(),
    ]
    result = check_columns(uk_yms, ApplicantColumns.from_applicants(table))
    assert result.counts() == {"eligible": 0, "not_eligible": 1, "not_known": 2}


def test_columns_of_unequal_length_are_refused(uk_yms: Scheme) -> None:
    columns = ApplicantColumns.from_applicants([Applicant(nationality="AU")] * 3)
    with pytest.raises(ValueError, match="rows"):
        ApplicantColumns(**{**_fields(columns), "date_of_birth": columns.date_of_birth[:2]})
    assert len(check_columns(uk_yms, columns)) == 3


def _fields(columns: ApplicantColumns) -> dict[str, object]:
    return {name: getattr(columns, name) for name in columns.__dataclass_fields__}


def _boundary_grid(scheme: Scheme) -> list[Applicant]:
    """Every nationality at every edge the rules draw: one day either side of each limit."""
    applied = date(2026, 8, 31)
    six_months = date(2026, 2, 28)
    table = []
    for nationality in sorted(scheme.parties):
        for years, days in itertools.product((17, 18, 30, 31, 35, 36), (-1, 0, 1)):
            birth = date(applied.year - years, applied.month, applied.day) + timedelta(days=days)
            for pence, held, age_of_evidence, issued_shift, level in itertools.product(
                (252_999, 253_000), (27, 28), (31, 32), (-1, 0), (5, 6)
            ):
                table.append(
                    Applicant(
                        nationality=nationality,
                        date_of_birth=birth,
                        application_date=applied,
                        funds=Funds(
                            Money(Decimal(pence).scaleb(-2), "GBP"),
                            held,
                            applied - timedelta(days=age_of_evidence),
                        ),
                        qualification_rqf_level=level,
                        documents=tuple(
                            HeldDocument(kind, six_months + timedelta(days=issued_shift))
                            for kind in DocumentKind
                        ),
                        has_invitation=True,
                        children_under_18=False,
                        previous_participation=False,
                        declarations=dict.fromkeys(DECLARATION_IDS, level == 6),
                    )
                )
    return table


@pytest.mark.parametrize("scheme_id", ["uk-yms", "eu-uk-2024", "eu-uk-yes"])
def test_single_and_column_evaluation_agree_on_every_boundary(scheme_id: str) -> None:
    scheme = shipped().latest(scheme_id)
    _assert_agree(scheme, _boundary_grid(scheme))
