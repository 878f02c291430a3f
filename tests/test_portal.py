"""The run command's portal, started the way `make run` starts it, answers.

Uses a database of its own (the test database's name + ``_portal``), never the
demo one, and the same bootstrap functions as `make run`: migrate, sysadmin with
a token, the demo catalog, then the web server and the job worker.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from ckanext.cqgov.bootstrap import portal
from ckanext.cqgov.bootstrap.database import (
    database_name,
    ensure_database,
    with_database,
)
from ckanext.cqgov.bootstrap.localconfig import write_local_ini
from ckanext.cqgov.demo.catalog import build_catalog

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.portal


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def running_portal(tmp_path_factory):
    test_db = os.environ.get(
        "CQGOV_TEST_SQLALCHEMY_URL",
        "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov_test",
    )
    db_url = with_database(test_db, database_name(test_db) + "_portal")
    ensure_database(db_url, recreate=True)
    tmp = tmp_path_factory.mktemp("portal")
    port, smtp_port = _free_port(), _free_port()
    site = f"http://127.0.0.1:{port}"
    ini = write_local_ini(
        tmp / "ckan.ini",
        ROOT / "config" / "development.ini",
        extra={
            "ckan.storage_path": str(tmp / "storage"),
            "smtp.server": f"localhost:{smtp_port}",
        },
    )
    env = dict(
        os.environ,
        CKAN_SQLALCHEMY_URL=db_url,
        CKAN_REDIS_URL=os.environ.get(
            "CQGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/1"
        ),
        CKAN_SITE_URL=site,
    )
    portal.prepare(ini, env=env)
    # A second `make run` on the same database: works, duplicates nothing.
    admin = portal.prepare(ini, env=env)
    token = re.search(r"sysadmin API token: (\S+)", admin).group(1)
    log = tmp / "portal.log"
    with open(log, "w") as out:
        procs = portal.start_portal(
            ini,
            "127.0.0.1",
            port,
            env=env,
            smtp_port=smtp_port,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield {"site": site, "token": token, "ini": ini, "env": env}
        finally:
            procs.stop()


def _action(portal_, action, token=None, **data):
    headers = {"Authorization": token} if token else {}
    if data:
        resp = requests.post(
            f"{portal_['site']}/api/3/action/{action}",
            json=data,
            headers=headers,
            timeout=60,
        )
    else:
        resp = requests.get(
            f"{portal_['site']}/api/3/action/{action}", headers=headers, timeout=60
        )
    return resp


def test_status_show(running_portal):
    body = _action(running_portal, "status_show").json()
    assert body["success"]
    assert body["result"]["ckan_version"].startswith("2.11")
    assert "cqgov" in body["result"]["extensions"]
    assert "cqgov_pgsearch" in body["result"]["extensions"]


def test_demo_catalog_is_loaded_once(running_portal):
    """Prepared twice, the demo catalog is there exactly once."""
    demo = build_catalog()
    assert len(demo.organizations) >= 14
    assert len(demo.datasets) >= 60
    orgs = _action(running_portal, "organization_list", all_fields=False).json()
    assert sorted(orgs["result"]) == sorted(org.name for org in demo.organizations)
    search = _action(running_portal, "package_search", rows=1000).json()["result"]
    assert search["count"] == len(demo.datasets)
    assert sorted(r["name"] for r in search["results"]) == sorted(
        d.name for d in demo.datasets
    )


def test_api_creates_organization_and_dataset_with_token(running_portal):
    token = running_portal["token"]
    org = _action(
        running_portal,
        "organization_create",
        token,
        name="portal-test-dept",
        title="测试委员会",
        org_kind="government",
        level="municipal",
    )
    assert org.status_code == 200, org.text
    ds = _action(
        running_portal,
        "package_create",
        token,
        name="portal-test-dataset",
        title="门户测试停车场数据",
        owner_org="portal-test-dept",
        notes="用于验证门户的测试数据集",
        resource_category="departmental",
        share_type="unconditional",
        open_type="proactive",
        update_cycle="monthly",
    )
    assert ds.status_code == 200, ds.text
    found = _action(running_portal, "package_search", q="停车场", rows=100).json()[
        "result"
    ]
    assert "portal-test-dataset" in [r["name"] for r in found["results"]]
    anon = _action(running_portal, "organization_create", None, name="x-no-token")
    assert anon.status_code == 403


def test_package_search_with_facets(running_portal):
    result = _action(
        running_portal,
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
    resp = requests.get(portal_["site"] + path, timeout=60)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.text


def test_html_pages_are_chinese(running_portal):
    datasets = _page(running_portal, "/dataset/")
    assert 'lang="zh' in datasets
    assert "数据集" in datasets
    orgs = _page(running_portal, "/organization/")
    assert "机构" in orgs
    name = _action(running_portal, "package_search", rows=1).json()["result"][
        "results"
    ][0]["name"]
    page = _page(running_portal, f"/dataset/{name}")
    assert "共享类型" in page


def test_english_is_available(running_portal):
    page = _page(running_portal, "/en/dataset/")
    assert 'lang="en"' in page
    assert "Datasets" in page
