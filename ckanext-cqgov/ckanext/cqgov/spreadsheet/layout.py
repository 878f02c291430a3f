"""The workbook layout, derived from the scheming dataset schema at runtime.

Every dataset field a publisher edits in the form becomes a column, in the
schema's order (the schema follows the national guide's order); fields the
form does not show (``form_snippet: null``, e.g. the review state) are left
out. A repeating field (``repeating_subfields``, e.g. ``data_items``) gets a
sheet of its own. The provider (``owner_org``) is followed by the provider
code column (the organization's USCC), as in the guide.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.cqgov.spreadsheet import workbook as wb

DATASET_TYPE = "dataset"
OWNER_ORG = "owner_org"
PROVIDER_CODE = "provider_code"
#: CKAN fields that are not catalog metadata a spreadsheet should carry.
SKIPPED_FIELDS = frozenset({"id", "private", "resources", "url_upload"})
MULTIPLE_PRESETS = frozenset({"multiple_select", "multiple_checkbox"})


def _labels(label: Any, fallback: str) -> dict[str, str]:
    if isinstance(label, dict):
        labels = {}
        for lang, text in label.items():
            labels["zh" if lang.startswith("zh") else lang.split("_")[0]] = text
        return labels or {"zh": fallback}
    return {"zh": label or fallback}


def _choices(field: dict) -> tuple[wb.Choice, ...]:
    from ckanext.scheming.helpers import scheming_field_choices

    return tuple(
        wb.Choice(str(c["value"]), _labels(c.get("label"), str(c["value"])))
        for c in scheming_field_choices(field) or []
    )


def _kind(field: dict) -> str:
    validators = str(field.get("validators", ""))
    preset = field.get("preset", "")
    has_choices = bool(field.get("choices") or field.get("choices_helper"))
    if has_choices:
        if preset in MULTIPLE_PRESETS or "scheming_multiple_choice" in validators:
            return wb.MULTI_CHOICE
        return wb.CHOICE
    if preset in ("date", "datetime") or "isodate" in validators:
        return wb.DATE
    if preset == "multiple_text" or "scheming_multiple_text" in validators:
        return wb.LIST
    if any(
        v in validators
        for v in ("int_validator", "natural_number_validator", "is_positive_integer")
    ):
        return wb.INTEGER
    return wb.TEXT


def _required(field: dict) -> bool:
    validators = str(field.get("validators", ""))
    return bool(field.get("required")) or validators.startswith("not_empty")


def _column(field: dict, optional: frozenset[str] = frozenset()) -> wb.Column:
    """A column; ``optional`` names fields the import fills in when empty."""
    name = field["field_name"]
    kind = _kind(field)
    return wb.Column(
        key=name,
        labels=_labels(field.get("label"), name),
        kind=kind,
        choices=_choices(field) if kind in (wb.CHOICE, wb.MULTI_CHOICE) else (),
        required=_required(field) and name not in optional,
    )


def _editable(field: dict) -> bool:
    return not ("form_snippet" in field and field["form_snippet"] is None)


def catalog_layout() -> wb.Layout:
    """The layout of the catalog workbook, from the current dataset schema."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(DATASET_TYPE)
    if not schema:
        raise tk.ObjectNotFound(tk._("The catalog schema is not configured."))
    columns: list[wb.Column] = []
    subtables: list[wb.SubTable] = []
    for field in schema["dataset_fields"]:
        name = field["field_name"]
        if name in SKIPPED_FIELDS or not _editable(field):
            continue
        if field.get("repeating_subfields"):
            sub_columns = tuple(
                _column(sub) for sub in field["repeating_subfields"] if _editable(sub)
            )
            sheet = _labels(field.get("label"), name)["zh"]
            subtables.append(wb.SubTable(name, sheet, sub_columns))
            continue
        columns.append(_column(field, frozenset({"name", OWNER_ORG})))
        if name == OWNER_ORG:
            columns.append(
                wb.Column(
                    PROVIDER_CODE,
                    {"zh": "信息资源提供方代码", "en": "Provider code"},
                )
            )
    return wb.Layout(
        sheet="信息资源目录",
        key_labels={"zh": "序号", "en": "No."},
        columns=tuple(columns),
        subtables=tuple(subtables),
        parent_key_labels={"zh": "所属资源序号", "en": "Entry No."},
    )
