"""Public references: entry, invitation and draw refs, written and typed."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.ballot.domain.refs import (
    ALPHABET,
    DRAW_REF,
    ENTRY_REF,
    INVITATION_REF,
    new_entry_ref,
    new_invitation_ref,
    normalise_ref,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fixed(number: int) -> bytes:
    return (number << 4).to_bytes(8, "big")


# --- references ----------------------------------------------------------------------------


def test_the_alphabet_is_crockfords_in_ascii_order() -> None:
    assert ALPHABET == CROCKFORD
    assert len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert list(ALPHABET) == sorted(ALPHABET)


def test_references_spell_sixty_bits() -> None:
    assert new_entry_ref(lambda _: fixed(0)) == "0000-0000-0000"
    assert new_entry_ref(lambda _: fixed(2**60 - 1)) == "ZZZZ-ZZZZ-ZZZZ"
    assert new_entry_ref(lambda _: fixed(33)) == "0000-0000-0011"
    assert new_entry_ref(lambda _: fixed(32**4)) == "0000-0001-0000"
    invitation = new_invitation_ref(lambda _: fixed(31))
    assert invitation == "ITA-0000-0000-000Z"
    assert INVITATION_REF.match(invitation)


def test_a_reference_takes_eight_random_bytes_and_keeps_the_top_sixty_bits() -> None:
    asked: list[int] = []

    def source(count: int) -> bytes:
        asked.append(count)
        return b"\xff" * 7 + b"\xf0"

    assert new_entry_ref(source) == "ZZZZ-ZZZZ-ZZZZ"
    assert new_entry_ref(lambda _: b"\x00" * 7 + b"\x0f") == "0000-0000-0000"
    assert asked == [8]


@given(st.integers(0, 2**60 - 1), st.integers(0, 2**60 - 1))
def test_text_order_is_number_order(a: int, b: int) -> None:
    ref_a, ref_b = new_entry_ref(lambda _: fixed(a)), new_entry_ref(lambda _: fixed(b))
    assert ENTRY_REF.match(ref_a)
    assert (ref_a < ref_b) == (a < b)
    assert (ref_a == ref_b) == (a == b)


def test_seeded_references_are_reproducible_and_well_formed() -> None:
    refs = [new_entry_ref(random.Random(5).randbytes) for _ in range(2)]  # noqa: S311
    assert refs[0] == refs[1]
    source = random.Random(5)  # noqa: S311 - test data
    refs = [new_entry_ref(source.randbytes) for _ in range(2_000)]
    assert len(set(refs)) == len(refs)
    assert all(ENTRY_REF.match(ref) and DRAW_REF.match(ref) for ref in refs)
    assert all(set(ref) <= {*CROCKFORD, "-"} for ref in refs)


@pytest.mark.parametrize(
    "text",
    [
        "K7QX-M2RD-9TPA",
        "0000-0000-0000",
        "ZZZZ-ZZZZ-ZZZZ",
    ],
)
def test_entry_ref_form(text: str) -> None:
    assert ENTRY_REF.match(text)
    assert not INVITATION_REF.match(text)
    assert INVITATION_REF.match("ITA-" + text)


@pytest.mark.parametrize(
    "text",
    [
        "k7qx-m2rd-9tpa",  # lower case is normalised first, never matched
        "K7QXM2RD9TPA",
        "K7QX-M2RD-9TP",
        "K7QX-M2RD-9TPAA",
        "K7Q-XM2RD-9TPA",
        "K7QX M2RD 9TPA",
        "I7QX-M2RD-9TPA",  # I, L, O and U are not symbols
        "L7QX-M2RD-9TPA",
        "O7QX-M2RD-9TPA",
        "U7QX-M2RD-9TPA",
        " K7QX-M2RD-9TPA",
        "ITA-K7QX-M2RD-9TPA",
    ],
)
def test_not_entry_refs(text: str) -> None:
    assert not ENTRY_REF.match(text)


@pytest.mark.parametrize("text", ["A", "a", "0", "x.y:z-1_2", "Z" * 64, "K7QX-M2RD-9TPA"])
def test_what_a_file_of_references_may_hold(text: str) -> None:
    assert DRAW_REF.match(text)


@pytest.mark.parametrize(
    "text", ["", "Z" * 65, "a b", "a\tb", 'a"b', "a\\b", "a/b", "a,b", "caf\u00e9", "a\nb"]
)
def test_what_a_file_of_references_may_not_hold(text: str) -> None:
    assert not DRAW_REF.match(text)


@pytest.mark.parametrize(
    "pattern", [DRAW_REF, ENTRY_REF, INVITATION_REF], ids=["draw", "entry", "ita"]
)
def test_no_pattern_matches_a_trailing_newline(pattern: object) -> None:
    text = "ITA-K7QX-M2RD-9TPA\n" if pattern is INVITATION_REF else "K7QX-M2RD-9TPA\n"
    assert not pattern.match(text)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("  ita-k7qx-m2rd 9tpa ", "ITA-K7QX-M2RD9TPA"),
        ("k7qx-m2rd-9tpa", "K7QX-M2RD-9TPA"),
        ("K7QX - M2RD - 9TPA", "K7QX-M2RD-9TPA"),
        ("\tk7qx-m2rd-9tpa\n", "K7QX-M2RD-9TPA"),
    ],
)
def test_a_typed_reference_is_normalised(typed: str, normal: str) -> None:
    assert normalise_ref(typed) == normal


@given(st.integers(0, 2**60 - 1))
def test_normalising_a_written_reference_changes_nothing(number: int) -> None:
    ref = new_entry_ref(lambda _: fixed(number))
    assert normalise_ref(ref) == ref
    assert normalise_ref(f"  {ref.lower()} ") == ref
