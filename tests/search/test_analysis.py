"""Text analysis: pure, no database."""

from __future__ import annotations

import pytest

from ckanext.cqgov.search import analysis


def terms(tokens):
    return [t for t, _p in tokens]


@pytest.mark.parametrize("analyse", [analysis.index_tokens, analysis.query_tokens])
def test_cjk_run_is_one_token_as_in_solrs_stock_schema(analyse):
    # whitespace tokenizer + word delimiter: ideographs are letters
    assert analyse("交通线路") == [("交通线路", 0)]


def test_segmented_words_are_whitespace_tokens():
    assert analysis.index_tokens("公共交通 线路 pm2.5") == [
        ("公共交通", 0),
        ("线路", 1),
        ("pm", 2),
        ("2", 3),
        ("5", 4),
    ]


def test_width_folding_and_lowercase():
    assert terms(analysis.index_tokens("ＣＫＡＮ１２３")) == ["ckan", "123"]
    assert terms(analysis.query_tokens("Ｄａｔａ")) == ["data"]


def test_accents_are_folded():
    assert terms(analysis.query_tokens("Café")) == ["cafe"]
    # also next to Chinese text; text without accented letters as it was
    assert terms(analysis.query_tokens("重庆Café")) == ["重庆", "cafe"]
    assert analysis.fold("医院ÀÉ") == "医院ae"
    assert analysis.fold("醫院 ＰＭ２.５") == "醫院 pm2.5"


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


def test_index_tokens_from_any_start_are_the_tokens_shifted():
    text = "WiFi热点 覆盖 PM2.5 cafés"
    direct = analysis._tokens(
        text, stemmed=True, split_case=True, for_query=False, start=7
    )
    assert analysis.index_tokens(text, start=7) == direct
    assert analysis.index_tokens(text) == [(t, p - 7) for t, p in direct]
    # the cached tokens are not changed by a caller changing its list
    tokens = analysis.index_tokens(text)
    tokens.clear()
    assert analysis.index_tokens(text, start=7) == direct
