"""Text analysis: pure, no database."""

from __future__ import annotations

import pytest

from ckanext.cqgov.search import analysis


def terms(tokens):
    return [t for t, _p in tokens]


def test_cjk_run_is_indexed_as_unigrams_and_bigrams():
    tokens = analysis.index_tokens("交通线路")
    assert sorted(tokens) == sorted(
        [
            ("交", 0),
            ("交通", 0),
            ("通", 1),
            ("通线", 1),
            ("线", 2),
            ("线路", 2),
            ("路", 3),
        ]
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("公共交通", [("公共", 0), ("共交", 1), ("交通", 2)]),
        ("交通", [("交通", 0)]),
        ("交", [("交", 0)]),
    ],
)
def test_cjk_query_becomes_bigram_phrase(query, expected):
    assert analysis.query_tokens(query) == expected


def test_every_chinese_substring_of_indexed_text_is_a_consecutive_phrase():
    title = "重庆市公共交通线路"
    index = set(analysis.index_tokens(title))
    for start in range(len(title)):
        for end in range(start + 1, len(title) + 1):
            query = analysis.query_tokens(title[start:end])
            offset = start
            assert {(t, p + offset) for t, p in query} <= index, title[start:end]


def test_width_folding_and_lowercase():
    assert terms(analysis.index_tokens("ＣＫＡＮ１２３")) == ["ckan", "123"]
    assert terms(analysis.query_tokens("Ｄａｔａ")) == ["data"]


def test_accents_are_folded():
    assert terms(analysis.query_tokens("Café")) == ["cafe"]


def test_word_delimiter_splits_case_digits_and_punctuation():
    assert terms(analysis.query_tokens("WiFi-3 foo_bar")) == [
        "wi",
        "fi",
        "3",
        "foo",
        "bar",
    ]
    # the index also keeps the catenated word so a query "wifi" matches
    assert "wifi" in terms(analysis.index_tokens("WiFi"))
    # text_general does not split on case changes
    assert terms(analysis.query_tokens("WiFi", split_case=False)) == ["wifi"]


@pytest.mark.parametrize(
    "word, stem",
    [
        ("floods", "flood"),
        ("cities", "city"),
        ("boxes", "boxe"),
        ("status", "status"),
        ("glass", "glass"),
        ("data", "data"),
    ],
)
def test_minimal_stemmer(word, stem):
    assert analysis.stem(word) == stem


def test_mixed_latin_and_cjk():
    assert analysis.query_tokens("GDP统计") == [("gdp", 0), ("统计", 1)]


def test_punctuation_only_has_no_tokens():
    assert analysis.query_tokens("——（）!!") == []


def test_multi_valued_fields_have_a_gap_between_values():
    tokens = analysis.index_values(["a b", "c"])
    positions = dict(tokens)
    assert positions["c"] - positions["b"] > analysis.VALUE_GAP
