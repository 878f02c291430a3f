"""Segmented-words column zh: the Chinese search fields as one compact
tsvector (weights A-D = title, keywords, notes, resources).

Re-index after upgrading: ``ckan search-index rebuild``.

Revision ID: 5b7e2c4d9a01
Revises: 3f1c2a9d7b10
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "5b7e2c4d9a01"
down_revision = "3f1c2a9d7b10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE cqgov_search_doc ADD COLUMN zh tsvector NOT NULL DEFAULT ''"
    )
    # kept in the row, uncompressed when it fits: read for every match
    op.execute("ALTER TABLE cqgov_search_doc ALTER COLUMN zh SET STORAGE MAIN")
    op.execute(
        "CREATE INDEX cqgov_search_doc_zh_gin ON cqgov_search_doc USING gin (zh)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS cqgov_search_doc_zh_gin")
    op.execute("ALTER TABLE cqgov_search_doc DROP COLUMN IF EXISTS zh")
