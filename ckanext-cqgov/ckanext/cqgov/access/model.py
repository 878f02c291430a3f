"""Tables of the access subpackage: grants and the access (audit) log."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.cqgov.access import policy


def _uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Grant(tk.BaseModel):
    """Access to one entry's data, given by answering an application.

    ``kind`` ``share``: ``grantee_id`` is an organization id; ``kind``
    ``open``: ``grantee_id`` is a user id. ``package_id`` and the grantee are
    plain ids (no foreign keys to core tables).
    """

    __tablename__ = "cqgov_grant"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    kind = sa.Column(sa.UnicodeText, nullable=False)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    owner_org = sa.Column(sa.UnicodeText, nullable=False, index=True)
    grantee_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    purpose = sa.Column(sa.UnicodeText, nullable=False)
    terms = sa.Column(sa.UnicodeText, nullable=False, default="")
    valid_from = sa.Column(sa.DateTime(timezone=True), nullable=False)
    valid_until = sa.Column(sa.DateTime(timezone=True), nullable=False)
    granted_by = sa.Column(sa.UnicodeText, nullable=True)
    application_id = sa.Column(sa.UnicodeText, nullable=True, index=True)
    created = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    revoked_at = sa.Column(sa.DateTime(timezone=True), nullable=True)
    revoked_by = sa.Column(sa.UnicodeText, nullable=True)
    revoke_reason = sa.Column(sa.UnicodeText, nullable=True)
    #: Set by the periodic expiry job once the end of validity has passed.
    expiry_recorded_at = sa.Column(sa.DateTime(timezone=True), nullable=True)

    def as_policy_grant(self) -> policy.Grant:
        return policy.Grant(
            id=self.id,
            kind=self.kind,
            entry_id=self.package_id,
            grantee=self.grantee_id,
            purpose=self.purpose,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            revoked_at=self.revoked_at,
        )

    def status(self, now: dt.datetime | None = None) -> str:
        return policy.grant_status(self.as_policy_grant(), now or utcnow()).value

    def as_dict(self, now: dt.datetime | None = None) -> dict:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "kind": self.kind,
            "package_id": self.package_id,
            "owner_org": self.owner_org,
            "grantee_id": self.grantee_id,
            "purpose": self.purpose,
            "terms": self.terms,
            "valid_from": iso(self.valid_from),
            "valid_until": iso(self.valid_until),
            "granted_by": self.granted_by,
            "application_id": self.application_id,
            "created": iso(self.created),
            "revoked_at": iso(self.revoked_at),
            "revoked_by": self.revoked_by,
            "revoke_reason": self.revoke_reason,
            "expiry_recorded_at": iso(self.expiry_recorded_at),
            "status": self.status(now),
        }


def grants_for(
    package_ids: list[str], user_id: str | None, org_ids: list[str]
) -> list[policy.Grant]:
    """The grants of ``package_ids`` held by the user or their organizations.

    All of them, valid or not: the policy decides, and tells an expired or
    revoked grant apart from none.
    """
    if not package_ids:
        return []
    holders = list(org_ids) + ([user_id] if user_id else [])
    if not holders:
        return []
    rows = (
        model.Session.query(Grant)
        .filter(Grant.package_id.in_(package_ids))
        .filter(Grant.grantee_id.in_(holders))
        .all()
    )
    return [row.as_policy_grant() for row in rows]


#: The paths through which data is read, as recorded in ``AccessRecord.path``.
ACCESS_PATHS = (
    "download",
    "download_redirect",
    "datastore_search",
    "datastore_search_sql",
    "datastore_info",
    "datastore_dump",
    "resource_show",
    "package_show",
)


class AccessRecord(tk.BaseModel):
    """One data access (or refused attempt), append-only (Arts. 18, 28).

    A PostgreSQL trigger refuses ``UPDATE`` and ``DELETE`` on the table (see
    the migration); rows are only ever inserted. Ids are plain values (no
    foreign keys to core tables), and the user's name is copied so the record
    stays readable when the account is renamed or deleted.
    """

    __tablename__ = "cqgov_access_log"

    id = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    at = sa.Column(sa.DateTime(timezone=True), nullable=False, index=True)
    user_id = sa.Column(sa.UnicodeText, nullable=True, index=True)
    user_name = sa.Column(sa.UnicodeText, nullable=True)
    #: The viewer's organization through which the data was accessed.
    organization_id = sa.Column(sa.UnicodeText, nullable=True, index=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    #: The entry's provider at the time of access (who may read the record).
    owner_org = sa.Column(sa.UnicodeText, nullable=True, index=True)
    resource_id = sa.Column(sa.UnicodeText, nullable=True, index=True)
    path = sa.Column(sa.UnicodeText, nullable=False)
    allowed = sa.Column(sa.Boolean, nullable=False, default=True)
    #: The policy's reason (``provider_member``, ``valid_share_grant``,
    #: ``needs_share_application`` …).
    reason = sa.Column(sa.UnicodeText, nullable=False)
    grant_id = sa.Column(sa.UnicodeText, nullable=True, index=True)
    grant_purpose = sa.Column(sa.UnicodeText, nullable=True)
    client_ip = sa.Column(sa.UnicodeText, nullable=True)
    #: The ``X-Forwarded-For`` header as received (unverified).
    forwarded_for = sa.Column(sa.UnicodeText, nullable=True)
