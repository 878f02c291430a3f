"""Browser tests: a real portal driven by a real headless Chromium.

Shared by every browser test: write new ones as ``tests/browser/test_<feature>.py``
so these fixtures apply. Every test in this folder is marked ``browser``
(``make test PYTEST_ARGS="-m browser"`` runs them alone, ``-m 'not browser'``
skips them).

Requirements (``make test`` installs them through apt-get when missing):
Debian's ``chromium`` at ``/usr/bin/chromium`` and ``fonts-noto-cjk``. Playwright
for Python (sync API) drives that Chromium; it never downloads a browser.

Fixtures
--------
``portal`` (session) -- :class:`ckanext.cqgov.bootstrap.testportal.RunningPortal`:
    a real portal started as ``make run`` starts it, on its own database
    ``<test db>_browser`` (recreated empty at session start), free ports, the
    demo catalog loaded, ``ckan run`` plus the job worker, and an SMTP catcher.

    - ``portal.site`` -- base URL (``http://127.0.0.1:<port>``)
    - ``portal.token`` / ``portal.admin_name`` / ``portal.admin_password`` --
      the sysadmin
    - ``portal.call(action, **data)`` -- API call as the sysadmin (or
      ``token=...``); returns ``result``, raises on any error
    - ``portal.action(action, token=None, **data)`` -- the raw response
      (for asserting 403/409 answers)
    - ``portal.mail.messages`` / ``portal.mail.sent_to(address)`` -- every mail
      the portal sent (``email.message.EmailMessage``)
    - ``portal.log`` -- the web server's and worker's output

    The session shares this one portal: create your own users, organizations
    and datasets with unique names (the ``unique_name`` fixture:
    ``unique_name("ds")``) and do not delete or change the demo catalog's
    entries.

``make_user(org=None, role="editor", sysadmin=False, fullname=None, token=False)``
    -> :class:`TestUser` (``name``, ``password``, ``email``, ``id``, ``token``):
    creates a user through the API with the sysadmin token, optionally a member
    of organization ``org`` (name or id) with ``role`` (``member``, ``editor``,
    ``admin``); ``token=True`` also issues an API token for that user.

``make_organization(**fields)`` -> the created organization (dict); valid
    defaults for the organization schema, any field overridable.

``browser`` (session) -- the Playwright ``Browser``.

``page`` -- a fresh anonymous page (own cookies) whose relative URLs resolve
    against the portal: ``page.goto("/dataset/")``. Locale zh-CN, time zone
    Asia/Shanghai. The portal's default language is zh_Hans_CN; English pages
    live under ``/en/...``.

``new_page(user=None)`` -- another fresh page, logged in as ``user`` when given;
    for tests with several actors (a publisher and the reviewing competent
    department), each in its own browser context.

``login(page, user)`` -- logs ``page`` in through the login form (the
    sysadmin: ``login(page, portal.admin)``) and checks that it worked;
    ``try_login(page, name, password)`` only says whether it did.

On a failing test a screenshot and the HTML of every open page are written to
``<pytest basetemp>/browser-failures/`` and their paths printed in the report.

Example::

    def test_publisher_sees_form(portal, make_user, new_page, english_ui_texts):
        org = portal.call("organization_list")[0]
        publisher = make_user(org=org, role="editor")
        page = new_page(publisher)
        page.goto(f"/dataset/new?owner_org={org}")
        assert page.locator("#field-title").is_visible()
        assert english_ui_texts(page) == []

Translations
------------
A page a citizen or publisher sees must show no English UI text in Chinese:
``english_ui_texts(page)`` lists what the current page shows in English (the
rule is in ``tests/browser/test_i18n_pages.py``, which scans the main pages;
assert it is ``[]`` on your pages too), and ``tests/i18n/test_catalogs.py``
fails on any extension message without Chinese.
After adding ``_()`` / ``{{ _('...') }}`` strings:

1. ``.venv/bin/python -m ckanext.cqgov.translation update`` (adds them, empty,
   to ``ckanext-cqgov/ckanext/cqgov/translation/zh_Hans_CN/ckanext-cqgov.po``);
2. fill in their ``msgstr`` (same placeholders and HTML as the ``msgid``);
3. ``make test PYTEST_ARGS="tests/i18n"``. The portal recompiles the catalog
   when it starts (or ``python -m ckanext.cqgov.translation compile``).

Schema texts are ``{en: ..., zh_Hans_CN: ...}`` pairs in ``schemas/*.yaml``.
See README "Language and translations".
"""

from __future__ import annotations

import itertools
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from ckanext.cqgov.bootstrap import portal as bootstrap_portal
from ckanext.cqgov.bootstrap.testportal import RunningPortal, running_portal
from ckanext.cqgov.translation import catalogs
from ckanext.cqgov.translation.uitext import SCAN, english_ui

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
USER_PASSWORD = "Browser-Test-Pass-2026"
_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class TestUser:
    __test__ = False  # not a test class for pytest

    name: str
    password: str
    email: str
    id: str
    token: str | None = None


def _unique_name(prefix: str) -> str:
    """A CKAN-valid name that no other test of the session uses."""
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def unique_name():
    return _unique_name


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> RunningPortal:
    with running_portal("browser", tmp_path_factory.mktemp("browser-portal")) as p:
        p.admin = TestUser(p.admin_name, p.admin_password, "", "", p.token)
        yield p


@pytest.fixture(scope="session")
def make_user(portal):
    def make(
        org: str | None = None,
        role: str = "editor",
        sysadmin: bool = False,
        fullname: str | None = None,
        token: bool = False,
    ) -> TestUser:
        name = _unique_name("user")
        email = f"{name}@example.invalid"
        user = portal.call(
            "user_create",
            name=name,
            email=email,
            password=USER_PASSWORD,
            fullname=fullname or f"测试用户{name.split('-')[1]}",
            sysadmin=sysadmin,
        )
        if org:
            portal.call("organization_member_create", id=org, username=name, role=role)
        api_token = None
        if token:
            api_token = (
                bootstrap_portal.ckan(
                    portal.ini,
                    "user",
                    "token",
                    "add",
                    name,
                    "browser-test",
                    "--quiet",
                    env=portal.env,
                    quiet=True,
                )
                .strip()
                .splitlines()[-1]
            )  # the token is the last line of the output
        return TestUser(name, USER_PASSWORD, email, user["id"], api_token)

    return make


@pytest.fixture(scope="session")
def make_organization(portal):
    def make(**fields) -> dict:
        name = fields.pop("name", None) or _unique_name("org")
        data = {
            "name": name,
            "title": f"测试部门{name.split('-')[1]}",
            "org_kind": "government",
            "level": "municipal",
            **fields,
        }
        return portal.call("organization_create", **data)

    return make


@pytest.fixture(scope="session")
def ui_messages():
    ids = set()
    for make in catalogs.message_templates().values():
        for message in make():
            if message.id:
                ids.update([message.id] if isinstance(message.id, str) else message.id)
    return frozenset(i.strip() for i in ids)


@pytest.fixture
def english_ui_texts(ui_messages):
    """``english_ui_texts(page)``: the English UI texts the page shows (empty
    on a fully Chinese page)."""

    def find(page) -> list[str]:
        return [
            f"{where}: {text!r}"
            for text, where in page.evaluate(SCAN)
            if english_ui(text, ui_messages)
        ]

    return find


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
            "(apt-get install chromium fonts-noto-cjk)"
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def try_login(page, name: str, password: str) -> bool:
    """Submit the login form; whether `page` is now logged in as `name`."""
    page.goto("/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", password)
    with page.expect_navigation():
        page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    return page.locator(f'a[href$="/user/{name}"]').count() > 0


def login(page, user: TestUser) -> None:
    """Log `page` in as `user` through the login form."""
    if not try_login(page, user.name, user.password):
        raise AssertionError(f"login as {user.name} failed at {page.url}")


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture(name="try_login")
def try_login_fixture():
    return try_login


@pytest.fixture
def new_page(browser, portal, request):
    contexts = []

    def make(user: TestUser | None = None):
        context = browser.new_context(
            base_url=portal.site,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, user)
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                _save_failure(request, page, f"{i}-{j}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _save_failure(request, page, suffix: str) -> None:
    base = request.config._tmp_path_factory.getbasetemp() / "browser-failures"
    base.mkdir(exist_ok=True)
    stem = base / f"{request.node.name}-{suffix}"
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # the page may be gone; the test already failed
        print(f"could not save the page {page.url}: {exc}")
        return
    print(f"page {page.url}: {stem}.png {stem}.html")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
