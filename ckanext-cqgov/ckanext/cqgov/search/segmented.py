"""Chinese search on CKAN's stock Solr schema: the document fields and the
query parameters the ``cqgov`` plugin sends to either engine.

CKAN's stock schema tokenizes text on whitespace, so a word inside a Chinese
title is never found there. The segmented words (:mod:`.chinese`) are
therefore indexed, separated by spaces, into four ``extras_cqgov_*`` fields:
the stock schema's dynamic ``extras_*`` field has type ``text`` (whitespace
tokenizer, word delimiter, lowercase, English stemming, ASCII folding), which
keeps a Chinese word whole and treats ASCII words as for any other text, and
``extras_*`` is copied into the catch-all ``text`` field. No Solr schema change
is needed; the PostgreSQL backend indexes the same fields the same way.

=========================  =========================================  =====
field                      source                                     boost
=========================  =========================================  =====
``extras_cqgov_title``     title                                      10
``extras_cqgov_keywords``  tags, organization title, data-item names  5
``extras_cqgov_notes``     description (notes)                        2
``extras_cqgov_resources`` resource names and descriptions            1
=========================  =========================================  =====

Queries (:func:`search_params`): the free-text part of ``q`` is segmented in
precise mode and each word is widened by its synonyms (``公交`` →
``(公交 OR 公共交通)``) and, for compound words, by its parts; phrases are
segmented but stay phrases; ``title:`` / ``notes:`` field queries go to their
segmented fields; other field queries are left alone. The query runs as
``edismax`` over :data:`QF` with a phrase boost (:data:`PF`), so title matches
rank above description matches and an exact phrase above scattered words;
CKAN's default sort (``score desc, metadata_modified desc``) breaks ties by
recency.

Pure module: imports nothing from CKAN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from luqum import tree as lt
from luqum.exceptions import ParseError
from luqum.parser import parser as _luqum_parser

from . import chinese

TITLE = "extras_cqgov_title"
KEYWORDS = "extras_cqgov_keywords"
NOTES = "extras_cqgov_notes"
RESOURCES = "extras_cqgov_resources"
FIELDS = (TITLE, KEYWORDS, NOTES, RESOURCES)
# The title's pinyin for autocomplete (:func:`chinese.pinyin_key`): a string
# field (Solr's catch-all ``*``, not copied into ``text``), so typed pinyin
# never matches in a free-text search, only where autocomplete asks for it.
PINYIN = "cqgov_pinyin"

QF = f"{TITLE}^10 {KEYWORDS}^5 {NOTES}^2 {RESOURCES}^1 name^4 text^0.5"
PF = f"{TITLE}^20 {NOTES}^4"
TIE = "0.1"
MM = "2<-1 5<80%"

# field queries whose meaning is "words of this text": searched segmented
FIELD_MAP = {
    "title": TITLE,
    "notes": NOTES,
    "text": "text",
    TITLE: TITLE,
    KEYWORDS: KEYWORDS,
    NOTES: NOTES,
    RESOURCES: RESOURCES,
}

# Solr's reserved characters, escaped inside generated words
_SPECIAL_RE = re.compile(r'([\\+\-&|!(){}\[\]^"~*?:/])')
_MATCH_ALL = ("", "*:*", '""', "''")


# ---------------------------------------------------------------- documents


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str) and value[:1] == "[":
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    return [value]


def _validated(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    raw = pkg_dict.get("validated_data_dict") or pkg_dict.get("data_dict")
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return raw if isinstance(raw, dict) else {}


def _names(items: Iterable[Any], key: str = "name") -> list[str]:
    out = []
    for item in items:
        if isinstance(item, dict):
            value = item.get(key)
            if value:
                out.append(str(value))
        elif item:
            out.append(str(item))
    return out


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, str]:
    """The segmented fields for a dataset's index document.

    ``pkg_dict`` is the document CKAN builds for the index (flat ``tags``,
    ``res_name``, ``res_description``; the dataset as JSON in
    ``validated_data_dict``). ``data_items`` (repeating subfields) may be a
    list of dicts or its JSON text.
    """
    dataset = _validated(pkg_dict)
    organization = dataset.get("organization") or {}
    org_title = organization.get("title") if isinstance(organization, dict) else None
    tags = _as_list(pkg_dict.get("tags")) or _names(dataset.get("tags") or [])
    items = _as_list(pkg_dict.get("data_items")) or _as_list(dataset.get("data_items"))
    resources = dataset.get("resources") or []
    res_names = _as_list(pkg_dict.get("res_name")) or _names(resources)
    res_descriptions = _as_list(pkg_dict.get("res_description")) or _names(
        resources, "description"
    )
    texts = {
        TITLE: [pkg_dict.get("title") or dataset.get("title")],
        KEYWORDS: [*map(str, tags), org_title, *_names(items)],
        NOTES: [pkg_dict.get("notes") or dataset.get("notes")],
        RESOURCES: [*map(str, res_names), *map(str, res_descriptions)],
    }
    out = {}
    for field, values in texts.items():
        text = chinese.index_text(str(v) for v in values if v)
        if text:
            out[field] = text
    pinyin = chinese.pinyin_key(str(texts[TITLE][0] or ""))
    if pinyin:
        out[PINYIN] = pinyin
    return out


# ---------------------------------------------------------------- queries


def search_params(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_search`` parameters with the query made for segmented fields.

    Explicit ``defType`` / ``qf`` / ``pf`` / ``tie`` / ``mm`` given by the
    caller are kept; a match-all or empty ``q`` is left alone.
    """
    q = data_dict.get("q")
    if not isinstance(q, str) or q.strip() in _MATCH_ALL:
        return data_dict
    rewritten = rewrite_query(q)
    if rewritten is None:
        if ":" in q:
            # invalid fielded query: left to the engine, which reports it
            return data_dict
        # invalid plain text: its words, as dismax is lenient
        rewritten = " ".join(text_clauses(_SPECIAL_RE.sub(" ", q))) or q
    data_dict["q"] = rewritten
    if data_dict.get("defType") not in (None, "", "dismax", "edismax"):
        return data_dict
    data_dict["defType"] = "edismax"
    data_dict.setdefault("qf", QF)
    data_dict.setdefault("pf", PF)
    data_dict.setdefault("tie", TIE)
    data_dict.setdefault("mm", MM)
    return data_dict


def escape(word: str) -> str:
    """A word as a Lucene term (reserved characters escaped)."""
    return _SPECIAL_RE.sub(r"\\\1", word)


def _phrase_or_word(words: list[str]) -> str:
    if len(words) == 1:
        return escape(words[0])
    return (
        '"' + " ".join(w.replace("\\", "\\\\").replace('"', '\\"') for w in words) + '"'
    )


def _alternatives(word: str) -> list[str]:
    alts = []
    for member in chinese.synonyms(word):
        words = chinese.query_words(member) or [member]
        clause = _phrase_or_word(words)
        if clause not in alts:
            alts.append(clause)
    return alts


def word_clause(word: str) -> str:
    """The query clause for one segmented query word: the word, its synonyms,
    and for a compound word missing from the synonyms its two parts."""
    alts = _alternatives(word)
    if len(alts) == 1:
        parts = chinese.compound_parts(word)
        if parts:
            inner = " AND ".join(_group(_alternatives(p)) for p in parts)
            alts.append(f"({inner})")
    return _group(alts)


def _group(alts: list[str]) -> str:
    return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def text_clauses(text: str) -> list[str]:
    """Query clauses for a run of free text (one per segmented word).

    Text that ends in a lone Chinese character (the start of a word still
    being typed: ``重庆市定``, ``公共交``) also matches words beginning with
    it: the last clause becomes ``(定 OR 定*)``, so a title's prefix finds
    the title in the search box as it does in autocomplete."""
    words = chinese.query_words(text)
    clauses = [word_clause(w) for w in words]
    last = words[-1] if words else ""
    if _LONE_HAN.fullmatch(last) and chinese.normalize(text).rstrip().endswith(last):
        clauses[-1] = f"({clauses[-1]} OR {last}*)"
    return clauses


_LONE_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def rewrite_query(q: str) -> str | None:
    """The ``q`` to send: free text segmented, structure kept (see module).
    None when ``q`` is not valid query syntax."""
    try:
        tree = _luqum_parser.parse(q)
    except (ParseError, TypeError, ValueError):
        return None
    rewritten = _Rewriter().item(tree, field=None, top=True)
    return rewritten.strip() or q


class _Rewriter:
    def item(self, item: lt.Item, *, field: str | None, top: bool = False) -> str:
        if isinstance(item, lt.SearchField):
            return self.search_field(item)
        if isinstance(item, lt.Word):
            return self.word(item.value, field, top)
        if isinstance(item, lt.Phrase):
            return self.phrase(item.value)
        if isinstance(item, lt.Group):
            return "(" + self.item(item.expr, field=field, top=True) + ")"
        if isinstance(item, lt.FieldGroup):
            return "(" + self.item(item.expr, field=field, top=True) + ")"
        if isinstance(item, lt.Plus):
            return "+" + self.item(item.a, field=field)
        if isinstance(item, lt.Prohibit):
            return "-" + self.item(item.a, field=field)
        if isinstance(item, lt.Not):
            return "NOT " + self.item(item.a, field=field)
        if isinstance(item, lt.AndOperation):
            return " AND ".join(self.item(c, field=field) for c in item.children)
        if isinstance(item, lt.OrOperation):
            return " OR ".join(self.item(c, field=field) for c in item.children)
        if isinstance(item, lt.UnknownOperation):
            return " ".join(self.item(c, field=field, top=top) for c in item.children)
        if isinstance(item, lt.Boost):
            return f"{self.item(item.expr, field=field)}^{item.force}"
        return str(item).strip()

    def search_field(self, item: lt.SearchField) -> str:
        target = FIELD_MAP.get(item.name)
        if target is None:
            return str(item).strip()
        expr = item.expr
        if isinstance(expr, lt.Word) and expr.value == "*":
            return str(item).strip()
        inner = self.item(expr, field=target)
        grouped = (lt.Word, lt.Group, lt.FieldGroup, lt.Phrase)
        if isinstance(expr, grouped) or " " not in inner:
            return f"{target}:{inner}"
        return f"{target}:({inner})"

    def word(self, value: str, field: str | None, top: bool) -> str:
        if value in ("AND", "OR", "NOT", "&&", "||") or re.search(
            r"(?<!\\)[*?]", value
        ):
            return (
                chinese.normalize(value) if value not in ("AND", "OR", "NOT") else value
            )
        text = re.sub(r"\\(.)", r"\1", value)
        clauses = text_clauses(text)
        if not clauses:
            # nothing searchable (punctuation only): keep Solr's behaviour
            return value
        if len(clauses) == 1:
            return clauses[0]
        if top and field is None:
            return " ".join(clauses)
        return "(" + " AND ".join(clauses) + ")"

    def phrase(self, value: str) -> str:
        inner = re.sub(r"\\(.)", r"\1", value[1:-1])
        words = chinese.query_words(inner)
        if not words:
            return value
        return '"' + " ".join(words) + '"'
