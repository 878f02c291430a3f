"""Indexed substring search for autocomplete: ``cqgov_bigrams(text)``, the
distinct two-character substrings of a text, and GIN indexes on it over the
lowercased title and name and over the title's pinyin (``cqgov_pinyin``).

``package_autocomplete`` matches typed text as a substring of titles and
names (Solr's ``title_ngram`` / ``name_ngram``) and typed pinyin as a
substring of the title's pinyin; without these indexes every such query
scanned all documents. A substring's bigrams must all be among the text's,
so the index narrows the rows and ``LIKE`` decides. (pg_trgm cannot serve:
with the database's C character type it ignores Chinese characters.)

Revision ID: 9a4c3e5f2b07
Revises: 8d2f4b6a1c03
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "9a4c3e5f2b07"
down_revision = "8d2f4b6a1c03"
branch_labels = None
depends_on = None

# (the expressions must stay exactly those of ckanext.cqgov.search.lucene)
INDEXES = {
    "cqgov_search_doc_title_grams": "cqgov_bigrams(lower(stored ->> 'title'))",
    "cqgov_search_doc_name_grams": "cqgov_bigrams(lower(name))",
    "cqgov_search_doc_pinyin_grams": "cqgov_bigrams(fields -> 'cqgov_pinyin' ->> 0)",
}


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION cqgov_bigrams(t text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT COALESCE(array_agg(DISTINCT substr(t, i, 2)), '{}')
            FROM generate_series(1, length(t) - 1) AS i
        $$
        """
    )
    for name, expression in INDEXES.items():
        op.execute(
            f"CREATE INDEX {name} ON cqgov_search_doc USING gin (({expression}))"
        )


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS cqgov_bigrams(text)")
