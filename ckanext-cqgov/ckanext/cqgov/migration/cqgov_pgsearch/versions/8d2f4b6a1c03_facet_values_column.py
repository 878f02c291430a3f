"""Facet values columns ``facets`` and ``facet_terms``: the facetable string
fields of ``fields`` in a small jsonb kept in the row, so that counting facets
over the matching documents does not de-TOAST the whole ``fields`` document
once per facet, and as ``field<US>value`` terms for exact filters;
lz4 compression for the large columns (faster to read back than pglz).

Existing rows are filled in here; no re-index is needed.

Revision ID: 8d2f4b6a1c03
Revises: 5b7e2c4d9a01
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "8d2f4b6a1c03"
down_revision = "5b7e2c4d9a01"
branch_labels = None
depends_on = None

# The rule of ``schema.in_facets_column`` at this revision: every field of
# ``fields`` except these and the ``extras_*`` / ``res_extras_*`` fields.
_NOT_FACETS = (
    "index_id",
    "id",
    "name",
    "site_id",
    "url",
    "ckan_url",
    "download_url",
    "res_url",
    "revision_id",
    "indexed_ts",
    "metadata_created",
    "metadata_modified",
    "title_string",
    "permission_labels",
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE cqgov_search_doc ADD COLUMN facets jsonb NOT NULL DEFAULT '{}'"
    )
    op.execute("ALTER TABLE cqgov_search_doc ALTER COLUMN facets SET STORAGE MAIN")
    deny = ", ".join(f"'{name}'" for name in _NOT_FACETS)
    op.execute(
        f"""
        UPDATE cqgov_search_doc SET facets = COALESCE((
            SELECT jsonb_object_agg(key, value) FROM jsonb_each(fields)
            WHERE key NOT IN ({deny})
              AND key NOT LIKE 'extras\\_%' AND key NOT LIKE 'res\\_extras\\_%'
        ), '{{}}')
        """
    )
    # the same values as "field<US>value" terms: filters on them (fq) get an
    # estimate from the array's element statistics (jsonb containment has none)
    op.execute(
        "ALTER TABLE cqgov_search_doc "
        "ADD COLUMN facet_terms text[] NOT NULL DEFAULT '{}'"
    )
    op.execute(
        """
        UPDATE cqgov_search_doc SET facet_terms = COALESCE((
            SELECT array_agg(e.key || chr(31) || v.x)
            FROM jsonb_each(facets) AS e,
                 jsonb_array_elements_text(e.value) AS v(x)
        ), '{}')
        """
    )
    op.execute(
        "CREATE INDEX cqgov_search_doc_facet_terms_gin "
        "ON cqgov_search_doc USING gin (facet_terms)"
    )
    # lz4 where the server has it (new values only; pglz stays readable)
    op.execute(
        """
        DO $$
        BEGIN
            ALTER TABLE cqgov_search_doc
                ALTER COLUMN tsv SET COMPRESSION lz4,
                ALTER COLUMN zh SET COMPRESSION lz4,
                ALTER COLUMN fields SET COMPRESSION lz4,
                ALTER COLUMN stored SET COMPRESSION lz4,
                ALTER COLUMN facets SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            NULL;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE cqgov_search_doc DROP COLUMN IF EXISTS facet_terms")
    op.execute("ALTER TABLE cqgov_search_doc DROP COLUMN IF EXISTS facets")
