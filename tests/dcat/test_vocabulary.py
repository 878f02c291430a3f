"""The DCAT vocabulary mappings cover every value of the schema (no CKAN)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckanext.cqgov.dcat import vocabulary as voc

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "dataset.yaml"


def _choices(field_name: str, fields=None) -> list[str]:
    if fields is None:
        fields = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["dataset_fields"]
    for field in fields:
        if field["field_name"] == field_name:
            return [str(c["value"]) for c in field["choices"]]
        sub = _choices(field_name, field.get("repeating_subfields") or [])
        if sub:
            return sub
    return []


@pytest.mark.parametrize(
    ("cycle", "code"),
    [
        ("real_time", "UPDATE_CONT"),
        ("daily", "DAILY"),
        ("weekly", "WEEKLY"),
        ("monthly", "MONTHLY"),
        ("quarterly", "QUARTERLY"),
        ("half_yearly", "ANNUAL_2"),
        ("yearly", "ANNUAL"),
        ("irregular", "IRREG"),
    ],
)
def test_update_cycle_frequency(cycle, code):
    uri = voc.frequency_uri(cycle)
    assert uri == f"http://publications.europa.eu/resource/authority/frequency/{code}"
    assert voc.update_cycle_from_uri(uri) == cycle


@pytest.mark.parametrize(
    ("open_type", "code"),
    [
        ("proactive", "PUBLIC"),
        ("on_application", "RESTRICTED"),
        ("not_open", "NON_PUBLIC"),
    ],
)
def test_open_type_access_right(open_type, code):
    uri = voc.access_right_uri(open_type)
    assert (
        uri == f"http://publications.europa.eu/resource/authority/access-right/{code}"
    )
    assert voc.open_type_from_uri(uri) == open_type


def test_every_schema_value_is_mapped():
    assert set(_choices("update_cycle")) == set(voc.UPDATE_CYCLE_FREQUENCY)
    assert set(_choices("open_type")) == set(voc.OPEN_TYPE_ACCESS_RIGHT)
    data_types = _choices("data_type")
    if data_types:
        assert set(data_types) <= set(voc.DATA_TYPE_XSD)


def test_unknown_values_map_to_nothing():
    assert voc.frequency_uri("sometimes") is None
    assert voc.frequency_uri(None) is None
    assert voc.access_right_uri("") is None
    assert voc.update_cycle_from_uri("http://example.org/x") is None
    assert voc.data_theme_uri("no-such-theme") is None
    assert voc.xsd_datatype("?").endswith("#string")


@pytest.mark.parametrize(
    ("text", "chinese"),
    [("公交线路", True), ("Bus 线路", True), ("Bus routes", False), ("2026", False)],
)
def test_is_chinese(text, chinese):
    assert voc.is_chinese(text) is chinese
