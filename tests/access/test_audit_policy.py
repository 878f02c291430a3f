"""What the policy tells the access log: the grant and organization used for
an allowed access, and which records a viewer may read (pure, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ckanext.cqgov.access.policy import (
    AccessLogScope,
    Entry,
    Grant,
    Oversight,
    Reason,
    ResourceInfo,
    Viewer,
    access_log_scope,
    can_access_data,
)

NOW = datetime(2026, 10, 16, 10, 0, tzinfo=timezone(timedelta(hours=8)))
DAY = timedelta(days=1)
SHARE = ResourceInfo(id="r-share", audience="share")
OPEN = ResourceInfo(id="r-open", audience="open")


def entry(share_type="conditional", open_type="on_application") -> Entry:
    return Entry(
        id="e1",
        owner_org="provider",
        owner_district="yuzhong",
        catalog_status="approved",
        share_type=share_type,
        open_type=open_type,
    )


def grant(kind, grantee, gid, until=NOW + DAY, revoked_at=None, purpose="核验"):
    return Grant(
        id=gid,
        kind=kind,
        entry_id="e1",
        grantee=grantee,
        purpose=purpose,
        valid_from=NOW - 10 * DAY,
        valid_until=until,
        revoked_at=revoked_at,
    )


def gov(*orgs, oversight=()) -> Viewer:
    return Viewer(
        user_id="u1",
        memberships=dict.fromkeys(orgs, "member"),
        org_kinds=dict.fromkeys(orgs, "government"),
        oversight=oversight,
    )


def test_a_share_grant_names_itself_and_the_holding_department():
    grants = [
        grant("share", "dept-b", "g-expired", until=NOW - DAY),
        grant("share", "dept-b", "g-valid", purpose="不动产登记"),
        grant("share", "dept-c", "g-other-holder"),
    ]
    decision = can_access_data(gov("dept-a", "dept-b"), entry(), SHARE, grants, NOW)
    assert decision.reason is Reason.VALID_SHARE_GRANT
    assert decision.grant.id == "g-valid"
    assert decision.grant.purpose == "不动产登记"
    assert decision.organization == "dept-b"


def test_of_several_valid_grants_the_longest_lasting_is_used():
    grants = [
        grant("share", "dept-a", "g-short"),
        grant("share", "dept-a", "g-long", until=NOW + 30 * DAY),
        grant("share", "dept-a", "g-revoked", until=NOW + 90 * DAY, revoked_at=NOW),
    ]
    decision = can_access_data(gov("dept-a"), entry(), SHARE, grants, NOW)
    assert decision.grant.id == "g-long"


def test_an_open_grant_is_a_personal_access():
    viewer = Viewer(user_id="citizen")
    grants = [grant("open", "citizen", "g-open", purpose="学术研究")]
    decision = can_access_data(viewer, entry(), OPEN, grants, NOW)
    assert decision.reason is Reason.VALID_OPEN_GRANT
    assert decision.grant.id == "g-open"
    assert decision.organization is None


@pytest.mark.parametrize(
    ("viewer", "reason", "organization"),
    [
        (gov("provider"), Reason.PROVIDER_MEMBER, "provider"),
        (gov("dept-z", "dept-a"), Reason.UNCONDITIONAL_SHARE, "dept-a"),
        (
            gov(
                "dept-a",
                "zz-competent",
                oversight=(Oversight(level="municipal", org_id="zz-competent"),),
            ),
            Reason.UNCONDITIONAL_SHARE,
            "zz-competent",
        ),
        (Viewer(user_id="admin", is_sysadmin=True), Reason.SYSADMIN, None),
        (Viewer(), Reason.PROACTIVE_OPEN, None),
    ],
)
def test_the_organization_through_which_data_is_read(viewer, reason, organization):
    resource = OPEN if viewer.is_anonymous else SHARE
    decision = can_access_data(
        viewer, entry("unconditional", "proactive"), resource, [], NOW
    )
    assert decision.reason is reason
    assert decision.organization == organization
    assert decision.grant is None


def test_grant_and_organization_do_not_change_equality():
    plain = can_access_data(gov("provider"), entry(), SHARE, [], NOW)
    assert plain == type(plain)(True, Reason.PROVIDER_MEMBER)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (Viewer(), AccessLogScope()),
        (
            Viewer(user_id="admin", is_sysadmin=True),
            AccessLogScope(everything=True, user_id="admin"),
        ),
        (
            gov("c", oversight=(Oversight(level="municipal", org_id="c"),)),
            AccessLogScope(everything=True, user_id="u1"),
        ),
        (
            gov(
                "d",
                oversight=(
                    Oversight(level="district", district="yuzhong", org_id="d"),
                ),
            ),
            AccessLogScope(
                user_id="u1", provider_orgs=frozenset({"d"}), districts={"yuzhong"}
            ),
        ),
        (gov("p", "q"), AccessLogScope(user_id="u1", provider_orgs={"p", "q"})),
        (Viewer(user_id="citizen"), AccessLogScope(user_id="citizen")),
    ],
)
def test_access_log_scope(viewer, expected):
    scope = access_log_scope(viewer)
    assert scope.everything == expected.everything
    assert scope.user_id == expected.user_id
    assert scope.provider_orgs == frozenset(expected.provider_orgs)
    assert scope.districts == frozenset(expected.districts)
    assert scope.is_empty == viewer.is_anonymous
