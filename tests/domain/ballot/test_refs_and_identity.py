"""Public references and the identity behind one entry per person."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.domain.ballot.identity import Identity, InvalidPassportNumberError
from yms.domain.ballot.refs import (
    ALPHABET,
    ENTRY_REF,
    INVITATION_REF,
    new_entry_ref,
    new_invitation_ref,
    normalise_ref,
)

KEY = b"k" * 32


def fixed(number: int) -> bytes:
    return (number << 4).to_bytes(8, "big")


def test_the_alphabet_is_crockfords_in_ascii_order() -> None:
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert list(ALPHABET) == sorted(ALPHABET)


def test_references_spell_sixty_bits() -> None:
    assert new_entry_ref(lambda _: fixed(0)) == "0000-0000-0000"
    assert new_entry_ref(lambda _: fixed(2**60 - 1)) == "ZZZZ-ZZZZ-ZZZZ"
    assert new_entry_ref(lambda _: fixed(33)) == "0000-0000-0011"
    invitation = new_invitation_ref(lambda _: fixed(31))
    assert invitation == "ITA-0000-0000-000Z"
    assert INVITATION_REF.match(invitation)


@given(st.integers(0, 2**60 - 1), st.integers(0, 2**60 - 1))
def test_text_order_is_number_order(a: int, b: int) -> None:
    ref_a, ref_b = new_entry_ref(lambda _: fixed(a)), new_entry_ref(lambda _: fixed(b))
    assert ENTRY_REF.match(ref_a)
    assert (ref_a < ref_b) == (a < b)


def test_a_typed_reference_is_normalised() -> None:
    assert normalise_ref("  ita-k7qx-m2rd 9tpa ") == "ITA-K7QX-M2RD9TPA"


@pytest.mark.parametrize("typed", ["k1234567", "K 1234 567", "K-1234-567", " K1234567 "])
def test_passport_numbers_are_normalised(typed: str) -> None:
    assert Identity.of(typed, "HK", date(2000, 1, 1)).passport_number == "K1234567"


@pytest.mark.parametrize(
    "typed", ["", "K12", "K1234567!", "K" * 21, "\u041a1234567"]
)  # the last: a Cyrillic Ka
def test_impossible_passport_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidPassportNumberError):
        Identity.of(typed, "HK", date(2000, 1, 1))


def test_the_keyed_hash_tells_people_apart_and_needs_the_key() -> None:
    person = Identity.of("K1234567", "HK", date(2000, 1, 1))
    same = Identity.of("k-1234 567", "HK", date(2000, 1, 1))
    others = [
        Identity.of("K1234568", "HK", date(2000, 1, 1)),
        Identity.of("K1234567", "TW", date(2000, 1, 1)),
        Identity.of("K1234567", "HK", date(2000, 1, 2)),
    ]
    assert person.keyed_hash(KEY) == same.keyed_hash(KEY)
    assert len(person.keyed_hash(KEY)) == 32
    assert all(other.keyed_hash(KEY) != person.keyed_hash(KEY) for other in others)
    assert person.keyed_hash(b"another key") != person.keyed_hash(KEY)
