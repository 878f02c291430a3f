"""The entry form: 一数一源 on the edit form and the entry's page (the other
departments' entries that an entry substantially duplicates), and errors of
the form shown at their fields instead of failing."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

ITEMS = [
    {"name": n, "data_type": "C", "length": "50", "sensitive_category": "none"}
    for n in ("学校名称", "学校地址", "办学类型", "在校学生数")
]


@pytest.fixture
def entries(dataset_factory, member_of):
    first = factories.Organization(title="重庆市教育委员会", level="municipal")
    second = factories.Organization(title="重庆市统计局", level="municipal")
    editor = member_of(second, "editor")
    token = call_action(
        "api_token_create", {"user": editor["name"]}, user=editor["name"], name="t"
    )["token"]
    original = dataset_factory(
        name="schools-edu",
        title="重庆市中小学校基本信息",
        owner_org=first["id"],
        data_items=ITEMS,
    )
    copy = dataset_factory(
        name="schools-stats",
        title="中小学校基本信息统计",
        owner_org=second["id"],
        data_items=ITEMS,
    )
    unrelated = dataset_factory(
        name="stats-gdp",
        title="地区生产总值",
        owner_org=second["id"],
        data_items=[{**ITEMS[0], "name": "地区名称"}],
    )
    return {
        "original": original,
        "copy": copy,
        "unrelated": unrelated,
        "headers": {"Authorization": token},
    }


def test_edit_form_lists_the_duplicates(app, entries):
    response = app.get("/dataset/edit/schools-stats", headers=entries["headers"])
    assert response.status_code == 200
    body = response.body
    start = body.index("cqgov-duplicates-warning")
    warning = body[start : body.index("</div>", start)]
    assert 'href="/dataset/schools-edu"' in warning
    assert "重庆市中小学校基本信息" in warning
    assert "重庆市教育委员会" in warning
    # before the form's fields
    assert start < body.index('name="title"')


def test_edit_form_without_duplicates_has_no_warning(app, entries):
    response = app.get("/dataset/edit/stats-gdp", headers=entries["headers"])
    assert response.status_code == 200
    assert "cqgov-duplicates-warning" not in response.body


FORM = {
    "name": "schools-stats",
    "private": "False",
    "notes": "摘要",
    "resource_category": "departmental",
    "format_type": "spreadsheet",
    "share_type": "unconditional",
    "share_method": "platform_api",
    "open_type": "proactive",
    "update_cycle": "yearly",
    "data_items-0-name": "学校名称",
    "data_items-0-data_type": "C",
    "data_items-0-sensitive_category": "none",
    "save": "",
}


def post_form(app, entries, **changes):
    data = {**FORM, "owner_org": entries["copy"]["owner_org"], **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return app.post(
        "/dataset/edit/schools-stats", headers=entries["headers"], data=data
    )


def test_edit_form_after_a_validation_error_keeps_the_warning(app, entries):
    response = post_form(app, entries, title="")
    assert response.status_code == 200
    assert "cqgov-duplicates-warning" in response.body
    assert 'href="/dataset/schools-edu"' in response.body


def test_form_without_data_items_shows_the_error_at_the_field(app, entries):
    """All data items removed in the form (its remove buttons): the rule's
    message appears at the data items, not a server error."""
    response = post_form(
        app,
        entries,
        title="中小学校基本信息统计",
        **{
            "data_items-0-name": None,
            "data_items-0-data_type": None,
            "data_items-0-sensitive_category": None,
        },
    )
    assert response.status_code == 200
    body = response.body
    message = "请至少填写一个信息项。"
    assert body.count(message) >= 2  # the summary and the field
    field = body[body.index('for="field-data_items"') :]
    assert message in field[: field.index("repeating-template")]
    assert call_action("package_show", id="schools-stats")["data_items"]


def test_entry_page_lists_the_duplicates(app, entries):
    response = app.get("/dataset/schools-stats", headers=entries["headers"])
    assert "cqgov-duplicates-warning" in response.body
    assert 'href="/dataset/schools-edu"' in response.body
    # the public does not get the list (it may name unpublished entries)
    assert "cqgov-duplicates-warning" not in app.get("/dataset/schools-stats").body
