"""What counts as untranslated English UI text on a Chinese page.

Used by the browser tests (tests/browser/). What is scanned on a page
(:data:`SCAN`): every visible text node of the body (hidden ones under
``display:none``/``visibility:hidden``, ``<script>``, ``<style>``, ``<code>``
and ``<pre>`` excluded; screen-reader-only text included), the
``placeholder``, ``title``, ``alt`` and ``aria-label`` attributes, the labels
of ``<input type=submit|button>``, and the document title.

When a text is untranslated English UI (the rule, :func:`english_ui`): after
dropping the words of :data:`NAMES` (format, standard and product names) and
identifier-like tokens (anything with a digit, ``-``, ``_``, ``.``, ``@`` or
``/`` inside, e.g. slugs, file names, e-mail addresses, URLs), it still has two
English words in a row, or the whole text is the message id of an English UI
message of CKAN core, ckanext-scheming, ckanext-dcat or the extension (so a
single word such as "Search" or "Login" counts). The demo catalog's data is
Chinese, so data does not need its own exception.
"""

from __future__ import annotations

import re

# fmt: off
NAMES = frozenset({
    "API", "APIs", "CKAN", "CSV", "JSON", "JSON-LD", "XML", "RDF", "DCAT", "DCAT-AP",
    "Turtle", "GeoJSON", "XLS", "XLSX", "PDF", "HTML", "SQL", "URL", "URI", "UUID",
    "ID", "ODbL", "OGL", "PDDL", "CC", "BY", "SA", "NC", "GFDL", "GNU", "CC0", "ODC",
    "Markdown", "OpenID", "Moment.js", "HTML5", "AJAX", "iframe", "MIME", "KiB",
    "MiB", "GiB", "TiB", "SHIFT", "NONE", "TRUE", "FALSE", "OK",
})
# fmt: on
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_TOKEN = re.compile(r"\S+")
_IDENTIFIER = re.compile(r"\S*[0-9_@/:]\S*|\S+[-.]\S+")

#: JavaScript for ``page.evaluate``: what a page shows as text, as
#: ``[text, where]`` pairs.
SCAN = """() => {
  const out = [];
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE']);
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (skip.has(e.tagName)) return false;
    }
    return el.checkVisibility({visibilityProperty: true});
  };
  const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.replace(/\\s+/g, ' ').trim();
    if (text && shown(n.parentElement)) out.push([text, where(n.parentElement)]);
  }
  const attrs = ['placeholder', 'title', 'alt', 'aria-label'];
  for (const el of document.querySelectorAll('*')) {
    if (!shown(el)) continue;
    for (const a of attrs) {
      const v = (el.getAttribute(a) || '').trim();
      if (v) out.push([v, where(el) + '[' + a + ']']);
    }
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type) && el.value)
      out.push([el.value.trim(), where(el) + '[value]']);
  }
  out.push([document.title.trim(), 'title']);
  return out;
}"""


def _english_words(text: str) -> list[list[str]]:
    """Runs of consecutive English words, names and identifiers removed."""
    runs, current = [], []
    for token in _TOKEN.findall(text):
        bare = token.strip("()[]{}\"'“”‘’,.;:!?…*·|/")
        if (
            not bare
            or bare in NAMES
            or _IDENTIFIER.fullmatch(bare)
            or not _WORD.fullmatch(bare)
        ):
            if current:
                runs.append(current)
            current = []
            continue
        current.append(bare)
    if current:
        runs.append(current)
    return runs


def english_ui(text: str, messages: frozenset[str]) -> bool:
    """`text` is untranslated English UI (see the module docstring)."""
    runs = _english_words(text)
    if any(len(run) >= 2 for run in runs):
        return True
    return bool(runs) and text.strip(" .:…") in messages
