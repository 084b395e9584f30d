"""Invitation reminders (sent once: when), and one ballot entry per account per window.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 13:26:13.355814
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballot_entries", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_ballot_entries_window_id_account_id"), ["window_id", "account_id"]
        )

    with op.batch_alter_table("ballot_invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminded_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ballot_invitations", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")

    with op.batch_alter_table("ballot_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_ballot_entries_window_id_account_id"), type_="unique"
        )
