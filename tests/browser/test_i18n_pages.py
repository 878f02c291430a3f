"""The main pages show no English UI text in Chinese, and English under /en/.

The rule is :func:`ckanext.cqgov.translation.uitext.english_ui` (what is
scanned and when a text counts as English UI); for English pages it is turned
around: a visible text that is exactly the Chinese translation of a UI message
is a Chinese UI string left on an English page.
"""

from __future__ import annotations

import re

import pytest

from ckanext.cqgov.translation import catalogs
from ckanext.cqgov.translation.uitext import SCAN, english_ui


def chinese_ui(text: str, translations: frozenset[str]) -> bool:
    """`text` is the Chinese of a UI message (an English page shows none)."""
    return text in translations


@pytest.fixture(scope="module")
def ui_translations():
    table = catalogs.portal_table("zh_Hans_CN")
    return frozenset(
        s.strip()
        for strings in table.values()
        for s in strings
        if re.search(r"[\u3400-\u9fff]", s)
    )


def demo_entry(portal) -> dict:
    """A published demo entry with data (other browser tests of the session
    add entries of their own, unpublished or without data)."""
    found = portal.call(
        "package_search", rows=200, sort="name asc", fq="catalog_status:approved"
    )["results"]
    return next(d for d in found if d["resources"] and not d["private"])


@pytest.fixture(scope="module")
def publisher_and_pages(portal, make_user):
    dataset = demo_entry(portal)
    resource = dataset["resources"][0]
    org = dataset["organization"]["name"]
    publisher = make_user(org=org, role="editor")
    pages = [
        ("home", "/", None),
        ("dataset search", "/dataset/", None),
        ("dataset search with a query", "/dataset/?q=%E6%95%B0%E6%8D%AE", None),
        ("dataset search without results", "/dataset/?q=zzzqqq", None),
        ("dataset", f"/dataset/{dataset['name']}", None),
        ("resource", f"/dataset/{dataset['name']}/resource/{resource['id']}", None),
        ("organizations", "/organization/", None),
        ("organization", f"/organization/{org}", None),
        ("login", "/user/login", None),
        ("register", "/user/register", None),
        ("dataset activity", f"/dataset/activity/{dataset['name']}", None),
        ("organization about", f"/organization/about/{org}", None),
        ("dataset form", f"/dataset/new?owner_org={org}", publisher),
        ("dataset edit form", f"/dataset/edit/{dataset['name']}", publisher),
        ("resource form", f"/dataset/{dataset['name']}/resource/new", publisher),
        ("publisher dashboard", "/dashboard/datasets", publisher),
        ("publisher access log", "/dashboard/access-log", publisher),
        ("publisher profile", f"/user/{publisher.name}", publisher),
    ]
    return publisher, pages


def _scan(page, path):
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    return page.evaluate(SCAN)


def _visit_all(new_page, pages, prefix=""):
    anonymous = new_page()
    logged_in = {}
    for label, path, user in pages:
        if user is None:
            page = anonymous
        else:
            page = logged_in.get(user.name) or new_page(user)
            logged_in[user.name] = page
        yield label, prefix + path, _scan(page, prefix + path), page


def test_main_pages_have_no_english_ui_text(publisher_and_pages, new_page, ui_messages):
    _, pages = publisher_and_pages
    found = []
    scanned = 0
    for label, path, texts, page in _visit_all(new_page, pages):
        assert page.locator("html").get_attribute("lang").startswith("zh"), path
        scanned += len(texts)
        found += [
            f"{label} ({path}) {where}: {text!r}"
            for text, where in texts
            if english_ui(text, ui_messages)
        ]
    print(f"{len(pages)} pages, {scanned} texts scanned, {len(found)} English")
    assert scanned > 500
    assert not found, "English UI text on Chinese pages:\n" + "\n".join(found)


def test_the_rule_finds_the_english_of_english_pages(
    publisher_and_pages, new_page, ui_messages
):
    """The same scan on the /en/ pages finds English UI everywhere: the check
    above can fail."""
    _, pages = publisher_and_pages
    for label, path, texts, _page in _visit_all(new_page, pages, prefix="/en"):
        hits = [text for text, _ in texts if english_ui(text, ui_messages)]
        assert len(hits) >= 3, (label, path, hits)


def _content(dataset: dict) -> set[str]:
    """The entry's own texts (content, in Chinese on every page): a data
    item named 统一社会信用代码 is not the UI label of the same words."""
    texts = {dataset.get("title"), dataset.get("notes")}
    texts.add((dataset.get("organization") or {}).get("title"))
    texts.update(t.get("name") for t in dataset.get("tags") or [])
    for item in dataset.get("data_items") or []:
        texts.update(v for v in item.values() if isinstance(v, str))
    for resource in dataset.get("resources") or []:
        texts.update((resource.get("name"), resource.get("description")))
    return {t.strip() for t in texts if t}


def test_english_pages_are_english(
    portal, publisher_and_pages, new_page, ui_translations
):
    _, pages = publisher_and_pages
    content = _content(demo_entry(portal))
    found = []
    for label, path, texts, page in _visit_all(new_page, pages, prefix="/en"):
        assert page.locator("html").get_attribute("lang") == "en", path
        found += [
            f"{label} ({path}) {where}: {text!r}"
            for text, where in texts
            if chinese_ui(text, ui_translations) and text.strip() not in content
        ]
    assert not found, "Chinese UI text on English pages:\n" + "\n".join(found)


def test_english_dataset_page_shows_english_labels(portal, page):
    name = demo_entry(portal)["name"]
    page.goto(f"/en/dataset/{name}")
    body = page.inner_text("body")
    assert "Share type" in body
    assert "共享类型" not in body
    page.goto(f"/dataset/{name}")
    assert "共享类型" in page.inner_text("body")


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("找到 9 个数据集", False),
        ("9 datasets found", True),
        ("Search", True),  # a whole UI message
        ("Log in", True),
        ("CSV", False),
        ("JSON-LD", False),
        ("cq-transport-bus-routes.csv", False),
        ("admin@cqgov.invalid", False),
        ("http://127.0.0.1:5000/dataset/", False),
        ("重庆市交通运输委员会", False),
        ("CKAN API", False),
        ("Powered by CKAN", True),
        ("技术支持： CKAN", False),
        ("Creative Commons Attribution", True),
        ("知识共享署名许可协议（CC BY）", False),
    ],
)
def test_english_ui_rule(text, english):
    messages = frozenset({"Search", "Log in", "CSV", "Powered by"})
    assert english_ui(text, messages) is english
