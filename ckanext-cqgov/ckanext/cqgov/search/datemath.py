"""Solr date math: ``NOW``, ``NOW-1DAY``, ``NOW/DAY+7DAYS``,
``2020-01-01T00:00:00Z+1MONTH``. Pure module: no CKAN imports."""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

_UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "WEEK": "weeks",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
    "MILLI": "microseconds",
    "MILLISECOND": "microseconds",
}
_OP_RE = re.compile(r"([+-]\d+|/)([A-Z]+?)S?(?=[+/-]|$)")
_ANCHOR_RE = re.compile(
    r"^(?P<anchor>NOW|\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+)?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"(?P<ops>.*)$"
)


class DateMathError(ValueError):
    pass


def _parse_anchor(anchor: str, now: dt.datetime) -> dt.datetime:
    if anchor == "NOW":
        return now
    text = anchor.replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as e:
        raise DateMathError(f"invalid date {anchor!r}") from e
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _round(value: dt.datetime, unit: str) -> dt.datetime:
    if unit == "YEAR":
        return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "MONTH":
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "WEEK":
        day = value.replace(hour=0, minute=0, second=0, microsecond=0)
        return day - dt.timedelta(days=day.weekday())
    if unit in ("DAY", "DATE"):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "HOUR":
        return value.replace(minute=0, second=0, microsecond=0)
    if unit == "MINUTE":
        return value.replace(second=0, microsecond=0)
    if unit == "SECOND":
        return value.replace(microsecond=0)
    return value


def parse(expr: str, now: dt.datetime | None = None) -> dt.datetime:
    """The UTC instant a Solr date (math) expression denotes."""
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    text = expr.strip().upper()
    match = _ANCHOR_RE.match(text)
    if not match:
        raise DateMathError(f"invalid date {expr!r}")
    value = _parse_anchor(match.group("anchor"), now)
    ops = match.group("ops")
    pos = 0
    for op in _OP_RE.finditer(ops):
        if op.start() != pos:
            break
        pos = op.end()
        sign, unit = op.groups()
        if unit not in _UNITS:
            raise DateMathError(f"unknown date unit {unit!r} in {expr!r}")
        if sign == "/":
            value = _round(value, unit)
        else:
            amount = int(sign)
            if unit in ("MILLI", "MILLISECOND"):
                amount *= 1000
            value = value + relativedelta(**{_UNITS[unit]: amount})
    if pos != len(ops):
        raise DateMathError(f"invalid date math {expr!r}")
    return value
