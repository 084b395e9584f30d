"""SHA-256 of ``prefix || row`` for millions of short rows, with OpenSSL, in parallel.

Python's `hashlib` costs about a microsecond a call, almost all of it the Python
loop. Here numba compiles the loop and calls OpenSSL's EVP interface (the same
library `hashlib` uses) directly, over both cores. If numba or OpenSSL 3 is not
there, the same answer comes from a `hashlib` loop, slowly.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
from collections.abc import Callable
from functools import cache

import numpy as np
import numpy.typing as npt

Rows = npt.NDArray[np.uint8]
Prefixes = npt.NDArray[np.uint64]
_NAME = np.frombuffer(b"SHA256\0", dtype=np.uint8)

Kernel = Callable[
    [npt.NDArray[np.uint8], npt.NDArray[np.uint8], Rows, npt.NDArray[np.int64], Prefixes], int
]


@cache
def _kernel() -> Kernel | None:
    """The compiled kernel, or `None` where it cannot be built (then `hashlib` is used)."""
    if os.environ.get("YMS_DRAW_ENGINE") == "reference":
        return None
    library = ctypes.util.find_library("crypto")
    if library is None:
        return None
    try:
        from yms.ballot.fast import _kernels  # noqa: PLC0415 - numba is slow to import

        kernel: Kernel = _kernels.build(library)
    except (ImportError, OSError, AttributeError):  # pragma: no cover - depends on the machine
        return None
    return kernel


def engine() -> str:
    """Which implementation runs: ``openssl`` (compiled) or ``hashlib``."""
    return "openssl" if _kernel() is not None else "hashlib"


def prefixes(prefix: bytes, rows: Rows, lengths: npt.NDArray[np.int64]) -> Prefixes:
    """The first 8 bytes, as a big-endian number, of ``sha256(prefix || row[:length])`` per row.

    `prefix` is 32 bytes (a draw seed); `rows` is an N x W byte matrix, each row a
    reference padded with zero bytes beyond its length.
    """
    if len(prefix) != 32:  # noqa: PLR2004 - a SHA-256 draw seed
        raise ValueError("the prefix is a 32-byte draw seed")
    out = np.empty(len(rows), dtype=np.uint64)
    kernel = _kernel()
    if kernel is not None and len(rows):
        seed = np.frombuffer(prefix, dtype=np.uint8)
        failures = kernel(_NAME, seed, np.ascontiguousarray(rows), lengths, out)
        if failures:  # pragma: no cover - OpenSSL does not fail on in-memory input
            raise RuntimeError(f"OpenSSL failed to hash {failures} rows")
        return out
    return _prefixes_hashlib(prefix, rows, lengths, out)


def _prefixes_hashlib(
    prefix: bytes, rows: Rows, lengths: npt.NDArray[np.int64], out: Prefixes
) -> Prefixes:
    sha256 = hashlib.sha256
    for i, (row, length) in enumerate(zip(rows, lengths.tolist(), strict=True)):
        out[i] = int.from_bytes(sha256(prefix + row[:length].tobytes()).digest()[:8], "big")
    return out
