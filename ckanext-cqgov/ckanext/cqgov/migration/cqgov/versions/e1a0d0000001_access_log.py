"""The access (audit) log: append-only, UPDATE and DELETE refused by a trigger.

Revision ID: e1a0d0000001
Revises: d4a7c0000001
Create Date: 2026-11-25 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e1a0d0000001"
down_revision = "d4a7c0000001"
branch_labels = None
depends_on = None

_REFUSE = """
CREATE OR REPLACE FUNCTION cqgov_access_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cqgov_access_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "cqgov_access_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText, index=True),
        sa.Column("user_name", sa.UnicodeText),
        sa.Column("organization_id", sa.UnicodeText, index=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("owner_org", sa.UnicodeText, index=True),
        sa.Column("resource_id", sa.UnicodeText, index=True),
        sa.Column("path", sa.UnicodeText, nullable=False),
        sa.Column("allowed", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("grant_id", sa.UnicodeText, index=True),
        sa.Column("grant_purpose", sa.UnicodeText),
        sa.Column("client_ip", sa.UnicodeText),
        sa.Column("forwarded_for", sa.UnicodeText),
    )
    op.execute(_REFUSE)
    # Row-level: refuses every changed or deleted row. TRUNCATE stays possible
    # for the database owner (retention, test fixtures); the application never
    # issues it.
    op.execute(
        "CREATE TRIGGER cqgov_access_log_append_only "
        "BEFORE UPDATE OR DELETE ON cqgov_access_log "
        "FOR EACH ROW EXECUTE FUNCTION cqgov_access_log_append_only()"
    )


def downgrade() -> None:
    op.drop_table("cqgov_access_log")
    op.execute("DROP FUNCTION IF EXISTS cqgov_access_log_append_only()")
