"""The review workflow of catalog entries and its deadlines (Arts. 6–8). Pure.

States (``catalog_status``)::

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                   │  ▲                  │
      │                return │ submit          │ catalog fields changed
      │                   ▼  │                  ▼
      │               returned                draft
      └── created

* ``submit``: the department reports a ``draft`` or ``returned`` entry to the
  competent department (a returned entry is *resubmitted*).
* ``approve`` / ``return``: the competent department decides a ``submitted``
  entry; returning needs a reason.
* A change to an approved entry's catalog fields puts it back to ``draft``.

Deadlines, in working days (Art. 7–8):

* an entry created or updated (or returned) must be submitted within
  :data:`SUBMIT_DAYS` working days — the clock runs while it is ``draft`` or
  ``returned``;
* after the department records that the legal basis or its functions changed
  (``change_recorded``), the entry must be updated within :data:`UPDATE_DAYS`
  working days; the next catalog update stops that clock (and starts the
  submission one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ckanext.cqgov.workdays import WorkCalendar

SUBMIT_DAYS = 10
UPDATE_DAYS = 15

#: action → (the states it starts from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted"),
    "approve": (frozenset({"submitted"}), "approved"),
    "return": (frozenset({"submitted"}), "returned"),
}
#: Actions that need a comment (the reason).
NEEDS_COMMENT = frozenset({"return"})

#: Event actions besides the transitions.
CREATED = "created"
UPDATED = "updated"
STATUS_SET = "status_set"  # a sysadmin set the status directly
CHANGE_RECORDED = "change_recorded"

#: Events that (re)start the clock for submitting.
_SUBMIT_CLOCK_STARTERS = frozenset({CREATED, UPDATED, "return", STATUS_SET})
#: The states in which an entry waits for its department to submit it.
WAITING_FOR_DEPARTMENT = frozenset({"draft", "returned"})


class TransitionError(ValueError):
    """The action is not possible from the entry's current state."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"cannot {action} an entry that is {status}")
        self.action = action
        self.status = status


def next_status(action: str, status: str) -> str:
    """The state ``action`` leads to from ``status``; :class:`TransitionError`
    when it is not allowed there."""
    if action not in TRANSITIONS:
        raise ValueError(f"unknown review action {action!r}")
    sources, target = TRANSITIONS[action]
    if (status or "draft") not in sources:
        raise TransitionError(action, status or "draft")
    return target


def allowed_actions(status: str) -> list[str]:
    """The review actions possible from ``status``, in workflow order."""
    return [
        a for a, (sources, _) in TRANSITIONS.items() if (status or "draft") in sources
    ]


@dataclass(frozen=True)
class Event:
    """One recorded step of an entry's history (what the deadlines need)."""

    action: str
    at: datetime
    to_status: str | None = None


@dataclass(frozen=True)
class Deadline:
    """Something the department has to do by ``due``."""

    #: ``submit`` (report the entry) or ``update`` (after a recorded change)
    kind: str
    since: datetime
    due: date

    def is_overdue(self, today: date) -> bool:
        return today > self.due

    def working_days_left(self, calendar: WorkCalendar, today: date) -> int:
        """0 = due today; negative = working days overdue."""
        return calendar.working_days_between(today, self.due)


def open_deadlines(
    status: str, events: Sequence[Event], calendar: WorkCalendar
) -> list[Deadline]:
    """The department's pending duties for an entry in ``status`` whose history
    (oldest first) is ``events``."""
    deadlines: list[Deadline] = []
    ordered = sorted(events, key=lambda e: e.at)
    if (status or "draft") in WAITING_FOR_DEPARTMENT:
        start = _last(ordered, _SUBMIT_CLOCK_STARTERS)
        if start is not None:
            deadlines.append(
                Deadline("submit", start.at, calendar.due_date(start.at, SUBMIT_DAYS))
            )
    change = _last(ordered, {CHANGE_RECORDED})
    if change is not None and not any(
        e.action == UPDATED and e.at > change.at for e in ordered
    ):
        deadlines.append(
            Deadline("update", change.at, calendar.due_date(change.at, UPDATE_DAYS))
        )
    return deadlines


def _last(events: Iterable[Event], actions: Iterable[str]) -> Event | None:
    wanted = frozenset(actions)
    found = None
    for event in events:
        if event.action in wanted:
            found = event
    return found
