"""The access policy against the tables in DESIGN.md ("Who sees what").

The expected values are derived from ``SHARE_TABLE`` / ``OPEN_TABLE`` below,
written out from DESIGN.md, and from a short description of each kind of viewer
(``Profile``) — not from the policy module. The matrix covers every viewer kind
× catalog_status × private flag × provider district × share_type × open_type ×
audience. All grants of the "world" are passed to every call, so the policy
must pick out the ones that belong to the viewer and the entry.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from ckanext.cqgov.access.policy import (
    Decision,
    Entry,
    Grant,
    GrantStatus,
    Oversight,
    Reason,
    ResourceInfo,
    Viewer,
    can_access_data,
    can_see_internal_fields,
    can_see_metadata,
    grant_is_valid,
    grant_status,
    permission_labels_for_entry,
    permission_labels_for_viewer,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 10, 16, 10, 0, tzinfo=CST)
ENTRY_ID = "entry-1"
PROVIDER = "org-provider"
PROVIDER_DISTRICT = "yuzhong"

STATUSES = ("draft", "submitted", "approved", "returned")
SHARE_TYPES = ("unconditional", "conditional", "not_shared")
OPEN_TYPES = ("proactive", "on_application", "not_open")
AUDIENCES = ("share", "open")
PRIVATE_FLAGS = (False, True)
DISTRICTS = (None, PROVIDER_DISTRICT)

# -- DESIGN.md, "Who sees what", as data --------------------------------------

YES, NO, GRANT = "yes", "no", "only with a valid grant"

SHARE_TABLE = {
    "provider": {"unconditional": YES, "conditional": YES, "not_shared": YES},
    "other_gov": {"unconditional": YES, "conditional": GRANT, "not_shared": NO},
    "sysadmin": {"unconditional": YES, "conditional": YES, "not_shared": YES},
}
# Applies to audience "open" resources only.
OPEN_TABLE = {
    "anonymous": {"proactive": YES, "on_application": NO, "not_open": NO},
    "registered": {"proactive": YES, "on_application": GRANT, "not_open": NO},
}


@dataclass(frozen=True)
class Profile:
    """What a viewer is, in the words of the tables."""

    share_row: str | None  # a SHARE_TABLE row, or None
    open_row: str  # an OPEN_TABLE row
    share_grant: bool = False  # their organization holds a valid share grant
    open_grant: bool = False  # they hold a valid open grant
    oversees: str | None = None  # "all", a district, or None


def expected_metadata(p: Profile, status: str, private: bool, district) -> bool:
    if status == "approved" and not private:
        return True
    if p.share_row in ("provider", "sysadmin"):
        return True
    return p.oversees == "all" or (district is not None and p.oversees == district)


def expected_data(p: Profile, status, private, share_type, open_type, audience) -> bool:
    if status != "approved" or private:
        # Not published: provider and sysadmins only, not the competent department.
        return p.share_row in ("provider", "sysadmin")
    allowed = False
    if p.share_row is not None:
        cell = SHARE_TABLE[p.share_row][share_type]
        allowed |= cell == YES or (cell == GRANT and p.share_grant)
    if audience == "open":
        cell = OPEN_TABLE[p.open_row][open_type]
        allowed |= cell == YES or (cell == GRANT and p.open_grant)
    return allowed


# -- the world: organizations, grants, viewers ---------------------------------

ORG_KINDS = {
    PROVIDER: "government",
    "org-nogrant": "government",
    "org-valid": "government",
    "org-expired": "government",
    "org-revoked": "government",
    "org-future": "government",
    "org-third": "government",
    "org-wrong-entry": "government",
    "org-institution": "institution",
    "org-enterprise": "public_enterprise",
    "org-society": "social_organization",  # not a government kind
    "org-personal": "government",
    "org-drc": "government",  # municipal competent department
    "org-drc-granted": "government",
    "org-yz-competent": "government",
    "org-jb-competent": "government",
}

YEAR_FROM = datetime(2026, 1, 1, tzinfo=CST)
YEAR_UNTIL = datetime(2026, 12, 31, 23, 59, tzinfo=CST)


def _grant(kind, grantee, *, entry=ENTRY_ID, start=YEAR_FROM, end=YEAR_UNTIL, **kw):
    return Grant(
        kind=kind,
        entry_id=entry,
        grantee=grantee,
        purpose="对照核验",
        valid_from=start,
        valid_until=end,
        **kw,
    )


WORLD_GRANTS = [
    _grant("share", "org-valid"),
    _grant("share", "org-expired", end=datetime(2026, 6, 30, tzinfo=CST)),
    _grant("share", "org-revoked", revoked_at=datetime(2026, 9, 1, tzinfo=CST)),
    _grant(
        "share",
        "org-future",
        start=datetime(2027, 1, 1, tzinfo=CST),
        end=datetime(2027, 12, 31, tzinfo=CST),
    ),
    _grant("share", "org-third"),
    _grant("share", "org-wrong-entry", entry="entry-2"),
    _grant("share", "org-institution"),
    _grant("share", "org-society"),
    _grant("share", "org-drc-granted"),
    _grant("open", "user-open-valid"),
    _grant("open", "user-open-expired", end=datetime(2026, 6, 30, tzinfo=CST)),
    _grant("open", "user-open-revoked", revoked_at=datetime(2026, 9, 1, tzinfo=CST)),
    _grant("open", "user-someone-else"),
    _grant("open", "user-personal"),
    # A share grant naming a user and an open grant naming an organization
    # grant nothing to anybody here.
    _grant("share", "user-citizen"),
    _grant("open", "org-nogrant"),
]


def _member(user_id, org_id, capacity="member", **kw) -> Viewer:
    return Viewer(
        user_id=user_id,
        memberships={org_id: capacity},
        org_kinds={org_id: ORG_KINDS[org_id]},
        **kw,
    )


GOV = Profile(share_row="other_gov", open_row="registered")
CITIZEN = Profile(share_row=None, open_row="registered")

VIEWER_KINDS: list[tuple[str, Viewer, Profile]] = [
    ("anonymous", Viewer(), Profile(share_row=None, open_row="anonymous")),
    ("citizen", Viewer(user_id="user-citizen"), CITIZEN),
    (
        "provider-member",
        _member("u-pm", PROVIDER, "member"),
        Profile(share_row="provider", open_row="registered"),
    ),
    (
        "provider-editor",
        _member("u-pe", PROVIDER, "editor"),
        Profile(share_row="provider", open_row="registered"),
    ),
    (
        "provider-admin",
        _member("u-pa", PROVIDER, "admin"),
        Profile(share_row="provider", open_row="registered"),
    ),
    ("gov-no-grant", _member("u-g0", "org-nogrant"), GOV),
    (
        "gov-valid-grant",
        _member("u-g1", "org-valid"),
        Profile(share_row="other_gov", open_row="registered", share_grant=True),
    ),
    ("gov-expired-grant", _member("u-g2", "org-expired", "admin"), GOV),
    ("gov-revoked-grant", _member("u-g3", "org-revoked"), GOV),
    ("gov-grant-not-yet-valid", _member("u-g4", "org-future"), GOV),
    # org-third's grant must not help a member of org-nogrant.
    ("gov-grant-held-by-other-org", _member("u-g5", "org-nogrant", "editor"), GOV),
    ("gov-grant-for-other-entry", _member("u-g6", "org-wrong-entry"), GOV),
    (
        "institution-valid-grant",
        _member("u-g7", "org-institution"),
        Profile(share_row="other_gov", open_row="registered", share_grant=True),
    ),
    ("public-enterprise-no-grant", _member("u-g8", "org-enterprise"), GOV),
    # A non-government organization's "share grant" counts for nothing.
    ("non-government-org-member", _member("u-s1", "org-society", "admin"), CITIZEN),
    (
        "citizen-valid-open-grant",
        Viewer(user_id="user-open-valid"),
        Profile(share_row=None, open_row="registered", open_grant=True),
    ),
    ("citizen-expired-open-grant", Viewer(user_id="user-open-expired"), CITIZEN),
    ("citizen-revoked-open-grant", Viewer(user_id="user-open-revoked"), CITIZEN),
    ("citizen-open-grant-of-other-user", Viewer(user_id="user-nobody"), CITIZEN),
    (
        "gov-member-with-personal-open-grant",
        _member("user-personal", "org-personal"),
        Profile(share_row="other_gov", open_row="registered", open_grant=True),
    ),
    (
        "competent-municipal",
        _member("u-c1", "org-drc", oversight=(Oversight(level="municipal"),)),
        Profile(share_row="other_gov", open_row="registered", oversees="all"),
    ),
    (
        "competent-municipal-with-grant",
        _member("u-c2", "org-drc-granted", oversight=(Oversight(level="municipal"),)),
        Profile(
            share_row="other_gov",
            open_row="registered",
            share_grant=True,
            oversees="all",
        ),
    ),
    (
        "competent-district-own",
        _member(
            "u-c3",
            "org-yz-competent",
            oversight=(Oversight(level="district", district=PROVIDER_DISTRICT),),
        ),
        Profile(share_row="other_gov", open_row="registered", oversees="yuzhong"),
    ),
    (
        "competent-district-other",
        _member(
            "u-c4",
            "org-jb-competent",
            oversight=(Oversight(level="district", district="jiangbei"),),
        ),
        Profile(share_row="other_gov", open_row="registered", oversees="jiangbei"),
    ),
    (
        "sysadmin",
        Viewer(user_id="u-admin", is_sysadmin=True),
        Profile(share_row="sysadmin", open_row="registered"),
    ),
]

VIEWERS = {name: viewer for name, viewer, _ in VIEWER_KINDS}


def _entry(status, private, district, share_type, open_type) -> Entry:
    return Entry(
        id=ENTRY_ID,
        owner_org=PROVIDER,
        owner_district=district,
        catalog_status=status,
        share_type=share_type,
        open_type=open_type,
        private=private,
    )


ENTRY_AXES = (STATUSES, PRIVATE_FLAGS, DISTRICTS, SHARE_TYPES, OPEN_TYPES)

DATA_CASES = [
    pytest.param(
        viewer,
        _entry(status, private, district, share_type, open_type),
        audience,
        expected_data(profile, status, private, share_type, open_type, audience),
        id=f"{name}-{status}{'-private' if private else ''}-{district or 'municipal'}"
        f"-{share_type}-{open_type}-{audience}",
    )
    for name, viewer, profile in VIEWER_KINDS
    for status, private, district, share_type, open_type in itertools.product(
        *ENTRY_AXES
    )
    for audience in AUDIENCES
]

METADATA_CASES = [
    pytest.param(
        viewer,
        _entry(status, private, district, share_type, open_type),
        expected_metadata(profile, status, private, district),
        id=f"{name}-{status}{'-private' if private else ''}-{district or 'municipal'}"
        f"-{share_type}-{open_type}",
    )
    for name, viewer, profile in VIEWER_KINDS
    for status, private, district, share_type, open_type in itertools.product(
        *ENTRY_AXES
    )
]

N_VIEWER_KINDS = 25
N_ENTRY_VARIANTS = 4 * 2 * 2 * 3 * 3


def test_number_of_cases():
    assert len(VIEWER_KINDS) == N_VIEWER_KINDS
    assert len(DATA_CASES) == N_VIEWER_KINDS * N_ENTRY_VARIANTS * 2 == 7200
    assert len(METADATA_CASES) == N_VIEWER_KINDS * N_ENTRY_VARIANTS == 3600
    print(
        f"access matrix: {len(DATA_CASES)} data cases, "
        f"{len(METADATA_CASES)} metadata cases (each also checked against labels)"
    )


def test_the_expected_tables_are_not_trivial():
    # Guards the hand-written expectations against degenerating to all-yes/no.
    data = [case.values[-1] for case in DATA_CASES]
    meta = [case.values[-1] for case in METADATA_CASES]
    assert 0 < sum(data) < len(data)
    assert 0 < sum(meta) < len(meta)


@pytest.mark.parametrize(("viewer", "entry", "audience", "expected"), DATA_CASES)
def test_data_access_matrix(viewer, entry, audience, expected):
    resource = ResourceInfo(id="res-1", audience=audience)
    decision = can_access_data(viewer, entry, resource, WORLD_GRANTS, NOW)
    assert decision.allowed is expected, decision


@pytest.mark.parametrize(("viewer", "entry", "expected"), METADATA_CASES)
def test_metadata_matrix_and_permission_labels(viewer, entry, expected):
    assert can_see_metadata(viewer, entry).allowed is expected
    shared = set(permission_labels_for_entry(entry)) & set(
        permission_labels_for_viewer(viewer)
    )
    assert bool(shared) is expected, shared


# -- reasons: what the adapter tells the user ----------------------------------


def _published(share_type="conditional", open_type="on_application", **kw) -> Entry:
    fields = {
        "status": "approved",
        "private": False,
        "district": None,
        "share_type": share_type,
        "open_type": open_type,
    }
    fields.update(kw)
    return _entry(**fields)


@pytest.mark.parametrize(
    ("viewer", "entry", "audience", "reason", "application_kind"),
    [
        ("sysadmin", _published(), "share", Reason.SYSADMIN, None),
        ("provider-member", _published(), "share", Reason.PROVIDER_MEMBER, None),
        (
            "gov-no-grant",
            _published("unconditional"),
            "share",
            Reason.UNCONDITIONAL_SHARE,
            None,
        ),
        ("gov-valid-grant", _published(), "share", Reason.VALID_SHARE_GRANT, None),
        (
            "gov-no-grant",
            _published(),
            "share",
            Reason.NEEDS_SHARE_APPLICATION,
            "share",
        ),
        ("gov-expired-grant", _published(), "share", Reason.GRANT_EXPIRED, "share"),
        ("gov-revoked-grant", _published(), "share", Reason.GRANT_REVOKED, "share"),
        (
            "gov-grant-not-yet-valid",
            _published(),
            "share",
            Reason.GRANT_NOT_YET_VALID,
            "share",
        ),
        ("gov-no-grant", _published("not_shared"), "share", Reason.NOT_SHARED, None),
        # Both tables deny and both can be applied for: the sharing channel.
        (
            "gov-no-grant",
            _published(),
            "open",
            Reason.NEEDS_SHARE_APPLICATION,
            "share",
        ),
        # Not shared, but the open side can be applied for: say so.
        (
            "gov-no-grant",
            _published("not_shared"),
            "open",
            Reason.NEEDS_OPEN_APPLICATION,
            "open",
        ),
        (
            "gov-no-grant",
            _published("not_shared", "not_open"),
            "open",
            Reason.NOT_SHARED,
            None,
        ),
        (
            "gov-no-grant",
            _published("not_shared", "proactive"),
            "open",
            Reason.PROACTIVE_OPEN,
            None,
        ),
        (
            "gov-member-with-personal-open-grant",
            _published("not_shared"),
            "open",
            Reason.VALID_OPEN_GRANT,
            None,
        ),
        ("citizen", _published(), "share", Reason.SHARE_AUDIENCE_ONLY, None),
        (
            "citizen",
            _published("unconditional", "proactive"),
            "share",
            Reason.SHARE_AUDIENCE_ONLY,
            None,
        ),
        ("citizen", _published(), "open", Reason.NEEDS_OPEN_APPLICATION, "open"),
        ("anonymous", _published(), "open", Reason.NEEDS_OPEN_APPLICATION, "open"),
        (
            "anonymous",
            _published(open_type="proactive"),
            "open",
            Reason.PROACTIVE_OPEN,
            None,
        ),
        ("citizen", _published(open_type="not_open"), "open", Reason.NOT_OPEN, None),
        (
            "citizen-valid-open-grant",
            _published(),
            "open",
            Reason.VALID_OPEN_GRANT,
            None,
        ),
        (
            "citizen-expired-open-grant",
            _published(),
            "open",
            Reason.GRANT_EXPIRED,
            "open",
        ),
        (
            "citizen-revoked-open-grant",
            _published(),
            "open",
            Reason.GRANT_REVOKED,
            "open",
        ),
        (
            "gov-valid-grant",
            _published(status="submitted"),
            "share",
            Reason.NOT_APPROVED,
            None,
        ),
        (
            "competent-municipal",
            _published("unconditional", "proactive", status="returned"),
            "open",
            Reason.NOT_APPROVED,
            None,
        ),
        (
            "anonymous",
            _published("unconditional", "proactive", private=True),
            "open",
            Reason.PRIVATE_ENTRY,
            None,
        ),
    ],
)
def test_data_reasons(viewer, entry, audience, reason, application_kind):
    resource = ResourceInfo(id="res-1", audience=audience)
    decision = can_access_data(VIEWERS[viewer], entry, resource, WORLD_GRANTS, NOW)
    assert decision.reason is reason
    assert decision.application_kind == application_kind
    assert decision.allowed is (reason.value in ALLOWING_REASONS)


ALLOWING_REASONS = {
    "sysadmin",
    "provider_member",
    "published",
    "competent_department",
    "unconditional_share",
    "valid_share_grant",
    "proactive_open",
    "valid_open_grant",
}


@pytest.mark.parametrize(
    ("viewer", "entry", "reason"),
    [
        ("anonymous", _published(), Reason.PUBLISHED),
        ("sysadmin", _published(status="draft"), Reason.SYSADMIN),
        ("provider-member", _published(status="draft"), Reason.PROVIDER_MEMBER),
        (
            "competent-municipal",
            _published(status="submitted"),
            Reason.COMPETENT_DEPARTMENT,
        ),
        (
            "competent-district-own",
            _published(status="submitted", district=PROVIDER_DISTRICT),
            Reason.COMPETENT_DEPARTMENT,
        ),
        (
            "competent-district-other",
            _published(status="submitted", district=PROVIDER_DISTRICT),
            Reason.NOT_APPROVED,
        ),
        ("gov-valid-grant", _published(status="returned"), Reason.NOT_APPROVED),
        ("citizen", _published(private=True), Reason.PRIVATE_ENTRY),
    ],
)
def test_metadata_reasons(viewer, entry, reason):
    assert can_see_metadata(VIEWERS[viewer], entry).reason is reason


def test_decision_is_truthy_only_when_allowed():
    assert Decision(True, Reason.SYSADMIN)
    assert not Decision(False, Reason.NOT_OPEN)


# -- missing values fail closed ---------------------------------------------------


def test_missing_share_and_open_types_fail_closed():
    entry = Entry(id=ENTRY_ID, owner_org=PROVIDER, catalog_status="approved")
    open_res = ResourceInfo(id="r", audience="open")
    gov = can_access_data(VIEWERS["gov-valid-grant"], entry, open_res, [], NOW)
    assert not gov and gov.reason is Reason.NOT_SHARED
    citizen = can_access_data(VIEWERS["citizen"], entry, open_res, [], NOW)
    assert not citizen and citizen.reason is Reason.NOT_OPEN
    assert can_access_data(VIEWERS["provider-member"], entry, open_res, [], NOW)


def test_missing_status_is_not_approved():
    entry = Entry(id=ENTRY_ID, owner_org=PROVIDER, share_type="unconditional")
    assert can_see_metadata(VIEWERS["anonymous"], entry).reason is Reason.NOT_APPROVED
    assert permission_labels_for_entry(entry) != ["public"]


def test_resource_without_audience_is_never_public():
    entry = _published("unconditional", "proactive")
    resource = ResourceInfo(id="r")
    decision = can_access_data(VIEWERS["anonymous"], entry, resource, [], NOW)
    assert decision.reason is Reason.SHARE_AUDIENCE_ONLY
    assert can_access_data(VIEWERS["gov-no-grant"], entry, resource, [], NOW)


@pytest.mark.parametrize(
    "fields",
    [
        {"share_type": "unconditonal"},
        {"open_type": "public"},
        {"catalog_status": "published"},
        {"owner_org": ""},
    ],
)
def test_unknown_entry_values_are_rejected(fields):
    base = {"id": ENTRY_ID, "owner_org": PROVIDER, "catalog_status": "approved"}
    with pytest.raises(ValueError):
        Entry(**{**base, **fields})


def test_unknown_audience_is_rejected():
    with pytest.raises(ValueError):
        ResourceInfo(id="r", audience="public")


# -- viewers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"is_sysadmin": True},
        {"memberships": {PROVIDER: "member"}},
        {"oversight": (Oversight(level="municipal"),)},
    ],
)
def test_anonymous_viewers_have_no_roles(fields):
    with pytest.raises(ValueError):
        Viewer(**fields)


def test_capacity_is_checked():
    with pytest.raises(ValueError):
        Viewer(user_id="u", memberships={PROVIDER: "owner"})


@pytest.mark.parametrize(
    "fields",
    [
        {"level": "district"},
        {"level": "municipal", "district": "yuzhong"},
        {"level": "provincial"},
    ],
)
def test_oversight_is_checked(fields):
    with pytest.raises(ValueError):
        Oversight(**fields)


def test_viewer_mappings_are_frozen():
    memberships = {PROVIDER: "member"}
    viewer = Viewer(user_id="u", memberships=memberships)
    memberships["org-other"] = "admin"
    assert not viewer.is_member_of("org-other")
    with pytest.raises(TypeError):
        viewer.memberships["x"] = "member"  # type: ignore[index]


def test_unknown_org_kind_is_not_government():
    viewer = Viewer(user_id="u", memberships={"org-x": "admin"})
    entry = _published("unconditional", "not_open")
    share_res = ResourceInfo(id="r", audience="share")
    decision = can_access_data(viewer, entry, share_res, [], NOW)
    assert decision.reason is Reason.SHARE_AUDIENCE_ONLY


def test_viewer_labels():
    labels = permission_labels_for_viewer(
        Viewer(
            user_id="u",
            is_sysadmin=True,
            memberships={"b": "member", "a": "admin"},
            oversight=(
                Oversight(level="district", district="yuzhong"),
                Oversight(level="municipal"),
            ),
        )
    )
    assert labels == [
        "public",
        "sysadmin",
        "member-a",
        "member-b",
        "competent-district-yuzhong",
        "competent-municipal",
    ]
    assert permission_labels_for_viewer(Viewer()) == ["public"]


# -- grants ------------------------------------------------------------------------

START = datetime(2026, 1, 1, tzinfo=CST)
END = datetime(2026, 12, 31, tzinfo=CST)
GRANT = _grant("share", "org-valid", start=START, end=END)


@pytest.mark.parametrize(
    ("grant", "now", "status"),
    [
        pytest.param(GRANT, START, GrantStatus.VALID, id="first-instant"),
        pytest.param(GRANT, END, GrantStatus.VALID, id="last-instant"),
        pytest.param(
            GRANT,
            START - timedelta(microseconds=1),
            GrantStatus.NOT_YET_VALID,
            id="just-before",
        ),
        pytest.param(
            GRANT, END + timedelta(microseconds=1), GrantStatus.EXPIRED, id="just-after"
        ),
        pytest.param(
            _grant("share", "o", start=START, end=END, revoked_at=NOW),
            NOW,
            GrantStatus.REVOKED,
            id="revoked-now",
        ),
        pytest.param(
            _grant("share", "o", start=START, end=END, revoked_at=NOW),
            NOW - timedelta(seconds=1),
            GrantStatus.VALID,
            id="before-revocation",
        ),
        pytest.param(
            _grant("share", "o", start=START, end=END, revoked_at=START),
            END + timedelta(days=1),
            GrantStatus.REVOKED,
            id="revoked-and-expired",
        ),
        pytest.param(
            GRANT,
            datetime(2026, 12, 30, 16, 0, tzinfo=timezone.utc),  # = END in CST
            GrantStatus.VALID,
            id="other-time-zone",
        ),
    ],
)
def test_grant_status(grant, now, status):
    assert grant_status(grant, now) is status
    assert grant_is_valid(grant, now) is (status is GrantStatus.VALID)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError):
        grant_is_valid(GRANT, datetime(2026, 10, 16, 10, 0))
    with pytest.raises(ValueError):
        can_access_data(
            VIEWERS["citizen"],
            _published(),
            ResourceInfo(id="r", audience="open"),
            [],
            datetime(2026, 10, 16),
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"valid_until": None},
        {"purpose": "  "},
        {"kind": "download"},
        {"grantee": ""},
        {"valid_from": datetime(2026, 1, 1)},
        {"valid_until": START - timedelta(days=1)},
        {"revoked_at": datetime(2026, 5, 1)},
    ],
)
def test_bad_grants_are_rejected(fields):
    base = {
        "kind": "share",
        "entry_id": ENTRY_ID,
        "grantee": "org-valid",
        "purpose": "对照核验",
        "valid_from": START,
        "valid_until": END,
    }
    with pytest.raises(ValueError):
        Grant(**{**base, **fields})


def test_the_latest_grant_explains_a_denial():
    # An old revoked grant and a newer expired one: the newer one is the news.
    grants = [
        _grant(
            "share",
            "org-nogrant",
            start=datetime(2025, 1, 1, tzinfo=CST),
            end=datetime(2025, 12, 31, tzinfo=CST),
            revoked_at=datetime(2025, 3, 1, tzinfo=CST),
        ),
        _grant(
            "share",
            "org-nogrant",
            start=datetime(2026, 1, 1, tzinfo=CST),
            end=datetime(2026, 6, 30, tzinfo=CST),
        ),
    ]
    decision = can_access_data(
        VIEWERS["gov-no-grant"],
        _published(),
        ResourceInfo(id="r", audience="share"),
        grants,
        NOW,
    )
    assert decision.reason is Reason.GRANT_EXPIRED


def test_one_valid_grant_among_stale_ones_is_enough():
    grants = [
        _grant("share", "org-nogrant", revoked_at=datetime(2026, 2, 1, tzinfo=CST)),
        _grant("share", "org-nogrant"),
    ]
    decision = can_access_data(
        VIEWERS["gov-no-grant"],
        _published(),
        ResourceInfo(id="r", audience="share"),
        grants,
        NOW,
    )
    assert decision.reason is Reason.VALID_SHARE_GRANT


def test_grants_are_consumed_once_from_an_iterator():
    decision = can_access_data(
        VIEWERS["gov-valid-grant"],
        _published(),
        ResourceInfo(id="r", audience="share"),
        iter(WORLD_GRANTS),
        NOW,
    )
    assert decision.reason is Reason.VALID_SHARE_GRANT


# -- internal fields (schema fields marked ``internal``, e.g. source_system) ----


def expected_internal(p: Profile, district) -> bool:
    """The provider, the competent department overseeing the entry and
    sysadmins; nobody else, whatever the entry's status."""
    if p.share_row in ("provider", "sysadmin"):
        return True
    return p.oversees == "all" or (district is not None and p.oversees == district)


INTERNAL_CASES = [
    pytest.param(
        viewer,
        _entry(status, private, district, "unconditional", "proactive"),
        expected_internal(profile, district),
        id=f"{name}-{status}{'-private' if private else ''}-{district or 'municipal'}",
    )
    for name, viewer, profile in VIEWER_KINDS
    for status in STATUSES
    for private in PRIVATE_FLAGS
    for district in DISTRICTS
]


@pytest.mark.parametrize(("viewer", "entry", "expected"), INTERNAL_CASES)
def test_internal_fields_matrix(viewer, entry, expected):
    decision = can_see_internal_fields(viewer, entry)
    assert bool(decision) is expected
    if not expected:
        assert decision.reason is Reason.INTERNAL_FIELDS
