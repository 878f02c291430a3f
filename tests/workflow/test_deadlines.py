"""Deadline arithmetic across holidays and make-up working days (调休).

2026: Labour Day 1–5 May off, Sat 9 May worked; Mid-Autumn Festival Fri 25 Sep
off; National Day 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are make-up working days.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ckanext.cqgov.workdays import SHANGHAI, WorkCalendar
from ckanext.cqgov.workflow import deadlines as d
from ckanext.cqgov.workflow.machine import Kind

CAL = WorkCalendar()
RULES = d.DeadlineRules()


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "kind, submitted, due",
    [
        # Fri 18 Sep: 20 Sep (Sun, make-up) counts, 25 Sep and 1–7 Oct do not.
        (Kind.SHARE_APPLICATION, at(2026, 9, 18, 10), date(2026, 10, 9)),
        (Kind.OPEN_APPLICATION, at(2026, 9, 18, 23, 59), date(2026, 10, 9)),
        (Kind.OPENING_REQUEST, at(2026, 9, 18, 10), date(2026, 10, 9)),
        # 5 working days for error reports: 20, 21, 22, 23, 24 Sep.
        (Kind.ERROR_REPORT, at(2026, 9, 18, 10), date(2026, 9, 24)),
        # Submitted on a holiday: received Thu 8 Oct; Sat 10 Oct counts.
        (Kind.SHARE_APPLICATION, at(2026, 10, 3, 12), date(2026, 10, 21)),
        # After Labour Day: Sat 9 May 2026 is a make-up working day.
        (Kind.SHARE_APPLICATION, at(2026, 5, 6, 9), date(2026, 5, 19)),
        # Submitted during the holiday: received Wed 6 May, the same due date.
        (Kind.SHARE_APPLICATION, at(2026, 5, 2, 9), date(2026, 5, 19)),
        (Kind.FEEDBACK, at(2026, 5, 6, 9), None),
    ],
)
def test_due_date(kind, submitted, due):
    assert d.due_date(CAL, RULES, kind, submitted) == due


def test_utc_time_is_counted_on_the_shanghai_day():
    from datetime import timezone

    # 17:00 UTC on Thu 17 Sep is 01:00 on Fri 18 Sep in Chongqing.
    late = datetime(2026, 9, 17, 17, 0, tzinfo=timezone.utc)
    assert d.due_date(CAL, RULES, Kind.SHARE_APPLICATION, late) == date(2026, 10, 9)


def test_configurable_error_report_days():
    rules = d.DeadlineRules(error_report_days=3)
    assert d.due_date(CAL, rules, Kind.ERROR_REPORT, at(2026, 9, 18, 10)) == date(
        2026, 9, 22
    )


@pytest.mark.parametrize(
    "due, reminder",
    [
        (date(2026, 10, 9), date(2026, 9, 30)),  # back over National Day
        (date(2026, 5, 20), date(2026, 5, 18)),
        (date(2026, 9, 22), date(2026, 9, 20)),  # the make-up Sunday counts
    ],
)
def test_reminder_day(due, reminder):
    assert d.reminder_day(CAL, RULES, due) == reminder


@pytest.mark.parametrize(
    "today, state, left",
    [
        (date(2026, 9, 29), d.DeadlineState.ON_TIME, 3),
        (date(2026, 9, 30), d.DeadlineState.DUE_SOON, 2),
        (date(2026, 10, 4), d.DeadlineState.DUE_SOON, 2),  # holiday
        (date(2026, 10, 9), d.DeadlineState.DUE_SOON, 0),
        (date(2026, 10, 10), d.DeadlineState.OVERDUE, -1),  # make-up Saturday
        (date(2026, 10, 11), d.DeadlineState.OVERDUE, -1),
        (date(2026, 10, 12), d.DeadlineState.OVERDUE, -2),
    ],
)
def test_state_and_days_left(today, state, left):
    due = date(2026, 10, 9)
    assert d.deadline_state(CAL, RULES, due, today) is state
    assert d.working_days_left(CAL, due, today) == left


def test_overrides_move_the_deadline():
    # A locally ordered closure on Mon 18 May 2026 pushes the due date by a day.
    cal = WorkCalendar({date(2026, 5, 18): False})
    assert d.due_date(cal, RULES, Kind.SHARE_APPLICATION, at(2026, 5, 6, 9)) == date(
        2026, 5, 20
    )


def test_local_day_needs_an_aware_time():
    with pytest.raises(ValueError):
        d.local_day(datetime(2026, 5, 6))
    assert d.local_day(at(2026, 5, 6, 0, 30)) == date(2026, 5, 6)
