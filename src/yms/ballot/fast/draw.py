"""The draw of `yms.ballot.domain.draw`, for millions of references.

The same formula, computed in columns: references sorted as integers where they
are in the canonical form, SHA-256 through OpenSSL in parallel, and the order
found by sorting each rank's top bits packed with the row number (NumPy sorts
integers many times faster than it arg-sorts them). Rows whose top bits tie are
then put in exact order by their full 256-bit ranks and references.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from yms.ballot.domain import draw
from yms.ballot.fast import refs as refcol
from yms.ballot.fast.refs import RefArray
from yms.ballot.fast.sha256 import prefixes

Positions = npt.NDArray[np.int64]
_INDEX_BITS_LIMIT = 32


def entries_digest(sorted_refs: RefArray) -> bytes:
    r"""``sha256("\n".join(sorted(entry_refs)))`` of references already sorted."""
    return hashlib.sha256(refcol.joined(sorted_refs)).digest()


def rank_prefixes(seed: bytes, refs: RefArray) -> npt.NDArray[np.uint64]:
    """The top 64 bits of every reference's rank."""
    return prefixes(seed, refcol.matrix(refs), refcol.lengths(refs))


def _full_rank(seed: bytes, ref: bytes) -> int:
    return int.from_bytes(hashlib.sha256(seed + ref).digest(), "big")


def order_positions(seed: bytes, refs: RefArray) -> Positions:
    """Positions into `refs`, lowest rank first, as `draw.order` orders them."""
    count = len(refs)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    top = rank_prefixes(seed, refs)
    index_bits = max(1, (count - 1).bit_length())
    if index_bits <= _INDEX_BITS_LIMIT:
        shift = np.uint64(index_bits)
        packed = ((top >> shift) << shift) | np.arange(count, dtype=np.uint64)
        packed.sort()
        positions = (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
        keys = packed >> shift
    else:  # pragma: no cover - more than four billion entries
        positions = np.argsort(top, kind="stable").astype(np.int64)
        keys = top[positions]
    _settle_ties(seed, refs, positions, keys)
    return positions


def _settle_ties(
    seed: bytes, refs: RefArray, positions: Positions, keys: npt.NDArray[np.uint64]
) -> None:
    """Put runs of equal sort keys in exact (rank, reference) order, in place."""
    ties = np.flatnonzero(keys[1:] == keys[:-1])
    if not len(ties):
        return
    run_starts = ties[np.r_[True, ties[1:] != ties[:-1] + 1]]
    for start in run_starts.tolist():
        stop = start + 1
        while stop < len(keys) and keys[stop] == keys[start]:
            stop += 1
        run = positions[start:stop]
        members = [(int(p), refs[p]) for p in run.tolist()]
        members.sort(key=lambda member: (_full_rank(seed, member[1]), member[1]))
        positions[start:stop] = [p for p, _ in members]


@dataclass(frozen=True, slots=True)
class BulkDraw:
    """A draw over an array of references: sorted references, digest, seed and order."""

    sorted_refs: RefArray
    entries_digest: bytes
    draw_seed: bytes
    order: Positions  # positions into sorted_refs

    def ordered_refs(self) -> RefArray:
        """The references in drawn order."""
        return self.sorted_refs[self.order]


def run_draw(refs: RefArray, *, operator_seed: bytes, beacon: bytes) -> BulkDraw:
    """Run the draw; raises `RefsError` if a reference repeats."""
    ordered = refcol.sort_unique(refs)
    digest = entries_digest(ordered)
    seed = draw.draw_seed(operator_seed, beacon, digest)
    return BulkDraw(ordered, digest, seed, order_positions(seed, ordered))
