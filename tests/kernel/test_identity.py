"""The identity behind one entry per person: passport numbers and the keyed hash."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest

from yms.kernel.identity import Identity, InvalidPassportNumberError, normalise_passport_number

KEY = b"k" * 32


@pytest.mark.parametrize(
    "typed", ["k1234567", "K 1234 567", "K-1234-567", " K1234567 ", "k\t1234567\n", "K--1234 - 567"]
)
def test_passport_numbers_are_normalised(typed: str) -> None:
    assert Identity.of(typed, "HK", date(2000, 1, 1)).passport_number == "K1234567"
    assert normalise_passport_number(typed) == "K1234567"


@pytest.mark.parametrize("typed", ["A1234", "A" * 20, "12345", "a-b-c-d-e"])
def test_five_to_twenty_letters_and_digits(typed: str) -> None:
    assert len(normalise_passport_number(typed)) in range(5, 21)


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "K12", "A123", "K1234567!", "K" * 21, "K123_4567", "K1234.567", "\u041a1234567"],
)  # the last: a Cyrillic Ka
def test_impossible_passport_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidPassportNumberError, match="5 to 20 letters and digits"):
        Identity.of(typed, "HK", date(2000, 1, 1))


def test_the_keyed_hash_tells_people_apart_and_needs_the_key() -> None:
    person = Identity.of("K1234567", "HK", date(2000, 1, 1))
    same = Identity.of("k-1234 567", "HK", date(2000, 1, 1))
    others = [
        Identity.of("K1234568", "HK", date(2000, 1, 1)),
        Identity.of("K1234567", "TW", date(2000, 1, 1)),
        Identity.of("K1234567", "HK", date(2000, 1, 2)),
        Identity.of("K1234567", "HK", date(2001, 1, 1)),
    ]
    assert same == person
    assert person.keyed_hash(KEY) == same.keyed_hash(KEY)
    assert len(person.keyed_hash(KEY)) == 32
    hashes = {other.keyed_hash(KEY) for other in others}
    assert len(hashes) == len(others)
    assert person.keyed_hash(KEY) not in hashes
    assert person.keyed_hash(b"another key") != person.keyed_hash(KEY)


def test_the_keyed_hash_separates_its_parts() -> None:
    # The parts are joined with "|", so one part cannot leak into the next.
    a = Identity("AB12345", "HK", date(2000, 1, 1))
    b = Identity("B12345", "HKA", date(2000, 1, 1))
    assert a.keyed_hash(KEY) != b.keyed_hash(KEY)


def test_the_keyed_hash_is_hmac_sha256_of_the_normal_form() -> None:
    person = Identity.of("k 1234567", "HK", date(2000, 1, 31))
    expected = hmac.new(KEY, b"HK|K1234567|2000-01-31", hashlib.sha256).digest()
    assert person.keyed_hash(KEY) == expected


@pytest.mark.parametrize("typed", ["K1234\ufb00", "\u0131K12345"])
def test_letters_that_upper_case_into_ascii_are_refused(typed: str) -> None:
    with pytest.raises(InvalidPassportNumberError):
        normalise_passport_number(typed)
