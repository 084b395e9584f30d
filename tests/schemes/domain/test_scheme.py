"""Scheme data rules that are not about one applicant: fees over time, quota fallback."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from yms.schemes.domain.scheme import AllocationFallback, Scheme, split_arrangement_id

FALLBACK = AllocationFallback(
    carry_over_below=1000, minimum=1000, fraction=Decimal("0.5"), rule="1.A"
)


@given(st.integers(1, 10_000_000))
def test_fallback_keeps_small_quotas_and_halves_large_ones_to_at_least_1000(previous: int) -> None:
    places = FALLBACK.places(previous)
    if previous < 1000:
        assert places == previous
    else:
        assert places == max(1000, previous // 2)
        assert 1000 <= places <= previous


def test_arrangement_ids_split_back() -> None:
    assert split_arrangement_id("AU-GB") == ("AU", "GB")
    assert split_arrangement_id("GB-BNO-GB") == ("GB-BNO", "GB")
    assert split_arrangement_id("GB-IE") == ("GB", "IE")


def test_scheme_lookups(uk_yms: Scheme) -> None:
    assert uk_yms.hosts_for("AU") == ("GB",)
    assert uk_yms.hosts_for("FR") == ()
    assert uk_yms.arrangement("FR-GB") is None
    australia = uk_yms.allocation_for("AU-GB", 2025)
    assert australia is not None
    assert australia.places == 42000
    assert uk_yms.allocation_for("AU-GB", 2030) is None
    assert uk_yms.in_force_on(date(2026, 11, 25))
    assert not uk_yms.in_force_on(date(2025, 11, 24))
    assert uk_yms.party_name("KR") == "Republic of Korea"
    assert uk_yms.key == "uk-yms@2025-11-25"


def test_a_place_reads_as_english_writes_it_after_in(uk_yms: Scheme) -> None:
    assert uk_yms.party_place("GB") == "the United Kingdom"
    assert uk_yms.party_place("KR") == "the Republic of Korea"
    assert uk_yms.party_place("JP") == "Japan"
