"""Scheming validators: the catalog rules wired into CKAN's validation.

Thin layer over :mod:`~ckanext.cqgov.catalog.rules`,
:mod:`~ckanext.cqgov.catalog.codes` and :mod:`~ckanext.cqgov.catalog.uscc`;
every error lands on the field to fix, in the request's language.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing, unflatten
from ckan.logic.converters import convert_to_extras
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.cqgov.catalog import codes, rules, vocab
from ckanext.cqgov.catalog.messages import message
from ckanext.cqgov.catalog.uscc import is_valid_uscc

#: Context key our workflow actions set to the status they move an entry to.
WORKFLOW_STATUS = "cqgov_workflow_status"
#: Attribute of the package being updated where validation leaves what happened
#: to the status, for the after-save hook that records it:
#: ``(previous, new, metadata_changed)``. (Validators get a copy of the action's
#: context, but the same package object.)
STATUS_OUTCOME = "cqgov_status_outcome"

#: The fields whose change is a change of the catalog entry (a new version to
#: report within 10 working days), as opposed to data or presentation.
CATALOG_FIELDS = (
    "title",
    "notes",
    "owner_org",
    "resource_category",
    "basic_type",
    "theme",
    "resource_code",
    "format_type",
    "format_subtype",
    "data_items",
    "share_type",
    "share_condition",
    "share_basis",
    "share_method",
    "open_type",
    "open_condition",
    "open_basis",
    "update_cycle",
    "related_codes",
    "region",
    "source_system",
    "contact",
)

_REGION = re.compile(r"^[0-9]{6}$")


def _add_error(errors: FlattenErrorDict, key: FlattenKey, text: str) -> None:
    errors.setdefault(key, []).append(text)


def _value(data: FlattenDataDict, name: str) -> Any:
    value = data.get((name,), missing)
    return None if value is missing else value


def _set_stored(data: FlattenDataDict, errors, context, name: str, value: Any) -> None:
    """Set a scheming extra field after its own validators ran."""
    data[(name,)] = value
    for key in list(data):
        is_extra_key = len(key) == 3 and key[0] == "extras" and key[2] == "key"
        if is_extra_key and data[key] == name:
            data[("extras", key[1], "value")] = value
            return
    convert_to_extras((name,), data, errors, context)


def _data_items(data: FlattenDataDict) -> list[dict[str, Any]]:
    items = unflatten(
        {k: v for k, v in data.items() if k and k[0] == "data_items"}
    ).get("data_items", [])
    return [
        {k: (None if v is missing else v) for k, v in item.items()}
        for item in items
        if isinstance(item, dict)
    ]


def _is_sysadmin(context: Context) -> bool:
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    return bool(user and getattr(user, "sysadmin", False))


# --- simple field validators ---------------------------------------------------


def cqgov_region_code(value: Any) -> Any:
    """A 6-digit administrative division code (GB/T 2260)."""
    if value and not _REGION.match(str(value)):
        raise tk.Invalid(message("region_code"))
    return value


def cqgov_uscc(key: FlattenKey, data: FlattenDataDict, errors, context) -> None:
    """A valid (GB 32100) unified social credit code no other department has."""
    value = data.get(key)
    if not value:
        return
    value = str(value).upper()
    data[key] = value
    if not is_valid_uscc(value):
        _add_error(errors, key, message("uscc_invalid"))
        raise StopOnError
    group = context.get("group")
    query = (
        model.Session.query(model.GroupExtra.group_id)
        .join(model.Group, model.Group.id == model.GroupExtra.group_id)
        .filter(model.GroupExtra.key == "uscc")
        .filter(model.GroupExtra.value == value)
        .filter(model.Group.state != "deleted")
    )
    if group is not None and getattr(group, "id", None):
        query = query.filter(model.GroupExtra.group_id != group.id)
    if query.first() is not None:
        _add_error(errors, key, message("uscc_taken"))


def cqgov_computed_field(key: FlattenKey, data: FlattenDataDict, errors, context):
    """Never stored: a field package_show computes (the provider code is the
    owner organization's USCC; 一数一源 candidates are found anew), so a shown
    entry can be sent back to package_update."""
    data.pop(key, None)
    raise StopOnError


def cqgov_default_audience(key: FlattenKey, data: FlattenDataDict, errors, context):
    """A resource without an audience gets the default of its entry's data items."""
    value = data.get(key)
    if value is missing or value is None or value == "":
        data[key] = vocab.default_audience(_data_items(data))


def cqgov_catalog_status(key: FlattenKey, data: FlattenDataDict, errors, context):
    """Keep the review status; only the workflow (or a sysadmin) changes it.

    A value that differs from the stored one is refused for anyone else, with a
    message that says how the status does change.
    """
    package = context.get("package")
    stored = package.extras.get("catalog_status") if package is not None else None
    current = stored or "draft"
    workflow = context.get(WORKFLOW_STATUS)
    requested = data.get(key)
    if workflow:
        data[key] = workflow
        return
    if requested in (missing, None, "") or requested == current:
        data[key] = current
        return
    if requested in vocab.CATALOG_STATUSES and _is_sysadmin(context):
        data[key] = requested
        return
    _add_error(errors, key, message("catalog_status_forged"))
    raise StopOnError


# --- the entry as a whole ------------------------------------------------------


def _entry(data: FlattenDataDict) -> dict[str, Any]:
    entry = {
        name: _value(data, name)
        for name in CATALOG_FIELDS
        if name not in ("data_items", "related_codes")
    }
    entry["data_items"] = _data_items(data)
    entry["related_codes"] = _codes_list(_value(data, "related_codes"))
    return entry


def _codes_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def _package_id(context: Context) -> str | None:
    package = context.get("package")
    return getattr(package, "id", None)


def _codes_in_use(exclude_package: str | None) -> list[str]:
    query = (
        model.Session.query(model.PackageExtra.value)
        .join(model.Package, model.Package.id == model.PackageExtra.package_id)
        .filter(model.PackageExtra.key == "resource_code")
        .filter(model.PackageExtra.state == "active")
        .filter(model.Package.state != "deleted")
    )
    if exclude_package:
        query = query.filter(model.Package.id != exclude_package)
    return [value for (value,) in query]


def _check_resource_code(data, errors, context, entry: dict[str, Any]) -> None:
    key = ("resource_code",)
    code = entry.get("resource_code")
    category = entry.get("resource_category")
    in_use = _codes_in_use(_package_id(context))
    if not code:
        if category not in vocab.CATEGORY_CLASS_DIGIT:
            return  # the category's own error says what to fix first
        front = codes.default_front_code(
            category, entry.get("basic_type") or "", entry.get("theme") or ""
        )
        _set_stored(
            data,
            errors,
            context,
            "resource_code",
            codes.next_resource_code(front, in_use),
        )
        return
    parsed = codes.parse_resource_code(code)
    if parsed is None:
        _add_error(errors, key, message("resource_code_grammar"))
        return
    digit = codes.class_digit_for(category or "")
    if digit and parsed.cls != digit:
        _add_error(errors, key, message("resource_code_class", {"digit": digit}))
    if code in in_use:
        _add_error(errors, key, message("resource_code_taken"))


def _check_related_codes(errors, context, entry: dict[str, Any]) -> None:
    key = ("related_codes",)
    related = entry["related_codes"]
    if not related:
        return
    own = entry.get("resource_code")
    known = set(_codes_in_use(_package_id(context)))
    for code in related:
        if own and code == own:
            _add_error(errors, key, message("related_code_self"))
        elif code not in known:
            _add_error(errors, key, message("related_code_unknown", {"code": code}))


def _stored_catalog_values(package: model.Package) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": package.title,
        "notes": package.notes,
        "owner_org": package.owner_org,
    }
    for name in CATALOG_FIELDS:
        if name not in values:
            values[name] = package.extras.get(name)
    return values


def _normalized(name: str, value: Any) -> Any:
    if name == "data_items":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return [
            {k: v for k, v in sorted(item.items()) if v not in (None, "")}
            for item in value or []
            if isinstance(item, dict)
        ]
    if name == "related_codes":
        return _codes_list(value)
    return value if value not in (None, "") else None


def catalog_metadata_changed(package: model.Package | None, entry: dict) -> bool:
    """Whether ``entry`` differs from the stored ``package`` in a catalog field."""
    if package is None:
        return True
    stored = _stored_catalog_values(package)
    if entry.get("owner_org") is None:
        entry = {**entry, "owner_org": package.owner_org}
    return any(
        _normalized(name, stored.get(name)) != _normalized(name, entry.get(name))
        for name in CATALOG_FIELDS
    )


def cqgov_catalog_entry_rules(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context
) -> None:
    """The regulation's cross-field rules, the resource code and related codes.

    Runs after every field is validated. Also notes whether the catalog
    metadata changed: an approved entry whose catalog fields change goes back
    to ``draft`` (it must be reviewed again before the change is published).
    """
    entry = _entry(data)
    for problem in rules.entry_problems(entry):
        _add_error(errors, problem.field, message(problem.code, problem.params))
    _check_resource_code(data, errors, context, entry)
    _check_related_codes(errors, context, entry)

    package = context.get("package")
    entry["resource_code"] = _value(data, "resource_code")
    changed = catalog_metadata_changed(package, entry)
    previous = package.extras.get("catalog_status") if package is not None else None
    status = _value(data, "catalog_status") or "draft"
    if (
        changed
        and package is not None
        and status == "approved"
        and previous == "approved"
        and not context.get(WORKFLOW_STATUS)
    ):
        status = "draft"
        _set_stored(data, errors, context, "catalog_status", status)
    if package is not None:
        setattr(package, STATUS_OUTCOME, (previous, status, changed))


def cqgov_organization_rules(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context
) -> None:
    """A district department names its district (defaulting to its region)."""
    level = _value(data, "level")
    district = _value(data, "parent_district")
    region = _value(data, "region")
    if level == "district" and not district:
        if region and _REGION.match(str(region)):
            _set_stored(data, errors, context, "parent_district", region)
        else:
            _add_error(errors, ("parent_district",), message("district_required"))
    elif level != "district" and district:
        _add_error(errors, ("parent_district",), message("district_not_applicable"))


def get_validators() -> dict[str, Any]:
    return {
        "cqgov_region_code": cqgov_region_code,
        "cqgov_uscc": cqgov_uscc,
        "cqgov_computed_field": cqgov_computed_field,
        "cqgov_default_audience": cqgov_default_audience,
        "cqgov_catalog_status": cqgov_catalog_status,
        "cqgov_catalog_entry_rules": cqgov_catalog_entry_rules,
        "cqgov_organization_rules": cqgov_organization_rules,
    }
