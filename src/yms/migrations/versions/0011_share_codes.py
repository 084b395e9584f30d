"""Share codes, the checks made with them, and the keys that sign check records.

A share code is kept only as a keyed hash; a check keeps no date of birth and
the client's address only as a keyed hash; a signing key's private half is
sealed with the data key, and retired keys are kept so old records still verify.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:42:40.692668
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "share_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=1), nullable=False),
        sa.Column("hint", sa.String(length=3), nullable=False),
        sa.Column("created_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('W', 'R', 'S')", name=op.f("ck_share_codes_purpose")),
        sa.ForeignKeyConstraint(
            ["status_id"], ["statuses.id"], name=op.f("fk_share_codes_status_id_statuses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_share_codes_code_hash")),
    )
    with op.batch_alter_table("share_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_codes_status_id"), ["status_id"], unique=False)

    op.create_table(
        "status_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_ref", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("share_code_id", sa.Integer(), nullable=True),
        sa.Column("client_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("checked_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=1), nullable=False),
        sa.Column("verifier_name", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("record_sealed", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('matched', 'no_match')", name=op.f("ck_status_checks_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["share_code_id"],
            ["share_codes.id"],
            name=op.f("fk_status_checks_share_code_id_share_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_checks")),
        sa.UniqueConstraint("check_ref", name=op.f("uq_status_checks_check_ref")),
    )
    with op.batch_alter_table("status_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_checks_client_misses", ["client_hash", "outcome", "checked_at"], unique=False
        )
        batch_op.create_index(
            "ix_status_checks_code_misses", ["code_hash", "outcome", "checked_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_status_checks_share_code_id"), ["share_code_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_checks_share_code_id"))
        batch_op.drop_index("ix_status_checks_code_misses")
        batch_op.drop_index("ix_status_checks_client_misses")

    op.drop_table("status_checks")
    with op.batch_alter_table("share_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_codes_status_id"))

    op.drop_table("share_codes")
    op.drop_table("signing_keys")
