"""The authorization matrix: every viewer kind × share type × open type ×
catalog status × resource audience × every path that exposes a catalog entry,
the DataStore's (``datastore_search``, ``datastore_info``,
``datastore_search_sql``, ``/datastore/dump/<id>``) included: every resource
has a DataStore table whose one row carries :func:`rowmark`.

The expected outcome of each case is written out here from DESIGN.md's "Who
sees what" tables (``expect_*`` below), not taken from the policy module. The
catalog is built once for the module; each path × viewer × entry × resource is
one parametrized case. Logged-in viewers use the HTTP API with their own API
token, so the matrix also shows that a token gets exactly its user's rights.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from io import BytesIO

import pytest
from catalog_defaults import CATALOG_DEFAULTS
from ckan import model

VIEWERS = (
    "anonymous",
    "citizen",
    "citizen_open_grant",
    "citizen_expired_open_grant",
    "citizen_revoked_open_grant",
    "provider_member",
    "provider_editor",
    "provider_admin",
    "other_gov",
    "other_gov_share_grant",
    "other_gov_expired_share_grant",
    "other_gov_revoked_share_grant",
    "competent",
    "sysadmin",
)
STATUSES = ("approved", "draft")
SHARE_TYPES = ("unconditional", "conditional", "not_shared")
OPEN_TYPES = ("proactive", "on_application", "not_open")
AUDIENCES = ("share", "open")
ENTRIES = list(itertools.product(STATUSES, SHARE_TYPES, OPEN_TYPES))

PROVIDERS = {"provider_member", "provider_editor", "provider_admin"}
OTHER_GOV = {
    "other_gov",
    "other_gov_share_grant",
    "other_gov_expired_share_grant",
    "other_gov_revoked_share_grant",
}
GOVERNMENT = PROVIDERS | OTHER_GOV | {"competent"}

# -- DESIGN.md "Who sees what", restated --------------------------------------


def expect_metadata(viewer: str, status: str) -> bool:
    if status == "approved":
        return True
    return viewer in PROVIDERS | {"competent", "sysadmin"}


def expect_listed(viewer: str, entry: tuple, audience: str) -> bool:
    """Whether the viewer learns the resource exists (listing, resource_show)."""
    if not expect_metadata(viewer, entry[0]):
        return False
    return audience == "open" or viewer in GOVERNMENT | {"sysadmin"}


def expect_data(viewer: str, entry: tuple, audience: str) -> bool:
    status, share_type, open_type = entry
    if viewer in PROVIDERS | {"sysadmin"}:
        return True
    if status != "approved":
        return False
    share_ok = viewer in OTHER_GOV | {"competent"} and (
        share_type == "unconditional"
        or (share_type == "conditional" and viewer == "other_gov_share_grant")
    )
    open_ok = audience == "open" and (
        open_type == "proactive"
        or (open_type == "on_application" and viewer == "citizen_open_grant")
    )
    return share_ok or open_ok


def slug(entry: tuple) -> str:
    return "m-" + "-".join(entry).replace("_", "")


def marker(entry: tuple, audience: str) -> str:
    """The uploaded file's name: it appears only where the URL appears."""
    return f"{slug(entry)}-{audience}-file.csv"


def rowmark(entry: tuple, audience: str) -> str:
    """The value in the resource's DataStore row: it appears only where the
    viewer reads the data."""
    return f"{slug(entry)}-{audience}-row"


def expect_apply_link(viewer: str, entry: tuple, audience: str) -> bool:
    """Whether a refusal of the data points at an application."""
    return entry[0] == "approved" and (
        (entry[1] == "conditional" and viewer in OTHER_GOV)
        or (
            entry[2] == "on_application"
            and audience == "open"
            and viewer not in GOVERNMENT
        )
    )


# -- the catalog, built once ---------------------------------------------------

NOW = dt.datetime.now(dt.timezone.utc)
YEAR = dt.timedelta(days=365)


class Catalog:
    def __init__(self):
        from ckan.tests import factories
        from ckan.tests.helpers import call_action
        from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

        from ckanext.cqgov.access.model import Grant

        self.users = {}
        self.tokens = {}
        for name in VIEWERS[1:]:
            user = factories.User(name=name.replace("_", "-"))
            if name == "sysadmin":
                user = factories.Sysadmin(name="matrix-sysadmin")
            self.users[name] = user
            self.tokens[name] = call_action(
                "api_token_create",
                {"user": user["name"]},
                user=user["name"],
                name="matrix",
            )["token"]

        def org(name, members, **extras):
            return factories.Organization(
                name=name,
                org_kind="government",
                users=[
                    {"name": self.users[v]["name"], "capacity": c} for v, c in members
                ],
                **extras,
            )

        provider = org(
            "provider",
            [
                ("provider_member", "member"),
                ("provider_editor", "editor"),
                ("provider_admin", "admin"),
            ],
            level="municipal",
        )
        self.provider = provider
        orgs = {
            v: org(v.replace("_", "-"), [(v, "member")], level="municipal")
            for v in sorted(OTHER_GOV)
        }
        org(
            "competent", [("competent", "member")], level="municipal", is_competent=True
        )
        admin = self.users["sysadmin"]["name"]
        self.packages = {}
        self.resources = {}
        for entry in ENTRIES:
            status, share_type, open_type = entry
            package = factories.Dataset(
                **{
                    **CATALOG_DEFAULTS,
                    "name": slug(entry),
                    "title": "矩阵 " + slug(entry),
                    "owner_org": provider["id"],
                    "share_type": share_type,
                    "open_type": open_type,
                    "catalog_status": status,
                    "user": {"name": admin},
                }
            )
            self.packages[entry] = package
            for audience in AUDIENCES:
                resource = call_action(
                    "resource_create",
                    {"user": admin},
                    package_id=package["id"],
                    name=f"{audience} data",
                    format="XLSX" if audience == "share" else "CSV",
                    audience=audience,
                    upload=FakeFileStorage(
                        BytesIO(f"a,b\n1,{marker(entry, audience)}\n".encode()),
                        marker(entry, audience),
                    ),
                )
                self.resources[entry, audience] = resource
                call_action(
                    "datastore_create",
                    {"user": admin},
                    resource_id=resource["id"],
                    force=True,
                    fields=[
                        {"id": "n", "type": "int"},
                        {"id": "label", "type": "text"},
                    ],
                    records=[{"n": 1, "label": rowmark(entry, audience)}],
                )
                model.Session.add(
                    model.ResourceView(
                        resource_id=resource["id"],
                        title="preview",
                        view_type="image_view",
                        order=0,
                    )
                )
            for holder, kind, grantee, period, revoked in (
                (
                    "other_gov_share_grant",
                    "share",
                    orgs["other_gov_share_grant"]["id"],
                    (NOW - YEAR, NOW + YEAR),
                    None,
                ),
                (
                    "other_gov_expired_share_grant",
                    "share",
                    orgs["other_gov_expired_share_grant"]["id"],
                    (NOW - 2 * YEAR, NOW - YEAR),
                    None,
                ),
                (
                    "other_gov_revoked_share_grant",
                    "share",
                    orgs["other_gov_revoked_share_grant"]["id"],
                    (NOW - YEAR, NOW + YEAR),
                    NOW - dt.timedelta(days=1),
                ),
                (
                    "citizen_open_grant",
                    "open",
                    self.users["citizen_open_grant"]["id"],
                    (NOW - YEAR, NOW + YEAR),
                    None,
                ),
                (
                    "citizen_expired_open_grant",
                    "open",
                    self.users["citizen_expired_open_grant"]["id"],
                    (NOW - 2 * YEAR, NOW - YEAR),
                    None,
                ),
                (
                    "citizen_revoked_open_grant",
                    "open",
                    self.users["citizen_revoked_open_grant"]["id"],
                    (NOW - YEAR, NOW + YEAR),
                    NOW - dt.timedelta(days=1),
                ),
            ):
                model.Session.add(
                    Grant(
                        kind=kind,
                        package_id=package["id"],
                        owner_org=provider["id"],
                        grantee_id=grantee,
                        purpose=f"matrix {holder}",
                        valid_from=period[0],
                        valid_until=period[1],
                        revoked_at=revoked,
                        created=NOW,
                    )
                )
        model.Session.commit()
        self.views = {
            key: model.Session.query(model.ResourceView)
            .filter_by(resource_id=res["id"])
            .one()
            .id
            for key, res in self.resources.items()
        }
        self.app = __import__("ckan.tests.helpers", fromlist=["x"])._get_test_app()

    def headers(self, viewer):
        token = self.tokens.get(viewer)
        return {"Authorization": token} if token else {}

    def get(self, viewer, url, **kw):
        return self.app.get(url, headers=self.headers(viewer), **kw)

    def action(self, viewer, name, **params):
        response = self.app.post(
            f"/api/3/action/{name}", json=params, headers=self.headers(viewer)
        )
        assert response.status_code < 500, response.body
        return response.status_code, response.json


@pytest.fixture(scope="module")
def catalog(module_clean_datastore):
    return Catalog()


# -- the cases ------------------------------------------------------------------

RESOURCE_CASES = [
    pytest.param(v, e, a, id=f"{v}-{slug(e)}-{a}")
    for v in VIEWERS
    for e in ENTRIES
    for a in AUDIENCES
]
ENTRY_CASES = [
    pytest.param(v, e, id=f"{v}-{slug(e)}") for v in VIEWERS for e in ENTRIES
]
VIEWER_CASES = [pytest.param(v, id=v) for v in VIEWERS]


def _resource_in(package: dict, resource_id: str) -> dict | None:
    return next(
        (r for r in package.get("resources", []) if r["id"] == resource_id), None
    )


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_package_show(catalog, viewer, entry, audience):
    status, body = catalog.action(
        viewer, "package_show", id=catalog.packages[entry]["id"]
    )
    assert (status == 200) is expect_metadata(viewer, entry[0])
    if status != 200:
        assert status == 403
        assert marker(entry, audience) not in json.dumps(body)
        return
    resource = _resource_in(body["result"], catalog.resources[entry, audience]["id"])
    assert (resource is not None) is expect_listed(viewer, entry, audience)
    assert (marker(entry, audience) in json.dumps(body)) is expect_data(
        viewer, entry, audience
    )
    if resource is not None and not expect_data(viewer, entry, audience):
        assert resource["url"] == ""
        assert resource["cqgov_access"]["allowed"] is False
        assert resource["cqgov_access"]["message"]


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_resource_show(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    status, body = catalog.action(viewer, "resource_show", id=rid)
    assert (status == 200) is expect_listed(viewer, entry, audience)
    assert (marker(entry, audience) in json.dumps(body)) is expect_data(
        viewer, entry, audience
    )


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_resource_view_show_and_list(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    status, _ = catalog.action(
        viewer, "resource_view_show", id=catalog.views[entry, audience]
    )
    assert (status == 200) is expect_data(viewer, entry, audience)
    status, body = catalog.action(viewer, "resource_view_list", id=rid)
    if expect_listed(viewer, entry, audience):
        assert status == 200
        if not expect_data(viewer, entry, audience):
            assert body["result"] == []
    else:
        assert status == 403


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_download(catalog, viewer, entry, audience):
    package = catalog.packages[entry]
    rid = catalog.resources[entry, audience]["id"]
    url = (
        f"/dataset/{package['name']}/resource/{rid}/download/{marker(entry, audience)}"
    )
    response = catalog.get(viewer, url)
    if expect_data(viewer, entry, audience):
        assert response.status_code == 200
        assert marker(entry, audience) in response.body
    else:
        assert response.status_code == 403
        assert marker(entry, audience) not in response.body.split("<title")[0] + ""
        assert "a,b" not in response.body
        if expect_apply_link(viewer, entry, audience):
            assert f"/dataset/{package['name']}/apply?kind=" in response.body


@pytest.mark.parametrize(("viewer", "entry"), ENTRY_CASES)
def test_dataset_page(catalog, viewer, entry):
    package = catalog.packages[entry]
    response = catalog.get(viewer, f"/dataset/{package['name']}")
    if not expect_metadata(viewer, entry[0]):
        assert response.status_code in (403, 404)
        assert package["title"] not in response.body
        return
    assert response.status_code == 200
    for audience in AUDIENCES:
        assert (catalog.resources[entry, audience]["id"] in response.body) is (
            expect_listed(viewer, entry, audience)
        ), audience
        assert (marker(entry, audience) in response.body) is expect_data(
            viewer, entry, audience
        ), audience


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_resource_page(catalog, viewer, entry, audience):
    package = catalog.packages[entry]
    rid = catalog.resources[entry, audience]["id"]
    response = catalog.get(viewer, f"/dataset/{package['name']}/resource/{rid}")
    assert (response.status_code == 200) is expect_listed(viewer, entry, audience)
    assert (marker(entry, audience) in response.body) is expect_data(
        viewer, entry, audience
    )


@pytest.mark.parametrize(("viewer", "entry"), ENTRY_CASES)
def test_dcat_dataset(catalog, viewer, entry):
    package = catalog.packages[entry]
    response = catalog.get(viewer, f"/dataset/{package['name']}.ttl")
    if not expect_metadata(viewer, entry[0]):
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    for audience in AUDIENCES:
        assert (marker(entry, audience) in response.body) is expect_data(
            viewer, entry, audience
        ), audience


@pytest.mark.parametrize(("viewer", "entry"), ENTRY_CASES)
def test_package_activity(catalog, viewer, entry):
    status, body = catalog.action(
        viewer, "package_activity_list", id=catalog.packages[entry]["id"]
    )
    assert (status == 200) is expect_metadata(viewer, entry[0])
    for audience in AUDIENCES:
        if not expect_data(viewer, entry, audience):
            assert marker(entry, audience) not in json.dumps(body), audience


def _visible_entries(viewer):
    return {e for e in ENTRIES if expect_metadata(viewer, e[0])}


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_search_results_counts_and_facets(catalog, viewer):
    status, body = catalog.action(
        viewer,
        "package_search",
        q="name:m-*",
        rows=1000,
        **{"facet.field": ["res_format", "organization"]},
    )
    assert status == 200
    result = body["result"]
    expected = {slug(e) for e in _visible_entries(viewer)}
    assert {r["name"] for r in result["results"]} == expected
    assert result["count"] == len(expected)
    assert result["facets"]["organization"].get("provider", 0) == len(expected)
    text = json.dumps(result)
    for entry in ENTRIES:
        for audience in AUDIENCES:
            assert (marker(entry, audience) in text) is (
                entry in _visible_entries(viewer)
                and expect_data(viewer, entry, audience)
            ), (entry, audience)
    if viewer in ("anonymous", "citizen"):
        # Only open resources are summarized in the index (share ones: XLSX).
        assert "xlsx" not in {k.lower() for k in result["facets"]["res_format"]}


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_search_fl_does_not_bypass_shaping(catalog, viewer):
    status, body = catalog.action(
        viewer,
        "package_search",
        q="name:m-*",
        rows=1000,
        fl="id,name,res_url,data_dict,validated_data_dict",
    )
    assert status == 200
    text = json.dumps(body["result"]["results"])
    for entry in ENTRIES:
        for audience in AUDIENCES:
            if not expect_data(viewer, entry, audience):
                assert marker(entry, audience) not in text, (entry, audience)


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_package_list(catalog, viewer):
    status, body = catalog.action(viewer, "package_list")
    assert status == 200
    names = {n for n in body["result"] if n.startswith("m-")}
    assert names == {slug(e) for e in _visible_entries(viewer)}


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_current_package_list_with_resources(catalog, viewer):
    status, body = catalog.action(
        viewer, "current_package_list_with_resources", limit=1000
    )
    assert status == 200
    shown = {p["name"]: p for p in body["result"] if p["name"].startswith("m-")}
    assert set(shown) <= {slug(e) for e in _visible_entries(viewer)}
    text = json.dumps(body["result"])
    for entry in ENTRIES:
        for audience in AUDIENCES:
            if not expect_data(viewer, entry, audience):
                assert marker(entry, audience) not in text


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_autocomplete(catalog, viewer):
    status, body = catalog.action(viewer, "package_autocomplete", q="m-", limit=100)
    assert status == 200
    # only the matrix's own entries count (other modules' public datasets
    # may match the prefix too)
    names = {r["name"] for r in body["result"]} & {slug(e) for e in ENTRIES}
    assert names <= {slug(e) for e in _visible_entries(viewer)}
    assert any(n.startswith("m-approved") for n in names)


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_recent_activity_streams(catalog, viewer):
    for action, params in (
        ("recently_changed_packages_activity_list", {"limit": 100}),
        ("organization_activity_list", {"id": "provider", "limit": 100}),
    ):
        status, body = catalog.action(viewer, action, **params)
        if status != 200:
            continue
        text = json.dumps(body["result"])
        for entry in ENTRIES:
            if not expect_metadata(viewer, entry[0]):
                assert catalog.packages[entry]["id"] not in text, (action, entry)
            for audience in AUDIENCES:
                if not expect_data(viewer, entry, audience):
                    assert marker(entry, audience) not in text, (action, entry)


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_dcat_catalog(catalog, viewer):
    response = catalog.get(viewer, "/catalog.ttl?q=name:m-*")
    assert response.status_code == 200
    for entry in ENTRIES:
        shown = catalog.packages[entry]["name"] in response.body
        if not expect_metadata(viewer, entry[0]):
            assert not shown
        for audience in AUDIENCES:
            if not expect_data(viewer, entry, audience):
                assert marker(entry, audience) not in response.body


# -- the DataStore ---------------------------------------------------------------


def _assert_datastore_answer(catalog, viewer, entry, audience, status, body):
    """Allowed: 200 with the row (where the answer holds rows); denied: 403
    with the policy's reason (and the apply link where applying helps), and
    never the row."""
    text = json.dumps(body, ensure_ascii=False)
    if expect_data(viewer, entry, audience):
        assert status == 200, text
        return
    assert status == 403, text
    assert rowmark(entry, audience) not in text
    message = body["error"]["message"]
    assert message
    if expect_apply_link(viewer, entry, audience):
        name = catalog.packages[entry]["name"]
        assert f"/dataset/{name}/apply?kind=" in message


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_datastore_search(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    status, body = catalog.action(viewer, "datastore_search", resource_id=rid)
    _assert_datastore_answer(catalog, viewer, entry, audience, status, body)
    if status == 200:
        labels = [r["label"] for r in body["result"]["records"]]
        assert labels == [rowmark(entry, audience)]


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_datastore_info(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    status, body = catalog.action(viewer, "datastore_info", id=rid)
    _assert_datastore_answer(catalog, viewer, entry, audience, status, body)
    if status == 200:
        assert [f["id"] for f in body["result"]["fields"]] == ["n", "label"]


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_datastore_search_sql(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    status, body = catalog.action(
        viewer, "datastore_search_sql", sql=f'SELECT label FROM "{rid}"'
    )
    _assert_datastore_answer(catalog, viewer, entry, audience, status, body)
    if status == 200:
        labels = [r["label"] for r in body["result"]["records"]]
        assert labels == [rowmark(entry, audience)]


@pytest.mark.parametrize(("viewer", "entry", "audience"), RESOURCE_CASES)
def test_datastore_dump(catalog, viewer, entry, audience):
    rid = catalog.resources[entry, audience]["id"]
    response = catalog.get(viewer, f"/datastore/dump/{rid}")
    if expect_data(viewer, entry, audience):
        assert response.status_code == 200
        assert rowmark(entry, audience) in response.body
        return
    assert response.status_code == 403
    assert rowmark(entry, audience) not in response.body
    if expect_apply_link(viewer, entry, audience):
        name = catalog.packages[entry]["name"]
        assert f"/dataset/{name}/apply?kind=" in response.body


def _union(catalog, keys) -> str:
    return " UNION ALL ".join(
        f'SELECT label FROM "{catalog.resources[key]["id"]}"' for key in keys
    )


ALL_TABLES = [(e, a) for e in ENTRIES for a in AUDIENCES]


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_datastore_sql_over_the_readable_tables(catalog, viewer):
    """One query over every table the viewer may read returns exactly their
    rows."""
    readable = [k for k in ALL_TABLES if expect_data(viewer, *k)]
    if not readable:
        pytest.skip("this viewer may read no table")
    status, body = catalog.action(
        viewer, "datastore_search_sql", sql=_union(catalog, readable)
    )
    assert status == 200, body
    labels = sorted(r["label"] for r in body["result"]["records"])
    assert labels == sorted(rowmark(*k) for k in readable)


@pytest.mark.parametrize("viewer", VIEWER_CASES)
def test_datastore_sql_over_all_tables(catalog, viewer):
    """A query that also reads one table the viewer may not read is refused
    whole, and no row leaks."""
    status, body = catalog.action(
        viewer, "datastore_search_sql", sql=_union(catalog, ALL_TABLES)
    )
    text = json.dumps(body, ensure_ascii=False)
    if all(expect_data(viewer, *k) for k in ALL_TABLES):
        assert status == 200
        assert len(body["result"]["records"]) == len(ALL_TABLES)
        return
    assert status == 403
    for key in ALL_TABLES:
        assert rowmark(*key) not in text
