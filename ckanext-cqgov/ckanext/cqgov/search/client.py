"""A ``pysolr.Solr``-compatible client over the PostgreSQL index table.

CKAN's search code (indexing, package_search, rebuild/clear/show/check, the
``clean_index`` test fixture) reaches Solr only through
``ckan.lib.search.common.make_connection()``; the ``cqgov_pgsearch`` plugin
makes that return a :class:`PgSolrClient`, which answers the same calls —
``add``, ``delete``, ``commit``, ``search`` — from the ``cqgov_search_doc``
table, with the same documents and query parameters CKAN sends to Solr.

Writes run in their own short transaction (like an update request to Solr:
independent of the CKAN session that triggered them), except inside
:func:`batched_writes` (``search-index rebuild``), where documents are
written several hundred per statement; ``commit`` writes what a batch holds
and merges the GIN indexes' pending lists.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import functools
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import psycopg2
import sqlalchemy as sa
from ckan.lib.search.common import (
    SearchError,
    SearchIndexError,
    SearchQueryError,
)
from ckan.model import meta
from psycopg2.extras import execute_values

from . import document, lucene, schema

log = logging.getLogger(__name__)

TABLE = lucene.INDEX_TABLE
URL = "postgresql+cqgov-pgsearch://" + TABLE

_DATETIME_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):"
    r"(?P<minute>\d{2}):(?P<second>\d{2})(\.\d+)?Z$"
)
_COLUMN_FIELDS = set(lucene.STRING_COLUMNS)


class PgResults:
    """What ``pysolr.Solr.search`` returns, as far as CKAN uses it."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.raw_response: dict[str, Any] = {
            "response": {"numFound": hits, "docs": docs},
            "facet_counts": facets,
        }
        self.highlighting: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.grouped: dict[str, Any] = {}
        self.spellcheck: dict[str, Any] = {}
        self.debug: dict[str, Any] = {}
        self.qtime = None
        self.nextCursorMark = None

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


def _engine() -> sa.engine.Engine:
    engine = meta.engine
    if engine is None:
        raise SearchIndexError("the CKAN database engine is not initialised")
    return engine


# The planner settings of every search. Its cost estimates are high enough to
# trigger JIT compilation, which takes longer than running the query
# (hundreds of milliseconds). The index is read from memory: with the
# default random_page_cost the planner prefers a sequential scan that tests
# every row's TOASTed tsv over the GIN indexes for multi-word text queries.
SEARCH_SETTINGS = {"jit": "off", "random_page_cost": "1.1"}

_search_engines: dict[tuple[int, int], sa.engine.Engine] = {}
_search_engines_lock = threading.Lock()


def _search_engine() -> sa.engine.Engine:
    """The engine searches read through: CKAN's database, connections in
    autocommit mode with :data:`SEARCH_SETTINGS` set when they open. A
    search is one read-only statement, so it needs no transaction of its
    own: no BEGIN, SET and COMMIT round trips per search, and no ping
    (:func:`_reading` retries on a new connection instead). One engine per
    process and CKAN engine (a pool must not cross a fork)."""
    base = _engine()
    key = (os.getpid(), id(base))
    engine = _search_engines.get(key)
    if engine is None:
        with _search_engines_lock:
            engine = _search_engines.get(key)
            if engine is None:
                options = " ".join(f"-c {k}={v}" for k, v in SEARCH_SETTINGS.items())
                engine = sa.create_engine(
                    base.url,
                    isolation_level="AUTOCOMMIT",
                    connect_args={"options": options},
                )
                _search_engines[key] = engine
    return engine


def forget_search_engines() -> None:
    """In a forked child: drop, without closing, the search connections
    inherited from the parent (closing them would end the parent's)."""
    with _search_engines_lock:
        for engine in _search_engines.values():
            engine.dispose(close=False)
        _search_engines.clear()


def _reading(read: Callable[[sa.engine.Connection], Any]) -> Any:
    """``read(connection)`` on a connection of :func:`_search_engine`, once
    more on a new connection when the pooled one turns out to be closed
    (the server restarted: SQLAlchemy then discards the whole pool)."""
    try:
        with _search_engine().connect() as conn:
            return read(conn)
    except sa.exc.DBAPIError as e:
        if not e.connection_invalidated:
            raise
        log.info("search index connection closed by the server; reconnecting")
    with _search_engine().connect() as conn:
        return read(conn)


@functools.lru_cache(maxsize=256)
def _parsed_filter(fq: str, q_op: str) -> lucene.Node:
    return lucene.parse(fq, default_op=q_op)


def parse_filter(fq: str, q_op: str) -> lucene.Node:
    """A filter query's tree. CKAN sends the same few filter strings with
    every search (``+capacity:public +state:active …`` and the viewer's
    permission labels), so their parse trees are kept; each call returns a
    copy, as the trees are mutable dataclasses and the cache must not change
    with what a caller does to one. The main query is parsed every time."""
    return copy.deepcopy(_parsed_filter(fq, q_op))


_BIND_RE = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def driver_sql(sql: str) -> str:
    """``sql`` with its ``:name`` parameters in psycopg2's ``%(name)s`` form
    (and literal ``%`` doubled), to run without SQLAlchemy's text() parsing
    and compiling a statement of several kilobytes on every search."""
    return _BIND_RE.sub(r"%(\1)s", sql.replace("%", "%%"))


def table_exists() -> bool:
    """Whether the index table has been created (``ckan db upgrade``)."""
    with _engine().connect() as conn:
        return bool(
            conn.execute(
                sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": TABLE}
            ).scalar()
        )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else default
    try:
        number = int(value)
    except (TypeError, ValueError) as e:
        raise SearchQueryError(f"{name} must be an integer, not {value!r}") from e
    return number


def parse_qf(qf: str) -> list[tuple[str, float]]:
    out = []
    for item in (qf or "").split():
        name, _, boost = item.partition("^")
        try:
            out.append((name, float(boost) if boost else 1.0))
        except ValueError as e:
            raise SearchQueryError(f"invalid qf entry {item!r}") from e
    return out


def _plain_words(node: lucene.Node) -> list[str]:
    """The query's top-level unfielded single words, in order (edismax pf)."""
    if isinstance(node, lucene.Term):
        candidates: list[lucene.Node] = [node]
    elif isinstance(node, lucene.Bool):
        candidates = [*node.must, *node.should]
    else:
        return []
    return [
        n.text
        for n in candidates
        if isinstance(n, lucene.Term)
        and n.field is None
        and not (n.phrase or n.wildcard or n.loose)
    ]


def _decode_dates(doc: dict[str, Any]) -> dict[str, Any]:
    for key, value in doc.items():
        if isinstance(value, str):
            match = _DATETIME_RE.match(value)
            if match:
                parts = {k: int(v) for k, v in match.groupdict().items()}
                doc[key] = dt.datetime(**parts)
    return doc


# -- batched writes

BATCH_SIZE = 500
_COLUMNS_SQL = (
    "index_id, id, site_id, name, entity_type, state, dataset_type, capacity, "
    "permission_labels, metadata_created, metadata_modified, title_string, "
    "fields, facets, facet_terms, stored, tsv, zh"
)
_VALUES_TEMPLATE = (
    "(%(index_id)s, %(id)s, %(site_id)s, %(name)s, %(entity_type)s, %(state)s, "
    "%(dataset_type)s, %(capacity)s, CAST(%(permission_labels)s AS text[]), "
    "CAST(%(metadata_created)s AS timestamptz), "
    "CAST(%(metadata_modified)s AS timestamptz), %(title_string)s, "
    "CAST(%(fields)s AS jsonb), CAST(%(facets)s AS jsonb), "
    "CAST(%(facet_terms)s AS integer[]), "
    "CAST(%(stored)s AS jsonb), CAST(%(tsv)s AS tsvector), "
    "CAST(%(zh)s AS tsvector))"
)
_UPSERT_SQL = (
    f"INSERT INTO {TABLE} ({_COLUMNS_SQL}) VALUES %s "
    "ON CONFLICT (index_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = EXCLUDED.{c}" for c in _COLUMNS_SQL.split(", ") if c != "index_id"
    )
)

_local = threading.local()


def _batch_state() -> list[dict[str, Any]] | None:
    return getattr(_local, "pending", None)


@contextlib.contextmanager
def batched_writes() -> Iterator[None]:
    """Within this block (one thread), documents added without an explicit
    ``commit=True`` are written :data:`BATCH_SIZE` at a time, each batch one
    statement and one transaction, and the rest when the block ends (also
    on error: what was indexed before it is kept, as Solr would). A delete,
    search or commit writes what is pending first, so order is kept."""
    if _batch_state() is not None:
        yield
        return
    _local.pending = []
    try:
        yield
    finally:
        try:
            flush()
        finally:
            _local.pending = None


def flush() -> None:
    """Write the documents pending in this thread's batch, if any."""
    pending = _batch_state()
    if pending:
        rows = list(pending)
        pending.clear()
        write_rows(rows, batch=True)


# Single-document writes keep the GIN indexes' pending lists (entries not yet
# merged, which every search of the index reads in full) under this many kB;
# a batch keeps PostgreSQL's default (4 MB: with a small limit two rebuild
# processes wait on each other's merges) and the rebuild's commit merges them.
SINGLE_WRITE_PENDING_LIST_KB = 256


def write_rows(rows: list[dict[str, Any]], batch: bool = False) -> None:
    """Upsert index rows (:func:`.document.build_row`) in one statement and
    one transaction."""
    # one statement cannot update a row twice: the last version wins
    latest = {row["index_id"]: row for row in rows}
    params = [
        {
            **row,
            "fields": json.dumps(row["fields"], ensure_ascii=False),
            "facets": json.dumps(row["facets"], ensure_ascii=False),
            "stored": json.dumps(row["stored"], ensure_ascii=False, default=str),
        }
        for row in latest.values()
    ]
    try:
        with _engine().begin() as conn:
            cursor = conn.connection.cursor()
            try:
                if not batch:
                    cursor.execute(
                        "SET LOCAL gin_pending_list_limit = %s",
                        (SINGLE_WRITE_PENDING_LIST_KB,),
                    )
                execute_values(
                    cursor,
                    _UPSERT_SQL,
                    params,
                    template=_VALUES_TEMPLATE,
                    page_size=len(params),
                )
            finally:
                cursor.close()
    except (sa.exc.SQLAlchemyError, psycopg2.Error) as e:
        raise SearchIndexError(f"could not write to the search index: {e}") from e


# the index table's GIN indexes' pending lists merged (gin_clean_pending_list)
_CLEAN_PENDING_LISTS = """
    SELECT count(gin_clean_pending_list(i.indexrelid))
    FROM pg_index AS i
    JOIN pg_class AS c ON c.oid = i.indexrelid
    JOIN pg_am AS a ON a.oid = c.relam
    WHERE i.indrelid = CAST(:table AS regclass) AND a.amname = 'gin'
"""


class PgSolrClient:
    """Answers CKAN's pysolr calls from PostgreSQL."""

    def __init__(self, decode_dates: bool = True):
        self.url = URL
        self.decode_dates = decode_dates

    # -- writes

    def add(
        self, docs: list[dict[str, Any]], commit: bool | None = None, **_: Any
    ) -> str:
        rows = [document.build_row(doc) for doc in docs]
        if not rows:
            return ""
        batch = _batch_state()
        if batch is not None and commit is not True:
            # inside batched_writes() (e.g. search-index rebuild): written
            # BATCH_SIZE at a time, and when the block ends
            batch.extend(rows)
            if len(batch) >= BATCH_SIZE:
                flush()
            return ""
        flush()  # what an enclosing batch holds goes first
        write_rows(rows)
        return ""

    def delete(
        self,
        id: str | list[str] | None = None,
        q: str | None = None,
        commit: bool | None = None,
        **_: Any,
    ) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        flush()
        params: dict[str, Any] = {}
        if id is not None:
            where = "d.index_id = ANY(CAST(:ids AS text[]))"
            params["ids"] = [str(i) for i in _as_list(id)]
        else:
            try:
                node = lucene.parse(q or "")
                compiler = lucene.Compiler(params=params)
                where = compiler.compile(node).where
            except lucene.QuerySyntaxError as e:
                raise SearchIndexError(f"invalid delete query: {e}") from e
        try:
            with _engine().begin() as conn:
                conn.execute(sa.text(f"DELETE FROM {TABLE} AS d WHERE {where}"), params)
        except sa.exc.SQLAlchemyError as e:
            raise SearchIndexError(
                f"could not delete from the search index: {e}"
            ) from e
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        """Every write outside a batch is already committed; what remains is
        what a Solr commit gives, an index ready to search: the GIN indexes'
        pending lists (entries added since their last merge, which every
        search reads in full) merged now rather than at the next vacuum."""
        flush()
        try:
            with _engine().begin() as conn:
                conn.execute(sa.text(_CLEAN_PENDING_LISTS), {"table": TABLE})
        except sa.exc.SQLAlchemyError as e:
            raise SearchIndexError(f"could not commit the search index: {e}") from e
        return ""

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def ping(self, *args: Any, **kwargs: Any) -> str:
        if not table_exists():
            raise SearchError(f"search index table {TABLE} does not exist")
        return "OK"

    # -- search

    def search(self, q: str | None = None, **params: Any) -> PgResults:
        flush()
        try:
            sql, binds, plan = self._build_search(q, params)
        except lucene.QuerySyntaxError as e:
            raise SearchQueryError(str(e)) from e

        def read(conn: sa.engine.Connection) -> Any:
            if plan["presence_checks"]:
                self._check_sort_fields(conn, plan["presence_checks"])
            return conn.exec_driver_sql(driver_sql(sql), binds).mappings().one()

        try:
            row = _reading(read)
        except SearchQueryError:
            raise
        except sa.exc.DataError as e:
            # e.g. a value that cannot be compared as a date or number
            raise SearchQueryError(f"invalid search value: {e.orig}") from e
        except sa.exc.SQLAlchemyError as e:
            raise SearchError(f"search index query failed: {e}") from e
        return self._results(row, plan)

    def _check_sort_fields(self, conn: Any, fields: list[str]) -> None:
        for field in fields:
            present = conn.execute(
                sa.text(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE fields ? :f)"),
                {"f": field},
            ).scalar()
            if not present:
                raise SearchQueryError(
                    f'Invalid "sort" parameter: unknown sort field {field!r}'
                )

    def _build_search(
        self, q: str | None, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        binds: dict[str, Any] = {}
        q_op = str(params.get("q.op") or "AND")
        df = str(params.get("df") or "text")
        def_type = str(params.get("defType") or "lucene")
        query_text = q if q not in (None, "", '""', "''") else "*:*"

        if def_type in ("dismax", "edismax"):
            qf = parse_qf(params.get("qf") or "text")
            try:
                tie = float(params.get("tie") or 0.0)
            except ValueError as e:
                raise SearchQueryError(f"invalid tie {params.get('tie')!r}") from e
            mm = str(params.get("mm") or "100%")
            q_compiler = lucene.Compiler(
                df=df, qf=qf, tie=tie, params=binds, prefix="q"
            )
            if query_text.strip() == "*:*":
                node: lucene.Node = lucene.MatchAll()
            else:
                node = self._parse_dismax(query_text, mm, q_op)
        else:
            q_compiler = lucene.Compiler(df=df, params=binds, prefix="q")
            node = lucene.parse(query_text, default_op=q_op)
        q_sql = q_compiler.compile(node)
        if def_type == "edismax" and params.get("pf"):
            q_sql = self._phrase_boost(q_sql, node, parse_qf(params["pf"]), q_compiler)

        where = [q_sql.where]
        f_compiler = lucene.Compiler(df=df, params=binds, prefix="f")
        for fq in _as_list(params.get("fq")) + _as_list(params.get("fq_list")):
            if not isinstance(fq, str):
                raise lucene.QuerySyntaxError(f"invalid fq {fq!r}")
            if not fq.strip():
                continue
            where.append(f_compiler.compile(parse_filter(fq, q_op)).where)
        where_sql = " AND ".join(w for w in where if w != "TRUE") or "TRUE"

        rows = _int_param(params, "rows", 10)
        start = _int_param(params, "start", 0)
        if rows < 0 or start < 0:
            raise SearchQueryError("rows and start must not be negative")

        s_compiler = lucene.Compiler(params=binds, prefix="s")
        sort_keys = lucene.parse_sort(params.get("sort") or "score desc", s_compiler)
        fl = [f for f in re.split(r"[\s,]+", str(params.get("fl") or "*")) if f]
        want_score = "score" in fl or any(k.field == "score" for k in sort_keys)
        score_sql = q_sql.score if want_score else "0"

        facet_on = str(params.get("facet", "false")).lower() in ("true", "on", "1")
        facet_fields = (
            [str(f) for f in _as_list(params.get("facet.field"))] if facet_on else []
        )
        facet_limit = _int_param(params, "facet.limit", 100)
        facet_mincount = max(1, _int_param(params, "facet.mincount", 0))
        facet_sort = str(params.get("facet.sort") or "count")

        order = []
        for i, key in enumerate(sort_keys):
            direction = "DESC" if key.descending else "ASC"
            column = "score" if key.expression == "score" else f"s{i}"
            order.append(f"{column} {direction} NULLS LAST")
        order.append("index_id ASC")
        order_sql = ", ".join(order)

        # the score is computed once, in m's score column
        sort_columns = "".join(
            f", {k.expression} AS s{i}"
            for i, k in enumerate(sort_keys)
            if k.expression != "score"
        )

        projection = self._projection(fl, binds)
        binds["rows"] = rows
        binds["start"] = start
        # facet values: the matches grouped by their field's value (a jsonb
        # array; most rows share one of a few), then the distinct arrays'
        # elements counted with their rows' numbers, which counts each value
        # as often as expanding every row would; the set-returning function
        # in the select list (one ProjectSet pass) rather than a lateral
        # function scan, which builds a tuple store per row
        facet_selects = []
        for i, field in enumerate(facet_fields):
            binds[f"ff{i}"] = field
            value_order = 't.x COLLATE "C"'
            facet_order = (
                value_order
                if facet_sort == "index"
                else f"sum(t.n) DESC, {value_order}"
            )
            facet_selects.append(
                f""",
                (SELECT COALESCE(json_agg(json_build_array(f.x, f.c)), '[]')
                 FROM (SELECT t.x, CAST(sum(t.n) AS bigint) AS c
                       FROM (SELECT jsonb_array_elements_text(g.v) AS x, g.n
                             FROM (SELECT m.facet{i} AS v, count(*) AS n
                                   FROM m GROUP BY m.facet{i}) AS g) AS t
                       GROUP BY t.x HAVING sum(t.n) >= {int(facet_mincount)}
                       ORDER BY {facet_order}
                       LIMIT {"ALL" if facet_limit < 0 else int(facet_limit)}) AS f
                ) AS facet{i}"""
            )
        # only the faceted values travel through the CTE, not whole documents
        fields_col = "".join(
            f", (d.{'facets' if schema.in_facets_column(f) else 'fields'} -> :ff{i})"
            f" AS facet{i}"
            for i, f in enumerate(facet_fields)
        )
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT d.index_id, ({score_sql}) AS score{fields_col}{sort_columns}
                FROM {TABLE} AS d
                WHERE {where_sql}
            ),
            page AS (
                -- the page first (a bounded top-N sort), then its order
                SELECT index_id, score, row_number() OVER (ORDER BY {order_sql}) AS n
                FROM (SELECT * FROM m ORDER BY {order_sql}
                      LIMIT :rows OFFSET :start) AS top
            )
            SELECT
                (SELECT count(*) FROM m) AS hits,
                (SELECT COALESCE(json_agg(json_build_array({projection}, page.score)
                                          ORDER BY page.n), '[]')
                 FROM page JOIN {TABLE} AS d ON d.index_id = page.index_id) AS docs
                {"".join(facet_selects)}
        """
        plan = {
            "fl": fl,
            "want_score": "score" in fl,
            "facet_fields": facet_fields,
            "presence_checks": [k.field for k in sort_keys if k.needs_presence_check],
        }
        return sql, binds, plan

    def _phrase_boost(
        self,
        q_sql: lucene.Sql,
        node: lucene.Node,
        pf: list[tuple[str, float]],
        compiler: lucene.Compiler,
    ) -> lucene.Sql:
        """edismax ``pf``: the plain words of the query as one phrase, matched
        in each ``pf`` field, add that field's boost to the score."""
        words = _plain_words(node)
        if len(words) < 2:
            return q_sql
        phrase = lucene.Term(None, " ".join(words), phrase=True)
        boosts = []
        for field, boost in pf:
            sql = compiler.compile(dataclasses.replace(phrase, field=field))
            if sql.where not in ("TRUE", "FALSE"):
                boosts.append(f"(CASE WHEN {sql.where} THEN {float(boost)} ELSE 0 END)")
        if not boosts:
            return q_sql
        return lucene.Sql(q_sql.where, f"({q_sql.score} + {' + '.join(boosts)})")

    def _parse_dismax(self, text: str, mm: str, q_op: str) -> lucene.Node:
        try:
            return lucene.parse(text, default_op=q_op, dismax_mm=mm)
        except lucene.QuerySyntaxError:
            # dismax is lenient: unbalanced syntax is taken as plain words
            cleaned = re.sub(r'[\\+\-!():^\[\]"{}~*?|&/]', " ", text)
            return lucene.parse(cleaned, default_op=q_op, dismax_mm=mm)

    def _projection(self, fl: list[str], binds: dict[str, Any]) -> str:
        if "*" in fl:
            return "d.stored"
        parts = []
        for i, name in enumerate(f for f in fl if f != "score"):
            binds[f"fl{i}"] = name
            if name in _COLUMN_FIELDS and name != "title_string":
                parts.append(f":fl{i}, to_jsonb(d.{name})")
            else:
                parts.append(f":fl{i}, d.stored -> :fl{i}")
        if not parts:
            return "'{}'::jsonb"
        return "jsonb_build_object(" + ", ".join(parts) + ")"

    def _results(self, row: Any, plan: dict[str, Any]) -> PgResults:
        docs = []
        for stored, score in row["docs"] or []:
            doc = {k: v for k, v in (stored or {}).items() if v is not None}
            if plan["want_score"]:
                doc["score"] = float(score or 0.0)
            if self.decode_dates:
                doc = _decode_dates(doc)
            docs.append(doc)
        facet_fields = {}
        for i, field in enumerate(plan["facet_fields"]):
            flat: list[Any] = []
            for value, count in row[f"facet{i}"] or []:
                flat.extend([value, count])
            facet_fields[field] = flat
        facets = {"facet_fields": facet_fields} if plan["facet_fields"] else {}
        return PgResults(docs, int(row["hits"]), facets)
