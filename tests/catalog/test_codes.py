"""Resource code grammar and generation (pure core)."""

from __future__ import annotations

import pytest

from ckanext.cqgov.catalog.codes import (
    class_digit_for,
    default_front_code,
    next_resource_code,
    parse_resource_code,
)


@pytest.mark.parametrize(
    "code, front, sequence",
    [
        ("206001/000001", "206001", "000001"),
        ("10100101/123456", "10100101", "123456"),
        ("300001012345/000009", "300001012345", "000009"),
    ],
)
def test_valid_codes(code, front, sequence):
    parsed = parse_resource_code(code)
    assert parsed is not None
    assert parsed.front == front
    assert parsed.sequence == sequence
    assert str(parsed) == code


@pytest.mark.parametrize(
    "code",
    [
        "",
        "206001",  # no sequence
        "20600/000001",  # entry too short
        "206001/00001",  # sequence too short
        "206001/0000001",  # sequence too long
        "206001-000001",
        "2060010000001/000001",  # detail longer than 6 digits
        "A06001/000001",
        "206001/00000a",
        " 206001/000001",
    ],
)
def test_invalid_codes(code):
    assert parse_resource_code(code) is None


@pytest.mark.parametrize(
    "category, digit",
    [("basic", "1"), ("thematic", "2"), ("departmental", "3"), ("other", None)],
)
def test_class_digit(category, digit):
    assert class_digit_for(category) == digit


@pytest.mark.parametrize(
    "category, basic_type, theme, front",
    [
        ("basic", "natural_person", "", "101001"),
        ("basic", "public_security", "", "106001"),
        ("thematic", "", "administrative_approval", "201001"),
        ("thematic", "", "traffic", "206001"),
        ("departmental", "", "", "300001"),
        ("basic", "", "", "100001"),
    ],
)
def test_default_front_code(category, basic_type, theme, front):
    assert default_front_code(category, basic_type, theme) == front


def test_default_front_code_unknown_category():
    with pytest.raises(ValueError):
        default_front_code("nope")


def test_next_code_after_the_highest_of_its_front():
    existing = ["206001/000001", "206001/000007", "206002/000099", "bad"]
    assert next_resource_code("206001", existing) == "206001/000008"
    assert next_resource_code("300001", existing) == "300001/000001"


def test_next_code_exhausted():
    with pytest.raises(ValueError):
        next_resource_code("300001", ["300001/999999"])
