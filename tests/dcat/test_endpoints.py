"""DCAT endpoints and the cqgov profile, parsed back with rdflib."""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from ckanext.cqgov.dcat.profile import CQ, CSVW, VOCABULARY

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

#: A synthetic code with a valid GB 32100 check character.
USCC = "115000000093002109"
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def department():
    return factories.Organization(
        title="重庆市公安局", uscc=USCC, org_kind="government", level="municipal"
    )


@pytest.fixture
def entry(department, dataset_factory, personal_data_items):
    return dataset_factory(
        owner_org=department["id"],
        name="households",
        title="户籍人口基本信息",
        notes="全市户籍人口的基本信息",
        resource_category="thematic",
        theme="social_security",
        share_type="conditional",
        share_condition="仅用于社会保障业务",
        share_basis="《重庆市户籍管理办法》",
        open_type="on_application",
        open_condition="经申请审核同意",
        open_basis="《重庆市政务数据开放管理办法》",
        update_cycle="quarterly",
        release_date="2026-03-02",
        source_system="户政管理系统内部库",
        data_items=personal_data_items,
        tags=[{"name": "户籍"}],
        resources=[{"url": "http://example.org/households.csv", "format": "CSV"}],
    )


def _graph(body: bytes | str, fmt: str) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=fmt)
    return graph


def _dataset_ref(graph: Graph, entry: dict) -> URIRef:
    refs = [s for s in graph.subjects(RDF.type, DCAT.Dataset) if entry["id"] in s]
    assert len(refs) == 1, refs
    return refs[0]


@pytest.mark.parametrize(
    ("suffix", "fmt"), [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")]
)
def test_dataset_endpoint_maps_the_catalog_fields(app, entry, suffix, fmt):
    response = app.get(f"/dataset/{entry['name']}.{suffix}")
    assert response.status_code == 200
    g = _graph(response.data, fmt)
    ref = _dataset_ref(g, entry)
    shown = helpers.call_action("package_show", id=entry["id"])

    assert list(g.objects(ref, DCTERMS.identifier)) == [Literal(shown["resource_code"])]
    assert list(g.objects(ref, DCTERMS.accrualPeriodicity)) == [
        URIRef(EU + "frequency/QUARTERLY")
    ]
    assert list(g.objects(ref, DCTERMS.accessRights)) == [
        URIRef(EU + "access-right/RESTRICTED")
    ]
    assert Literal("户籍人口基本信息", lang="zh") in g.objects(ref, DCTERMS.title)
    assert Literal("全市户籍人口的基本信息", lang="zh") in g.objects(
        ref, DCTERMS.description
    )
    assert Literal("户籍", lang="zh") in g.objects(ref, DCAT.keyword)
    assert Literal("《重庆市户籍管理办法》", lang="zh") in g.objects(ref, CQ.shareBasis)
    assert Literal("conditional") in g.objects(ref, CQ.shareType)
    assert g.value(ref, DCTERMS.issued).toPython().isoformat() == "2026-03-02"

    publisher = g.value(ref, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in g
    assert g.value(publisher, DCTERMS.identifier) == Literal(USCC)
    assert g.value(publisher, FOAF.name) == Literal("重庆市公安局", lang="zh")

    themes = set(g.objects(ref, DCAT.theme))
    concept = URIRef(f"{VOCABULARY}theme/social_security")
    assert {concept, URIRef(EU + "data-theme/SOCI")} <= themes
    assert Literal("社会保障", lang="zh") in g.objects(concept, SKOS.prefLabel)
    assert Literal("Social security", lang="en") in g.objects(concept, SKOS.prefLabel)

    schema = g.value(ref, DCTERMS.conformsTo)
    assert (schema, RDF.type, CSVW.Schema) in g
    columns = list(Collection(g, g.value(schema, CSVW.column)))
    assert [str(g.value(c, CSVW.name)) for c in columns] == ["身份证号", "登记日期"]
    assert g.value(columns[0], CQ.sensitiveCategory) == Literal("id_number")
    assert g.value(columns[0], CQ.length).toPython() == 18
    assert str(g.value(columns[1], CSVW.datatype)).endswith("#date")
    distribution = g.value(ref, DCAT.distribution)
    assert (distribution, DCTERMS.conformsTo, schema) in g

    # Internal fields never reach the graph.
    assert "户政管理系统内部库" not in response.data.decode("utf-8")
    assert not list(g.triples((None, CQ.sourceSystem, None)))


def test_internal_fields_stay_out_even_for_the_department(app, entry, member_of):
    editor = member_of({"id": entry["owner_org"]})
    shown = helpers.call_action(
        "package_show", context={"user": editor["name"]}, id=entry["id"]
    )
    assert shown["source_system"] == "户政管理系统内部库"
    token = factories.APIToken(user=editor["name"])["token"]
    for suffix in ("ttl", "jsonld", "rdf"):
        response = app.get(
            f"/dataset/{entry['id']}.{suffix}", headers={"Authorization": token}
        )
        assert response.status_code == 200
        assert "户政管理系统内部库" not in response.data.decode("utf-8")


def _catalog_titles(app, **kwargs) -> set[str]:
    response = app.get("/catalog.ttl", **kwargs)
    assert response.status_code == 200
    g = _graph(response.data, "turtle")
    return {
        str(g.value(ref, DCTERMS.title)) for ref in g.subjects(RDF.type, DCAT.Dataset)
    }


@pytest.fixture
def editor(department, member_of):
    return member_of(department)


def test_catalog_shows_only_what_the_requester_may_see(
    app, entry, department, editor, dataset_factory
):
    hidden = dataset_factory(owner_org=department["id"], title="私有条目", private=True)
    token = factories.APIToken(user=editor["name"])["token"]

    # A private entry is withdrawn from the published catalog: it is in nobody's
    # catalog, and only its department can read it as RDF.
    assert _catalog_titles(app) == {"户籍人口基本信息"}
    assert _catalog_titles(app, headers={"Authorization": token}) == {
        "户籍人口基本信息"
    }
    assert app.get(f"/dataset/{hidden['id']}.ttl").status_code in (403, 404)
    own = app.get(f"/dataset/{hidden['id']}.ttl", headers={"Authorization": token})
    assert own.status_code == 200
    assert "私有条目" in own.data.decode("utf-8")


def test_unapproved_entries_are_only_in_their_department_catalog(
    app, entry, department, editor, dataset_factory
):
    draft = dataset_factory(owner_org=department["id"], title="草稿条目", user=editor)
    assert draft["catalog_status"] == "draft"

    assert _catalog_titles(app) == {"户籍人口基本信息"}
    assert app.get(f"/dataset/{draft['id']}.ttl").status_code in (403, 404)
    token = factories.APIToken(user=editor["name"])["token"]
    member = _catalog_titles(app, headers={"Authorization": token})
    assert member == {"户籍人口基本信息", "草稿条目"}


def test_catalog_jsonld_and_catalog_literals(app, entry):
    response = app.get("/catalog.jsonld")
    assert response.status_code == 200
    g = _graph(response.data, "json-ld")
    catalog = g.value(None, RDF.type, DCAT.Catalog, any=True) or next(
        g.subjects(RDF.type, DCAT.Catalog)
    )
    assert Literal("重庆市政务信息资源共享开放平台", lang="zh") in g.objects(
        catalog, DCTERMS.title
    )
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == 1


def test_parse_reads_the_catalog_fields_back(entry):
    shown = helpers.call_action("package_show", id=entry["id"])
    profiles = ["euro_dcat_ap_3", "cqgov"]
    turtle = RDFSerializer(profiles=profiles).serialize_dataset(shown, _format="ttl")
    parser = RDFParser(profiles=profiles)
    parser.parse(turtle, _format="ttl")
    parsed = list(parser.datasets())
    assert len(parsed) == 1
    harvested = parsed[0]
    for key in (
        "resource_code",
        "resource_category",
        "theme",
        "share_type",
        "share_condition",
        "share_basis",
        "open_type",
        "open_condition",
        "open_basis",
        "update_cycle",
    ):
        assert harvested[key] == shown[key], key
    assert [i["name"] for i in harvested["data_items"]] == ["身份证号", "登记日期"]
    assert harvested["data_items"][0]["sensitive_category"] == "id_number"
    assert harvested["data_items"][0]["length"] == "18"
    extras = {e["key"] for e in harvested.get("extras", [])}
    assert not extras & {"identifier", "frequency", "access_rights"}
