"""Screening against a watchlist: blocked, scored with date of birth and nationality, explained."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.applications.domain.screening.matcher import (
    THRESHOLD,
    Applicant,
    DobAgreement,
    ListedPerson,
    NationalityAgreement,
    Watchlist,
    _WordTable,
    dob_agreement,
    name_score,
    nationality_agreement,
    token_similarity,
)

LISTED = Watchlist(
    (
        ListedPerson("SYN-1", ("Aleksandr Shcherbakov", "Александр Щербаков"), "1984-03-07", "RU"),
        ListedPerson("SYN-2", ("Muhammad al-Rashid",), "1990", "SY"),
        ListedPerson("SYN-3", ("Zhang Xiaoping",), "1979-11-02", None),
        ListedPerson("SYN-4", ("José García López",), "1970-01-01", "ES"),
        ListedPerson("SYN-5", ("Anna Müller",), "1991-05-20", "DE"),
    )
)


def ids(applicant: Applicant) -> list[str]:
    return [hit.entry_id for hit in LISTED.screen(applicant)]


@pytest.mark.parametrize(
    ("given_names", "family_name", "born", "nationality", "entry"),
    [
        ("Alexandre", "Chtcherbakov", date(1984, 3, 7), "RU", "SYN-1"),  # French
        ("Oleksandr", "Shcherbakov", date(1984, 3, 7), "UA", "SYN-1"),  # Ukrainian form
        ("Aleksandr", "Schtscherbakow", date(1984, 7, 3), "RU", "SYN-1"),  # German; day/month
        ("Shcherbakov", "Aleksandr", date(1984, 3, 7), "RU", "SYN-1"),  # swapped
        ("Александр", "Щербаков", date(1984, 3, 7), "RU", "SYN-1"),  # own script
        ("Mohammed", "el-Rasheed", date(1990, 6, 1), "SY", "SYN-2"),
        ("Mohamed", "Alrashid", date(1990, 6, 1), "SY", "SYN-2"),
        ("Hsiao-p'ing", "Chang", date(1979, 11, 2), "CN", "SYN-3"),  # Wade-Giles
        ("Xiao Ping", "Zhang", date(1979, 11, 2), "CN", "SYN-3"),
        ("Jose", "Garcia", date(1970, 1, 1), "ES", "SYN-4"),  # second surname left out
        ("José", "García-López", date(1970, 1, 1), "ES", "SYN-4"),
        ("Anna", "Mueller", date(1991, 5, 20), "DE", "SYN-5"),
        ("Anna", "Muler", date(1991, 5, 20), "AT", "SYN-5"),  # a typo, another nationality
    ],
)
def test_a_true_variant_is_found(
    given_names: str, family_name: str, born: date, nationality: str, entry: str
) -> None:
    assert ids(Applicant(given_names, family_name, born, nationality)) == [entry]


def test_an_unrelated_name_is_not_even_scored() -> None:
    assert LISTED.candidates("Kim Lee") == []
    assert ids(Applicant("Kim", "Lee", date(1984, 3, 7), "RU")) == []


def test_only_names_sharing_a_blocking_key_are_candidates() -> None:
    found = LISTED.candidates("Alexander Sherbakov")
    assert [(person.id, name) for person, name, _keys in found] == [
        ("SYN-1", "Aleksandr Shcherbakov"),
        ("SYN-1", "Александр Щербаков"),
    ]
    assert all(keys for _person, _name, keys in found)


def test_a_namesake_born_in_another_year_is_not_a_hit() -> None:
    assert ids(Applicant("Anna", "Müller", date(1995, 5, 20), "DE")) == []


def test_a_hit_says_why_it_matched() -> None:
    [hit] = LISTED.screen(Applicant("Alexandre", "Chtcherbakov", date(1984, 3, 7), "RU"))
    assert hit.entry_id == "SYN-1"
    assert hit.listed_name in {"Aleksandr Shcherbakov", "Александр Щербаков"}
    assert hit.dob is DobAgreement.EXACT
    assert hit.nationality is NationalityAgreement.SAME
    assert hit.score == pytest.approx(hit.name_score + 0.10 + 0.03)
    assert hit.score >= THRESHOLD
    pairs = {(t.applicant, t.listed): t.how for t in hit.tokens}
    assert pairs == {("alexandre", "aleksandr"): "sound", ("chtcherbakov", "shcherbakov"): "sound"}
    assert hit.unmatched == ()
    assert hit.keys  # the blocking keys the names share
    shown = json.loads(json.dumps(hit.as_json()))
    assert shown["entry_id"] == "SYN-1"
    assert shown["dob"] == "exact"
    assert shown["listed_dob"] == "1984-03-07"
    assert shown["nationality"] == "same"
    assert {t["listed"] for t in shown["tokens"]} == {"aleksandr", "shcherbakov"}


def test_a_left_out_surname_is_named_in_the_explanation() -> None:
    [hit] = LISTED.screen(Applicant("Jose", "Garcia", date(1970, 1, 1), "ES"))
    assert hit.unmatched == ("lopez",)
    assert hit.dob is DobAgreement.EXACT


@pytest.mark.parametrize(
    ("applicant", "listed", "agreement"),
    [
        (date(1984, 3, 7), "1984-03-07", DobAgreement.EXACT),
        (date(1984, 7, 3), "1984-03-07", DobAgreement.TRANSPOSED),
        (date(1984, 9, 9), "1984", DobAgreement.YEAR),
        (date(1985, 9, 9), "1984", DobAgreement.DIFFERENT),
        (date(1984, 3, 8), "1984-03-07", DobAgreement.NEAR),
        (date(1985, 3, 7), "1984-03-07", DobAgreement.DIFFERENT),
        (date(1984, 3, 7), None, DobAgreement.UNKNOWN),
        (None, "1984-03-07", DobAgreement.UNKNOWN),
    ],
)
def test_dates_of_birth_are_compared(
    applicant: date | None, listed: str | None, agreement: DobAgreement
) -> None:
    assert dob_agreement(applicant, listed) is agreement


def test_nationalities_are_compared() -> None:
    assert nationality_agreement("ru", "RU") is NationalityAgreement.SAME
    assert nationality_agreement("UA", "RU") is NationalityAgreement.DIFFERENT
    assert nationality_agreement(None, "RU") is NationalityAgreement.UNKNOWN
    assert nationality_agreement("RU", None) is NationalityAgreement.UNKNOWN


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("anna", "anna", (1.0, "same")),
        ("j", "john", (0.85, "initial")),  # an initial stands for any name it starts
        ("john", "j", (0.85, "initial")),
        ("m", "john", (0.0, "initial")),
        ("alrashid", "rashid", (0.97, "same")),  # the article run into the word
        ("rashid", "elrashid", (0.97, "same")),
        ("zhang", "chang", (0.95, "sound")),
    ],
)
def test_words_are_compared_by_spelling_sound_and_initial(
    left: str, right: str, expected: tuple[float, str]
) -> None:
    assert token_similarity(left, right) == expected


def test_a_typo_is_compared_by_spelling() -> None:
    similarity, how = token_similarity("shcherbakov", "shcherbakiv")
    assert how == "spelling"
    assert 0.9 < similarity < 1.0


def test_a_name_without_letters_meets_no_one() -> None:
    assert LISTED.screen(Applicant("!!", "--", date(1984, 3, 7), "RU")) == []


def test_an_initial_and_a_surname_can_be_a_hit() -> None:
    assert ids(Applicant("A", "Müller", date(1991, 5, 20), "DE")) == ["SYN-5"]


# --- properties ----------------------------------------------------------------------------------

NAMES = st.sampled_from(
    ["Anna", "Marie", "Jonas", "Pedro", "Lucia", "Tomas", "Elena", "Stefan", "Oscar", "Ines"]
)
FAMILIES = st.sampled_from(
    ["Novak", "Horvat", "Lindqvist", "Moreau", "Kowalczyk", "Ferreira", "Janssen", "Rossi"]
)
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}


def accented(word: str, marks: list[bool]) -> str:
    return "".join(ACCENTED.get(c, c) if marks[i % len(marks)] else c for i, c in enumerate(word))


@given(
    given_name=NAMES,
    family=FAMILIES,
    cases=st.lists(st.booleans(), min_size=1, max_size=12),
    marks=st.lists(st.booleans(), min_size=1, max_size=12),
    swap=st.booleans(),
)
def test_case_diacritics_and_order_never_lose_an_exact_dob_and_nationality_match(
    given_name: str, family: str, cases: list[bool], marks: list[bool], swap: bool
) -> None:
    listed = Watchlist((ListedPerson("SYN-9", (f"{given_name} {family}",), "1988-02-14", "PT"),))
    written = [
        "".join(
            c.upper() if cases[i % len(cases)] else c.lower()
            for i, c in enumerate(accented(word, marks))
        )
        for word in (given_name, family)
    ]
    if swap:
        written.reverse()
    hits = listed.screen(Applicant(written[0], written[1], date(1988, 2, 14), "PT"))
    assert [hit.entry_id for hit in hits] == ["SYN-9"]
    assert hits[0].name_score == pytest.approx(1.0)


@given(given_name=NAMES, family=FAMILIES, other_year=st.integers(1950, 1980))
def test_a_namesake_with_another_year_of_birth_is_never_a_hit(
    given_name: str, family: str, other_year: int
) -> None:
    listed = Watchlist((ListedPerson("SYN-9", (f"{given_name} {family}",), "1988-02-14", "PT"),))
    assert listed.screen(Applicant(given_name, family, date(other_year, 2, 14), "PT")) == []


WORDS = st.lists(
    st.sampled_from(
        ["anna", "anne", "j", "muller", "mueller", "rashid", "alrashid", "zhang", "li"]
    ),
    min_size=1,
    max_size=4,
)


@given(applicant=WORDS, listed=st.lists(WORDS, min_size=1, max_size=5))
def test_the_word_scores_of_many_candidates_at_once_are_the_explained_ones(
    applicant: list[str], listed: list[list[str]]
) -> None:
    table = _WordTable([tuple(words) for words in listed])
    at_once = table.scores(applicant, list(range(len(listed))))
    one_by_one = [name_score(applicant, words)[0] for words in listed]
    assert list(at_once) == pytest.approx(one_by_one)
