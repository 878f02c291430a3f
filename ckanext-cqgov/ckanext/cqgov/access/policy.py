"""Who may see the metadata and the data of a catalog entry, and why.

This module is the one place that decides access; adapters translate its
:class:`Decision` into CKAN's auth results, search filters and messages. It
implements the tables in DESIGN.md ("Who sees what"):

Metadata
    An ``approved`` entry's metadata is public (Art. 21: even entries that are
    not shared or not open, and their basis, are published). Any other entry —
    ``draft``, ``submitted``, ``returned``, or an approved entry withdrawn with
    CKAN's ``private`` flag — is visible only to members of the provider
    organization, to the competent department overseeing it and to sysadmins.

Data (resources, downloads, DataStore queries, previews)
    The union of the rows that apply to the viewer:

    * share table (resources of either audience): provider members and
      sysadmins always; members of another *government* organization for
      ``unconditional`` entries, for ``conditional`` entries only with a valid
      share grant held by one of their government organizations, never for
      ``not_shared`` entries;
    * open table (``audience: open`` resources only): anyone for ``proactive``
      entries; for ``on_application`` entries only a registered user holding a
      valid open grant; nobody for ``not_open`` entries.

    ``audience: share`` resources are never public.

Decisions this module makes where the design is silent:

* **Competent department** (主管部门). Its members see the metadata of every
  entry under its oversight in any status — it reviews catalogs (Art. 6–8) —
  but reviewing a catalog needs no data, so for data it is an ordinary
  government department: the share table applies and its own share grants
  count. It never sees the data of an unapproved entry (least privilege,
  Art. 26–31). A ``municipal`` competent department oversees every entry; a
  ``district`` one oversees the entries of its district's departments.
* **Unapproved entries**: data only for provider members and sysadmins.
  Grants do not open them: a grant answers an application against the
  published catalog, and an entry that is back in review is not published.
* **Private flag**: an approved entry marked private in CKAN is treated like an
  unapproved one (withdrawn from the published catalog).
* **Grants** must have an end (``valid_until`` is required, Art. 18 binds use
  to a period); ``valid_from <= now <= valid_until``, both ends inclusive; a
  grant is revoked from ``revoked_at`` on, so decisions can be replayed at any
  past moment for audit. The purpose is carried for audit and display; it is
  not something the policy can check.
* **Missing values fail closed**: an entry without ``share_type`` is not
  shared, without ``open_type`` not open, without ``catalog_status`` not
  approved; a resource without ``audience`` is a ``share`` resource; an
  organization of unknown kind is not a government organization.
* **Which reason a denial gives**: when several rows deny, the one the viewer
  can act on (apply, re-apply) wins over a final refusal; between two
  actionable ones the share application wins, since a government department
  should use the sharing channel for its official duties.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

CAPACITIES = frozenset({"member", "editor", "admin"})
#: Organization kinds that count as government (Art. 2, Art. 40).
GOVERNMENT_ORG_KINDS = frozenset({"government", "institution", "public_enterprise"})
CATALOG_STATUSES = frozenset({"draft", "submitted", "approved", "returned"})
SHARE_TYPES = frozenset({"unconditional", "conditional", "not_shared"})
OPEN_TYPES = frozenset({"proactive", "on_application", "not_open"})
AUDIENCES = frozenset({"share", "open"})
GRANT_KINDS = frozenset({"share", "open"})
OVERSIGHT_LEVELS = frozenset({"municipal", "district"})

#: The permission label of published entries; every viewer has it.
PUBLIC_LABEL = "public"
SYSADMIN_LABEL = "sysadmin"


class Reason(str, enum.Enum):
    """Why a decision came out as it did; adapters turn it into a message."""

    # allowed
    SYSADMIN = "sysadmin"
    PROVIDER_MEMBER = "provider_member"
    PUBLISHED = "published"
    COMPETENT_DEPARTMENT = "competent_department"
    UNCONDITIONAL_SHARE = "unconditional_share"
    VALID_SHARE_GRANT = "valid_share_grant"
    PROACTIVE_OPEN = "proactive_open"
    VALID_OPEN_GRANT = "valid_open_grant"
    # denied
    NOT_APPROVED = "not_approved"
    PRIVATE_ENTRY = "private_entry"
    NEEDS_SHARE_APPLICATION = "needs_share_application"
    NEEDS_OPEN_APPLICATION = "needs_open_application"
    NOT_SHARED = "not_shared"
    NOT_OPEN = "not_open"
    SHARE_AUDIENCE_ONLY = "share_audience_only"
    GRANT_EXPIRED = "grant_expired"
    GRANT_NOT_YET_VALID = "grant_not_yet_valid"
    GRANT_REVOKED = "grant_revoked"
    NOT_GRANT_MANAGER = "not_grant_manager"
    INTERNAL_FIELDS = "internal_fields"


class GrantStatus(str, enum.Enum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Decision:
    """The answer: allowed or not, why, and what the viewer can do about it.

    ``application_kind`` is ``"share"`` or ``"open"`` when applying (again)
    for that kind of grant could give access, otherwise ``None``. An
    anonymous viewer told to make an open application must log in first.

    A decision is truthy exactly when access is allowed, so that
    ``if can_access_data(...):`` cannot silently be always true.
    """

    allowed: bool
    reason: Reason
    application_kind: str | None = None
    #: For allowed data access: the grant that allowed it (``None`` when no
    #: grant was needed). Recorded in the access log with its purpose.
    grant: Grant | None = field(default=None, compare=False)
    #: For allowed data access: the viewer's organization through which the
    #: data is accessed (the provider, the grantee department, or the
    #: government department an unconditional entry is shared with);
    #: ``None`` for sysadmins and for access as a member of the public.
    organization: str | None = field(default=None, compare=False)

    def __bool__(self) -> bool:
        return self.allowed


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _require_aware(value: datetime, name: str) -> None:
    # Comparing naive and aware datetimes raises; mixing a naive UTC value
    # with a Chongqing one would be off by eight hours.
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware")


def _require_member(value: object, allowed: frozenset[str], name: str) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """What the policy needs to know about a catalog entry (a dataset)."""

    id: str
    owner_org: str
    #: The district of the provider organization; ``None`` for municipal ones.
    owner_district: str | None = None
    catalog_status: str | None = None
    share_type: str | None = None
    open_type: str | None = None
    private: bool = False

    def __post_init__(self) -> None:
        if not self.id or not self.owner_org:
            raise ValueError("an entry needs an id and an owner organization")
        for value, allowed, name in (
            (self.catalog_status, CATALOG_STATUSES, "catalog_status"),
            (self.share_type, SHARE_TYPES, "share_type"),
            (self.open_type, OPEN_TYPES, "open_type"),
        ):
            if value is not None:
                _require_member(value, allowed, name)

    @property
    def is_published(self) -> bool:
        """Approved and not withdrawn: its metadata is public."""
        return self.catalog_status == "approved" and not self.private


@dataclass(frozen=True, kw_only=True)
class ResourceInfo:
    """What the policy needs to know about a resource of an entry."""

    id: str
    #: ``share`` (original data, government only) or ``open`` (publishable).
    audience: str | None = None

    def __post_init__(self) -> None:
        if self.audience is not None:
            _require_member(self.audience, AUDIENCES, "audience")

    @property
    def is_open_audience(self) -> bool:
        return self.audience == "open"


@dataclass(frozen=True, kw_only=True)
class Oversight:
    """A competent department's scope, held by its members.

    The adapter gives a viewer one per competent organization they belong to.
    """

    level: str
    #: The district overseen; required for ``district`` level, else ``None``.
    district: str | None = None
    #: The competent organization this scope comes from (for its capacities).
    org_id: str | None = None

    def __post_init__(self) -> None:
        _require_member(self.level, OVERSIGHT_LEVELS, "level")
        if (self.level == "district") != bool(self.district):
            raise ValueError("a district oversight needs a district, and only it")

    def covers(self, entry: Entry) -> bool:
        """Whether ``entry`` is under this oversight."""
        if self.level == "municipal":
            return True
        return entry.owner_district == self.district

    @property
    def label(self) -> str:
        if self.level == "municipal":
            return "competent-municipal"
        return f"competent-district-{self.district}"


@dataclass(frozen=True, kw_only=True)
class Viewer:
    """Who is asking. ``user_id=None`` is an anonymous visitor."""

    user_id: str | None = None
    is_sysadmin: bool = False
    #: organization id → capacity (``member``, ``editor`` or ``admin``).
    memberships: Mapping[str, str] = field(default_factory=dict)
    #: organization id → ``org_kind`` for the organizations in ``memberships``.
    org_kinds: Mapping[str, str] = field(default_factory=dict)
    oversight: tuple[Oversight, ...] = ()

    def __post_init__(self) -> None:
        if self.user_id is None and (
            self.is_sysadmin or self.memberships or self.oversight
        ):
            raise ValueError("an anonymous viewer has no roles")
        for org_id, capacity in self.memberships.items():
            _require_member(capacity, CAPACITIES, f"capacity in {org_id}")
        object.__setattr__(self, "memberships", _frozen_mapping(self.memberships))
        object.__setattr__(self, "org_kinds", _frozen_mapping(self.org_kinds))
        object.__setattr__(self, "oversight", tuple(self.oversight))

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def is_member_of(self, org_id: str) -> bool:
        """Membership in any capacity; capacity matters for editing, not seeing."""
        return org_id in self.memberships

    @property
    def government_org_ids(self) -> frozenset[str]:
        """The viewer's organizations that count as government."""
        return frozenset(
            org_id
            for org_id in self.memberships
            if self.org_kinds.get(org_id) in GOVERNMENT_ORG_KINDS
        )

    def oversees(self, entry: Entry) -> bool:
        """Whether the viewer's competent department oversees ``entry``."""
        return any(scope.covers(entry) for scope in self.oversight)


@dataclass(frozen=True, kw_only=True)
class Grant:
    """Access granted by answering an application (Art. 16 share, Art. 21 open).

    A ``share`` grant is held by an organization (``grantee`` is its id), an
    ``open`` grant by a user (``grantee`` is the user id). It covers the whole
    entry, for the stated purpose and period only (Art. 18).
    """

    kind: str
    entry_id: str
    grantee: str
    purpose: str
    valid_from: datetime
    valid_until: datetime
    revoked_at: datetime | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        _require_member(self.kind, GRANT_KINDS, "kind")
        if not self.entry_id or not self.grantee:
            raise ValueError("a grant needs an entry and a grantee")
        if not self.purpose or not self.purpose.strip():
            raise ValueError("a grant is bound to a purpose (Art. 18)")
        if self.valid_until is None:
            raise ValueError("a grant needs an end of its validity (Art. 18)")
        _require_aware(self.valid_from, "valid_from")
        _require_aware(self.valid_until, "valid_until")
        if self.revoked_at is not None:
            _require_aware(self.revoked_at, "revoked_at")
        if self.valid_until < self.valid_from:
            raise ValueError("a grant cannot end before it starts")


def grant_status(grant: Grant, now: datetime) -> GrantStatus:
    """Where ``grant`` stands at ``now``; revocation outranks the period."""
    _require_aware(now, "now")
    if grant.revoked_at is not None and grant.revoked_at <= now:
        return GrantStatus.REVOKED
    if now < grant.valid_from:
        return GrantStatus.NOT_YET_VALID
    if now > grant.valid_until:
        return GrantStatus.EXPIRED
    return GrantStatus.VALID


def grant_is_valid(grant: Grant, now: datetime) -> bool:
    """Not revoked by ``now`` and ``valid_from <= now <= valid_until``."""
    return grant_status(grant, now) is GrantStatus.VALID


_DENIAL_FOR_STATUS = {
    GrantStatus.REVOKED: Reason.GRANT_REVOKED,
    GrantStatus.EXPIRED: Reason.GRANT_EXPIRED,
    GrantStatus.NOT_YET_VALID: Reason.GRANT_NOT_YET_VALID,
}


def _grant_decision(
    held: list[Grant],
    now: datetime,
    *,
    granted: Reason,
    missing: Reason,
    kind: str,
) -> Decision:
    """Allowed by any valid grant; otherwise say what became of the latest one."""
    statuses = [(grant_status(g, now), g) for g in held]
    valid = [g for status, g in statuses if status is GrantStatus.VALID]
    if valid:
        # The grant that lasts longest is the one the access is attributed to.
        used = max(valid, key=lambda g: (g.valid_until, g.id or ""))
        return Decision(
            True,
            granted,
            grant=used,
            organization=used.grantee if used.kind == "share" else None,
        )
    if not statuses:
        return Decision(False, missing, kind)
    status, _ = max(statuses, key=lambda pair: pair[1].valid_from)
    return Decision(False, _DENIAL_FOR_STATUS[status], kind)


def _not_visible(entry: Entry) -> Decision:
    if entry.catalog_status != "approved":
        return Decision(False, Reason.NOT_APPROVED)
    return Decision(False, Reason.PRIVATE_ENTRY)


def can_see_metadata(viewer: Viewer, entry: Entry) -> Decision:
    """Whether ``viewer`` may see the entry's metadata (internal fields aside)."""
    if viewer.is_sysadmin:
        return Decision(True, Reason.SYSADMIN)
    if entry.is_published:
        return Decision(True, Reason.PUBLISHED)
    if viewer.is_member_of(entry.owner_org):
        return Decision(True, Reason.PROVIDER_MEMBER)
    if viewer.oversees(entry):
        return Decision(True, Reason.COMPETENT_DEPARTMENT)
    return _not_visible(entry)


def can_see_internal_fields(viewer: Viewer, entry: Entry) -> Decision:
    """Whether ``viewer`` may see the entry's internal fields (those marked
    ``internal`` in the schema, such as the source business system).

    Only those who compile or review the catalog: members of the provider,
    the competent department overseeing the entry, and sysadmins. Everybody
    else sees the metadata without them, even of a published entry.
    """
    if viewer.is_sysadmin:
        return Decision(True, Reason.SYSADMIN)
    if viewer.is_member_of(entry.owner_org):
        return Decision(True, Reason.PROVIDER_MEMBER)
    if viewer.oversees(entry):
        return Decision(True, Reason.COMPETENT_DEPARTMENT)
    return Decision(False, Reason.INTERNAL_FIELDS)


def _share_row(
    entry: Entry, government_orgs: frozenset[str], grants: list[Grant], now: datetime
) -> Decision:
    if entry.share_type == "unconditional":
        return Decision(True, Reason.UNCONDITIONAL_SHARE)
    if entry.share_type == "conditional":
        held = [g for g in grants if g.kind == "share" and g.grantee in government_orgs]
        return _grant_decision(
            held,
            now,
            granted=Reason.VALID_SHARE_GRANT,
            missing=Reason.NEEDS_SHARE_APPLICATION,
            kind="share",
        )
    return Decision(False, Reason.NOT_SHARED)


def _open_row(
    viewer: Viewer, entry: Entry, grants: list[Grant], now: datetime
) -> Decision:
    if entry.open_type == "proactive":
        return Decision(True, Reason.PROACTIVE_OPEN)
    if entry.open_type == "on_application":
        held = [
            g
            for g in grants
            if g.kind == "open"
            and viewer.user_id is not None
            and g.grantee == viewer.user_id
        ]
        return _grant_decision(
            held,
            now,
            granted=Reason.VALID_OPEN_GRANT,
            missing=Reason.NEEDS_OPEN_APPLICATION,
            kind="open",
        )
    return Decision(False, Reason.NOT_OPEN)


def _sharing_organization(
    viewer: Viewer, entry: Entry, government_orgs: frozenset[str]
) -> str:
    """The department an unconditional entry is shared with, for the record:
    a competent department overseeing the entry if the viewer belongs to one,
    else the viewer's first government organization (by id, so that the
    answer is stable)."""
    overseeing = sorted(
        scope.org_id
        for scope in viewer.oversight
        if scope.org_id in government_orgs and scope.covers(entry)
    )
    return (overseeing or sorted(government_orgs))[0]


def can_access_data(
    viewer: Viewer,
    entry: Entry,
    resource: ResourceInfo,
    grants: Iterable[Grant],
    now: datetime,
) -> Decision:
    """Whether ``viewer`` may read the data of ``resource`` of ``entry`` at ``now``.

    ``grants`` may hold any grants (of other entries or other holders too); only
    those for this entry and held by this viewer or their government
    organizations count. ``now`` must be time-zone aware.
    """
    _require_aware(now, "now")
    if viewer.is_sysadmin:
        return Decision(True, Reason.SYSADMIN)
    if viewer.is_member_of(entry.owner_org):
        return Decision(True, Reason.PROVIDER_MEMBER, organization=entry.owner_org)
    if not entry.is_published:
        return _not_visible(entry)

    relevant = [g for g in grants if g.entry_id == entry.id]
    denials: list[Decision] = []
    government_orgs = viewer.government_org_ids
    if government_orgs:
        share = _share_row(entry, government_orgs, relevant, now)
        if share.allowed and share.organization is None:
            share = Decision(
                True,
                share.reason,
                organization=_sharing_organization(viewer, entry, government_orgs),
            )
        if share.allowed:
            return share
        denials.append(share)
    if resource.is_open_audience:
        opened = _open_row(viewer, entry, relevant, now)
        if opened.allowed:
            return opened
        denials.append(opened)
    elif not government_orgs:
        denials.append(Decision(False, Reason.SHARE_AUDIENCE_ONLY))
    actionable = [d for d in denials if d.application_kind is not None]
    return (actionable or denials)[0]


def can_see_resource(viewer: Viewer, entry: Entry, resource: ResourceInfo) -> Decision:
    """Whether ``viewer`` may know that ``resource`` exists (its metadata).

    Listing a resource is not fetching it: a denied viewer still sees an
    ``open`` resource, without its URL, and how to apply. ``audience: share``
    resources are listed only to government viewers — members of a government
    organization, of the provider, of an overseeing competent department — and
    sysadmins; the public never sees them in any listing.
    """
    metadata = can_see_metadata(viewer, entry)
    if not metadata:
        return metadata
    if resource.is_open_audience or viewer.is_sysadmin:
        return metadata
    if viewer.is_member_of(entry.owner_org):
        return Decision(True, Reason.PROVIDER_MEMBER)
    if viewer.government_org_ids or viewer.oversees(entry):
        return metadata
    return Decision(False, Reason.SHARE_AUDIENCE_ONLY)


#: Capacities in the provider (or competent) organization that manage grants.
GRANT_MANAGING_CAPACITIES = frozenset({"editor", "admin"})


def can_manage_grants(viewer: Viewer, entry: Entry) -> Decision:
    """Whether ``viewer`` may give or revoke grants to ``entry``'s data.

    Sysadmins, editors and admins of the provider, and editors and admins of a
    competent department overseeing the entry. Plain members answer no
    applications.
    """
    if viewer.is_sysadmin:
        return Decision(True, Reason.SYSADMIN)
    if viewer.memberships.get(entry.owner_org) in GRANT_MANAGING_CAPACITIES:
        return Decision(True, Reason.PROVIDER_MEMBER)
    if any(
        scope.covers(entry)
        and viewer.memberships.get(scope.org_id) in GRANT_MANAGING_CAPACITIES
        for scope in viewer.oversight
    ):
        return Decision(True, Reason.COMPETENT_DEPARTMENT)
    return Decision(False, Reason.NOT_GRANT_MANAGER)


def permission_labels_for_entry(entry: Entry) -> list[str]:
    """CKAN permission labels of an entry, matching :func:`can_see_metadata`.

    A viewer may see the entry exactly when the entry's labels and
    :func:`permission_labels_for_viewer` share one.
    """
    if entry.is_published:
        return [PUBLIC_LABEL]
    labels = [SYSADMIN_LABEL, f"member-{entry.owner_org}", "competent-municipal"]
    if entry.owner_district:
        labels.append(f"competent-district-{entry.owner_district}")
    return labels


def permission_labels_for_viewer(viewer: Viewer) -> list[str]:
    """CKAN permission labels of a viewer, matching :func:`can_see_metadata`."""
    labels = [PUBLIC_LABEL]
    if viewer.is_sysadmin:
        labels.append(SYSADMIN_LABEL)
    labels.extend(f"member-{org_id}" for org_id in sorted(viewer.memberships))
    labels.extend(sorted({scope.label for scope in viewer.oversight}))
    return labels


@dataclass(frozen=True, kw_only=True)
class AccessLogScope:
    """The access-log records a viewer may read.

    ``everything`` for sysadmins and the municipal competent department;
    otherwise the records of the entries of ``provider_orgs`` (the viewer's
    organizations: providers see who used their data) and of the providers
    in ``districts`` (a district competent department), and the viewer's own
    records (``user_id``). Anonymous visitors read nothing.
    """

    everything: bool = False
    user_id: str | None = None
    provider_orgs: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything or self.user_id or self.provider_orgs or self.districts
        )


def access_log_scope(viewer: Viewer) -> AccessLogScope:
    """Which access records ``viewer`` may read (Arts. 18, 28).

    The competent department oversees as far as its oversight reaches: a
    ``municipal`` one reads every record, a ``district`` one the records of
    its district's providers (like grants and unpublished entries).
    """
    if viewer.is_anonymous:
        return AccessLogScope()
    if viewer.is_sysadmin or any(s.level == "municipal" for s in viewer.oversight):
        return AccessLogScope(everything=True, user_id=viewer.user_id)
    return AccessLogScope(
        user_id=viewer.user_id,
        provider_orgs=frozenset(viewer.memberships),
        districts=frozenset(s.district for s in viewer.oversight if s.district),
    )
