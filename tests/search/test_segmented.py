"""What the cqgov plugin sends to the search engine: the segmented document
fields and the query parameters. Solr (stock ckan-solr 2.11 schema) and the
PostgreSQL backend receive exactly these, so production search matches
development search."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from ckanext.cqgov.search import segmented
from ckanext.cqgov.search.client import PgSolrClient

QF = (
    "extras_cqgov_title^10 extras_cqgov_keywords^5 extras_cqgov_notes^2 "
    "extras_cqgov_resources^1 name^4 text^0.5"
)
PF = "extras_cqgov_title^20 extras_cqgov_notes^4"


def test_index_fields_of_a_ckan_index_document():
    dataset = {
        "title": "渝中區公共停車場信息",
        "organization": {"name": "yz-traffic", "title": "渝中区交通局"},
        "resources": [{"name": "停车场列表", "description": "泊位數量"}],
        "data_items": [{"name": "停车场名称"}, {"name": "收费标准"}],
    }
    doc = {
        "title": dataset["title"],
        "notes": "ＰＭ２．５ 监测；全区停车场。",
        "tags": ["停车", "Parking"],
        "organization": "yz-traffic",
        "res_name": ["停车场列表"],
        "res_description": ["泊位數量"],
        # what ckanext-scheming leaves of a repeating-subfields field
        "data_items": json.dumps(dataset["data_items"], ensure_ascii=False),
        "validated_data_dict": json.dumps(dataset, ensure_ascii=False),
    }
    assert segmented.index_fields(doc) == {
        "extras_cqgov_title": "渝中区 公共 停车场 信息 渝中 中区 停车 车场",
        "extras_cqgov_keywords": (
            "停车 parking 渝中区 交通局 渝中 中区 交通 停车场 名称 停车 车场 收费 标准"
        ),
        "extras_cqgov_notes": "pm2.5 监测 全区 停车场 停车 车场",
        "extras_cqgov_resources": "停车场 列表 停车 车场 泊位 数量",
        "cqgov_pinyin": "yuzhongqugonggongtingchechangxinxi yzqggtccxx",
    }


def test_index_fields_from_validated_data_dict_only():
    dataset = {
        "title": "医院名录",
        "tags": [{"name": "卫生"}],
        "data_items": [{"name": "医院等级", "data_type": "C"}],
    }
    fields = segmented.index_fields({"validated_data_dict": json.dumps(dataset)})
    assert fields["extras_cqgov_title"] == "医院 名录"
    assert fields["extras_cqgov_keywords"] == "卫生 医院 等级"
    assert "extras_cqgov_notes" not in fields


@pytest.mark.parametrize(
    "q, sent",
    [
        ("渝中区 停车场", "渝中区 停车场"),
        ("渝中区停车场", "渝中区 停车场"),
        ("醫院", "医院"),
        ("公交", "(公交 OR 公共交通)"),
        ("医保 报销", "(医保 OR 医疗保险) 报销"),
        ("公交线路", "(公交线路 OR ((公交 OR 公共交通) AND 线路))"),
        ("PM2.5 监测", "pm2.5 监测"),
        ("（停车场）！", "停车场"),
        ('"渝中区停车场"', '"渝中区 停车场"'),
        ("title:停车场", "extras_cqgov_title:停车场"),
        ("notes:渝中区停车场", "extras_cqgov_notes:(渝中区 AND 停车场)"),
        ("tags:停车 医院", "tags:停车 医院"),
        ("停车场 -收费", "停车场 -收费"),
        ("停车场 OR 充电桩", "停车场 OR (充电桩 OR 充电设施)"),
        ("医院 AND organization:yz-health", "医院 AND organization:yz-health"),
        ("医*", "医*"),
        ("交通 (", "交通"),
        # a lone last character: the start of a word still being typed
        ("重庆市定", "重庆市 (定 OR 定*)"),
        ("公共交", "公共 (交 OR 交*)"),
        ("渝中區停", "渝中区 (停 OR 停*)"),
        ("重庆市定？", "重庆市 定"),
    ],
)
def test_query_parameters(q, sent):
    assert segmented.search_params({"q": q, "fq": "+tags:停车"}) == {
        "q": sent,
        "fq": "+tags:停车",
        "defType": "edismax",
        "qf": QF,
        "pf": PF,
        "tie": "0.1",
        "mm": "2<-1 5<80%",
    }


@pytest.mark.parametrize("q", [None, "", "*:*", '""'])
def test_match_all_is_left_alone(q):
    assert segmented.search_params({"q": q}) == {"q": q}


def test_invalid_fielded_syntax_is_left_to_the_engine():
    assert segmented.search_params({"q": "title:("}) == {"q": "title:("}


def test_explicit_parameters_are_kept():
    params = segmented.search_params({"q": "医院", "qf": "title", "defType": "lucene"})
    assert params == {"q": "医院", "qf": "title", "defType": "lucene"}
    params = segmented.search_params({"q": "医院", "qf": "title^2"})
    assert params["qf"] == "title^2" and params["defType"] == "edismax"


@pytest.fixture
def engine_calls(monkeypatch):
    """Records the documents and search parameters CKAN hands to the engine."""
    calls = {"add": [], "search": []}
    add, search = PgSolrClient.add, PgSolrClient.search

    def spy_add(self, docs, *args, **kwargs):
        calls["add"].extend(docs)
        return add(self, docs, *args, **kwargs)

    def spy_search(self, q=None, **params):
        calls["search"].append({"q": q, **params})
        return search(self, q, **params)

    monkeypatch.setattr(PgSolrClient, "add", spy_add)
    monkeypatch.setattr(PgSolrClient, "search", spy_search)
    return calls


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestWhatCkanSends:
    def test_index_document(self, engine_calls, dataset_factory):
        org = factories.Organization(title="重慶市衛生健康委員會")
        dataset_factory(
            name="hospitals",
            title="重庆市定点医院名录",
            notes="全市定点医疗机构",
            tags=[{"name": "医疗"}],
            owner_org=org["id"],
            resources=[{"url": "http://example.com/h.csv", "name": "医院列表"}],
        )
        doc = [d for d in engine_calls["add"] if d.get("name") == "hospitals"][-1]
        assert doc["extras_cqgov_title"] == "重庆市 定点医院 名录 重庆 定点 医院"
        assert doc["extras_cqgov_keywords"] == (
            "医疗 重庆市 卫生健康委员会 重庆 卫生 健康 委员 委员会 编号"
        )
        assert doc["extras_cqgov_notes"] == "全市 定点医疗机构 定点 医疗 机构"
        assert doc["extras_cqgov_resources"] == "医院 列表"
        # pinyin for autocomplete, in a string field (not copied into text)
        assert doc["cqgov_pinyin"] == "chongqingshidingdianyiyuanminglu cqsddyyml"
        # the original fields are untouched
        assert doc["title"] == "重庆市定点医院名录"

    def test_search_parameters(self, engine_calls, dataset_factory):
        dataset_factory(name="hospitals", title="重庆市定点医院名录")
        result = helpers.call_action(
            "package_search", q="醫院", fq="tags:医疗 OR tags:卫生"
        )
        params = engine_calls["search"][-1]
        assert params["q"] == "医院"
        assert params["defType"] == "edismax"
        assert params["qf"] == QF
        assert params["pf"] == PF
        assert params["mm"] == "2<-1 5<80%"
        assert params["fq"][0].startswith("+capacity:public tags:医疗 OR tags:卫生")
        assert params["sort"] == "score desc, metadata_modified desc"
        assert result["count"] == 0
        helpers.call_action("package_search", q="醫院")
        assert engine_calls["search"][-1]["q"] == "医院"
