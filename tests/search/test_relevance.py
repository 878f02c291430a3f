"""Relevance of Chinese search: a fixed catalog and the queries citizens type.

Each query lists datasets that must be among the first five results and
datasets that must not be found at all. The catalog goes through CKAN's real
create → index path (cqgov plugin: segmented fields) and the queries through
``package_search`` (cqgov plugin: edismax parameters) on the PostgreSQL
backend; the same document and parameters go to Solr (test_segmented.py).
"""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

ORGS = {
    "yz-traffic": "渝中区交通局",
    "jb-housing": "江北区住房和城乡建设委员会",
    "cq-health": "重庆市卫生健康委员会",
    "cq-medins": "重庆市医疗保障局",
    "cq-eco": "重庆市生态环境局",
    "cq-hrss": "重庆市人力资源和社会保障局",
    "cq-edu": "重庆市教育委员会",
    "cq-market": "重庆市市场监督管理局",
    "cq-transport": "重庆市交通运输委员会",
    "cq-civil": "重庆市民政局",
    "cq-stats": "重庆市统计局",
    "cq-bigdata": "重庆市大数据发展局",
    "sz-gov": "石柱土家族自治县人民政府",
    "wz-gov": "万州区人民政府",
}

# name: (title, notes, tags, organization); created in this order, so later
# entries are more recently modified
CATALOG = {
    "yz-parking": (
        "渝中区公共停车场信息",
        "渝中区公共停车场的名称、地址、泊位数量和收费标准",
        ["停车", "交通"],
        "yz-traffic",
    ),
    "jb-parking": (
        "江北区停车场收费标准",
        "江北区经营性停车场收费",
        ["停车"],
        "jb-housing",
    ),
    "yz-hospital": (
        "渝中区医院名录",
        "辖区内医疗机构的名称与地址",
        ["卫生"],
        "cq-health",
    ),
    "cq-hospitals": (
        "重庆市定点医院名单",
        "全市医保定点医疗机构名单",
        ["医疗"],
        "cq-medins",
    ),
    "tcm-hospital": (
        "重庆市中医院门诊科室",
        "中医院科室设置与出诊时间",
        ["卫生"],
        "cq-health",
    ),
    "bus-routes": (
        "重庆市公共交通线路",
        "全市公交线路与站点",
        ["交通"],
        "cq-transport",
    ),
    "bus-stops": (
        "主城区公交站点位置",
        "公交站点名称与经纬度",
        ["交通"],
        "cq-transport",
    ),
    "metro": (
        "轨道交通运营线路",
        "轨道交通线路、站点与首末班时间",
        ["交通"],
        "cq-transport",
    ),
    "air-pm25": (
        "空气质量PM2.5监测数据",
        "全市空气质量自动监测站PM2.5小时浓度",
        ["环境"],
        "cq-eco",
    ),
    "water-quality": ("长江干流水质监测断面", "水质监测结果月报", ["环境"], "cq-eco"),
    "noise": ("城市区域环境噪声监测", "昼间与夜间噪声等效声级", ["环境"], "cq-eco"),
    "med-insurance": (
        "城乡居民医疗保险参保人数",
        "按区县统计的城乡居民参保情况",
        ["医保"],
        "cq-medins",
    ),
    "social-ins": (
        "社会保险参保登记信息",
        "养老保险、失业保险、工伤保险参保登记",
        ["社保"],
        "cq-hrss",
    ),
    "pension": ("企业职工养老金发放标准", "月养老金发放标准", ["社保"], "cq-hrss"),
    "housing-fund": (
        "住房公积金缴存提取统计",
        "缴存人数与提取金额",
        ["住房"],
        "jb-housing",
    ),
    "schools": ("中小学校名录", "全市义务教育学校名称、地址", ["教育"], "cq-edu"),
    "kindergarten": ("幼儿园名单", "幼儿园办园等级与地址", ["教育"], "cq-edu"),
    "business-license": (
        "营业执照登记信息",
        "市场主体营业执照登记",
        ["市场监管"],
        "cq-market",
    ),
    "food-safety": ("食品安全抽检结果", "食品抽检不合格产品", ["食品"], "cq-market"),
    "credit-code": (
        "统一社会信用代码库",
        "法人和其他组织的统一社会信用代码",
        ["信用"],
        "cq-market",
    ),
    "sz-scenic": ("石柱县旅游景区名录", "A级景区名称与等级", ["旅游"], "sz-gov"),
    "charging": (
        "新能源汽车充电设施分布",
        "公共充电设施位置与数量",
        ["交通"],
        "cq-transport",
    ),
    "low-income": ("最低生活保障对象统计", "城乡保障对象人数", ["民政"], "cq-civil"),
    "hospital-beds": ("医疗机构床位数统计", "各区县医院床位", ["卫生"], "cq-health"),
    "accidents": (
        "道路交通事故统计",
        "交通事故起数与伤亡人数",
        ["安全"],
        "cq-transport",
    ),
    "api-usage": (
        "Open data API usage statistics",
        "开放接口调用统计",
        ["api"],
        "cq-bigdata",
    ),
    "gdp": ("地区生产总值GDP季度数据", "按行业分的季度生产总值", ["统计"], "cq-stats"),
    "population": (
        "常住人口统计年报",
        "各区县常住人口与城镇化率",
        ["统计"],
        "cq-stats",
    ),
    "wz-water": ("万州区供水管网", "供水管网长度与水厂", ["水务"], "wz-gov"),
    "road-info": (
        "城市道路基础信息",
        "道路名称、等级以及沿线停车场",
        ["交通"],
        "yz-traffic",
    ),
    "yz-parking-rt": (
        "渝中区停车场泊位实时数据",
        "泊位占用情况每5分钟更新",
        ["停车"],
        "yz-traffic",
    ),
    "bridge-old": ("桥梁检测报告", "城市桥梁定期检测", ["桥梁"], "cq-transport"),
    "bridge-new": ("桥梁检测报告", "城市桥梁定期检测", ["桥梁"], "cq-transport"),
}
PRIVATE = {
    "private-parking": ("内部停车场台账", "停车场内部管理台账", ["停车"], "yz-traffic")
}

# query, must be in the first five, must not be found
QUERIES = [
    # a word inside longer titles
    ("停车场", {"yz-parking", "jb-parking", "yz-parking-rt"}, {"private-parking"}),
    ("医院", {"yz-hospital", "cq-hospitals", "tcm-hospital"}, {"bus-routes"}),
    ("监测", {"air-pm25", "water-quality", "noise"}, {"schools"}),
    ("水质", {"water-quality"}, {"air-pm25"}),
    ("噪声", {"noise"}, {"air-pm25"}),
    ("床位", {"hospital-beds"}, {"yz-hospital"}),
    ("事故", {"accidents"}, {"bus-routes"}),
    ("中医院", {"tcm-hospital"}, {"yz-hospital", "cq-hospitals"}),
    ("信用代码", {"credit-code"}, {"business-license"}),
    ("参保人数", {"med-insurance"}, {"social-ins"}),
    ("交通", {"bus-routes", "metro", "accidents"}, {"schools"}),
    # two words, with and without a space
    ("渝中区 停车场", {"yz-parking", "yz-parking-rt"}, {"jb-parking", "yz-hospital"}),
    ("渝中区停车场", {"yz-parking", "yz-parking-rt"}, {"jb-parking", "yz-hospital"}),
    ("江北 停车场", {"jb-parking"}, {"yz-parking", "yz-parking-rt"}),
    ("食品 抽检", {"food-safety"}, {"business-license"}),
    ("重庆 医院", {"cq-hospitals", "tcm-hospital"}, {"bus-routes"}),
    ("石柱 景区", {"sz-scenic"}, {"wz-water"}),
    ("万州 供水", {"wz-water"}, {"sz-scenic"}),
    ("空气质量 监测", {"air-pm25"}, {"water-quality", "noise"}),
    # traditional characters
    ("醫院", {"yz-hospital", "cq-hospitals", "tcm-hospital"}, {"bus-routes"}),
    ("渝中區 停車場", {"yz-parking", "yz-parking-rt"}, {"jb-parking"}),
    ("醫療保險", {"med-insurance"}, {"social-ins"}),
    ("空氣質量", {"air-pm25"}, {"noise"}),
    ("學校", {"schools"}, {"kindergarten"}),
    # synonyms
    ("公交", {"bus-routes", "bus-stops"}, {"metro", "schools"}),
    ("公共交通", {"bus-routes", "bus-stops"}, {"schools"}),
    ("医保", {"med-insurance", "cq-hospitals"}, {"social-ins"}),
    ("社保", {"social-ins", "pension"}, {"med-insurance"}),
    ("地铁", {"metro"}, {"bus-routes"}),
    ("公积金", {"housing-fund"}, {"pension"}),
    ("充电桩", {"charging"}, {"yz-parking"}),
    ("低保", {"low-income"}, {"social-ins"}),
    ("卫健委", {"yz-hospital", "tcm-hospital", "hospital-beds"}, {"cq-hospitals"}),
    ("石柱县", {"sz-scenic"}, {"wz-water"}),
    ("公交线路", {"bus-routes"}, {"metro"}),
    # punctuation
    ("停车场！", {"yz-parking", "jb-parking"}, {"private-parking"}),
    ("《食品安全》", {"food-safety"}, {"business-license"}),
    ("（渝中区）停车场？", {"yz-parking", "yz-parking-rt"}, {"jb-parking"}),
    ('"公共交通线路"', {"bus-routes"}, {"bus-stops", "metro"}),
    ("养老保险、失业保险", {"social-ins"}, {"pension"}),
    # the start of a title, cut inside a word (typed in the search box)
    ("重庆市定", {"cq-hospitals"}, {"bus-routes"}),
    ("公共交", {"bus-routes"}, {"yz-hospital"}),
    ("轨道交", {"metro"}, {"bus-stops"}),
    ("渝中区停", {"yz-parking", "yz-parking-rt"}, {"jb-parking"}),
    ("渝中區停", {"yz-parking", "yz-parking-rt"}, {"jb-parking"}),
    # mixed Chinese and ASCII, width
    ("PM2.5 监测", {"air-pm25"}, {"water-quality", "noise"}),
    ("PM2.5", {"air-pm25"}, {"water-quality"}),
    ("ＰＭ２．５", {"air-pm25"}, {"water-quality"}),
    ("pm2.5监测", {"air-pm25"}, {"noise"}),
    ("GDP", {"gdp"}, {"population"}),
    ("gdp 季度", {"gdp"}, {"population"}),
    ("API 统计", {"api-usage"}, {"gdp"}),
    ("open data", {"api-usage"}, {"gdp"}),
    # field queries and operators keep their meaning
    ("title:停车场", {"yz-parking", "jb-parking"}, {"road-info"}),
    ("tags:停车", {"yz-parking", "jb-parking"}, {"road-info"}),
    ("停车场 -江北区", {"yz-parking"}, {"jb-parking"}),
    ("幼儿园 OR 中小学校", {"kindergarten", "schools"}, {"yz-hospital"}),
    # nothing to find
    ("火星基地", set(), set(CATALOG)),
]


def search(q, **kwargs):
    return helpers.call_action("package_search", q=q, rows=20, **kwargs)


def names(result):
    return [d["name"] for d in result["results"]]


@pytest.fixture
def catalog(request):
    """The catalog, created once for this module's tests (plugins loaded for
    each test)."""
    request.getfixturevalue("with_plugins")
    if search("name:yz-parking")["count"] == 1 and not getattr(
        request.module, "_catalog_dirty", True
    ):
        return
    request.getfixturevalue("clean_db")
    request.getfixturevalue("clean_index")
    fields = request.getfixturevalue("catalog_fields")
    orgs = {
        name: factories.Organization(name=name, title=title)["id"]
        for name, title in ORGS.items()
    }
    admin = factories.Sysadmin()["name"]
    for private, entries in ((False, CATALOG), (True, PRIVATE)):
        for name, (title, notes, tags, org) in entries.items():
            helpers.call_action(
                "package_create",
                context={"user": admin},
                name=name,
                title=title,
                notes=notes,
                tags=[{"name": t} for t in tags],
                owner_org=orgs[org],
                private=private,
                **fields,
            )
    request.module._catalog_dirty = False


@pytest.mark.usefixtures("catalog")
class TestRelevance:
    def test_there_are_at_least_40_queries(self):
        assert len(QUERIES) >= 40

    def test_queries(self):
        # one test for all queries (loading the plugins per test is slow);
        # the failure message lists every query that misses
        failures = []
        for q, top5, absent in QUERIES:
            found = names(search(q))
            missing = top5 - set(found[:5])
            unwanted = absent & set(found)
            if missing or unwanted:
                failures.append(
                    f"{q!r}: missing from top 5 {sorted(missing)}, "
                    f"found but unwanted {sorted(unwanted)}, results {found}"
                )
        assert not failures, "\n".join(failures)

    def test_title_matches_rank_above_description_matches(self):
        found = names(search("停车场"))
        assert found.index("road-info") > max(
            found.index(n) for n in ("yz-parking", "jb-parking", "yz-parking-rt")
        )

    def test_exact_phrase_ranks_above_scattered_words(self):
        # 渝中区停车场… is one phrase; 渝中区公共停车场… has a word between
        found = names(search("渝中区 停车场"))
        assert found[:2] == ["yz-parking-rt", "yz-parking"]

    def test_ties_go_to_the_most_recently_modified(self):
        assert names(search("桥梁检测报告"))[:2] == ["bridge-new", "bridge-old"]

    def test_members_of_the_owner_find_private_entries(self):
        user = factories.User()
        org = helpers.call_action("organization_show", id="yz-traffic")
        helpers.call_action(
            "organization_member_create",
            id=org["id"],
            username=user["name"],
            role="member",
        )
        result = helpers.call_action(
            "package_search",
            context={"user": user["name"]},
            q="停车场",
            include_private=True,
        )
        assert "private-parking" in names(result)

    def test_facets_and_filters_combine_with_chinese_queries(self):
        result = search(
            "停车场", fq="organization:yz-traffic", **{"facet.field": '["tags"]'}
        )
        assert set(names(result)) == {"yz-parking", "yz-parking-rt", "road-info"}
        assert result["search_facets"]["tags"]["items"]

    def test_autocomplete_finds_a_title_prefix(self):
        found = helpers.call_action("package_autocomplete", q="渝中区停车")
        assert [d["name"] for d in found] == ["yz-parking-rt"]
        found = helpers.call_action("package_autocomplete", q="公共交通")
        assert [d["name"] for d in found] == ["bus-routes"]

    def test_autocomplete_in_traditional_characters(self):
        found = helpers.call_action("package_autocomplete", q="渝中區停車")
        assert [d["name"] for d in found] == ["yz-parking-rt"]
        found = helpers.call_action("package_autocomplete", q="公共交通線路")
        assert [d["name"] for d in found] == ["bus-routes"]

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("yiyuan", {"yz-hospital", "cq-hospitals", "tcm-hospital"}),
            ("YiYuan", {"yz-hospital", "cq-hospitals", "tcm-hospital"}),
            ("yzq", {"yz-parking", "yz-parking-rt", "yz-hospital"}),
            ("yuzhongqu tingche", {"yz-parking-rt"}),
            ("gonggongjiaotong", {"bus-routes"}),
        ],
    )
    def test_autocomplete_in_pinyin(self, q, expected):
        found = helpers.call_action("package_autocomplete", q=q)
        assert expected <= {d["name"] for d in found}
        for d in found:
            assert d["match_displayed"] == f"{d['title']} ({d['name']})"

    def test_pinyin_does_not_match_in_free_text_search(self):
        assert search("yiyuan")["count"] == 0

    def test_autocomplete_keeps_the_limit(self):
        found = helpers.call_action("package_autocomplete", q="停車場", limit=2)
        assert len(found) == 2
        assert all("停车场" in d["title"] for d in found)

    def test_autocomplete_never_shows_private_entries_to_the_public(self, app):
        for q in ("内部停车", "內部停車", "neibutingche", "nbtcc"):
            response = app.get(
                "/api/3/action/package_autocomplete", params={"q": q}, status=200
            )
            assert response.json["result"] == []

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({}, "q", "此项必填"),
            ({"q": "  "}, "q", "此项必填"),
            ({"q": "停车", "limit": "abc"}, "limit", "整数"),
            ({"q": "停车", "limit": "0"}, "limit", "1 到 100"),
            ({"q": "停车", "limit": "101"}, "limit", "1 到 100"),
        ],
    )
    def test_autocomplete_bad_input_is_a_field_error(self, app, params, field, message):
        response = app.get(
            "/api/3/action/package_autocomplete", params=params, status=409
        )
        error = response.json["error"]
        assert error["__type"] == "Validation Error"
        assert message in " ".join(error[field])


@pytest.mark.usefixtures("catalog")
def test_scores_are_the_same_without_the_catch_all_shortcut(monkeypatch):
    """The catch-all field's test answered from the segmented match for
    one-word terms (no tsv read) gives the very scores of testing tsv."""
    from ckanext.cqgov.search import lucene, segmented
    from ckanext.cqgov.search.client import PgSolrClient

    def ranked(q):
        params = segmented.search_params({"q": q})
        q_sent = params.pop("q")
        result = PgSolrClient().search(q=q_sent, fl="id score", rows=1000, **params)
        return [(d["id"], round(d["score"], 9)) for d in result.docs]

    queries = [q for q, _top5, _absent in QUERIES]
    shortcut = {q: ranked(q) for q in queries}
    monkeypatch.setattr(lucene, "_implied_by_segmented", lambda queries: False)
    plain = {q: ranked(q) for q in queries}
    assert shortcut == plain
    assert sum(len(v) for v in plain.values()) > 100


@pytest.mark.usefixtures("catalog")
def test_scores_are_the_same_without_the_row_test_shortcuts(monkeypatch):
    """The unweighted probe of a word over every segmented field, the
    whole-index check before a catch-all test row by row and the dismax
    score by lookup give the very rows and scores of the plain tests."""
    from ckanext.cqgov.search import lucene, segmented
    from ckanext.cqgov.search.client import PgSolrClient

    def ranked(q):
        params = segmented.search_params({"q": q})
        q_sent = params.pop("q")
        result = PgSolrClient().search(q=q_sent, fl="id score", rows=1000, **params)
        return [(d["id"], round(d["score"], 9)) for d in result.docs]

    queries = [q for q, _top5, _absent in QUERIES] + ["公交", "营业执照", "工商执照"]
    shortcut = {q: ranked(q) for q in queries}
    monkeypatch.setattr(lucene, "_any_weight", lambda queries: None)
    monkeypatch.setattr(lucene, "MASK_FIELDS_MAX", 0)
    monkeypatch.setattr(
        lucene.Compiler,
        "_vector_row_test",
        lambda self, column, query: f"({column} @@ CAST({query} AS tsquery))",
    )
    plain = {q: ranked(q) for q in queries}
    assert shortcut == plain
    assert sum(len(v) for v in plain.values()) > 100
