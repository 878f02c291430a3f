"""Create the search index table cqgov_search_doc.

Revision ID: 3f1c2a9d7b10
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "3f1c2a9d7b10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE cqgov_search_doc (
            index_id text PRIMARY KEY,
            id text NOT NULL,
            site_id text,
            name text,
            entity_type text,
            state text,
            dataset_type text,
            capacity text,
            permission_labels text[] NOT NULL DEFAULT '{}',
            metadata_created timestamptz,
            metadata_modified timestamptz,
            title_string text,
            fields jsonb NOT NULL DEFAULT '{}',
            stored jsonb NOT NULL DEFAULT '{}',
            tsv tsvector NOT NULL DEFAULT ''
        )
        """
    )
    for column in ("id", "name", "state", "metadata_modified", "metadata_created"):
        op.execute(
            f"CREATE INDEX cqgov_search_doc_{column}_idx ON cqgov_search_doc ({column})"
        )
    op.execute(
        "CREATE INDEX cqgov_search_doc_title_string_idx "
        'ON cqgov_search_doc (title_string COLLATE "C")'
    )
    for column in ("permission_labels", "fields", "tsv"):
        op.execute(
            f"CREATE INDEX cqgov_search_doc_{column}_gin "
            f"ON cqgov_search_doc USING gin ({column})"
        )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS cqgov_search_doc")
