"""The reference draw, on vectors worked out by hand with hashlib."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.ballot.domain import draw

SEED = bytes.fromhex("00" * 31 + "01")
BEACON = bytes.fromhex("abcd")


def test_a_three_ref_vector() -> None:
    refs = ["C", "A", "B"]
    digest = hashlib.sha256(b"A\nB\nC").digest()
    seed = hashlib.sha256(SEED + BEACON + digest).digest()
    ranks = {ref: hashlib.sha256(seed + ref.encode()).digest() for ref in refs}
    result = draw.run_draw(refs, operator_seed=SEED, beacon=BEACON)
    assert result.entries_digest == digest
    assert result.draw_seed == seed
    assert list(result.order) == sorted(refs, key=lambda ref: ranks[ref])
    assert draw.seed_commitment(SEED) == hashlib.sha256(SEED).hexdigest()


def test_a_canonical_ref_vector_step_by_step() -> None:
    refs = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "ABCD-EFGH-JKMN"]
    joined = b"0000-0000-0001\nABCD-EFGH-JKMN\nK7QX-M2RD-9TPA\nZZZZ-ZZZZ-ZZZZ"
    digest = hashlib.sha256(joined).digest()
    assert draw.entries_digest(refs) == digest
    assert draw.entries_digest(reversed(refs)) == digest  # the input order does not matter
    seed = hashlib.sha256(SEED + BEACON + digest).digest()
    assert draw.draw_seed(SEED, BEACON, digest) == seed
    for ref in refs:
        expected = int(hashlib.sha256(seed + ref.encode("ascii")).hexdigest(), 16)
        assert draw.rank(seed, ref) == expected
    by_hand = sorted(refs, key=lambda ref: hashlib.sha256(seed + ref.encode()).digest())
    assert draw.order(seed, refs) == by_hand


def test_the_commitment_is_of_the_raw_seed_bytes() -> None:
    assert draw.seed_commitment(b"") == hashlib.sha256(b"").hexdigest()
    assert draw.seed_commitment(bytes.fromhex("ff00")) == hashlib.sha256(b"\xff\x00").hexdigest()
    assert draw.seed_commitment(b"\x00\x01") != draw.seed_commitment(b"\x00\x02")


def test_the_seed_is_the_plain_concatenation() -> None:
    # operator_seed || beacon || digest: moving a byte across the boundary changes nothing.
    digest = b"\x07" * 32
    assert draw.draw_seed(b"\x01\x02", b"\x03", digest) == draw.draw_seed(
        b"\x01", b"\x02\x03", digest
    )


def test_equal_ranks_fall_back_to_the_ref(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draw, "rank", lambda _seed, _ref: 7)
    assert draw.order(b"", ["b", "c", "a"]) == ["a", "b", "c"]


@given(st.sets(st.from_regex(r"\A[A-Za-z0-9._:-]{1,12}\Z"), min_size=1, max_size=30))
def test_the_order_is_a_permutation_and_depends_on_every_input(refs: set[str]) -> None:
    entries = list(refs)
    result = draw.run_draw(entries, operator_seed=SEED, beacon=BEACON)
    assert sorted(result.order) == sorted(entries)
    assert draw.run_draw(entries[::-1], operator_seed=SEED, beacon=BEACON) == result
    assert draw.run_draw(entries, operator_seed=SEED, beacon=b"\xab") != result
    assert draw.run_draw(entries, operator_seed=b"\x02", beacon=BEACON) != result
