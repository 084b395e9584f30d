r"""The chance of an invitation: odds while a window is open, a place in the queue after the draw.

Counts in, exact fractions out; no I/O (`yms.ballot.services.chances` reads the
counts with SQL aggregates). With P places, N entries so far, and a the share of
other ballots' invitations that were accepted (accepted ÷ accepted, declined or
expired; unanswered ones still running are left out):

    first_round(P, N)              = 1                    if N = 0
                                   = min(1, P / N)        otherwise
    expected_invitations(P, N, a)  = N                    if a = 0
                                   = min(N, P / a)        otherwise
    with_later_rounds(P, N, a)     = 1                                   if N = 0
                                   = expected_invitations(P, N, a) / N   otherwise
                                   ( = min(1, P / (a * N)) for a > 0 )

Why P / a: places left by declined or expired invitations are offered to the next
entries in the same order (DESIGN.md, "The draw"), so invitations go on until P
are accepted. If each is accepted with chance a, that takes P / a invitations on
average (the mean of a negative binomial), and never more than every entry.

The boundaries are exact, not limits of floats:
- no entries: 1 (no one to share the places with; the first to enter would be invited);
- P >= N: 1, in the first round and after it;
- a = 1: later rounds add nothing, the same as the first round;
- a = 0: no one accepts, so every entry is invited in the end: 1;
- no history (no answered invitation in another ballot): a is unknown, and only
  the first-round figure is given (`with_later_rounds` is not called).

After the draw the order fixes who is invited next. With R the last position
invited so far (0 before the first round), A accepted, I issued and not yet
answered, the next round invites up to `min(N, R + max(0, P - A - I))` (the
places free now), and the invitations are expected to reach

    expected_reach = R                                        if A >= P (no more rounds)
                   = N                                        if a = 0
                   = min(N, max(R, R + (P - A) / a - I))      otherwise

(each unanswered invitation fills a place with chance a, and each further one
too, until P are accepted). Before any invitation, R = A = I = 0, this is
`expected_invitations`.

Bands are the ones International Experience Canada publishes (reference policy,
section 4): Excellent 80-99 %, Very good 60-79 %, Fair 40-59 %, Low 20-39 %,
Very low 1-19 %. IEC never publishes 100 % or under 1 %; here exactly 100 % is
"Certain", anything above 0 and under 1 % stays "Very low" (it is still a
chance, and the number says "less than 1 %"), and exactly 0 is "None". The
percentage is rounded down, never up, so a chance is never overstated and
"Certain" is only ever said of a certainty.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from yms.kernel.text import N_

ONE = Fraction(1)
ZERO = Fraction(0)


class Band(StrEnum):
    """How good a chance is, in words (IEC's bands, with the two ends named)."""

    CERTAIN = "certain"  # exactly 100 %
    EXCELLENT = "excellent"  # 80-99 %
    VERY_GOOD = "very-good"  # 60-79 %
    FAIR = "fair"  # 40-59 %
    LOW = "low"  # 20-39 %
    VERY_LOW = "very-low"  # 1-19 %, and above 0 but under 1 %
    NONE = "none"  # exactly 0


BAND_LABELS = {
    Band.CERTAIN: N_("Certain"),
    Band.EXCELLENT: N_("Excellent"),
    Band.VERY_GOOD: N_("Very good"),
    Band.FAIR: N_("Fair"),
    Band.LOW: N_("Low"),
    Band.VERY_LOW: N_("Very low"),
    Band.NONE: N_("None"),
}
# The lowest whole percentage of each IEC band, highest first.
_BAND_FLOORS = (
    (80, Band.EXCELLENT),
    (60, Band.VERY_GOOD),
    (40, Band.FAIR),
    (20, Band.LOW),
)


def _check_counts(places: int, entries: int) -> None:
    if places < 0 or entries < 0:
        raise ValueError("places and entries are counts: not negative")


def _check_rate(rate: Fraction) -> None:
    if not ZERO <= rate <= ONE:
        raise ValueError("an acceptance rate is between 0 and 1")


def whole_percent(chance: Fraction) -> int:
    """The chance as a whole percentage, rounded down (99.9 % is 99, never 100)."""
    return (chance.numerator * 100) // chance.denominator


def band(chance: Fraction) -> Band:
    """The band a chance falls in (see the module's notes for 100 % and under 1 %)."""
    if chance >= ONE:
        return Band.CERTAIN
    if chance <= ZERO:
        return Band.NONE
    percent = whole_percent(chance)
    for floor, named in _BAND_FLOORS:
        if percent >= floor:
            return named
    return Band.VERY_LOW


@dataclass(frozen=True, slots=True)
class Chance:
    """A chance between 0 and 1, exact, with the ways a page says it."""

    value: Fraction

    @property
    def percent(self) -> int:
        """Whole percent, rounded down."""
        return whole_percent(self.value)

    @property
    def below_one_percent(self) -> bool:
        """Above 0 but under 1 %: shown as "less than 1 %", not as 0."""
        return ZERO < self.value < Fraction(1, 100)

    @property
    def band(self) -> Band:
        """The IEC band."""
        return band(self.value)

    @property
    def certain(self) -> bool:
        """Exactly 1: everyone is (or will be) invited."""
        return self.value >= ONE

    def _nearest_one_in(self) -> int:
        # round(1 / value) with halves up, in integers: floor(q / p + 1 / 2).
        p, q = self.value.numerator, self.value.denominator
        return (2 * q + p) // (2 * p)

    def _nearest_in_ten(self) -> int:
        # round(10 * value) with halves up: floor(10 p / q + 1 / 2).
        p, q = self.value.numerator, self.value.denominator
        return (20 * p + q) // (2 * q)

    @property
    def one_in(self) -> int | None:
        """K in "about 1 in K", for a chance of a half or less that this says best.

        "1 in K" (K the nearest whole number) is used unless "K in 10" is nearer the
        chance: 1/3 is "1 in 3", but 40 % is "4 in 10", not "1 in 3" (halves round up).
        """
        if not ZERO < self.value <= Fraction(1, 2):
            return None
        k, tenths = self._nearest_one_in(), self._nearest_in_ten()
        if tenths and abs(Fraction(tenths, 10) - self.value) < abs(Fraction(1, k) - self.value):
            return None
        return k

    @property
    def in_ten(self) -> int | None:
        """K in "about K in 10" (1 to 9), where "1 in K" does not say it better, below 1."""
        if not ZERO < self.value < ONE or self.one_in is not None:
            return None
        return min(9, self._nearest_in_ten())  # 9.5 in 10 and over is still not everyone


def first_round(places: int, entries: int) -> Chance:
    """``min(1, places / entries)``, and 1 with no entries: the chance in round 1."""
    _check_counts(places, entries)
    if entries == 0:
        return Chance(ONE)
    return Chance(min(ONE, Fraction(places, entries)))


def expected_invitations(places: int, entries: int, rate: Fraction) -> Fraction:
    """``min(entries, places / rate)``, and every entry when no one accepts (rate 0)."""
    _check_counts(places, entries)
    _check_rate(rate)
    if rate == ZERO:
        return Fraction(entries)
    return min(Fraction(entries), Fraction(places) / rate)


def with_later_rounds(places: int, entries: int, rate: Fraction) -> Chance:
    """``expected_invitations / entries`` (1 with no entries): the chance after every round."""
    if entries == 0:
        _check_counts(places, entries)
        _check_rate(rate)
        return Chance(ONE)
    return Chance(expected_invitations(places, entries, rate) / entries)


@dataclass(frozen=True, slots=True)
class AcceptanceHistory:
    """How other ballots' invitations ended: the basis of the acceptance rate."""

    accepted: int = 0
    declined: int = 0
    expired: int = 0
    windows: int = 0  # the windows these came from

    @property
    def answered(self) -> int:
        """Invitations that have ended: accepted, declined or expired."""
        return self.accepted + self.declined + self.expired

    @property
    def rate(self) -> Fraction | None:
        """The share accepted: accepted / answered; `None` with nothing to go by."""
        if self.answered == 0:
            return None
        return Fraction(self.accepted, self.answered)


def allocation_series(allocation_id: str, year: int) -> str:
    """The allocation's name without its year: "hong-kong-2025" is in series "hong-kong".

    Shipped schemes name a year's allocation `<series>-<year>`; one named otherwise
    is a series of its own.
    """
    return allocation_id.removesuffix(f"-{year}")


# --- after the draw --------------------------------------------------------------------------


class Prospect(StrEnum):
    """Whether invitations will reach a place in the order, in plain words."""

    INVITED = "invited"  # they already have
    NEXT_ROUND = "next-round"  # within the places free now (before any round: the first)
    LIKELY = "likely"  # within how far later rounds are expected to reach
    UNLIKELY = "unlikely"  # beyond it
    UNKNOWN = "unknown"  # beyond the free places, with no other ballots to judge by
    PLACES_TAKEN = "places-taken"  # every place accepted: no more invitations


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a drawn window's invitations have gone."""

    places: int
    entries: int
    reached: int  # the last position (1-based) invited so far; 0 before the first round
    accepted: int
    unanswered: int  # issued, neither answered nor past their expiry

    def __post_init__(self) -> None:
        counts = (self.places, self.entries, self.reached, self.accepted, self.unanswered)
        if min(counts) < 0:
            raise ValueError("progress is counted: not negative")
        if self.reached > self.entries:
            raise ValueError("invitations cannot reach past the last entry")

    @property
    def places_taken(self) -> bool:
        """Every place accepted: no further round."""
        return self.accepted >= self.places

    @property
    def free(self) -> int:
        """Places neither accepted nor held by an unanswered invitation."""
        return max(0, self.places - self.accepted - self.unanswered)

    @property
    def next_reach(self) -> int:
        """How far the next round would reach: `min(N, R + free)`."""
        return min(self.entries, self.reached + self.free)

    def expected_reach(self, rate: Fraction | None) -> Fraction | None:
        """How far invitations are expected to reach in the end (module notes); `None` unknown."""
        if self.places_taken or self.reached >= self.entries:
            return Fraction(self.reached)
        if rate is None:
            return None
        _check_rate(rate)
        if rate == ZERO:
            return Fraction(self.entries)
        further = Fraction(self.places - self.accepted) / rate - self.unanswered
        return min(Fraction(self.entries), max(Fraction(self.reached), self.reached + further))


def prospect(position: int, progress: Progress, rate: Fraction | None) -> Prospect:
    """Whether invitations will reach `position` (1-based) in the drawn order."""
    if not 1 <= position <= progress.entries:
        raise ValueError("a position is between 1 and the number of entries")
    if position <= progress.reached:
        return Prospect.INVITED
    if progress.places_taken:
        return Prospect.PLACES_TAKEN
    if position <= progress.next_reach:
        return Prospect.NEXT_ROUND
    expected = progress.expected_reach(rate)
    if expected is None:
        return Prospect.UNKNOWN
    return Prospect.LIKELY if position <= expected else Prospect.UNLIKELY
