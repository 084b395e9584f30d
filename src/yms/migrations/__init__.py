"""Alembic migrations of the yms database: one linear history over every feature's tables."""
