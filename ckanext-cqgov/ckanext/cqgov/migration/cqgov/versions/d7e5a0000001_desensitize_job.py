"""Desensitization jobs: one row per original resource.

Revision ID: d7e5a0000001
Revises: c6e1a0000001
Create Date: 2026-11-25 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "d7e5a0000001"
down_revision = "c6e1a0000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqgov_desensitize_job",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requested_audience", sa.UnicodeText),
        sa.Column(
            "accept_suppression", sa.Boolean, nullable=False, server_default="false"
        ),
        sa.Column("findings", JSONB, nullable=False, server_default="{}"),
        sa.Column("report", JSONB),
        sa.Column("derivatives", JSONB, nullable=False, server_default="{}"),
        sa.Column("error", sa.UnicodeText),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cqgov_desensitize_job")
