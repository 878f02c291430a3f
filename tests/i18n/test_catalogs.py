"""The Chinese UI is complete: every message of CKAN core, ckanext-scheming,
ckanext-dcat and the extension has a zh_Hans_CN translation that keeps its
placeholders and HTML, and every schema text has both languages.

The messages counted are, per origin:

- core: CKAN's message template (``ckan/i18n/ckan.pot``), every message;
- ckanext-scheming and ckanext-dcat: extracted from their installed Python
  code and templates;
- the extension: extracted from its Python code and templates (so a new
  ``_()`` string without a translation fails here).

A message counts as translated when the table CKAN builds (core's own
zh_Hans_CN catalog overridden by the project's compiled catalog) has a
non-empty, non-fuzzy translation containing Chinese (or the message is listed
in ``SAME_IN_CHINESE``). Fix a failure by adding the translation to
``ckanext-cqgov/ckanext/cqgov/translation/zh_Hans_CN/<origin>.po`` (README,
"Language and translations").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.support import Translations

from ckanext.cqgov.translation import catalogs

LOCALE = "zh_Hans_CN"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table():
    return catalogs.portal_table(LOCALE)


def _templates():
    return catalogs.message_templates()


@pytest.mark.parametrize("origin", list(_templates()))
def test_every_message_is_translated(origin, table):
    template = _templates()[origin]()
    assert len([m for m in template if m.id]) > 0 or origin == "ckanext-cqgov"
    problems = list(catalogs.problems(origin, template, table))
    report = "\n".join(str(p) for p in problems)
    print(f"{origin}: {len(template)} messages, {len(problems)} problems\n{report}")
    assert not problems, (
        f"{len(problems)} zh_Hans_CN problems in {origin}; add or fix them in "
        f"{catalogs.source_path(LOCALE, origin)}:\n{report}"
    )


def test_core_template_is_the_counted_one():
    """The 448 messages the stock catalog leaves untranslated are counted."""
    stock = catalogs.stock_catalog(LOCALE)
    untranslated = [m for m in stock if m.id and not catalogs.is_translated(m)]
    assert len(untranslated) >= 400
    assert any(catalogs._first(m.id) == "{number} dataset found" for m in stock if m.id)


def test_source_catalogs_translate_only_known_messages():
    """An override of a message no catalog uses any more is dead weight."""
    known = {}
    for origin, make in _templates().items():
        known[origin] = {catalogs._first(m.id) for m in make() if m.id}
    stale = []
    for origin in catalogs.SOURCES:
        path = catalogs.source_path(LOCALE, origin)
        for message in catalogs.read_catalog(path, LOCALE):
            if message.id and catalogs._first(message.id) not in known[origin]:
                stale.append(f"{path.name}: {catalogs._first(message.id)!r}")
    assert not stale, "\n".join(stale)


def test_compiled_catalog_translates_like_ckan_will():
    mo = catalogs.compile_locale(LOCALE)
    translations = Translations.load(str(mo.parents[2]), [LOCALE], catalogs.DOMAIN)
    assert translations.gettext("Log in") == "登录"
    assert translations.gettext("Catalog entry not found") == "未找到该目录条目"
    assert (
        translations.ngettext(
            "{number} dataset found", "{number} datasets found", 9
        ).format(number=9)
        == "找到 9 个数据集"
    )
    # Whatever plural rule Flask-Babel ends up with (an empty catalog of
    # another domain brings English's), Chinese plurals stay Chinese.
    translations.plural = lambda n: int(n != 1)
    assert (
        translations.ngettext(
            "Dashboard (%(num)d new item)", "Dashboard (%(num)d new items)", 0
        )
        == "个人面板（%(num)d 条新动态）"
    )
    assert translations.ngettext("{num} Member", "{num} Members", 3) == "{num} 名成员"
    # A message no catalog knows falls through unchanged.
    assert translations.gettext("No such message here") == "No such message here"


def test_compile_is_skipped_when_nothing_changed():
    catalogs.compile_locale(LOCALE)
    assert not catalogs.is_stale(LOCALE)
    assert catalogs.compile_all(only_stale=True) == []


# --- the schemas: every text in both languages --------------------------------

TEXT_KEYS = {"label", "help_text", "form_placeholder", "repeating_label"}


def _schema_texts(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if key in TEXT_KEYS:
                yield where, value
            else:
                yield from _schema_texts(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            name = (
                item.get("field_name", item.get("value", i))
                if isinstance(item, dict)
                else i
            )
            yield from _schema_texts(item, f"{path}[{name}]")


def _english_text(en: str, zh: str) -> bool:
    """The Chinese text of a schema is English: no Chinese character, and an
    English phrase or the English word again. A code-like example
    (``my-department``) and a format name in capitals (``CSV``, ``OFD``) may
    stay as they are."""
    if re.search(r"[\u3400-\u9fff]", zh):
        return False
    phrase = re.search(r"[A-Za-z]+\s+[A-Za-z]+", zh)
    same_word = zh == en and re.fullmatch(r"[A-Za-z]+", zh) is not None
    return bool(phrase) or (same_word and not zh.isupper())


@pytest.mark.parametrize(
    ("en", "zh", "english"),
    [
        ("Title", "信息资源名称", False),
        ("Title", "Title", True),
        ("Share type", "Share type", True),
        ("my-department", "my-department", False),
        ("CSV", "CSV", False),
        ("Csv", "Csv", True),
        ("e.g. cq-bus-routes", "例如：cq-bus-routes", False),
    ],
)
def test_schema_english_rule(en, zh, english):
    assert _english_text(en, zh) is english


@pytest.mark.parametrize(
    "schema", sorted(p.name for p in (ROOT / "schemas").glob("*.yaml"))
)
def test_schema_texts_have_both_languages(schema, table):
    data = yaml.safe_load((ROOT / "schemas" / schema).read_text(encoding="utf-8"))
    texts = list(_schema_texts(data))
    assert texts
    missing = []
    for where, value in texts:
        if isinstance(value, dict):
            for lang in ("en", LOCALE):
                if not str(value.get(lang) or "").strip():
                    missing.append(f"{where}: no {lang!r} text")
            if _english_text(str(value.get("en")), str(value.get(LOCALE))):
                missing.append(f"{where}: the {LOCALE!r} text is English")
        elif isinstance(value, str) and not table.get(value):
            missing.append(
                f"{where}: {value!r} is neither a language dict nor "
                "a translated message"
            )
    assert not missing, "\n".join(missing)


# --- the rules of the check itself ----------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("Hello %(name)s", "你好 %(name)s", True),
        ("Hello %(name)s", "你好", False),
        ("Hello %(name)s", "你好 %(nom)s", False),
        ("%s of %s", "%s 的 %s", True),
        ("%s of %d", "%d 的 %s", False),  # positional ones cannot move
        ("{a} to {b}", "{b} 改为 {a}", True),  # named ones can
        ("{} not found", "未找到{}", True),
        ("{0} and {1}", "{1} 和 {0}", False),
        ("Delete {num} rows?", "删除 {num} 行？", True),
        ('See <a href="%(url)s">the docs</a>.', '见<a href="%(url)s">文档</a>。', True),
        ('See <a href="%(url)s">the docs</a>.', "见文档。", False),
        (
            '<a href="/x" title="Quick help">x</a>',
            '<a href="/x" title="帮助">x</a>',
            True,
        ),
        ('<a href="/x">x</a>', '<a href="/y">x</a>', False),
        ("<b>Note:</b> text", "<strong>注意：</strong>文字", False),
        ("e.g. <code>AB-\\d{6}</code>", "例如 <code>AB-\\d{6}</code>", True),
    ],
)
def test_format_rules(msgid, msgstr, ok):
    assert (catalogs.format_problems(msgid, msgstr) == []) is ok


@pytest.mark.parametrize(
    ("msgid", "msgstr", "english"),
    [
        ("Log in", "登录", False),
        ("Log in", "Log in", True),
        ("Creative Commons Attribution", "Creative Commons Attribution", True),
        ("{kibibytes} KiB", "{kibibytes} KiB", False),  # listed as the same
        ("JSON", "JSON", False),
        ("{n}", "{n}", False),  # nothing English to translate
        ("http://example.com/a.csv", "http://example.com/a.csv", False),
        ("<b>Powered by</b>", "<b>Powered by</b>", True),
    ],
)
def test_english_left_in_place_is_found(msgid, msgstr, english):
    assert catalogs.looks_english(msgid, msgstr) is english


def test_an_untranslated_new_message_fails_the_check(table):
    from babel.messages.catalog import Catalog

    template = Catalog()
    template.add("Log in")
    template.add("A message added to the code without translation")
    template.add(("{n} entry", "{n} entries"))
    problems = list(catalogs.problems("test", template, table))
    assert [(p.msgid, p.issue) for p in problems] == [
        ("A message added to the code without translation", "untranslated"),
        ("{n} entry", "untranslated"),
    ]
