"""GIN pending lists of the index table emptied.

PostgreSQL adds new entries of a GIN index with ``fastupdate`` to a pending
list and merges them into the index proper when the list passes
``gin_pending_list_limit`` (4 MB by default) or a vacuum runs; until then
every search that asks the index reads the whole list. After a bulk
indexing, the catch-all ``tsv`` index's list held 460 pages: each word of a
search read them all (1.3 ms a probe, three probes for a two-part word, at
100,000 datasets), against about 35 pages for the index itself.

From this revision on, single-document writes keep each list under 256 kB
(``gin_pending_list_limit`` set for their transaction), batches of a rebuild
keep the default (a small limit makes two rebuild processes wait on each
other's merges) and ``commit``, at the end of every rebuild, merges the
lists (:mod:`..search.client`). This migration empties them once.

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


def upgrade() -> None:
    op.execute(
        """
        SELECT count(gin_clean_pending_list(i.indexrelid))
        FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid
        JOIN pg_am AS a ON a.oid = c.relam
        WHERE i.indrelid = 'cqgov_search_doc'::regclass AND a.amname = 'gin'
        """
    )


def downgrade() -> None:
    pass
