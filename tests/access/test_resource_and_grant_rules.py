"""Who may know a resource exists, and who may manage grants (pure policy)."""

from __future__ import annotations

import pytest

from ckanext.cqgov.access.policy import (
    Entry,
    Oversight,
    Reason,
    ResourceInfo,
    Viewer,
    can_manage_grants,
    can_see_resource,
)

PUBLISHED = Entry(
    id="e",
    owner_org="prov",
    owner_district="500103",
    catalog_status="approved",
    share_type="not_shared",
    open_type="not_open",
)
DRAFT = Entry(id="e", owner_org="prov", catalog_status="draft")
SHARE = ResourceInfo(id="r", audience="share")
OPEN = ResourceInfo(id="r", audience="open")
UNMARKED = ResourceInfo(id="r")

ANON = Viewer()
CITIZEN = Viewer(user_id="u")
GOV = Viewer(user_id="u", memberships={"o": "member"}, org_kinds={"o": "government"})
COMPANY = Viewer(user_id="u", memberships={"c": "admin"}, org_kinds={})
PROVIDER = Viewer(user_id="u", memberships={"prov": "member"})
SYSADMIN = Viewer(user_id="u", is_sysadmin=True)
COMPETENT = Viewer(
    user_id="u",
    memberships={"comp": "editor"},
    oversight=(Oversight(level="municipal", org_id="comp"),),
)


@pytest.mark.parametrize(
    ("viewer", "entry", "resource", "expected"),
    [
        (ANON, PUBLISHED, OPEN, True),
        (ANON, PUBLISHED, SHARE, False),
        (ANON, PUBLISHED, UNMARKED, False),
        (CITIZEN, PUBLISHED, SHARE, False),
        (COMPANY, PUBLISHED, SHARE, False),
        (GOV, PUBLISHED, SHARE, True),
        (GOV, PUBLISHED, OPEN, True),
        (PROVIDER, PUBLISHED, SHARE, True),
        (COMPETENT, PUBLISHED, SHARE, True),
        (SYSADMIN, PUBLISHED, SHARE, True),
        (ANON, DRAFT, OPEN, False),
        (GOV, DRAFT, SHARE, False),
        (PROVIDER, DRAFT, SHARE, True),
        (COMPETENT, DRAFT, SHARE, True),
    ],
)
def test_can_see_resource(viewer, entry, resource, expected):
    decision = can_see_resource(viewer, entry, resource)
    assert bool(decision) is expected
    if not expected and entry is PUBLISHED:
        assert decision.reason is Reason.SHARE_AUDIENCE_ONLY


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (ANON, False),
        (CITIZEN, False),
        (GOV, False),
        (Viewer(user_id="u", memberships={"prov": "member"}), False),
        (Viewer(user_id="u", memberships={"prov": "editor"}), True),
        (Viewer(user_id="u", memberships={"prov": "admin"}), True),
        (SYSADMIN, True),
        (COMPETENT, True),
        (
            Viewer(
                user_id="u",
                memberships={"comp": "member"},
                oversight=(Oversight(level="municipal", org_id="comp"),),
            ),
            False,
        ),
        (
            Viewer(
                user_id="u",
                memberships={"comp": "admin"},
                oversight=(
                    Oversight(level="district", district="500199", org_id="comp"),
                ),
            ),
            False,
        ),
        (
            Viewer(
                user_id="u",
                memberships={"comp": "admin"},
                oversight=(
                    Oversight(level="district", district="500103", org_id="comp"),
                ),
            ),
            True,
        ),
    ],
)
def test_can_manage_grants(viewer, expected):
    decision = can_manage_grants(viewer, PUBLISHED)
    assert bool(decision) is expected
    if not expected:
        assert decision.reason is Reason.NOT_GRANT_MANAGER
