"""The admin-editable override table feeding the working-day calendar.

CKAN adapter: :func:`current_calendar` is the calendar every deadline uses;
the ``cqgov_workday_override_*`` actions maintain the table. Who may change it:
sysadmins and editors/admins of a municipal competent department (working days
are the same for the whole city).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.cqgov.workdays import WorkCalendar
from ckanext.cqgov.workdays.model import WorkdayOverride

_ = tk._


def overrides() -> dict[dt.date, bool]:
    """date → is working day, from the table."""
    return {row.day: row.is_working_day for row in model.Session.query(WorkdayOverride)}


def current_calendar() -> WorkCalendar:
    """The working-day calendar with the administrators' overrides."""
    return WorkCalendar(overrides())


def _as_dict(row: WorkdayOverride) -> dict[str, Any]:
    return {
        "day": row.day.isoformat(),
        "is_working_day": row.is_working_day,
        "note": row.note or "",
        "updated_by": row.updated_by,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def _day(data_dict: DataDict) -> dt.date:
    value = data_dict.get("day")
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise tk.ValidationError(
            {"day": [_("A date like 2027-10-01 is required.")]}
        ) from None


def _user_id(context: Context) -> str | None:
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


def workday_override_set(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Declare a day a working day or a day off, overriding the holiday data.

    :param day: the date, ``YYYY-MM-DD``
    :param is_working_day: ``true`` (e.g. a make-up working Saturday) or
        ``false`` (e.g. a holiday)
    :param note: why (e.g. the notice it comes from); optional
    :returns: the override
    :raises ValidationError: bad date or missing ``is_working_day``
    :raises NotAuthorized: not a sysadmin or a municipal competent department's
        editor/admin
    """
    tk.check_access("cqgov_workday_override_set", context, data_dict)
    day = _day(data_dict)
    raw = data_dict.get("is_working_day")
    if raw is None or str(raw).lower() not in {"true", "false", "1", "0"}:
        raise tk.ValidationError(
            {
                "is_working_day": [
                    _("Say whether the day is a working day (true/false).")
                ]
            }
        )
    row = model.Session.get(WorkdayOverride, day) or WorkdayOverride(day=day)
    row.is_working_day = str(raw).lower() in {"true", "1"}
    row.note = str(data_dict.get("note") or "").strip()
    row.updated_by = _user_id(context)
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    model.Session.add(row)
    model.Session.commit()
    return _as_dict(row)


def workday_override_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Remove the override of a day (the holiday data applies again).

    :param day: the date, ``YYYY-MM-DD``
    :returns: ``{"day": ..., "deleted": true}``
    :raises NotFound: no override for that day
    :raises NotAuthorized: as for ``cqgov_workday_override_set``
    """
    tk.check_access("cqgov_workday_override_delete", context, data_dict)
    day = _day(data_dict)
    row = model.Session.get(WorkdayOverride, day)
    if row is None:
        raise tk.ObjectNotFound(_("No override for this day."))
    model.Session.delete(row)
    model.Session.commit()
    return {"day": day.isoformat(), "deleted": True}


def workday_override_list(context: Context, data_dict: DataDict) -> list[dict]:
    """The overrides, by date; anyone may read them (deadlines depend on them).

    :param year: only this year; optional
    :returns: list of ``{day, is_working_day, note, updated_by, updated_at}``
    """
    tk.check_access("cqgov_workday_override_list", context, data_dict)
    query = model.Session.query(WorkdayOverride).order_by(WorkdayOverride.day)
    year = data_dict.get("year")
    if year:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise tk.ValidationError({"year": [_("A year like 2027.")]}) from None
        query = query.filter(
            WorkdayOverride.day >= dt.date(year, 1, 1),
            WorkdayOverride.day <= dt.date(year, 12, 31),
        )
    return [_as_dict(row) for row in query]


# --- auth ------------------------------------------------------------------------


def _may_edit_calendar(context: Context) -> dict[str, Any]:
    from ckanext.cqgov.catalog.reviewers import is_municipal_competent_staff

    user = model.User.get(context.get("user") or "")
    if user is not None and (user.sysadmin or is_municipal_competent_staff(user.id)):
        return {"success": True}
    return {
        "success": False,
        "msg": _(
            "Only sysadmins and the municipal competent department maintain "
            "working days; ask them to add the override."
        ),
    }


def workday_override_set_auth(context: Context, data_dict: DataDict):
    return _may_edit_calendar(context)


def workday_override_delete_auth(context: Context, data_dict: DataDict):
    return _may_edit_calendar(context)


@tk.auth_allow_anonymous_access
def workday_override_list_auth(context: Context, data_dict: DataDict):
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "cqgov_workday_override_set": workday_override_set,
        "cqgov_workday_override_delete": workday_override_delete,
        "cqgov_workday_override_list": workday_override_list,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "cqgov_workday_override_set": workday_override_set_auth,
        "cqgov_workday_override_delete": workday_override_delete_auth,
        "cqgov_workday_override_list": workday_override_list_auth,
    }
