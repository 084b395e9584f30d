"""The fake payment provider's own table; why a payment ended without paying.

The fake provider kept its payments in memory, so a restart lost them; they now
live in `fake_payments`, as GOV.UK Pay keeps its own. `payments.failure_reason`
records the provider's code and message for a payment that failed, or that the
provider no longer knows it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:08:10.901521
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fake_payments",
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("return_url", sa.String(length=512), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('created', 'success', 'failed', 'cancelled')",
            name=op.f("ck_fake_payments_state_known"),
        ),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_fake_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")

    op.drop_table("fake_payments")
