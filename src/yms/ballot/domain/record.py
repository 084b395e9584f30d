"""The published draw record, and how to check every field of it from the others.

A record is one JSON document::

    {
        "window": ...,
        "places": ...,
        "seed_commitment": ...,
        "operator_seed": ...,
        "beacon": ...,
        "entries_digest": ...,
        "draw_seed": ...,
        "entry_refs": [...],
        "order": [...],
    }

`verify` checks, in this order, and names the first field that does not match:
`seed_commitment`, `entry_refs` (sorted, no repeats), `entries_digest`,
`draw_seed`, `order`. `yms.ballot.fast.record` does the same for millions of references.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from yms.ballot.domain import draw
from yms.ballot.domain.refs import DRAW_REF

FIELDS = (
    "window",
    "places",
    "seed_commitment",
    "operator_seed",
    "beacon",
    "entries_digest",
    "draw_seed",
    "entry_refs",
    "order",
)
CHECKED = ("seed_commitment", "entry_refs", "entries_digest", "draw_seed", "order")

_DIGEST = re.compile(r"^[0-9a-f]{64}\Z")
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+\Z")
_WINDOW = re.compile(r"^[A-Za-z0-9._:-]{1,100}\Z")


class RecordError(ValueError):
    """The record cannot be read: a field is missing, of the wrong type, or not hex."""


def parse_hex(name: str, value: object) -> bytes:
    """Bytes from an even-length hex string; raises `RecordError` naming the field."""
    if not isinstance(value, str) or not _HEX.match(value):
        raise RecordError(f"{name} must be an even-length hex string")
    return bytes.fromhex(value)


@dataclass(frozen=True, slots=True)
class RecordHeader:
    """The scalar fields of a record, checked for form (not yet for truth)."""

    window: str
    places: int
    seed_commitment: str
    operator_seed: bytes
    beacon: bytes
    entries_digest: str
    draw_seed: str

    def as_json(self) -> dict[str, object]:
        """The scalar fields in their published JSON shape and order."""
        return {
            "window": self.window,
            "places": self.places,
            "seed_commitment": self.seed_commitment,
            "operator_seed": self.operator_seed.hex(),
            "beacon": self.beacon.hex(),
            "entries_digest": self.entries_digest,
            "draw_seed": self.draw_seed,
        }

    @classmethod
    def parse(cls, fields: Mapping[str, object]) -> RecordHeader:
        """Read the scalar fields; raises `RecordError` for the first that is malformed."""
        missing = [name for name in FIELDS if name not in fields]
        if missing:
            raise RecordError(f"missing field: {missing[0]}")
        extra = sorted(set(fields) - set(FIELDS))
        if extra:
            raise RecordError(f"unknown field: {extra[0]}")
        window, places = fields["window"], fields["places"]
        if not isinstance(window, str) or not _WINDOW.match(window):
            raise RecordError("window must be an identifier of letters, digits and . _ : -")
        if isinstance(places, bool) or not isinstance(places, int) or places < 1:
            raise RecordError("places must be a whole number of at least 1")
        for name in ("seed_commitment", "entries_digest", "draw_seed"):
            value = fields[name]
            if not isinstance(value, str) or not _DIGEST.match(value):
                raise RecordError(f"{name} must be 64 lower-case hex digits")
        return cls(
            window=window,
            places=places,
            seed_commitment=str(fields["seed_commitment"]),
            operator_seed=parse_hex("operator_seed", fields["operator_seed"]),
            beacon=parse_hex("beacon", fields["beacon"]),
            entries_digest=str(fields["entries_digest"]),
            draw_seed=str(fields["draw_seed"]),
        )


def check_refs(name: str, refs: object) -> list[str]:
    """A list of references of the allowed form; raises `RecordError` otherwise."""
    if not isinstance(refs, list):
        raise RecordError(f"{name} must be a list of references")
    for ref in refs:
        if not isinstance(ref, str) or not DRAW_REF.match(ref):
            raise RecordError(f"{name} holds {str(ref)[:40]!r}, which is not a reference")
    return refs


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """A whole published record."""

    header: RecordHeader
    entry_refs: Sequence[str]
    order: Sequence[str]

    @classmethod
    def parse(cls, fields: Mapping[str, object]) -> DrawRecord:
        """Read a record from its parsed JSON; raises `RecordError` if malformed."""
        header = RecordHeader.parse(fields)
        return cls(
            header,
            check_refs("entry_refs", fields["entry_refs"]),
            check_refs("order", fields["order"]),
        )

    def as_json(self) -> dict[str, object]:
        """The record in its published JSON shape."""
        return {
            **self.header.as_json(),
            "entry_refs": list(self.entry_refs),
            "order": list(self.order),
        }


def build_record(
    *, window: str, places: int, operator_seed: bytes, beacon: bytes, entry_refs: Sequence[str]
) -> DrawRecord:
    """Run the draw and write down everything needed to check it."""
    result = draw.run_draw(entry_refs, operator_seed=operator_seed, beacon=beacon)
    header = RecordHeader(
        window=window,
        places=places,
        seed_commitment=draw.seed_commitment(operator_seed),
        operator_seed=operator_seed,
        beacon=beacon,
        entries_digest=result.entries_digest.hex(),
        draw_seed=result.draw_seed.hex(),
    )
    return DrawRecord(header, sorted(entry_refs), list(result.order))


def first_mismatch(record: DrawRecord) -> str | None:
    """The first field that its inputs do not reproduce, or `None` if all match."""
    header = record.header
    if draw.seed_commitment(header.operator_seed) != header.seed_commitment:
        return "seed_commitment"
    refs = list(record.entry_refs)
    if any(a >= b for a, b in pairwise(refs)):
        return "entry_refs"
    digest = draw.entries_digest(refs)
    if digest.hex() != header.entries_digest:
        return "entries_digest"
    seed = draw.draw_seed(header.operator_seed, header.beacon, digest)
    if seed.hex() != header.draw_seed:
        return "draw_seed"
    if list(record.order) != draw.order(seed, refs):
        return "order"
    return None
