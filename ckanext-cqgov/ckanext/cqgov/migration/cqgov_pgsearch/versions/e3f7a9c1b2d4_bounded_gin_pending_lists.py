"""GIN pending lists of the index table bounded at 256 kB.

PostgreSQL adds new entries of a GIN index with ``fastupdate`` to a pending
list and merges them into the index proper when the list passes
``gin_pending_list_limit`` (4 MB by default) or a vacuum runs; until then
every search that asks the index reads the whole list. After a bulk
indexing, the catch-all ``tsv`` index's list held 460 pages: each word of a
search read them all (1.3 ms a probe, three probes for a two-part word, at
100,000 datasets), against about 35 pages for the index itself. With 256 kB
a list holds at most 32 pages; writes still go in batches. ``commit`` (the
end of ``search-index rebuild``) empties the lists
(:meth:`PgSolrClient.commit`); this migration empties them once.

Revision ID: e3f7a9c1b2d4
Revises: d4b8e2f6a0c5
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "e3f7a9c1b2d4"
down_revision = "d4b8e2f6a0c5"
branch_labels = None
depends_on = None

PENDING_LIST_KB = 256
GIN_INDEXES = (
    "cqgov_search_doc_facet_terms_gin",
    "cqgov_search_doc_fields_gin",
    "cqgov_search_doc_name_grams",
    "cqgov_search_doc_permission_labels_gin",
    "cqgov_search_doc_pinyin_grams",
    "cqgov_search_doc_title_grams",
    "cqgov_search_doc_tsv_gin",
    "cqgov_search_doc_zh_gin",
)


def upgrade() -> None:
    for name in GIN_INDEXES:
        op.execute(
            f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})"
        )
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    for name in GIN_INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
