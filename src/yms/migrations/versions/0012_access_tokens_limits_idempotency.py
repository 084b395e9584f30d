"""API access tokens, rate-limit counts every process shares, and entries' idempotency keys.

An access token is kept only as its SHA-256 digest. Rate-limit counts are keyed
by a keyed hash (the key holds a client address); on PostgreSQL their table is
UNLOGGED, so counting waits for no disk and a crash only forgets counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_api_tokens_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_account_id"), "api_tokens", ["account_id"], unique=False)
    op.create_table(
        "rate_limit_counts",
        sa.Column("key_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("window_ends", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", "window_ends", name=op.f("pk_rate_limit_counts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_counts SET UNLOGGED")
    with op.batch_alter_table("ballot_entries") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ballot_entries") as batch:
        batch.drop_column("idempotency_key")
    op.drop_table("rate_limit_counts")
    op.drop_index(op.f("ix_api_tokens_account_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
