"""The pysolr-compatible client against real PostgreSQL, with hand-made Solr
documents (the shape CKAN's ``index_package`` builds), so each query form is
checked on its own without going through CKAN's actions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan.lib.search.common import SearchQueryError

from ckanext.cqgov.search import segmented
from ckanext.cqgov.search.client import PgSolrClient

SITE = "test-site"


def make_doc(ident: str, **fields):
    doc = {
        "index_id": f"idx-{ident}",
        "id": ident,
        "site_id": SITE,
        "name": f"ds-{ident}",
        "entity_type": "package",
        "dataset_type": "dataset",
        "state": "active",
        "capacity": "public",
        "permission_labels": ["public"],
        "metadata_created": "2024-01-01T00:00:00.000000Z",
        "metadata_modified": "2024-01-01T00:00:00.000000Z",
        "data_dict": json.dumps({"id": ident}),
        "validated_data_dict": json.dumps({"id": ident, "v": True}),
    }
    doc.update(fields)
    if "title" in doc:
        doc.setdefault("title_string", doc["title"])
    # the segmented fields the cqgov plugin adds before indexing
    doc.update(segmented.index_fields(doc))
    return doc


NOW = dt.datetime.now(dt.timezone.utc)


def iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


DOCS = [
    make_doc(
        "bus",
        title="重庆市公共交通线路",
        notes="全市公交线路与站点，每日更新。Bus routes of Chongqing.",
        tags=["traffic", "Bus"],
        groups=["transport"],
        organization="cq-transport",
        res_format=["CSV", "JSON"],
        num_resources=2,
        num_tags=2,
        metadata_modified=iso(NOW - dt.timedelta(days=2)),
        metadata_created="2023-03-01T08:00:00.000000Z",
        release_date="2023-03-01T00:00:00Z",
        extras_source="municipal archive",
        url="http://example.com/bus",
    ),
    make_doc(
        "air",
        title="Air quality monitoring",
        notes="Hourly air quality index from monitoring stations; floods too.",
        tags=["environment", "traffic"],
        organization="cq-eco",
        res_format=["CSV"],
        num_resources=1,
        num_tags=2,
        metadata_modified=iso(NOW - dt.timedelta(days=40)),
        metadata_created="2022-06-01T08:00:00.000000Z",
        release_date="2021-01-01T00:00:00Z",
    ),
    make_doc(
        "school",
        title="中小学校名录",
        notes="全市中小学校的名称、地址。",
        tags=["education"],
        organization="cq-edu",
        num_resources=12,
        num_tags=1,
        metadata_modified=iso(NOW - dt.timedelta(days=400)),
        metadata_created="2021-01-01T08:00:00.000000Z",
        capacity="private",
        permission_labels=["member-edu"],
    ),
    make_doc(
        "harvested",
        title="Harvested bus timetable",
        notes="A timetable harvested from elsewhere.",
        tags=["traffic"],
        organization="cq-transport",
        dataset_type="harvest",
        num_resources=0,
        num_tags=1,
        metadata_modified=iso(NOW - dt.timedelta(days=1)),
        metadata_created="2024-02-01T08:00:00.000000Z",
    ),
    make_doc(
        "draft",
        title="Draft bus stops",
        tags=["traffic"],
        state="draft",
        organization="cq-transport",
        metadata_modified=iso(NOW - dt.timedelta(hours=12)),
        metadata_created="2024-03-01T08:00:00.000000Z",
    ),
]


def _indexed() -> PgSolrClient:
    conn = PgSolrClient(decode_dates=False)
    conn.delete(q="*:*")
    conn.add(DOCS, commit=True)
    return conn


@pytest.fixture(scope="module")
def solr(index_table):
    """The documents above, indexed once for the read-only tests."""
    conn = _indexed()
    yield conn
    conn.delete(q="*:*")


@pytest.fixture
def fresh_solr(index_table):
    """The documents above, indexed afresh for a test that changes them."""
    conn = _indexed()
    yield conn
    conn.delete(q="*:*")


def ids(results):
    return sorted(d["id"] for d in results.docs)


def search(conn, q="*:*", **params):
    params.setdefault("fl", "id")
    params.setdefault("rows", 100)
    return conn.search(q=q, **params)


@pytest.mark.usefixtures("solr")
class TestLuceneQueries:
    @pytest.mark.parametrize(
        "q, expected",
        [
            ("*:*", ["air", "bus", "draft", "harvested", "school"]),
            ("tags:traffic", ["air", "bus", "draft", "harvested"]),
            # string fields are exact and case-sensitive, as in Solr
            ("tags:Bus", ["bus"]),
            ("tags:bus", []),
            ("tags:traff", []),
            ('name:"ds-bus"', ["bus"]),
            # as in Solr's stock schema a run of ideographs is one token; the
            # words inside it are in the segmented fields
            ("title:交通", []),
            ("title:重庆市公共交通线路", ["bus"]),
            ("extras_cqgov_title:交通", ["bus"]),
            ("extras_cqgov_title:公共交通", ["bus"]),
            ('extras_cqgov_title:"公共交通 线路"', ["bus"]),
            ('extras_cqgov_title:"线路 公共交通"', []),
            ("extras_cqgov_notes:站点", ["bus"]),
            ("text:站点", ["bus"]),
            ("title:quality", ["air"]),
            ("title:QUALITY", ["air"]),
            ('title:"quality air"', []),
            ('title:"air quality"', ["air"]),
            ('title:"air monitoring"~3', ["air"]),
            ("notes:flood", ["air"]),
            ("text:flood", ["air"]),
            ("flood", ["air"]),
            # catch-all text holds tags, organization and name too
            ("environment", ["air"]),
            ("cq-eco", ["air"]),
            ("extras_source:archive", ["bus"]),
            ("municipal", ["bus"]),
            ("tags:traffic AND tags:environment", ["air"]),
            ("tags:traffic && tags:environment", ["air"]),
            ("tags:education OR tags:environment", ["air", "school"]),
            ("tags:education || tags:environment", ["air", "school"]),
            ("tags:traffic AND NOT tags:environment", ["bus", "draft", "harvested"]),
            ("tags:traffic -tags:environment", ["bus", "draft", "harvested"]),
            ("+tags:traffic +organization:cq-eco", ["air"]),
            ("-dataset_type:harvest", ["air", "bus", "draft", "school"]),
            ("NOT tags:traffic", ["school"]),
            ("tags:(education OR environment)", ["air", "school"]),
            ("(tags:education OR tags:environment) AND organization:cq-eco", ["air"]),
            ("res_format:CSV", ["air", "bus"]),
            ("url:*", ["bus"]),
            ("extras_source:*", ["bus"]),
            ("notes:*", ["air", "bus", "harvested", "school"]),
            ("name:ds-b*", ["bus"]),
            ("name:ds-?us", ["bus"]),
            ("organization:cq-*", ["air", "bus", "draft", "harvested", "school"]),
            ("title:monitor*", ["air"]),
            ("extras_cqgov_title:交*", ["bus"]),
            ("title:重庆*", ["bus"]),
            (r"name:ds\-bus", ["bus"]),
            ("num_resources:[1 TO 5]", ["air", "bus"]),
            ("num_resources:[2 TO *]", ["bus", "school"]),
            ("num_resources:{1 TO 12}", ["bus"]),
            ("num_tags:2", ["air", "bus"]),
            ("metadata_modified:[NOW-7DAYS TO NOW]", ["bus", "draft", "harvested"]),
            ("metadata_modified:[* TO NOW-30DAYS]", ["air", "school"]),
            (
                "metadata_created:[2023-01-01T00:00:00Z TO 2024-01-01T00:00:00Z}",
                ["bus"],
            ),
            (
                "metadata_created:[2024-01-01T00:00:00Z TO NOW/DAY+7DAYS]",
                ["draft", "harvested"],
            ),
            ("release_date:[2022-01-01T00:00:00Z TO *]", ["bus"]),
            (
                "state:(active OR draft) AND tags:traffic",
                ["air", "bus", "draft", "harvested"],
            ),
            (
                'permission_labels:("public" OR "member-edu")',
                ["air", "bus", "draft", "harvested", "school"],
            ),
            ('permission_labels:"member-edu"', ["school"]),
            ("capacity:private", ["school"]),
            ("no_such_field:x", []),
        ],
    )
    def test_query(self, solr, q, expected):
        assert ids(search(solr, q)) == expected

    @pytest.mark.parametrize(
        "fq, expected",
        [
            ("+capacity:public +state:active", ["air", "bus", "harvested"]),
            (
                '+site_id:"test-site" +state:(active OR draft)',
                ["air", "bus", "draft", "harvested", "school"],
            ),
            ("-dataset_type:harvest +tags:traffic", ["air", "bus", "draft"]),
            ("dataset_type:harvest", ["harvested"]),
            ('+permission_labels:("public")', ["air", "bus", "draft", "harvested"]),
            ('+site_id:"another-site"', []),
        ],
    )
    def test_fq(self, solr, fq, expected):
        assert ids(search(solr, fq=fq)) == expected

    def test_fq_list_and_fq_combine(self, solr):
        result = search(
            solr,
            fq="+tags:traffic",
            fq_list=["organization:cq-transport", "-state:draft"],
        )
        assert ids(result) == ["bus", "harvested"]

    def test_q_op_or(self, solr):
        assert ids(
            search(solr, "tags:education tags:environment", **{"q.op": "OR"})
        ) == [
            "air",
            "school",
        ]
        assert (
            ids(search(solr, "tags:education tags:environment", **{"q.op": "AND"}))
            == []
        )

    @pytest.mark.parametrize(
        "q",
        [
            "title:(",
            'title:"unclosed',
            "tags:[1 TO",
            "metadata_modified:[yesterday TO NOW]",
            "x:/re/",
            "title:[a TO b]",
        ],
    )
    def test_malformed_query_is_a_search_query_error(self, solr, q):
        with pytest.raises(SearchQueryError):
            search(solr, q)
        with pytest.raises(SearchQueryError):
            search(solr, fq=q)


DISMAX = {
    "defType": "dismax",
    "qf": "name^4 title^4 tags^2 groups^2 text",
    "mm": "2<-1 5<80%",
    "tie": "0.1",
}


@pytest.mark.usefixtures("solr")
class TestDismax:
    @pytest.mark.parametrize(
        "q, expected",
        [
            ("air quality", ["air"]),
            ("air nonsense", []),
            # 3 clauses: all but one must match
            ("air quality nonsense", ["air"]),
            ("air nonsense gibberish", []),
            ("bus -harvested", ["bus", "draft"]),
            ("+bus +timetable", ["harvested"]),
            ('"bus timetable"', ["harvested"]),
            ("ds-bus", ["bus"]),
            # groups (bus) and organization cq-transport, via the catch-all text
            ("transport", ["bus", "draft", "harvested"]),
            ("traffic", ["air", "bus", "draft", "harvested"]),
            ("——", []),
        ],
    )
    def test_dismax(self, solr, q, expected):
        assert ids(search(solr, q, **DISMAX)) == expected

    @pytest.mark.parametrize(
        "q, expected",
        [
            ("交通", ["bus"]),
            ("公共交通", ["bus"]),
            ("重庆 交通", ["bus"]),
            ("站点", ["bus"]),
            ("中小学", ["school"]),
            ("（交通）", ["bus"]),
            ("交通 (", ["bus"]),
            ("公交 线路", ["bus"]),
            ("学校 公交", []),
        ],
    )
    def test_chinese_edismax(self, solr, q, expected):
        # the parameters the cqgov plugin sends for a Chinese query
        params = segmented.search_params({"q": q})
        assert params["defType"] == "edismax"
        assert ids(search(solr, **params)) == expected

    def test_score_ranks_title_matches_first(self, solr):
        result = search(solr, "bus", sort="score desc", fl="id score", **DISMAX)
        # the exact-name / title matches outrank the notes-only match
        assert result.docs[0]["id"] in ("bus", "harvested", "draft")
        assert result.docs[-1]["score"] <= result.docs[0]["score"]


@pytest.mark.usefixtures("solr")
class TestFacets:
    def test_facets_count_all_matches_not_only_the_page(self, solr):
        result = solr.search(
            q="*:*",
            fl="id",
            rows=2,
            facet="true",
            **{"facet.field": ["tags", "organization"], "facet.mincount": 1},
        )
        assert result.hits == 5 and len(result.docs) == 2
        tags = result.facets["facet_fields"]["tags"]
        assert tags[:2] == ["traffic", 4]
        assert dict(zip(tags[::2], tags[1::2], strict=True)) == {
            "traffic": 4,
            "Bus": 1,
            "education": 1,
            "environment": 1,
        }
        orgs = result.facets["facet_fields"]["organization"]
        assert orgs[:2] == ["cq-transport", 3]

    def test_facet_order_limit_and_mincount(self, solr):
        result = solr.search(
            q="*:*",
            rows=0,
            facet="true",
            **{"facet.field": "tags", "facet.limit": 2, "facet.mincount": 1},
        )
        # count desc, then value (code point order, as Solr)
        assert result.facets["facet_fields"]["tags"] == ["traffic", 4, "Bus", 1]
        result = solr.search(
            q="*:*",
            rows=0,
            facet="true",
            **{"facet.field": "tags", "facet.limit": -1, "facet.mincount": 2},
        )
        assert result.facets["facet_fields"]["tags"] == ["traffic", 4]

    def test_facets_follow_the_filters(self, solr):
        result = solr.search(
            q="*:*",
            fq="+capacity:public",
            rows=0,
            facet="true",
            **{"facet.field": ["organization"], "facet.limit": -1},
        )
        assert "cq-edu" not in result.facets["facet_fields"]["organization"]

    def test_no_facets_unless_asked(self, solr):
        assert solr.search(q="*:*", rows=0).facets == {}


@pytest.mark.usefixtures("solr")
class TestSortPagingFl:
    @pytest.mark.parametrize(
        "sort, expected",
        [
            ("metadata_modified desc", ["draft", "harvested", "bus", "air", "school"]),
            ("metadata_modified asc", ["school", "air", "bus", "harvested", "draft"]),
            ("metadata_created asc", ["school", "air", "bus", "harvested", "draft"]),
            ("title_string asc", ["air", "draft", "harvested", "school", "bus"]),
            (
                "name desc",
                ["ds-school", "ds-harvested", "ds-draft", "ds-bus", "ds-air"],
            ),
            (
                "num_resources desc, name asc",
                ["school", "bus", "air", "harvested", "draft"],
            ),
            (
                "organization asc, name desc",
                ["air", "school", "harvested", "draft", "bus"],
            ),
            (
                "release_date desc, name asc",
                ["bus", "air", "draft", "harvested", "school"],
            ),
            (
                "extras_source asc, name asc",
                ["bus", "air", "draft", "harvested", "school"],
            ),
        ],
    )
    def test_sort(self, solr, sort, expected):
        result = search(solr, sort=sort, fl="id name")
        got = [
            d["name"] if expected[0].startswith("ds-") else d["id"] for d in result.docs
        ]
        assert got == expected

    @pytest.mark.parametrize(
        "sort",
        [
            "nonexistent desc",
            "tags asc",
            "title asc",
            "name",
            "name upward",
            "score(x) desc",
        ],
    )
    def test_bad_sort_is_a_search_query_error(self, solr, sort):
        with pytest.raises(SearchQueryError):
            search(solr, sort=sort)

    def test_rows_and_start(self, solr):
        order = [d["id"] for d in search(solr, sort="name asc").docs]
        page = search(solr, sort="name asc", rows=2, start=1)
        assert page.hits == 5
        assert [d["id"] for d in page.docs] == order[1:3]
        assert search(solr, rows=0).docs == []
        assert search(solr, rows=10, start=10).docs == []
        with pytest.raises(SearchQueryError):
            search(solr, rows="many")

    def test_fl(self, solr):
        (doc,) = solr.search(q="name:ds-bus", fl="id validated_data_dict").docs
        assert doc == {"id": "bus", "validated_data_dict": '{"id": "bus", "v": true}'}
        (doc,) = solr.search(q="name:ds-bus", fl="name").docs
        assert doc == {"name": "ds-bus"}
        (doc,) = solr.search(q="name:ds-bus", fl="id,score").docs
        assert set(doc) == {"id", "score"}
        (doc,) = solr.search(q="name:ds-bus", fl="*").docs
        # stored fields only, as with Solr's schema (num_resources is not stored)
        assert doc["title"] == "重庆市公共交通线路"
        assert doc["tags"] == ["traffic", "Bus"]
        assert doc["extras_source"] == "municipal archive"
        assert "data_dict" in doc and "num_resources" not in doc
        assert "permission_labels" not in doc and "text" not in doc

    def test_dates_are_decoded_when_asked(self, solr):
        conn = PgSolrClient(decode_dates=True)
        (doc,) = conn.search(q="name:ds-air", fl="metadata_created").docs
        assert doc["metadata_created"] == dt.datetime(2022, 6, 1, 8, 0, 0)


class TestWrites:
    def test_add_replaces_by_index_id(self, fresh_solr):
        solr = fresh_solr
        solr.add([make_doc("bus", title="Renamed")])
        assert ids(search(solr, "title:renamed")) == ["bus"]
        assert ids(search(solr, "extras_cqgov_title:交通")) == []
        assert search(solr).hits == 5

    def test_delete_by_query_and_by_id(self, fresh_solr):
        solr = fresh_solr
        solr.delete(
            q='+entity_type:package AND +(id:"air" OR name:"air") '
            'AND +site_id:"test-site"'
        )
        assert "air" not in ids(search(solr))
        solr.delete(q='+entity_type:package AND +(id:"ds-bus" OR name:"ds-bus")')
        assert "bus" not in ids(search(solr))
        solr.delete(id="idx-school")
        assert ids(search(solr)) == ["draft", "harvested"]
        solr.delete(q='+site_id:"test-site"')
        assert search(solr).hits == 0

    def test_batched_writes_hold_documents_until_the_block_ends(self, fresh_solr):
        from ckan.model import meta

        from ckanext.cqgov.search import client

        def stored_title(ident):
            with meta.engine.connect() as conn:
                return conn.exec_driver_sql(
                    "SELECT stored ->> 'title' FROM cqgov_search_doc WHERE id = %s",
                    (ident,),
                ).scalar()

        solr = fresh_solr
        with client.batched_writes():
            solr.add([make_doc("bus", title="First")], commit=False)
            solr.add([make_doc("bus", title="Second")], commit=False)
            solr.add([make_doc("new", title="New one")], commit=False)
            assert stored_title("new") is None  # not written yet
            # a search writes what is pending first; the last version wins
            assert ids(search(solr, "title:second")) == ["bus"]
            solr.add([make_doc("later", title="Later")], commit=False)
        assert stored_title("later") == "Later"
        assert stored_title("bus") == "Second"
        assert search(solr).hits == 7

    def test_batched_writes_keep_order_with_deletes(self, fresh_solr):
        from ckanext.cqgov.search import client

        solr = fresh_solr
        with client.batched_writes():
            solr.add([make_doc("gone", title="Gone")], commit=False)
            solr.delete(id="idx-gone")
        assert "gone" not in ids(search(solr))

    def test_facets_column_holds_the_facetable_fields(self, fresh_solr):
        from ckanext.cqgov.search import document, schema

        row = document.build_row(make_doc("x", tags=["a"], organization="o"))
        assert row["facets"]["tags"] == ["a"]
        assert row["facets"]["organization"] == ["o"]
        assert "index_id" not in row["facets"]
        assert "extras_cqgov_title" not in row["facets"]
        assert set(row["facets"]) <= set(row["fields"])
        assert schema.facet_term("tags", "a") in row["facet_terms"]
        assert schema.facet_term("organization", "o") in row["facet_terms"]
        # a field kept out of it is still counted from the full fields
        result = fresh_solr.search(
            q="*:*", rows=0, facet="true", **{"facet.field": ["site_id", "tags"]}
        )
        assert result.facets["facet_fields"]["site_id"] == [SITE, 5]
        assert result.facets["facet_fields"]["tags"][:2] == ["traffic", 4]

    def test_sentences_and_column_copies_stay_out_of_the_facets_column(
        self, fresh_solr
    ):
        from ckanext.cqgov.search import document, schema

        basis = "《重庆市政务数据资源管理暂行办法》第十五条"
        doc = make_doc("basis", title="有条件共享的数据", share_basis=basis)
        row = document.build_row(doc)
        for field in ("share_basis", "state", "capacity", "entity_type"):
            assert field not in row["facets"], field
            assert field in row["fields"], field
        assert schema.facet_term("share_basis", basis) not in row["facet_terms"]
        # faceting and filtering on them still work (from ``fields``)
        fresh_solr.add([doc])
        result = fresh_solr.search(
            q="*:*",
            fq=f'share_basis:"{basis}"',
            rows=10,
            facet="true",
            **{"facet.field": ["share_basis", "state"]},
        )
        assert ids(result) == ["basis"]
        assert result.facets["facet_fields"]["share_basis"] == [basis, 1]
        assert result.facets["facet_fields"]["state"] == ["active", 1]


class TestSubstringIndex:
    """Autocomplete's substring tests (``title_ngram``, ``name_ngram``,
    ``cqgov_pinyin:*…*``) are narrowed by GIN indexes on ``cqgov_bigrams``;
    the query's bigrams must be computed as the database computes them."""

    @pytest.mark.parametrize(
        "text", ["渝中区停车场", "ab", "aaaa", "x", "", "停车停车"]
    )
    def test_python_and_database_bigrams_agree(self, index_table, text):
        from ckan.model import meta

        from ckanext.cqgov.search import lucene

        with meta.engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT cqgov_bigrams(%s)", (text,)).scalar()
        assert sorted(found) == lucene.bigrams(text)

    @pytest.mark.parametrize(
        ("expression", "index"),
        [
            # as lucene.LuceneSql writes them for title_ngram, name_ngram and
            # cqgov_pinyin (GRAM_INDEXED)
            ("lower((d.stored ->> 'title'))", "cqgov_search_doc_title_grams"),
            ("lower(d.name)", "cqgov_search_doc_name_grams"),
            ("(d.fields -> 'cqgov_pinyin' ->> 0)", "cqgov_search_doc_pinyin_grams"),
        ],
    )
    def test_the_planner_can_use_the_indexes(self, index_table, expression, index):
        from ckan.model import meta

        from ckanext.cqgov.search import lucene

        assert lucene.GRAM_INDEXED["cqgov_pinyin"] == (
            "(d.fields -> 'cqgov_pinyin' ->> 0)"
        )
        with meta.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(
                row[0]
                for row in conn.exec_driver_sql(
                    "EXPLAIN SELECT 1 FROM cqgov_search_doc AS d "
                    f"WHERE cqgov_bigrams({expression}) @> ARRAY['ab']"
                )
            )
        assert index in plan, plan


def test_the_columns_every_search_reads_stay_in_the_row(index_table):
    """Storage MAIN (migrations b6d1f0a3c4e2, c7e2a4b9d1f3): the key, the
    filters, the segmented words and the facet values are not moved out of
    line while the large columns are."""
    from ckan.model import meta

    with meta.engine.connect() as conn:
        storage = dict(
            conn.exec_driver_sql(
                "SELECT attname, attstorage FROM pg_attribute "
                "WHERE attrelid = 'cqgov_search_doc'::regclass AND attnum > 0"
            ).fetchall()
        )
    for column in ("index_id", "permission_labels", "capacity", "state", "zh"):
        assert storage[column] == "m", column
    for column in ("stored", "fields", "tsv"):
        assert storage[column] == "x", column
    # rows up to 2400 bytes are not compressed (c7e2a4b9d1f3): facets stay
    # readable without decompressing
    with meta.engine.connect() as conn:
        options = conn.exec_driver_sql(
            "SELECT reloptions FROM pg_class WHERE oid = 'cqgov_search_doc'::regclass"
        ).scalar()
    assert "toast_tuple_target=2400" in (options or [])
    assert storage["facets"] == "m"


def _pending_pages(index: str) -> int:
    """Pages of ``index``'s GIN pending list, emptied by the call itself."""
    from ckan.model import meta

    with meta.engine.begin() as conn:
        return conn.exec_driver_sql(
            "SELECT gin_clean_pending_list(%s::regclass)", (index,)
        ).scalar()


def test_commit_merges_the_gin_pending_lists(fresh_solr):
    """New entries wait in a GIN index's pending list, which every search of
    that index reads in full, until commit (the end of a rebuild) merges
    them."""
    from ckanext.cqgov.search import client

    many = [make_doc(f"p{i}", title=f"公共交通线路{i}号") for i in range(40)]
    with client.batched_writes():
        fresh_solr.add(many)
    assert _pending_pages("cqgov_search_doc_tsv_gin") > 0
    with client.batched_writes():
        fresh_solr.add(many)
    fresh_solr.commit()
    for index in ("cqgov_search_doc_tsv_gin", "cqgov_search_doc_zh_gin"):
        assert _pending_pages(index) == 0, index
    assert search(fresh_solr, "公共交通线路").hits >= 40


def test_single_writes_keep_the_gin_pending_lists_small(fresh_solr):
    """Documents indexed one at a time (a dataset edited) keep each pending
    list under 256 kB; PostgreSQL's default would let it grow to 4 MB (these
    documents hold more than 256 kB of entries)."""
    from ckanext.cqgov.search.client import SINGLE_WRITE_PENDING_LIST_KB

    _pending_pages("cqgov_search_doc_tsv_gin")
    for i in range(300):
        notes = " ".join(f"站点{i}-{j} 线路{i}-{j}" for j in range(8))
        fresh_solr.add([make_doc(f"s{i}", title=f"单条写入{i}", notes=notes)])
    pages = _pending_pages("cqgov_search_doc_tsv_gin")
    assert 0 < pages <= SINGLE_WRITE_PENDING_LIST_KB // 8 + 1


def test_searches_run_with_their_planner_settings_outside_a_transaction(index_table):
    from ckanext.cqgov.search import client

    with client._search_engine().connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
        assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"
        # autocommit: no transaction stays open between statements (in one,
        # now() would be the first statement's time)
        conn.exec_driver_sql("SELECT pg_sleep(0.01)")
        assert conn.exec_driver_sql("SELECT now() = statement_timestamp()").scalar()


def test_driver_sql_keeps_casts_and_literal_percent_signs():
    from ckanext.cqgov.search.client import driver_sql

    sql = "SELECT '{}'::jsonb, x LIKE '%a' FROM t WHERE a = :q0 AND b @> :f12"
    assert driver_sql(sql) == (
        "SELECT '{}'::jsonb, x LIKE '%%a' FROM t WHERE a = %(q0)s AND b @> %(f12)s"
    )


def test_a_search_survives_its_pooled_connection_being_closed(fresh_solr):
    """The search engine does not ping connections before use; a search on a
    connection the server closed (e.g. a restart) runs again on a new one."""
    from ckan.model import meta

    from ckanext.cqgov.search import client

    assert ids(search(fresh_solr, "tags:education")) == ["school"]
    with client._search_engine().connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with meta.engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT pg_terminate_backend(%s)", (pid,)).scalar()
    assert ids(search(fresh_solr, "tags:education")) == ["school"]


def test_filter_parse_trees_are_reused_as_copies():
    from ckanext.cqgov.search import lucene
    from ckanext.cqgov.search.client import parse_filter

    fq = '+capacity:public +state:(active OR draft) -tags:"x y"'
    first = parse_filter(fq, "AND")
    assert first == lucene.parse(fq, default_op="AND")
    first.must.clear()
    assert parse_filter(fq, "AND") == lucene.parse(fq, default_op="AND")


def test_facet_term_hashes_are_the_ones_the_migration_computes(index_table):
    """Python (documents, filters) and SQL (migration f4a8b2c6d1e9) hash a
    facet value the same way, Chinese and ASCII alike."""
    from ckan.model import meta

    from ckanext.cqgov.search import schema

    pairs = [("tags", "公交"), ("res_format", "CSV"), ("organization", "cq-dept-07")]
    with meta.engine.connect() as conn:
        for name, value in pairs:
            in_sql = conn.exec_driver_sql(
                "SELECT CAST(CAST('x' || left(md5(%s || chr(31) || %s), 8) "
                "AS bit(32)) AS integer)",
                (name, value),
            ).scalar()
            assert in_sql == schema.facet_term(name, value)
