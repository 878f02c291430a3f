"""The DCAT endpoints on the full catalog schema: formats, the cqgov mapping
parsed back with rdflib, and what each requester may see.

The catalog is built once for the module: a provider department with a USCC,
a thematic entry that is published and open (an ``open`` and a ``share``
resource), a published entry that is not open, and a draft. Internal fields
(``source_system``) must reach nobody outside the provider and its competent
department, through any path.
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from catalog_defaults import CATALOG_DEFAULTS
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from ckanext.cqgov.catalog.uscc import make_uscc
from ckanext.cqgov.dcat import vocabulary as voc
from ckanext.cqgov.dcat.profile import CQ, CSVW, VOCABULARY

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

USCC = make_uscc("1", "1", "500000", "DCAT0001")
SOURCE_SYSTEM = "内部来源系统标记XQ"
ITEMS = [
    {
        "name": "企业名称",
        "data_type": "C",
        "length": "200",
        "description": "市场主体登记名称",
        "sensitive_category": "none",
    },
    {
        "name": "登记日期",
        "data_type": "D",
        "length": "",
        "description": "",
        "sensitive_category": "none",
    },
]
VIEWERS = ("anonymous", "citizen", "other_gov", "provider_member", "competent")
INSIDERS = {"provider_member", "competent"}
FORMATS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
RDFLIB_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def marker(entry: str, audience: str) -> str:
    return f"dcat-{entry}-{audience}-file.csv"


class Catalog:
    def __init__(self):
        from ckan.tests import factories
        from ckan.tests.helpers import _get_test_app, call_action
        from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

        self.users = {}
        self.tokens = {}
        for name in VIEWERS[1:]:
            user = factories.User(name=f"dcat-{name.replace('_', '-')}")
            self.users[name] = user
            self.tokens[name] = call_action(
                "api_token_create",
                {"user": user["name"]},
                user=user["name"],
                name="dcat",
            )["token"]
        admin = factories.Sysadmin(name="dcat-sysadmin")["name"]

        def org(name, viewer, **extras):
            return factories.Organization(
                name=name,
                org_kind="government",
                level="municipal",
                users=[{"name": self.users[viewer]["name"], "capacity": "member"}],
                **extras,
            )

        self.provider = org(
            "dcat-provider",
            "provider_member",
            title="重庆市市场监督管理局",
            uscc=USCC,
            region="500000",
        )
        org("dcat-other", "other_gov", title="重庆市交通运输局")
        org(
            "dcat-competent",
            "competent",
            title="重庆市大数据应用发展管理局",
            is_competent=True,
        )
        common = {
            **CATALOG_DEFAULTS,
            "owner_org": self.provider["id"],
            "data_items": ITEMS,
            "source_system": SOURCE_SYSTEM,
            "user": {"name": admin},
        }
        self.packages = {
            "open": factories.Dataset(
                **{
                    **common,
                    "name": "dcat-open",
                    "title": "市场主体登记信息",
                    "notes": "全市市场主体的登记信息",
                    "resource_category": "thematic",
                    "theme": "market_supervision",
                    "update_cycle": "monthly",
                    "open_type": "proactive",
                    "catalog_status": "approved",
                }
            ),
            "notopen": factories.Dataset(
                **{
                    **common,
                    "name": "dcat-notopen",
                    "title": "企业监管内部记录",
                    "notes": "不予开放的监管记录",
                    "open_type": "not_open",
                    "open_basis": "涉及商业秘密",
                    "catalog_status": "approved",
                }
            ),
            "draft": factories.Dataset(
                **{
                    **common,
                    "name": "dcat-draft",
                    "title": "尚未审核的目录",
                    "notes": "草稿",
                    "catalog_status": "draft",
                }
            ),
        }
        for entry, package in self.packages.items():
            for audience in ("open", "share"):
                call_action(
                    "resource_create",
                    {"user": admin},
                    package_id=package["id"],
                    name=f"{audience} 数据",
                    format="CSV",
                    audience=audience,
                    upload=FakeFileStorage(
                        BytesIO(b"a,b\n1,2\n"), marker(entry, audience)
                    ),
                )
            self.packages[entry] = call_action(
                "package_show", {"user": admin}, id=package["id"]
            )
        self.app = _get_test_app()

    def headers(self, viewer: str) -> dict:
        token = self.tokens.get(viewer)
        return {"Authorization": token} if token else {}

    def get(self, viewer: str, url: str):
        return self.app.get(url, headers=self.headers(viewer))

    def action(self, viewer: str, name: str, **params):
        response = self.app.post(
            f"/api/3/action/{name}", json=params, headers=self.headers(viewer)
        )
        assert response.status_code < 500, response.body
        return response.status_code, response.json


@pytest.fixture(scope="module")
def catalog(module_clean_db):
    return Catalog()


def parse(response, fmt: str) -> Graph:
    graph = Graph()
    graph.parse(data=response.body, format=RDFLIB_FORMATS[fmt])
    return graph


def dataset_node(graph: Graph, code: str):
    found = [
        s
        for s in graph.subjects(DCT.identifier, Literal(code))
        if (s, RDF.type, DCAT.Dataset) in graph
    ]
    assert len(found) == 1, code
    return found[0]


# --- formats ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_dataset_endpoint_formats(catalog, fmt):
    response = catalog.get("anonymous", f"/dataset/dcat-open.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(FORMATS[fmt])
    graph = parse(response, fmt)
    dataset_node(graph, catalog.packages["open"]["resource_code"])


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_catalog_endpoint_formats(catalog, fmt):
    response = catalog.get("anonymous", f"/catalog.{fmt}?q=name:dcat-*")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(FORMATS[fmt])
    graph = parse(response, fmt)
    assert list(graph.subjects(RDF.type, DCAT.Catalog))
    dataset_node(graph, catalog.packages["open"]["resource_code"])


# --- the mapping -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_mapping_parsed_back(catalog, fmt):
    package = catalog.packages["open"]
    graph = parse(catalog.get("anonymous", f"/dataset/dcat-open.{fmt}"), fmt)
    node = dataset_node(graph, package["resource_code"])

    assert graph.value(node, DCT.accrualPeriodicity) == URIRef(
        voc.frequency_uri("monthly")
    )
    assert str(graph.value(node, DCT.accrualPeriodicity)).endswith("/MONTHLY")
    assert graph.value(node, DCT.accessRights) == URIRef(
        voc.access_right_uri("proactive")
    )
    assert str(graph.value(node, DCT.accessRights)).endswith("/PUBLIC")

    publisher = graph.value(node, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, DCT.identifier) == Literal(USCC)
    assert graph.value(publisher, FOAF.name) == Literal(
        "重庆市市场监督管理局", lang="zh"
    )

    themes = set(graph.objects(node, DCAT.theme))
    assert URIRef(f"{VOCABULARY}theme/market_supervision") in themes
    assert graph.value(node, DCT.type) == URIRef(
        f"{VOCABULARY}resource_category/thematic"
    )

    assert graph.value(node, DCT.title) == Literal("市场主体登记信息", lang="zh")
    assert graph.value(node, DCT.description) == Literal(
        "全市市场主体的登记信息", lang="zh"
    )
    assert graph.value(node, CQ.shareType) == Literal("unconditional")
    assert graph.value(node, CQ.openType) == Literal("proactive")

    # Data items: the schema of the dataset and of every distribution.
    schema = graph.value(node, DCT.conformsTo)
    assert (schema, RDF.type, CSVW.Schema) in graph
    columns = list(Collection(graph, graph.value(schema, CSVW.column)))
    assert [str(graph.value(c, CSVW.name)) for c in columns] == ["企业名称", "登记日期"]
    assert graph.value(columns[0], CSVW.title) == Literal("企业名称", lang="zh")
    assert graph.value(columns[0], CQ.dataType) == Literal("C")
    assert graph.value(columns[0], CQ.sensitiveCategory) == Literal("none")
    assert graph.value(columns[0], DCT.description) == Literal(
        "市场主体登记名称", lang="zh"
    )
    distributions = list(graph.objects(node, DCAT.distribution))
    assert distributions
    for distribution in distributions:
        assert graph.value(distribution, DCT.conformsTo) == schema

    # Every Chinese literal carries the zh tag.
    untagged = [
        o
        for o in graph.objects()
        if isinstance(o, Literal)
        and voc.is_chinese(str(o))
        and o.language != "zh"
        and o.datatype is None
        and (None, CSVW.name, o) not in graph  # column names are identifiers
    ]
    assert untagged == []


# --- who sees what ---------------------------------------------------------------


def expect_entry(viewer: str, entry: str) -> bool:
    """Metadata: published entries for everyone (Art. 21, even not-open ones),
    drafts for the provider and the competent department."""
    return entry != "draft" or viewer in INSIDERS


def expect_data_url(viewer: str, entry: str, audience: str) -> bool:
    """Where a distribution's download URL appears (DESIGN.md tables)."""
    if viewer == "provider_member":
        return True
    if entry == "draft":
        return False
    # unconditional sharing: other government departments (the competent one too)
    if viewer in {"other_gov", "competent"}:
        return True
    return audience == "open" and entry == "open"


CASES = [
    pytest.param(v, e, id=f"{v}-{e}")
    for v in VIEWERS
    for e in ("open", "notopen", "draft")
]


@pytest.mark.parametrize(("viewer", "entry"), CASES)
def test_dataset_shows_only_what_the_viewer_may_see(catalog, viewer, entry):
    response = catalog.get(viewer, f"/dataset/dcat-{entry}.ttl")
    if not expect_entry(viewer, entry):
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    body = response.body
    for audience in ("open", "share"):
        assert (marker(entry, audience) in body) is expect_data_url(
            viewer, entry, audience
        ), audience
    # A share resource is not even listed to the public.
    graph = parse(response, "ttl")
    node = dataset_node(graph, catalog.packages[entry]["resource_code"])
    titles = {
        str(graph.value(d, DCT.title)) for d in graph.objects(node, DCAT.distribution)
    }
    assert ("share 数据" in titles) is (viewer != "anonymous" and viewer != "citizen")
    assert SOURCE_SYSTEM not in body


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_catalog_shows_only_what_the_viewer_may_see(catalog, viewer, fmt):
    response = catalog.get(viewer, f"/catalog.{fmt}?q=name:dcat-*")
    assert response.status_code == 200
    body = response.body
    for entry in ("open", "notopen", "draft"):
        code = catalog.packages[entry]["resource_code"]
        assert (code in body) is expect_entry(viewer, entry), entry
        for audience in ("open", "share"):
            if not expect_data_url(viewer, entry, audience):
                assert marker(entry, audience) not in body, (entry, audience)
    assert SOURCE_SYSTEM not in body


# --- internal fields -----------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_internal_field_only_for_provider_and_competent(catalog, viewer):
    insider = viewer in INSIDERS
    status, body = catalog.action(viewer, "package_show", id="dcat-open")
    assert status == 200
    assert ("source_system" in body["result"]) is insider
    if insider:
        assert body["result"]["source_system"] == SOURCE_SYSTEM

    status, body = catalog.action(viewer, "package_search", q="name:dcat-*", rows=10)
    assert status == 200
    text = json.dumps(body["result"], ensure_ascii=False)
    assert (SOURCE_SYSTEM in text) is insider

    status, body = catalog.action(
        viewer,
        "package_search",
        q="name:dcat-open",
        fl="name,source_system,extras_source_system,data_dict,validated_data_dict",
    )
    assert status == 200
    if not insider:
        assert SOURCE_SYSTEM not in json.dumps(body, ensure_ascii=False)

    # The value cannot be found out by filtering on it either.
    status, body = catalog.action(
        viewer, "package_search", fq=f'source_system:"{SOURCE_SYSTEM}"'
    )
    assert status in (200, 409)
    if status == 200:
        assert body["result"]["count"] == 0

    status, body = catalog.action(viewer, "package_activity_list", id="dcat-open")
    if status == 200 and not insider:
        assert SOURCE_SYSTEM not in json.dumps(body["result"], ensure_ascii=False)

    # Other actions that return entries.
    for action, params in (
        ("current_package_list_with_resources", {"limit": 100}),
        ("organization_show", {"id": "dcat-provider", "include_datasets": True}),
        ("package_search", {"q": "name:dcat-*", "include_private": True}),
    ):
        status, body = catalog.action(viewer, action, **params)
        if status == 200 and not insider:
            text = json.dumps(body["result"], ensure_ascii=False)
            assert SOURCE_SYSTEM not in text, action

    page = catalog.get(viewer, "/dataset/dcat-open")
    assert page.status_code == 200
    assert (SOURCE_SYSTEM in page.body) is insider
