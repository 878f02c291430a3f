"""The state machines of the regulation's request-and-answer duties.

Five kinds of item, each a small state machine:

* ``share_application`` (Art. 16): a department asks for a conditional entry's
  data; the provider approves (→ share grant) or refuses; after a refusal the
  applicant may dispute and the competent department upholds the refusal or
  orders sharing (→ share grant).
* ``open_application`` (Art. 21): a registered user asks for an on-application
  entry's open data; the provider approves (→ open grant) or refuses.
* ``opening_request`` (Art. 23): a registered user asks for data to be opened;
  the provider agrees (with a date) or disagrees.
* ``error_report`` (Art. 19): someone who sees the data reports a wrong value;
  the provider confirms and corrects it, or verifies it is correct.
* ``feedback`` (Art. 24): a comment with a rating; the provider replies; a
  moderator hides it when abusive.

Every transition names the role allowed to make it and the fields it requires;
the CKAN adapter checks the role and fields and records the transition in the
item's append-only history. Pure Python: no CKAN imports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    SHARE_APPLICATION = "share_application"
    OPEN_APPLICATION = "open_application"
    OPENING_REQUEST = "opening_request"
    ERROR_REPORT = "error_report"
    FEEDBACK = "feedback"


class Role(str, enum.Enum):
    """Who acts on an item (decided by the adapter from memberships)."""

    #: the person (and, for share applications, the department) who submitted it
    APPLICANT = "applicant"
    #: an editor or admin of the providing organization
    PROVIDER = "provider"
    #: a member of a competent department (主管部门) over the provider
    COMPETENT = "competent"
    #: provider admins and the competent department, for feedback
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    role: Role
    #: fields the transition must be given (non-empty)
    requires: tuple[str, ...] = ()


def _t(action, sources, target, role, requires=()):
    if isinstance(sources, str):
        sources = (sources,)
    return Transition(action, frozenset(sources), target, role, tuple(requires))


#: kind → the state an item starts in
INITIAL: dict[Kind, str] = {
    Kind.SHARE_APPLICATION: "submitted",
    Kind.OPEN_APPLICATION: "submitted",
    Kind.OPENING_REQUEST: "submitted",
    Kind.ERROR_REPORT: "submitted",
    Kind.FEEDBACK: "published",
}

_APPROVE_FIELDS = ("terms", "valid_from", "valid_until")

TRANSITIONS: dict[Kind, tuple[Transition, ...]] = {
    Kind.SHARE_APPLICATION: (
        _t("approve", "submitted", "approved", Role.PROVIDER, _APPROVE_FIELDS),
        _t("refuse", "submitted", "refused", Role.PROVIDER, ("reason",)),
        _t("dispute", "refused", "disputed", Role.APPLICANT, ("reason",)),
        _t("uphold", "disputed", "refusal_upheld", Role.COMPETENT, ("reason",)),
        _t(
            "order",
            "disputed",
            "sharing_ordered",
            Role.COMPETENT,
            ("reason", *_APPROVE_FIELDS),
        ),
    ),
    Kind.OPEN_APPLICATION: (
        _t("approve", "submitted", "approved", Role.PROVIDER, _APPROVE_FIELDS),
        _t("refuse", "submitted", "refused", Role.PROVIDER, ("reason",)),
    ),
    Kind.OPENING_REQUEST: (
        _t("agree", "submitted", "agreed", Role.PROVIDER, ("open_by",)),
        _t("disagree", "submitted", "disagreed", Role.PROVIDER, ("reason",)),
    ),
    Kind.ERROR_REPORT: (
        _t(
            "confirm",
            "submitted",
            "corrected",
            Role.PROVIDER,
            ("explanation", "correction_link"),
        ),
        _t("verify", "submitted", "verified_correct", Role.PROVIDER, ("explanation",)),
    ),
    Kind.FEEDBACK: (
        _t("reply", "published", "replied", Role.PROVIDER, ("reply",)),
        _t("hide", ("published", "replied"), "hidden", Role.MODERATOR, ("reason",)),
    ),
}

#: states that wait for an answer with a deadline, by kind
AWAITING_ANSWER: dict[Kind, frozenset[str]] = {
    Kind.SHARE_APPLICATION: frozenset({"submitted", "disputed"}),
    Kind.OPEN_APPLICATION: frozenset({"submitted"}),
    Kind.OPENING_REQUEST: frozenset({"submitted"}),
    Kind.ERROR_REPORT: frozenset({"submitted"}),
    Kind.FEEDBACK: frozenset(),
}

#: transitions whose outcome is a grant of access
GRANTING_ACTIONS = frozenset({"approve", "order"})


class TransitionError(Exception):
    """The action is not allowed: wrong state, wrong role or missing fields.

    ``field`` names the offending input (``action``, ``status`` or a required
    field) so the adapter can report it per field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def states(kind: Kind) -> frozenset[str]:
    result = {INITIAL[kind]}
    for t in TRANSITIONS[kind]:
        result |= t.sources | {t.target}
    return frozenset(result)


def actions(kind: Kind) -> tuple[str, ...]:
    return tuple(t.action for t in TRANSITIONS[kind])


def transition_for(kind: Kind, action: str) -> Transition:
    for t in TRANSITIONS[kind]:
        if t.action == action:
            return t
    raise TransitionError(
        "action",
        f"unknown action {action!r} for {kind.value}; one of: "
        + ", ".join(actions(kind)),
    )


def allowed_actions(kind: Kind, status: str, roles: set[Role]) -> list[str]:
    """The actions ``roles`` may take on an item of ``kind`` in ``status``."""
    return [
        t.action for t in TRANSITIONS[kind] if status in t.sources and t.role in roles
    ]


def is_final(kind: Kind, status: str) -> bool:
    return not any(status in t.sources for t in TRANSITIONS[kind])


def awaits_answer(kind: Kind, status: str) -> bool:
    return status in AWAITING_ANSWER[kind]


def apply(
    kind: Kind, status: str, action: str, roles: set[Role], fields: dict
) -> Transition:
    """Check that ``roles`` may take ``action`` on an item in ``status`` with
    ``fields``; return the transition (its ``target`` is the new state).

    Raises :class:`TransitionError` naming the reason: ``action`` (unknown),
    ``role`` (someone else's item), ``status`` (already answered / not in a
    state that allows it) or the first missing required field.
    """
    t = transition_for(kind, action)
    if t.role not in roles:
        raise TransitionError("role", f"only the {t.role.value} may {action}")
    if status not in t.sources:
        raise TransitionError(
            "status",
            f"cannot {action} an item that is {status}"
            + (" (it has already been answered)" if is_final(kind, status) else ""),
        )
    for name in t.requires:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise TransitionError(name, f"{name} is required to {action}")
    return t
