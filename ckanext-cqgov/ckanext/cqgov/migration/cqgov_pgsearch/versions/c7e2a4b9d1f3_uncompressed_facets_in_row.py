"""Facet values kept uncompressed in the row: TOAST target 2400 bytes.

With the key, the filters, ``zh`` and ``facets`` in the row (storage MAIN),
a row is 2.0-2.3 kB; above PostgreSQL's default target (2032 bytes)
``facets`` was compressed, in about a third of the rows at 100,000 datasets,
and every facet of a search then decompressed it again for each matched
document (four facets: four times). Up to 2400 bytes a row is now left as it
is (the heap grows by about 7 %); the large columns are still moved out.

Existing rows are rewritten here with ``facets`` decompressed (the column is
re-stored by an expression that returns the same value); no re-index is
needed.

Revision ID: c7e2a4b9d1f3
Revises: b6d1f0a3c4e2
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "c7e2a4b9d1f3"
down_revision = "b6d1f0a3c4e2"
branch_labels = None
depends_on = None

TOAST_TUPLE_TARGET = 2400


def upgrade() -> None:
    op.execute(
        f"ALTER TABLE cqgov_search_doc SET (toast_tuple_target = {TOAST_TUPLE_TARGET})"
    )
    # one rewrite: a new type expression re-stores every value (the storage
    # and compression settings of the same statement apply to it)
    op.execute(
        """
        ALTER TABLE cqgov_search_doc
            ALTER COLUMN facets TYPE jsonb USING facets || '{}'::jsonb,
            ALTER COLUMN facets SET STORAGE MAIN
        """
    )
    op.execute(
        """
        DO $$
        BEGIN
            ALTER TABLE cqgov_search_doc ALTER COLUMN facets SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            NULL;
        END
        $$
        """
    )
    op.execute("ANALYZE cqgov_search_doc")


def downgrade() -> None:
    op.execute("ALTER TABLE cqgov_search_doc RESET (toast_tuple_target)")
