"""Bulk computation over millions of rows in columns: the draw, its record, statistics.

The rules live in `yms.domain`; this package computes the same answers fast,
and its tests hold it to the domain's reference implementations.
"""
