"""A real portal for the test suite, started the way `make run` starts it.

Used by the portal test (tests/test_portal.py) and the browser tests
(tests/browser/conftest.py). The portal gets a database of its own (the test
database's name + a suffix; never the demo or the unit-test database), free
ports, a fresh storage directory, the same bootstrap as `make run` (migrations,
the DataStore's database and read-only role, sysadmin with password and API
token, demo catalog), then the web server
(``ckan run``), the job worker and the scheduler. Mail goes to an SMTP catcher
inside the test process, so tests can read what the portal sent.

The portal's processes get a Redis server of their own (``redis-server`` on a
free port, nothing saved): its worker and scheduler must not take jobs or
scheduler state from the unit tests' Redis database while both run. Without a
local ``redis-server`` binary the test Redis URL is shared.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import requests

from . import portal
from .database import database_name, ensure_database, with_database
from .datastore import TEST_READ_PASSWORD, default_urls, ensure_datastore
from .localconfig import write_local_ini
from .services import wait_listening

ROOT = Path(__file__).resolve().parents[4]
DEFAULT_TEST_DB = "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov_test"
DEFAULT_TEST_REDIS = "redis://127.0.0.1:6379/1"
ADMIN_PASSWORD = "cqgov-test-admin-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailCatcher:
    """A local SMTP server that keeps every message it receives."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def sent_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m.get("To", ""))]


@dataclass
class RunningPortal:
    """What a test needs to talk to the portal."""

    site: str
    token: str
    admin_name: str
    admin_password: str
    ini: Path
    env: dict[str, str]
    db_url: str
    log: Path
    mail: MailCatcher
    session: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str) -> str:
        return self.site + path

    def action(
        self, action: str, /, token: str | None = None, **data
    ) -> requests.Response:
        """Call ``/api/3/action/<name>``: POST with a JSON body when there is
        data, GET otherwise. Returns the raw response."""
        headers = {"Authorization": token} if token else {}
        url = f"{self.site}/api/3/action/{action}"
        if data:
            return self.session.post(url, json=data, headers=headers, timeout=60)
        return self.session.get(url, headers=headers, timeout=60)

    def call(self, action: str, /, token: str | None = None, **data):
        """``action`` as the sysadmin unless another token is given; returns the
        result and fails loudly on any error."""
        resp = self.action(action, token or self.token, **data)
        if resp.status_code != 200:
            raise AssertionError(f"{action} answered {resp.status_code}: {resp.text}")
        return resp.json()["result"]


@contextmanager
def _own_redis(workdir: Path) -> Iterator[str]:
    """A private Redis server for the portal; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield os.environ.get("CQGOV_TEST_REDIS_URL", DEFAULT_TEST_REDIS)
        return
    port = free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    try:
        if not wait_listening("127.0.0.1", port):
            raise RuntimeError(f"redis-server did not start on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@contextmanager
def running_portal(
    suffix: str, workdir: Path, prepare_runs: int = 1
) -> Iterator[RunningPortal]:
    """Start a portal on database ``<test db>_<suffix>`` (recreated empty);
    `prepare_runs` > 1 prepares it again like a second `make run`."""
    test_db = os.environ.get("CQGOV_TEST_SQLALCHEMY_URL", DEFAULT_TEST_DB)
    db_url = with_database(test_db, f"{database_name(test_db)}_{suffix}")
    ensure_database(db_url, recreate=True)
    ds_write, ds_read = default_urls(db_url, TEST_READ_PASSWORD)
    ensure_database(ds_write, recreate=True)
    ensure_datastore(db_url, ds_write, ds_read)
    port, smtp_port = free_port(), free_port()
    site = f"http://127.0.0.1:{port}"
    ini = write_local_ini(
        workdir / "ckan.ini",
        ROOT / "config" / "development.ini",
        extra={
            "ckan.storage_path": str(workdir / "storage"),
            "smtp.server": f"127.0.0.1:{smtp_port}",
        },
    )
    with ExitStack() as stack:
        env = dict(
            os.environ,
            CKAN_SQLALCHEMY_URL=db_url,
            CKAN_REDIS_URL=stack.enter_context(_own_redis(workdir)),
            CKAN_SITE_URL=site,
            CQGOV_ADMIN_PASSWORD=ADMIN_PASSWORD,
            CKAN_DATASTORE_WRITE_URL=ds_write,
            CKAN_DATASTORE_READ_URL=ds_read,
        )
        for _ in range(prepare_runs):
            admin = portal.prepare(ini, env=env)
        token = re.search(r"sysadmin API token: (\S+)", admin).group(1)
        login = re.search(r"sysadmin login: (\S+) / (\S+)", admin)
        mail = MailCatcher(smtp_port)
        mail.start()
        stack.callback(mail.stop)
        log = workdir / "portal.log"
        out = stack.enter_context(open(log, "w"))
        procs = portal.start_portal(
            ini, "127.0.0.1", port, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        stack.callback(procs.stop)
        yield RunningPortal(
            site=site,
            token=token,
            admin_name=login.group(1),
            admin_password=login.group(2),
            ini=ini,
            env=env,
            db_url=db_url,
            log=log,
            mail=mail,
        )
