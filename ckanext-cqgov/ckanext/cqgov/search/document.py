"""A Solr document (as CKAN builds it for indexing) → one index table row.

Pure module: no CKAN imports. The row has

* dedicated columns for the hot filters and sorts (:data:`COLUMNS`);
* ``facets``: the part of ``fields`` facets are counted on
  (:func:`.schema.in_facets_column`), small enough to stay in the row,
  and the same as hashes of ``field<US>value`` in ``facet_terms`` (filters:
  an array the planner has statistics for, :func:`.schema.facet_term`);
* ``fields``: every indexed non-text field as ``{name: [value, ...]}`` with
  values as strings (Solr ``string`` semantics; one shape for single- and
  multi-valued fields so one GIN index answers ``@>``), plus the raw value of
  single-valued ``extras_*`` for sorting;
* ``stored``: what Solr would return for ``fl=*`` (schema ``stored="true"``
  fields, including ``data_dict`` / ``validated_data_dict``);
* ``zh``: the Chinese search fields (:data:`.schema.SEGMENTED_FIELDS`) as
  bare lexemes weighted A-D, a small vector read for every match;
* ``tsv``: a tsvector literal with field-qualified lexemes for every text field
  (``title:foo``) and bare lexemes for the catch-all ``text`` field (copyField
  sources), weighted A title/name, B tags/groups/organization, C notes and
  resources, D the rest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from . import analysis, schema

COLUMNS = schema.STRING_COLUMNS
DATE_COLUMNS = schema.DATE_COLUMNS

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 256
MAX_TERM_LENGTH = 256


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v is not None]
    return [value]


def as_string(value: Any) -> str:
    """A value as Solr indexes it in a string field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def solr_date(value: Any) -> Any:
    """A date as Solr stores and returns it: UTC, ``Z``, milliseconds only
    when not zero (``2014-06-10T08:24:12.782Z``); other values unchanged."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    else:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    millis = moment.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else text + "Z"


class _Vector:
    def __init__(self) -> None:
        self.lexemes: dict[str, dict[int, str]] = {}

    def add(self, tokens: Iterable[tuple[str, int]], prefix: str, weight: str) -> None:
        for term, pos in tokens:
            if len(term) > MAX_TERM_LENGTH:
                continue
            lexeme = prefix + term
            positions = self.lexemes.setdefault(lexeme, {})
            position = min(pos + 1, MAX_POSITION)
            if position in positions:
                positions[position] = min(positions[position], weight)  # A best
            elif len(positions) < MAX_POSITIONS_PER_LEXEME:
                positions[position] = weight

    def literal(self) -> str:
        parts = []
        for lexeme, positions in self.lexemes.items():
            quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
            where = ",".join(f"{p}{w}" for p, w in sorted(positions.items()))
            parts.append(f"{quoted}:{where}")
        return " ".join(parts)


def _text_values(value: Any) -> list[str]:
    return [as_string(v) for v in _values(value) if as_string(v).strip()]


def build_row(
    doc: dict[str, Any], indexed_at: dt.datetime | None = None
) -> dict[str, Any]:
    """Column values for one document (``tsv`` as tsvector text input)."""
    if not doc.get("index_id"):
        raise ValueError("document has no index_id")
    indexed_at = indexed_at or dt.datetime.now(dt.timezone.utc)
    doc = dict(doc)
    doc.setdefault(
        "indexed_ts",
        indexed_at.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{indexed_at.microsecond // 1000:03d}Z",
    )

    fields: dict[str, list[str]] = {}
    stored: dict[str, Any] = {}
    vector = _Vector()
    zh = _Vector()
    catch_all: list[tuple[str, list[str]]] = []

    urls = [v for key in schema.URL_SOURCES for v in _text_values(doc.get(key))]
    if urls:
        doc_urls = _text_values(doc.get("urls")) + urls
        doc["urls"] = doc_urls

    for name, value in doc.items():
        definition = schema.field(name)
        if definition.stored and value is not None:
            stored[name] = solr_date(value) if definition.type == "date" else value
        if definition.type == "stored_only":
            continue
        if definition.is_text:
            texts = _text_values(value)
            if not texts:
                continue
            if name in schema.SEGMENTED_FIELDS:
                weight, start = schema.SEGMENTED_FIELDS[name]
                zh.add(analysis.index_values(texts, start_position=start), "", weight)
            elif name != "text":
                stemmed = definition.type == "text"
                tokens = analysis.index_values(
                    texts, stemmed=stemmed, split_case=stemmed
                )
                vector.add(tokens, name + ":", schema.text_weight(name))
            if name.startswith("extras_") and len(texts) == 1:
                fields[name] = texts
        elif definition.type != "text_ngram":
            values = [as_string(v) for v in _values(value)]
            if values:
                fields[name] = values
        if schema.copied_to_text(name):
            texts = _text_values(value)
            if texts:
                catch_all.append((name, texts))

    for target, source in (("title_ngram", "title"), ("name_ngram", "name")):
        if doc.get(source) is not None:
            stored[target] = doc[source]

    position = 0
    for name, texts in catch_all:
        tokens = analysis.index_values(texts, start_position=position)
        vector.add(tokens, "", schema.text_weight(name))
        if tokens:
            position = max(p for _t, p in tokens) + 1 + analysis.VALUE_GAP

    row: dict[str, Any] = {}
    for column in COLUMNS:
        values = _values(doc.get(column))
        row[column] = as_string(values[0]) if values else None
    for column in DATE_COLUMNS:
        values = _values(doc.get(column))
        row[column] = as_string(values[0]) if values else None
    row["permission_labels"] = [
        as_string(v) for v in _values(doc.get("permission_labels"))
    ]
    row["fields"] = fields
    row["facets"] = {k: v for k, v in fields.items() if schema.in_facets_column(k)}
    row["facet_terms"] = [
        schema.facet_term(k, v) for k, values in row["facets"].items() for v in values
    ]
    row["stored"] = stored
    row["tsv"] = vector.literal()
    row["zh"] = zh.literal()
    return row
