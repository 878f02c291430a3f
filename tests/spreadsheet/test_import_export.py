"""Catalog import/export through the actions, the API and the pages."""

from __future__ import annotations

import base64
import copy
import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from werkzeug.datastructures import FileStorage

from ckanext.cqgov.spreadsheet import workbook as wb
from ckanext.cqgov.spreadsheet.layout import catalog_layout

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def department():
    return factories.Organization(title="重庆市测试局")


@pytest.fixture
def editor(department, member_of):
    return member_of(department)


def _row(catalog_fields, department, **values):
    entry = copy.deepcopy(catalog_fields)
    entry["owner_org"] = department["name"]
    entry["notes"] = "测试用的目录条目"
    entry.update(values)
    return entry


def _workbook(*entries) -> bytes:
    return wb.write_workbook(catalog_layout(), entries)


def _upload(data: bytes, filename="catalog.xlsx") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=XLSX)


def _import(user, data: bytes, **params):
    return helpers.call_action(
        "cqgov_catalog_import",
        context={"user": user["name"], "ignore_auth": False},
        upload=_upload(data),
        **params,
    )


def _entry_count() -> int:
    return (
        model.Session.query(model.Package)
        .filter(model.Package.state == "active")
        .count()
    )


def _filled(values: dict) -> dict:
    """Without empty values: an empty cell and a missing field are the same."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def _catalog_values(pkg: dict) -> dict:
    """The fields a workbook carries, as package_show gives them."""
    layout = catalog_layout()
    keys = [c.key for c in layout.columns if c.key not in ("owner_org", "name")]
    values = {k: pkg.get(k) for k in keys}
    values["owner_org"] = pkg["owner_org"]
    for sub in layout.subtables:
        values[sub.key] = [_filled(item) for item in pkg.get(sub.key) or []]
    return _filled(values)


def test_template_view_has_zh_headers_dropdowns_and_an_item_sheet(app):
    response = app.get("/catalog/template.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["信息资源目录"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "序号"
    assert "信息资源名称*" in headers
    assert "共享类型*" in headers
    assert "信息资源提供方" in headers
    assert headers.index("信息资源提供方代码") == headers.index("信息资源提供方") + 1
    # Every choice column offers its Chinese labels as a drop-down list.
    layout = catalog_layout()
    choice_columns = [c for c in layout.columns if c.kind == wb.CHOICE]
    assert len(sheet.data_validations.dataValidation) == len(choice_columns)
    choices = book[wb.CHOICE_SHEET]
    labels = {cell.value for column in choices.iter_cols() for cell in column}
    assert {"无条件共享", "有条件共享", "不予共享", "主动开放", "每季度"} <= labels
    # Fields the form does not offer (the review state) are not columns.
    assert "目录状态" not in headers
    item_headers = [c.value for c in book["信息项"][1]]
    assert item_headers[0] == "所属资源序号"
    assert "信息项名称*" in item_headers
    assert "敏感信息类别*" in item_headers


def test_import_creates_then_updates_matched_by_resource_code(
    catalog_fields, department, editor
):
    data = _workbook(
        _row(catalog_fields, department, title="公交线路", name="bus-lines"),
        _row(catalog_fields, department, title="出租车", name=""),
    )
    result = _import(editor, data)
    assert (result["created"], result["updated"], result["dry_run"]) == (2, 0, False)
    first = helpers.call_action("package_show", id="bus-lines")
    assert first["title"] == "公交线路"
    assert first["owner_org"] == department["id"]
    assert first["data_items"] == catalog_fields["data_items"]
    code = first["resource_code"]
    assert code

    # Same resource code, another URL name and title: the entry is updated.
    again = _workbook(
        _row(
            catalog_fields,
            department,
            title="公交线路（更新）",
            name="bus-lines",
            resource_code=code,
            update_cycle="monthly",
        )
    )
    result = _import(editor, again)
    assert (result["created"], result["updated"]) == (0, 1)
    updated = helpers.call_action("package_show", id=first["id"])
    assert updated["title"] == "公交线路（更新）"
    assert updated["update_cycle"] == "monthly"
    assert updated["resource_code"] == code
    assert _entry_count() == 2


def test_export_then_import_yields_the_same_entries(
    department, dataset_factory, personal_data_items
):
    sysadmin = factories.Sysadmin()
    originals = [
        dataset_factory(
            owner_org=department["id"],
            name="households",
            title="户籍人口",
            notes="户籍人口基本信息",
            share_type="conditional",
            share_condition="仅用于社会保障业务",
            share_basis="《重庆市户籍管理办法》",
            release_date="2026-03-02",
            data_items=personal_data_items,
        ),
        dataset_factory(owner_org=department["id"], name="parks", title="城市公园"),
    ]
    before = {
        d["name"]: _catalog_values(helpers.call_action("package_show", id=d["id"]))
        for d in originals
    }

    exported = helpers.call_action(
        "cqgov_catalog_export",
        context={"user": sysadmin["name"]},
        owner_org=department["name"],
    )
    assert exported["count"] == 2
    content = base64.b64decode(exported["content"])

    # Importing the export unchanged changes nothing and creates nothing.
    result = _import(sysadmin, content)
    assert (result["created"], result["updated"]) == (0, 2)
    for name, values in before.items():
        assert _catalog_values(helpers.call_action("package_show", id=name)) == values

    # Into an empty catalog, the export recreates the same entries.
    for original in originals:
        helpers.call_action("dataset_purge", id=original["id"])
    result = _import(sysadmin, content)
    assert (result["created"], result["updated"]) == (2, 0)
    for name, values in before.items():
        assert _catalog_values(helpers.call_action("package_show", id=name)) == values


def _error_cells(exc) -> set[tuple]:
    return {(e["sheet"], e["cell"], e["field"]) for e in exc.error_dict["errors"]}


def test_per_cell_errors_and_nothing_written(
    catalog_fields, department, editor, dataset_factory
):
    existing = dataset_factory(owner_org=department["id"], name="kept", title="原名")
    count = _entry_count()
    layout = catalog_layout()
    good = _row(catalog_fields, department, title="合格", name="fine-entry")
    # Conditional sharing without condition or basis (Art. 15(1)).
    rule_broken = _row(
        catalog_fields,
        department,
        title="缺依据",
        name="no-basis",
        share_type="conditional",
        share_condition="",
        share_basis="",
    )
    update = _row(catalog_fields, department, title="新名", name="kept")
    no_title = _row(catalog_fields, department, title="", name="no-title")
    bad_item = _row(
        catalog_fields,
        department,
        title="信息项缺名称",
        name="bad-item",
        data_items=[{"name": "", "data_type": "C", "sensitive_category": "none"}],
    )
    data = _workbook(good, rule_broken, update, no_title, bad_item)

    with pytest.raises(tk.ValidationError) as exc:
        _import(editor, data)

    letters = {c.key: get_column_letter(i + 2) for i, c in enumerate(layout.columns)}
    cells = _error_cells(exc.value)
    assert ("信息资源目录", f"{letters['share_basis']}3", "share_basis") in cells
    assert ("信息资源目录", f"{letters['title']}5", "title") in cells
    item_name = get_column_letter(
        [c.key for c in layout.subtables[0].columns].index("name") + 2
    )
    # bad_item is entry No. 5; its only item is the item sheet's 5th data row.
    assert ("信息项", f"{item_name}6", "name") in cells
    assert not any(
        e["row"] in (2, 4)
        for e in exc.value.error_dict["errors"]
        if e["sheet"] == "信息资源目录"
    )
    assert "nothing was imported" in exc.value.error_dict["file"][0] or (
        "未导入" in exc.value.error_dict["file"][0]
    )
    for report in exc.value.error_dict["errors"]:
        assert report["message"]
        assert report["label"]

    # Nothing written: no new entry, the matched entry unchanged.
    assert _entry_count() == count
    assert helpers.call_action("package_show", id=existing["id"])["title"] == "原名"
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id="fine-entry")


def test_dry_run_validates_and_writes_nothing(catalog_fields, department, editor):
    data = _workbook(_row(catalog_fields, department, title="试运行", name="dry"))
    result = _import(editor, data, dry_run=True)
    assert (result["created"], result["dry_run"]) == (1, True)
    assert result["entries"][0]["row"] == 2
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id="dry")


def test_rows_in_one_file_that_describe_one_entry(catalog_fields, department, editor):
    data = _workbook(
        _row(catalog_fields, department, title="一", name="same"),
        _row(catalog_fields, department, title="二", name="same"),
    )
    with pytest.raises(tk.ValidationError) as exc:
        _import(editor, data)
    assert [(e["cell"], e["row"]) for e in exc.value.error_dict["errors"]] == [
        ("A3", 3)
    ]
    assert _entry_count() == 0


def test_unknown_provider_and_other_departments(catalog_fields, department, editor):
    other = factories.Organization(title="别的局")
    data = _workbook(
        _row(catalog_fields, department, title="甲", owner_org="no-such-department"),
        _row(catalog_fields, department, title="乙", owner_org=other["name"]),
    )
    with pytest.raises(tk.ValidationError) as exc:
        _import(editor, data)
    messages = {e["row"]: e for e in exc.value.error_dict["errors"]}
    assert set(messages) == {2, 3}
    assert messages[2]["field"] == messages[3]["field"] == "owner_org"
    assert _entry_count() == 0


# --- the API: bad files are 409, never 500 ----------------------------------


def _api_import(app, user, data, filename="catalog.xlsx", **params):
    token = factories.APIToken(user=user["name"])["token"]
    return app.post(
        "/api/3/action/cqgov_catalog_import",
        data={"upload": (io.BytesIO(data), filename), **params},
        headers={"Authorization": token},
    )


def _bad_headers() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "信息资源目录"
    book.active.append(["序号", "名字", "颜色"])
    book.active.append([1, "a", "red"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"resource_category,title\nbasic,x\n", "xlsx"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "xlsx"),
        (b"", "xlsx"),
        (None, "名字"),
    ],
)
def test_api_rejects_bad_files_with_409(app, editor, content, fragment):
    data = _bad_headers() if content is None else content
    response = _api_import(app, editor, data)
    assert response.status_code == 409, response.data
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert fragment in " ".join(e["message"] for e in error["errors"]) + " ".join(
        error["file"]
    )


@pytest.mark.ckan_config("ckanext.cqgov.spreadsheet.max_bytes", "2000")
def test_api_rejects_a_huge_file(app, editor, catalog_fields, department):
    data = _workbook(
        *[_row(catalog_fields, department, title=f"条目{i}") for i in range(50)]
    )
    assert len(data) > 2000
    response = _api_import(app, editor, data)
    assert response.status_code == 409
    assert "2000" in response.json["error"]["file"][0]


@pytest.mark.ckan_config("ckanext.cqgov.spreadsheet.max_rows", "3")
def test_api_rejects_too_many_rows(app, editor, catalog_fields, department):
    data = _workbook(
        *[_row(catalog_fields, department, title=f"条目{i}") for i in range(4)]
    )
    response = _api_import(app, editor, data)
    assert response.status_code == 409
    assert "3" in response.json["error"]["file"][0]


def test_api_bad_parameters_are_409(app, editor, catalog_fields, department):
    good = _workbook(_row(catalog_fields, department, title="参数"))
    response = _api_import(app, editor, good, dry_run="maybe")
    assert response.status_code == 409
    assert "dry_run" in response.json["error"]
    response = app.post(
        "/api/3/action/cqgov_catalog_import",
        data={"owner_org": department["name"]},
        headers={"Authorization": factories.APIToken(user=editor["name"])["token"]},
    )
    assert response.status_code == 409
    assert response.json["error"]["file"]
    response = app.get("/api/3/action/cqgov_catalog_export?owner_org=no-such-org")
    assert response.status_code == 404


def test_api_import_success_and_errors(app, editor, catalog_fields, department):
    good = _workbook(_row(catalog_fields, department, title="接口导入", name="via-api"))
    response = _api_import(app, editor, good, dry_run="true")
    assert response.status_code == 200, response.data
    assert response.json["result"]["dry_run"] is True
    response = _api_import(app, editor, good)
    assert response.status_code == 200
    assert response.json["result"]["created"] == 1

    bad = _workbook(_row(catalog_fields, department, title="", name="no-title-api"))
    response = _api_import(app, editor, bad)
    assert response.status_code == 409
    assert response.json["error"]["errors"][0]["field"] == "title"


def test_import_needs_an_editor(app, catalog_fields, department):
    data = _workbook(_row(catalog_fields, department, title="无权"))
    outsider = factories.User()
    response = _api_import(app, outsider, data)
    assert response.status_code == 403
    response = app.post(
        "/api/3/action/cqgov_catalog_import",
        data={"upload": (io.BytesIO(data), "catalog.xlsx")},
    )
    assert response.status_code == 403
    assert _entry_count() == 0


def test_a_member_cannot_write_into_another_department(
    catalog_fields, department, editor
):
    other = factories.Organization()
    data = _workbook(
        _row(catalog_fields, department, title="越权", owner_org=other["name"])
    )
    with pytest.raises(tk.ValidationError) as exc:
        _import(editor, data)
    assert exc.value.error_dict["errors"][0]["field"] == "owner_org"
    assert _entry_count() == 0


# --- export: only what the requester may see --------------------------------


def _exported_titles(content: bytes) -> set[str]:
    layout = catalog_layout()
    parsed = wb.read_workbook(layout, content)
    return {r.values["title"] for r in parsed.rows}


def test_export_shows_only_visible_entries(app, department, editor, dataset_factory):
    dataset_factory(owner_org=department["id"], title="公开条目")
    dataset_factory(owner_org=department["id"], title="私有条目", private=True)
    other = factories.Organization()
    dataset_factory(owner_org=other["id"], title="他局条目")

    anonymous = app.get("/catalog/export.xlsx")
    assert anonymous.status_code == 200
    assert _exported_titles(anonymous.data) == {"公开条目", "他局条目"}

    token = factories.APIToken(user=editor["name"])["token"]
    member = app.get(
        f"/catalog/export.xlsx?organization={department['name']}",
        headers={"Authorization": token},
    )
    assert member.status_code == 200
    assert _exported_titles(member.data) == {"公开条目", "私有条目"}
    assert app.get("/catalog/export.xlsx?organization=nope").status_code == 404


# --- the upload page ----------------------------------------------------------


def test_import_page(app, editor, catalog_fields, department):
    assert app.get("/catalog/import", follow_redirects=False).status_code == 302
    token = factories.APIToken(user=editor["name"])["token"]
    headers = {"Authorization": token}
    page = app.get("/catalog/import", headers=headers)
    assert page.status_code == 200
    assert 'name="upload"' in page.body

    bad = _workbook(_row(catalog_fields, department, title="", name="page-bad"))
    response = app.post(
        "/catalog/import",
        data={"upload": (io.BytesIO(bad), "catalog.xlsx")},
        headers=headers,
    )
    assert response.status_code == 200
    assert 'id="import-errors"' in response.body
    assert _entry_count() == 0

    good = _workbook(_row(catalog_fields, department, title="页面导入", name="page-ok"))
    response = app.post(
        "/catalog/import",
        data={"upload": (io.BytesIO(good), "catalog.xlsx")},
        headers=headers,
    )
    assert 'id="import-result"' in response.body
    assert helpers.call_action("package_show", id="page-ok")["title"] == "页面导入"


def test_search_and_department_pages_link_import_and_export(app, department, editor):
    anonymous = app.get("/dataset/")
    assert "/catalog/export.xlsx" in anonymous.body
    assert "/catalog/import" not in anonymous.body
    token = factories.APIToken(user=editor["name"])["token"]
    page = app.get("/dataset/", headers={"Authorization": token})
    assert "/catalog/import" in page.body
    org_page = app.get(f"/organization/{department['name']}")
    assert f"/catalog/export.xlsx?organization={department['name']}" in org_page.body
