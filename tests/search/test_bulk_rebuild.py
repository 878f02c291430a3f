"""The bulk search-index rebuild (cqgov_pgsearch's ``rebuild``) writes the
same index documents as CKAN's own, one ``package_show`` per dataset, and
leaves the access rules of search as they were."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from ckan import logic, model
from ckan.common import config
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.cqgov import batch_memo
from ckanext.cqgov.search import bulk, client
from ckanext.cqgov.search import plugin as pgsearch

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

USCC = "91350100M000100Y43"  # a valid check character


def as_sysadmin(action, **kwargs):
    admin = factories.Sysadmin()
    return helpers.call_action(action, context={"user": admin["name"]}, **kwargs)


def stored_documents() -> dict[str, dict]:
    """Every column of every index row, by dataset id; the time of indexing
    (``indexed_ts``) left out."""
    with model.meta.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT * FROM {client.TABLE}")).mappings().all()
    out = {}
    for row in rows:
        doc = {k: (str(v) if k in ("tsv", "zh") else v) for k, v in row.items()}
        for column in ("stored", "fields", "facets"):
            doc[column] = {
                k: v for k, v in (doc[column] or {}).items() if k != "indexed_ts"
            }
        out[doc["id"]] = doc
    return out


def ckan_rebuild(**kwargs) -> None:
    """CKAN's own rebuild: ``package_show`` and ``index_package`` per dataset."""
    original = pgsearch._originals[(search, "rebuild")]
    with client.batched_writes():
        original(**kwargs)


@pytest.fixture
def catalog(dataset_factory, catalog_fields):
    """Datasets of every kind the index distinguishes."""
    with_uscc = factories.Organization(
        name="cq-traffic", title="重庆市交通局", uscc=USCC
    )
    district = factories.Organization(
        name="cq-yuzhong", title="渝中区人民政府", level="district", region="500103"
    )
    plain = factories.Organization(name="cq-edu", title="重庆市教育委员会")
    group = factories.Group(name="theme-traffic", title="交通出行")
    member = factories.User(name="traffic-editor")
    helpers.call_action(
        "organization_member_create",
        id=with_uscc["id"],
        username=member["name"],
        role="editor",
    )
    made = {
        "public": dataset_factory(
            name="bus-lines",
            title="  重庆市公共交通线路 ",
            notes="全市公交线路与站点信息 PM2.5",
            owner_org=with_uscc["id"],
            tags=[{"name": "交通"}, {"name": "bus"}],
            groups=[{"name": group["name"]}],
            resources=[
                {
                    "url": "http://example.com/a.csv",
                    "format": "CSV",
                    "audience": "open",
                },
                {
                    "url": "example.com/b.xlsx",
                    "name": "共享明细",
                    "description": "仅共享",
                    "format": "XLSX",
                    "audience": "share",
                },
            ],
        ),
        "private": dataset_factory(
            name="metro-private",
            title="轨道交通内部站点",
            owner_org=with_uscc["id"],
            private=True,
            tags=[{"name": "轨道"}],
            resources=[{"url": "http://example.com/m.csv", "audience": "open"}],
        ),
        "on_application": dataset_factory(
            name="schools",
            title="中小学校名录",
            owner_org=plain["id"],
            open_type="on_application",
            share_type="conditional",
        ),
        "not_open": dataset_factory(
            name="hospital-beds",
            title="醫院床位",
            owner_org=district["id"],
            open_type="not_open",
            update_cycle="monthly",
        ),
        "not_shared": dataset_factory(
            name="parking",
            title="渝中区停车场",
            owner_org=district["id"],
            open_type="not_open",
            share_type="not_shared",
        ),
        "draft": dataset_factory(
            name="draft-entry",
            title="草稿目录",
            owner_org=plain["id"],
            catalog_status="draft",
        ),
        "state_draft": dataset_factory(
            name="state-draft", title="未完成", owner_org=plain["id"], state="draft"
        ),
        "deleted": dataset_factory(
            name="gone", title="已删除目录", owner_org=plain["id"]
        ),
    }
    as_sysadmin("package_delete", id=made["deleted"]["id"])
    as_sysadmin(
        "package_relationship_create",
        subject=made["public"]["id"],
        object=made["private"]["id"],
        type="links_to",
    )
    return {"datasets": made, "member": member}


def test_full_rebuild_writes_the_documents_ckan_writes(catalog):
    ckan_rebuild(quiet=True, defer_commit=True, clear=True)
    expected = stored_documents()
    # every kind is in the index except the deleted dataset
    ids = {name: d["id"] for name, d in catalog["datasets"].items()}
    assert set(expected) == {i for name, i in ids.items() if name != "deleted"}

    search.rebuild(quiet=True, defer_commit=True, clear=True)
    assert stored_documents() == expected

    search.rebuild(package_ids=list(expected))
    assert stored_documents() == expected


def test_batches_smaller_than_the_catalog(catalog, monkeypatch):
    ckan_rebuild(quiet=True, defer_commit=True, clear=True)
    expected = stored_documents()
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    search.rebuild(quiet=True, defer_commit=True, clear=True)
    assert stored_documents() == expected


def test_same_as_package_show(catalog):
    ids = [d["id"] for name, d in catalog["datasets"].items() if name != "deleted"]
    context = bulk.show_context()
    with batch_memo.scope():
        shown = {pkg.id: d for pkg, d in bulk.package_dicts(context, ids)}
    for pkg_id in ids:
        reference = helpers.call_action(
            "package_show",
            context={"ignore_auth": True, "validate": False, "use_cache": False},
            id=pkg_id,
        )
        # same keys in the same order (the index stores the dict as JSON)
        assert json.dumps(shown[pkg_id]) == json.dumps(reference)


def test_unknown_ids_raise_as_in_ckan(catalog):
    with pytest.raises(logic.NotFound):
        search.rebuild(package_ids=["no-such-dataset"])


def test_a_failing_batch_is_indexed_one_by_one(catalog, monkeypatch):
    ckan_rebuild(quiet=True, defer_commit=True, clear=True)
    expected = stored_documents()

    def broken(context, ids):
        raise RuntimeError("bulk read failed")

    monkeypatch.setattr(bulk, "package_dicts", broken)
    search.rebuild(quiet=True, defer_commit=True, clear=True)
    assert stored_documents() == expected


@pytest.fixture
def in_processes(monkeypatch):
    """A full rebuild of even this small catalog runs in two processes."""
    monkeypatch.setattr(pgsearch, "PARALLEL_MIN_SHARE", 1)
    monkeypatch.setitem(config, "ckanext.cqgov.search.rebuild_processes", "2")


def test_a_full_rebuild_in_processes_writes_the_same_documents(
    catalog, in_processes, capsys
):
    ckan_rebuild(quiet=True, defer_commit=True, clear=True)
    expected = stored_documents()
    assert pgsearch.rebuild_processes(len(expected)) == 2

    search.rebuild(defer_commit=True, clear=True)
    assert stored_documents() == expected
    # the progress line counts the datasets of both processes
    total = len(pgsearch._ids_to_rebuild(only_missing=False, clear=False))
    shown = capsys.readouterr().out.split("\r")[-1]
    assert shown == f"Indexing dataset {total}/{total}"

    # and the access rules of search are those of the serial rebuild
    private = catalog["datasets"]["private"]["name"]
    assert private not in {
        d["name"]
        for d in helpers.call_action(
            "package_search",
            context={"user": "", "ignore_auth": False},
            q="*:*",
            include_private=True,
        )["results"]
    }


def test_an_unpicklable_error_still_reaches_the_parent(
    catalog, in_processes, monkeypatch
):
    class Local(Exception):  # defined in a function: pickle cannot find it
        pass

    from ckan.lib.search.index import PackageSearchIndex

    def fails(self, pkg_dict, defer_commit=False):
        raise Local("no")

    monkeypatch.setattr(PackageSearchIndex, "update_dict", fails)
    with pytest.raises(search.SearchIndexError, match="Local"):
        search.rebuild(quiet=True, defer_commit=True, clear=True)


@pytest.mark.parametrize(
    ("setting", "datasets", "expected"),
    [
        ("4", 10_000, 4),
        ("4", 1_200, 2),  # at least PARALLEL_MIN_SHARE each
        ("4", 499, 1),
        ("1", 10_000, 1),
        ("0", 10_000, None),  # one per CPU
        ("", 10_000, None),
        ("many", 10_000, None),
    ],
)
def test_rebuild_processes(monkeypatch, setting, datasets, expected):
    import os

    monkeypatch.setitem(config, "ckanext.cqgov.search.rebuild_processes", setting)
    cpus = os.cpu_count() or 1
    want = expected if expected is not None else min(cpus, datasets // 500)
    assert pgsearch.rebuild_processes(datasets) == max(1, want)


def visible_count(q: str) -> int:
    return helpers.call_action(
        "package_search", context={"user": "", "ignore_auth": False}, q=q
    )["count"]


@pytest.fixture(params=[1, 2], ids=["one process", "two processes"])
def processes(request, monkeypatch):
    """A full rebuild in one process, then in two."""
    monkeypatch.setattr(pgsearch, "PARALLEL_MIN_SHARE", 1)
    monkeypatch.setitem(
        config, "ckanext.cqgov.search.rebuild_processes", str(request.param)
    )
    return request.param


def test_force_skips_a_failing_dataset_as_in_ckan(catalog, processes, monkeypatch):
    from ckan.lib.search.index import PackageSearchIndex

    failing = catalog["datasets"]["public"]["id"]
    update_dict = PackageSearchIndex.update_dict

    def fails_for_one(self, pkg_dict, defer_commit=False):
        if pkg_dict["id"] == failing:
            raise ValueError("cannot index this one")
        return update_dict(self, pkg_dict, defer_commit)

    monkeypatch.setattr(PackageSearchIndex, "update_dict", fails_for_one)
    # (in two processes: raised in the one that met it, then here)
    with pytest.raises(ValueError, match="cannot index this one"):
        search.rebuild(quiet=True, defer_commit=True, clear=True)
    search.rebuild(quiet=True, defer_commit=True, clear=True, force=True)
    indexed = set(stored_documents())
    assert failing not in indexed
    assert catalog["datasets"]["private"]["id"] in indexed
    assert len(indexed) == len(catalog["datasets"]) - 2  # nor the deleted one


def test_access_rules_after_a_bulk_rebuild(catalog):
    search.rebuild(quiet=True, defer_commit=True, clear=True)
    private = catalog["datasets"]["private"]["name"]
    outsider = factories.User()

    def visible(user=None):
        # (call_action alone would ignore authorization)
        context = {"user": user or "", "ignore_auth": False}
        result = helpers.call_action(
            "package_search",
            context=context,
            q="*:*",
            include_private=True,
            include_drafts=True,
            rows=100,
        )
        return {d["name"] for d in result["results"]}

    assert private not in visible()
    assert private not in visible(outsider["name"])
    assert private in visible(catalog["member"]["name"])
    assert "gone" not in visible(catalog["member"]["name"])
    # the share-only resource stays out of what the public can search
    assert helpers.call_action("package_search", q="res_name:共享明细")["count"] == 0


def test_memo_only_inside_a_scope():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert batch_memo.remembered("k", compute) == 1
    assert batch_memo.remembered("k", compute) == 2
    with batch_memo.scope():
        assert batch_memo.remembered("k", compute) == 3
        assert batch_memo.remembered("k", compute) == 3
    with batch_memo.scope():
        assert batch_memo.remembered("k", compute) == 4


def test_remember_only_inside_a_scope():
    batch_memo.remember("k", "given")
    assert batch_memo.remembered("k", lambda: "read") == "read"
    with batch_memo.scope():
        batch_memo.remember("k", "given")
        assert batch_memo.remembered("k", lambda: "read") == "given"
    assert batch_memo.remembered("k", lambda: "read") == "read"
