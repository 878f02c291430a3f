"""The DataStore behind the access policy: attempts to read a table the
viewer may not read, through every way SQL and the DataStore API offer.

One small catalog for the module: an ``open`` table of a proactively opened
entry (anyone may read it) and a ``secret`` table of a not-shared, not-open
entry (only its provider and sysadmins). Every refused attempt must answer
403 (or 409 for a query PostgreSQL itself rejects) and never carry the
secret row's marker.
"""

from __future__ import annotations

import json

import pytest
from catalog_defaults import CATALOG_DEFAULTS

SECRET_ROW = "secret-row-7f3a"
OPEN_ROW = "open-row-19c2"
MIXED_ID = "5eC7a1B2-9d3E-4f60-8a1b-C0ffeeD00d01"


class Store:
    def __init__(self):
        from ckan.tests import factories
        from ckan.tests.helpers import _get_test_app, call_action

        self.sysadmin = factories.Sysadmin()
        admin = {"user": self.sysadmin["name"]}
        self.provider_editor = factories.User()
        self.other = factories.User()
        self.citizen = factories.User()
        provider = factories.Organization(
            org_kind="government",
            level="municipal",
            users=[{"name": self.provider_editor["name"], "capacity": "editor"}],
        )
        factories.Organization(
            org_kind="government",
            level="municipal",
            users=[{"name": self.other["name"], "capacity": "member"}],
        )

        def dataset(share_type, open_type):
            return factories.Dataset(
                **{
                    **CATALOG_DEFAULTS,
                    "owner_org": provider["id"],
                    "share_type": share_type,
                    "open_type": open_type,
                    "catalog_status": "approved",
                    "user": self.sysadmin,
                }
            )

        def table(package, audience, row, **resource):
            res = call_action(
                "resource_create",
                admin,
                package_id=package["id"],
                name=f"{audience} table",
                url="http://example.com/data.csv",
                audience=audience,
                **resource,
            )
            call_action(
                "datastore_create",
                admin,
                resource_id=res["id"],
                force=True,
                fields=[{"id": "n", "type": "int"}, {"id": "label", "type": "text"}],
                records=[{"n": 1, "label": row}],
            )
            return res

        open_entry = dataset("unconditional", "proactive")
        secret_entry = dataset("not_shared", "not_open")
        self.open = table(open_entry, "open", OPEN_ROW)
        self.secret = table(secret_entry, "share", SECRET_ROW)
        self.mixed = table(secret_entry, "share", SECRET_ROW, id=MIXED_ID)
        call_action(
            "datastore_create",
            admin,
            resource_id=self.secret["id"],
            force=True,
            aliases="secret_alias",
        )
        call_action(
            "datastore_create",
            admin,
            resource_id=self.open["id"],
            force=True,
            aliases="open_alias",
        )
        self.tokens = {
            name: call_action(
                "api_token_create", {"user": user["name"]}, user=user["name"], name="t"
            )["token"]
            for name, user in (
                ("sysadmin", self.sysadmin),
                ("provider_editor", self.provider_editor),
                ("other_gov", self.other),
                ("citizen", self.citizen),
            )
        }
        self.app = _get_test_app()

    def action(self, viewer, name, **params):
        token = self.tokens.get(viewer)
        response = self.app.post(
            f"/api/3/action/{name}",
            json=params,
            headers={"Authorization": token} if token else {},
        )
        assert response.status_code < 500, response.body
        return response.status_code, response.json

    def sql(self, viewer, sql):
        return self.action(viewer, "datastore_search_sql", sql=sql)


@pytest.fixture(scope="module")
def store(module_clean_datastore):
    return Store()


OUTSIDERS = ("anonymous", "citizen", "other_gov")


def q(resource) -> str:
    return '"' + resource["id"] + '"'


def test_sql_search_is_enabled(store):
    status, body = store.sql("anonymous", f"SELECT label FROM {q(store.open)}")
    assert status == 200
    assert [r["label"] for r in body["result"]["records"]] == [OPEN_ROW]


@pytest.mark.parametrize("viewer", ["sysadmin", "provider_editor"])
def test_insiders_read_the_secret_table(store, viewer):
    status, body = store.sql(viewer, f"SELECT label FROM {q(store.secret)}")
    assert status == 200
    assert SECRET_ROW in json.dumps(body)


ATTACKS = {
    "plain": "SELECT * FROM {secret}",
    "schema_qualified": "SELECT * FROM public.{secret}",
    "join": "SELECT o.label, s.label FROM {open} o JOIN {secret} s ON true",
    "union": "SELECT label FROM {open} UNION ALL SELECT label FROM {secret}",
    "where_exists": "SELECT * FROM {open} WHERE EXISTS (SELECT 1 FROM {secret})",
    "scalar_subquery": "SELECT (SELECT label FROM {secret} LIMIT 1) FROM {open}",
    "in_subquery": "SELECT * FROM {open} WHERE label IN (SELECT label FROM {secret})",
    "lateral": "SELECT s.* FROM {open} o, LATERAL (SELECT * FROM {secret}) s",
    "cte": "WITH s AS (SELECT * FROM {secret}) SELECT * FROM s",
    "cte_materialized": (
        "WITH s AS MATERIALIZED (SELECT * FROM {secret}) SELECT * FROM s"
    ),
    "cte_recursive": (
        "WITH RECURSIVE r(label, d) AS (SELECT label, 1 FROM {secret} "
        "UNION ALL SELECT label, d + 1 FROM r WHERE d < 2) SELECT * FROM r"
    ),
    "cte_unused_branch": (
        "WITH s AS (SELECT label FROM {secret}) "
        "SELECT label FROM {open} UNION ALL SELECT label FROM s"
    ),
    "alias_view": "SELECT * FROM secret_alias",
    "mixed_case_id": 'SELECT * FROM "' + MIXED_ID + '"',
    "row_to_json": "SELECT row_to_json(s) FROM {secret} s",
    "table_metadata": "SELECT * FROM _table_metadata",
    "table_metadata_quoted": 'SELECT * FROM "_table_metadata"',
    "pg_class": "SELECT relname FROM pg_class",
    "pg_catalog_tables": "SELECT * FROM pg_catalog.pg_tables",
    "pg_roles": "SELECT * FROM pg_roles",
    "pg_stat_activity": "SELECT query FROM pg_stat_activity",
    "information_schema": "SELECT table_name FROM information_schema.tables",
    "query_to_xml": "SELECT query_to_xml('SELECT * FROM {secret_sq}', true, true, '')",
    "query_to_xml_over_open": (
        "SELECT query_to_xml('SELECT * FROM {secret_sq}', true, true, '') FROM {open}"
    ),
    "query_to_xml_qualified": (
        "SELECT pg_catalog.query_to_xml('SELECT * FROM {secret_sq}', true, true, '') "
        "FROM {open}"
    ),
    "query_to_xml_quoted": (
        "SELECT \"query_to_xml\"('SELECT * FROM {secret_sq}', true, true, '') "
        "FROM {open}"
    ),
    "table_to_xml": (
        "SELECT table_to_xml('{secret_sq}'::regclass, true, true, '') FROM {open}"
    ),
    "ts_stat": "SELECT * FROM ts_stat('SELECT _full_text FROM {secret_sq}')",
    "no_table": "SELECT 1",
    "current_setting": "SELECT current_setting('data_directory')",
}


@pytest.mark.parametrize("viewer", OUTSIDERS)
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_sql_never_reads_a_table_the_viewer_may_not_read(store, viewer, attack):
    sql = ATTACKS[attack].format(
        open=q(store.open),
        secret=q(store.secret),
        secret_sq=q(store.secret).replace("'", "''"),
    )
    status, body = store.sql(viewer, sql)
    text = json.dumps(body, ensure_ascii=False)
    assert SECRET_ROW not in text
    assert status in (403, 409), (status, text)
    if status == 403:
        assert body["error"]["message"]


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_sql_refusal_says_why(store, viewer):
    """The policy's reason (in the portal's default language), not CKAN's
    bare refusal."""
    status, body = store.sql(viewer, f"SELECT * FROM {q(store.secret)}")
    assert status == 403
    message = body["error"]["message"]
    assert "Not authorized to read resource" not in message
    if viewer == "other_gov":
        assert "该数据不予共享给其他部门。" in message
    else:
        assert "政务共享" in message or "不向社会开放" in message, message


def test_mixed_case_names_are_distinct_tables(store):
    # Quoted, the name is exact; the lower-case spelling names no table.
    status, body = store.sql("anonymous", f'SELECT * FROM "{MIXED_ID.lower()}"')
    assert status == 409
    assert SECRET_ROW not in json.dumps(body)
    status, body = store.sql("provider_editor", f'SELECT * FROM "{MIXED_ID}"')
    assert status == 200 and SECRET_ROW in json.dumps(body)


def test_a_table_is_never_matched_to_a_resource_by_name(store):
    """A DataStore table whose resource is gone (e.g. a purged entry) stays a
    table nobody may read, even when an open resource is named like it."""
    import sqlalchemy as sa
    from ckan.tests.helpers import call_action
    from ckanext.datastore.backend.postgres import get_write_engine

    orphan = "0rphan-table-of-a-purged-resource"
    with get_write_engine().begin() as conn:
        conn.execute(sa.text(f'DROP TABLE IF EXISTS "{orphan}"'))
        conn.execute(sa.text(f'CREATE TABLE "{orphan}" (label text)'))
        conn.execute(sa.text(f"INSERT INTO \"{orphan}\" VALUES ('{SECRET_ROW}')"))
    call_action(
        "resource_create",
        {"user": store.sysadmin["name"]},
        package_id=store.open["package_id"],
        name=orphan,
        url="http://example.com/x.csv",
        audience="open",
    )
    for viewer in OUTSIDERS:
        status, body = store.sql(viewer, f'SELECT * FROM "{orphan}"')
        assert status == 403, viewer
        assert SECRET_ROW not in json.dumps(body)
        status, body = store.action(viewer, "datastore_search", resource_id=orphan)
        assert status in (403, 404), viewer
        assert SECRET_ROW not in json.dumps(body)


@pytest.mark.parametrize("viewer", OUTSIDERS)
@pytest.mark.parametrize("action", ["datastore_search", "datastore_info"])
@pytest.mark.parametrize("ref", ["id", "alias", "mixed"])
def test_search_and_info_refuse_outsiders(store, viewer, action, ref):
    resource_id = {
        "id": store.secret["id"],
        "alias": "secret_alias",
        "mixed": MIXED_ID,
    }[ref]
    status, body = store.action(viewer, action, resource_id=resource_id)
    assert status == 403
    assert SECRET_ROW not in json.dumps(body)
    assert body["error"]["message"]


@pytest.mark.parametrize("action", ["datastore_search", "datastore_info"])
def test_aliases_of_readable_tables_work(store, action):
    status, body = store.action("anonymous", action, resource_id="open_alias")
    assert status == 200, body
    if action == "datastore_search":
        assert OPEN_ROW in json.dumps(body)


def test_id_parameter_cannot_stand_in_for_the_searched_table(store):
    # `id` replaces `resource_id` (datastore_search's schema renames it):
    # the table searched is the one checked, whichever parameter named it.
    for readable, secret in ((store.open, store.secret), (store.secret, store.open)):
        status, body = store.action(
            "anonymous",
            "datastore_search",
            resource_id=secret["id"],
            id=readable["id"],
        )
        assert SECRET_ROW not in json.dumps(body)
        assert status == (200 if readable is store.open else 403)


@pytest.mark.parametrize("viewer", OUTSIDERS + ("provider_editor",))
def test_table_list_is_for_sysadmins_only(store, viewer):
    status, body = store.action(
        viewer, "datastore_search", resource_id="_table_metadata"
    )
    assert status == 403
    assert store.secret["id"] not in json.dumps(body)
    status, body = store.action(
        "sysadmin", "datastore_search", resource_id="_table_metadata", limit=1000
    )
    assert status == 200
    assert store.secret["id"] in json.dumps(body)


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_dump_refuses_with_403_and_the_reason(store, viewer):
    token = store.tokens.get(viewer)
    response = store.app.get(
        f"/datastore/dump/{store.secret['id']}",
        headers={"Authorization": token} if token else {},
    )
    assert response.status_code == 403
    assert SECRET_ROW not in response.body


def test_dump_serves_readable_tables(store):
    response = store.app.get(f"/datastore/dump/{store.open['id']}")
    assert response.status_code == 200
    assert OPEN_ROW in response.body


def test_ckans_dump_view_itself_asks_datastore_search(store):
    """Without the plugin's wrapper, CKAN's dump view still refuses (with
    its 404): it reads the rows through ``datastore_search``, whose chained
    auth function asks the policy."""
    from unittest import mock

    from ckanext.cqgov.access.logic import chained

    flask_app = store.app.flask_app
    view = flask_app.view_functions["datastore.dump"]
    assert getattr(view, "_cqgov_checked", False)
    original = view.__wrapped__
    calls = []
    real = chained._datastore_read

    def spy(next_auth, context, data_dict, resource_id):
        calls.append(resource_id)
        return real(next_auth, context, data_dict, resource_id)

    with (
        mock.patch.dict(flask_app.view_functions, {"datastore.dump": original}),
        mock.patch.object(chained, "_datastore_read", spy),
    ):
        response = store.app.get(f"/datastore/dump/{store.secret['id']}")
        assert response.status_code == 404
        assert SECRET_ROW not in response.body
        assert store.secret["id"] in calls
        calls.clear()
        response = store.app.get(f"/datastore/dump/{store.open['id']}")
        assert response.status_code == 200
        assert OPEN_ROW in response.body
        assert store.open["id"] in calls


def test_dump_links_of_datastore_resources_are_hidden_like_urls(store):
    """A resource whose data lives only in the DataStore (``url_type:
    datastore``) has the dump link as its URL: a viewer who may see the
    resource but not fetch it gets neither."""
    from ckan.tests.helpers import call_action

    created = call_action(
        "datastore_create",
        {"user": store.sysadmin["name"]},
        resource={
            "package_id": store.secret["package_id"],
            "name": "datastore only",
            "audience": "share",
        },
        force=True,
        fields=[{"id": "label", "type": "text"}],
        records=[{"label": SECRET_ROW}],
    )
    rid = created["resource_id"]
    status, body = store.action("provider_editor", "resource_show", id=rid)
    assert status == 200
    assert f"/datastore/dump/{rid}" in body["result"]["url"]
    # other_gov: a government viewer sees the share resource, may not fetch it
    status, body = store.action("other_gov", "resource_show", id=rid)
    assert status == 200
    assert body["result"]["url"] == ""
    assert body["result"]["cqgov_access"]["allowed"] is False
    status, body = store.action(
        "other_gov", "package_show", id=store.secret["package_id"]
    )
    assert status == 200
    assert "/datastore/dump/" not in json.dumps(body)
    for viewer in ("anonymous", "citizen"):
        status, body = store.action(viewer, "resource_show", id=rid)
        assert status == 403
        assert "/datastore/dump/" not in json.dumps(body)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "该数据不予共享给其他部门。"),
        ("/en", "This data is not shared with other departments."),
    ],
)
def test_refusals_speak_the_requests_language(store, prefix, expected):
    token = store.tokens["other_gov"]
    for action, params in (
        ("datastore_search", {"resource_id": store.secret["id"]}),
        ("datastore_info", {"id": store.secret["id"]}),
        ("datastore_search_sql", {"sql": f"SELECT * FROM {q(store.secret)}"}),
    ):
        response = store.app.post(
            f"{prefix}/api/3/action/{action}",
            json=params,
            headers={"Authorization": token},
        )
        assert response.status_code == 403, action
        assert expected in response.json["error"]["message"], action
    response = store.app.get(
        f"{prefix}/datastore/dump/{store.secret['id']}",
        headers={"Authorization": token},
    )
    assert response.status_code == 403
    assert expected in response.body
