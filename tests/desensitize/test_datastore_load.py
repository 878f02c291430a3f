"""The desensitized CSV copy is loaded into the DataStore so the public can
query it through the API; the original never is; a new upload replaces the
table's rows."""

from __future__ import annotations

import re

import pytest
from ckan.tests import helpers
from test_gate import (  # noqa: F401
    as_user,
    csv_upload,
    publisher,
    reupload,
    run_queued,
    upload,
)

from ckanext.cqgov.desensitize import gate, logic

pytestmark = pytest.mark.usefixtures("clean_db", "with_request_context")

ID_RE = re.compile(r"\d{17}[\dX]")


def _search(resource_id: str, user: str = "") -> dict:
    return helpers.call_action(
        "datastore_search",
        context={"user": user, "ignore_auth": False},
        resource_id=resource_id,
        limit=1000,
    )


def test_masked_copy_is_queryable_and_replaced(publisher, clean_datastore):  # noqa: F811
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(rows=20))
    states = run_queued()
    assert states == [gate.DONE], logic.DesensitizeJob.get(original["id"]).error
    status = helpers.call_action(
        "cqgov_desensitize_status", context=as_user(user), id=original["id"]
    )
    csv_id = status["derivatives"]["csv"]

    result = _search(csv_id)  # anonymous: the entry is open
    assert result["total"] == 20
    values = [r["身份证号"] for r in result["records"]]
    assert all("*" in v and not ID_RE.search(v) for v in values)
    fields = {f["id"]: f for f in result["fields"]}
    assert fields["身份证号"]["type"] == "text"

    report = helpers.call_action(
        "cqgov_desensitize_report", context=as_user(user), id=original["id"]
    )
    assert report["datastore"] == {"resource_id": csv_id, "rows": 20}
    shown = helpers.call_action("resource_show", id=csv_id)
    assert shown["datastore_active"] is True
    assert not helpers.call_action("resource_show", id=original["id"]).get(
        "datastore_active"
    )

    # a new upload of the original re-runs the job and replaces the rows
    reupload(user, dataset, original, csv_upload(rows=7, seed=2))
    assert run_queued() == [gate.DONE]
    assert _search(csv_id)["total"] == 7


def test_data_dictionary_comes_from_the_data_items():
    fields = logic.datastore_fields(
        ["身份证号", "备注"],
        [{"name": "身份证号", "data_type": "C", "description": "户主身份证号"}],
    )
    assert fields == [
        {
            "id": "身份证号",
            "type": "text",
            "info": {"label": "身份证号", "notes": "户主身份证号 (C)"},
        },
        {"id": "备注", "type": "text", "info": {"label": "备注", "notes": ""}},
    ]
