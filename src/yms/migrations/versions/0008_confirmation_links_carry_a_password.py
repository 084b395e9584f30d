"""Confirmation links carry a password: signing up again before confirming sends a fresh link.

That link finishes the sign-up that sent it, so it carries the password chosen
then (an Argon2id hash), which the account takes when the link confirms it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 12:21:22.203047
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
