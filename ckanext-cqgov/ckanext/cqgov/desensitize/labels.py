"""Translated names of the detectors' kinds and categories, job states and
how a column's category was decided, for messages and pages (the API keeps
the code names)."""

from __future__ import annotations

from ckan.plugins import toolkit as tk


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated when shown."""
    return message


# (what is named, code) → English message id
_LABELS = {
    ("kind", "name"): N_("Personal name"),
    ("kind", "address"): N_("Address"),
    ("kind", "resident_id"): N_("Resident ID number"),
    ("kind", "uscc"): N_("Unified social credit code"),
    ("kind", "bank_card"): N_("Bank card number"),
    ("kind", "mobile"): N_("Mobile number"),
    ("kind", "landline"): N_("Landline number"),
    ("kind", "phone"): N_("Phone number"),
    ("kind", "email"): N_("E-mail address"),
    ("kind", "passport"): N_("Passport number"),
    ("kind", "plate"): N_("Vehicle plate"),
    ("kind", "ipv4"): N_("IPv4 address"),
    ("kind", "ipv6"): N_("IPv6 address"),
    ("kind", "coordinates"): N_("Precise coordinates"),
    ("kind", "age"): N_("Age"),
    ("kind", "sex"): N_("Sex"),
    ("kind", "birth_date"): N_("Birth date"),
    ("kind", "district"): N_("District"),
    ("kind", "occupation"): N_("Occupation"),
    ("kind", "ethnicity"): N_("Ethnicity"),
    ("kind", "education"): N_("Education"),
    ("kind", "marital_status"): N_("Marital status"),
    ("kind", "postcode"): N_("Postcode"),
    ("kind", "none"): N_("Not sensitive"),
    ("status", "queued"): N_("Queued"),
    ("status", "running"): N_("Running"),
    ("status", "clean"): N_("No sensitive data found"),
    ("status", "done"): N_("Desensitized copies published"),
    ("status", "refused"): N_("Refused: k-anonymity too low"),
    ("status", "failed"): N_("Failed"),
    ("status", "unsupported"): N_("Format not supported"),
    ("source", "data_item"): N_("declared in the data items"),
    ("source", "header"): N_("column header"),
    ("source", "sampling"): N_("sampled values"),
    ("source", "text"): N_("scanned in the text"),
}


def _label(what: str, code: str | None) -> str:
    message = _LABELS.get((what, code or ""))
    return tk._(message) if message else code or ""


def kind_label(kind: str | None) -> str:
    """The user's-language name of a detector kind or column category."""
    return _label("kind", kind)


def status_label(status: str | None) -> str:
    """The user's-language name of a job state."""
    return _label("status", status)


def source_label(source: str | None) -> str:
    """How a column's category was decided (engine report ``source``)."""
    return _label("source", source)
