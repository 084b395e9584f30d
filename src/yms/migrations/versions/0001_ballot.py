"""Ballot windows, entries and invitations.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 05:38:49.933740
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ballot_windows",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("scheme_version", sa.String(length=32), nullable=False),
        sa.Column("allocation_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ballot_round", sa.Integer(), nullable=False),
        sa.Column("opens_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("invitation_expiry_days", sa.Integer(), nullable=False),
        sa.Column("seed_commitment", sa.String(length=64), nullable=False),
        sa.Column("sealed_operator_seed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("beacon", sa.String(length=256), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=True),
        sa.Column("entries_digest", sa.String(length=64), nullable=True),
        sa.Column("drawn_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("operator_seed", sa.String(length=256), nullable=True),
        sa.Column("draw_seed", sa.String(length=64), nullable=True),
        sa.CheckConstraint("ballot_round >= 1", name=op.f("ck_ballot_windows_round_positive")),
        sa.CheckConstraint(
            "invitation_expiry_days >= 1", name=op.f("ck_ballot_windows_expiry_positive")
        ),
        sa.CheckConstraint(
            "opens_at < closes_at", name=op.f("ck_ballot_windows_opens_before_closing")
        ),
        sa.CheckConstraint("places >= 1", name=op.f("ck_ballot_windows_places_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_windows")),
        sa.UniqueConstraint(
            "scheme_id",
            "allocation_id",
            "ballot_round",
            name=op.f("uq_ballot_windows_scheme_id_allocation_id_ballot_round"),
        ),
    )
    op.create_table(
        "ballot_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.String(length=100), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("identity_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("nationality", sa.String(length=8), nullable=False),
        sa.Column("entered_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("draw_position", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "draw_position >= 0", name=op.f("ck_ballot_entries_position_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["ballot_windows.id"],
            name=op.f("fk_ballot_entries_window_id_ballot_windows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_entries")),
        sa.UniqueConstraint("ref", name=op.f("uq_ballot_entries_ref")),
        sa.UniqueConstraint(
            "window_id", "draw_position", name=op.f("uq_ballot_entries_window_id_draw_position")
        ),
        sa.UniqueConstraint(
            "window_id", "identity_hash", name=op.f("uq_ballot_entries_window_id_identity_hash")
        ),
    )
    with op.batch_alter_table("ballot_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_entries_window_id"), ["window_id"], unique=False
        )

    op.create_table(
        "ballot_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("window_id", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("invitation_round", sa.Integer(), nullable=False),
        sa.Column("issued_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("responded_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('issued', 'accepted', 'declined', 'expired')",
            name=op.f("ck_ballot_invitations_state_known"),
        ),
        sa.CheckConstraint(
            "invitation_round >= 1", name=op.f("ck_ballot_invitations_round_positive")
        ),
        sa.CheckConstraint(
            "issued_at < expires_at", name=op.f("ck_ballot_invitations_issued_before_expiry")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ballot_entries.id"],
            name=op.f("fk_ballot_invitations_entry_id_ballot_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["ballot_windows.id"],
            name=op.f("fk_ballot_invitations_window_id_ballot_windows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_invitations")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_ballot_invitations_entry_id")),
        sa.UniqueConstraint("ref", name=op.f("uq_ballot_invitations_ref")),
    )
    with op.batch_alter_table("ballot_invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ballot_invitations_state_expires", ["state", "expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_ballot_invitations_window_state", ["window_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ballot_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_invitations_window_state")
        batch_op.drop_index("ix_ballot_invitations_state_expires")

    op.drop_table("ballot_invitations")
    with op.batch_alter_table("ballot_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_entries_window_id"))

    op.drop_table("ballot_entries")
    op.drop_table("ballot_windows")
