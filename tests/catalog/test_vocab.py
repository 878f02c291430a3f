"""The schemas and the pure vocabularies agree; every choice is bilingual."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckanext.cqgov.catalog import vocab

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _schema(name):
    return yaml.safe_load((SCHEMAS / name).read_text(encoding="utf-8"))


DATASET = _schema("dataset.yaml")
ORGANIZATION = _schema("organization.yaml")


def _field(fields, name):
    return next(f for f in fields if f["field_name"] == name)


def _values(field):
    return tuple(choice["value"] for choice in field["choices"])


@pytest.mark.parametrize(
    "field_name, values",
    [
        ("resource_category", vocab.RESOURCE_CATEGORIES),
        ("basic_type", vocab.BASIC_TYPES),
        ("theme", vocab.THEMES),
        ("format_type", vocab.FORMAT_TYPES),
        ("format_subtype", vocab.FORMAT_SUBTYPES),
        ("share_type", vocab.SHARE_TYPES),
        ("share_method", vocab.SHARE_METHODS),
        ("open_type", vocab.OPEN_TYPES),
        ("update_cycle", vocab.UPDATE_CYCLES),
        ("catalog_status", vocab.CATALOG_STATUSES),
    ],
)
def test_dataset_choices(field_name, values):
    assert _values(_field(DATASET["dataset_fields"], field_name)) == values


@pytest.mark.parametrize(
    "field_name, values",
    [
        ("data_type", vocab.DATA_TYPES),
        ("sensitive_category", vocab.SENSITIVE_CATEGORIES),
    ],
)
def test_data_item_choices(field_name, values):
    items = _field(DATASET["dataset_fields"], "data_items")
    assert _values(_field(items["repeating_subfields"], field_name)) == values


def test_resource_audience_choices():
    field = _field(DATASET["resource_fields"], "audience")
    assert _values(field) == vocab.AUDIENCES


@pytest.mark.parametrize(
    "field_name, values",
    [("org_kind", vocab.ORG_KINDS), ("level", vocab.ORG_LEVELS)],
)
def test_organization_choices(field_name, values):
    assert _values(_field(ORGANIZATION["fields"], field_name)) == values


def _all_fields():
    for f in DATASET["dataset_fields"]:
        yield f
        yield from f.get("repeating_subfields", [])
    yield from DATASET["resource_fields"]
    yield from ORGANIZATION["fields"]


@pytest.mark.parametrize("field", list(_all_fields()), ids=lambda f: f["field_name"])
def test_labels_and_choices_are_bilingual(field):
    assert set(field["label"]) == {"en", "zh_Hans_CN"}
    for choice in field.get("choices", []):
        assert set(choice["label"]) == {"en", "zh_Hans_CN"}, choice
    if "help_text" in field:
        assert set(field["help_text"]) == {"en", "zh_Hans_CN"}


def test_every_sub_format_has_one_family():
    assert len(vocab.FORMAT_SUBTYPES) == len(set(vocab.FORMAT_SUBTYPES))


@pytest.mark.parametrize(
    "items, audience",
    [
        ([], "open"),
        ([{"sensitive_category": "none"}], "open"),
        ([{"sensitive_category": ""}], "open"),
        ([{"sensitive_category": "none"}, {"sensitive_category": "phone"}], "share"),
        ([{"sensitive_category": "id_number"}], "share"),
        (None, "open"),
    ],
)
def test_default_audience(items, audience):
    assert vocab.default_audience(items) == audience


def test_internal_fields_are_marked():
    internal = [f["field_name"] for f in DATASET["dataset_fields"] if f.get("internal")]
    assert internal == ["source_system"]
