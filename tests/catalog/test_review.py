"""Review states and catalog deadlines (pure core), on the 2026 calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ckanext.cqgov.catalog import review
from ckanext.cqgov.workdays import SHANGHAI, WorkCalendar

STATUSES = ("draft", "submitted", "approved", "returned")

# (action, from) → to, or None when forbidden: every pair is listed.
TRANSITIONS = {
    ("submit", "draft"): "submitted",
    ("submit", "returned"): "submitted",
    ("submit", "submitted"): None,
    ("submit", "approved"): None,
    ("approve", "submitted"): "approved",
    ("approve", "draft"): None,
    ("approve", "returned"): None,
    ("approve", "approved"): None,
    ("return", "submitted"): "returned",
    ("return", "draft"): None,
    ("return", "returned"): None,
    ("return", "approved"): None,
}


def test_every_pair_is_listed():
    assert set(TRANSITIONS) == {(a, s) for a in review.TRANSITIONS for s in STATUSES}


@pytest.mark.parametrize("action, status", sorted(TRANSITIONS))
def test_transition(action, status):
    expected = TRANSITIONS[(action, status)]
    if expected is None:
        with pytest.raises(review.TransitionError):
            review.next_status(action, status)
    else:
        assert review.next_status(action, status) == expected


def test_missing_status_is_draft_and_unknown_action_refused():
    assert review.next_status("submit", "") == "submitted"
    with pytest.raises(ValueError):
        review.next_status("publish", "draft")


@pytest.mark.parametrize(
    "status, actions",
    [
        ("draft", ["submit"]),
        ("returned", ["submit"]),
        ("submitted", ["approve", "return"]),
        ("approved", []),
    ],
)
def test_allowed_actions(status, actions):
    assert review.allowed_actions(status) == actions


CAL = WorkCalendar()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SHANGHAI)


def ev(action: str, day: str, hour: int = 10) -> review.Event:
    return review.Event(action, at(day, hour))


# (status, events, expected deadlines [(kind, due)])
DEADLINE_CASES = [
    # created Monday 2026-09-28: 10 working days later, across National Day
    ("draft", [ev("created", "2026-09-28")], [("submit", date(2026, 10, 16))]),
    # created on a Saturday of the holiday: received on the next working day
    ("draft", [ev("created", "2026-10-03")], [("submit", date(2026, 10, 21))]),
    # the latest update restarts the clock
    (
        "draft",
        [ev("created", "2026-09-01"), ev("updated", "2026-09-28")],
        [("submit", date(2026, 10, 16))],
    ),
    # submitted or approved: nothing to do
    ("submitted", [ev("created", "2026-09-01"), ev("submit", "2026-09-02")], []),
    ("approved", [ev("created", "2026-09-01"), ev("approve", "2026-09-03")], []),
    # returned: resubmit within 10 working days of the return
    (
        "returned",
        [
            ev("created", "2026-09-01"),
            ev("submit", "2026-09-02"),
            ev("return", "2026-09-28"),
        ],
        [("submit", date(2026, 10, 16))],
    ),
    # a recorded change: update within 15 working days (2026-05-06 + 15; Saturday
    # 2026-05-09 is a make-up working day)
    (
        "approved",
        [
            ev("created", "2026-01-05"),
            ev("approve", "2026-01-06"),
            ev("change_recorded", "2026-05-06"),
        ],
        [("update", date(2026, 5, 26))],
    ),
    # ... the update stops that clock and starts the submission one
    (
        "draft",
        [
            ev("created", "2026-01-05"),
            ev("change_recorded", "2026-05-06"),
            ev("updated", "2026-05-08"),
        ],
        [("submit", date(2026, 5, 21))],
    ),
    # no history: no deadline
    ("draft", [], []),
]


@pytest.mark.parametrize("status, events, expected", DEADLINE_CASES)
def test_open_deadlines(status, events, expected):
    found = review.open_deadlines(status, events, CAL)
    assert [(d.kind, d.due) for d in found] == expected


def test_overdue_and_days_left():
    (deadline,) = review.open_deadlines("draft", [ev("created", "2026-09-28")], CAL)
    assert not deadline.is_overdue(date(2026, 10, 16))
    assert deadline.is_overdue(date(2026, 10, 17))
    assert deadline.working_days_left(CAL, date(2026, 10, 16)) == 0
    assert deadline.working_days_left(CAL, date(2026, 10, 19)) == -1
    assert deadline.working_days_left(CAL, date(2026, 9, 30)) == 8


def test_overrides_move_the_deadline():
    # A year the library does not know: an override makes a Friday a day off.
    plain = WorkCalendar(official_years=())
    closed = WorkCalendar({date(2027, 3, 5): False}, official_years=())
    events = [ev("created", "2027-03-01")]
    (before,) = review.open_deadlines("draft", events, plain)
    (after,) = review.open_deadlines("draft", events, closed)
    assert before.due == date(2027, 3, 15)
    assert after.due == date(2027, 3, 16)
