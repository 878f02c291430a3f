"""The run command's portal, started the way `make run` starts it, answers.

Uses a database of its own (the test database's name + ``_portal``), never the
demo one, and the same bootstrap functions as `make run`: migrate, sysadmin with
a token, the demo catalog, then the web server and the job worker.
"""

from __future__ import annotations

import pytest

from ckanext.cqgov.bootstrap.testportal import running_portal as start_portal
from ckanext.cqgov.demo.catalog import build_catalog

pytestmark = pytest.mark.portal


@pytest.fixture(scope="module")
def running_portal(tmp_path_factory):
    # Prepared twice: a second `make run` on the same database works and
    # duplicates nothing.
    with start_portal(
        "portal", tmp_path_factory.mktemp("portal"), prepare_runs=2
    ) as running:
        yield running


def test_status_show(running_portal):
    body = running_portal.action("status_show").json()
    assert body["success"]
    assert body["result"]["ckan_version"].startswith("2.11")
    assert "cqgov" in body["result"]["extensions"]
    assert "cqgov_pgsearch" in body["result"]["extensions"]


def test_demo_catalog_is_loaded_once(running_portal):
    """Prepared twice, the demo catalog is there exactly once."""
    demo = build_catalog()
    assert len(demo.organizations) >= 14
    assert len(demo.datasets) >= 60
    orgs = running_portal.action("organization_list", all_fields=False).json()
    assert sorted(orgs["result"]) == sorted(org.name for org in demo.organizations)
    search = running_portal.action(
        "package_search", token=running_portal.token, rows=1000
    ).json()["result"]
    assert search["count"] == len(demo.datasets)
    # Every review state is shown; approved entries are the published catalog.
    states = {r["name"]: r["catalog_status"] for r in search["results"]}
    assert states == {d.name: d.catalog_status for d in demo.datasets}
    assert set(states.values()) == {"draft", "submitted", "approved", "returned"}
    assert sorted(r["name"] for r in search["results"]) == sorted(
        d.name for d in demo.datasets
    )


def test_api_creates_organization_and_dataset_with_token(running_portal):
    token = running_portal.token
    org = running_portal.action(
        "organization_create",
        token,
        name="portal-test-dept",
        title="测试委员会",
        org_kind="government",
        level="municipal",
    )
    assert org.status_code == 200, org.text
    ds = running_portal.action(
        "package_create",
        token,
        name="portal-test-dataset",
        title="门户测试停车场数据",
        owner_org="portal-test-dept",
        notes="用于验证门户的测试数据集",
        resource_category="departmental",
        format_type="spreadsheet",
        data_items=[
            {
                "name": "停车场名称",
                "data_type": "C",
                "length": "50",
                "sensitive_category": "none",
            }
        ],
        share_type="unconditional",
        share_method="platform_api",
        open_type="proactive",
        update_cycle="monthly",
    )
    assert ds.status_code == 200, ds.text
    found = running_portal.action(
        "package_search", token=token, q="停车场", rows=100
    ).json()["result"]
    assert "portal-test-dataset" in [r["name"] for r in found["results"]]
    anon = running_portal.action("organization_create", None, name="x-no-token")
    assert anon.status_code == 403


def test_package_search_with_facets(running_portal):
    result = running_portal.action(
        "package_search",
        rows=2,
        **{"facet.field": ["organization", "tags", "res_format"]},
    ).json()["result"]
    assert len(result["results"]) == 2
    orgs = result["facets"]["organization"]
    # facet counts cover every match, not the page
    assert sum(orgs.values()) == result["count"]
    assert result["facets"]["res_format"].get("CSV", 0) >= 60


def _page(portal_, path):
    resp = portal_.session.get(portal_.url(path), timeout=60)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.text


def test_html_pages_are_chinese(running_portal):
    datasets = _page(running_portal, "/dataset/")
    assert 'lang="zh' in datasets
    assert "数据集" in datasets
    orgs = _page(running_portal, "/organization/")
    assert "机构" in orgs
    name = running_portal.action("package_search", rows=1).json()["result"]["results"][
        0
    ]["name"]
    page = _page(running_portal, f"/dataset/{name}")
    assert "共享类型" in page


def test_english_is_available(running_portal):
    page = _page(running_portal, "/en/dataset/")
    assert 'lang="en"' in page
    assert "Datasets" in page


def test_mail_reaches_the_catcher(running_portal):
    org = running_portal.call("organization_list")[0]
    running_portal.call(
        "user_invite", email="invitee@example.invalid", group_id=org, role="member"
    )
    (mail,) = running_portal.mail.sent_to("invitee@example.invalid")
    assert running_portal.site in mail.get_body(("plain", "html")).get_content()
