"""The access log: what each access path records, append-only storage,
who reads which records, the CSV export and the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import BytesIO

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

from ckanext.cqgov import periodic
from ckanext.cqgov.access import audit, policy
from ckanext.cqgov.access.model import AccessRecord, Grant

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = dt.datetime.now(dt.timezone.utc)
YEAR = dt.timedelta(days=365)
CLIENT = "192.0.2.10"


def _token(user: dict) -> str:
    return call_action(
        "api_token_create", {"user": user["name"]}, user=user["name"], name="t"
    )["token"]


def _upload(package: dict, audience: str, content: str) -> dict:
    return call_action(
        "resource_create",
        {"user": "audit-sysadmin"},
        package_id=package["id"],
        name=f"{audience} data",
        format="CSV",
        audience=audience,
        upload=FakeFileStorage(BytesIO(content.encode()), f"{audience}.csv"),
    )


class World:
    """A provider with two entries, a department holding a share grant, a
    citizen holding an open grant, competent departments and a sysadmin."""

    def __init__(self, dataset_factory):
        def user(key, **kw):
            made = factories.User(name=f"audit-{key}", **kw)
            self.users[key] = made
            self.tokens[key] = _token(made)
            return made

        self.users: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}
        for key in ("prov", "gov", "nogrant", "comp", "dcomp", "citizen"):
            user(key)
        self.users["sysadmin"] = factories.Sysadmin(name="audit-sysadmin")
        self.tokens["sysadmin"] = _token(self.users["sysadmin"])

        def org(name, key, **extras):
            return factories.Organization(
                name=name,
                org_kind="government",
                users=[{"name": self.users[key]["name"], "capacity": "editor"}],
                **extras,
            )

        self.provider = org("audit-provider", "prov", level="district", region="500103")
        self.other = org("audit-other", "gov", level="municipal")
        self.nogrant_org = org("audit-nogrant", "nogrant", level="municipal")
        self.competent = org(
            "audit-competent", "comp", level="municipal", is_competent=True
        )
        self.district_competent = org(
            "audit-dcompetent",
            "dcomp",
            level="district",
            region="500199",
            is_competent=True,
        )
        self.conditional = dataset_factory(
            name="audit-conditional",
            owner_org=self.provider["id"],
            share_type="conditional",
            open_type="on_application",
        )
        self.share_res = _upload(self.conditional, "share", "a,b\n1,share-secret\n")
        self.open_res = _upload(self.conditional, "open", "a,b\n1,open-data\n")
        self.unconditional = dataset_factory(
            name="audit-unconditional",
            owner_org=self.provider["id"],
            share_type="unconditional",
            open_type="proactive",
        )
        self.link_res = call_action(
            "resource_create",
            {"user": "audit-sysadmin"},
            package_id=self.unconditional["id"],
            name="external",
            url="http://example.com/data.csv",
            format="CSV",
            audience="open",
        )
        self.unconditional_share = _upload(
            self.unconditional, "share", "a,b\n1,unconditional\n"
        )
        self.share_grant = Grant(
            kind="share",
            package_id=self.conditional["id"],
            owner_org=self.provider["id"],
            grantee_id=self.other["id"],
            purpose="不动产登记核验",
            valid_from=NOW - YEAR,
            valid_until=NOW + YEAR,
            created=NOW,
        )
        self.open_grant = Grant(
            kind="open",
            package_id=self.conditional["id"],
            owner_org=self.provider["id"],
            grantee_id=self.users["citizen"]["id"],
            purpose="学术研究",
            valid_from=NOW - YEAR,
            valid_until=NOW + YEAR,
            created=NOW,
        )
        model.Session.add_all([self.share_grant, self.open_grant])
        model.Session.commit()

    def headers(self, key: str | None, **extra) -> dict:
        headers = dict(extra)
        if key:
            headers["Authorization"] = self.tokens[key]
        return headers

    def download_url(self, package: dict, resource: dict) -> str:
        return f"/dataset/{package['name']}/resource/{resource['id']}/download"


@pytest.fixture
def world(dataset_factory):
    return World(dataset_factory)


def records(**filters) -> list[AccessRecord]:
    model.Session.expire_all()
    query = model.Session.query(AccessRecord).filter_by(**filters)
    return query.order_by(AccessRecord.id).all()


# -- downloads ------------------------------------------------------------------


def test_download_with_a_share_grant_records_department_grant_purpose_and_ip(
    app, world
):
    response = app.get(
        world.download_url(world.conditional, world.share_res),
        headers=world.headers("gov", **{"X-Forwarded-For": "203.0.113.7"}),
        extra_environ={"REMOTE_ADDR": CLIENT},
    )
    assert response.status_code == 200
    assert "share-secret" in response.body
    (record,) = records()
    assert record.path == "download"
    assert record.allowed is True
    assert record.user_id == world.users["gov"]["id"]
    assert record.user_name == "audit-gov"
    assert record.organization_id == world.other["id"]
    assert record.package_id == world.conditional["id"]
    assert record.owner_org == world.provider["id"]
    assert record.resource_id == world.share_res["id"]
    assert record.grant_id == world.share_grant.id
    assert record.grant_purpose == "不动产登记核验"
    assert record.reason == "valid_share_grant"
    # the header comes from an untrusted peer: kept, not believed
    assert record.client_ip == CLIENT
    assert record.forwarded_for == "203.0.113.7"


@pytest.mark.ckan_config("ckanext.cqgov.audit.trusted_proxies", "192.0.2.10")
def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(app, world):
    app.get(
        world.download_url(world.unconditional, world.unconditional_share),
        headers=world.headers(
            "gov", **{"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        ),
        extra_environ={"REMOTE_ADDR": CLIENT},
    )
    (record,) = records()
    assert record.client_ip == "203.0.113.7"
    assert record.reason == "unconditional_share"
    assert record.organization_id == world.other["id"]
    assert record.grant_id is None


def test_client_addresses_trust_only_configured_proxies(monkeypatch):
    monkeypatch.setitem(
        tk.config, "ckanext.cqgov.audit.trusted_proxies", ["10.0.0.0/8"]
    )
    assert audit.client_addresses("10.0.0.2", "1.2.3.4, 10.0.0.9") == (
        "1.2.3.4",
        "1.2.3.4, 10.0.0.9",
    )
    assert audit.client_addresses("5.6.7.8", "1.2.3.4") == ("5.6.7.8", "1.2.3.4")
    assert audit.client_addresses("10.0.0.2", None) == ("10.0.0.2", None)


def test_open_grant_download_is_a_citizen_access_without_department(app, world):
    response = app.get(
        world.download_url(world.conditional, world.open_res),
        headers=world.headers("citizen"),
    )
    assert response.status_code == 200
    (record,) = records()
    assert record.user_name == "audit-citizen"
    assert record.organization_id is None
    assert record.grant_id == world.open_grant.id
    assert record.grant_purpose == "学术研究"
    assert record.reason == "valid_open_grant"


def test_provider_download_is_recorded_through_the_provider(app, world):
    app.get(
        world.download_url(world.conditional, world.share_res),
        headers=world.headers("prov"),
    )
    (record,) = records()
    assert record.organization_id == world.provider["id"]
    assert record.reason == "provider_member"
    assert record.grant_id is None


def test_anonymous_redirect_to_external_data_is_recorded(app, world):
    response = app.get(
        world.download_url(world.unconditional, world.link_res),
        follow_redirects=False,
    )
    assert response.status_code in (301, 302, 303, 307)
    (record,) = records()
    assert record.path == "download_redirect"
    assert record.user_id is None and record.user_name is None
    assert record.organization_id is None
    assert record.reason == "proactive_open"


@pytest.mark.parametrize(
    ("viewer", "reason"),
    [
        (None, "share_audience_only"),
        ("citizen", "share_audience_only"),
        ("nogrant", "needs_share_application"),
    ],
)
def test_refused_download_gives_no_data_and_is_recorded_as_refused(
    app, world, viewer, reason
):
    response = app.get(
        world.download_url(world.conditional, world.share_res),
        headers=world.headers(viewer),
    )
    assert response.status_code == 403
    assert "share-secret" not in response.body
    (record,) = records()
    assert record.allowed is False
    assert record.reason == reason
    assert record.grant_id is None and record.organization_id is None


def test_recording_failure_withholds_the_data(app, world, monkeypatch):
    def broken(values):
        raise RuntimeError("database gone")

    monkeypatch.setattr(audit, "_insert", broken)
    response = app.get(
        world.download_url(world.conditional, world.share_res),
        headers=world.headers("gov"),
    )
    assert response.status_code == 503
    assert "share-secret" not in response.body
    status = app.post(
        "/api/3/action/resource_show",
        json={"id": world.share_res["id"]},
        headers=world.headers("gov"),
    ).status_code
    assert status == 403


# -- API reads of share resources -------------------------------------------------


def test_api_resource_show_of_a_share_resource_is_recorded(app, world):
    response = app.post(
        "/api/3/action/resource_show",
        json={"id": world.share_res["id"]},
        headers=world.headers("gov"),
    )
    assert response.status_code == 200
    (record,) = records()
    assert record.path == "resource_show"
    assert record.grant_purpose == "不动产登记核验"
    # an open resource is not a share read
    app.post(
        "/api/3/action/resource_show",
        json={"id": world.open_res["id"]},
        headers=world.headers("gov"),
    )
    assert len(records()) == 1


def test_api_package_show_records_each_share_resource_handed_out(app, world):
    app.post(
        "/api/3/action/package_show",
        json={"id": world.unconditional["id"]},
        headers=world.headers("gov"),
    )
    assert [(r.path, r.resource_id) for r in records()] == [
        ("package_show", world.unconditional_share["id"])
    ]
    # a viewer who may not fetch the data gets no URL and leaves no record
    app.post(
        "/api/3/action/package_show",
        json={"id": world.conditional["id"]},
        headers=world.headers("nogrant"),
    )
    assert len(records()) == 1


def test_pages_and_internal_calls_are_not_api_reads(app, world):
    app.get(f"/dataset/{world.unconditional['name']}", headers=world.headers("gov"))
    call_action("package_show", id=world.unconditional["id"])
    call_action(
        "resource_show",
        {"user": "audit-gov", "ignore_auth": False},
        id=world.unconditional_share["id"],
    )
    assert records() == []


# -- DataStore (chained actions, with a stand-in for the DataStore's action) -----


def _api_request(app, action: str):
    return app.flask_app.test_request_context(f"/api/3/action/{action}")


def test_datastore_search_is_recorded(app, world):
    def next_action(context, data_dict):
        return {"records": [{"a": 1}]}

    context = {"user": "audit-gov", "ignore_auth": False}
    with _api_request(app, "datastore_search"):
        result = audit.datastore_search(
            next_action, context, {"resource_id": world.share_res["id"]}
        )
    assert result == {"records": [{"a": 1}]}
    (record,) = records()
    assert record.path == "datastore_search"
    assert record.grant_id == world.share_grant.id


def test_datastore_refusal_is_recorded_and_raised(app, world):
    def next_action(context, data_dict):
        raise tk.NotAuthorized("no")

    context = {"user": "audit-nogrant", "ignore_auth": False}
    with _api_request(app, "datastore_info"), pytest.raises(tk.NotAuthorized):
        audit.datastore_info(next_action, context, {"id": world.share_res["id"]})
    (record,) = records()
    assert (record.path, record.allowed) == ("datastore_info", False)


def test_datastore_search_sql_records_each_table(app, world):
    tables = [world.share_res["id"], world.unconditional_share["id"]]

    def next_action(context, data_dict):
        # what the SQL auth check notes (see audit.noting_sql_tables)
        context[audit.SQL_TABLES_KEY].extend(tables)
        return {"records": []}

    context = {"user": "audit-gov", "ignore_auth": False}
    with _api_request(app, "datastore_search_sql"):
        audit.datastore_search_sql(next_action, context, {"sql": "SELECT 1"})
    assert sorted(r.resource_id for r in records()) == sorted(tables)
    assert {r.path for r in records()} == {"datastore_search_sql"}


def test_datastore_answer_the_policy_refuses_is_withheld(app, world):
    # were the DataStore's own auth to let it through, the policy still wins
    def next_action(context, data_dict):
        return {"records": [{"secret": 1}]}

    context = {"user": "audit-nogrant", "ignore_auth": False}
    with _api_request(app, "datastore_search"), pytest.raises(tk.NotAuthorized):
        audit.datastore_search(
            next_action, context, {"resource_id": world.share_res["id"]}
        )


def test_datastore_calls_by_other_code_are_not_recorded(app, world):
    context = {"user": "audit-gov", "ignore_auth": False}
    with app.flask_app.test_request_context("/dataset/x"):
        audit.datastore_search(
            lambda c, d: {}, context, {"resource_id": world.share_res["id"]}
        )
    assert records() == []


# -- append-only ------------------------------------------------------------------


def _one_record(world) -> None:
    viewer = policy.Viewer()
    audit.record(
        viewer=viewer,
        user_name=None,
        package=world.unconditional,
        resource_id=world.link_res["id"],
        path="download_redirect",
        decision=policy.Decision(True, policy.Reason.PROACTIVE_OPEN),
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cqgov_access_log SET user_name = 'someone else'",
        "DELETE FROM cqgov_access_log",
    ],
)
def test_the_table_refuses_update_and_delete(world, statement):
    _one_record(world)
    engine = model.Session.get_bind()
    with (
        pytest.raises(sa.exc.DBAPIError, match="append-only"),
        engine.begin() as connection,
    ):
        connection.execute(sa.text(statement))
    assert len(records()) == 1


def test_no_action_changes_records():
    from ckan.logic import _actions, get_action

    get_action("cqgov_audit_list")  # loads the action table
    names = [n for n in _actions if n.startswith("cqgov_audit")]
    assert names == ["cqgov_audit_list"]


# -- who reads which records ------------------------------------------------------


@pytest.fixture
def logged(app, world):
    """Records: gov's download (grant), citizen's (open grant), prov's own,
    an anonymous one, and a refused one of nogrant."""
    for key, resource, package in (
        ("gov", world.share_res, world.conditional),
        ("citizen", world.open_res, world.conditional),
        ("prov", world.share_res, world.conditional),
        (None, world.link_res, world.unconditional),
        ("nogrant", world.share_res, world.conditional),
    ):
        app.get(
            world.download_url(package, resource),
            headers=world.headers(key),
            follow_redirects=False,
        )
    assert len(records()) == 5
    return world


def _listed(viewer_name: str | None, **filters) -> dict:
    from ckan.tests.helpers import _get_test_app

    context = {"user": viewer_name or "", "ignore_auth": False}
    with _get_test_app().flask_app.test_request_context():
        return call_action("cqgov_audit_list", context, **filters)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("sysadmin", 5),
        ("comp", 5),  # municipal competent department: all
        ("dcomp", 0),  # district competent department of another district
        ("prov", 5),  # the provider: every access to its entries
        ("gov", 1),  # everyone else: their own
        ("citizen", 1),
        ("nogrant", 1),
    ],
)
def test_who_reads_which_records(logged, viewer, expected):
    user = logged.users[viewer]["name"]
    result = _listed(user)
    assert result["count"] == expected
    if viewer in ("gov", "citizen", "nogrant"):
        assert {r["user_name"] for r in result["results"]} == {user}


def test_anonymous_reads_nothing(logged):
    with pytest.raises(tk.NotAuthorized):
        _listed(None)


def test_filters_and_paging(logged):
    sysadmin = logged.users["sysadmin"]["name"]
    assert _listed(sysadmin, user="audit-gov")["count"] == 1
    assert _listed(sysadmin, organization="audit-other")["count"] == 1
    assert _listed(sysadmin, organization=logged.provider["id"])["count"] == 1
    assert _listed(sysadmin, path="download_redirect")["count"] == 1
    assert _listed(sysadmin, allowed="false")["count"] == 1
    assert _listed(sysadmin, package_id="audit-unconditional")["count"] == 1
    assert _listed(sysadmin, resource_id=logged.open_res["id"])["count"] == 1
    assert _listed(sysadmin, owner_org="audit-provider")["count"] == 5
    today = dt.datetime.now(dt.timezone.utc).date()
    assert (
        _listed(sysadmin, date_from=(today + dt.timedelta(days=2)).isoformat())["count"]
        == 0
    )
    assert (
        _listed(
            sysadmin,
            date_from=(today - dt.timedelta(days=1)).isoformat(),
            date_to=(today + dt.timedelta(days=1)).isoformat(),
        )["count"]
        == 5
    )
    page = _listed(sysadmin, limit=2, offset=4)
    assert page["count"] == 5 and len(page["results"]) == 1
    record = _listed(sysadmin, user="audit-gov")["results"][0]
    assert record["organization_title"] == logged.other["title"]
    assert record["package_name"] == "audit-conditional"
    assert record["grant_purpose"] == "不动产登记核验"


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"path": "nowhere"}, "path"),
        ({"allowed": "maybe"}, "allowed"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"limit": "lots"}, "limit"),
        ({"limit": 5000}, "limit"),
    ],
)
def test_bad_filters_are_field_errors(logged, filters, field):
    with pytest.raises(tk.ValidationError) as error:
        _listed(logged.users["sysadmin"]["name"], **filters)
    assert field in error.value.error_dict


# -- CSV export and the page --------------------------------------------------------


def test_csv_export_is_excel_friendly_and_filtered(app, logged):
    response = app.get(
        "/dashboard/access-log.csv?path=download",
        headers=logged.headers("prov"),
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["时间", "用户", "访问部门"]
    assert len(rows) == 1 + 4  # the redirect is filtered out
    purposes = {row[12] for row in rows[1:]}
    assert "不动产登记核验" in purposes
    assert any(row[9] == "拒绝" for row in rows[1:])


def test_csv_export_of_a_user_holds_only_their_records(app, logged):
    response = app.get("/dashboard/access-log.csv", headers=logged.headers("gov"))
    body = response.get_data().decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2 and rows[1][1] == "audit-gov"


def test_the_page_renders_in_chinese_with_filters_and_csv_link(app, logged):
    response = app.get(
        "/dashboard/access-log?user=audit-gov", headers=logged.headers("sysadmin")
    )
    assert response.status_code == 200
    body = response.body
    assert "访问日志" in body
    assert "不动产登记核验" in body
    assert "audit-citizen" not in body.split("cqgov-access-log")[-1]
    assert "/dashboard/access-log.csv?user=audit-gov" in body
    assert "导出 CSV" in body


def test_the_page_is_for_logged_in_users_and_linked_from_the_dashboard(app, logged):
    assert app.get("/dashboard/access-log").status_code == 403
    assert app.get("/dashboard/access-log.csv").status_code == 403
    dashboard = app.get("/dashboard/datasets", headers=logged.headers("citizen"))
    assert "/dashboard/access-log" in dashboard.body


def test_bad_filter_on_the_page_is_shown_not_a_500(app, logged):
    response = app.get(
        "/dashboard/access-log?date_from=soon", headers=logged.headers("prov")
    )
    assert response.status_code == 200
    assert "is-invalid" in response.body


# -- grant expiry -----------------------------------------------------------------


def test_the_expiry_task_records_expired_grants(app, world):
    ended = Grant(
        kind="share",
        package_id=world.conditional["id"],
        owner_org=world.provider["id"],
        grantee_id=world.nogrant_org["id"],
        purpose="到期测试",
        valid_from=NOW - 2 * YEAR,
        valid_until=NOW - dt.timedelta(days=1),
        created=NOW - 2 * YEAR,
    )
    model.Session.add(ended)
    model.Session.commit()
    # expired grants grant nothing, whether or not the task has run
    url = world.download_url(world.conditional, world.share_res)
    assert app.get(url, headers=world.headers("nogrant")).status_code == 403
    assert "access.record_expired_grants" in [t.name for t in periodic.tasks()]
    periodic.run_due(NOW, sync=True, only="access.record_expired_grants")
    model.Session.expire_all()
    grant = model.Session.get(Grant, ended.id)
    assert grant.expiry_recorded_at is not None
    assert model.Session.get(Grant, world.share_grant.id).expiry_recorded_at is None
    # the provider sees when the expiry was recorded
    listed = call_action(
        "cqgov_grant_list",
        {"user": "audit-prov", "ignore_auth": False},
        status="expired",
    )
    assert [g["id"] for g in listed["results"]] == [ended.id]
    assert listed["results"][0]["expiry_recorded_at"]
    assert app.get(url, headers=world.headers("nogrant")).status_code == 403
