"""Share codes: made without bias from random bytes, shown in threes, read back as typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.status.domain.share_codes import (
    ALPHABET,
    CODE_LENGTH,
    LOOK_ALIKES,
    InvalidShareCodeError,
    Purpose,
    ShareCode,
    make_share_code,
    parse_share_code,
)

codes = st.builds(
    ShareCode,
    st.sampled_from(Purpose),
    st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH),
)


def test_the_alphabet_has_no_look_alikes_and_no_repeats() -> None:
    assert not set(ALPHABET) & LOOK_ALIKES
    assert len(set(ALPHABET)) == len(ALPHABET) == 25
    assert set(ALPHABET) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") - LOOK_ALIKES


def test_a_code_is_shown_in_groups_of_three() -> None:
    assert str(ShareCode(Purpose.WORK, "3H4C6KPX")) == "W3H 4C6 KPX"


@given(codes)
def test_formatting_and_parsing_round_trip(code: ShareCode) -> None:
    assert parse_share_code(str(code)) == code
    assert parse_share_code(code.compact.lower()) == code
    assert parse_share_code("-".join(str(code).split())) == code
    assert parse_share_code(f"  {code.compact[:4]}  {code.compact[4:]} ") == code


@given(st.binary(min_size=64, max_size=64), st.sampled_from(Purpose))
def test_a_made_code_never_has_a_look_alike(randomness: bytes, purpose: Purpose) -> None:
    chunks = iter([randomness[i : i + CODE_LENGTH] for i in range(0, 64, CODE_LENGTH)])
    code = make_share_code(purpose, lambda _n: next(chunks, bytes(range(CODE_LENGTH))))
    assert not set(code.characters) & LOOK_ALIKES
    assert code.compact[0] == purpose.value
    assert parse_share_code(str(code)) == code


def test_bytes_past_the_last_whole_alphabet_are_thrown_away() -> None:
    # 250..255 would favour the first 6 characters if taken modulo 25.
    chunks = iter([bytes([250, 251, 252, 253, 254, 255, 0, 24]), bytes(range(25, 33))])
    code = make_share_code(Purpose.RENT, lambda _n: next(chunks))
    assert code.characters == ALPHABET[0] + ALPHABET[24] + ALPHABET[0:6]


def test_every_character_comes_from_as_many_byte_values() -> None:
    counts = dict.fromkeys(ALPHABET, 0)
    for byte in range(256 - 256 % len(ALPHABET)):
        code = make_share_code(Purpose.OTHER, lambda n, b=byte: bytes([b]) * n)
        counts[code.characters[0]] += 1
    assert set(counts.values()) == {10}


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "W3H 4C6 KP",
        "W3H 4C6 KPXY",
        "X3H 4C6 KPX",
        "W0H 4C6 KPX",
        "WOH 4C6 KPX",
        "W1H 4C6 KPX",
        "WLH 4C6 KPX",
        "W5H 4C6 KPX",
        "WZH 4C6 KPX",
        "W8H 4C6 KPX",
        "WBH 4C6 KPX",
        "W3H_4C6_KPX",
        "W\uff13H 4C6 KPX",  # a full-width 3
    ],
)
def test_what_is_not_a_code_is_refused(typed: str) -> None:
    with pytest.raises(InvalidShareCodeError):
        parse_share_code(typed)


@given(st.text(max_size=20))
def test_parsing_anything_gives_a_code_or_refuses(typed: str) -> None:
    try:
        code = parse_share_code(typed)
    except InvalidShareCodeError:
        return
    assert not set(code.compact[1:]) & LOOK_ALIKES
