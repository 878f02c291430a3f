"""Share and open data applications against CKAN, PostgreSQL, Redis and a real
SMTP server: validation, answers, disputes, history, deadlines, e-mails."""

from __future__ import annotations

from datetime import datetime

import ckan.plugins.toolkit as tk
import pytest
from ckan import model

from ckanext.cqgov import periodic
from ckanext.cqgov.workdays import SHANGHAI
from ckanext.cqgov.workflow.model import (
    HistoryIsAppendOnly,
    WorkflowEvent,
    WorkflowItem,
)

SHARE = {
    "kind": "share",
    "purpose": "核验企业登记信息",
    "period_from": "2026-05-10",
    "period_until": "2026-12-31",
    "legal_basis": "《重庆市政务数据资源管理暂行办法》",
}


def at(y, m, d, h=9):
    """A time in Chongqing."""
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


def count_items():
    return model.Session.query(WorkflowItem).count()


@pytest.fixture
def conditional(entry):
    return entry(
        share_type="conditional", share_condition="仅用于行政审批", open_type="not_open"
    )


def test_share_application_is_due_in_10_working_days_and_notifies_editors(
    world, conditional, act, mailbox, run_jobs
):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    assert app["status"] == "submitted"
    assert app["kind"] == "share_application"
    # Wed 6 May 2026 + 10 working days, Sat 9 May being a make-up working day.
    assert app["due_date"] == "2026-05-19"
    assert app["deadline_state"] == "on_time"
    assert app["applicant_org"]["id"] == world["orgs"]["applicant_org"]["id"]
    assert app["history"][0]["action"] == "submit"
    assert app["history"][0]["user"]["name"] == "d_user"

    assert run_jobs() == 1
    assert len(mailbox.subjects("p_admin@example.invalid")) == 1
    assert len(mailbox.subjects("p_editor@example.invalid")) == 1
    assert mailbox.subjects("p_member@example.invalid") == []
    assert conditional["title"] in mailbox.to("p_editor@example.invalid")[0]["subject"]
    assert "2026-05-19" in mailbox.to("p_editor@example.invalid")[0]["body"]

    todo = act("cqgov_application_list", "p_editor", scope="to_answer")
    assert [r["id"] for r in todo["results"]] == [app["id"]]
    assert todo["pending"] == 1
    assert act("cqgov_application_list", "o_editor", scope="to_answer")["count"] == 0
    mine = act("cqgov_application_list", "d_user")
    assert [r["id"] for r in mine["results"]] == [app["id"]]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"purpose": ""}, "purpose"),
        ({"purpose": "   "}, "purpose"),
        ({"legal_basis": None}, "legal_basis"),
        ({"period_until": "2026-01-01"}, "period_until"),
        ({"period_from": "not a date"}, "period_from"),
        ({"resource_ids": ["no-such-resource"]}, "resource_ids"),
        ({"kind": "borrow"}, "kind"),
    ],
)
def test_bad_share_application_changes_nothing(world, conditional, act, change, field):
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_create",
            "d_user",
            package_id=conditional["id"],
            **{**SHARE, **change},
        )
    assert field in error.value.error_dict
    assert count_items() == 0


def test_not_shared_entry_cannot_be_applied_for_and_the_basis_is_quoted(
    world, entry, act
):
    secret = entry(
        share_type="not_shared", share_basis="《中华人民共和国保守国家秘密法》"
    )
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_create", "d_user", package_id=secret["id"], **SHARE)
    message = error.value.error_dict["package_id"][0]
    assert "《中华人民共和国保守国家秘密法》" in message
    assert count_items() == 0


def test_unconditional_entry_needs_no_application(world, entry, act):
    free = entry(share_type="unconditional")
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_create", "d_user", package_id=free["id"], **SHARE)
    message = error.value.error_dict["package_id"][0]
    assert "no application" in message.lower() or "无需申请" in message
    assert f"/dataset/{free['name']}" in message


def test_who_may_apply_for_sharing(world, conditional, act):
    with pytest.raises(tk.NotAuthorized):
        act(
            "cqgov_application_create", "citizen", package_id=conditional["id"], **SHARE
        )
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_application_create", None, package_id=conditional["id"], **SHARE)
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_create",
            "p_member",
            package_id=conditional["id"],
            **SHARE,
        )
    assert "package_id" in error.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        act("cqgov_application_create", "d_user", package_id="nope", **SHARE)
    assert count_items() == 0


def test_a_second_pending_application_is_refused(world, conditional, act):
    act("cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE)
    with pytest.raises(tk.ValidationError):
        act("cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE)
    assert count_items() == 1


def test_refusal_dispute_and_decision(world, conditional, act, mailbox, run_jobs):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    run_jobs()
    mailbox.clear()

    # bad replies change nothing
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_reply", "p_editor", id=app["id"], decision="refuse")
    assert "reason" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_reply", "p_editor", id=app["id"], decision="maybe")
    assert "decision" in error.value.error_dict
    for stranger in ("o_editor", "p_member", "d_user", "citizen"):
        with pytest.raises(tk.NotAuthorized):
            act(
                "cqgov_application_reply",
                stranger,
                id=app["id"],
                decision="refuse",
                reason="x",
            )
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_application_show", "o_editor", id=app["id"])
    assert (
        act("cqgov_application_show", "d_user", id=app["id"])["status"] == "submitted"
    )

    refused = act(
        "cqgov_application_reply",
        "p_editor",
        id=app["id"],
        decision="refuse",
        reason="申请用途与共享条件不符",
    )
    assert refused["status"] == "refused"
    assert refused["answer"]["reason"] == "申请用途与共享条件不符"
    assert refused["allowed_actions"] == []
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_reply",
            "p_admin",
            id=app["id"],
            decision="refuse",
            reason="again",
        )
    assert "status" in error.value.error_dict
    run_jobs()
    assert len(mailbox.subjects("d_user@example.invalid")) == 1
    mailbox.clear()

    assert act("cqgov_application_show", "d_user", id=app["id"])["allowed_actions"] == [
        "dispute"
    ]
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_application_dispute", "p_editor", id=app["id"], reason="x")
    with pytest.raises(tk.ValidationError):
        act("cqgov_application_dispute", "d_user", id=app["id"])
    disputed = act(
        "cqgov_application_dispute", "d_user", id=app["id"], reason="属于法定职责"
    )
    assert disputed["status"] == "disputed"
    assert disputed["due_date"] == "2026-05-19"  # 10 working days from the dispute
    run_jobs()
    assert len(mailbox.subjects("c_admin@example.invalid")) == 1

    supervised = act("cqgov_application_list", "c_admin", scope="supervise")
    assert [r["id"] for r in supervised["results"]] == [app["id"]]
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_application_list", "p_editor", scope="supervise")
    with pytest.raises(tk.NotAuthorized):
        act(
            "cqgov_application_decide",
            "p_admin",
            id=app["id"],
            decision="uphold",
            reason="x",
        )
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_decide", "c_admin", id=app["id"], decision="uphold")
    assert "reason" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_decide",
            "c_admin",
            id=app["id"],
            decision="order",
            reason="应当共享",
        )
    assert "terms" in error.value.error_dict

    upheld = act(
        "cqgov_application_decide",
        "c_admin",
        id=app["id"],
        decision="uphold",
        reason="拒绝理由成立",
    )
    assert upheld["status"] == "refusal_upheld"
    history = [
        (h["action"], h["to_status"], h["user"]["name"]) for h in upheld["history"]
    ]
    assert history == [
        ("submit", "submitted", "d_user"),
        ("refuse", "refused", "p_editor"),
        ("dispute", "disputed", "d_user"),
        ("uphold", "refusal_upheld", "c_admin"),
    ]


def test_history_is_append_only(world, conditional, act):
    act("cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE)
    event = model.Session.query(WorkflowEvent).one()
    event.action = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        model.Session.commit()
    model.Session.rollback()
    model.Session.delete(model.Session.query(WorkflowEvent).one())
    with pytest.raises(HistoryIsAppendOnly):
        model.Session.commit()
    model.Session.rollback()
    assert model.Session.query(WorkflowEvent).one().action == "submit"


def test_reminder_and_escalation_with_a_moved_clock(
    world, conditional, act, clock, mailbox, run_jobs
):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    run_jobs()
    mailbox.clear()

    def tick(moment):
        clock.set(moment)
        periodic.run_due(moment, sync=True, only="workflow.deadlines")
        run_jobs()

    # Due Tue 19 May; the reminder is due 2 working days before: Fri 15 May.
    tick(at(2026, 5, 14, 18))
    assert mailbox.messages == []
    tick(at(2026, 5, 15, 8))
    reminder = mailbox.to("p_editor@example.invalid")
    assert len(reminder) == 1 and "2026-05-19" in reminder[0]["subject"]
    assert mailbox.subjects("c_admin@example.invalid") == []
    tick(at(2026, 5, 15, 17))  # once only
    assert len(mailbox.to("p_editor@example.invalid")) == 1
    shown = act("cqgov_application_show", "d_user", id=app["id"])
    assert shown["deadline_state"] == "due_soon"
    assert shown["reminded_on"] == "2026-05-15"

    tick(at(2026, 5, 19, 23))  # the whole due day is still in time
    assert mailbox.subjects("c_admin@example.invalid") == []
    tick(at(2026, 5, 20, 0))  # 11 working days later
    escalation = mailbox.to("c_admin@example.invalid")
    assert len(escalation) == 1
    assert len(mailbox.to("p_admin@example.invalid")) == 2  # reminder + overdue
    shown = act("cqgov_application_show", "c_admin", id=app["id"])
    assert shown["overdue"] is True
    assert shown["escalated_on"] == "2026-05-20"
    assert [h["action"] for h in shown["history"]] == ["submit", "remind", "escalate"]
    assert shown["history"][2]["data"]["competent_org_ids"] == [
        world["orgs"]["competent"]["id"]
    ]
    overdue = act("cqgov_application_list", "c_admin", scope="supervise")
    assert overdue["overdue"] == 1
    tick(at(2026, 5, 21))
    assert len(mailbox.to("c_admin@example.invalid")) == 1  # escalated once


def test_answered_items_are_not_reminded(
    world, conditional, act, clock, run_jobs, mailbox
):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    act(
        "cqgov_application_reply",
        "p_editor",
        id=app["id"],
        decision="refuse",
        reason="r",
    )
    run_jobs()
    mailbox.clear()
    periodic.run_due(at(2026, 5, 25), sync=True, only="workflow.deadlines")
    run_jobs()
    assert mailbox.messages == []


# -- open data applications -----------------------------------------------------

OPEN = {
    "kind": "open",
    "purpose": "研究公交线路",
    "intended_use": "学术论文",
    "contact": "13800000000",
}


def test_open_application(world, entry, act, mailbox, run_jobs):
    on_app = entry(open_type="on_application")
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_create",
            "citizen",
            package_id=on_app["id"],
            **{**OPEN, "contact": ""},
        )
    assert "contact" in error.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_application_create", None, package_id=on_app["id"], **OPEN)

    app = act("cqgov_application_create", "citizen", package_id=on_app["id"], **OPEN)
    assert app["kind"] == "open_application"
    assert app["details"]["contact"] == "13800000000"
    run_jobs()
    assert len(mailbox.to("p_admin@example.invalid")) == 1

    refused = act(
        "cqgov_application_reply",
        "p_admin",
        id=app["id"],
        decision="refuse",
        reason="涉及个人信息",
    )
    assert refused["status"] == "refused"
    assert refused["allowed_actions"] == []  # no dispute for open applications
    run_jobs()
    assert len(mailbox.to("citizen@example.invalid")) == 1


@pytest.mark.parametrize(
    "open_type, expected",
    [("proactive", "/dataset/"), ("not_open", "《政府信息公开条例》")],
)
def test_open_application_needs_an_on_application_entry(
    world, entry, act, open_type, expected
):
    other = entry(open_type=open_type, open_basis="《政府信息公开条例》")
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_application_create", "citizen", package_id=other["id"], **OPEN)
    assert expected in error.value.error_dict["package_id"][0]
    assert count_items() == 0


# -- approvals create grants -------------------------------------------------------

APPROVAL = {
    "terms": "仅用于企业登记核验，不得转交第三方",
    "valid_from": "2026-05-10",
    "valid_until": "2027-12-31",
}


def data_access(user_name, package_id):
    """The access policy's answer for ``user_name`` and the entry's first
    resource, with the entry taken as approved in the catalog."""
    import dataclasses

    from ckanext.cqgov.access import policy, subjects

    package = model.Package.get(package_id)
    viewer = subjects.viewer_for(user_name)
    entry = dataclasses.replace(subjects.entry_for(package), catalog_status="approved")
    return policy.can_access_data(
        viewer,
        entry,
        subjects.resource_info(package.resources[0]),
        subjects.viewer_grants(viewer, [package.id]),
        subjects.now(),
    )


def test_approval_creates_a_share_grant_that_unlocks_the_data(
    world, conditional, act, mailbox, run_jobs
):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    assert not data_access("d_user", conditional["id"])
    for missing in ("terms", "valid_until"):
        with pytest.raises(tk.ValidationError) as error:
            act(
                "cqgov_application_reply",
                "p_editor",
                id=app["id"],
                decision="approve",
                **{**APPROVAL, missing: ""},
            )
        assert missing in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_application_reply",
            "p_editor",
            id=app["id"],
            decision="approve",
            **{**APPROVAL, "valid_until": "2026-01-01"},
        )
    assert "valid_until" in error.value.error_dict
    assert act("cqgov_grant_list", "p_admin", application_id=app["id"])["count"] == 0
    run_jobs()
    mailbox.clear()

    approved = act(
        "cqgov_application_reply",
        "p_editor",
        id=app["id"],
        decision="approve",
        **APPROVAL,
    )
    assert approved["status"] == "approved"
    assert approved["grant_id"]
    grants = act("cqgov_grant_list", "p_admin", application_id=app["id"])
    assert grants["count"] == 1
    grant = grants["results"][0]
    assert grant["id"] == approved["grant_id"]
    assert grant["kind"] == "share"
    assert grant["grantee_id"] == world["orgs"]["applicant_org"]["id"]
    assert grant["purpose"] == SHARE["purpose"]
    assert grant["terms"] == APPROVAL["terms"]
    assert data_access("d_user", conditional["id"])
    assert not data_access("o_editor", conditional["id"])
    run_jobs()
    assert len(mailbox.to("d_user@example.invalid")) == 1


def test_open_approval_creates_an_open_grant_for_the_user(world, entry, act):
    on_app = entry(open_type="on_application")
    app = act("cqgov_application_create", "citizen", package_id=on_app["id"], **OPEN)
    assert not data_access("citizen", on_app["id"])
    approved = act(
        "cqgov_application_reply",
        "p_admin",
        id=app["id"],
        decision="approve",
        **APPROVAL,
    )
    grant = act("cqgov_grant_list", "p_admin", application_id=app["id"])["results"][0]
    assert grant["id"] == approved["grant_id"]
    assert grant["kind"] == "open"
    assert grant["grantee_id"] == world["users"]["citizen"]["id"]
    assert data_access("citizen", on_app["id"])


def test_sharing_ordered_after_a_dispute_creates_the_grant(world, conditional, act):
    app = act(
        "cqgov_application_create", "d_user", package_id=conditional["id"], **SHARE
    )
    act(
        "cqgov_application_reply",
        "p_editor",
        id=app["id"],
        decision="refuse",
        reason="r",
    )
    act("cqgov_application_dispute", "d_user", id=app["id"], reason="法定职责所需")
    ordered = act(
        "cqgov_application_decide",
        "c_admin",
        id=app["id"],
        decision="order",
        reason="属于履职需要",
        **APPROVAL,
    )
    assert ordered["status"] == "sharing_ordered"
    grant = act("cqgov_grant_list", "c_admin", application_id=app["id"])["results"][0]
    assert grant["grantee_id"] == world["orgs"]["applicant_org"]["id"]
    assert data_access("d_user", conditional["id"])
