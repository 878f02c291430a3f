"""Text analysis for the PostgreSQL search backend.

Turns text into the tokens that are indexed and queried, the way the stock CKAN
Solr schema's ``text`` / ``text_general`` field types do, plus CJK handling:

* width folding and compatibility forms (NFKC: full-width ``ＡＢＣ１`` → ``abc1``),
  lowercasing, accent folding of Latin letters;
* ASCII-ish words split like Solr's WordDelimiter: on any non-alphanumeric
  character, on letter/digit transitions and (``text`` only) on case changes;
  the split parts are also indexed catenated (``WiFi`` → ``wi``, ``fi``,
  ``wifi``);
* a minimal English plural stemmer for ``text`` fields (Solr uses Snowball);
* a run of CJK characters is one token, as in Solr's stock schema (its word
  delimiter treats ideographs as letters). Words inside Chinese text are found
  through the segmented ``extras_cqgov_*`` fields (:mod:`.segmented`), whose
  words :mod:`.chinese` separates by spaces before this analysis runs, for
  both engines alike.

Tokens are ``(term, position)`` pairs. The module imports nothing from CKAN.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Gap between the values of a multi-valued field (Solr positionIncrementGap),
# so that a phrase never matches across two values.
VALUE_GAP = 100

_CJK_RANGES = (
    "\u2e80-\u2fdf"  # radicals
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f"  # bopomofo
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-G
)
_WORD_RE = re.compile(r"[^\W_]+")
# Latin letters with accents (what _fold_char changes); text without any,
# e.g. all Chinese, is left as it is without a look at each character
_ACCENTED_RE = re.compile("[\u00c0-\u024f]")
_CJK_SPLIT_RE = re.compile(f"([{_CJK_RANGES}]+)")
_CJK_RUN_RE = re.compile(f"^[{_CJK_RANGES}]+$")
# Parts of a non-CJK word: upper-case run followed by lower case letters
# (camel case), letters, digits.
_PARTS_CASE_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+|\d+", re.UNICODE)
_PARTS_RE = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


def fold(text: str) -> str:
    """Width-fold (NFKC), strip Latin accents and lowercase ``text``."""
    return _fold_keep_case(text).lower()


def _fold_keep_case(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii() and _ACCENTED_RE.search(text):
        text = "".join(_fold_char(c) for c in text)
    return text


def _fold_char(char: str) -> str:
    if "\u00c0" <= char <= "\u024f":
        decomposed = unicodedata.normalize("NFKD", char)
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return char


def stem(term: str) -> str:
    """Minimal English plural stemming (like Lucene's EnglishMinimalStemmer)."""
    if len(term) < 3 or not term.endswith("s") or not term.isascii():
        return term
    if term.endswith("ies") and not term.endswith(("eies", "aies")):
        return term[:-3] + "y"
    if term.endswith("es") and not term.endswith(("aes", "ees", "oes")):
        return term[:-1]
    if not term.endswith(("us", "ss")):
        return term[:-1]
    return term


def _word_parts(word: str, split_case: bool) -> list[str]:
    """Split a non-CJK word (original case) like Solr's WordDelimiter."""
    word = _fold_keep_case(word)
    pattern = _PARTS_CASE_RE if split_case else _PARTS_RE
    return [fold(p) for p in pattern.findall(word)] or [fold(word)]


def _tokens(
    text: str, *, stemmed: bool, split_case: bool, for_query: bool, start: int
) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    pos = start
    normalized = unicodedata.normalize("NFKC", text)
    for match in _WORD_RE.finditer(normalized):
        for chunk in _CJK_SPLIT_RE.split(match.group()):
            if not chunk:
                continue
            if _CJK_RUN_RE.match(chunk):
                # one token per run, as Solr's whitespace tokenizer and word
                # delimiter keep it (ideographs are letters there)
                out.append((fold(chunk), pos))
                pos += 1
                continue
            parts = _word_parts(chunk, split_case)
            first = pos
            for part in parts:
                out.append((stem(part) if stemmed else part, pos))
                pos += 1
            if not for_query and len(parts) > 1 and all(p.isalpha() for p in parts):
                joined = "".join(parts)
                out.append((stem(joined) if stemmed else joined, first))
    return out


@functools.lru_cache(maxsize=2048)
def _index_tokens_from_zero(
    text: str, stemmed: bool, split_case: bool
) -> tuple[tuple[str, int], ...]:
    # Index texts repeat: organization titles, tags and resource names across
    # documents, and within one document each segmented field, analysed for
    # its own column and again for the catch-all field. Analysed once,
    # positions shifted per use; a small cache, as long texts are unique.
    return tuple(
        _tokens(text, stemmed=stemmed, split_case=split_case, for_query=False, start=0)
    )


def index_tokens(
    text: str, *, stemmed: bool = True, split_case: bool = True, start: int = 0
) -> list[tuple[str, int]]:
    """Tokens to index for ``text``, positions counted from ``start``."""
    tokens = _index_tokens_from_zero(text, stemmed, split_case)
    if not start:
        return list(tokens)
    return [(term, pos + start) for term, pos in tokens]


def query_tokens(
    text: str, *, stemmed: bool = True, split_case: bool = True
) -> list[tuple[str, int]]:
    """Tokens of a query term or phrase; consecutive positions form a phrase."""
    return _tokens(
        text, stemmed=stemmed, split_case=split_case, for_query=True, start=0
    )


def index_values(
    values: Iterable[str],
    *,
    stemmed: bool = True,
    split_case: bool = True,
    start_position: int = 0,
) -> list[tuple[str, int]]:
    """Tokens of a multi-valued field, with :data:`VALUE_GAP` between values."""
    out: list[tuple[str, int]] = []
    pos = start_position
    for value in values:
        tokens = index_tokens(value, stemmed=stemmed, split_case=split_case, start=pos)
        out.extend(tokens)
        if tokens:
            pos = max(p for _t, p in tokens) + 1 + VALUE_GAP
    return out
