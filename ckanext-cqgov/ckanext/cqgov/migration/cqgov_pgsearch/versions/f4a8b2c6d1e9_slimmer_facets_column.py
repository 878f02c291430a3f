"""Sentences, identifiers and column copies out of ``facets``; hashed ``facet_terms``.

The ``facets`` column stays in the row so that facet counting reads it
without a TOAST fetch; every search reads it (with the rest of the row) for
each matching dataset. A third of its bytes were values nobody facets on:
the catalog's legal bases and conditions (sentences), codes, the contact,
the pinyin search aid, and copies of fields that have their own column
(``state``, ``capacity``, ``entity_type``, ``dataset_type``). Without them a
row is smaller, so more of the table stays in PostgreSQL's shared buffers.
A facet or filter on one of these fields now reads ``fields``
(``schema.in_facets_column``).

The filters' copy of the facet values, ``facet_terms``, holds 32-bit hashes
of ``field<US>value`` instead of the strings (``schema.facet_term``): about
100 bytes instead of 500-900, in the row, with the same GIN index and
element statistics; a filter also tests ``facets``, so a collision matches
nothing extra. (Moving the strings out of line instead, with a lower TOAST
target, made the row as small but a full rebuild 17 % slower: a TOAST write
per document.)

One rewrite of the table: both columns re-stored by type expressions (with
the storage setting of ``facets`` given again, which a new type resets).
Documents indexed from here on get the same values from
``document.build_row``.

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
        CREATE FUNCTION pg_temp.cqgov_facet_hashes(facets jsonb)
        RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
            SELECT COALESCE(array_agg(CAST(CAST(
                       'x' || left(md5(e.key || chr(31) || v.x), 8) AS bit(32)
                   ) AS integer)), '{}')
            FROM jsonb_each(facets) AS e,
                 jsonb_array_elements_text(e.value) AS v(x)
        $$
        """
    )
    op.execute(
        f"""
        ALTER TABLE cqgov_search_doc
            ALTER COLUMN facets TYPE jsonb USING facets - {names},
            ALTER COLUMN facet_terms DROP DEFAULT,
            ALTER COLUMN facet_terms TYPE integer[]
                USING pg_temp.cqgov_facet_hashes(facets - {names}),
            ALTER COLUMN facet_terms SET DEFAULT '{{}}',
            ALTER COLUMN facets SET STORAGE MAIN
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
    # the values are still in ``fields``: copied back, and the terms as text
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in _MOVED_OUT) + "]"
    op.execute(
        f"""
        UPDATE cqgov_search_doc SET facets = facets || COALESCE((
            SELECT jsonb_object_agg(key, value) FROM jsonb_each(fields)
            WHERE key = ANY({names})
        ), '{{}}')
        """
    )
    op.execute(
        """
        CREATE FUNCTION pg_temp.cqgov_facet_strings(facets jsonb)
        RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
            SELECT COALESCE(array_agg(e.key || chr(31) || v.x), '{}')
            FROM jsonb_each(facets) AS e,
                 jsonb_array_elements_text(e.value) AS v(x)
        $$
        """
    )
    op.execute(
        """
        ALTER TABLE cqgov_search_doc
            ALTER COLUMN facet_terms DROP DEFAULT,
            ALTER COLUMN facet_terms TYPE text[]
                USING pg_temp.cqgov_facet_strings(facets),
            ALTER COLUMN facet_terms SET DEFAULT '{}'
        """
    )
