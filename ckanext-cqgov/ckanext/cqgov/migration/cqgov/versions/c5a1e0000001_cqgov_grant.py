"""Grants: access to one entry's data for a purpose and a period.

Revision ID: c5a1e0000001
Revises: a0c1e0000001
Create Date: 2026-11-25 03:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c5a1e0000001"
down_revision = "a0c1e0000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqgov_grant",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("owner_org", sa.UnicodeText, nullable=False, index=True),
        sa.Column("grantee_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("terms", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.UnicodeText),
        sa.Column("application_id", sa.UnicodeText, index=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.UnicodeText),
        sa.Column("revoke_reason", sa.UnicodeText),
        sa.Column("expiry_recorded_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('share', 'open')", name="cqgov_grant_kind"),
        sa.CheckConstraint(
            "valid_until >= valid_from", name="cqgov_grant_period_ordered"
        ),
    )


def downgrade() -> None:
    op.drop_table("cqgov_grant")
