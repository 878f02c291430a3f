"""Deadlines of the items that wait for an answer, counted in working days.

* Applications and opening requests: answered within 10 working days of
  receipt (Arts. 16, 21, 23); error reports: verified within a configurable
  number of working days, 5 by default (Art. 19). A dispute is decided by the
  competent department within the same 10 working days of being raised.
* A reminder goes out 2 working days before the due date.
* The day after the due date the item is overdue and escalated to the
  competent department (Art. 38 makes the department accountable).

Dates are Asia/Shanghai calendar days; the due date is the whole of that day.
Pure Python: the calendar comes from :mod:`ckanext.cqgov.workdays`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ckanext.cqgov.workdays import SHANGHAI, WorkCalendar
from ckanext.cqgov.workflow.machine import Kind


@dataclass(frozen=True)
class DeadlineRules:
    answer_days: int = 10
    error_report_days: int = 5
    reminder_days_before: int = 2

    def days_for(self, kind: Kind) -> int | None:
        """Working days to answer an item of ``kind`` (None: no deadline)."""
        if kind is Kind.FEEDBACK:
            return None
        if kind is Kind.ERROR_REPORT:
            return self.error_report_days
        return self.answer_days


class DeadlineState(str, enum.Enum):
    ON_TIME = "on_time"
    #: within the reminder window (due in ``reminder_days_before`` working days
    #: or fewer)
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of an aware time."""
    if moment.tzinfo is None:
        raise ValueError("moment must be time-zone aware")
    return moment.astimezone(SHANGHAI).date()


def due_date(
    calendar: WorkCalendar, rules: DeadlineRules, kind: Kind, started_at: datetime
) -> date | None:
    """The last day to answer an item of ``kind`` received at ``started_at``."""
    days = rules.days_for(kind)
    if days is None:
        return None
    return calendar.due_date(started_at, days)


def reminder_day(calendar: WorkCalendar, rules: DeadlineRules, due: date) -> date:
    """The working day ``reminder_days_before`` working days before ``due``."""
    d, remaining = due, rules.reminder_days_before
    while remaining:
        d -= timedelta(days=1)
        if calendar.is_working_day(d):
            remaining -= 1
    return d


def deadline_state(
    calendar: WorkCalendar, rules: DeadlineRules, due: date, today: date
) -> DeadlineState:
    if today > due:
        return DeadlineState.OVERDUE
    if today >= reminder_day(calendar, rules, due):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def working_days_left(calendar: WorkCalendar, due: date, today: date) -> int:
    """Working days left until ``due`` (0 = due today; negative = overdue by)."""
    return calendar.working_days_between(today, due)
