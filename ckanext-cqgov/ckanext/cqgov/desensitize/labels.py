"""Translated names of the detectors' kinds and categories, for messages and
pages (the API keeps the code names)."""

from __future__ import annotations

from ckan.plugins import toolkit as tk


def _labels() -> dict[str, str]:
    _ = tk._
    return {
        "name": _("Personal name"),
        "address": _("Address"),
        "resident_id": _("Resident ID number"),
        "uscc": _("Unified social credit code"),
        "bank_card": _("Bank card number"),
        "mobile": _("Mobile number"),
        "landline": _("Landline number"),
        "phone": _("Phone number"),
        "email": _("E-mail address"),
        "passport": _("Passport number"),
        "plate": _("Vehicle plate"),
        "ipv4": _("IPv4 address"),
        "ipv6": _("IPv6 address"),
        "coordinates": _("Precise coordinates"),
        "age": _("Age"),
        "sex": _("Sex"),
        "birth_date": _("Birth date"),
        "district": _("District"),
        "occupation": _("Occupation"),
        "ethnicity": _("Ethnicity"),
        "education": _("Education"),
        "marital_status": _("Marital status"),
        "postcode": _("Postcode"),
        "none": _("Not sensitive"),
    }


def kind_label(kind: str | None) -> str:
    """The user's-language name of a detector kind or column category."""
    if not kind:
        return ""
    return _labels().get(kind, kind)


def status_label(status: str | None) -> str:
    _ = tk._
    return {
        "queued": _("Queued"),
        "running": _("Running"),
        "clean": _("No sensitive data found"),
        "done": _("Desensitized copies published"),
        "refused": _("Refused: k-anonymity too low"),
        "failed": _("Failed"),
        "unsupported": _("Format not supported"),
    }.get(status or "", status or "")


def source_label(source: str | None) -> str:
    """How a column's category was decided (engine report ``source``)."""
    _ = tk._
    return {
        "data_item": _("declared in the data items"),
        "header": _("column header"),
        "sampling": _("sampled values"),
        "text": _("scanned in the text"),
    }.get(source or "", source or "")
