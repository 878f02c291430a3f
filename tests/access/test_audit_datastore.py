"""The access log with the real DataStore: API reads, SQL per table, dumps."""

from __future__ import annotations

import datetime as dt

import pytest
from catalog_defaults import CATALOG_DEFAULTS
from ckan import model

from ckanext.cqgov.access.model import AccessRecord, Grant

NOW = dt.datetime.now(dt.timezone.utc)
YEAR = dt.timedelta(days=365)


class Store:
    def __init__(self):
        from ckan.tests import factories
        from ckan.tests.helpers import _get_test_app, call_action

        self.sysadmin = factories.Sysadmin()
        admin = {"user": self.sysadmin["name"]}
        self.granted = factories.User(name="ds-granted")
        self.refused = factories.User(name="ds-refused")
        provider = factories.Organization(org_kind="government", level="municipal")
        self.department = factories.Organization(
            org_kind="government",
            level="municipal",
            users=[{"name": self.granted["name"], "capacity": "member"}],
        )
        factories.Organization(
            org_kind="government",
            level="municipal",
            users=[{"name": self.refused["name"], "capacity": "member"}],
        )
        entry = factories.Dataset(
            **{
                **CATALOG_DEFAULTS,
                "owner_org": provider["id"],
                "share_type": "conditional",
                "open_type": "not_open",
                "catalog_status": "approved",
                "user": self.sysadmin,
            }
        )
        self.tables = []
        for name in ("first", "second"):
            res = call_action(
                "resource_create",
                admin,
                package_id=entry["id"],
                name=name,
                url="http://example.com/data.csv",
                audience="share",
            )
            call_action(
                "datastore_create",
                admin,
                resource_id=res["id"],
                force=True,
                fields=[{"id": "n", "type": "int"}, {"id": "label", "type": "text"}],
                records=[{"n": 1, "label": f"{name}-row"}],
            )
            self.tables.append(res)
        call_action(
            "datastore_create",
            admin,
            resource_id=self.tables[0]["id"],
            force=True,
            aliases="ds_audit_alias",
        )
        self.grant = Grant(
            kind="share",
            package_id=entry["id"],
            owner_org=provider["id"],
            grantee_id=self.department["id"],
            purpose="数据比对",
            valid_from=NOW - YEAR,
            valid_until=NOW + YEAR,
            created=NOW,
        )
        model.Session.add(self.grant)
        model.Session.commit()
        self.tokens = {
            user["name"]: call_action(
                "api_token_create", {"user": user["name"]}, user=user["name"], name="t"
            )["token"]
            for user in (self.granted, self.refused, self.sysadmin)
        }
        self.app = _get_test_app()

    def action(self, user, name, **params):
        response = self.app.post(
            f"/api/3/action/{name}",
            json=params,
            headers={"Authorization": self.tokens[user]},
        )
        assert response.status_code < 500, response.body
        return response.status_code


@pytest.fixture(scope="module")
def store(module_clean_datastore):
    return Store()


@pytest.fixture
def new_records(store):
    """The records written since the test started."""
    model.Session.expire_all()
    start = model.Session.query(AccessRecord.id).order_by(AccessRecord.id.desc())
    first = start.limit(1).scalar() or 0

    def fetch():
        model.Session.expire_all()
        return (
            model.Session.query(AccessRecord)
            .filter(AccessRecord.id > first)
            .order_by(AccessRecord.id)
            .all()
        )

    return fetch


def test_datastore_search_is_recorded_with_the_grant(store, new_records):
    rid = store.tables[0]["id"]
    assert store.action("ds-granted", "datastore_search", resource_id=rid) == 200
    (record,) = new_records()
    assert (record.path, record.resource_id, record.allowed) == (
        "datastore_search",
        rid,
        True,
    )
    assert record.grant_id == store.grant.id
    assert record.grant_purpose == "数据比对"
    assert record.organization_id == store.department["id"]


def test_a_search_through_an_alias_is_recorded_on_the_resource(store, new_records):
    status = store.action(
        "ds-granted", "datastore_search", resource_id="ds_audit_alias"
    )
    assert status == 200
    (record,) = new_records()
    assert record.resource_id == store.tables[0]["id"]


def test_datastore_info_is_recorded(store, new_records):
    rid = store.tables[1]["id"]
    assert store.action("ds-granted", "datastore_info", id=rid) == 200
    assert [(r.path, r.resource_id) for r in new_records()] == [("datastore_info", rid)]


def test_sql_records_one_access_per_table(store, new_records):
    first, second = (t["id"] for t in store.tables)
    sql = f'SELECT a.label, b.label FROM "{first}" a, "{second}" b'
    assert store.action("ds-granted", "datastore_search_sql", sql=sql) == 200
    records = new_records()
    assert sorted(r.resource_id for r in records) == sorted([first, second])
    assert {r.path for r in records} == {"datastore_search_sql"}


def test_refused_reads_are_recorded_as_refused(store, new_records):
    rid = store.tables[0]["id"]
    assert store.action("ds-refused", "datastore_search", resource_id=rid) == 403
    sql = f'SELECT * FROM "{rid}"'
    assert store.action("ds-refused", "datastore_search_sql", sql=sql) == 403
    records = new_records()
    assert [(r.path, r.allowed, r.reason) for r in records] == [
        ("datastore_search", False, "needs_share_application"),
        ("datastore_search_sql", False, "needs_share_application"),
    ]


def test_a_dump_is_one_record(store, new_records):
    rid = store.tables[0]["id"]
    response = store.app.get(
        f"/datastore/dump/{rid}", headers={"Authorization": store.tokens["ds-granted"]}
    )
    assert response.status_code == 200
    assert "first-row" in response.body
    assert [(r.path, r.resource_id) for r in new_records()] == [("datastore_dump", rid)]
    refused = store.app.get(
        f"/datastore/dump/{rid}", headers={"Authorization": store.tokens["ds-refused"]}
    )
    assert refused.status_code == 403
    assert "first-row" not in refused.body
    assert [(r.path, r.allowed) for r in new_records()][-1] == (
        "datastore_dump",
        False,
    )


def test_a_sysadmin_query_is_recorded_too(store, new_records):
    rid = store.tables[1]["id"]
    sql = f'SELECT label FROM "{rid}"'
    assert store.action(store.sysadmin["name"], "datastore_search_sql", sql=sql) == 200
    (record,) = new_records()
    assert (record.path, record.resource_id, record.reason) == (
        "datastore_search_sql",
        rid,
        "sysadmin",
    )
    # the list of tables is not a resource's data: answered, not recorded
    status = store.action(
        store.sysadmin["name"], "datastore_search", resource_id="_table_metadata"
    )
    assert status == 200
    assert len(new_records()) == 1
