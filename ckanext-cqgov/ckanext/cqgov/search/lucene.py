"""Solr/Lucene query syntax → SQL over the ``cqgov_search_doc`` index table.

Pure module (no CKAN imports). :func:`parse` turns a query string (``q``,
``fq``, a delete query) into a small tree of :class:`Node` objects using luqum;
:class:`Compiler` turns that tree into a SQL boolean expression plus a
relevance expression, with every value — user input, field names included —
passed as a bound parameter (``:p0``, ``:p1`` …, SQLAlchemy ``text()`` style).

Supported syntax: free text, ``field:value``, ``"phrases"``, ``AND``/``OR``/
``NOT``/``&&``/``||``, ``+``/``-`` prefixes, negation-only clauses, parentheses,
``field:(a OR b)``, ``*:*``, ``field:*`` (field present), wildcards ``foo*`` /
``f?o`` (string fields: LIKE; text fields: prefix match), ranges ``[a TO b]`` /
``{a TO b}`` with ``*`` and Solr date math, escaped characters, boosts (``^``,
accepted and ignored), fuzzy ``~`` (treated as the plain term) and proximity
(``"a b"~3``: all words, any distance). Regular expressions are rejected.

Field semantics follow :mod:`.schema`: string fields (and every unknown field)
match exactly and case-sensitively; text fields are analysed by
:mod:`.analysis` and matched on field-qualified lexemes (``title:foo``), the
catch-all ``text`` on bare lexemes; date fields compare instants.

Dismax (``defType=dismax``, what CKAN sends when ``q`` has no colon): each
clause without ``+``/``-`` is optional, matched against the ``qf`` fields
(best field score times its boost, plus ``tie`` times the others) and ``mm``
decides how many optional clauses must match (:func:`min_should_match`).

Sorting (:func:`parse_sort`): ``score``, the dedicated columns, dates and any
single-valued string or numeric field. Sorting on a multi-valued or analysed
text field (except the single-valued ``extras_*``), on anything that is not a
field name, or without ``asc``/``desc`` is an error. A sort field that is
neither declared in the schema (explicitly or as ``*_date`` / ``extras_*``) nor
present in any indexed document is *unknown*: the caller checks presence
(:attr:`SortKey.needs_presence_check`) and rejects it, so a typo in ``sort`` is
reported rather than silently ignored.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from decimal import Decimal
from typing import Any, Union

from luqum import tree as lt
from luqum.exceptions import ParseError
from luqum.parser import parser as _luqum_parser

from . import analysis, datemath, schema


class QuerySyntaxError(ValueError):
    """The query, filter or sort cannot be understood."""


# ---------------------------------------------------------------- the tree


@dataclasses.dataclass
class MatchAll:
    pass


@dataclasses.dataclass
class MatchNone:
    pass


@dataclasses.dataclass
class Term:
    field: str | None  # None: the default field(s)
    text: str
    phrase: bool = False
    wildcard: bool = False
    loose: bool = False  # proximity phrase: every word, any distance


@dataclasses.dataclass
class Range:
    field: str | None
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclasses.dataclass
class Exists:
    field: str


@dataclasses.dataclass
class Bool:
    must: list[Node] = dataclasses.field(default_factory=list)
    should: list[Node] = dataclasses.field(default_factory=list)
    must_not: list[Node] = dataclasses.field(default_factory=list)
    # None: at least one optional clause when there is no required one
    min_should: int | None = None


Node = Union[MatchAll, MatchNone, Term, Range, Exists, Bool]

_WILDCARD_RE = re.compile(r"(?<!\\)(?:\\\\)*[*?]")
_UNESCAPE_RE = re.compile(r"\\(.)", re.S)


def _unescape(value: str) -> str:
    return _UNESCAPE_RE.sub(r"\1", value)


def parse(query: str, *, default_op: str = "AND", dismax_mm: str | None = None) -> Node:
    """Parse a Lucene query string into a tree.

    ``default_op`` is Solr's ``q.op`` (how juxtaposed clauses combine). With
    ``dismax_mm`` set the query is a dismax query: juxtaposed clauses are
    optional and ``mm`` says how many must match. Raises
    :class:`QuerySyntaxError`.
    """
    text = (query or "").strip()
    if not text:
        return MatchAll()
    try:
        parsed = _luqum_parser.parse(text)
    except (ParseError, TypeError, ValueError) as e:
        raise QuerySyntaxError(f"cannot parse query {query!r}: {e}") from e
    builder = _Builder(default_op.upper(), dismax_mm)
    node = builder.build(parsed, None)
    return _top(node)


def _top(node: Node) -> Node:
    # A purely negative query means "everything except" (as Solr does).
    if isinstance(node, Bool) and not node.must and not node.should:
        node.must.append(MatchAll())
    return node


class _Builder:
    def __init__(self, default_op: str, dismax_mm: str | None):
        if default_op not in ("AND", "OR"):
            raise QuerySyntaxError(f"q.op must be AND or OR, not {default_op!r}")
        self.default_op = default_op
        self.dismax_mm = dismax_mm

    def build(self, item: lt.Item, field: str | None) -> Node:
        if isinstance(item, lt.SearchField):
            if field is not None:
                raise QuerySyntaxError(f"nested field {item.name!r} in {field!r}")
            name = _unescape(item.name)
            if name == "*":
                if isinstance(item.expr, lt.Word) and item.expr.value == "*":
                    return MatchAll()
                raise QuerySyntaxError("only *:* may use the field name *")
            return self.build(item.expr, name)
        if isinstance(item, (lt.Group, lt.FieldGroup)):
            return self.build(item.expr, field)
        if isinstance(item, lt.Word):
            return self._word(item.value, field)
        if isinstance(item, lt.Phrase):
            return Term(field, _unescape(item.value[1:-1]), phrase=True)
        if isinstance(item, lt.Range):
            return Range(
                field,
                self._bound(item.low),
                self._bound(item.high),
                item.include_low,
                item.include_high,
            )
        if isinstance(item, lt.Boost):
            return self.build(item.expr, field)
        if isinstance(item, lt.Fuzzy):
            return self.build(item.term, field)
        if isinstance(item, lt.Proximity):
            node = self.build(item.term, field)
            if isinstance(node, Term):
                node.loose = True
            return node
        if isinstance(item, lt.Regex):
            raise QuerySyntaxError("regular expression queries are not supported")
        if isinstance(item, (lt.Not, lt.Prohibit)):
            return Bool(must=[MatchAll()], must_not=[self.build(item.a, field)])
        if isinstance(item, lt.Plus):
            return self.build(item.a, field)
        if isinstance(item, lt.AndOperation):
            return self._clauses(list(item.children), field, "AND")
        if isinstance(item, lt.OrOperation):
            return self._clauses(list(item.children), field, "OR")
        if isinstance(item, lt.UnknownOperation):
            return self._unknown(list(item.children), field)
        raise QuerySyntaxError(f"unsupported query element {str(item)!r}")

    def _bound(self, item: lt.Item) -> str | None:
        if isinstance(item, lt.Word):
            value = item.value
        elif isinstance(item, lt.Phrase):
            value = item.value[1:-1]
        else:
            raise QuerySyntaxError(f"invalid range bound {str(item)!r}")
        return None if value == "*" else _unescape(value)

    def _word(self, value: str, field: str | None) -> Node:
        if value == "*":
            return MatchAll() if field is None else Exists(field)
        wildcard = bool(_WILDCARD_RE.search(value))
        if wildcard:
            # keep escapes so wildcards stay distinguishable from literals
            return Term(field, value, wildcard=True)
        return Term(field, _unescape(value))

    def _unknown(self, children: list[lt.Item], field: str | None) -> Node:
        # '&&' and '||' are operators Lucene accepts but luqum leaves as words
        segments: list[list[lt.Item]] = [[]]
        and_seen = False
        for child in children:
            if isinstance(child, lt.Word) and child.value == "||":
                segments.append([])
            elif isinstance(child, lt.Word) and child.value == "&&":
                and_seen = True
            else:
                segments[-1].append(child)
        segments = [s for s in segments if s]
        if not segments:
            raise QuerySyntaxError("query has operators but no terms")
        if len(segments) > 1 or and_seen:
            parts = [
                self._clauses(s, field, "AND" if and_seen else self._default())
                for s in segments
            ]
            return parts[0] if len(parts) == 1 else Bool(should=parts)
        return self._clauses(segments[0], field, self._default())

    def _default(self) -> str:
        return "DISMAX" if self.dismax_mm is not None else self.default_op

    def _clauses(self, children: list[lt.Item], field: str | None, op: str) -> Node:
        out = Bool()
        optional: list[Node] = []
        for child in children:
            if isinstance(child, (lt.Prohibit, lt.Not)):
                out.must_not.append(self.build(child.a, field))
            elif isinstance(child, lt.Plus):
                out.must.append(self.build(child.a, field))
            elif op == "AND":
                out.must.append(self.build(child, field))
            else:
                optional.append(self.build(child, field))
        out.should = optional
        if op == "DISMAX" and optional:
            out.min_should = min_should_match(self.dismax_mm or "", len(optional))
            if out.min_should >= len(optional):
                out.must.extend(optional)
                out.should, out.min_should = [], None
        return out


def min_should_match(spec: str, optional: int) -> int:
    """How many of ``optional`` clauses a dismax ``mm`` spec requires.

    Grammar as Solr's: ``3``, ``-1``, ``75%``, ``-25%`` and conditional lists
    like ``2<-1 5<80%`` (up to 2 clauses: all; 3-5: all but one; more: 80%).
    An empty spec requires all clauses.
    """
    spec = (spec or "").strip()
    if not spec:
        return optional
    try:
        if "<" in spec:
            required = optional
            conditions = []
            for part in spec.split():
                bound, _, expr = part.partition("<")
                conditions.append((int(bound), expr))
            for bound, expr in sorted(conditions):
                if optional > bound:
                    required = _mm_expr(expr, optional)
            result = required
        else:
            result = _mm_expr(spec, optional)
    except ValueError as e:
        raise QuerySyntaxError(f"invalid mm {spec!r}") from e
    return max(1, min(optional, result)) if optional else 0


def _mm_expr(expr: str, n: int) -> int:
    if expr.endswith("%"):
        pct = int(expr[:-1])
        count = math.floor(n * abs(pct) / 100)
        return n - count if pct < 0 else count
    value = int(expr)
    return n + value if value < 0 else value


# ---------------------------------------------------------------- compiling

INDEX_TABLE = "cqgov_search_doc"
# dismax terms over at most this many fields score by lookup (2**n values)
MASK_FIELDS_MAX = 8

# Dedicated columns of the index table (hot filters and sorts).
STRING_COLUMNS = frozenset(schema.STRING_COLUMNS)
DATE_COLUMNS = frozenset(schema.DATE_COLUMNS)
ARRAY_COLUMNS = frozenset(schema.ARRAY_COLUMNS)

NGRAM_SOURCES = {"title_ngram": "title", "name_ngram": "name"}
# string fields whose ``*text*`` queries use a bigram index (see
# _substring_test): the title's pinyin, for autocomplete
GRAM_INDEXED = {"cqgov_pinyin": "(d.fields -> 'cqgov_pinyin' ->> 0)"}
_CONTAINS_RE = re.compile(r"\*([^*?\\]{2,})\*")


def bigrams(text: str) -> list[str]:
    """The distinct two-character substrings of ``text``, as the database
    function ``cqgov_bigrams`` computes them."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


NGRAM_MAX = 10

_NUMERIC_RE = r"^-?[0-9]+(\.[0-9]+)?$"
_NUMBER_RE = re.compile(_NUMERIC_RE)
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"


@dataclasses.dataclass
class Sql:
    where: str
    score: str = "0"
    # ``where`` in the form to evaluate row by row (inside scores and
    # counts), when it differs from the form the planner answers by index
    test: str | None = None

    @property
    def row_test(self) -> str:
        return self.where if self.test is None else self.test


_TRUE = Sql("TRUE")
_FALSE = Sql("FALSE")


def tsquery_literal(
    tokens: list[tuple[str, int]], prefix: str = "", weight: str = ""
) -> str:
    """A tsquery (phrase when positions differ) for analysed tokens."""
    by_pos: dict[int, list[str]] = {}
    suffix = ":" + weight if weight else ""
    for term, pos in tokens:
        by_pos.setdefault(pos, []).append(_lexeme(prefix + term) + suffix)
    parts = []
    last = None
    for pos in sorted(by_pos):
        group = by_pos[pos]
        text = group[0] if len(group) == 1 else "(" + " | ".join(group) + ")"
        if last is not None:
            parts.append(f"<{pos - last}>")
        parts.append(text)
        last = pos
    return " ".join(parts)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector_column(field: str) -> str:
    """The tsvector column holding a text field's lexemes."""
    return "d.zh" if field in schema.SEGMENTED_FIELDS else "d.tsv"


# Array columns whose tests are checked on the rows the other conditions
# select, never through their index. Every viewer's permission labels include
# ``public``, which most documents carry: the labels filter keeps most rows,
# and ANDing its GIN bitmap (tens of thousands of entries) into a text
# search's costs more than testing the few thousand rows the text matched.
ROW_TEST_COLUMNS = frozenset({"permission_labels"})


def _row_test(field: str, test: str) -> str:
    """``test`` in a form the planner cannot answer from an index (``IS
    TRUE``: same rows, NULL counts as false as in WHERE) for
    :data:`ROW_TEST_COLUMNS`."""
    return f"({test} IS TRUE)" if field in ROW_TEST_COLUMNS else test


def like_pattern(value: str) -> str:
    """A LIKE pattern for a Lucene wildcard term (escapes kept in ``value``)."""
    out = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            char = value[i + 1]
            i += 1
            out.append("\\" + char if char in "%_\\" else char)
        elif char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        else:
            out.append("\\" + char if char in "%_" else char)
        i += 1
    return "".join(out)


def _implied_by_segmented(queries: dict[str, str]) -> bool:
    """Whether a match in any segmented field implies a match in the
    catch-all ``text`` field, for one term's queries per field.

    The segmented fields are copied into ``text`` (``extras_*``) and analysed
    the same way, so their words are bare lexemes of ``tsv``. For a term of
    one plain word the segmented queries are that lexeme with a weight and the
    catch-all query is the lexeme itself: a segmented match is a catch-all
    match. Phrases (positions) and prefixes are not covered.
    """
    text = queries.get("text")
    segmented = [queries[f] for f in queries if f in schema.SEGMENTED_FIELDS]
    if not text or not segmented or not _SINGLE_LEXEME_RE.match(text):
        return False
    return all(
        q == f"{text}:{schema.SEGMENTED_FIELDS[f][0]}"
        for f, q in queries.items()
        if f in schema.SEGMENTED_FIELDS
    )


_SINGLE_LEXEME_RE = re.compile(r"^'(?:[^']|'')*'$")
_ALL_WEIGHTS = frozenset(w for w, _start in schema.SEGMENTED_FIELDS.values())


def _any_weight(queries: list[str]) -> str | None:
    """One lexeme queried with every weight the segmented column has (``'x':A
    | 'x':B | …``, a dismax probe over all the segmented fields) is that
    lexeme without weights: the same rows, and a GIN match the index answers
    exactly, so the rows it finds are not re-tested (weighted queries are)."""
    lexemes = set()
    weights = set()
    for query in queries:
        lexeme, _, weight = query.rpartition(":")
        if not _SINGLE_LEXEME_RE.match(lexeme) or len(weight) != 1:
            return None
        lexemes.add(lexeme)
        weights.add(weight)
    if len(lexemes) == 1 and weights == _ALL_WEIGHTS:
        return lexemes.pop()
    return None


class Compiler:
    """Compiles trees into SQL over the index table aliased ``d``.

    ``params`` accumulates the bound values; ``qf`` (list of ``(field,
    boost)``) and ``tie`` make unfielded terms dismax clauses, otherwise they
    search ``df``.
    """

    def __init__(
        self,
        *,
        df: str = "text",
        qf: list[tuple[str, float]] | None = None,
        tie: float = 0.0,
        params: dict[str, Any] | None = None,
        prefix: str = "p",
    ):
        self.df = df or "text"
        self.qf = qf
        self.tie = tie
        self.params: dict[str, Any] = {} if params is None else params
        self.prefix = prefix

    def bind(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
        while name in self.params:
            name += "_"
        self.params[name] = value
        return ":" + name

    # -- entry point

    def compile(self, node: Node) -> Sql:
        if isinstance(node, MatchAll):
            return Sql("TRUE", "1.0")
        if isinstance(node, MatchNone):
            return _FALSE
        if isinstance(node, Bool):
            return self._bool(node)
        if isinstance(node, Exists):
            return self._exists(node.field)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, Term):
            if node.field is None:
                if self.qf:
                    return self._dismax_term(node)
                node = dataclasses.replace(node, field=self.df)
            return self._term(node)
        raise QuerySyntaxError(f"unsupported node {node!r}")

    # -- boolean structure

    def _bool(self, node: Bool) -> Sql:
        # OR of exact values on one array column → one overlap test
        merged = self._merge_array_terms(node)
        if merged is not None:
            return merged
        must = [self.compile(n) for n in node.must]
        should = [self.compile(n) for n in node.should]
        must_not = [self.compile(n) for n in node.must_not]
        if any(s.where == "FALSE" for s in must):
            return _FALSE
        if any(s.where == "TRUE" for s in must_not):
            return _FALSE
        where = self._bool_condition(node, must, should, must_not, "where")
        test = self._bool_condition(node, must, should, must_not, "row_test")
        if where == "FALSE":
            return _FALSE
        scores = [s.score for s in must if s.score != "0"]
        scores += [
            f"(CASE WHEN {s.row_test} THEN {s.score} ELSE 0 END)"
            for s in should
            if s.score != "0" and s.where != "FALSE"
        ]
        return Sql(
            where,
            "(" + " + ".join(scores) + ")" if scores else "0",
            None if test == where else test,
        )

    def _bool_condition(
        self,
        node: Bool,
        must: list[Sql],
        should: list[Sql],
        must_not: list[Sql],
        form: str,
    ) -> str:
        """The boolean's condition from its clauses' ``where`` (index form)
        or ``row_test`` (row form); counts of matching optional clauses
        (``mm``) are row tests either way."""

        def cond(s: Sql) -> str:
            return getattr(s, form)

        conditions = [cond(s) for s in must if s.where != "TRUE"]
        if should and not must:
            live = [s for s in should if s.where != "FALSE"]
            k = node.min_should or 1
            if len(live) < k:
                return "FALSE"
            if any(s.where == "TRUE" for s in live) and k == 1:
                pass
            elif k == 1:
                conditions.append("(" + " OR ".join(cond(s) for s in live) + ")")
            elif k >= len(live):
                conditions.extend(cond(s) for s in live)
            else:
                anyof = "(" + " OR ".join(cond(s) for s in live) + ")"
                count = " + ".join(
                    f"(CASE WHEN {s.row_test} THEN 1 ELSE 0 END)" for s in live
                )
                conditions.append(f"{anyof} AND ({count}) >= {int(k)}")
        elif should and node.min_should:
            # dismax: mm also applies to the optional clauses next to required ones
            k = node.min_should
            if k == 1:
                conditions.append("(" + " OR ".join(cond(s) for s in should) + ")")
            else:
                count = " + ".join(
                    f"(CASE WHEN {s.row_test} THEN 1 ELSE 0 END)" for s in should
                )
                conditions.append(f"({count}) >= {int(k)}")
        for s in must_not:
            if s.where != "FALSE":
                conditions.append(f"NOT COALESCE({cond(s)}, FALSE)")
        return "(" + " AND ".join(conditions) + ")" if conditions else "TRUE"

    def _merge_array_terms(self, node: Bool) -> Sql | None:
        if node.must or node.must_not or len(node.should) < 2:
            return None
        fields = {getattr(n, "field", None) for n in node.should}
        if len(fields) != 1 or not all(
            isinstance(n, Term) and not n.wildcard for n in node.should
        ):
            return None
        field = fields.pop()
        if field in ARRAY_COLUMNS:
            values = [n.text for n in node.should]  # type: ignore[union-attr]
            test = f"(d.{field} && CAST({self.bind(values)} AS text[]))"
            return Sql(_row_test(field, test), "1.0")
        if field in STRING_COLUMNS:
            values = [n.text for n in node.should]  # type: ignore[union-attr]
            return Sql(f"(d.{field} = ANY(CAST({self.bind(values)} AS text[])))", "1.0")
        return None

    # -- leaves

    def _exists(self, field: str) -> Sql:
        if field in STRING_COLUMNS or field in DATE_COLUMNS:
            return Sql(f"(d.{field} IS NOT NULL)", "1.0")
        if field in ARRAY_COLUMNS:
            return Sql(f"(cardinality(d.{field}) > 0)", "1.0")
        definition = schema.field(field)
        if field in schema.SEGMENTED_FIELDS:
            weight = schema.SEGMENTED_FIELDS[field][0].lower()
            return Sql(f"(length(ts_filter(d.zh, '{{{weight}}}')) > 0)", "1.0")
        if definition.is_text:
            if field == "text":
                return Sql("(length(d.tsv) > 0)", "1.0")
            query = self.bind(_lexeme(field + ":") + ":*")
            return Sql(f"(d.tsv @@ CAST({query} AS tsquery))", "1.0")
        if definition.type in ("stored_only", "text_ngram"):
            return _FALSE
        return Sql(f"(d.fields ? {self.bind(field)})", "1.0")

    def _values(self, field: str) -> str:
        """SQL set of a jsonb field's values as text (``v.x``)."""
        return f"jsonb_array_elements_text(d.fields -> {self.bind(field)}) AS v(x)"

    def _term(self, term: Term) -> Sql:
        field = term.field
        assert field is not None
        if field in NGRAM_SOURCES:
            return self._ngram_term(field, term)
        definition = schema.field(field)
        if definition.is_text:
            return self._text_term(field, definition, term)
        if definition.type == "stored_only":
            return _FALSE
        if definition.type == "date" and not term.wildcard:
            return self._range(Range(field, term.text, term.text))
        if term.wildcard:
            inner = _CONTAINS_RE.fullmatch(term.text)
            if field in GRAM_INDEXED and inner:
                return Sql(
                    self._substring_test(GRAM_INDEXED[field], inner.group(1)), "1.0"
                )
            pattern = self.bind(like_pattern(term.text))
            if field in STRING_COLUMNS:
                return Sql(f"(d.{field} LIKE {pattern})", "1.0")
            if field in ARRAY_COLUMNS:
                return Sql(
                    f"EXISTS (SELECT 1 FROM unnest(d.{field}) AS v(x) "
                    f"WHERE v.x LIKE {pattern})",
                    "1.0",
                )
            return Sql(
                f"EXISTS (SELECT 1 FROM {self._values(field)} "
                f"WHERE v.x LIKE {pattern})",
                "1.0",
            )
        if field in STRING_COLUMNS:
            return Sql(f"(d.{field} = {self.bind(term.text)})", "1.0")
        if field in ARRAY_COLUMNS:
            test = f"(d.{field} @> CAST({self.bind([term.text])} AS text[]))"
            return Sql(_row_test(field, test), "1.0")
        value: str = term.text
        if definition.type == "int" and _NUMBER_RE.match(value.strip()):
            number = float(value)
            value = str(int(number)) if number.is_integer() else value.strip()
        doc = self.bind(json.dumps({field: [value]}))
        if schema.in_facets_column(field):
            # the hash narrows (GIN index, element statistics), the facet
            # values decide
            term = self.bind([schema.facet_term(field, value)])
            return Sql(
                f"(d.facet_terms @> CAST({term} AS integer[]) "
                f"AND d.facets @> CAST({doc} AS jsonb))",
                "1.0",
            )
        return Sql(f"(d.fields @> CAST({doc} AS jsonb))", "1.0")

    def _ngram_term(self, field: str, term: Term) -> Sql:
        # Solr: 2..10-character n-grams of the lowercased value; a query word
        # matches where it is one of them, i.e. a substring of that length
        words = analysis.fold(term.text).split()
        if not words or any(not 2 <= len(w) <= NGRAM_MAX for w in words):
            return _FALSE
        source = NGRAM_SOURCES[field]
        value = "d.name" if source == "name" else "(d.stored ->> 'title')"
        tests = [self._substring_test(f"lower({value})", w) for w in words]
        return Sql("(" + " AND ".join(tests) + ")", "1.0")

    def _substring_test(self, expression: str, text: str) -> str:
        """``expression`` contains ``text``, narrowed by the GIN index on
        ``cqgov_bigrams(expression)`` (migration 9a4c3e5f2b07 names the
        indexed expressions)."""
        grams = self.bind(bigrams(text))
        pattern = self.bind("%" + like_pattern(text) + "%")
        return (
            f"(cqgov_bigrams({expression}) @> CAST({grams} AS text[]) "
            f"AND {expression} LIKE {pattern})"
        )

    def text_query(self, field: str, term: Term) -> str | None:
        """tsquery text for a term on a text field, None if it has no tokens."""
        definition = schema.field(field)
        stemmed = definition.type == "text"
        prefix = "" if field == "text" else field + ":"
        weight = ""
        if field in schema.SEGMENTED_FIELDS:
            prefix, weight = "", schema.SEGMENTED_FIELDS[field][0]
        if term.wildcard:
            stem_part = _WILDCARD_RE.split(term.text, maxsplit=1)[0]
            tokens = analysis.query_tokens(
                _unescape(stem_part), stemmed=False, split_case=stemmed
            )
            if not tokens:
                return None
            *head, (last, last_pos) = tokens
            query = tsquery_literal(head, prefix, weight) if head else ""
            tail = _lexeme(prefix + last) + ":*" + weight
            if not head:
                return tail
            gap = last_pos - max(p for _t, p in head)
            return f"{query} <{gap}> {tail}"
        tokens = analysis.query_tokens(term.text, stemmed=stemmed, split_case=stemmed)
        if not tokens:
            return None
        suffix = ":" + weight if weight else ""
        if term.loose:
            return " & ".join(_lexeme(prefix + t) + suffix for t, _p in tokens)
        return tsquery_literal(tokens, prefix, weight)

    def _text_term(self, field: str, definition: schema.Field, term: Term) -> Sql:
        query = self.text_query(field, term)
        if query is None:
            # nothing searchable in the term (punctuation only): matches nothing
            return _FALSE
        bound = self.bind(query)
        column = _vector_column(field)
        return Sql(
            f"({column} @@ CAST({bound} AS tsquery))",
            f"ts_rank({column}, CAST({bound} AS tsquery))",
        )

    def _dismax_term(self, term: Term) -> Sql:
        """A term over the ``qf`` fields: matches where any field matches; the
        score is the best field's boost plus ``tie`` times the others' (a
        field counts its boost when it matches: cheap, and enough to rank
        title above description matches)."""
        matches: list[tuple[str, float]] = []
        text_queries: dict[str, list[str]] = {}
        by_field: dict[str, str] = {}
        matched_fields: list[str] = []
        wheres: list[str] = []
        for field, boost in self.qf or []:
            if schema.field(field).is_text and field not in NGRAM_SOURCES:
                query = self.text_query(field, term)
                if query is None:
                    continue
                column = _vector_column(field)
                where = self._vector_row_test(column, self.bind(query))
                text_queries.setdefault(column, []).append(query)
                by_field[field] = query
            else:
                where = self.compile(dataclasses.replace(term, field=field)).where
                if where == "FALSE":
                    continue
                wheres.append(where)
            matches.append((where, float(boost)))
            matched_fields.append(field)
        if not matches:
            return _FALSE
        # one index probe per vector column for all its fields (the compact
        # zh column first: a row it matches never reads the large tsv)
        probes = []
        probe_tests = []
        probe_of: dict[str, str] = {}
        for column, queries in text_queries.items():
            combined = _any_weight(queries) or " | ".join(f"({q})" for q in queries)
            bound = self.bind(combined)
            probe_of[column] = f"({column} @@ CAST({bound} AS tsquery))"
            probes.append(probe_of[column])
            probe_tests.append(self._vector_row_test(column, bound))
        where = "(" + " OR ".join(probes + wheres) + ")"
        test = "(" + " OR ".join(probe_tests + wheres) + ")"
        if test == where:
            test = None
        if "d.zh" in probe_of and _implied_by_segmented(by_field):
            # the catch-all field's test: true wherever a segmented field
            # matched (the same word is in the catch-all), which the compact
            # zh column answers without reading the large tsv
            matches = [
                (f"({probe_of['d.zh']} OR {w})" if f == "text" else w, b)
                for f, (w, b) in zip(matched_fields, matches, strict=True)
            ]
        parts = [f"(CASE WHEN {w} THEN {b} ELSE 0 END)" for w, b in matches]
        if len(parts) == 1:
            return Sql(where, parts[0], test)
        best = "GREATEST(" + ", ".join(parts) + ")"
        tie = float(self.tie)
        if not tie:
            return Sql(where, best, test)
        if len(matches) <= MASK_FIELDS_MAX:
            return Sql(where, self._dismax_score_by_mask(matches, tie), test)
        # each field's test once per row (GREATEST and the sum share them)
        alias = f"x{len(self.params)}"
        columns = [f"{alias}.c{i}" for i in range(len(parts))]
        inner = ", ".join(f"{p} AS c{i}" for i, p in enumerate(parts))
        best = "GREATEST(" + ", ".join(columns) + ")"
        total = " + ".join(columns)
        return Sql(
            where,
            f"(SELECT {1 - tie} * {best} + {tie} * ({total}) "
            f"FROM (SELECT {inner}) AS {alias})",
            test,
        )

    def _dismax_score_by_mask(
        self, matches: list[tuple[str, float]], tie: float
    ) -> str:
        """The dismax score, ``(1 - tie) * best + tie * sum`` of the matching
        fields' boosts, as a lookup: each field's test once per row makes a
        bit of a number, which picks the score of that set of fields from an
        array computed here (exact decimals, as PostgreSQL's numeric
        arithmetic gives them)."""
        table = self.bind(_field_set_scores(tuple(b for _w, b in matches), tie))
        bits = " + ".join(
            f"(CASE WHEN {w} THEN {1 << i} ELSE 0 END)"
            for i, (w, _b) in enumerate(matches)
        )
        return f"(CAST({table} AS numeric[]))[({bits}) + 1]"

    def _vector_row_test(self, column: str, query: str) -> str:
        """``column @@ query`` to evaluate row by row. For the large ``tsv``
        (out of line: each test reads and decompresses it) the test is
        first asked of the whole index, once per search: a word no document
        has in ``tsv`` (a synonym or compound part absent from the catalog)
        then costs nothing per row. (``cqgov_tsv_has`` makes the GIN index
        answer: as a plain EXISTS the planner may read every row's ``tsv``
        instead, see migration d4b8e2f6a0c5; the scalar subquery makes it an
        InitPlan, run once.)"""
        test = f"({column} @@ CAST({query} AS tsquery))"
        if column != "d.tsv":
            return test
        return f"((SELECT cqgov_tsv_has(CAST({query} AS tsquery))) AND {test})"

    def _range(self, node: Range) -> Sql:
        field = node.field or self.df
        definition = schema.field(field)
        if definition.is_text or definition.type in ("stored_only", "text_ngram"):
            raise QuerySyntaxError(
                f"range queries are not supported on text field {field!r}"
            )
        low_op = ">=" if node.include_low else ">"
        high_op = "<=" if node.include_high else "<"
        is_date = definition.type == "date" or field in DATE_COLUMNS
        if is_date:
            try:
                low = datemath.parse(node.low) if node.low is not None else None
                high = datemath.parse(node.high) if node.high is not None else None
            except datemath.DateMathError as e:
                raise QuerySyntaxError(f"{field}: {e}") from e
            if field in DATE_COLUMNS:
                value = f"d.{field}"
            else:
                value = (
                    f"(CASE WHEN v.x ~ '{_DATE_RE}' THEN CAST(v.x AS timestamptz) END)"
                )
        else:
            low, high = node.low, node.high
            numeric = definition.type == "int" or (
                all(b is None or _NUMBER_RE.match(b) for b in (low, high))
                and (low is not None or high is not None)
            )
            column = f"d.{field}" if field in STRING_COLUMNS else "v.x"
            if numeric:
                try:
                    low = float(low) if low is not None else None
                    high = float(high) if high is not None else None
                except ValueError as e:
                    raise QuerySyntaxError(
                        f"{field}: range bounds must be numbers"
                    ) from e
                value = (
                    f"(CASE WHEN {column} ~ '{_NUMERIC_RE}' "
                    f"THEN CAST({column} AS numeric) END)"
                )
            else:
                value = f'({column} COLLATE "C")'
        tests = []
        if low is not None:
            tests.append(f"{value} {low_op} {self.bind(low)}")
        if high is not None:
            tests.append(f"{value} {high_op} {self.bind(high)}")
        test = " AND ".join(tests) if tests else f"{value} IS NOT NULL"
        if field in DATE_COLUMNS or field in STRING_COLUMNS:
            return Sql(f"({test})", "1.0")
        if field in ARRAY_COLUMNS:
            return Sql(
                f"EXISTS (SELECT 1 FROM unnest(d.{field}) AS v(x) WHERE {test})", "1.0"
            )
        return Sql(f"EXISTS (SELECT 1 FROM {self._values(field)} WHERE {test})", "1.0")


# ---------------------------------------------------------------- sorting


@dataclasses.dataclass
class SortKey:
    field: str
    descending: bool
    expression: str  # SQL over ``d`` (or the literal ``score``)
    needs_presence_check: bool = False


_SORT_ITEM_RE = re.compile(r"^([A-Za-z0-9_.\-]+)\s+(asc|desc)$", re.I)


@functools.lru_cache(maxsize=64)
def _field_set_scores(boosts: tuple[float, ...], tie: float) -> str:
    """The dismax scores of every set of matching fields (bit i: field i),
    as a PostgreSQL array literal (the same ``qf`` boosts every search)."""
    best_weight = Decimal(f"{1 - tie}")
    sum_weight = Decimal(f"{tie}")
    values = [Decimal(f"{b}") for b in boosts]
    scores = []
    for mask in range(1 << len(values)):
        chosen = [b for i, b in enumerate(values) if mask >> i & 1]
        best = max(chosen, default=Decimal(0))
        scores.append(best_weight * best + sum_weight * sum(chosen, Decimal(0)))
    return "{" + ",".join(str(v) for v in scores) + "}"


def parse_sort(spec: str | None, compiler: Compiler) -> list[SortKey]:
    """Parse a Solr ``sort`` parameter (``field dir, field dir …``)."""
    keys: list[SortKey] = []
    for raw in (spec or "").split(","):
        item = raw.strip()
        if not item:
            continue
        match = _SORT_ITEM_RE.match(" ".join(item.split()))
        if not match:
            raise QuerySyntaxError(
                f"invalid sort {item!r}: expected '<field> asc' or '<field> desc'"
            )
        field, direction = match.group(1), match.group(2).lower()
        keys.append(_sort_key(field, direction == "desc", compiler))
    return keys


def _sort_key(field: str, descending: bool, compiler: Compiler) -> SortKey:
    if field == "score":
        return SortKey(field, descending, "score")
    if field in STRING_COLUMNS:
        return SortKey(field, descending, f'(d.{field} COLLATE "C")')
    if field in DATE_COLUMNS:
        return SortKey(field, descending, f"d.{field}")
    definition = schema.field(field)
    if definition.multi or field in ARRAY_COLUMNS:
        raise QuerySyntaxError(f"cannot sort on multi-valued field {field!r}")
    if definition.type in ("stored_only", "text_ngram") or (
        definition.is_text and not field.startswith("extras_")
    ):
        raise QuerySyntaxError(f"cannot sort on analysed text field {field!r}")
    value = f"(d.fields -> {compiler.bind(field)} ->> 0)"
    if definition.type == "date":
        expression = (
            f"(CASE WHEN {value} ~ '{_DATE_RE}' THEN CAST({value} AS timestamptz) END)"
        )
    elif definition.type == "int":
        expression = (
            f"(CASE WHEN {value} ~ '{_NUMERIC_RE}' THEN CAST({value} AS numeric) END)"
        )
    else:
        expression = f'({value} COLLATE "C")'
    return SortKey(
        field,
        descending,
        expression,
        needs_presence_check=not schema.is_declared(field),
    )
