"""The review workflow, its permissions, history and deadlines through CKAN."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from ckanext.cqgov import periodic

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # Monday 2026-09-28, 10:00 in Chongqing.
    c = Clock(datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc))
    monkeypatch.setattr(periodic, "utcnow", c)
    return c


def _org(name, members, **extras):
    org = factories.Organization(name=name, title=name, **extras)
    for user, role in members:
        tk.get_action("organization_member_create")(
            {"ignore_auth": True, "user": ""},
            {"id": org["id"], "username": user["name"], "role": role},
        )
    return org


@pytest.fixture
def world(clock):
    names = (
        "m_editor",
        "m_member",
        "d_editor",
        "m_reviewer",
        "d_reviewer",
        "other_reviewer",
        "outsider",
    )
    users = {n: factories.User(name=n, fullname=n) for n in names}
    orgs = {
        "municipal_competent": _org(
            "m-competent",
            [(users["m_reviewer"], "editor")],
            is_competent=True,
            level="municipal",
            region="500000",
        ),
        "district_competent": _org(
            "yz-competent",
            [(users["d_reviewer"], "admin")],
            is_competent=True,
            level="district",
            region="500103",
        ),
        "other_competent": _org(
            "jb-competent",
            [(users["other_reviewer"], "editor")],
            is_competent=True,
            level="district",
            region="500105",
        ),
        "municipal_dept": _org(
            "m-dept",
            [(users["m_editor"], "editor"), (users["m_member"], "member")],
            level="municipal",
            region="500000",
        ),
        "district_dept": _org(
            "yz-dept",
            [(users["d_editor"], "editor")],
            level="district",
            region="500103",
        ),
    }
    return {"users": users, "orgs": orgs}


@pytest.fixture
def entry(world, catalog_fields):
    def make(org="municipal_dept", user="m_editor", **fields):
        return tk.get_action("package_create")(
            {"user": user},
            {
                **catalog_fields,
                "name": f"entry-{org}-{len(fields)}",
                "title": "停车场信息",
                "notes": "摘要",
                "owner_org": world["orgs"][org]["id"],
                **fields,
            },
        )

    return make


def act(action, user, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


def status(entry_id):
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": entry_id})[
        "catalog_status"
    ]


def test_full_cycle_with_history(entry, clock):
    e = entry()
    assert e["catalog_status"] == "draft"
    assert act("cqgov_catalog_submit", "m_editor", id=e["id"])["catalog_status"] == (
        "submitted"
    )
    with pytest.raises(tk.ValidationError) as raised:
        act("cqgov_catalog_return", "m_reviewer", id=e["id"], comment=" ")
    assert "comment" in raised.value.error_dict
    act("cqgov_catalog_return", "m_reviewer", id=e["id"], comment="信息项不完整")
    assert status(e["id"]) == "returned"
    act("cqgov_catalog_submit", "m_editor", id=e["id"], comment="已补充")
    approved = act("cqgov_catalog_approve", "m_reviewer", id=e["id"])
    assert approved["catalog_status"] == "approved"
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": e["id"]})
    assert shown["release_date"] == "2026-09-28"

    history = act("cqgov_catalog_history", "m_member", id=e["id"])
    steps = [
        (ev["action"], ev["from_status"], ev["to_status"], ev["user"], ev["comment"])
        for ev in history["events"]
    ]
    assert steps == [
        ("created", None, "draft", "m_editor", ""),
        ("submit", "draft", "submitted", "m_editor", ""),
        ("return", "submitted", "returned", "m_reviewer", "信息项不完整"),
        ("submit", "returned", "submitted", "m_editor", "已补充"),
        ("approve", "submitted", "approved", "m_reviewer", ""),
    ]
    assert history["events"][0]["at"].startswith("2026-09-28T02:00")
    assert act("cqgov_catalog_history", "m_reviewer", id=e["id"])["events"]


# (action, the entry's department, user) → allowed. Every review action for
# every kind of user, on a municipal and a district department's entry.
PERMISSIONS = [
    ("submit", "municipal_dept", "m_editor", True),
    ("submit", "municipal_dept", "m_member", False),
    ("submit", "municipal_dept", "m_reviewer", False),
    ("submit", "municipal_dept", "outsider", False),
    ("submit", "district_dept", "d_editor", True),
    ("submit", "district_dept", "m_editor", False),
    ("approve", "municipal_dept", "m_reviewer", True),
    ("approve", "municipal_dept", "d_reviewer", False),
    ("approve", "municipal_dept", "m_editor", False),
    ("approve", "district_dept", "d_reviewer", True),
    ("approve", "district_dept", "m_reviewer", True),
    ("approve", "district_dept", "other_reviewer", False),
    ("approve", "district_dept", "d_editor", False),
    ("return", "municipal_dept", "m_reviewer", True),
    ("return", "municipal_dept", "outsider", False),
    ("return", "district_dept", "d_reviewer", True),
    ("return", "district_dept", "other_reviewer", False),
    ("return", "district_dept", "d_editor", False),
]


@pytest.mark.parametrize("action, org, user, allowed", PERMISSIONS)
def test_who_may_act(entry, world, action, org, user, allowed):
    editor = "m_editor" if org == "municipal_dept" else "d_editor"
    e = entry(org=org, user=editor)
    if action != "submit":
        act("cqgov_catalog_submit", editor, id=e["id"])
    call = {"id": e["id"], "comment": "理由"}
    if allowed:
        act(f"cqgov_catalog_{action}", user, **call)
    else:
        with pytest.raises(tk.NotAuthorized):
            act(f"cqgov_catalog_{action}", user, **call)


# (action, the state it is tried in) that the workflow refuses
FORBIDDEN = [
    ("submit", "submitted"),
    ("submit", "approved"),
    ("approve", "draft"),
    ("approve", "returned"),
    ("approve", "approved"),
    ("return", "draft"),
    ("return", "approved"),
    ("return", "returned"),
]


def _bring_to(e, wanted):
    if wanted == "draft":
        return
    act("cqgov_catalog_submit", "m_editor", id=e["id"])
    if wanted == "approved":
        act("cqgov_catalog_approve", "m_reviewer", id=e["id"])
    elif wanted == "returned":
        act("cqgov_catalog_return", "m_reviewer", id=e["id"], comment="退回")


@pytest.mark.parametrize("action, state", FORBIDDEN)
def test_forbidden_transitions(entry, action, state):
    e = entry()
    _bring_to(e, state)
    user = "m_editor" if action == "submit" else "m_reviewer"
    with pytest.raises(tk.ValidationError) as raised:
        act(f"cqgov_catalog_{action}", user, id=e["id"], comment="x")
    assert "catalog_status" in raised.value.error_dict
    assert status(e["id"]) == state


def test_submit_checks_the_rules(entry, world):
    e = entry()
    # An entry stored before a rule existed cannot be submitted until fixed.
    from ckan import model

    pkg = model.Package.get(e["id"])
    pkg.extras["share_type"] = "conditional"
    pkg.extras["share_basis"] = ""
    model.Session.commit()
    with pytest.raises(tk.ValidationError) as raised:
        act("cqgov_catalog_submit", "m_editor", id=e["id"])
    assert "share_basis" in raised.value.error_dict
    assert status(e["id"]) == "draft"


def test_changing_an_approved_entry_needs_a_new_review(entry):
    e = entry()
    _bring_to(e, "approved")
    act("package_patch", "m_editor", id=e["id"], notes="新的摘要")
    assert status(e["id"]) == "draft"
    history = act("cqgov_catalog_history", "m_editor", id=e["id"])
    assert history["events"][-1]["action"] == "updated"
    assert [d["kind"] for d in history["deadlines"]] == ["submit"]


def test_history_is_not_for_outsiders(entry):
    e = entry()
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_catalog_history", "outsider", id=e["id"])
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_catalog_history", "other_reviewer", id=e["id"])
    with pytest.raises(tk.ObjectNotFound):
        act("cqgov_catalog_history", "m_editor", id="no-such-entry")


def test_overdue_submission(entry, clock):
    e = entry()  # created Monday 2026-09-28: due 2026-10-16
    assert act("cqgov_catalog_overdue", "m_editor") == []
    pending = act("cqgov_catalog_overdue", "m_editor", include_pending=True)
    assert [(r["name"], r["deadlines"][0]["due"]) for r in pending] == [
        (e["name"], "2026-10-16")
    ]
    clock.now = datetime(2026, 10, 16, 15, 0, tzinfo=timezone.utc)  # 23:00 local
    assert act("cqgov_catalog_overdue", "m_editor") == []
    clock.now = datetime(2026, 10, 16, 16, 30, tzinfo=timezone.utc)  # 17th local
    overdue = act("cqgov_catalog_overdue", "m_editor")
    assert [r["name"] for r in overdue] == [e["name"]]
    assert overdue[0]["deadlines"][0]["overdue"] is True
    # The competent department sees it; another district's does not.
    assert [r["name"] for r in act("cqgov_catalog_overdue", "m_reviewer")] == [
        e["name"]
    ]
    assert act("cqgov_catalog_overdue", "other_reviewer") == []
    # Submitting ends the duty.
    act("cqgov_catalog_submit", "m_editor", id=e["id"])
    assert act("cqgov_catalog_overdue", "m_editor") == []
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_catalog_overdue", None)


def test_recorded_change_gives_15_working_days(entry, clock):
    e = entry()
    _bring_to(e, "approved")
    with pytest.raises(tk.ValidationError):
        act("cqgov_catalog_record_change", "m_editor", id=e["id"], comment="")
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_catalog_record_change", "outsider", id=e["id"], comment="x")
    result = act(
        "cqgov_catalog_record_change", "m_editor", id=e["id"], comment="职能调整"
    )
    # 15 working days after Monday 2026-09-28 (National Day in between).
    assert [(d["kind"], d["due"]) for d in result["deadlines"]] == [
        ("update", "2026-10-23")
    ]
    clock.now = datetime(2026, 10, 26, 2, 0, tzinfo=timezone.utc)
    assert [r["name"] for r in act("cqgov_catalog_overdue", "m_reviewer")] == [
        e["name"]
    ]
    act("package_patch", "m_editor", id=e["id"], share_basis="新的依据")
    overdue = act("cqgov_catalog_overdue", "m_editor", include_pending=True)
    assert [d["kind"] for d in overdue[0]["deadlines"]] == ["submit"]


def test_review_queue(entry, world):
    municipal = entry()
    district = entry(org="district_dept", user="d_editor")
    for e, user in ((municipal, "m_editor"), (district, "d_editor")):
        act("cqgov_catalog_submit", user, id=e["id"])
    names = lambda user: [r["name"] for r in act("cqgov_catalog_review_queue", user)]  # noqa: E731
    assert sorted(names("m_reviewer")) == sorted([municipal["name"], district["name"]])
    assert names("d_reviewer") == [district["name"]]
    assert names("other_reviewer") == []
    with pytest.raises(tk.NotAuthorized):
        act("cqgov_catalog_review_queue", "m_editor")


def test_duplicates_across_departments(entry, world):
    first = entry()
    second = entry(org="district_dept", user="d_editor")
    own = entry(name="own-copy")  # same department: never a duplicate
    shown = act("package_show", "m_editor", id=first["id"])
    found = shown["duplicate_candidates"]
    assert [d["name"] for d in found["entries"]] == [second["name"]]
    assert found["count"] == 1
    # The API answer of the update says so too.
    updated = act("package_patch", "d_editor", id=second["id"], notes="更新")
    assert {d["name"] for d in updated["duplicate_candidates"]["entries"]} == {
        first["name"],
        own["name"],
    }
    listed = act("cqgov_catalog_duplicates", "m_reviewer")
    assert {r["name"] for r in listed} == {first["name"], second["name"], own["name"]}
    assert act("cqgov_catalog_duplicates", "other_reviewer") == []
    anonymous = tk.get_action("package_show")(
        {"ignore_auth": True}, {"id": first["id"]}
    )
    assert "duplicate_candidates" not in anonymous


# --- working-day overrides ---------------------------------------------------------


@pytest.mark.parametrize(
    "user, allowed",
    [
        ("m_reviewer", True),
        ("d_reviewer", False),
        ("m_editor", False),
        ("outsider", False),
    ],
)
def test_who_maintains_working_days(world, user, allowed):
    call = {"day": "2027-10-01", "is_working_day": "false", "note": "国庆节"}
    if allowed:
        assert act("cqgov_workday_override_set", user, **call)["day"] == "2027-10-01"
    else:
        with pytest.raises(tk.NotAuthorized):
            act("cqgov_workday_override_set", user, **call)


def test_overrides_feed_the_deadlines(entry, world, clock):
    sysadmin = factories.Sysadmin()["name"]
    clock.now = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc)  # Monday
    entry()
    due = lambda: act("cqgov_catalog_overdue", "m_editor", include_pending=True)[0][  # noqa: E731
        "deadlines"
    ][0]
    assert due()["due"] == "2027-03-15"
    assert due()["provisional"] is True  # 2027 is not in the holiday data yet
    act(
        "cqgov_workday_override_set",
        sysadmin,
        day="2027-03-05",
        is_working_day=False,
        note="停工",
    )
    assert due()["due"] == "2027-03-16"
    listed = act("cqgov_workday_override_list", None, year=2027)
    assert [(r["day"], r["is_working_day"], r["note"]) for r in listed] == [
        ("2027-03-05", False, "停工")
    ]
    assert act("cqgov_workday_override_list", None, year=2026) == []
    with pytest.raises(tk.ValidationError):
        act(
            "cqgov_workday_override_set",
            sysadmin,
            day="2027-02-30",
            is_working_day=True,
        )
    with pytest.raises(tk.ValidationError):
        act("cqgov_workday_override_set", sysadmin, day="2027-03-06")
    act("cqgov_workday_override_delete", sysadmin, day="2027-03-05")
    assert due()["due"] == "2027-03-15"
    with pytest.raises(tk.ObjectNotFound):
        act("cqgov_workday_override_delete", sysadmin, day="2027-03-05")


# --- pages ---------------------------------------------------------------------------


def _headers(user):
    return {"Authorization": factories.APIToken(user=user)["token"]}


def _post(app, name, action, user, data=None, status=302):
    headers = _headers(user)
    page = app.get(f"/dataset/{name}", headers=headers)
    token = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', page.body)
    return app.post(
        f"/dataset/{name}/catalog/{action}",
        headers=headers,
        data={**(data or {}), "_csrf_token": token.group(1) if token else ""},
        follow_redirects=False,
        status=status,
    )


def test_entry_page_buttons_and_review_pages(app, entry, world):
    e = entry()
    page = app.get(f"/dataset/{e['name']}", headers=_headers("m_editor"))
    assert "cqgov-review-submit" in page.body
    assert "cqgov-review-approve" not in page.body
    _post(app, e["name"], "submit", "m_editor", {}, status=302)
    assert status(e["id"]) == "submitted"
    queue = app.get("/catalog/review", headers=_headers("m_reviewer"))
    assert e["title"] in queue.body
    page = app.get(f"/dataset/{e['name']}", headers=_headers("m_reviewer"))
    assert "cqgov-review-approve" in page.body and "cqgov-review-return" in page.body
    _post(app, e["name"], "return", "m_reviewer", {"comment": ""}, status=302)
    assert status(e["id"]) == "submitted"  # no reason: refused, nothing changed
    _post(app, e["name"], "approve", "m_reviewer", {}, status=302)
    assert status(e["id"]) == "approved"
    _post(app, e["name"], "approve", "outsider", {}, status=403)
    app.get("/catalog/overdue", headers=_headers("m_editor"), status=200)
    app.get("/catalog/duplicates", headers=_headers("m_reviewer"), status=200)
    app.get("/catalog/duplicates", headers=_headers("m_editor"), status=403)
    anonymous = app.get(f"/dataset/{e['name']}")
    assert "cqgov-catalog-review" not in anonymous.body
