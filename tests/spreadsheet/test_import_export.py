"""Catalog import/export through the actions, the API and the pages."""

from __future__ import annotations

import base64
import copy
import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers
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


def _error_cells(exc) -> set[tuple]:
    return {(e["sheet"], e["cell"], e["field"]) for e in exc.error_dict["errors"]}


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


def test_search_and_department_pages_link_import_and_export(app, department, editor):
    anonymous = app.get("/dataset/")
    assert "/catalog/export.xlsx" in anonymous.body
    assert "/catalog/import" not in anonymous.body
    token = factories.APIToken(user=editor["name"])["token"]
    page = app.get("/dataset/", headers={"Authorization": token})
    assert "/catalog/import" in page.body
    org_page = app.get(f"/organization/{department['name']}")
    assert f"/catalog/export.xlsx?organization={department['name']}" in org_page.body


def test_round_trip_of_a_department_catalog(department, dataset_factory):
    sysadmin = factories.Sysadmin()
    originals = [
        dataset_factory(owner_org=department["id"], name=f"entry-{n}", title=title)
        for n, title in enumerate(("城市公园", "公交线路", "空气质量"))
    ]
    before = {
        d["name"]: _catalog_values(helpers.call_action("package_show", id=d["id"]))
        for d in originals
    }
    exported = helpers.call_action(
        "cqgov_catalog_export",
        context={"user": sysadmin["name"]},
        owner_org=department["id"],
    )
    assert exported["count"] == 3
    content = base64.b64decode(exported["content"])
    for original in originals:
        helpers.call_action("dataset_purge", id=original["id"])
    result = _import(sysadmin, content)
    assert (result["created"], result["updated"]) == (3, 0)
    for name, values in before.items():
        assert _catalog_values(helpers.call_action("package_show", id=name)) == values


def test_one_invalid_row_and_nothing_is_written(catalog_fields, department, editor):
    layout = catalog_layout()
    letter = get_column_letter([c.key for c in layout.columns].index("share_type") + 2)
    data = _workbook(
        _row(catalog_fields, department, title="合格一", name="ok-one"),
        _row(catalog_fields, department, title="缺共享类型", share_type=""),
        _row(catalog_fields, department, title="合格二", name="ok-two"),
    )
    with pytest.raises(tk.ValidationError) as exc:
        _import(editor, data)
    assert _error_cells(exc.value) == {("信息资源目录", f"{letter}3", "share_type")}
    assert _entry_count() == 0
