"""The accelerated draw: the same answers as `yms.ballot.domain`, for millions of refs at once.

The rules live in `yms.ballot.domain`; this package computes them in columns
(NumPy, numba, OpenSSL's SHA-256), and its tests hold it to the reference.
"""
