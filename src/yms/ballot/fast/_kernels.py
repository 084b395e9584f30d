"""Compiled loops behind `yms.ballot.fast`, in one module because numba is slow to import.

numba's typed dialect is beyond mypy, so this module alone is not type-checked
(see pyproject.toml); tests hold each kernel to a plain NumPy or hashlib result.

These are loops NumPy cannot express without large temporaries: SHA-256 per row
through OpenSSL, and packing canonical references into integers and back.
OpenSSL functions are bound by symbol name, not address, so numba can cache the
compiled code on disk and later processes load it instead of compiling again.
Pointers are passed as machine-word integers, which is the same on 64-bit ABIs.
"""

from __future__ import annotations

from typing import Any

import llvmlite.binding
import numpy as np
from numba import njit, prange, types

_CHUNK = 65_536  # rows per task: large enough to amortise a context, small enough to balance
_DASH = 45  # "-"
_NOT_A_SYMBOL = 255


def build(library: str) -> Any:
    """Load OpenSSL's libcrypto into the process and return the compiled SHA-256 kernel."""
    llvmlite.binding.load_library_permanently(library)
    return _prefixes


_P = types.intp
_new = types.ExternalFunction("EVP_MD_CTX_new", _P())
_free = types.ExternalFunction("EVP_MD_CTX_free", types.void(_P))
_fetch = types.ExternalFunction("EVP_MD_fetch", _P(_P, _P, _P))
_release = types.ExternalFunction("EVP_MD_free", types.void(_P))
_init = types.ExternalFunction("EVP_DigestInit_ex2", types.int32(_P, _P, _P))
_update = types.ExternalFunction("EVP_DigestUpdate", types.int32(_P, _P, types.uintp))
_final = types.ExternalFunction("EVP_DigestFinal_ex", types.int32(_P, _P, _P))


@njit(parallel=True, cache=True)
def _prefixes(name, seed, rows, lengths, out):
    count, width = rows.shape
    digest_type = _fetch(0, name.ctypes.data, 0)
    tasks = (count + _CHUNK - 1) // _CHUNK
    failures = 0
    for task in prange(tasks):
        context = _new()
        message = np.empty(32 + width, dtype=np.uint8)
        message[:32] = seed
        digest = np.empty(32, dtype=np.uint8)
        for i in range(task * _CHUNK, min(count, (task + 1) * _CHUNK)):
            message[32:] = rows[i]
            ok = _init(context, digest_type, 0)
            ok &= _update(context, message.ctypes.data, 32 + lengths[i])
            ok &= _final(context, digest.ctypes.data, 0)
            failures += 1 - ok
            value = np.uint64(0)
            for k in range(8):
                value = (value << np.uint64(8)) | np.uint64(digest[k])
            out[i] = value
        _free(context)
    _release(digest_type)
    return failures


# --- canonical references <-> 60-bit numbers ----------------------------------------------


@njit(parallel=True, cache=True)
def encode_canonical(rows, values, dashes, keys):
    """Pack each ``XXXX-XXXX-XXXX`` row into `keys`; return how many rows are not canonical.

    `values` maps a byte to its symbol value, or 255; `dashes` lists the dash columns.
    """
    count, width = rows.shape
    bad = 0
    for i in prange(count):
        key = np.uint64(0)
        for column in range(width):
            byte = rows[i, column]
            if column == dashes[0] or column == dashes[1]:
                bad += byte != _DASH
            else:
                value = values[byte]
                bad += value == _NOT_A_SYMBOL
                key = (key << np.uint64(5)) | np.uint64(value & 31)
        keys[i] = key
    return bad


@njit(parallel=True, cache=True)
def decode_canonical(keys, symbols, dashes, rows):
    """Unpack each key of `encode_canonical` back into its row of bytes."""
    count, width = rows.shape
    for i in prange(count):
        key = keys[i]
        for column in range(width - 1, -1, -1):
            if column == dashes[0] or column == dashes[1]:
                rows[i, column] = _DASH
            else:
                rows[i, column] = symbols[key & np.uint64(31)]
                key = key >> np.uint64(5)


# --- fixed-layout rows of text ------------------------------------------------------------


@njit(parallel=True, cache=True)
def extract_rows(buffer, offset, count, lead, width, trail, last_trail, allowed, out):
    """Copy `count` rows of ``lead + reference + trail`` from `buffer` into `out`.

    Row i starts at ``offset + i * (len(lead) + width + len(trail))``; the last row
    ends with `last_trail` instead. Each reference byte must be `allowed`. Returns
    the first row that does not fit the layout, or -1 if all do.
    """
    stride = len(lead) + width + len(trail)
    first_bad = count
    for i in prange(count):
        base = offset + i * stride
        bad = False
        for k in range(len(lead)):
            bad |= buffer[base + k] != lead[k]
        start = base + len(lead)
        for k in range(width):
            byte = buffer[start + k]
            bad |= not allowed[byte]
            out[i, k] = byte
        ending = last_trail if i == count - 1 else trail
        for k in range(len(ending)):
            bad |= buffer[start + width + k] != ending[k]
        if bad:
            first_bad = min(first_bad, i)
    return -1 if first_bad == count else first_bad
