"""Grants on the CKAN side: parsing input, visibility of grant records, expiry."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.cqgov import periodic
from ckanext.cqgov.access import policy
from ckanext.cqgov.access.model import Grant, utcnow

_ = tk._


def local_timezone() -> dt.tzinfo:
    name = tk.config.get("ckan.display_timezone") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def parse_moment(value: Any, *, end_of_day: bool = False) -> dt.datetime:
    """An aware datetime from an ISO date or datetime (or a datetime).

    A value without a time zone is in the portal's time zone
    (``ckan.display_timezone``); a bare date is the start of that day, or its
    last moment when ``end_of_day`` (validity ends are inclusive).
    Raises ValueError for anything else.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
        if end_of_day:
            moment = dt.datetime.combine(value, dt.time.max)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time())
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    else:
        raise ValueError(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=local_timezone())
    return moment


def visible_grants_clause(viewer: policy.Viewer) -> Any:
    """SQL condition: the grant records ``viewer`` may list.

    Sysadmins and the municipal competent department all; a district competent
    department those of its district's providers; a provider's members those
    of its entries; a grantee organization's members the grants it holds; a
    user their own open grants.
    """
    if viewer.is_sysadmin or any(s.level == "municipal" for s in viewer.oversight):
        return sa.true()
    orgs = list(viewer.memberships)
    clauses = [Grant.grantee_id == viewer.user_id]
    if orgs:
        clauses.append(Grant.owner_org.in_(orgs))
        clauses.append(sa.and_(Grant.kind == "share", Grant.grantee_id.in_(orgs)))
    districts = [s.district for s in viewer.oversight if s.district]
    if districts:
        district_orgs = (
            sa.select(model.GroupExtra.group_id)
            .where(model.GroupExtra.key == "region")
            .where(model.GroupExtra.value.in_(districts))
            .where(model.GroupExtra.state == "active")
        )
        clauses.append(Grant.owner_org.in_(district_orgs))
    return sa.or_(*clauses)


@periodic.register("access.record_expired_grants", every=dt.timedelta(hours=1))
def record_expired_grants(now: dt.datetime | None = None) -> int:
    """Mark grants whose validity ended (and were not revoked) as expired.

    Access checks never rely on this mark (they compare the period with the
    clock); it records when the expiry was noticed, for the grant's history
    and for notices. Returns how many grants were marked. Idempotent.
    """
    now = now or utcnow()
    count = (
        model.Session.query(Grant)
        .filter(Grant.valid_until < now)
        .filter(Grant.expiry_recorded_at.is_(None))
        .filter(
            sa.or_(Grant.revoked_at.is_(None), Grant.revoked_at > Grant.valid_until)
        )
        .update({Grant.expiry_recorded_at: now}, synchronize_session="fetch")
    )
    model.Session.commit()
    return count
