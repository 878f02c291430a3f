"""Query translation, pure parts: the parse tree, mm, date math, sort syntax."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ckanext.cqgov.search import datemath, lucene, schema
from ckanext.cqgov.search.lucene import Bool, Exists, MatchAll, Range, Term


def test_match_all():
    assert lucene.parse("*:*") == MatchAll()
    assert lucene.parse("") == MatchAll()


def test_field_value_and_phrase():
    assert lucene.parse("tags:economy") == Term("tags", "economy")
    assert lucene.parse('title:"bus routes"') == Term(
        "title", "bus routes", phrase=True
    )


def test_default_operator_and_explicit_operators():
    assert lucene.parse("a b") == Bool(must=[Term(None, "a"), Term(None, "b")])
    assert lucene.parse("a b", default_op="OR") == Bool(
        should=[Term(None, "a"), Term(None, "b")]
    )
    assert lucene.parse("a OR b") == Bool(should=[Term(None, "a"), Term(None, "b")])
    assert lucene.parse("a && b || c") == Bool(
        should=[
            Bool(must=[Term(None, "a"), Term(None, "b")]),
            Bool(must=[Term(None, "c")]),
        ]
    )


def test_plus_minus_and_negation_only():
    assert lucene.parse("+a -b c", default_op="OR") == Bool(
        must=[Term(None, "a")], should=[Term(None, "c")], must_not=[Term(None, "b")]
    )
    assert lucene.parse("-dataset_type:harvest") == Bool(
        must=[MatchAll()], must_not=[Term("dataset_type", "harvest")]
    )


def test_field_group_exists_wildcard_escape():
    assert lucene.parse("tags:(a OR b)") == Bool(
        should=[Term("tags", "a"), Term("tags", "b")]
    )
    assert lucene.parse("url:*") == Exists("url")
    assert lucene.parse("name:bus*") == Term("name", "bus*", wildcard=True)
    assert lucene.parse(r"name:a\:b\*") == Term("name", "a:b*")


def test_ranges():
    assert lucene.parse("num_tags:[1 TO *]") == Range("num_tags", "1", None)
    assert lucene.parse("metadata_modified:{2020-01-01T00:00:00Z TO NOW]") == Range(
        "metadata_modified", "2020-01-01T00:00:00Z", "NOW", False, True
    )


@pytest.mark.parametrize(
    "query", ["title:(", 'title:"open', "AND", "a:/regex/", "[1 TO", "*:foo"]
)
def test_malformed_queries_raise(query):
    with pytest.raises(lucene.QuerySyntaxError):
        lucene.parse(query)


def test_chinese_query_parses():
    assert lucene.parse("公共（交通）") == Term(None, "公共（交通）")


@pytest.mark.parametrize(
    "spec, optional, required",
    [
        ("2<-1 5<80%", 1, 1),
        ("2<-1 5<80%", 2, 2),
        ("2<-1 5<80%", 3, 2),
        ("2<-1 5<80%", 5, 4),
        ("2<-1 5<80%", 6, 4),
        ("2<-1 5<80%", 10, 8),
        ("1", 4, 1),
        ("-1", 4, 3),
        ("50%", 4, 2),
        ("-25%", 4, 3),
        ("", 3, 3),
        ("100%", 3, 3),
    ],
)
def test_min_should_match(spec, optional, required):
    assert lucene.min_should_match(spec, optional) == required


def test_dismax_query_makes_optional_clauses_with_mm():
    node = lucene.parse("a b c d e f", dismax_mm="2<-1 5<80%")
    assert isinstance(node, Bool)
    assert len(node.should) == 6 and node.min_should == 4
    # two clauses: both required
    node = lucene.parse("a b", dismax_mm="2<-1 5<80%")
    assert node == Bool(must=[Term(None, "a"), Term(None, "b")])


NOW = dt.datetime(2024, 5, 15, 13, 45, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("NOW", NOW),
        ("NOW-1DAY", NOW - dt.timedelta(days=1)),
        ("NOW/DAY", dt.datetime(2024, 5, 15, tzinfo=dt.timezone.utc)),
        ("NOW/DAY+7DAYS", dt.datetime(2024, 5, 22, tzinfo=dt.timezone.utc)),
        ("NOW-1YEAR/MONTH", dt.datetime(2023, 5, 1, tzinfo=dt.timezone.utc)),
        ("2020-01-01T00:00:00Z", dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)),
        (
            "2020-01-31T00:00:00Z+1MONTH",
            dt.datetime(2020, 2, 29, tzinfo=dt.timezone.utc),
        ),
    ],
)
def test_date_math(expr, expected):
    assert datemath.parse(expr, now=NOW) == expected


@pytest.mark.parametrize("expr", ["yesterday", "NOW+1FORTNIGHT", "2020-02-30", "NOWX"])
def test_bad_date_math(expr):
    with pytest.raises(datemath.DateMathError):
        datemath.parse(expr, now=NOW)


def test_like_pattern_escapes():
    assert lucene.like_pattern("bus*") == "bus%"
    assert lucene.like_pattern("b?s") == "b_s"
    assert lucene.like_pattern("100%_x*") == "100\\%\\_x%"
    assert lucene.like_pattern(r"a\*b*") == "a*b%"


def test_tsquery_literal_quotes_lexemes():
    assert lucene.tsquery_literal([("公共", 0), ("交通", 2)], "title:") == (
        "'title:公共' <2> 'title:交通'"
    )
    assert lucene.tsquery_literal([("it's", 0)]) == "'it''s'"


def test_sort_parsing():
    compiler = lucene.Compiler()
    keys = lucene.parse_sort("score desc, metadata_modified desc", compiler)
    assert [(k.field, k.descending) for k in keys] == [
        ("score", True),
        ("metadata_modified", True),
    ]
    (key,) = lucene.parse_sort("my_custom_field asc", compiler)
    assert key.needs_presence_check
    (key,) = lucene.parse_sort("extras_foo asc", compiler)
    assert not key.needs_presence_check


@pytest.mark.parametrize(
    "spec", ["title_string", "name sideways", "tags asc", "notes desc", "foo() asc"]
)
def test_invalid_sorts(spec):
    with pytest.raises(lucene.QuerySyntaxError):
        lucene.parse_sort(spec, lucene.Compiler())


def test_values_are_bound_never_inlined():
    compiler = lucene.Compiler()
    sql = compiler.compile(lucene.parse('name:"x\'; DROP TABLE package; --"'))
    assert "DROP" not in sql.where
    assert "x'; DROP TABLE package; --" in compiler.params.values()


def test_permission_labels_are_tested_on_rows_not_through_their_index():
    # every viewer's labels include "public", which most documents carry:
    # the filter is checked on the rows the other conditions select
    compiler = lucene.Compiler()
    labels = compiler.compile(
        lucene.parse('permission_labels:("public" OR "member-x")')
    ).where
    assert labels.endswith("IS TRUE)") and "d.permission_labels &&" in labels
    one = compiler.compile(lucene.parse('permission_labels:"public"')).where
    assert one.endswith("IS TRUE)") and "d.permission_labels @>" in one
    # other filters keep their indexable form
    tags = compiler.compile(lucene.parse("tags:(a OR b)")).where
    assert "IS TRUE" not in tags


QF = [
    ("extras_cqgov_title", 10.0),
    ("extras_cqgov_notes", 2.0),
    ("name", 4.0),
    ("text", 0.5),
]


def _dismax(term: str) -> str:
    compiler = lucene.Compiler(qf=QF, tie=0.1)
    return compiler.compile(lucene.Term(None, term)).score


def test_catch_all_score_of_one_word_reuses_the_segmented_match():
    # a one-word term: the catch-all test is answered by the zh probe first
    score = _dismax("停车场")
    assert "(d.zh @@" in score and "OR ((SELECT cqgov_tsv_has(" in score


@pytest.mark.parametrize(
    "term",
    [
        lucene.Term(None, "air quality", phrase=True),
        lucene.Term(None, "PM2.5"),  # several tokens: a phrase
        lucene.Term(None, "停车*", wildcard=True),
    ],
)
def test_catch_all_score_of_phrases_and_prefixes_reads_tsv_alone(term):
    # positions or prefixes: no shortcut
    score = lucene.Compiler(qf=QF, tie=0.1).compile(term).score
    assert "(d.tsv @@" in score and "OR (d.tsv @@" not in score


@pytest.mark.parametrize(
    "queries, implied",
    [
        ({"text": "'w'", "extras_cqgov_title": "'w':A"}, True),
        (
            {
                "text": "'w'",
                "extras_cqgov_title": "'w':A",
                "extras_cqgov_notes": "'w':C",
            },
            True,
        ),
        ({"text": "'it''s'", "extras_cqgov_title": "'it''s':A"}, True),
        # a segmented query for another word
        ({"text": "'w'", "extras_cqgov_title": "'v':A"}, False),
        # phrase, prefix, alternatives
        ({"text": "'a' <1> 'b'", "extras_cqgov_title": "'a' <1> 'b':A"}, False),
        ({"text": "'w':*", "extras_cqgov_title": "'w':*A"}, False),
        ({"text": "('a' | 'b')", "extras_cqgov_title": "('a':A | 'b':A)"}, False),
        # no segmented field, or no catch-all field
        ({"text": "'w'"}, False),
        ({"extras_cqgov_title": "'w':A"}, False),
    ],
)
def test_implied_by_segmented(queries, implied):
    assert lucene._implied_by_segmented(queries) is implied


def test_catch_all_row_test_asks_the_index_first():
    # row by row, tsv is read only if some document has the word at all
    compiler = lucene.Compiler(qf=QF, tie=0.1)
    sql = compiler.compile(lucene.Term(None, "公共交通"))
    assert sql.test is not None and sql.test != sql.where
    assert "(SELECT cqgov_tsv_has(CAST(" in sql.test
    assert "cqgov_tsv_has" in sql.score
    # the index form (WHERE) keeps the plain test the GIN index answers
    assert "cqgov_tsv_has" not in sql.where and "(d.tsv @@" in sql.where
    # an optional clause's score is counted by its row test
    both = compiler.compile(lucene.parse("公交 OR 医院"))
    assert "cqgov_tsv_has" not in both.where and "cqgov_tsv_has" in both.score


@pytest.mark.parametrize(
    "queries, lexeme",
    [
        (["'w':A", "'w':B", "'w':C", "'w':D"], "'w'"),
        (["'it''s':A", "'it''s':B", "'it''s':C", "'it''s':D"], "'it''s'"),
        (["'a:b':D", "'a:b':C", "'a:b':B", "'a:b':A"], "'a:b'"),
        # not every weight, another word, phrase, prefix, no weight
        (["'w':A", "'w':B", "'w':C"], None),
        (["'w':A", "'w':B", "'w':C", "'v':D"], None),
        (["'a':A <-> 'b':A", "'a':B <-> 'b':B", "'a':C <-> 'b':C", "'a':D"], None),
        (["'w':*A", "'w':*B", "'w':*C", "'w':*D"], None),
        (["'w'"], None),
    ],
)
def test_any_weight(queries, lexeme):
    assert lucene._any_weight(queries) == lexeme


def test_segmented_probe_of_one_word_has_no_weights():
    qf = [(f, 1.0) for f in schema.SEGMENTED_FIELDS] + [("text", 0.5)]
    compiler = lucene.Compiler(qf=qf, tie=0.1)
    compiler.compile(lucene.Term(None, "停车场"))
    assert "'停车场'" in compiler.params.values()
    phrase = lucene.Compiler(qf=qf, tie=0.1)
    phrase.compile(lucene.Term(None, "PM2.5"))
    # a phrase keeps its weights (positions are not compared across fields)
    assert any(
        isinstance(v, str) and "'pm':A" in v and "'pm':D" in v
        for v in phrase.params.values()
    )


def test_dismax_score_by_lookup():
    compiler = lucene.Compiler(qf=QF, tie=0.1)
    score = compiler.compile(lucene.Term(None, "停车场")).score
    assert "AS numeric[]))[(" in score and "SELECT 0.9" not in score
    table = next(v for v in compiler.params.values() if str(v).startswith("{"))
    values = [Decimal(v) for v in table[1:-1].split(",")]
    # QF: title 10, notes 2, name 4, text 0.5 → bits 1, 2, 4, 8
    assert len(values) == 16 and values[0] == 0
    assert values[1] == Decimal("10.0")  # title alone: 0.9*10 + 0.1*10
    assert values[0b1001] == Decimal("0.9") * 10 + Decimal("0.1") * Decimal("10.5")
    assert values[0b0110] == Decimal("0.9") * 4 + Decimal("0.1") * 6
    # more fields than MASK_FIELDS_MAX: the scalar subquery
    many = [(f"extras_f{i}", 1.0) for i in range(lucene.MASK_FIELDS_MAX + 1)]
    wide = lucene.Compiler(qf=many, tie=0.1).compile(lucene.Term(None, "abc")).score
    assert "SELECT 0.9" in wide
