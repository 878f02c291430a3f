"""Fixtures of the workflow tests: departments, people, entries, a real SMTP
server, the job queue run in-process, and a movable clock."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from ckanext.cqgov import periodic

#: Wed 6 May 2026, 09:00 in Chongqing
T0 = datetime(2026, 5, 6, 1, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch):
    c = Clock(T0)
    monkeypatch.setattr(periodic, "utcnow", c)
    return c


class Mailbox:
    """Messages received by a real SMTP server (aiosmtpd) on a free port."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        # the default policy decodes and unfolds headers
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        with self.lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": str(parsed["Subject"]),
                    "body": body.get_content() if body is not None else "",
                }
            )
        return "250 OK"

    def to(self, email: str) -> list[dict]:
        return [m for m in self.messages if email in m["to"]]

    def subjects(self, email: str) -> list[str]:
        return [m["subject"] for m in self.to(email)]

    def clear(self) -> None:
        self.messages.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox(ckan_config, monkeypatch):
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "portal@cqgov.invalid")
    yield box
    controller.stop()


@pytest.fixture
def run_jobs():
    """Run every job on CKAN's queue in this process (what the worker does)."""
    from ckan.lib import jobs

    queue = jobs.get_queue()
    queue.empty()

    def run() -> int:
        count = 0
        while queue.jobs:
            for job in queue.jobs:
                job.perform()
                job.delete()
                count += 1
        return count

    yield run
    queue.empty()


@pytest.fixture
def world(clean_db, reset_redis, clock):
    """Departments and people:

    * ``provider``: a municipal department; ``p_admin`` (admin), ``p_editor``
      (editor), ``p_member`` (member)
    * ``applicant_org``: another department; ``d_user`` (member)
    * ``other_org``: a third department; ``o_editor`` (editor)
    * ``competent``: the municipal competent department; ``c_admin`` (admin)
    * ``citizen``: a registered user without department
    """
    from ckan.tests import factories

    reset_redis()
    users = {
        name: factories.User(name=name, email=f"{name}@example.invalid")
        for name in (
            "p_admin",
            "p_editor",
            "p_member",
            "d_user",
            "o_editor",
            "c_admin",
            "citizen",
        )
    }

    def org(name, members, **extra):
        return factories.Organization(
            name=name,
            title=name,
            org_kind="government",
            level="municipal",
            users=[{"name": u, "capacity": c} for u, c in members],
            **extra,
        )

    orgs = {
        "provider": org(
            "provider",
            [("p_admin", "admin"), ("p_editor", "editor"), ("p_member", "member")],
        ),
        "applicant_org": org("applicant-org", [("d_user", "member")]),
        "other_org": org("other-org", [("o_editor", "editor")]),
        "competent": org("competent", [("c_admin", "admin")], is_competent=True),
    }
    return {"users": users, "orgs": orgs}


@pytest.fixture
def entry(world, dataset_factory):
    """Make an entry of the provider with the given catalog fields."""

    def make(**fields):
        return dataset_factory(
            owner_org=world["orgs"]["provider"]["id"],
            resources=[
                {
                    "name": "table",
                    "url": "https://example.invalid/t.csv",
                    "audience": "open",
                }
            ],
            **fields,
        )

    return make


@pytest.fixture
def act():
    """Call an action as a user: ``act("cqgov_x", "p_admin", id=...)``."""
    import ckan.plugins.toolkit as tk

    def call(action, user=None, **data):
        return tk.get_action(action)({"user": user or "", "ignore_auth": False}, data)

    return call
