"""Draw records with millions of references: written, read and verified in columns.

`write_record` writes the canonical layout: the scalar fields one per line, then
each list with one reference per line. `read_record` reads that layout without a
Python object per reference, checking every byte of it; any other valid JSON
record (re-indented, keys reordered, escaped characters) is read by the standard
parser instead, and gives the same answer, only more slowly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from yms.ballot.domain import draw
from yms.ballot.domain.record import CHECKED, DrawRecord, RecordError, RecordHeader
from yms.ballot.fast import draw as bulk_draw
from yms.ballot.fast import refs as refcol
from yms.ballot.fast.refs import RefArray

_ROWS_PER_WRITE = 1_000_000
_ROW_PREFIX = b'    "'
_ROW_END = b'",\n'
_LAST_ROW_END = b'"\n'
_LIST_END = b"\n  "
_KEY = re.compile(rb'"entry_refs"[ \t\r\n]*:[ \t\r\n]*\[')
_BETWEEN = re.compile(rb'[ \t\r\n]*,[ \t\r\n]*"order"[ \t\r\n]*:[ \t\r\n]*\[')
_END = re.compile(rb"[ \t\r\n]*\}[ \t\r\n]*\Z")


@dataclass(frozen=True, slots=True)
class BulkRecord:
    """A draw record whose lists are arrays of references."""

    header: RecordHeader
    entry_refs: RefArray
    order: RefArray


# --- writing ------------------------------------------------------------------------------


def _write_list(out: BinaryIO, refs: RefArray, positions: npt.NDArray[np.int64] | None) -> None:
    """Write ``refs`` (or ``refs[positions]``) one per line, a chunk at a time."""
    count = len(refs) if positions is None else len(positions)
    width = refs.dtype.itemsize
    fixed = refcol.is_fixed_width(refs)
    source = refcol.matrix(refs)
    for start in range(0, count, _ROWS_PER_WRITE):
        stop = min(start + _ROWS_PER_WRITE, count)
        rows = np.empty((stop - start, width + len(_ROW_PREFIX) + len(_ROW_END)), dtype=np.uint8)
        rows[:, : len(_ROW_PREFIX)] = np.frombuffer(_ROW_PREFIX, dtype=np.uint8)
        body = slice(len(_ROW_PREFIX), len(_ROW_PREFIX) + width)
        # Gathering whole fixed-width items (1-D) is several times faster than gathering rows.
        rows[:, body] = (
            source[start:stop] if positions is None else refcol.matrix(refs[positions[start:stop]])
        )
        rows[:, body.stop :] = np.frombuffer(_ROW_END, dtype=np.uint8)
        if stop == count:  # no comma after the last reference
            rows[-1, body.stop :] = np.frombuffer(_LAST_ROW_END + b" ", dtype=np.uint8)
        flat = rows.ravel()
        if stop == count:
            flat = flat[:-1]
        if not fixed:
            flat = flat[flat != 0]
        out.write(flat.tobytes() if not fixed else flat.data)


def write_record(
    out: BinaryIO, header: RecordHeader, entry_refs: RefArray, order: npt.NDArray[np.int64]
) -> None:
    """Write a record in the canonical layout; `order` holds positions into `entry_refs`."""
    out.write(b"{\n")
    for name, value in header.as_json().items():
        out.write(f'  "{name}": {json.dumps(value)},\n'.encode())
    out.write(b'  "entry_refs": [\n')
    _write_list(out, entry_refs, None)
    out.write(b'  ],\n  "order": [\n')
    _write_list(out, entry_refs, order)
    out.write(b"  ]\n}\n")


def header_of(
    result: bulk_draw.BulkDraw, *, window: str, places: int, operator_seed: bytes, beacon: bytes
) -> RecordHeader:
    """The scalar fields of the record of `result`."""
    return RecordHeader(
        window=window,
        places=places,
        seed_commitment=draw.seed_commitment(operator_seed),
        operator_seed=operator_seed,
        beacon=beacon,
        entries_digest=result.entries_digest.hex(),
        draw_seed=result.draw_seed.hex(),
    )


# --- reading ------------------------------------------------------------------------------


class _NotCanonicalError(Exception):
    """The fast reader does not recognise the layout; the standard parser takes over."""


def _no_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    names = [name for name, _ in pairs]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise RecordError(f"field {repeated} appears more than once")
    return dict(pairs)


def _canonical_list(data: bytes, start: int, end: int) -> RefArray:
    """The references of the list body ``data[start:end]``, as `_write_list` lays it out.

    Raises `_NotCanonicalError` for any other layout (even valid JSON).
    """
    length = end - start
    if length <= len(_LIST_END) + 1 and data[start:end].strip(b" \n") == b"":
        return np.array([], dtype="S1")
    if data[start : start + 1] != b"\n" or data[end - len(_LIST_END) : end] != _LIST_END:
        raise _NotCanonicalError
    first = start + 1
    width = data.find(b'"', first + len(_ROW_PREFIX), end) - first - len(_ROW_PREFIX)
    stride = len(_ROW_PREFIX) + width + len(_ROW_END)
    # The rows run from after the opening newline to before the closing indent; the
    # last row lacks its comma.
    rows_length = length - 1 - (len(_LIST_END) - 1)
    if not 1 <= width <= refcol.MAX_WIDTH or (rows_length + 1) % stride:
        raise _NotCanonicalError
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        return refcol.fixed_rows(
            buffer,
            first,
            (rows_length + 1) // stride,
            width,
            lead=_ROW_PREFIX,
            trail=_ROW_END,
            last_trail=_LAST_ROW_END,
        )
    except refcol.RefsError as error:
        raise _NotCanonicalError from error


def _read_canonical(data: bytes) -> BulkRecord:
    found = _KEY.search(data)
    if found is None:
        raise _NotCanonicalError
    head = data[: found.start()].rstrip(b" \t\r\n")
    if not head.endswith(b","):
        raise _NotCanonicalError
    try:
        fields = json.loads(head[:-1] + b"}", object_pairs_hook=_no_repeated_keys)
    except (ValueError, RecordError) as error:
        raise _NotCanonicalError from error
    if not isinstance(fields, dict) or {"entry_refs", "order"} & fields.keys():
        raise _NotCanonicalError
    entries_end = data.find(b"]", found.end())
    between = _BETWEEN.match(data, entries_end + 1)
    if entries_end < 0 or between is None:
        raise _NotCanonicalError
    order_end = data.find(b"]", between.end())
    if order_end < 0 or _END.match(data, order_end + 1) is None:
        raise _NotCanonicalError
    entry_refs = _canonical_list(data, found.end(), entries_end)
    order = _canonical_list(data, between.end(), order_end)
    header = RecordHeader.parse({**fields, "entry_refs": [], "order": []})
    return BulkRecord(header, entry_refs, order)


def read_record(data: bytes) -> BulkRecord:
    """Read a record; raises `RecordError` if it is not valid JSON of the record's shape."""
    try:
        return _read_canonical(data)
    except _NotCanonicalError:
        pass
    try:
        fields = json.loads(data, object_pairs_hook=_no_repeated_keys)
    except ValueError as error:
        raise RecordError(f"not valid JSON ({error})") from error
    if not isinstance(fields, dict):
        raise RecordError("a record is a JSON object")
    record = DrawRecord.parse(fields)
    return BulkRecord(
        record.header, refcol.from_strings(record.entry_refs), refcol.from_strings(record.order)
    )


# --- verifying ----------------------------------------------------------------------------


def checks(record: BulkRecord) -> Iterator[tuple[str, bool]]:
    """Each checked field in turn, and whether its inputs reproduce it.

    The order is `yms.ballot.domain.record.CHECKED`; stop at the first `False`.
    """
    header = record.header
    yield CHECKED[0], draw.seed_commitment(header.operator_seed) == header.seed_commitment
    yield CHECKED[1], refcol.is_sorted_unique(record.entry_refs)
    digest = bulk_draw.entries_digest(record.entry_refs)
    yield CHECKED[2], digest.hex() == header.entries_digest
    seed = draw.draw_seed(header.operator_seed, header.beacon, digest)
    yield CHECKED[3], seed.hex() == header.draw_seed
    expected = record.entry_refs[bulk_draw.order_positions(seed, record.entry_refs)]
    same = len(expected) == len(record.order) and bool((expected == record.order).all())
    yield CHECKED[4], same


def first_mismatch(record: BulkRecord, on_check: Callable[[str], None] | None = None) -> str | None:
    """The first field that does not match, or `None`; `on_check` hears each field as it passes."""
    for name, matched in checks(record):
        if not matched:
            return name
        if on_check is not None:
            on_check(name)
    return None
