"""The user-facing texts of the catalog rules, translated at call time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk

_ = tk._

# Functions, not strings: the text must be translated in the request's language,
# and the literal calls let the message extractor find them.
_MESSAGES: dict[str, Callable[[], str]] = {
    "conditional_needs_condition": lambda: _(
        "Conditional sharing needs a share condition (Art. 15(1))."
    ),
    "conditional_needs_basis": lambda: _(
        "Conditional sharing needs a legal or policy basis (Art. 15(1))."
    ),
    "not_shared_needs_basis": lambda: _(
        "An entry that is not shared needs a legal or policy basis (Art. 15(1))."
    ),
    "basic_must_be_unconditional": lambda: _(
        "Basic resources must be shared unconditionally (Art. 15(2))."
    ),
    "basic_must_be_online": lambda: _(
        "Basic resources must be shared online through the sharing platform "
        "(Art. 15(2))."
    ),
    "share_method_required": lambda: _(
        "Choose how the entry is shared (required unless it is not shared)."
    ),
    "theme_must_be_shared": lambda: _(
        "Thematic resources on this theme must be shared (Art. 15(3))."
    ),
    "on_application_needs_condition": lambda: _(
        "Opening on application needs an open condition (Art. 21)."
    ),
    "on_application_needs_basis": lambda: _(
        "Opening on application needs a legal or policy basis (Art. 21)."
    ),
    "not_open_needs_basis": lambda: _(
        "An entry that is not open needs a legal or policy basis (Art. 21)."
    ),
    "basic_type_required": lambda: _("Choose the kind of basic resource."),
    "basic_type_not_applicable": lambda: _(
        "Only basic resources have a basic resource kind."
    ),
    "theme_required": lambda: _("Choose the theme of the thematic resource."),
    "theme_not_applicable": lambda: _("Only thematic resources have a theme."),
    "subformat_mismatch": lambda: _(
        "This sub-format does not belong to the chosen format."
    ),
    "data_items_required": lambda: _("Describe at least one data item."),
    "data_item_invalid": lambda: _("A data item must have a name and a data type."),
    "data_item_duplicate_name": lambda: _("Two data items have the same name."),
    "data_item_length_required": lambda: _("Character data items need a length."),
    "data_item_length_invalid": lambda: _("The length must be a positive integer."),
    "resource_code_grammar": lambda: _(
        "A resource code is a class digit, a 2-digit item, a 3-digit entry, "
        "optional detail digits, '/' and a 6-digit sequence, e.g. 206001/000001."
    ),
    "resource_code_class": lambda: _(
        "The resource code's first digit must be %(digit)s for this category."
    ),
    "resource_code_taken": lambda: _(
        "This resource code is already used by another catalog entry."
    ),
    "related_code_unknown": lambda: _(
        "No catalog entry has the resource code %(code)s."
    ),
    "related_code_self": lambda: _("An entry cannot be related to itself."),
    "region_code": lambda: _(
        "An administrative division code has 6 digits, e.g. 500103."
    ),
    "uscc_invalid": lambda: _(
        "Not a valid unified social credit code: 18 characters with a correct "
        "check character (GB 32100)."
    ),
    "uscc_taken": lambda: _(
        "Another department already has this unified social credit code."
    ),
    "district_required": lambda: _(
        "A district department needs its district (administrative division code)."
    ),
    "district_not_applicable": lambda: _(
        "Only district departments belong to a district."
    ),
    "catalog_status_forged": lambda: _(
        "The review status changes only through the review workflow: submit the "
        "entry for review; the competent department approves or returns it."
    ),
}


def message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The translated message for a rule ``code``."""
    text = _MESSAGES[code]()
    return text % dict(params) if params else text


def known_codes() -> frozenset[str]:
    return frozenset(_MESSAGES)
