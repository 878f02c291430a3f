"""The demo loader against CKAN (PostgreSQL search backend, real uploads)."""

from __future__ import annotations

from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from ckanext.cqgov.demo.catalog import Catalog, build_catalog
from ckanext.cqgov.demo.cli import demo
from ckanext.cqgov.demo.loader import Loader

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


def _small(catalog: Catalog, *names: str) -> Catalog:
    """The named datasets and the organizations that own them."""
    datasets = tuple(d for d in catalog.datasets if d.name in names)
    owners = {d.owner_org for d in datasets}
    return Catalog(
        organizations=tuple(o for o in catalog.organizations if o.name in owners),
        datasets=datasets,
    )


def _as(user):
    return {"user": user["name"]}


def _counts(created: int, updated: int, unchanged: int) -> str:
    return f"{created} created, {updated} updated, {unchanged} unchanged"


def test_loading_twice_creates_nothing_new(cli, catalog, sysadmin):
    organizations = len(catalog.organizations)
    datasets = len(catalog.datasets)
    resources = sum(len(d.resources) for d in catalog.datasets)

    first = cli.invoke(demo, ["load"])
    second = cli.invoke(demo, ["load"])

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        f"organizations: {_counts(organizations, 0, 0)}",
        f"datasets: {_counts(datasets, 0, 0)}",
        f"resources: {_counts(resources, 0, 0)}",
    ]
    assert second.exit_code == 0, second.output
    assert second.output.splitlines() == [
        f"organizations: {_counts(0, 0, organizations)}",
        f"datasets: {_counts(0, 0, datasets)}",
        f"resources: {_counts(0, 0, resources)}",
    ]
    found = tk.get_action("package_search")(_as(sysadmin), {"q": "*:*", "rows": 0})
    assert found["count"] == datasets


def test_load_refuses_a_user_who_is_not_sysadmin(cli):
    user = factories.User()

    result = cli.invoke(demo, ["load", "--user", user["name"]])

    assert result.exit_code == 2
    assert "is not a sysadmin" in result.output
    assert not tk.get_action("organization_list")({}, {})


def test_loaded_metadata(catalog, sysadmin):
    small = _small(catalog, "yuzhong-parking-lots", "cq-road-transport-licenses")
    Loader(sysadmin["name"]).load(small)

    for dataset in small.datasets:
        shown = tk.get_action("package_show")(_as(sysadmin), {"id": dataset.name})
        for key, value in dataset.as_dict().items():
            if key == "tags":
                assert {t["name"] for t in shown["tags"]} == set(dataset.tags)
            elif key == "owner_org":
                assert shown["organization"]["name"] == value
            else:
                assert shown[key] == value, key
    for org in small.organizations:
        shown = tk.get_action("organization_show")(_as(sysadmin), {"id": org.name})
        assert {k: shown[k] for k in org.as_dict()} == org.as_dict()


def test_resources_are_uploaded_files(app, catalog, sysadmin):
    small = _small(catalog, "yuzhong-parking-lots", "cq-infectious-disease-reports")
    Loader(sysadmin["name"]).load(small)
    token = factories.APIToken(user=sysadmin["name"])["token"]

    for dataset in small.datasets:
        shown = tk.get_action("package_show")(_as(sysadmin), {"id": dataset.name})
        assert len(shown["resources"]) == len(dataset.resources)
        for resource, stored in zip(dataset.resources, shown["resources"], strict=True):
            assert stored["url_type"] == "upload"
            assert stored["format"] == "CSV"
            assert stored["audience"] == resource.audience
            assert stored["url"].endswith("/download/" + resource.filename)
            response = app.get(
                urlparse(stored["url"]).path, headers={"Authorization": token}
            )
            assert response.status_code == 200
            assert response.data == resource.content


def test_changes_are_put_back(catalog, sysadmin):
    small = _small(catalog, "yuzhong-parking-lots")
    Loader(sysadmin["name"]).load(small)
    tk.get_action("package_patch")(
        _as(sysadmin), {"id": "yuzhong-parking-lots", "title": "改过的标题"}
    )

    # Another seed: same names, other codes, dates and file contents.
    reseeded = _small(build_catalog(7), "yuzhong-parking-lots")
    summary = Loader(sysadmin["name"]).load(reseeded).as_dict()

    assert summary["organizations"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert summary["datasets"]["updated"] == 1
    assert summary["resources"]["updated"] == 1
    shown = tk.get_action("package_show")(_as(sysadmin), {"id": "yuzhong-parking-lots"})
    assert shown["title"] == "渝中区停车场信息"
    assert len(shown["resources"]) == 1


def test_a_deleted_dataset_is_restored(catalog, sysadmin):
    small = _small(catalog, "cq-bus-routes")
    Loader(sysadmin["name"]).load(small)
    tk.get_action("package_delete")(_as(sysadmin), {"id": "cq-bus-routes"})

    summary = Loader(sysadmin["name"]).load(small).as_dict()

    assert summary["datasets"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert summary["resources"] == {"created": 0, "updated": 0, "unchanged": 1}
    shown = tk.get_action("package_show")(_as(sysadmin), {"id": "cq-bus-routes"})
    assert shown["state"] == "active"


def test_entries_are_loaded_in_every_review_state(catalog, sysadmin):
    wanted = {"draft": None, "submitted": None, "returned": None, "approved": None}
    for dataset in catalog.datasets:
        if wanted.get(dataset.catalog_status) is None:
            wanted[dataset.catalog_status] = dataset.name
    small = _small(catalog, *wanted.values())
    Loader(sysadmin["name"]).load(small)

    for status, name in wanted.items():
        shown = tk.get_action("package_show")(_as(sysadmin), {"id": name})
        assert shown["catalog_status"] == status, name
        history = tk.get_action("cqgov_catalog_history")(_as(sysadmin), {"id": name})
        assert history["events"][-1]["to_status"] == status
        if status == "returned":
            assert history["events"][-1]["comment"]  # the mandatory reason
