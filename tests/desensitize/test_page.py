"""The publisher's desensitization page: status, report in the user's
language, a preview of the masked copy, and who may open it."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from test_gate import csv_upload, publisher, run_queued, upload  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_db")


def _page(app, dataset, resource_id, user=None, **kwargs):
    headers = {}
    if user is not None:
        headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
    return app.get(
        f"/dataset/{dataset['name']}/resource/{resource_id}/desensitize",
        headers=headers,
        **kwargs,
    )


def test_publisher_sees_report_and_masked_preview(app, publisher):  # noqa: F811
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(rows=5))
    run_queued()

    body = _page(app, dataset, original["id"], user).get_data(as_text=True)
    # in the default language, zh_Hans_CN
    assert "已发布脱敏副本" in body
    assert "居民身份证号码 ×5" in body
    assert 'id="desensitize-report"' in body and "身份证号" in body
    preview = body.split('id="desensitize-preview"', 1)[1].split("</table>", 1)[0]
    assert preview.count("<tr>") == 6  # header + 5 rows
    assert "****" in preview
    # no original ID number (18 digits in a row) reaches the preview
    import re

    assert not re.search(r"\d{17}[\dX]", preview)

    # the resource page links to it for the publisher
    res_page = app.get(
        f"/dataset/{dataset['name']}/resource/{original['id']}",
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    ).get_data(as_text=True)
    assert 'id="cqgov-desensitize-link"' in res_page


def test_page_is_for_the_entrys_editors_only(app, publisher):  # noqa: F811
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(rows=3))
    run_queued()
    stranger = factories.User()
    assert _page(app, dataset, original["id"], stranger, status=403)
    anonymous = _page(app, dataset, original["id"], follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.location
    # nor is the link shown to others
    res_page = app.get(
        f"/dataset/{dataset['name']}/resource/{original['id']}",
        headers={"Authorization": factories.APIToken(user=stranger["name"])["token"]},
    )
    assert 'id="cqgov-desensitize-link"' not in res_page.get_data(as_text=True)


def test_unknown_resource_is_404(app, publisher):  # noqa: F811
    user, dataset = publisher
    assert _page(app, dataset, "no-such-resource", user, status=404)


def test_run_again_queues_the_job(app, publisher):  # noqa: F811
    user, dataset = publisher
    original = upload(user, dataset, csv_upload(rows=3))
    run_queued()
    token = factories.APIToken(user=user["name"])["token"]
    resp = app.post(
        f"/dataset/{dataset['name']}/resource/{original['id']}/desensitize",
        headers={"Authorization": token},
        follow_redirects=False,
    )
    assert resp.status_code == 302
    assert run_queued() == ["done"]
