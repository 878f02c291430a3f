"""Keep the small columns every search reads in the row (storage MAIN).

A row is about 2 kB before TOAST (``zh`` and ``facets`` are kept in it), so
PostgreSQL moved the small default-storage columns out of line too, down to
the ``index_id`` key and the ``permission_labels``: every matched document
cost two or three TOAST look-ups just to be identified and filtered (about
3,000 extra buffer reads for a keyword matching 3,300 documents). With
storage MAIN they stay in the row; the large columns (``stored``,
``fields``, ``tsv``, ``facet_terms``) are still the ones moved out.

Existing rows are rewritten here (``CLUSTER`` on the primary key re-TOASTs
every row by the new settings and rebuilds the indexes); no re-index is
needed.

Revision ID: b6d1f0a3c4e2
Revises: 9a4c3e5f2b07
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "b6d1f0a3c4e2"
down_revision = "9a4c3e5f2b07"
branch_labels = None
depends_on = None

HOT_COLUMNS = (
    "index_id",
    "id",
    "site_id",
    "name",
    "entity_type",
    "state",
    "dataset_type",
    "capacity",
    "permission_labels",
    "title_string",
)


def _set_storage(storage: str) -> None:
    op.execute(
        "ALTER TABLE cqgov_search_doc "
        + ", ".join(f"ALTER COLUMN {c} SET STORAGE {storage}" for c in HOT_COLUMNS)
    )
    op.execute("CLUSTER cqgov_search_doc USING cqgov_search_doc_pkey")
    op.execute("ALTER TABLE cqgov_search_doc SET WITHOUT CLUSTER")
    op.execute("ANALYZE cqgov_search_doc")


def upgrade() -> None:
    _set_storage("MAIN")


def downgrade() -> None:
    _set_storage("EXTENDED")
