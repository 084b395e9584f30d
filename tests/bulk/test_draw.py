"""The bulk draw gives exactly the reference draw's answer, ties included."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.bulk import draw as bulk_draw
from yms.bulk import refs as refcol
from yms.bulk import sha256
from yms.domain.ballot import draw
from yms.domain.ballot.refs import new_entry_ref

OPERATOR_SEED = bytes(range(32))
BEACON = b"\xbe\xac\x04"

free_refs = st.from_regex(r"\A[A-Za-z0-9._:-]{1,20}\Z")
canonical_refs = st.builds(
    lambda n: new_entry_ref(lambda _: n.to_bytes(8, "big")), st.integers(0, 2**64 - 1)
)


def reference_order(refs: list[str]) -> tuple[draw.Draw, list[str]]:
    result = draw.run_draw(refs, operator_seed=OPERATOR_SEED, beacon=BEACON)
    return result, list(result.order)


def check_agreement(refs: list[str]) -> None:
    expected, order = reference_order(refs)
    bulk = bulk_draw.run_draw(refcol.from_strings(refs), operator_seed=OPERATOR_SEED, beacon=BEACON)
    assert bulk.entries_digest == expected.entries_digest
    assert bulk.draw_seed == expected.draw_seed
    assert refcol.to_strings(bulk.sorted_refs) == sorted(refs)
    assert refcol.to_strings(bulk.ordered_refs()) == order


@given(st.sets(free_refs, min_size=1, max_size=60))
def test_free_form_refs_agree(refs: set[str]) -> None:
    check_agreement(list(refs))


@given(st.sets(canonical_refs, min_size=1, max_size=60))
def test_canonical_refs_agree(refs: set[str]) -> None:
    check_agreement(list(refs))


def test_a_larger_mixed_set_agrees() -> None:
    source = random.Random(11)  # noqa: S311 - test data
    canonical = {new_entry_ref(source.randbytes) for _ in range(20_000)}
    check_agreement([*canonical, "short", "lower-case.ref", "x:y", "Z" * 64])


def test_ties_in_the_top_bits_are_settled_by_the_full_rank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pretend every rank starts with one of three 64-bit prefixes: long runs of ties
    # that only the full 256-bit rank (then the ref) can order.
    def few_prefixes(_seed: bytes, refs: refcol.RefArray) -> np.ndarray:
        return np.array([sum(r) % 3 for r in refs.tolist()], dtype=np.uint64)

    monkeypatch.setattr(bulk_draw, "rank_prefixes", few_prefixes)
    refs = [f"REF-{n:05d}" for n in range(3_000)]
    check_agreement(refs)


def test_repeated_refs_are_refused() -> None:
    with pytest.raises(refcol.RefsError, match="reference B appears more than once"):
        bulk_draw.run_draw(refcol.from_strings(["A", "B", "B"]), operator_seed=b"", beacon=b"")


def test_no_refs_at_all() -> None:
    assert len(bulk_draw.order_positions(b"\x00" * 32, refcol.from_strings([]))) == 0
    with pytest.raises(refcol.RefsError, match="no references"):
        refcol.sort_unique(refcol.from_strings([]))


@pytest.mark.parametrize("engine", ["openssl", "reference"])
def test_sha256_prefixes_match_hashlib(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    if engine == "reference":
        monkeypatch.setenv("YMS_DRAW_ENGINE", "reference")
    sha256._kernel.cache_clear()
    try:
        assert sha256.engine() == ("hashlib" if engine == "reference" else "openssl")
        refs = refcol.from_strings(["A", "BB", "CCC-DDD", "Z" * 64, "x.y:z"])
        seed = bytes(range(100, 132))
        got = sha256.prefixes(seed, refcol.matrix(refs), refcol.lengths(refs))
        expected = [
            int.from_bytes(hashlib.sha256(seed + r).digest()[:8], "big") for r in refs.tolist()
        ]
        assert got.tolist() == expected
    finally:
        sha256._kernel.cache_clear()


def test_the_prefix_must_be_a_draw_seed() -> None:
    refs = refcol.from_strings(["A"])
    with pytest.raises(ValueError, match="32-byte"):
        sha256.prefixes(b"short", refcol.matrix(refs), refcol.lengths(refs))
