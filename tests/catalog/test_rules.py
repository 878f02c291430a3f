"""The regulation's cross-field rules (pure core), table-driven."""

from __future__ import annotations

import pytest

from ckanext.cqgov.catalog.rules import entry_problems
from ckanext.cqgov.catalog.vocab import MUST_SHARE_THEMES

ITEM = {"name": "名称", "data_type": "C", "length": "50", "sensitive_category": "none"}

VALID = {
    "resource_category": "departmental",
    "format_type": "spreadsheet",
    "format_subtype": "xlsx",
    "data_items": [ITEM],
    "share_type": "unconditional",
    "share_method": "platform_file",
    "open_type": "proactive",
}


def problems(**changes):
    entry = {**VALID, **changes}
    return {(p.field, p.code) for p in entry_problems(entry)}


# (changes to a valid entry, the problems expected: {(field, code)})
CASES = [
    # Art. 15(1)
    (
        {"share_type": "conditional"},
        {
            (("share_condition",), "conditional_needs_condition"),
            (("share_basis",), "conditional_needs_basis"),
        },
    ),
    (
        {"share_type": "conditional", "share_condition": "仅限履职"},
        {
            (("share_basis",), "conditional_needs_basis"),
        },
    ),
    (
        {"share_type": "conditional", "share_basis": "《某法》"},
        {
            (("share_condition",), "conditional_needs_condition"),
        },
    ),
    (
        {
            "share_type": "conditional",
            "share_condition": "仅限履职",
            "share_basis": "《某法》",
        },
        set(),
    ),
    (
        {"share_type": "conditional", "share_condition": "  ", "share_basis": "x"},
        {
            (("share_condition",), "conditional_needs_condition"),
        },
    ),
    (
        {"share_type": "not_shared", "share_method": ""},
        {
            (("share_basis",), "not_shared_needs_basis"),
        },
    ),
    (
        {"share_type": "not_shared", "share_method": "", "share_basis": "《保密法》"},
        set(),
    ),
    # share method
    ({"share_method": ""}, {(("share_method",), "share_method_required")}),
    ({"share_method": "offline"}, set()),
    # Art. 15(2)
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_type": "conditional",
            "share_condition": "c",
            "share_basis": "b",
        },
        {
            (("share_type",), "basic_must_be_unconditional"),
        },
    ),
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_type": "not_shared",
            "share_basis": "b",
            "share_method": "",
        },
        {
            (("share_type",), "basic_must_be_unconditional"),
        },
    ),
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_method": "offline",
        },
        {(("share_method",), "basic_must_be_online")},
    ),
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_method": "platform_api",
        },
        set(),
    ),
    (
        {
            "resource_category": "basic",
            "basic_type": "legal_person",
            "share_method": "platform_database",
        },
        set(),
    ),
    # basic_type / theme apply to their category only
    ({"resource_category": "basic"}, {(("basic_type",), "basic_type_required")}),
    ({"basic_type": "credit"}, {(("basic_type",), "basic_type_not_applicable")}),
    ({"resource_category": "thematic"}, {(("theme",), "theme_required")}),
    ({"theme": "tax"}, {(("theme",), "theme_not_applicable")}),
    # Art. 15(3): each listed theme, not_shared refused
    *[
        (
            {
                "resource_category": "thematic",
                "theme": theme,
                "share_type": "not_shared",
                "share_basis": "b",
                "share_method": "",
            },
            {(("share_type",), "theme_must_be_shared")},
        )
        for theme in sorted(MUST_SHARE_THEMES)
    ],
    (
        {
            "resource_category": "thematic",
            "theme": "education",
            "share_type": "not_shared",
            "share_basis": "b",
            "share_method": "",
        },
        set(),
    ),
    (
        {
            "resource_category": "thematic",
            "theme": "tax",
            "share_type": "conditional",
            "share_condition": "c",
            "share_basis": "b",
        },
        set(),
    ),
    # Art. 21
    (
        {"open_type": "on_application"},
        {
            (("open_condition",), "on_application_needs_condition"),
            (("open_basis",), "on_application_needs_basis"),
        },
    ),
    (
        {"open_type": "on_application", "open_condition": "实名申请"},
        {
            (("open_basis",), "on_application_needs_basis"),
        },
    ),
    ({"open_type": "on_application", "open_condition": "c", "open_basis": "b"}, set()),
    ({"open_type": "not_open"}, {(("open_basis",), "not_open_needs_basis")}),
    ({"open_type": "not_open", "open_basis": "《个人信息保护法》"}, set()),
    # formats
    (
        {"format_type": "database", "format_subtype": "xlsx"},
        {(("format_subtype",), "subformat_mismatch")},
    ),
    ({"format_type": "database", "format_subtype": "kingbase"}, set()),
    ({"format_type": "service_interface", "format_subtype": ""}, set()),
    # data items
    ({"data_items": []}, {(("data_items",), "data_items_required")}),
    ({"data_items": None}, {(("data_items",), "data_items_required")}),
    (
        {"data_items": [ITEM, ITEM]},
        {(("data_items", 1, "name"), "data_item_duplicate_name")},
    ),
    (
        {"data_items": [{**ITEM, "length": ""}]},
        {(("data_items", 0, "length"), "data_item_length_required")},
    ),
    ({"data_items": [{**ITEM, "data_type": "D", "length": ""}]}, set()),
    (
        {"data_items": [{**ITEM, "length": "0"}]},
        {(("data_items", 0, "length"), "data_item_length_invalid")},
    ),
    (
        {"data_items": [{**ITEM, "length": "abc"}]},
        {(("data_items", 0, "length"), "data_item_length_invalid")},
    ),
    ({"data_items": ["not a mapping"]}, {(("data_items",), "data_item_invalid")}),
]


@pytest.mark.parametrize("changes, expected", CASES)
def test_rule(changes, expected):
    assert problems(**changes) == expected


def test_the_valid_entry_is_valid():
    assert problems() == set()
