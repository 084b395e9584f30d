"""Casework: decisions, automated checks, places and emergency brakes counted, statuses.

Applications gain the states of a decision (checks, evidence, refusal waiting for
its second caseworker, review) and accounts the caseworkers' roles; both columns
widen to hold the longer names, and their CHECK constraints list the new values.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:31:48.325038
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yms.platform.orm

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as they stand at this revision (the enums may grow later).
ROLES_BEFORE = "'applicant', 'operator'"
ROLES_AFTER = "'applicant', 'caseworker', 'senior_caseworker', 'operator'"
STATES_BEFORE = "'draft', 'submitted', 'withdrawn'"
STATES_AFTER = (
    "'draft', 'submitted', 'checking', 'awaiting_decision', 'awaiting_evidence', "
    "'refusal_pending', 'granted', 'refused', 'review_requested', 'withdrawn'"
)


def upgrade() -> None:
    op.create_table(
        "brake_counts",
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("allocation_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.Column("engaged_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint(
            "scheme_id", "allocation_id", "period", name=op.f("pk_brake_counts")
        ),
    )
    op.create_table(
        "place_counts",
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("allocation_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "places IS NULL OR granted <= places", name=op.f("ck_place_counts_within_places")
        ),
        sa.PrimaryKeyConstraint("scheme_id", "allocation_id", "year", name=op.f("pk_place_counts")),
    )
    op.create_table(
        "statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status_ref", sa.String(length=32), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("scheme_version", sa.String(length=32), nullable=False),
        sa.Column("arrangement_id", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("holder_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("birth_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("granted_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["accounts.id"], name=op.f("fk_statuses_holder_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuses")),
        sa.UniqueConstraint("case_ref", name=op.f("uq_statuses_case_ref")),
        sa.UniqueConstraint("status_ref", name=op.f("uq_statuses_status_ref")),
    )
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statuses_holder_id"), ["holder_id"], unique=False)

    op.create_table(
        "case_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("detail_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("ran_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_case_checks_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_checks")),
        sa.UniqueConstraint(
            "application_id", "kind", name=op.f("uq_case_checks_application_id_kind")
        ),
    )
    with op.batch_alter_table("case_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_checks_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("scheme_version", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("decided_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("second_id", sa.String(length=64), nullable=True),
        sa.Column("second_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reasons_sealed", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('grant', 'refusal', 'review')", name=op.f("ck_decisions_kind_known")
        ),
        sa.CheckConstraint(
            "state IN ('proposed', 'returned', 'in_effect')", name=op.f("ck_decisions_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_decisions_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_application_id"), ["application_id"], unique=False
        )

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_accounts_role_known"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("role_known", f"role IN ({ROLES_AFTER})")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decided_at", yms.platform.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("identity_hash", sa.LargeBinary(length=32), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_applications_state_known"), type_="check")
        batch_op.alter_column(
            "state",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("state_known", f"state IN ({STATES_AFTER})")
        batch_op.create_index(
            batch_op.f("ix_applications_identity_hash"), ["identity_hash"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_identity_hash"))
        batch_op.drop_constraint(batch_op.f("ck_applications_state_known"), type_="check")
        batch_op.alter_column(
            "state",
            existing_type=sa.String(length=32),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("state_known", f"state IN ({STATES_BEFORE})")
        batch_op.drop_column("identity_hash")
        batch_op.drop_column("decided_at")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_accounts_role_known"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.String(length=32),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("role_known", f"role IN ({ROLES_BEFORE})")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_application_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("case_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_checks_application_id"))

    op.drop_table("case_checks")
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuses_holder_id"))

    op.drop_table("statuses")
    op.drop_table("place_counts")
    op.drop_table("brake_counts")
