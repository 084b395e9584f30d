"""The audit log: every decision and change of what a person is owed, hash-chained.

DESIGN.md, "The audit chain": anyone can re-check an export with the formula alone.
"""
