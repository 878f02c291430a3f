"""Opening requests (public board), error reports and feedback against CKAN."""

from __future__ import annotations

from datetime import datetime

import ckan.plugins.toolkit as tk
import pytest

from ckanext.cqgov import periodic
from ckanext.cqgov.workdays import SHANGHAI

# -- opening requests ------------------------------------------------------------


def test_opening_request_for_a_not_open_entry_is_public_without_the_requester(
    world, entry, act, mailbox, run_jobs
):
    closed = entry(open_type="not_open", open_basis="涉及商业秘密")
    request = act(
        "cqgov_opening_request_create",
        "citizen",
        package_id=closed["id"],
        description="希望开放历年公交客流统计",
    )
    assert request["status"] == "submitted"
    assert request["due_date"] == "2026-05-19"
    assert request["following"] is True
    run_jobs()
    assert len(mailbox.to("p_editor@example.invalid")) == 1

    public = act("cqgov_opening_request_show", None, id=request["id"])
    assert public["user"] is None
    assert public["history"][0]["user"] is None
    assert public["details"]["description"] == "希望开放历年公交客流统计"
    assert (
        act("cqgov_opening_request_show", "citizen", id=request["id"])["user"]["name"]
        == "citizen"
    )

    board = act("cqgov_opening_request_list", None, q="客流")
    assert [r["id"] for r in board["results"]] == [request["id"]]
    assert act("cqgov_opening_request_list", None, q="气象")["count"] == 0
    assert board["results"][0]["user"] is None

    act("cqgov_opening_request_follow", "d_user", id=request["id"])
    following = act("cqgov_opening_request_list", "d_user", scope="following")
    assert following["count"] == 1

    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_opening_request_reply",
            "p_editor",
            id=request["id"],
            decision="agree",
        )
    assert "open_by" in error.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        act(
            "cqgov_opening_request_reply",
            "o_editor",
            id=request["id"],
            decision="agree",
            open_by="2026-09-01",
        )
    mailbox.clear()
    agreed = act(
        "cqgov_opening_request_reply",
        "p_editor",
        id=request["id"],
        decision="agree",
        open_by="2026-09-01",
    )
    assert agreed["status"] == "agreed"
    assert agreed["answer"]["open_by"] == "2026-09-01"
    run_jobs()
    assert len(mailbox.to("citizen@example.invalid")) == 1
    assert len(mailbox.to("d_user@example.invalid")) == 1  # a follower
    answered = act("cqgov_opening_request_list", None, status="agreed")
    assert answered["count"] == 1


def test_opening_request_for_data_not_in_the_catalog(world, act):
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_opening_request_create", "citizen", description="x")
    assert {"title", "suggested_org_id"} <= set(error.value.error_dict)
    request = act(
        "cqgov_opening_request_create",
        "citizen",
        title="全市停车场实时空位",
        description="方便出行",
        suggested_org_id="provider",
    )
    assert request["provider_org"]["name"] == "provider"
    disagreed = act(
        "cqgov_opening_request_reply",
        "p_admin",
        id=request["id"],
        decision="disagree",
        reason="数据尚未汇集",
    )
    assert disagreed["status"] == "disagreed"
    assert act("cqgov_opening_request_list", None, q="汇集")["count"] == 1


def test_opening_request_for_an_open_entry_is_refused(world, entry, act):
    open_entry = entry(open_type="proactive")
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_opening_request_create",
            "citizen",
            package_id=open_entry["id"],
            description="x",
        )
    assert "package_id" in error.value.error_dict


# -- error reports ------------------------------------------------------------------


def test_error_report_verified_within_5_working_days(
    world, entry, act, mailbox, run_jobs, clock
):
    open_entry = entry(open_type="proactive")
    resource_id = open_entry["resources"][0]["id"]
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_error_report_create", "citizen", package_id=open_entry["id"])
    assert "description" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_error_report_create",
            "citizen",
            package_id=open_entry["id"],
            resource_id="other",
            description="x",
        )
    assert "resource_id" in error.value.error_dict

    report = act(
        "cqgov_error_report_create",
        "citizen",
        package_id=open_entry["id"],
        resource_id=resource_id,
        data_item="站点数",
        row="2025年",
        description="站点数与官网公布不一致",
    )
    # Wed 6 May + 5 working days (Sat 9 May is worked): Tue 12 May.
    assert report["due_date"] == "2026-05-12"
    run_jobs()
    assert len(mailbox.to("p_editor@example.invalid")) == 1

    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_error_report_reply",
            "p_editor",
            id=report["id"],
            decision="confirm",
            explanation="已更正",
        )
    assert "correction_link" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_error_report_reply",
            "p_editor",
            id=report["id"],
            decision="confirm",
            explanation="已更正",
            correction_link="javascript:alert(1)",
        )
    assert "correction_link" in error.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_error_report_show", "d_user", id=report["id"])

    mailbox.clear()
    answered = act(
        "cqgov_error_report_reply",
        "p_editor",
        id=report["id"],
        decision="confirm",
        explanation="已按统计年鉴更正",
        correction_link=f"/dataset/{open_entry['name']}/resource/{resource_id}",
    )
    assert answered["status"] == "corrected"
    run_jobs()
    assert len(mailbox.to("citizen@example.invalid")) == 1
    seen = act("cqgov_error_report_show", "citizen", id=report["id"])
    assert seen["answer"]["explanation"] == "已按统计年鉴更正"


def test_overdue_error_report_escalates(world, entry, act, mailbox, run_jobs):
    open_entry = entry(open_type="proactive")
    report = act(
        "cqgov_error_report_create",
        "citizen",
        package_id=open_entry["id"],
        description="x",
    )
    run_jobs()
    mailbox.clear()
    moment = datetime(2026, 5, 13, 9, tzinfo=SHANGHAI)
    periodic.run_due(moment, sync=True, only="workflow.deadlines")
    run_jobs()
    assert len(mailbox.to("c_admin@example.invalid")) == 1
    listed = act("cqgov_error_report_list", "c_admin", scope="supervise")
    assert [r["id"] for r in listed["results"]] == [report["id"]]


def test_only_those_who_see_the_data_report_errors(world, entry, act):
    hidden = entry(open_type="not_open", share_type="not_shared")
    with pytest.raises(tk.NotAuthorized):
        act(
            "cqgov_error_report_create",
            "citizen",
            package_id=hidden["id"],
            description="x",
        )
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_error_report_create", None, package_id=hidden["id"], description="x")
    shared = entry(open_type="not_open", share_type="unconditional")
    assert (
        act(
            "cqgov_error_report_create",
            "d_user",
            package_id=shared["id"],
            description="x",
        )["status"]
        == "submitted"
    )


# -- feedback --------------------------------------------------------------------------


def test_feedback_ratings_replies_and_moderation(world, entry, act):
    open_entry = entry(open_type="proactive")
    for rating in (0, 6, "five", None):
        with pytest.raises(tk.ValidationError) as error:
            act(
                "cqgov_feedback_create",
                "citizen",
                package_id=open_entry["id"],
                rating=rating,
                comment="好",
            )
        assert "rating" in error.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        act(
            "cqgov_feedback_create",
            None,
            package_id=open_entry["id"],
            rating=5,
            comment="好",
        )
    good = act(
        "cqgov_feedback_create",
        "citizen",
        package_id=open_entry["id"],
        rating=5,
        comment="数据很有用",
    )
    bad = act(
        "cqgov_feedback_create",
        "d_user",
        package_id=open_entry["id"],
        rating=2,
        comment="辱骂内容",
    )
    listing = act("cqgov_feedback_list", None, package_id=open_entry["id"])
    assert listing["average_rating"] == 3.5
    assert listing["count"] == 2

    replied = act("cqgov_feedback_reply", "p_editor", id=good["id"], reply="感谢反馈")
    assert replied["status"] == "replied"
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_feedback_reply", "citizen", id=good["id"], reply="x")
    with pytest.raises(tk.NotAuthorized):  # editors reply, admins moderate
        act("cqgov_feedback_hide", "p_editor", id=bad["id"], reason="x")
    with pytest.raises(tk.ValidationError) as error:
        act("cqgov_feedback_hide", "c_admin", id=bad["id"])
    assert "reason" in error.value.error_dict
    act("cqgov_feedback_hide", "c_admin", id=bad["id"], reason="含有辱骂")

    public = act("cqgov_feedback_list", None, package_id=open_entry["id"])
    assert public["average_rating"] == 5
    assert [r["id"] for r in public["results"]] == [good["id"]]
    assert public["results"][0]["answer"]["reply"] == "感谢反馈"
    assert public["results"][0]["user"] is None
    moderator = act("cqgov_feedback_list", "p_admin", package_id=open_entry["id"])
    assert {r["id"] for r in moderator["results"]} == {good["id"], bad["id"]}
    with pytest.raises(tk.ObjectNotFound):
        act("cqgov_feedback_show", "citizen", id=bad["id"])


def test_feedback_only_on_open_entries(world, entry, act):
    closed = entry(open_type="not_open")
    with pytest.raises(tk.ValidationError) as error:
        act(
            "cqgov_feedback_create",
            "citizen",
            package_id=closed["id"],
            rating=3,
            comment="x",
        )
    assert "package_id" in error.value.error_dict
