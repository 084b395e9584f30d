"""The chance of an invitation: exact at the boundaries, in IEC bands, the queue after the draw."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.ballot.domain.chances import (
    AcceptanceHistory,
    Band,
    Chance,
    Progress,
    Prospect,
    allocation_series,
    band,
    expected_invitations,
    first_round,
    prospect,
    whole_percent,
    with_later_rounds,
)

counts = st.integers(min_value=0, max_value=10_000_000)
positive = st.integers(min_value=1, max_value=10_000_000)
rates = st.fractions(min_value=0, max_value=1, max_denominator=10_000)
open_rates = rates.filter(lambda rate: 0 < rate < 1)
chances = st.fractions(min_value=0, max_value=1, max_denominator=100_000)


# --- the first round -------------------------------------------------------------------------


@given(places=counts, entries=positive)
def test_the_first_round_is_places_over_entries_at_most_one(places: int, entries: int) -> None:
    chance = first_round(places, entries).value
    assert chance == min(Fraction(1), Fraction(places, entries))
    assert 0 <= chance <= 1


@given(places=counts)
def test_with_no_entries_the_first_to_enter_would_be_invited(places: int) -> None:
    assert first_round(places, 0).value == 1
    assert with_later_rounds(places, 0, Fraction(1, 2)).value == 1


@given(entries=positive, extra=counts)
def test_places_for_everyone_is_certain(entries: int, extra: int) -> None:
    places = entries + extra
    assert first_round(places, entries).certain
    assert first_round(places, entries).band is Band.CERTAIN


# --- later rounds ----------------------------------------------------------------------------


@given(places=counts, entries=positive, rate=rates)
def test_later_rounds_never_lower_the_chance_and_never_pass_one(
    places: int, entries: int, rate: Fraction
) -> None:
    first = first_round(places, entries).value
    later = with_later_rounds(places, entries, rate).value
    assert first <= later <= 1


@given(places=counts, entries=positive, rate=open_rates)
def test_expected_invitations_are_places_over_the_rate_capped_at_entries(
    places: int, entries: int, rate: Fraction
) -> None:
    expected = expected_invitations(places, entries, rate)
    assert expected == min(Fraction(entries), Fraction(places) / rate)
    assert with_later_rounds(places, entries, rate).value == expected / entries


@given(places=counts, entries=positive)
def test_when_everyone_accepts_later_rounds_add_nothing(places: int, entries: int) -> None:
    assert with_later_rounds(places, entries, Fraction(1)) == first_round(places, entries)
    assert expected_invitations(places, entries, Fraction(1)) == min(places, entries)


@given(places=counts, entries=positive)
def test_when_no_one_accepts_everyone_is_invited_in_the_end(places: int, entries: int) -> None:
    assert expected_invitations(places, entries, Fraction(0)) == entries
    assert with_later_rounds(places, entries, Fraction(0)).certain


@given(places=counts, entries=positive, low=rates, high=rates)
def test_a_lower_acceptance_rate_never_lowers_the_chance(
    places: int, entries: int, low: Fraction, high: Fraction
) -> None:
    low, high = min(low, high), max(low, high)
    assert (
        with_later_rounds(places, entries, low).value
        >= with_later_rounds(places, entries, high).value
    )


@given(places=counts, entries=positive, more=positive, rate=rates)
def test_more_entries_never_raise_the_chance(
    places: int, entries: int, more: int, rate: Fraction
) -> None:
    assert first_round(places, entries + more).value <= first_round(places, entries).value
    assert (
        with_later_rounds(places, entries + more, rate).value
        <= with_later_rounds(places, entries, rate).value
    )


def test_a_worked_example() -> None:
    # 40,000 entries for 1,000 places (India's WHM ballot); 4 in 5 accept.
    assert first_round(1_000, 40_000).value == Fraction(1, 40)
    assert expected_invitations(1_000, 40_000, Fraction(4, 5)) == 1_250
    later = with_later_rounds(1_000, 40_000, Fraction(4, 5))
    assert later.value == Fraction(1, 32)
    assert (later.percent, later.band, later.one_in) == (3, Band.VERY_LOW, 32)
    # Whichever says it nearer: a third is "1 in 3", but 40 % is "4 in 10", not "1 in 3".
    assert (Chance(Fraction(1, 3)).one_in, Chance(Fraction(1, 3)).in_ten) == (3, None)
    assert (Chance(Fraction(1, 4)).one_in, Chance(Fraction(1, 4)).in_ten) == (4, None)
    assert (Chance(Fraction(2, 5)).one_in, Chance(Fraction(2, 5)).in_ten) == (None, 4)
    assert (Chance(Fraction(1, 2)).one_in, Chance(Fraction(1, 2)).in_ten) == (2, None)
    assert Chance(Fraction(999, 1000)).in_ten == 9


def test_counts_and_rates_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        first_round(-1, 10)
    with pytest.raises(ValueError, match="between 0 and 1"):
        with_later_rounds(10, 100, Fraction(3, 2))
    with pytest.raises(ValueError, match="between 0 and 1"):
        with_later_rounds(10, 0, Fraction(-1, 2))


# --- bands and numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (99, Band.EXCELLENT),
        (80, Band.EXCELLENT),
        (79, Band.VERY_GOOD),
        (60, Band.VERY_GOOD),
        (59, Band.FAIR),
        (40, Band.FAIR),
        (39, Band.LOW),
        (20, Band.LOW),
        (19, Band.VERY_LOW),
        (1, Band.VERY_LOW),
    ],
)
def test_iec_bands_at_their_edges(percent: int, expected: Band) -> None:
    assert band(Fraction(percent, 100)) is expected
    # Just under a band's floor is the band below (the percentage is rounded down).
    if percent in {80, 60, 40, 20}:
        assert band(Fraction(percent, 100) - Fraction(1, 10**9)) is not expected


def test_the_two_ends_iec_does_not_name() -> None:
    assert band(Fraction(1)) is Band.CERTAIN
    assert band(Fraction(999_999, 1_000_000)) is Band.EXCELLENT  # 99.9999 % is not certain
    assert band(Fraction(1, 1_000)) is Band.VERY_LOW  # under 1 %: still a chance
    assert Chance(Fraction(1, 1_000)).below_one_percent
    assert not Chance(Fraction(1, 100)).below_one_percent
    assert band(Fraction(0)) is Band.NONE


@given(chance=chances)
def test_the_percentage_is_rounded_down_and_agrees_with_the_band(chance: Fraction) -> None:
    percent = whole_percent(chance)
    assert percent <= chance * 100 < percent + 1
    named = band(chance)
    assert (named is Band.CERTAIN) == (chance == 1)
    assert (named is Band.NONE) == (chance == 0)
    if 0 < chance < 1:
        floors = {Band.EXCELLENT: 80, Band.VERY_GOOD: 60, Band.FAIR: 40, Band.LOW: 20}
        ceilings = {Band.EXCELLENT: 99, Band.VERY_GOOD: 79, Band.FAIR: 59, Band.LOW: 39}
        assert floors.get(named, 0) <= percent <= ceilings.get(named, 19)


@given(chance=chances)
def test_one_in_k_or_k_in_ten_whichever_is_nearer_and_never_both(chance: Fraction) -> None:
    said = Chance(chance)
    if chance in {0, 1}:
        assert (said.one_in, said.in_ten) == (None, None)
        return
    assert (said.one_in is None) != (said.in_ten is None)
    # Halves round up, as the page says them (Python's round() would go to even).
    k = math.floor(1 / chance + Fraction(1, 2)) if chance <= Fraction(1, 2) else None
    tenths = min(9, math.floor(chance * 10 + Fraction(1, 2)))
    if said.one_in is not None:
        assert chance <= Fraction(1, 2)
        assert said.one_in >= 2
        assert abs(1 / chance - said.one_in) <= Fraction(1, 2)
        assert abs(Fraction(1, said.one_in) - chance) <= abs(Fraction(tenths, 10) - chance) or (
            tenths == 0
        )
    else:
        assert said.in_ten is not None
        assert 1 <= said.in_ten <= 9
        assert abs(chance * 10 - said.in_ten) <= Fraction(1, 2) or said.in_ten == 9
        if k is not None:
            assert abs(Fraction(said.in_ten, 10) - chance) < abs(Fraction(1, k) - chance)


def test_acceptance_history() -> None:
    assert AcceptanceHistory().rate is None
    history = AcceptanceHistory(accepted=6, declined=3, expired=1, windows=2)
    assert history.answered == 10
    assert history.rate == Fraction(3, 5)
    assert AcceptanceHistory(declined=4).rate == 0


def test_an_allocation_series_drops_its_year() -> None:
    assert allocation_series("hong-kong-2025", 2025) == "hong-kong"
    assert allocation_series("eu-into-uk", 2026) == "eu-into-uk"


# --- after the draw --------------------------------------------------------------------------


@st.composite
def progresses(draw: st.DrawFn) -> Progress:
    entries = draw(st.integers(min_value=1, max_value=100_000))
    places = draw(st.integers(min_value=1, max_value=entries + 10))
    reached = draw(st.integers(min_value=0, max_value=entries))
    accepted = draw(st.integers(min_value=0, max_value=min(reached, places)))
    unanswered = draw(
        st.integers(min_value=0, max_value=min(reached - accepted, places - accepted))
    )
    return Progress(places, entries, reached, accepted, unanswered)


@given(progress=progresses(), rate=rates)
def test_the_expected_reach_is_between_how_far_invitations_went_and_the_last_entry(
    progress: Progress, rate: Fraction
) -> None:
    reach = progress.expected_reach(rate)
    assert reach is not None
    assert progress.reached <= reach <= progress.entries
    if not progress.places_taken:
        assert reach >= progress.next_reach


@given(places=positive, entries=positive, rate=rates)
def test_before_any_invitation_the_reach_is_the_expected_invitations(
    places: int, entries: int, rate: Fraction
) -> None:
    progress = Progress(places, entries, reached=0, accepted=0, unanswered=0)
    assert progress.expected_reach(rate) == expected_invitations(places, entries, rate)
    assert progress.next_reach == min(places, entries)


def test_the_reach_counts_unanswered_invitations_at_the_rate() -> None:
    # 10 places; 12 invited: 6 accepted, 2 declined, 4 unanswered; half accept.
    progress = Progress(places=10, entries=100, reached=12, accepted=6, unanswered=4)
    # 4 unanswered fill 2 places; 2 more places need 4 invitations: 12 + 8 - 4 = 16.
    assert progress.expected_reach(Fraction(1, 2)) == 16
    assert progress.free == 0
    assert progress.next_reach == 12
    assert progress.expected_reach(None) is None
    assert progress.expected_reach(Fraction(0)) == 100


def test_no_more_rounds_once_every_place_is_accepted() -> None:
    progress = Progress(places=3, entries=10, reached=5, accepted=3, unanswered=0)
    assert progress.expected_reach(Fraction(1, 10)) == 5
    assert prospect(4, progress, Fraction(1, 10)) is Prospect.INVITED
    assert prospect(6, progress, Fraction(1, 10)) is Prospect.PLACES_TAKEN


@given(progress=progresses(), rate=st.none() | rates, data=st.data())
def test_prospects_follow_the_order(
    progress: Progress, rate: Fraction | None, data: st.DataObject
) -> None:
    position = data.draw(st.integers(min_value=1, max_value=progress.entries))
    said = prospect(position, progress, rate)
    if position <= progress.reached:
        assert said is Prospect.INVITED
    elif progress.places_taken:
        assert said is Prospect.PLACES_TAKEN
    elif position <= progress.next_reach:
        assert said is Prospect.NEXT_ROUND
    elif rate is None:
        assert said is Prospect.UNKNOWN
    else:
        assert said in {Prospect.LIKELY, Prospect.UNLIKELY}
    # Further down the list is never more hopeful.
    later = data.draw(st.integers(min_value=position, max_value=progress.entries))
    hope = [
        Prospect.INVITED,
        Prospect.NEXT_ROUND,
        Prospect.LIKELY,
        Prospect.UNKNOWN,
        Prospect.UNLIKELY,
        Prospect.PLACES_TAKEN,
    ]
    assert hope.index(prospect(later, progress, rate)) >= hope.index(said)


def test_before_the_first_round_the_first_places_are_sure() -> None:
    progress = Progress(places=2, entries=10, reached=0, accepted=0, unanswered=0)
    assert prospect(2, progress, None) is Prospect.NEXT_ROUND
    assert prospect(3, progress, None) is Prospect.UNKNOWN
    assert prospect(3, progress, Fraction(1, 2)) is Prospect.LIKELY  # reach 2 / 0.5 = 4
    assert prospect(4, progress, Fraction(1, 2)) is Prospect.LIKELY
    assert prospect(5, progress, Fraction(1, 2)) is Prospect.UNLIKELY


def test_positions_and_progress_out_of_range_are_refused() -> None:
    progress = Progress(places=2, entries=10, reached=0, accepted=0, unanswered=0)
    with pytest.raises(ValueError, match="between 1 and"):
        prospect(0, progress, None)
    with pytest.raises(ValueError, match="between 1 and"):
        prospect(11, progress, None)
    with pytest.raises(ValueError, match="past the last entry"):
        Progress(places=2, entries=10, reached=11, accepted=0, unanswered=0)
