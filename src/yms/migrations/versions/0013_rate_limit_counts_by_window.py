"""Rate-limit counts keyed by their window first, then the key.

Counts of the current window then sit together at one end of the index, and
ended windows' counts (until the purge takes them) lie apart, out of the way
of the inserts, instead of interleaved with them by the key's random bytes.
Counts last a minute: the table is made again, empty, rather than re-keyed in place.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create(*key: str) -> None:
    op.create_table(
        "rate_limit_counts",
        sa.Column("key_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("window_ends", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_rate_limit_counts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_counts SET UNLOGGED")


def upgrade() -> None:
    op.drop_table("rate_limit_counts")
    _create("window_ends", "key_hash")


def downgrade() -> None:
    op.drop_table("rate_limit_counts")
    _create("key_hash", "window_ends")
