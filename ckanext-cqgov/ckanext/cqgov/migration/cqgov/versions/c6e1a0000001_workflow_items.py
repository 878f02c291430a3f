"""Workflow items (applications, opening requests, error reports, feedback) and
their append-only history.

Revision ID: c6e1a0000001
Revises: c5a1e0000001
Create Date: 2026-11-25 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c6e1a0000001"
down_revision = "c5a1e0000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqgov_workflow_item",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False, index=True),
        sa.Column("status", sa.UnicodeText, nullable=False, index=True),
        sa.Column("package_id", sa.UnicodeText, index=True),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("provider_org_id", sa.UnicodeText, index=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("applicant_org_id", sa.UnicodeText, index=True),
        sa.Column("title", sa.UnicodeText),
        sa.Column("details", JSONB, nullable=False, server_default="{}"),
        sa.Column("answer", JSONB),
        sa.Column("rating", sa.Integer),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True)),
        sa.Column("due_date", sa.Date),
        sa.Column("reminded_on", sa.Date),
        sa.Column("escalated_on", sa.Date),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("grant_id", sa.UnicodeText),
        sa.Column("followers", JSONB, nullable=False, server_default="[]"),
    )
    op.create_table(
        "cqgov_workflow_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("from_status", sa.UnicodeText),
        sa.Column("to_status", sa.UnicodeText),
        sa.Column("data", JSONB, nullable=False, server_default="{}"),
    )


def downgrade() -> None:
    op.drop_table("cqgov_workflow_event")
    op.drop_table("cqgov_workflow_item")
