"""Every transition of every workflow state machine, allowed and forbidden."""

from __future__ import annotations

import itertools

import pytest

from ckanext.cqgov.workflow import machine as m
from ckanext.cqgov.workflow.machine import Kind, Role

K = Kind
# (kind, action, from, to, role): the whole table, written out independently of
# the module so a changed rule shows up here.
ALLOWED = {
    (K.SHARE_APPLICATION, "approve", "submitted", "approved", Role.PROVIDER),
    (K.SHARE_APPLICATION, "refuse", "submitted", "refused", Role.PROVIDER),
    (K.SHARE_APPLICATION, "dispute", "refused", "disputed", Role.APPLICANT),
    (K.SHARE_APPLICATION, "uphold", "disputed", "refusal_upheld", Role.COMPETENT),
    (K.SHARE_APPLICATION, "order", "disputed", "sharing_ordered", Role.COMPETENT),
    (K.OPEN_APPLICATION, "approve", "submitted", "approved", Role.PROVIDER),
    (K.OPEN_APPLICATION, "refuse", "submitted", "refused", Role.PROVIDER),
    (K.OPENING_REQUEST, "agree", "submitted", "agreed", Role.PROVIDER),
    (K.OPENING_REQUEST, "disagree", "submitted", "disagreed", Role.PROVIDER),
    (K.ERROR_REPORT, "confirm", "submitted", "corrected", Role.PROVIDER),
    (K.ERROR_REPORT, "verify", "submitted", "verified_correct", Role.PROVIDER),
    (K.FEEDBACK, "reply", "published", "replied", Role.PROVIDER),
    (K.FEEDBACK, "hide", "published", "hidden", Role.MODERATOR),
    (K.FEEDBACK, "hide", "replied", "hidden", Role.MODERATOR),
}
ALL_FIELDS = {
    "terms": "仅用于审批核验",
    "valid_from": "2026-05-01",
    "valid_until": "2026-12-31",
    "reason": "依据不足",
    "open_by": "2026-12-01",
    "explanation": "已核实",
    "correction_link": "https://example.invalid/r/1",
    "reply": "谢谢",
}


def every_case():
    for kind in Kind:
        for status, action, role in itertools.product(
            sorted(m.states(kind)), m.actions(kind), Role
        ):
            yield kind, status, action, role


@pytest.mark.parametrize("kind, status, action, role", list(every_case()))
def test_every_state_action_role(kind, status, action, role):
    expected = next(
        (
            to
            for (k, a, frm, to, r) in ALLOWED
            if (k, a, frm, r) == (kind, action, status, role)
        ),
        None,
    )
    if expected is None:
        with pytest.raises(m.TransitionError) as error:
            m.apply(kind, status, action, {role}, ALL_FIELDS)
        assert error.value.field in {"status", "role"}
    else:
        assert m.apply(kind, status, action, {role}, ALL_FIELDS).target == expected


def test_table_covers_the_module():
    assert {
        (k, t.action, s, t.target, t.role)
        for k in Kind
        for t in m.TRANSITIONS[k]
        for s in t.sources
    } == ALLOWED


@pytest.mark.parametrize(
    "kind, action, field",
    [
        (K.SHARE_APPLICATION, "refuse", "reason"),
        (K.SHARE_APPLICATION, "approve", "terms"),
        (K.SHARE_APPLICATION, "approve", "valid_until"),
        (K.OPEN_APPLICATION, "refuse", "reason"),
        (K.OPENING_REQUEST, "agree", "open_by"),
        (K.OPENING_REQUEST, "disagree", "reason"),
        (K.ERROR_REPORT, "confirm", "correction_link"),
        (K.ERROR_REPORT, "verify", "explanation"),
        (K.FEEDBACK, "hide", "reason"),
    ],
)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_required_fields(kind, action, field, blank):
    t = m.transition_for(kind, action)
    fields = {**ALL_FIELDS, field: blank}
    with pytest.raises(m.TransitionError) as error:
        m.apply(kind, next(iter(t.sources)), action, {t.role}, fields)
    assert error.value.field == field


def test_replying_twice_says_already_answered():
    with pytest.raises(m.TransitionError) as error:
        m.apply(K.SHARE_APPLICATION, "approved", "refuse", {Role.PROVIDER}, ALL_FIELDS)
    assert error.value.field == "status"
    assert "already been answered" in error.value.message


def test_unknown_action():
    with pytest.raises(m.TransitionError) as error:
        m.apply(K.FEEDBACK, "published", "approve", {Role.PROVIDER}, ALL_FIELDS)
    assert error.value.field == "action"


def test_final_and_waiting_states():
    assert m.is_final(K.SHARE_APPLICATION, "approved")
    assert not m.is_final(K.SHARE_APPLICATION, "refused")  # can be disputed
    assert m.awaits_answer(K.SHARE_APPLICATION, "disputed")
    assert not m.awaits_answer(K.SHARE_APPLICATION, "refused")
    assert not m.awaits_answer(K.FEEDBACK, "published")
    assert m.allowed_actions(K.SHARE_APPLICATION, "submitted", {Role.PROVIDER}) == [
        "approve",
        "refuse",
    ]
    assert m.allowed_actions(K.SHARE_APPLICATION, "submitted", {Role.APPLICANT}) == []
