"""Millions of references as one fixed-width byte array (NumPy ``S`` dtype).

Each reference is its ASCII bytes, padded with zero bytes to the widest; zero never
occurs inside a reference, so padding and text are told apart. The canonical
yms form (``XXXX-XXXX-XXXX`` in Crockford base-32) also packs into a 60-bit
number in the same order, which sorts far faster than strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from yms.ballot.domain.refs import ALPHABET

RefArray = npt.NDArray[np.bytes_]
MAX_WIDTH = 64
_CANONICAL_WIDTH = 14
_DASHES = (4, 9)

_ALLOWED = np.zeros(256, dtype=bool)
_ALLOWED[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")] = True
_SYMBOL_VALUE = np.full(256, 255, dtype=np.uint8)
_SYMBOL_VALUE[list(ALPHABET.encode())] = np.arange(len(ALPHABET), dtype=np.uint8)
_SYMBOLS = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_DASH_COLUMNS = np.array(_DASHES, dtype=np.int64)


class RefsError(ValueError):
    """The references cannot be used: empty, malformed, or repeated."""


def matrix(refs: RefArray) -> npt.NDArray[np.uint8]:
    """The N x W bytes behind `refs` (a view, not a copy)."""
    width = refs.dtype.itemsize
    return refs.view(np.uint8).reshape(len(refs), width)


def is_fixed_width(refs: RefArray) -> bool:
    """Whether every reference fills the array's width (so there is no padding)."""
    rows = matrix(refs)
    return not len(refs) or bool((rows[:, -1] != 0).all())


def lengths(refs: RefArray) -> npt.NDArray[np.int64]:
    """The length of each reference, without padding."""
    if is_fixed_width(refs):
        return np.full(len(refs), refs.dtype.itemsize, dtype=np.int64)
    counts: npt.NDArray[np.int64] = np.count_nonzero(matrix(refs), axis=1).astype(np.int64)
    return counts


def from_strings(refs: Sequence[str]) -> RefArray:
    """Pack Python strings (already checked to be references) into an array."""
    if not refs:
        return np.array([], dtype="S1")
    return np.array([ref.encode("ascii") for ref in refs], dtype=np.bytes_)


def to_strings(refs: RefArray) -> list[str]:
    """The references as Python strings."""
    return [ref.decode("ascii") for ref in refs.tolist()]


def check_bytes(rows: npt.NDArray[np.uint8], widths: npt.NDArray[np.int64]) -> None:
    """Raise `RefsError` naming the first row with a byte a reference may not hold."""
    if (widths == rows.shape[1]).all():
        if _ALLOWED[rows].all():
            return
        bad = ~_ALLOWED[rows]
    else:
        bad = (np.arange(rows.shape[1]) < widths[:, None]) & ~_ALLOWED[rows]
        if not bad.any():
            return
    line = int(np.flatnonzero(bad.any(axis=1))[0])
    raise RefsError(f"line {line + 1} is not a reference (use letters, digits and . _ : - only)")


def from_lines(data: bytes) -> RefArray:
    r"""One reference per line (a final newline is optional; ``\r\n`` is accepted)."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    if not data:
        raise RefsError("the file holds no references")
    buffer = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buffer == ord("\n"))
    starts = np.r_[0, ends[:-1] + 1]
    widths = (ends - starts).astype(np.int64)
    if (widths == 0).any():
        raise RefsError(f"line {int(np.flatnonzero(widths == 0)[0]) + 1} is empty")
    width = int(widths.max())
    if width > MAX_WIDTH:
        line = int(np.argmax(widths)) + 1
        raise RefsError(f"line {line} is longer than {MAX_WIDTH} characters")
    if (widths == width).all():
        return _fixed_rows(buffer, 0, len(widths), width, lead=b"", trail=b"\n", last_trail=b"\n")
    rows = np.zeros((len(widths), width), dtype=np.uint8)
    for start in range(0, len(widths), 1_000_000):  # bounded index arrays
        stop = min(start + 1_000_000, len(widths))
        inside = np.arange(width) < widths[start:stop, None]
        positions = starts[start:stop, None] + np.arange(width)
        rows[start:stop][inside] = buffer[positions[inside]]
    check_bytes(rows, widths)
    return np.ascontiguousarray(rows).view(f"S{width}").ravel()


def _fixed_rows(
    buffer: npt.NDArray[np.uint8],
    offset: int,
    count: int,
    width: int,
    *,
    lead: bytes,
    trail: bytes,
    last_trail: bytes,
) -> RefArray:
    """References from `count` rows of ``lead + reference + trail`` in `buffer`.

    Raises `RefsError` naming the first row that breaks the layout or holds a byte a
    reference may not.
    """
    from yms.ballot.fast import _kernels  # noqa: PLC0415 - numba is slow to import

    rows = np.empty((count, width), dtype=np.uint8)

    def as_array(text: bytes) -> npt.NDArray[np.uint8]:
        return np.frombuffer(text, dtype=np.uint8) if text else np.zeros(0, dtype=np.uint8)

    bad = _kernels.extract_rows(
        buffer,
        offset,
        count,
        as_array(lead),
        width,
        as_array(trail),
        as_array(last_trail),
        _ALLOWED,
        rows,
    )
    if bad >= 0:
        raise RefsError(f"line {bad + 1} is not a reference (use letters, digits and . _ : - only)")
    return rows.view(f"S{width}").ravel()


def fixed_rows(
    buffer: npt.NDArray[np.uint8],
    offset: int,
    count: int,
    width: int,
    *,
    lead: bytes,
    trail: bytes,
    last_trail: bytes,
) -> RefArray:
    """Public form of `_fixed_rows`, for readers of other fixed layouts."""
    return _fixed_rows(buffer, offset, count, width, lead=lead, trail=trail, last_trail=last_trail)


def _encoded(refs: RefArray) -> npt.NDArray[np.uint64] | None:
    """The references as 60-bit numbers in the same order, if all are canonical."""
    if refs.dtype.itemsize != _CANONICAL_WIDTH or not len(refs):
        return None
    from yms.ballot.fast import _kernels  # noqa: PLC0415 - numba is slow to import

    keys = np.empty(len(refs), dtype=np.uint64)
    bad = _kernels.encode_canonical(matrix(refs), _SYMBOL_VALUE, _DASH_COLUMNS, keys)
    return keys if bad == 0 else None


def _decode(keys: npt.NDArray[np.uint64]) -> RefArray:
    from yms.ballot.fast import _kernels  # noqa: PLC0415 - numba is slow to import

    rows = np.empty((len(keys), _CANONICAL_WIDTH), dtype=np.uint8)
    _kernels.decode_canonical(keys, _SYMBOLS, _DASH_COLUMNS, rows)
    return rows.view(f"S{_CANONICAL_WIDTH}").ravel()


def sort_unique(refs: RefArray) -> RefArray:
    """The references in ascending order; raises `RefsError` naming the first repeated one.

    Byte order of ASCII is the order of Python strings, as ``sorted(entry_refs)`` uses.
    """
    if not len(refs):
        raise RefsError("the file holds no references")
    keys = _encoded(refs)
    ordered = _decode(np.sort(keys)) if keys is not None else np.sort(refs)
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(repeated):
        raise RefsError(f"reference {ordered[repeated[0]].decode('ascii')} appears more than once")
    return ordered


def is_sorted_unique(refs: RefArray) -> bool:
    """Whether the references are in strictly ascending order."""
    return bool((refs[1:] > refs[:-1]).all())


def joined(refs: RefArray, separator: bytes = b"\n") -> bytes:
    """The references joined by `separator`, as ``separator.join(refs)`` would give."""
    if not len(refs):
        return b""
    width = refs.dtype.itemsize
    rows = np.empty((len(refs), width + len(separator)), dtype=np.uint8)
    rows[:, :width] = matrix(refs)
    rows[:, width:] = np.frombuffer(separator, dtype=np.uint8)
    flat = rows.ravel()[: -len(separator)]
    if not is_fixed_width(refs):
        flat = flat[flat != 0]
    return flat.tobytes()
