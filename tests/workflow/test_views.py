"""The workflow's pages, through CKAN's test client (forms with CSRF tokens)."""

from __future__ import annotations

import re

import pytest

SHARE_FORM = {
    "purpose": "核验企业登记信息",
    "period_from": "2026-05-10",
    "period_until": "2026-12-31",
    "legal_basis": "法定职责",
}


@pytest.fixture
def as_user(world):
    from ckan.tests import factories

    tokens = {}

    def headers(name):
        if name not in tokens:
            tokens[name] = factories.APIToken(user=name)["token"]
        return {"Authorization": tokens[name]}

    return headers


def csrf(html: str) -> str:
    match = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="_csrf_token"', html
    )
    return match.group(1) if match else ""


def post(app, url, headers, data):
    page = app.get(url, headers=headers)
    return app.post(
        url,
        headers=headers,
        data={**data, "_csrf_token": csrf(page.body)},
        follow_redirects=False,
    )


def test_apply_page_for_each_kind_of_entry(app, world, entry, as_user):
    conditional = entry(share_type="conditional")
    secret = entry(share_type="not_shared", share_basis="《保守国家秘密法》")
    page = app.get(f"/dataset/{conditional['name']}/apply", headers=as_user("d_user"))
    assert "cqgov-apply-form" in page.body
    assert 'name="legal_basis"' in page.body
    page = app.get(f"/dataset/{secret['name']}/apply", headers=as_user("d_user"))
    assert "《保守国家秘密法》" in page.body
    assert "cqgov-apply-form" not in page.body
    anonymous = app.get(f"/dataset/{conditional['name']}/apply", follow_redirects=False)
    assert anonymous.status_code == 302
    assert "/user/login" in anonymous.headers["Location"]


def test_apply_and_answer_through_the_pages(app, world, entry, as_user):
    conditional = entry(share_type="conditional")
    url = f"/dataset/{conditional['name']}/apply"
    missing = post(app, url, as_user("d_user"), {**SHARE_FORM, "purpose": ""})
    assert missing.status_code == 200
    assert 'data-field="purpose"' in missing.body

    done = post(app, url, as_user("d_user"), SHARE_FORM)
    assert done.status_code == 302
    item_url = done.headers["Location"]
    assert "/workflow/" in item_url
    path = "/workflow/" + item_url.rsplit("/workflow/", 1)[1]

    todo = app.get("/workflow/to-answer", headers=as_user("p_editor"))
    assert conditional["title"] in todo.body
    page = app.get(path, headers=as_user("p_editor"))
    assert 'data-action="approve"' in page.body and 'data-action="refuse"' in page.body
    assert "data-action" not in app.get(path, headers=as_user("d_user")).body

    no_reason = post(app, path, as_user("p_editor"), {"act": "refuse"})
    assert no_reason.status_code == 200
    assert 'data-field="reason"' in no_reason.body
    refused = post(app, path, as_user("p_editor"), {"act": "refuse", "reason": "不符"})
    assert refused.status_code == 302
    page = app.get(path, headers=as_user("d_user"))
    assert 'data-status="refused"' in page.body
    assert "不符" in page.body
    assert 'data-action="dispute"' in page.body

    forbidden = app.get(path, headers=as_user("o_editor"))
    assert forbidden.status_code == 403
    assert (
        app.get("/workflow/supervise", headers=as_user("p_editor")).status_code == 403
    )
    assert app.get("/workflow/supervise", headers=as_user("c_admin")).status_code == 200
    mine = app.get("/workflow/mine", headers=as_user("d_user"))
    assert conditional["title"] in mine.body


def test_public_board_hides_the_requester(app, world, entry, act, as_user):
    # fixed text: a random factory title could itself contain "citizen"
    closed = entry(open_type="not_open", title="公交到站数据", notes="公交车辆到站时间")
    request = act(
        "cqgov_opening_request_create",
        "citizen",
        package_id=closed["id"],
        description="请开放公交到站数据",
    )
    board = app.get("/opening-requests?q=公交")
    assert closed["title"] in board.body
    page = app.get(f"/workflow/{request['id']}")
    assert "请开放公交到站数据" in page.body
    assert "citizen" not in page.body


def test_error_report_and_feedback_pages(app, world, entry, as_user):
    open_entry = entry(open_type="proactive")
    done = post(
        app,
        f"/dataset/{open_entry['name']}/report-error",
        as_user("citizen"),
        {"description": "数值有误"},
    )
    assert done.status_code == 302
    rated = post(
        app,
        f"/dataset/{open_entry['name']}/feedback",
        as_user("citizen"),
        {"rating": "4", "comment": "有用"},
    )
    assert rated.status_code == 302
    page = app.get(f"/dataset/{open_entry['name']}/feedback")
    assert "有用" in page.body and "4.0 / 5" in page.body


@pytest.mark.parametrize(
    "fields, present, absent",
    [
        (
            {"share_type": "conditional", "open_type": "not_open"},
            ["/apply", "/opening-requests/new"],
            ["/feedback"],
        ),
        (
            {"share_type": "unconditional", "open_type": "proactive"},
            ["/feedback", "/report-error"],
            ["/apply", "/opening-requests/new"],
        ),
        (
            {"share_type": "not_shared", "open_type": "on_application"},
            ["/apply", "/feedback"],
            ["/opening-requests/new"],
        ),
    ],
)
def test_entry_page_offers_what_the_entry_allows(
    app, world, entry, fields, present, absent
):
    made = entry(**fields)
    actions = app.get(f"/dataset/{made['name']}").body.split("cqgov-entry-actions", 1)[
        1
    ]
    actions = actions.split("</div>", 1)[0]
    for path in present:
        assert path in actions
    for path in absent:
        assert path not in actions


def test_error_report_attachment_is_served_only_to_those_involved(
    app, world, entry, as_user
):
    import io

    open_entry = entry(open_type="proactive")
    url = f"/dataset/{open_entry['name']}/report-error"
    page = app.get(url, headers=as_user("citizen"))
    done = app.post(
        url,
        headers=as_user("citizen"),
        data={
            "description": "截图中第3行有误",
            "attachment_upload": (io.BytesIO(b"row,value\n3,wrong\n"), "shot.csv"),
            "_csrf_token": csrf(page.body),
        },
        content_type="multipart/form-data",
        follow_redirects=False,
    )
    assert done.status_code == 302
    path = "/workflow/" + done.headers["Location"].rsplit("/workflow/", 1)[1]
    item_page = app.get(path, headers=as_user("p_editor"))
    assert "shot.csv" in item_page.body
    got = app.get(path + "/attachment", headers=as_user("p_editor"))
    assert got.status_code == 200
    assert got.data == b"row,value\n3,wrong\n"
    assert "shot.csv" in got.headers["Content-Disposition"]
    assert app.get(path + "/attachment", headers=as_user("citizen")).status_code == 200
    assert app.get(path + "/attachment", headers=as_user("o_editor")).status_code == 403
    assert app.get(path + "/attachment").status_code == 403


def test_too_large_attachment_is_refused_and_nothing_is_kept(
    app, world, entry, as_user, ckan_config, monkeypatch
):
    import io

    from ckan import model

    from ckanext.cqgov.workflow.model import WorkflowItem

    monkeypatch.setitem(ckan_config, "ckanext.cqgov.workflow.attachment_max_mb", 1)
    open_entry = entry(open_type="proactive")
    url = f"/dataset/{open_entry['name']}/report-error"
    page = app.get(url, headers=as_user("citizen"))
    refused = app.post(
        url,
        headers=as_user("citizen"),
        data={
            "description": "x",
            "attachment_upload": (io.BytesIO(b"x" * (1024 * 1024 + 1)), "big.bin"),
            "_csrf_token": csrf(page.body),
        },
        content_type="multipart/form-data",
        follow_redirects=False,
    )
    assert refused.status_code == 200
    assert 'data-field="attachment_upload"' in refused.body
    assert model.Session.query(WorkflowItem).count() == 0


def test_header_links_to_the_board_and_my_items(app, world, as_user):
    assert 'href="/opening-requests"' in app.get("/").body
    assert 'href="/workflow/mine"' not in app.get("/").body
    assert 'href="/workflow/mine"' in app.get("/", headers=as_user("citizen")).body
