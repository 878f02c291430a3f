"""The workbook core: writing, reading, cell errors (no CKAN, no database)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ckanext.cqgov.spreadsheet import workbook as wb

SHARE = wb.Column(
    "share_type",
    {"zh": "共享类型", "en": "Share type"},
    kind=wb.CHOICE,
    choices=(
        wb.Choice("unconditional", {"zh": "无条件共享", "en": "Unconditional"}),
        wb.Choice("conditional", {"zh": "有条件共享", "en": "Conditional"}),
    ),
    required=True,
)
LAYOUT = wb.Layout(
    sheet="信息资源目录",
    key_labels={"zh": "序号", "en": "No."},
    columns=(
        wb.Column("title", {"zh": "信息资源名称", "en": "Title"}, required=True),
        SHARE,
        wb.Column("release_date", {"zh": "发布日期"}, kind=wb.DATE),
        wb.Column("related_codes", {"zh": "关联资源代码"}, kind=wb.LIST),
    ),
    subtables=(
        wb.SubTable(
            "data_items",
            "信息项",
            (
                wb.Column("name", {"zh": "信息项名称"}, required=True),
                wb.Column(
                    "data_type",
                    {"zh": "数据类型"},
                    kind=wb.CHOICE,
                    choices=(wb.Choice("C", {"zh": "C 字符型"}),),
                ),
                wb.Column("length", {"zh": "数据长度"}, kind=wb.INTEGER),
            ),
        ),
    ),
    parent_key_labels={"zh": "所属资源序号"},
)
ENTRIES = [
    {
        "title": "公交线路",
        "share_type": "conditional",
        "release_date": "2026-01-05",
        "related_codes": ["301001/000001", "301001/000002"],
        "data_items": [
            {"name": "线路名称", "data_type": "C", "length": 50},
            {"name": "站点", "data_type": "C", "length": 20},
        ],
    },
    {"title": "空表", "share_type": "unconditional", "data_items": []},
]


def test_round_trip_reads_back_what_was_written():
    parsed = wb.read_workbook(LAYOUT, wb.write_workbook(LAYOUT, ENTRIES))
    assert parsed.errors == []
    assert parsed.present == {"title", "share_type", "release_date", "related_codes"}
    assert parsed.present_subtables == {"data_items"}
    first, second = parsed.rows
    assert first.key == "1" and first.number == 2
    assert first.values == {
        "title": "公交线路",
        "share_type": "conditional",
        "release_date": "2026-01-05",
        "related_codes": ["301001/000001", "301001/000002"],
    }
    assert [s.values for s in first.subrows["data_items"]] == [
        {"name": "线路名称", "data_type": "C", "length": 50},
        {"name": "站点", "data_type": "C", "length": 20},
    ]
    assert second.values["release_date"] == ""
    assert second.subrows["data_items"] == []


def test_template_has_zh_headers_dropdowns_and_item_sheet():
    book = load_workbook(io.BytesIO(wb.write_workbook(LAYOUT, [])))
    sheet = book["信息资源目录"]
    headers = [c.value for c in sheet[1]]
    assert headers == ["序号", "信息资源名称*", "共享类型*", "发布日期", "关联资源代码"]
    assert [c.value for c in book["信息项"][1]] == [
        "所属资源序号",
        "信息项名称*",
        "数据类型",
        "数据长度",
    ]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert str(validations[0].sqref).startswith("C2:C")
    choices = book[wb.CHOICE_SHEET]
    assert choices.sheet_state == "hidden"
    formula = validations[0].formula1
    column = formula.split("!$")[1][0]
    assert [choices[f"{column}{r}"].value for r in (2, 3)] == [
        "无条件共享",
        "有条件共享",
    ]


def _sheet_bytes(rows, items=None, title="信息资源目录"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if items is not None:
        item_sheet = book.create_sheet("信息项")
        for row in items:
            item_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_choice_accepts_zh_and_en_labels_and_codes():
    data = _sheet_bytes(
        [
            ["序号", "Title", "share_type"],
            [1, "a", "有条件共享"],
            [2, "b", "Unconditional"],
            [3, "c", "conditional"],
        ]
    )
    parsed = wb.read_workbook(LAYOUT, data)
    assert parsed.errors == []
    assert [r.values["share_type"] for r in parsed.rows] == [
        "conditional",
        "unconditional",
        "conditional",
    ]
    # Absent columns are absent, not empty.
    assert parsed.present == {"title", "share_type"}


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("share_type", "bad_choice"),
        ("release_date", "bad_date"),
    ],
)
def test_bad_cells_are_reported_with_their_coordinates(cell, code):
    data = _sheet_bytes(
        [
            ["序号", "信息资源名称", "共享类型", "发布日期"],
            [1, "fine", "无条件共享", "2026/02/03"],
            [
                2,
                "bad",
                "随便共享" if cell == "share_type" else "无条件共享",
                "明天" if cell == "release_date" else dt.date(2026, 1, 1),
            ],
        ]
    )
    parsed = wb.read_workbook(LAYOUT, data)
    assert [(e.sheet, e.cell, e.field, e.code) for e in parsed.errors] == [
        ("信息资源目录", ("C3" if cell == "share_type" else "D3"), cell, code)
    ]
    assert parsed.rows[0].values["release_date"] == "2026-02-03"


def test_header_problems():
    data = _sheet_bytes(
        [["序号", "信息资源名称", "信息资源名称", "颜色"], [1, "a", "b", "c"]]
    )
    codes = {(e.code, e.cell) for e in wb.read_workbook(LAYOUT, data).errors}
    assert codes == {
        ("duplicate_header", "C1"),
        ("unknown_header", "D1"),
        ("missing_header", None),
    }


def test_item_rows_must_name_an_entry_row_and_keys_are_unique():
    data = _sheet_bytes(
        [
            ["序号", "信息资源名称", "共享类型"],
            [1, "a", "无条件共享"],
            [1, "b", "无条件共享"],
        ],
        items=[["所属资源序号", "信息项名称", "数据长度"], [7, "x", 3], [1, "y", "长"]],
    )
    errors = {(e.sheet, e.cell, e.code) for e in wb.read_workbook(LAYOUT, data).errors}
    assert errors == {
        ("信息资源目录", "A3", "duplicate_key"),
        ("信息项", "A2", "unknown_entry"),
        ("信息项", "C3", "bad_integer"),
    }


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"title,share_type\n", "not_xlsx"),
        (b"", "not_xlsx"),
        (b"PK\x03\x04 broken", "not_xlsx"),
    ],
)
def test_files_that_are_not_workbooks(data, code):
    with pytest.raises(wb.WorkbookError) as exc:
        wb.read_workbook(LAYOUT, data)
    assert exc.value.code == code


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(wb.WorkbookError) as exc:
        wb.read_workbook(LAYOUT, out.getvalue())
    assert exc.value.code == "not_xlsx"


def test_limits():
    data = wb.write_workbook(LAYOUT, ENTRIES)
    with pytest.raises(wb.WorkbookError) as exc:
        wb.read_workbook(LAYOUT, data, max_bytes=len(data) - 1)
    assert exc.value.code == "too_large"
    with pytest.raises(wb.WorkbookError) as exc:
        wb.read_workbook(LAYOUT, data, max_rows=1)
    assert exc.value.code == "too_many_rows"
    assert len(wb.read_workbook(LAYOUT, data, max_rows=2).rows) == 2


def test_blank_rows_are_skipped_and_numbers_become_text():
    data = _sheet_bytes(
        [
            ["序号", "信息资源名称", "共享类型"],
            [None, None, None],
            [1.0, 2026, "无条件共享"],
        ]
    )
    parsed = wb.read_workbook(LAYOUT, data)
    assert [(r.number, r.key, r.values["title"]) for r in parsed.rows] == [
        (3, "1", "2026")
    ]
