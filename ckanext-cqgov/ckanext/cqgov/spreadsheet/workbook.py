"""The catalog as an XLSX workbook: writing the template/export, reading a file.

Pure module (openpyxl, no CKAN): the columns come in as a :class:`Layout`, which
the CKAN adapter derives from the scheming schema at runtime, and the entries
as plain dicts of code values. Reading never raises for bad *cell* content: it
returns every problem as a :class:`CellError` (sheet, row, column, code and
parameters) for the adapter to translate. A file that cannot be read as a
workbook of this layout at all raises :class:`WorkbookError`.

Layout of a workbook:

* the entry sheet: a key column (``序号``), then one column per catalog field in
  the schema's order; the header is the field's Chinese label, ``*`` marks a
  required field; choice columns hold Chinese labels with a drop-down list;
* one sheet per repeating field (the data items): a key column naming the
  entry row's key, then one column per subfield;
* a hidden sheet with the drop-down lists.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

TEXT = "text"
CHOICE = "choice"
MULTI_CHOICE = "multi_choice"
LIST = "list"
DATE = "date"
INTEGER = "integer"
KINDS = frozenset({TEXT, CHOICE, MULTI_CHOICE, LIST, DATE, INTEGER})

#: What separates the values of a list cell when reading; writing uses "; ".
LIST_SPLIT = re.compile(r"[;；,，、\n]+")
LIST_JOIN = "; "
REQUIRED_MARK = "*"
#: The field name errors of the key columns (序号, 所属资源序号) carry.
KEY = "__key__"
CHOICE_SHEET = "_choices"
#: Rows a template offers drop-downs for (beyond the exported rows).
TEMPLATE_ROWS = 500
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class WorkbookError(Exception):
    """The file cannot be read as a catalog workbook at all."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Choice:
    value: str
    #: language → label; the ``zh`` label is written to the sheet.
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Column:
    key: str
    #: language → header text; the ``zh`` one is written.
    labels: Mapping[str, str]
    kind: str = TEXT
    choices: tuple[Choice, ...] = ()
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def header(self) -> str:
        label = self.labels.get("zh") or next(iter(self.labels.values()), self.key)
        return label + (REQUIRED_MARK if self.required else "")

    def accepts_header(self, text: str) -> bool:
        names = {self.key, *self.labels.values()}
        return normalize(text) in {normalize(n) for n in names}


@dataclass(frozen=True)
class SubTable:
    """A repeating field (e.g. ``data_items``) on a sheet of its own."""

    key: str
    sheet: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Layout:
    sheet: str
    key_labels: Mapping[str, str]
    columns: tuple[Column, ...]
    subtables: tuple[SubTable, ...] = ()
    #: language → header of a sub-sheet's column naming its entry row.
    parent_key_labels: Mapping[str, str] = field(default_factory=dict)

    def key_column(self) -> Column:
        return Column(KEY, self.key_labels)

    def parent_key_column(self) -> Column:
        return Column(KEY, self.parent_key_labels or self.key_labels)


@dataclass
class CellError:
    sheet: str
    row: int | None
    column: str | None
    field: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def cell(self) -> str | None:
        if self.row is None or self.column is None:
            return None
        return f"{self.column}{self.row}"


@dataclass
class SubRow:
    number: int
    values: dict[str, Any]
    cells: dict[str, str]


@dataclass
class Row:
    number: int
    key: str | None
    values: dict[str, Any]
    #: field → cell coordinate ("C7") of every column present in the sheet.
    cells: dict[str, str]
    #: repeating field → its rows (only for sub-sheets present in the file).
    subrows: dict[str, list[SubRow]] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[CellError]
    #: the columns the entry sheet has (absent ones are left untouched).
    present: frozenset[str]
    #: the repeating fields whose sheet the file has.
    present_subtables: frozenset[str]


def normalize(text: Any) -> str:
    text = "" if text is None else str(text)
    return re.sub(r"[\s\u3000*＊]+", "", text).casefold()


# --- writing ----------------------------------------------------------------


def _cell_value(column: Column, value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if column.kind == CHOICE:
        return _choice_label(column, value)
    if column.kind in (MULTI_CHOICE, LIST):
        values = value if isinstance(value, (list, tuple)) else [value]
        if column.kind == MULTI_CHOICE:
            values = [_choice_label(column, v) for v in values]
        return LIST_JOIN.join(str(v) for v in values)
    if column.kind == DATE:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if column.kind == INTEGER:
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, (list, tuple)):
        return LIST_JOIN.join(str(v) for v in value)
    return str(value)


def _choice_label(column: Column, value: Any) -> str:
    for choice in column.choices:
        if choice.value == str(value):
            return choice.labels.get("zh") or choice.value
    return str(value)


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _write_sheet(
    ws,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    choice_ranges: dict[str, str],
) -> int:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        width = max(10, min(40, 2 * len(column.header) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, (column, value) in enumerate(
            zip(columns, values, strict=True), start=1
        ):
            cell = ws.cell(row=count + 1, column=index, value=value)
            if column.kind == DATE and isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = max(count + 1, TEMPLATE_ROWS) + 1
    for index, column in enumerate(columns, start=1):
        if column.kind != CHOICE or column.key not in choice_ranges:
            continue
        validation = DataValidation(
            type="list",
            formula1=choice_ranges[column.key],
            allow_blank=True,
            showErrorMessage=True,
        )
        validation.error = "请从下拉列表中选择 / choose from the list"
        validation.errorTitle = column.header
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    return count


def _write_choices(wb: Workbook, columns: Iterable[Column]) -> dict[str, str]:
    """A hidden sheet with one column of labels per choice field."""
    ws = wb.create_sheet(CHOICE_SHEET)
    ws.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    index = 0
    for column in columns:
        if column.kind not in (CHOICE, MULTI_CHOICE) or column.key in ranges:
            continue
        index += 1
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=column.key)
        for row, choice in enumerate(column.choices, start=2):
            ws.cell(
                row=row, column=index, value=choice.labels.get("zh") or choice.value
            )
        end = len(column.choices) + 1
        ranges[column.key] = (
            f"{quote_sheetname(CHOICE_SHEET)}!${letter}$2:${letter}${end}"
        )
    return ranges


def write_workbook(layout: Layout, entries: Iterable[Mapping[str, Any]]) -> bytes:
    """The workbook of ``entries`` (dicts of code values); none → a template."""
    entries = list(entries)
    wb = Workbook()
    ws = wb.active
    ws.title = layout.sheet
    all_columns = list(layout.columns)
    for sub in layout.subtables:
        all_columns.extend(sub.columns)
    choice_ranges = _write_choices(wb, all_columns)

    columns = [layout.key_column(), *layout.columns]
    rows = []
    for number, entry in enumerate(entries, start=1):
        rows.append(
            [number, *(_cell_value(c, entry.get(c.key)) for c in layout.columns)]
        )
    _write_sheet(ws, columns, rows, choice_ranges)

    for sub in layout.subtables:
        sub_ws = wb.create_sheet(sub.sheet, index=len(wb.sheetnames) - 1)
        sub_rows = []
        for number, entry in enumerate(entries, start=1):
            for item in entry.get(sub.key) or []:
                sub_rows.append(
                    [number, *(_cell_value(c, item.get(c.key)) for c in sub.columns)]
                )
        _write_sheet(
            sub_ws, [layout.parent_key_column(), *sub.columns], sub_rows, choice_ranges
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading ----------------------------------------------------------------


def _check_archive(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise WorkbookError("too_large", max_bytes=max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookError("not_xlsx") from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookError("not_xlsx")
    # A small file can unpack into gigabytes (zip bomb).
    if unpacked > 20 * max_bytes:
        raise WorkbookError("too_large", max_bytes=max_bytes)


def _match_headers(
    sheet: str,
    header_row: Sequence[Any],
    key_column: Column,
    columns: Sequence[Column],
    errors: list[CellError],
) -> dict[int, Column]:
    """Column index → column, for the headers of a sheet; records header errors."""
    found: dict[int, Column] = {}
    seen: dict[str, int] = {}
    candidates = [key_column, *columns]
    for index, text in enumerate(header_row):
        if text in (None, ""):
            continue
        letter = get_column_letter(index + 1)
        column = next((c for c in candidates if c.accepts_header(text)), None)
        if column is None:
            errors.append(
                CellError(sheet, 1, letter, None, "unknown_header", {"header": text})
            )
            continue
        if column.key in seen:
            errors.append(
                CellError(
                    sheet, 1, letter, column.key, "duplicate_header", {"header": text}
                )
            )
            continue
        seen[column.key] = index
        found[index] = column
    for column in candidates:
        if column.key not in seen and (column is key_column or column.required):
            errors.append(
                CellError(
                    sheet,
                    1,
                    None,
                    column.key,
                    "missing_header",
                    {"header": column.header},
                )
            )
    return found


def _convert(column: Column, raw: Any) -> tuple[Any, str | None, dict]:
    """The code value of a cell, or an error code with parameters."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, ""):
        return ([] if column.kind in (LIST, MULTI_CHOICE) else ""), None, {}
    if column.kind == CHOICE:
        return _choice_value(column, raw)
    if column.kind == MULTI_CHOICE:
        values = []
        for part in LIST_SPLIT.split(str(raw)):
            if part.strip():
                value, error, params = _choice_value(column, part.strip())
                if error:
                    return None, error, params
                values.append(value)
        return values, None, {}
    if column.kind == LIST:
        return [p.strip() for p in LIST_SPLIT.split(str(raw)) if p.strip()], None, {}
    if column.kind == DATE:
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat(), None, {}
        if isinstance(raw, dt.date):
            return raw.isoformat(), None, {}
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(str(raw), fmt).date().isoformat(), None, {}
            except ValueError:
                continue
        return None, "bad_date", {"value": raw}
    if column.kind == INTEGER:
        if isinstance(raw, bool):
            return None, "bad_integer", {"value": raw}
        if isinstance(raw, float) and raw.is_integer():
            return int(raw), None, {}
        try:
            return int(str(raw)), None, {}
        except ValueError:
            return None, "bad_integer", {"value": raw}
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    elif isinstance(raw, dt.date):
        raw = raw.isoformat()
    return str(raw), None, {}


def _choice_value(column: Column, raw: Any) -> tuple[Any, str | None, dict]:
    wanted = normalize(raw)
    for choice in column.choices:
        if wanted in {normalize(choice.value), *map(normalize, choice.labels.values())}:
            return choice.value, None, {}
    allowed = "、".join(c.labels.get("zh") or c.value for c in column.choices)
    return None, "bad_choice", {"value": raw, "allowed": allowed}


def _key_text(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip() or None


def _read_rows(ws, max_rows: int, sheet: str):
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise WorkbookError("empty_sheet", sheet=sheet)
    body = []
    for number, values in enumerate(rows, start=2):
        # Blank rows do not count, but a sheet of endless blank rows must stop.
        if number > 20 * max_rows + 100:
            raise WorkbookError("too_many_rows", sheet=sheet, max_rows=max_rows)
        if all(
            v in (None, "") or (isinstance(v, str) and not v.strip()) for v in values
        ):
            continue
        if len(body) >= max_rows:
            raise WorkbookError("too_many_rows", sheet=sheet, max_rows=max_rows)
        body.append((number, values))
    return list(header), body


def read_workbook(
    layout: Layout, data: bytes, *, max_rows: int = 1000, max_bytes: int = 10 << 20
) -> Parsed:
    """Every entry row of a workbook in ``layout``, with every cell problem.

    :raises WorkbookError: not an XLSX file, too large, too many rows, or no
        entry sheet.
    """
    _check_archive(data, max_bytes)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise WorkbookError("not_xlsx") from exc
    try:
        return _read(layout, wb, max_rows)
    finally:
        wb.close()


def _read(layout: Layout, wb, max_rows: int) -> Parsed:
    sheets = [name for name in wb.sheetnames if name != CHOICE_SHEET]
    subsheets = {normalize(s.sheet): s for s in layout.subtables}
    entry_sheet = next(
        (n for n in sheets if normalize(n) == normalize(layout.sheet)), None
    )
    if entry_sheet is None:
        candidates = [n for n in sheets if normalize(n) not in subsheets]
        if not candidates:
            raise WorkbookError("no_entry_sheet", sheet=layout.sheet)
        entry_sheet = candidates[0]

    errors: list[CellError] = []
    header, body = _read_rows(wb[entry_sheet], max_rows, entry_sheet)
    key_column = layout.key_column()
    matched = _match_headers(entry_sheet, header, key_column, layout.columns, errors)
    present = frozenset(c.key for c in matched.values() if c is not key_column)
    rows: list[Row] = []
    keys: dict[str, Row] = {}
    for number, values in body:
        row = Row(number, None, {}, {})
        for index, column in matched.items():
            raw = values[index] if index < len(values) else None
            letter = get_column_letter(index + 1)
            if column is key_column:
                row.key = _key_text(raw)
                continue
            row.cells[column.key] = f"{letter}{number}"
            value, code, params = _convert(column, raw)
            if code:
                errors.append(
                    CellError(entry_sheet, number, letter, column.key, code, params)
                )
            else:
                row.values[column.key] = value
        if row.key is not None:
            if row.key in keys:
                errors.append(
                    CellError(
                        entry_sheet,
                        number,
                        "A",
                        KEY,
                        "duplicate_key",
                        {"key": row.key, "first_row": keys[row.key].number},
                    )
                )
            else:
                keys[row.key] = row
        rows.append(row)

    present_subtables = set()
    for name in sheets:
        sub = subsheets.get(normalize(name))
        if sub is None:
            continue
        present_subtables.add(sub.key)
        for row in rows:
            row.subrows[sub.key] = []
        _read_subsheet(wb[name], name, sub, layout, keys, max_rows, errors)
    return Parsed(rows, errors, present, frozenset(present_subtables))


def _read_subsheet(ws, name, sub, layout, keys, max_rows, errors) -> None:
    header, body = _read_rows(ws, max_rows * 50, name)
    key_column = layout.parent_key_column()
    matched = _match_headers(name, header, key_column, sub.columns, errors)
    for number, values in body:
        item = SubRow(number, {}, {})
        parent_key = None
        key_letter = "A"
        for index, column in matched.items():
            raw = values[index] if index < len(values) else None
            letter = get_column_letter(index + 1)
            if column is key_column:
                parent_key, key_letter = _key_text(raw), letter
                continue
            item.cells[column.key] = f"{letter}{number}"
            value, code, params = _convert(column, raw)
            if code:
                errors.append(CellError(name, number, letter, column.key, code, params))
            else:
                item.values[column.key] = value
        parent = keys.get(parent_key) if parent_key is not None else None
        if parent is None:
            errors.append(
                CellError(
                    name,
                    number,
                    key_letter,
                    KEY,
                    "unknown_entry",
                    {"key": parent_key or ""},
                )
            )
            continue
        parent.subrows[sub.key].append(item)
