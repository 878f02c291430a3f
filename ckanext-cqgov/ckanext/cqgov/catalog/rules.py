"""The regulation's rules for one catalog entry, across its fields. Pure module.

:func:`entry_problems` takes an entry as a plain mapping (the API's field
names and code values) and returns every rule it breaks, each attached to the
field the user has to change. Single-field checks (a value is one of the
choices, a date is a date) belong to the schema; this module covers what
depends on more than one field:

* Art. 15(1): ``conditional`` needs ``share_condition`` and ``share_basis``;
  ``not_shared`` needs ``share_basis``.
* Art. 15(2): a ``basic`` entry is shared ``unconditional`` through an online
  platform method.
* Art. 15(3): a ``thematic`` entry on one of the listed themes is not
  ``not_shared``.
* Art. 21: ``on_application`` needs ``open_condition`` and ``open_basis``;
  ``not_open`` needs ``open_basis``.
* The guide: ``basic_type`` exactly for basic entries, ``theme`` exactly for
  thematic ones; a share method unless not shared; a sub-format of the chosen
  format family; at least one data item, with distinct names, a length where
  the data type has one.

The messages themselves are the adapter's (they are translated); a problem
carries a stable ``code`` for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ckanext.cqgov.catalog import vocab

#: A path to a field: ``("share_basis",)`` or ``("data_items", 0, "length")``.
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """A broken rule: which field to fix, and which rule (``code``)."""

    field: FieldPath
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(entry: Mapping[str, Any], name: str) -> str:
    value = entry.get(name)
    return value.strip() if isinstance(value, str) else ""


#: The texts a share or open type requires (Art. 15(1), Art. 21):
#: (field, value) → the fields that must not be blank, with the rule's code.
REQUIRED_TEXTS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("share_type", "conditional"): (
        ("share_condition", "conditional_needs_condition"),
        ("share_basis", "conditional_needs_basis"),
    ),
    ("share_type", "not_shared"): (("share_basis", "not_shared_needs_basis"),),
    ("open_type", "on_application"): (
        ("open_condition", "on_application_needs_condition"),
        ("open_basis", "on_application_needs_basis"),
    ),
    ("open_type", "not_open"): (("open_basis", "not_open_needs_basis"),),
}


def required_text_problems(entry: Mapping[str, Any], type_field: str) -> list[Problem]:
    """The condition and basis texts the entry's share or open type needs."""
    needed = REQUIRED_TEXTS.get((type_field, _text(entry, type_field)), ())
    return [Problem((name,), code) for name, code in needed if _blank(entry.get(name))]


def share_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """Art. 15: share type, its condition and basis, category and theme."""
    problems = required_text_problems(entry, "share_type")
    share_type = _text(entry, "share_type")
    category = _text(entry, "resource_category")
    method = _text(entry, "share_method")
    if category == "basic":
        if share_type and share_type != "unconditional":
            problems.append(Problem(("share_type",), "basic_must_be_unconditional"))
        if method and method not in vocab.ONLINE_SHARE_METHODS:
            problems.append(Problem(("share_method",), "basic_must_be_online"))
    if not method and share_type and share_type != "not_shared":
        problems.append(Problem(("share_method",), "share_method_required"))
    theme = _text(entry, "theme")
    if (
        category == "thematic"
        and theme in vocab.MUST_SHARE_THEMES
        and share_type == "not_shared"
    ):
        problems.append(
            Problem(("share_type",), "theme_must_be_shared", {"theme": theme})
        )
    return problems


def open_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """Art. 21: open type, its condition and basis."""
    return required_text_problems(entry, "open_type")


def classification_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """``basic_type`` for basic entries only, ``theme`` for thematic ones only."""
    problems: list[Problem] = []
    category = _text(entry, "resource_category")
    for name, owner in (("basic_type", "basic"), ("theme", "thematic")):
        given = not _blank(entry.get(name))
        if category == owner and not given:
            problems.append(Problem((name,), f"{name}_required"))
        elif category and category != owner and given:
            problems.append(Problem((name,), f"{name}_not_applicable"))
    return problems


def format_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """The sub-format belongs to the chosen format family."""
    family = _text(entry, "format_type")
    sub = _text(entry, "format_subtype")
    if sub and family in vocab.FORMATS and sub not in vocab.FORMATS[family]:
        return [Problem(("format_subtype",), "subformat_mismatch")]
    return []


def data_item_problems(items: object) -> list[Problem]:
    """At least one data item; distinct names; lengths where they apply."""
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        return [Problem(("data_items",), "data_items_required")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(Problem(("data_items",), "data_item_invalid"))
            continue
        name = _text(item, "name")
        if name:
            if name in seen:
                problems.append(
                    Problem(("data_items", index, "name"), "data_item_duplicate_name")
                )
            seen.add(name)
        length = item.get("length")
        data_type = _text(item, "data_type")
        if _blank(length):
            if data_type == "C":
                problems.append(
                    Problem(
                        ("data_items", index, "length"), "data_item_length_required"
                    )
                )
            continue
        text = str(length).strip()
        if not text.isdigit() or int(text) <= 0:
            problems.append(
                Problem(("data_items", index, "length"), "data_item_length_invalid")
            )
    return problems


def entry_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """Every cross-field rule ``entry`` breaks, in form order."""
    return [
        *classification_problems(entry),
        *format_problems(entry),
        *data_item_problems(entry.get("data_items")),
        *share_problems(entry),
        *open_problems(entry),
    ]
