"""The index schema: CKAN's Solr ``schema.xml`` (ckan-2.11) restated in Python.

Both engines must see the same fields with the same meaning, so field types,
which fields are stored (returned by ``fl``), multi-valued and copied into the
catch-all ``text`` field follow ``ckan/config/solr/schema.xml``. Pure module: no
CKAN imports.

Field types used here:

``string``  exact, case-sensitive match (Solr ``StrField``); also the type of
            every field not named in the schema (dynamic ``*``).
``text``    analysed, stemmed (Solr ``text``).
``text_general`` analysed, not stemmed, no case-change split.
``date``    ISO timestamps; ranges accept Solr date math.
``int``     integers.
"""

from __future__ import annotations

import dataclasses
import hashlib


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    stored: bool = False
    multi: bool = False

    @property
    def is_text(self) -> bool:
        return self.type in ("text", "text_general")


def _f(name: str, type_: str = "string", stored: bool = True, multi: bool = False):
    return Field(name, type_, stored, multi)


_FIELDS = [
    _f("index_id"),
    _f("id"),
    _f("site_id"),
    _f("title", "text"),
    _f("title_ngram", "text_ngram"),
    _f("entity_type"),
    _f("dataset_type"),
    _f("state"),
    _f("name"),
    _f("name_ngram", "text_ngram"),
    _f("revision_id"),
    _f("version"),
    _f("url"),
    _f("ckan_url"),
    _f("download_url"),
    _f("notes", "text"),
    _f("author", "text_general"),
    _f("author_email", "text_general"),
    _f("maintainer", "text_general"),
    _f("maintainer_email", "text_general"),
    _f("license"),
    _f("license_id"),
    _f("tags", multi=True),
    _f("groups", multi=True),
    _f("organization"),
    _f("capacity"),
    _f("permission_labels", stored=False, multi=True),
    _f("res_name", "text_general", multi=True),
    _f("res_description", "text_general", multi=True),
    _f("res_format", multi=True),
    _f("res_url", multi=True),
    _f("res_type", multi=True),
    _f("text", "text", stored=False, multi=True),
    _f("urls", "text", stored=False, multi=True),
    *(
        _f(rel, "text", stored=False, multi=True)
        for rel in (
            "depends_on",
            "dependency_of",
            "derives_from",
            "has_derivation",
            "links_to",
            "linked_from",
            "child_of",
            "parent_of",
        )
    ),
    *(
        _f(n, "int", stored=False)
        for n in (
            "views_total",
            "views_recent",
            "resources_accessed_total",
            "resources_accessed_recent",
        )
    ),
    _f("metadata_created", "date"),
    _f("metadata_modified", "date"),
    _f("indexed_ts", "date"),
    _f("title_string", stored=False),
    _f("data_dict", "stored_only"),
    _f("validated_data_dict", "stored_only"),
    _f("_version_"),
]

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}

# CKAN computes these as integers although Solr types them as strings (``*``);
# ranges and sorting on them compare numbers, which is what users mean.
NUMERIC_FIELDS = frozenset({"num_resources", "num_tags"})

# Sources copied into ``urls`` and into the catch-all ``text`` field.
URL_SOURCES = ("url", "ckan_url", "download_url", "res_url")
TEXT_SOURCES = (
    "urls",
    "name",
    "title",
    "text",
    "license",
    "notes",
    "tags",
    "groups",
    "organization",
    "res_name",
    "res_description",
    "maintainer",
    "author",
)


def field(name: str) -> Field:
    """The schema definition for ``name`` (explicit, dynamic or ``*``)."""
    known = FIELDS.get(name)
    if known is not None:
        return known
    if name.endswith("_date"):
        return Field(name, "date", stored=True)
    if name.startswith("extras_"):
        return Field(name, "text", stored=True)
    if name.startswith("res_extras_"):
        return Field(name, "text", stored=True, multi=True)
    if name.startswith("vocab_"):
        return Field(name, "string", stored=True, multi=True)
    if name in NUMERIC_FIELDS:
        return Field(name, "int")
    return Field(name)


def is_declared(name: str) -> bool:
    """True for fields named in the schema or matching a typed dynamic field."""
    return name in FIELDS or name.endswith("_date") or name.startswith("extras_")


def copied_to_text(name: str) -> bool:
    """Whether values of ``name`` also go into the catch-all ``text`` field."""
    return name in TEXT_SOURCES or name.startswith(("extras_", "res_extras_", "vocab_"))


def text_weight(name: str) -> str:
    """tsvector weight for tokens from ``name``: A title/name, B tags/groups/
    organization, C notes and resources, D everything else."""
    if name in ("title", "name"):
        return "A"
    if name in ("tags", "groups", "organization") or name.startswith("vocab_"):
        return "B"
    if name == "notes" or name.startswith("res_"):
        return "C"
    return "D"


# The Chinese search fields the cqgov plugin adds (segmented words separated
# by spaces, see segmented.py): indexed in the compact ``zh`` column instead of
# ``tsv``, each with its tsvector weight and first position (so that a phrase
# never spans two fields).
SEGMENTED_FIELDS = {
    "extras_cqgov_title": ("A", 0),
    "extras_cqgov_keywords": ("B", 2000),
    "extras_cqgov_notes": ("C", 5000),
    "extras_cqgov_resources": ("D", 10000),
}

# Dedicated columns of the index table (hot filters and sorts); every other
# field lives in its JSON columns.
STRING_COLUMNS = (
    "index_id",
    "id",
    "site_id",
    "name",
    "entity_type",
    "state",
    "dataset_type",
    "capacity",
    "title_string",
)
DATE_COLUMNS = ("metadata_created", "metadata_modified")
ARRAY_COLUMNS = ("permission_labels",)

# Fields of ``fields`` that are not also copied into the small ``facets``
# column (identifiers, URLs, timestamps, sentences: never faceted on, and
# bulky); a facet or filter on one of them reads ``fields`` instead. The
# migrations that fill ``facets`` in (8d2f4b6a1c03, f4a8b2c6d1e9) follow
# the same rule.
NOT_IN_FACETS_COLUMN = frozenset(
    {
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
        # the dedicated columns' fields (filters there, never facets here)
        "entity_type",
        "state",
        "dataset_type",
        "capacity",
        # the catalog's sentences and identifiers (legal bases, conditions,
        # codes, contact, data items) and the pinyin search aid: a third of
        # the column's bytes, which every search reads for each match
        "share_condition",
        "share_basis",
        "open_condition",
        "open_basis",
        "resource_code",
        "related_codes",
        "contact",
        "data_items",
        "cqgov_pinyin",
    }
)


def in_facets_column(name: str) -> bool:
    """Whether a field's values are also in the ``facets`` column (facet
    counting reads that small column instead of the whole ``fields``)."""
    return name not in NOT_IN_FACETS_COLUMN and not name.startswith(
        ("extras_", "res_extras_")
    )


TERM_SEPARATOR = "\x1f"


def facet_term(name: str, value: str) -> int:
    """One entry of the ``facet_terms`` column: field and value as a 32-bit
    hash (the first four bytes of the MD5 of ``field<US>value``, signed; in
    SQL ``CAST(CAST('x' || left(md5(term), 8) AS bit(32)) AS integer)``).
    Four bytes instead of a string keep the row small; a filter tests the
    ``facets`` column as well, so a hash collision matches nothing extra."""
    digest = hashlib.md5((name + TERM_SEPARATOR + value).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)
