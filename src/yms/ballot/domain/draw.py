r"""The draw, exactly as DESIGN.md defines it, so that anyone can re-run it.

    entries_digest = sha256("\n".join(sorted(entry_refs)).encode("utf-8"))
    draw_seed      = sha256(operator_seed || beacon || entries_digest)
    rank(ref)      = int.from_bytes(sha256(draw_seed || ref.encode("utf-8")), "big")
    order          = entry refs sorted by (rank, ref) ascending

`operator_seed` and `beacon` are the raw bytes of their hex strings. This module is
the reference: plain `hashlib`, written to be read. `yms.ballot.fast.draw` computes the
same for millions of references, and tests hold the two to the same answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def seed_commitment(operator_seed: bytes) -> str:
    """``sha256(operator_seed)`` in hex: published before the window opens."""
    return hashlib.sha256(operator_seed).hexdigest()


def entries_digest(entry_refs: Iterable[str]) -> bytes:
    """The digest of every entry: the sorted references joined by newlines."""
    return hashlib.sha256("\n".join(sorted(entry_refs)).encode("utf-8")).digest()


def draw_seed(operator_seed: bytes, beacon: bytes, digest: bytes) -> bytes:
    """``sha256(operator_seed || beacon || entries_digest)``."""
    return hashlib.sha256(operator_seed + beacon + digest).digest()


def rank(seed: bytes, ref: str) -> int:
    """A reference's rank: its hash under the draw seed, as a 256-bit number."""
    return int.from_bytes(hashlib.sha256(seed + ref.encode("utf-8")).digest(), "big")


def order(seed: bytes, entry_refs: Iterable[str]) -> list[str]:
    """Every reference, lowest rank first (ties, never yet seen, broken by the reference)."""
    return sorted(entry_refs, key=lambda ref: (rank(seed, ref), ref))


@dataclass(frozen=True, slots=True)
class Draw:
    """Everything a draw fixes: the digest, the seed, and the whole order."""

    entries_digest: bytes
    draw_seed: bytes
    order: Sequence[str]


def run_draw(entry_refs: Sequence[str], *, operator_seed: bytes, beacon: bytes) -> Draw:
    """Run the draw over `entry_refs` (which must not repeat)."""
    digest = entries_digest(entry_refs)
    seed = draw_seed(operator_seed, beacon, digest)
    return Draw(digest, seed, order(seed, entry_refs))
