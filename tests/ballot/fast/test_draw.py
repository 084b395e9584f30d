"""The bulk draw gives exactly the reference draw's answer, ties included."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.ballot.domain import draw
from yms.ballot.domain.refs import new_entry_ref
from yms.ballot.fast import draw as bulk_draw
from yms.ballot.fast import refs as refcol
from yms.ballot.fast import sha256

OPERATOR_SEED = bytes(range(32))
BEACON = b"\xbe\xac\x04"

free_refs = st.from_regex(r"\A[A-Za-z0-9._:-]{1,20}\Z")
canonical_refs = st.builds(
    lambda n: new_entry_ref(lambda _: n.to_bytes(8, "big")), st.integers(0, 2**64 - 1)
)
any_refs = st.one_of(free_refs, canonical_refs, canonical_refs.map(str.lower))


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


@given(st.sets(any_refs, min_size=1, max_size=60))
def test_mixed_refs_agree(refs: set[str]) -> None:
    check_agreement(list(refs))


def test_a_larger_canonical_set_agrees() -> None:
    source = random.Random(7)  # noqa: S311 - test data
    check_agreement(list({new_entry_ref(source.randbytes) for _ in range(20_000)}))


def test_a_larger_mixed_set_agrees() -> None:
    source = random.Random(11)  # noqa: S311 - test data
    canonical = {new_entry_ref(source.randbytes) for _ in range(10_000)}
    symbols = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-"
    free = {"".join(source.choices(symbols, k=source.randint(1, 64))) for _ in range(10_000)}
    lowered = {ref.lower() for ref in list(canonical)[:1_000]}
    check_agreement(list(canonical | free | lowered | {"short", "x:y", "Z" * 64, "0"}))


def masked(bits: int) -> Callable[[bytes, refcol.RefArray], npt.NDArray[np.uint64]]:
    """The real rank prefixes cut to their top `bits` bits: honest, but full of ties."""
    real = bulk_draw.rank_prefixes

    def prefixes(seed: bytes, refs: refcol.RefArray) -> npt.NDArray[np.uint64]:
        if bits == 0:
            return np.zeros(len(refs), dtype=np.uint64)
        shift = np.uint64(64 - bits)
        return (real(seed, refs) >> shift) << shift

    return prefixes


@pytest.mark.parametrize("bits", [0, 1, 4, 10, 16])
def test_ties_in_the_top_bits_are_settled_by_the_full_rank(
    monkeypatch: pytest.MonkeyPatch, bits: int
) -> None:
    # Every rank keeps only its top `bits` bits for the packed sort: runs of ties (one
    # run of all of them at 0 bits, pairs and singles at 16) that only the full 256-bit
    # rank can order.
    monkeypatch.setattr(bulk_draw, "rank_prefixes", masked(bits))
    refs = [f"REF-{n:05d}" for n in range(3_000)]
    check_agreement(refs)
    source = random.Random(bits)  # noqa: S311 - test data
    check_agreement(list({new_entry_ref(source.randbytes) for _ in range(2_000)}))


def test_ties_in_the_whole_rank_fall_back_to_the_ref(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 256-bit collision will never be seen; pretend one is, on both sides.
    monkeypatch.setattr(bulk_draw, "rank_prefixes", masked(0))
    monkeypatch.setattr(bulk_draw, "_full_rank", lambda _seed, _ref: 1)
    monkeypatch.setattr(draw, "rank", lambda _seed, _ref: 1)
    refs = ["b", "C", "a", "B", "0000-0000-0001"]
    check_agreement(refs)
    assert reference_order(refs)[1] == sorted(refs)


def test_ties_at_both_ends_and_side_by_side() -> None:
    # Runs of equal keys at the start, in the middle (adjacent runs) and at the end.
    refs = refcol.sort_unique(refcol.from_strings([f"R{n:02d}" for n in range(12)]))
    seed = bytes(32)
    positions = np.arange(12, dtype=np.int64)
    keys = np.array([0, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 5], dtype=np.uint64)
    bulk_draw._settle_ties(seed, refs, positions, keys)
    strings = refcol.to_strings(refs)
    rank = {ref: draw.rank(seed, ref) for ref in strings}
    runs = [range(3), range(3, 4), range(4, 6), range(6, 8), range(8, 9), range(9, 12)]
    for run in runs:
        got = [strings[p] for p in positions[run.start : run.stop]]
        assert got == sorted(strings[run.start : run.stop], key=rank.__getitem__)


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


def test_no_openssl_means_hashlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YMS_DRAW_ENGINE", raising=False)
    monkeypatch.setattr(sha256.ctypes.util, "find_library", lambda _name: None)
    sha256._kernel.cache_clear()
    try:
        assert sha256.engine() == "hashlib"
        refs = refcol.from_strings(["A", "K7QX-M2RD-9TPA"])
        got = sha256.prefixes(bytes(32), refcol.matrix(refs), refcol.lengths(refs))
        assert got.tolist() == [
            int.from_bytes(hashlib.sha256(bytes(32) + r).digest()[:8], "big") for r in refs.tolist()
        ]
    finally:
        sha256._kernel.cache_clear()


def test_the_whole_draw_agrees_with_either_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    source = random.Random(3)  # noqa: S311 - test data
    refs = [new_entry_ref(source.randbytes) for _ in range(500)] + ["odd", "x.y"]
    monkeypatch.setenv("YMS_DRAW_ENGINE", "reference")
    sha256._kernel.cache_clear()
    try:
        assert sha256.engine() == "hashlib"
        check_agreement(refs)
    finally:
        sha256._kernel.cache_clear()


def test_no_rows_to_hash() -> None:
    empty = np.zeros((0, 14), dtype=np.uint8)
    assert len(sha256.prefixes(bytes(32), empty, np.zeros(0, dtype=np.int64))) == 0
