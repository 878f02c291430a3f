"""Sentences, identifiers and the dedicated columns' fields out of ``facets``.

The ``facets`` column stays in the row so that facet counting reads it
without a TOAST fetch; every search reads it (with the rest of the row) for
each matching dataset. A third of its bytes were values nobody facets on:
the catalog's legal bases and conditions (sentences), codes, the contact,
the pinyin search aid, and copies of fields that have their own column
(``state``, ``capacity``, ``entity_type``, ``dataset_type``). Without them a
row is about a quarter smaller, so more of the table stays in PostgreSQL's
shared buffers. A facet or filter on one of these fields now reads
``fields`` (``schema.in_facets_column``).

The filter copy of the facet values, ``facet_terms``, is asked through its
GIN index and need not be in the row: it is stored out of line, uncompressed
(storage EXTERNAL), once a row passes 1800 bytes (``toast_tuple_target``;
the row without it is 1.5 kB on average, 1.8 kB at most at 100,000
generated datasets). Without that it would take the room freed in
``facets``.

One rewrite of the table: both columns re-stored by type expressions (with
the storage setting of ``facets`` given again, which a new type resets).

Revision ID: f4a8b2c6d1e9
Revises: e3f7a9c1b2d4
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "f4a8b2c6d1e9"
down_revision = "e3f7a9c1b2d4"
branch_labels = None
depends_on = None

# rows above this size have their large columns moved out of line
TOAST_TUPLE_TARGET = 1800

# the fields this revision adds to ``schema.NOT_IN_FACETS_COLUMN``
_MOVED_OUT = (
    "entity_type",
    "state",
    "dataset_type",
    "capacity",
    "share_condition",
    "share_basis",
    "open_condition",
    "open_basis",
    "resource_code",
    "related_codes",
    "contact",
    "data_items",
    "cqgov_pinyin",
)


def upgrade() -> None:
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in _MOVED_OUT) + "]"
    # (a transform expression cannot hold a subquery; a function can)
    op.execute(
        """
        CREATE FUNCTION pg_temp.cqgov_terms_without(terms text[], fields text[])
        RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
            SELECT ARRAY(SELECT t FROM unnest(terms) AS t
                         WHERE split_part(t, chr(31), 1) <> ALL(fields))
        $$
        """
    )
    op.execute(
        f"""
        ALTER TABLE cqgov_search_doc
            SET (toast_tuple_target = {TOAST_TUPLE_TARGET}),
            ALTER COLUMN facets TYPE jsonb USING facets - {names},
            ALTER COLUMN facet_terms TYPE text[]
                USING pg_temp.cqgov_terms_without(facet_terms, {names}),
            ALTER COLUMN facets SET STORAGE MAIN,
            ALTER COLUMN facet_terms SET STORAGE EXTERNAL
        """
    )
    # a new type expression resets the column's compression setting
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
    op.execute(
        """
        ALTER TABLE cqgov_search_doc
            SET (toast_tuple_target = 2400),
            ALTER COLUMN facet_terms SET STORAGE EXTENDED
        """
    )
    # the values are still in ``fields``: copied back
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in _MOVED_OUT) + "]"
    op.execute(
        f"""
        UPDATE cqgov_search_doc SET
            facets = facets || COALESCE((
                SELECT jsonb_object_agg(key, value) FROM jsonb_each(fields)
                WHERE key = ANY({names})
            ), '{{}}'),
            facet_terms = facet_terms || COALESCE((
                SELECT array_agg(e.key || chr(31) || v.x)
                FROM jsonb_each(fields) AS e,
                     jsonb_array_elements_text(e.value) AS v(x)
                WHERE e.key = ANY({names})
            ), '{{}}')
        """
    )
