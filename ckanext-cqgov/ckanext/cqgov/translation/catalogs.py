"""The portal's message catalogs: sources, compilation, completeness.

CKAN merges every message catalog it loads into one table per language: core's
``ckan`` domain first, then each ``ITranslation`` plugin's domain (the plugins
listed first in ``ckan.plugins`` last), an entry of a later catalog replacing an
entry with the same message id; ``cqgov`` is listed before scheming and dcat.
So the extension's
one domain, ``ckanext-cqgov``, carries both its own messages and the Chinese
that CKAN core, ckanext-scheming and ckanext-dcat lack or translate badly.

Sources (committed), one folder per language, ``translation/<locale>/``:

- ``ckanext-cqgov.po``    the extension's own messages (Python and templates)
- ``ckan.po``             CKAN core: missing translations and corrections
- ``ckanext-scheming.po`` ckanext-scheming's messages
- ``ckanext-dcat.po``     ckanext-dcat's messages

:func:`compile_locale` merges them (in that order; a later file wins) into
``i18n/<locale>/LC_MESSAGES/ckanext-cqgov.po`` and ``.mo``: generated, not
committed, where CKAN looks for the plugin's catalog (the ``.mo`` serves pages,
the ``.po`` the JavaScript strings CKAN builds at start-up).

English needs no catalog: message ids are English.

Imports nothing from CKAN: it reads the installed packages' files, and
extraction names CKAN's template extractor by its entry point string.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SOURCE_DIR = Path(__file__).resolve().parent
OUTPUT_DIR = PACKAGE_DIR / "i18n"
DOMAIN = "ckanext-cqgov"
LOCALES = ("zh_Hans_CN",)
#: Source catalogs of one language, lowest precedence first.
SOURCES = ("ckan", "ckanext-scheming", "ckanext-dcat", DOMAIN)

#: Where message ids are found: Python code, and templates through CKAN's Jinja
#: extractor (CKAN's template extensions, whitespace trimmed like CKAN does).
METHOD_MAP = [
    ("**/tests/**", "ignore"),
    ("**/2.8_templates/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "ckan.lib.extract:extract_ckan"),
]

#: Message ids whose Chinese is the same text: units, format and protocol names,
#: example values. Any other translation without a Chinese character is taken
#: for an English string left in place.
SAME_IN_CHINESE = frozenset(
    {
        "{kibibytes} KiB",
        "{mebibytes} MiB",
        "{gibibytes} GiB",
        "{tebibytes} TiB",
        "API",
        "CSV",
        "ID",
        "JSON",
        "URI",
        "1.0",
        "http://example.com/dataset.json",
        "http://example.com/external-data.csv",
        "http://example.com/my-image.jpg",
        "eg. 2012-06-05",
        "eg. 1024",
        "eg. application/json",
    }
)


def source_path(locale: str, name: str) -> Path:
    return SOURCE_DIR / locale / f"{name}.po"


def output_dir(locale: str) -> Path:
    return OUTPUT_DIR / locale / "LC_MESSAGES"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


HEADER = """\
Simplified Chinese of the cqgov portal ({name}).
Source catalog: edit it, then `python -m ckanext.cqgov.translation compile`
(README, "Language and translations")."""


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a .po file (message locations without line numbers, so that
    editing code does not churn the catalogs)."""
    _atomic_write(
        path,
        lambda f: write_po(f, catalog, width=78, include_lineno=False),
    )


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file renamed into place: a CKAN process that
    starts meanwhile reads the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (tuple, list)):
        return list(message.string)
    return [message.string or ""]


def is_translated(message: Message) -> bool:
    return bool(message.id) and not message.fuzzy and all(_strings(message))


def _new_catalog(locale: str, like: Catalog | None = None) -> Catalog:
    catalog = Catalog(
        locale=locale,
        domain=DOMAIN,
        project=DOMAIN,
        version="1",
        msgid_bugs_address="https://github.com/cqgov/ckanext-cqgov/issues",
        last_translator="cqgov maintainers",
        language_team="cqgov",
        header_comment="# " + HEADER.format(name=DOMAIN).replace("\n", "\n# "),
        fuzzy=False,
    )
    if like is not None:  # keep the dates: no diff without a change
        catalog.creation_date = like.creation_date
        catalog.revision_date = like.revision_date
    return catalog


#: Plural forms written for every plural message (see :func:`merged_catalog`).
PLURAL_FORMS_WRITTEN = 2


def _all_forms(message: Message) -> Message:
    """A plural message with its Chinese form repeated for the index of every
    plural rule CKAN may end up applying.

    Flask-Babel merges the catalogs of all domains into one object and keeps the
    plural rule of the last catalog it loaded, even when that domain has no
    catalog for the language (ckanext-dcat has none for Chinese: its empty
    catalog carries English's rule, index 1 for any count but 1). With a single
    Chinese form, "79 datasets found" then fell back to English.
    """
    if not isinstance(message.id, (tuple, list)):
        return Message(message.id, message.string)
    forms = list(_strings(message))
    forms += [forms[-1]] * (PLURAL_FORMS_WRITTEN - len(forms))
    return Message(message.id, tuple(forms))


def merged_catalog(locale: str, base: Catalog | None = None) -> Catalog:
    """Every translated source message of `locale`, a later source winning,
    over the plural messages of `base` (CKAN's own catalog of the language),
    which need their forms repeated too."""
    merged = _new_catalog(locale)

    def put(message: Message) -> None:
        # Babel's Catalog keeps the string of a message already there.
        if message.id in merged:
            merged.delete(message.id)
        merged[message.id] = _all_forms(message)

    if base is not None:
        for message in base:
            if isinstance(message.id, (tuple, list)) and is_translated(message):
                put(message)
    for name in SOURCES:
        path = source_path(locale, name)
        if path.exists():
            for message in read_catalog(path, locale):
                if is_translated(message):
                    put(message)
    return merged


def compile_locale(locale: str) -> Path:
    """Write the merged ``.po`` and ``.mo`` of `locale`; return the ``.mo``."""
    catalog = merged_catalog(locale, base=stock_catalog(locale))
    out = output_dir(locale)
    mo = out / f"{DOMAIN}.mo"
    write_catalog(catalog, out / f"{DOMAIN}.po")
    _atomic_write(mo, lambda f: write_mo(f, catalog, use_fuzzy=False))
    return mo


def is_stale(locale: str) -> bool:
    """No compiled catalog, or a source (or this module) newer than it."""
    built = [output_dir(locale) / f"{DOMAIN}.{ext}" for ext in ("po", "mo")]
    if not all(p.exists() for p in built):
        return True
    oldest = min(p.stat().st_mtime for p in built)
    inputs = [Path(__file__), *(source_path(locale, n) for n in SOURCES)]
    return any(p.exists() and p.stat().st_mtime > oldest for p in inputs)


def compile_all(only_stale: bool = False) -> list[Path]:
    """Compile every language (only the stale ones when asked)."""
    return [
        compile_locale(locale)
        for locale in LOCALES
        if not only_stale or is_stale(locale)
    ]


# --- extraction -------------------------------------------------------------


def extract(directory: Path) -> Catalog:
    """The translatable messages of the Python code and templates under
    `directory`, tests excluded."""
    catalog = Catalog(fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(directory), METHOD_MAP
    ):
        catalog.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def extension_messages() -> Catalog:
    """The extension's own messages."""
    return extract(PACKAGE_DIR)


def package_dir(module: str) -> Path:
    """Where an installed package lives, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"{module} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def message_templates() -> dict[str, Callable[[], Catalog]]:
    """Per source catalog, the messages it must translate: CKAN core's (see
    :func:`core_messages`), and those extracted from ckanext-scheming,
    ckanext-dcat and the extension (Python code and templates)."""
    return {
        "ckan": core_messages,
        "ckanext-scheming": lambda: extract(package_dir("ckanext.scheming")),
        "ckanext-dcat": lambda: extract(package_dir("ckanext.dcat")),
        DOMAIN: extension_messages,
    }


def core_messages() -> Catalog:
    """CKAN core's messages: its shipped template plus what its code and the
    activity plugin use without being in that template (it lags behind)."""
    catalog = read_catalog(package_dir("ckan") / "i18n" / "ckan.pot")
    for module in ("ckan", "ckanext.activity"):
        for message in extract(package_dir(module)):
            if message.id and message.id not in catalog:
                catalog[message.id] = message
    return catalog


def stock_catalog(locale: str) -> Catalog:
    """CKAN core's own catalog of `locale`, as installed."""
    path = package_dir("ckan") / "i18n" / locale / "LC_MESSAGES" / "ckan.po"
    return read_catalog(path, locale)


def portal_table(locale: str) -> dict:
    """The message table the portal serves in `locale` (see
    :func:`effective_table`): CKAN's catalog, then the project's."""
    return effective_table([stock_catalog(locale)], locale)


def update_own_catalog(locale: str) -> tuple[list[str], list[str]]:
    """Bring the extension's own source catalog of `locale` in line with the
    code: new message ids are added untranslated, ids the code no longer uses
    are dropped, translations are kept. Returns (added, removed) ids."""
    template = extension_messages()
    path = source_path(locale, DOMAIN)
    current = read_catalog(path, locale) if path.exists() else _new_catalog(locale)
    updated = _new_catalog(locale, like=current)
    for message in template:
        if not message.id:
            continue
        existing = current.get(message.id)
        if existing is not None:
            string = existing.string
        elif isinstance(message.id, (tuple, list)):
            string = ("",)
        else:
            string = ""
        updated[message.id] = Message(
            message.id,
            string,
            locations=message.locations,
            auto_comments=message.auto_comments,
            flags=message.flags,
        )
    write_catalog(updated, path)
    old = {_first(m.id) for m in current if m.id}
    new = {_first(m.id) for m in updated if m.id}
    return sorted(new - old), sorted(old - new)


def _first(msgid) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


# --- checks -----------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%\((?P<named>[^)]+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%(?P<positional>[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])"
    r"|\{(?P<brace>[^{}\s]*)\}"
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*)?)/?>")
_ATTR = re.compile(r"([a-zA-Z][a-zA-Z-]*)\s*=\s*(\"[^\"]*\"|'[^']*')")
#: Attributes whose values are words for people (translated); the others are
#: code and must stay as they are.
_TEXT_ATTRS = frozenset({"title", "alt", "aria-label", "placeholder"})
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """(named placeholders sorted, positional placeholders in order): a
    translation may move named ones but must keep positional ones in order."""
    named, positional = [], []
    for m in _PLACEHOLDER.finditer(text):
        if m.group("named") is not None:
            named.append(f"%({m.group('named')})")
        elif m.group("positional") is not None:
            positional.append("%" + m.group("positional"))
        elif m.group("brace") == "" or m.group("brace").isdigit():
            positional.append("{" + m.group("brace") + "}")
        else:
            named.append("{" + m.group("brace") + "}")
    return sorted(named), positional


def markup(text: str) -> list[str]:
    """The HTML tags of `text` with their code attributes, sorted."""
    tags = []
    for closing, name, attrs in _TAG.findall(text):
        kept = sorted(
            f"{key}={value}"
            for key, value in _ATTR.findall(attrs)
            if key.lower() not in _TEXT_ATTRS
        )
        tags.append(" ".join([closing + name.lower(), *kept]))
    return sorted(tags)


def _without_code(text: str) -> str:
    text = _TAG.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    return re.sub(r"\S+(?:://|@)\S+", " ", text)


def looks_english(msgid: str, msgstr: str) -> bool:
    """`msgstr` has no Chinese although `msgid` has English words."""
    if msgid in SAME_IN_CHINESE or _CJK.search(msgstr):
        return False
    return bool(_ENGLISH_WORD.search(_without_code(msgid)))


def format_problems(msgid: str, msgstr: str) -> list[str]:
    """What `msgstr` breaks of `msgid`: placeholders and HTML markup."""
    problems = []
    if placeholders(msgid) != placeholders(msgstr):
        problems.append(
            f"placeholders {placeholders(msgid)} became {placeholders(msgstr)}"
        )
    if markup(msgid) != markup(msgstr):
        problems.append(f"HTML {markup(msgid)} became {markup(msgstr)}")
    return problems


@dataclass(frozen=True)
class Problem:
    origin: str
    msgid: str
    issue: str

    def __str__(self) -> str:
        return f"[{self.origin}] {self.msgid!r}: {self.issue}"


def effective_table(upstream: Iterable[Catalog], locale: str) -> dict:
    """The message table CKAN ends up with for `locale`: the upstream catalogs
    in load order, then the project's merged catalog."""
    table: dict = {}
    for catalog in [*upstream, merged_catalog(locale)]:
        for message in catalog:
            if is_translated(message):
                table[_first(message.id)] = _strings(message)
    return table


def problems(origin: str, template: Catalog, table: dict) -> Iterator[Problem]:
    """The messages of `template` that a user would see in English, and the
    translations that break their placeholders or markup."""
    for message in template:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = table.get(ids[0])
        if not strings:
            yield Problem(origin, ids[0], "untranslated")
            continue
        # Chinese has one plural form: it serves every count, so it carries
        # the placeholders of the plural message id.
        for msgstr in strings:
            if looks_english(ids[-1], msgstr):
                yield Problem(origin, ids[0], f"still English: {msgstr!r}")
            for issue in format_problems(ids[-1], msgstr):
                yield Problem(origin, ids[0], issue)
