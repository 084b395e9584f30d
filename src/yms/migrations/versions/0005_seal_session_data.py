"""Seal session data: journey answers may hold a passport number.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 06:55:31.667025
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Sessions are short-lived and cannot be sealed without the key: everyone signs in again.
    op.execute("DELETE FROM web_sessions")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_sealed", sa.LargeBinary(), nullable=False))
        batch_op.drop_column("data")


def downgrade() -> None:
    op.execute("DELETE FROM web_sessions")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=False))
        batch_op.drop_column("data_sealed")
