"""Screening a name against a watchlist: block, score, explain.

A name is scored only against the listed names that share a *blocking key*
with it (the first sounds of one of its words), found in an index built once.
Each candidate gets a name score from 0 to 1 (its words paired one to one,
in any order, each pair scored by Jaro-Winkler on the spelling or on the sound
key; or the whole name run together, for "Xiaoping" and "Hsiao-p'ing"), then
the date of birth and the nationality move it up or down. A candidate at or
over the threshold is a *hit*, with every reason it matched as plain data.

A hit is never a finding: it tells a caseworker whom to compare the applicant
with, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from yms.applications.domain.screening.names import skeleton, tokens

# Chosen on the tuning pairs (seed 2) as the highest threshold that keeps recall at
# or over 0.975 (a listed person missed costs more than a caseworker's look), then
# checked on the held-out pairs (seed 3), which played no part in choosing it:
# benchmarks/screening.py prints both.
THRESHOLD = 0.88
FLOOR = 0.75  # below this name score no date of birth makes a candidate

_KEY_LENGTH = 3
# The whole name's sound key run together (Levenshtein) counts a little less than
# word by word: it is how "Xiaoping" meets "Hsiao-p'ing", but it knows no words.
_RUN_TOGETHER = 0.95


class DobAgreement(StrEnum):
    """How the applicant's date of birth compares with the listed one."""

    EXACT = "exact"
    TRANSPOSED = "transposed"  # day and month swapped (03/04 read as 04/03)
    YEAR = "year"  # the list gives only a year, and it is the same
    NEAR = "near"  # same year, day or month differs: perhaps a slip
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # either side has none


class NationalityAgreement(StrEnum):
    """How the applicant's nationality compares with the listed one."""

    SAME = "same"
    DIFFERENT = "different"  # weighs little: dual nationality is common
    UNKNOWN = "unknown"


# What each agreement adds to the name score.
DOB_WEIGHT: Mapping[DobAgreement, float] = {
    DobAgreement.EXACT: 0.10,
    DobAgreement.TRANSPOSED: 0.07,
    DobAgreement.YEAR: 0.04,
    DobAgreement.NEAR: -0.03,
    DobAgreement.DIFFERENT: -0.30,
    DobAgreement.UNKNOWN: 0.0,
}
NATIONALITY_WEIGHT: Mapping[NationalityAgreement, float] = {
    NationalityAgreement.SAME: 0.03,
    NationalityAgreement.DIFFERENT: -0.05,
    NationalityAgreement.UNKNOWN: 0.0,
}
_MOST = max(DOB_WEIGHT.values()) + max(NATIONALITY_WEIGHT.values())


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """One entry of a watchlist: its names (the first is primary), and what else is known.

    `date_of_birth` is "YYYY-MM-DD", "YYYY" when only the year is known, or None;
    `nationality` an ISO 3166 alpha-2 code or None.
    """

    id: str
    names: tuple[str, ...]
    date_of_birth: str | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class Applicant:
    """The person screened: their names as written, and what the application says."""

    given_names: str
    family_name: str
    date_of_birth: date | None = None
    nationality: str | None = None

    @property
    def name(self) -> str:
        """The whole name, given names first."""
        return f"{self.given_names} {self.family_name}".strip()

    def family_first(self) -> str:
        """The whole name, family name first (as Chinese and Hungarian names are written)."""
        return f"{self.family_name} {self.given_names}".strip()


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """Two words paired between the names, and how alike they are."""

    applicant: str
    listed: str
    similarity: float
    how: str  # "same", "sound" (same sound key), "spelling" (close letters)


@dataclass(frozen=True, slots=True)
class Hit:
    """A listed person the applicant may be, and every reason why."""

    entry_id: str
    listed_name: str
    score: float
    name_score: float
    how: str  # "words" (paired word by word) or "joined" (whole name run together)
    tokens: tuple[TokenMatch, ...]
    unmatched: tuple[str, ...]  # the words on either side left without a partner
    dob: DobAgreement
    listed_dob: str | None
    nationality: NationalityAgreement
    listed_nationality: str | None
    keys: tuple[str, ...]  # the blocking keys the two names share

    def as_json(self) -> dict[str, object]:
        """The hit as plain data for a page or an API (JSON-safe)."""
        return {
            "entry_id": self.entry_id,
            "listed_name": self.listed_name,
            "score": round(self.score, 3),
            "name_score": round(self.name_score, 3),
            "how": self.how,
            "tokens": [
                {
                    "applicant": t.applicant,
                    "listed": t.listed,
                    "similarity": round(t.similarity, 3),
                    "how": t.how,
                }
                for t in self.tokens
            ],
            "unmatched": list(self.unmatched),
            "dob": self.dob.value,
            "listed_dob": self.listed_dob,
            "nationality": self.nationality.value,
            "listed_nationality": self.listed_nationality,
            "keys": list(self.keys),
        }


@dataclass(frozen=True, slots=True)
class _Prepared:
    entry: int
    name: str
    words: tuple[str, ...]
    sounds: tuple[str, ...]
    joined: str  # the sound key of the whole name run together
    keys: frozenset[str]


def _prepare(entry: int, name: str) -> _Prepared:
    words = tokens(name)
    sounds = tuple(skeleton(word) for word in words)
    return _Prepared(entry, name, words, sounds, skeleton("".join(words)), _keys(words, sounds))


def _keys(words: Sequence[str], sounds: Sequence[str]) -> frozenset[str]:
    """Blocking keys: the start of each word's sound key, with and without its first letter.

    Any one word spelt close enough is enough to be compared, so a slip in the
    family name is caught by the given name and the other way round.
    """
    keys = {f"w:{sound[:_KEY_LENGTH]}" for sound in sounds if sound}
    # The same without the first letter, where systems disagree most ("Jusupov", "Iousoupov").
    keys.update(f"t:{sound[1 : _KEY_LENGTH + 1]}" for sound in sounds if len(sound) >= _KEY_LENGTH)
    keys.update(f"w:{skeleton(word)[:_KEY_LENGTH]}" for word in _without_article(words))
    return frozenset(keys)


def _without_article(words: Iterable[str]) -> list[str]:
    # "Alrashid" written as one word still meets "Rashid".
    return [_article_free(word) for word in words if _has_article(word)]


@dataclass(slots=True)
class Watchlist:
    """Listed people with an index on their names' blocking keys, built once."""

    people: tuple[ListedPerson, ...]
    _names: list[_Prepared] = field(init=False, repr=False)
    _index: dict[str, list[int]] = field(init=False, repr=False)
    _words: _WordTable = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._names = [
            _prepare(number, name)
            for number, person in enumerate(self.people)
            for name in person.names
        ]
        self._index = {}
        for position, prepared in enumerate(self._names):
            for key in prepared.keys:
                self._index.setdefault(key, []).append(position)
        self._words = _WordTable([prepared.words for prepared in self._names])

    def __len__(self) -> int:
        return len(self.people)

    def candidates(self, name: str) -> list[tuple[ListedPerson, str, tuple[str, ...]]]:
        """The listed names sharing a blocking key with `name`: (person, name, shared keys)."""
        prepared = _prepare(-1, name)
        return [
            (
                self.people[self._names[p].entry],
                self._names[p].name,
                tuple(sorted(prepared.keys & self._names[p].keys)),
            )
            for p in self._candidates(prepared)
        ]

    def _candidates(self, prepared: _Prepared) -> list[int]:
        positions = {p for key in prepared.keys for p in self._index.get(key, ())}
        return sorted(positions)

    def screen(self, applicant: Applicant, *, threshold: float = THRESHOLD) -> list[Hit]:
        """Every listed person scoring at least `threshold` against the applicant, best first.

        One hit per listed person (its best-scoring name). Only candidates sharing
        a blocking key are scored: their name scores all at once, then the date of
        birth and nationality, and an explanation, for those that may reach the threshold.
        """
        prepared = _prepare(-1, applicant.name)
        positions = self._candidates(prepared)
        if not positions:
            return []
        family_first = skeleton("".join(tokens(applicant.family_first())))
        by_words = self._words.scores(prepared.words, positions)
        joined = [self._names[p].joined for p in positions]
        run_together = _RUN_TOGETHER * np.max(
            cdist(
                [prepared.joined, family_first],
                joined,
                scorer=Levenshtein.normalized_similarity,
                dtype=np.float64,
            ),
            axis=0,
        )
        names = np.maximum(by_words, run_together)
        best: dict[int, Hit] = {}
        for at in np.flatnonzero((names >= FLOOR) & (names + _MOST >= threshold)):
            listed = self._names[positions[at]]
            person = self.people[listed.entry]
            dob = dob_agreement(applicant.date_of_birth, person.date_of_birth)
            nationality = nationality_agreement(applicant.nationality, person.nationality)
            score = float(names[at]) + DOB_WEIGHT[dob] + NATIONALITY_WEIGHT[nationality]
            kept = best.get(listed.entry)
            if score < threshold or (kept is not None and kept.score >= score):
                continue
            _, pairs, left_over = name_score(prepared.words, listed.words)
            best[listed.entry] = Hit(
                entry_id=person.id,
                listed_name=listed.name,
                score=score,
                name_score=float(names[at]),
                how="words" if by_words[at] >= run_together[at] else "joined",
                tokens=pairs,
                unmatched=left_over,
                dob=dob,
                listed_dob=person.date_of_birth,
                nationality=nationality,
                listed_nationality=person.nationality,
                keys=tuple(sorted(prepared.keys & listed.keys)),
            )
        return sorted(best.values(), key=lambda hit: (-hit.score, hit.entry_id))


class _WordTable:
    """Every listed name's words as numbers, to score many candidates at once.

    The score is `name_score`'s: words paired best first (ties to the earliest
    pair), each pair's similarity weighted by its letters, over all the letters.
    """

    def __init__(self, names: Sequence[tuple[str, ...]]) -> None:
        vocabulary: dict[str, int] = {}
        width = max((len(words) for words in names), default=1)
        self.ids = np.full((len(names), width), -1, dtype=np.int64)
        for row, words in enumerate(names):
            for column, word in enumerate(words):
                self.ids[row, column] = vocabulary.setdefault(word, len(vocabulary))
        self.words = list(vocabulary)
        self.lengths = np.array([len(word) for word in self.words] + [0], dtype=np.float64)
        self.letters = np.array([sum(map(len, words)) for words in names], dtype=np.float64)

    def scores(self, applicant: Sequence[str], positions: Sequence[int]) -> npt.NDArray[np.float64]:
        """The word score of the applicant's words against each listed name at `positions`."""
        ids = self.ids[positions]  # (candidates, width); -1 where a name has fewer words
        used = np.unique(ids[ids >= 0])
        table = np.array(
            [[_similarity(word, self.words[u]) for u in used] for word in applicant],
            dtype=np.float64,
        ).reshape(len(applicant), len(used))
        local = np.searchsorted(used, ids)
        padded = ids < 0
        similarity = np.where(
            padded[:, None, :], -1.0, table[:, np.minimum(local, len(used) - 1)].transpose(1, 0, 2)
        )  # (candidates, applicant words, width)
        listed_lengths = np.where(padded, 0.0, self.lengths[ids])
        applicant_lengths = np.array([len(word) for word in applicant], dtype=np.float64)
        count, rows, width = similarity.shape
        every = np.arange(count)
        total = np.zeros(count)
        for _ in range(min(rows, width)):
            flat = similarity.reshape(count, rows * width)
            best = flat.argmax(axis=1)  # the earliest of equal pairs
            value = flat[every, best]
            i, j = np.divmod(best, width)
            paired = value >= 0
            total += np.where(
                paired, value * (applicant_lengths[i] + listed_lengths[every, j]), 0.0
            )
            similarity[every, i, :] = -1.0
            similarity[every, :, j] = -1.0
        letters = applicant_lengths.sum() + self.letters[positions]
        scores: npt.NDArray[np.float64] = np.divide(
            total, letters, out=np.zeros(count), where=letters > 0
        )
        return scores


@lru_cache(maxsize=262144)
def token_similarity(left: str, right: str) -> tuple[float, str]:
    """How alike two normalised words are (0 to 1), and by what: same, sound or spelling."""
    if left == right:
        return 1.0, "same"
    if len(left) == 1 or len(right) == 1:  # an initial
        return (0.85 if left[0] == right[0] else 0.0), "initial"
    spelling = JaroWinkler.normalized_similarity(left, right)
    left_sound, right_sound = skeleton(left), skeleton(right)
    if left_sound == right_sound and len(left_sound) >= 2:  # noqa: PLR2004 - one letter says little
        sound = 0.95
    else:
        sound = 0.95 * JaroWinkler.normalized_similarity(left_sound, right_sound)
    for stripped_left, stripped_right in ((left, right), *_article_pairs(left, right)):
        if stripped_left == stripped_right:
            return 0.97, "same"
    if sound > spelling:
        return sound, "sound"
    return spelling, "spelling"


def _article_pairs(left: str, right: str) -> list[tuple[str, str]]:
    pairs = []
    if _has_article(left):
        pairs.append((_article_free(left), right))
    if _has_article(right):
        pairs.append((left, _article_free(right)))
    return pairs


def _has_article(word: str) -> bool:
    # "al" or "el" run into a word of at least four letters ("Alrashid", not "Alan").
    return len(word) > len("al") + 3 and word[:2] in {"al", "el"}


def _article_free(word: str) -> str:
    return word[2:]


def name_score(
    applicant: Sequence[str], listed: Sequence[str]
) -> tuple[float, tuple[TokenMatch, ...], tuple[str, ...]]:
    """Pair the words one to one, best pairs first, in any order; score by letters matched.

    A word left without a partner counts half against the score (a second
    surname or a middle name is often left out); returns the score, the pairs
    and the words left over.
    """
    scored = sorted(
        (
            (*token_similarity(a, b), i, j)
            for i, a in enumerate(applicant)
            for j, b in enumerate(listed)
        ),
        key=lambda row: (-row[0], row[2], row[3]),  # best first; on a tie, the earliest
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[TokenMatch] = []
    total = weight = 0.0
    for similarity, how, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append(TokenMatch(applicant[i], listed[j], similarity, how))
        size = (len(applicant[i]) + len(listed[j])) / 2
        total += similarity * size
        weight += size
    left_over = [w for i, w in enumerate(applicant) if i not in used_a]
    left_over += [w for j, w in enumerate(listed) if j not in used_b]
    weight += sum(len(word) for word in left_over) / 2
    score = total / weight if weight else 0.0
    return score, tuple(pairs), tuple(left_over)


@lru_cache(maxsize=262144)
def _similarity(left: str, right: str) -> float:
    return token_similarity(left, right)[0]


def dob_agreement(applicant: date | None, listed: str | None) -> DobAgreement:
    """Compare a date of birth with a listed one ("YYYY-MM-DD", "YYYY" or none)."""
    if applicant is None or not listed:
        return DobAgreement.UNKNOWN
    if len(listed) == 4:  # noqa: PLR2004 - a year alone
        return DobAgreement.YEAR if int(listed) == applicant.year else DobAgreement.DIFFERENT
    on_list = date.fromisoformat(listed)
    if on_list == applicant:
        return DobAgreement.EXACT
    if on_list.year != applicant.year:
        return DobAgreement.DIFFERENT
    if (on_list.month, on_list.day) == (applicant.day, applicant.month):
        return DobAgreement.TRANSPOSED
    return DobAgreement.NEAR


def nationality_agreement(applicant: str | None, listed: str | None) -> NationalityAgreement:
    """Compare two ISO 3166 alpha-2 codes, either of which may be missing."""
    if not applicant or not listed:
        return NationalityAgreement.UNKNOWN
    if applicant.upper() == listed.upper():
        return NationalityAgreement.SAME
    return NationalityAgreement.DIFFERENT
