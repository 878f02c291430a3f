"""Chinese analysis (segmentation, normalization, dictionaries): pure, no
database."""

from __future__ import annotations

import pytest

from ckanext.cqgov.search import chinese

DISTRICTS = chinese.CHONGQING_DISTRICTS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("醫院", "医院"),
        ("重慶市衛生健康委員會", "重庆市卫生健康委员会"),
        ("ＰＭ２．５監測", "pm2.5监测"),
        ("（交通）！", "(交通)!"),
        ("GDP", "gdp"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert chinese.normalize(text) == expected


def test_all_38_districts_and_counties_are_single_words():
    assert len(DISTRICTS) == 38
    for name in DISTRICTS:
        assert chinese.query_words(name) == [name]
        assert chinese.query_words(name + "停车场") == [name, "停车场"], name


def test_index_words_precise_words_first_then_search_mode_subwords():
    assert chinese.index_words("重庆市中医院名录") == [
        "重庆市",
        "中医院",
        "名录",
        "重庆",
        "中医",
        "医院",
    ]


def test_query_words_are_precise_mode():
    assert chinese.query_words("重庆市中医院名录") == ["重庆市", "中医院", "名录"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("渝中区 停车场", ["渝中区", "停车场"]),
        ("PM2.5 监测", ["pm2.5", "监测"]),
        ("ＰＭ２．５监测", ["pm2.5", "监测"]),
        ("醫療保險、參保人數。", ["医疗保险", "参保", "人数"]),
        ("，。！", []),
        ("   ", []),
    ],
)
def test_query_words_drop_punctuation_and_fold(text, expected):
    assert chinese.query_words(text) == expected


def test_government_terms_stay_whole():
    for term in ("统一社会信用代码", "大数据发展局", "住房公积金", "渝快办", "充电桩"):
        assert chinese.query_words(term) == [term]


def test_synonyms_are_groups_and_single_words():
    assert chinese.synonyms("公交") == ["公交", "公共交通"]
    assert chinese.synonyms("公共交通") == ["公共交通", "公交"]
    assert chinese.synonyms("医疗保险") == ["医疗保险", "医保"]
    assert chinese.synonyms("停车场") == ["停车场"]
    for word in ("最低生活保障", "发展和改革委员会"):
        assert chinese.query_words(word) == [word]


def test_compound_parts():
    assert chinese.compound_parts("公交线路") == ["公交", "线路"]
    assert chinese.compound_parts("中医院") == []
    assert chinese.compound_parts("pm2.5") == []


def test_extra_dictionary_and_synonyms_from_configuration(tmp_path):
    words = tmp_path / "dict.txt"
    words.write_text("# comment\n碚圃数据 100\n", encoding="utf-8")
    syns = tmp_path / "syn.txt"
    syns.write_text("晶圃, 碚圃数据\n", encoding="utf-8")
    try:
        chinese.configure(
            extra_dicts=[str(words)],
            extra_synonyms=[str(syns)],
            cache_dir=str(tmp_path / "cache"),
        )
        assert chinese.query_words("碚圃数据") == ["碚圃数据"]
        assert chinese.synonyms("晶圃") == ["晶圃", "碚圃数据"]
        # jieba's cache goes to the configured directory
        assert list((tmp_path / "cache").iterdir())
    finally:
        chinese.configure()
    assert chinese.synonyms("晶圃") == ["晶圃"]


def test_missing_configured_file_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        chinese.configure(extra_dicts=[str(tmp_path / "missing.txt")])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("渝中区医院", "yuzhongquyiyuan yzqyy"),
        ("重庆市银行行长", "chongqingshiyinhanghangzhang cqsyhhz"),
        ("醫院 PM2.5 监测", "yiyuanjiance yyjc"),  # traditional; ASCII left out
        ("绿色出行", "lvsechuxing lscx"),
        ("Bus routes 2024", ""),
        ("", ""),
    ],
)
def test_pinyin_key(text, expected):
    assert chinese.pinyin_key(text) == expected
