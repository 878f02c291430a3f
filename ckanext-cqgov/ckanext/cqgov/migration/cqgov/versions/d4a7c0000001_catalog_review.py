"""Catalog review history and working-day overrides.

Revision ID: d4a7c0000001
Revises: d7e5a0000001
Create Date: 2026-11-25 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d4a7c0000001"
down_revision = "d7e5a0000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqgov_catalog_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("owner_org", sa.UnicodeText, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("from_status", sa.UnicodeText),
        sa.Column("to_status", sa.UnicodeText),
        sa.Column("comment", sa.UnicodeText),
    )
    op.create_table(
        "cqgov_workday_override",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("is_working_day", sa.Boolean, nullable=False),
        sa.Column("note", sa.UnicodeText),
        sa.Column("updated_by", sa.UnicodeText),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cqgov_workday_override")
    op.drop_table("cqgov_catalog_event")
