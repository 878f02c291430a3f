"""The publish gate in CKAN: upload → background job → derivatives;
audience validation; actions and their auth; retry and replacement."""

from __future__ import annotations

import csv
import io
import random

import pytest
from ckan.lib import jobs
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from ckanext.cqgov.desensitize import gate, labels, logic, synthetic
from ckanext.cqgov.desensitize.model import DesensitizeJob

pytestmark = pytest.mark.usefixtures("clean_db", "with_request_context")


def csv_upload(rows: int = 20, with_ids: bool = True, seed: int = 1) -> FileStorage:
    rng = random.Random(seed)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["序号", "身份证号" if with_ids else "数量", "备注"])
    for i in range(rows):
        value = synthetic.resident_id(rng) if with_ids else str(i * 3)
        writer.writerow([i, value, f"第{i}条"])
    return FileStorage(io.BytesIO(buf.getvalue().encode()), filename="data.csv")


@pytest.fixture
def publisher(dataset_factory):
    jobs.get_queue().empty()
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = dataset_factory(owner_org=org["id"], open_type="proactive")
    return user, dataset


def as_user(user) -> dict:
    return {"user": user["name"], "ignore_auth": False}


def run_queued() -> list[str]:
    """Performs the queued desensitization jobs here (what the worker does)."""
    queue = jobs.get_queue()
    states = []
    for job in list(queue.jobs):
        if job.func_name.endswith("run_job"):
            states.append(job.perform())
        job.delete()
    return states


def _store(action: str, user, dataset, file: FileStorage, audience, **extra) -> dict:
    return helpers.call_action(
        action,
        context=as_user(user),
        package_id=dataset["id"],
        name="人员名单",
        format="CSV",
        url="data.csv",
        upload=file,
        audience=audience,
        **extra,
    )


def upload(user, dataset, file: FileStorage, audience="open", **extra) -> dict:
    return _store("resource_create", user, dataset, file, audience, **extra)


def reupload(user, dataset, original, file: FileStorage, audience="open") -> dict:
    """Replaces the file of resource ``original`` (a new upload)."""
    return _store("resource_update", user, dataset, file, audience, id=original["id"])


def resources_of(dataset) -> list[dict]:
    return helpers.call_action("package_show", id=dataset["id"])["resources"]


def test_sensitive_upload_stays_share_and_gets_open_derivatives(publisher):
    user, dataset = publisher
    original = upload(user, dataset, csv_upload())
    assert original["audience"] == "share"  # held until scanned
    assert run_queued() == [gate.DONE]

    status = helpers.call_action(
        "cqgov_desensitize_status", context=as_user(user), id=original["id"]
    )
    assert status["status"] == gate.DONE and status["progress"] == 100
    assert status["findings"] == {"resident_id": 20}
    assert set(status["derivatives"]) == {"csv", "json", "xlsx"}

    by_id = {r["id"]: r for r in resources_of(dataset)}
    assert by_id[original["id"]]["audience"] == "share"
    for rid in status["derivatives"].values():
        derived = by_id[rid]
        assert derived["audience"] == "open"
        assert derived[gate.DERIVED_FROM] == original["id"]

    report = helpers.call_action(
        "cqgov_desensitize_report", context=as_user(user), id=original["id"]
    )
    assert report["residual_total"] == 0
    assert {c["name"]: c["category"] for c in report["columns"]}["身份证号"] == (
        "resident_id"
    )

    # a sensitive original can never be made open
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action(
            "resource_patch", context=as_user(user), id=original["id"], audience="open"
        )
    assert f"{labels.kind_label('resident_id')} ×20" in str(err.value.error_dict)


def test_clean_upload_gets_the_requested_audience(publisher):
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(with_ids=False))
    # a small file is scanned while it is saved: nothing to wait for
    assert original["audience"] == "open"
    assert run_queued() == []
    assert DesensitizeJob.get(original["id"]).status == gate.CLEAN
    shown = helpers.call_action("resource_show", id=original["id"])
    assert shown["audience"] == "open"
    assert len(resources_of(dataset)) == 1


def test_not_open_entries_are_not_scanned(dataset_factory):
    jobs.get_queue().empty()
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = dataset_factory(owner_org=org["id"], open_type="not_open")
    resource = upload(user, dataset, csv_upload(), audience="share")
    assert run_queued() == []
    assert DesensitizeJob.get(resource["id"]) is None


def test_failed_job_publishes_nothing_and_can_be_retried(publisher, monkeypatch):
    user, dataset = publisher
    original = upload(user, dataset, csv_upload())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(logic.engine, "run", broken)
    assert run_queued() == [gate.FAILED]
    status = helpers.call_action(
        "cqgov_desensitize_status", context=as_user(user), id=original["id"]
    )
    assert status["status"] == gate.FAILED and "disk full" in status["error"]
    assert len(resources_of(dataset)) == 1
    with pytest.raises(tk.ValidationError):
        helpers.call_action(
            "resource_patch", context=as_user(user), id=original["id"], audience="open"
        )

    monkeypatch.undo()
    queued = helpers.call_action(
        "cqgov_desensitize_run", context=as_user(user), id=original["id"]
    )
    assert queued["status"] == gate.QUEUED
    assert run_queued() == [gate.DONE]
    assert len(resources_of(dataset)) == 4


def scanned(publisher, rows: int):
    """An upload of ``rows`` ID numbers, its job already run."""
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(rows=rows))
    run_queued()
    return user, dataset, original


def test_replacing_the_original_replaces_the_derivatives_in_place(publisher):
    user, dataset, original = scanned(publisher, 5)
    first = DesensitizeJob.get(original["id"]).as_dict()["derivatives"]

    reupload(user, dataset, original, csv_upload(rows=7, seed=2), audience="share")
    assert run_queued() == [gate.DONE]
    status = DesensitizeJob.get(original["id"]).as_dict()
    assert status["derivatives"] == first
    assert status["findings"] == {"resident_id": 7}
    assert len(resources_of(dataset)) == 4


def test_actions_need_edit_rights(publisher):
    _user, _dataset, original = scanned(publisher, 3)
    stranger = factories.User()
    for action in (
        "cqgov_desensitize_status",
        "cqgov_desensitize_report",
        "cqgov_desensitize_run",
    ):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action(action, context=as_user(stranger), id=original["id"])
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("cqgov_desensitize_status", id="no-such-resource")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("cqgov_desensitize_status")
