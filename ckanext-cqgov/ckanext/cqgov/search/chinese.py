"""Chinese text analysis shared by both search engines.

One place decides which words a text is made of, so that the PostgreSQL
backend and Solr (stock CKAN schema, whitespace tokenizer) see the same words:

* :func:`normalize`: compatibility/width folding (NFKC: ``ＰＭ２．５`` →
  ``PM2.5``, full-width punctuation → ASCII), traditional → simplified
  (OpenCC ``t2s``: ``醫院`` → ``医院``) and case folding;
* :func:`index_words`: jieba *precise* segmentation of the normalized text,
  followed by the extra sub-words of jieba's *search* mode (``中医院`` also
  yields ``中医`` and ``医院``). Precise words come first and in order, so a
  phrase of precise words matches consecutive positions; the sub-words give
  recall for words inside longer words;
* :func:`query_words`: precise segmentation of a query text;
* :func:`synonyms`: the query-time synonym group of a word.

The segmenter uses jieba's own dictionary plus a user dictionary of government
terms shipped next to this module (``data/userdict.txt``: Chongqing's districts
and counties, department names, common data terms), extra dictionaries from
configuration, and every member of the synonym groups (``data/synonyms.txt``),
so that a synonym is always segmented as one word. jieba is initialised once per
process on first use; its dictionary cache is written to the configured
directory or the system's temporary directory, nowhere else.

Pure module: imports nothing from CKAN.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
SYNONYMS = DATA_DIR / "synonyms.txt"

# Chongqing's 26 districts and 12 counties (also in the user dictionary, with
# their short names)
CHONGQING_DISTRICTS = (
    "渝中区",
    "万州区",
    "涪陵区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "綦江区",
    "大足区",
    "渝北区",
    "巴南区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
    "云阳县",
    "奉节县",
    "巫山县",
    "巫溪县",
    "石柱土家族自治县",
    "秀山土家族苗族自治县",
    "酉阳土家族苗族自治县",
    "彭水苗族土家族自治县",
)

# Frequency given to dictionary words listed without one: high enough that
# jieba keeps them whole.
DEFAULT_WORD_FREQ = 1000

# A word worth indexing contains a letter, digit or ideograph.
_WORDY_RE = re.compile(r"[^\W_]")

log = logging.getLogger(__name__)


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.extra_dicts: list[str] = []
        self.extra_synonyms: list[str] = []
        self.cache_dir: str | None = None
        self.tokenizer = None
        self.converter = None
        self.traditional: frozenset[str] | None = None
        self.synonyms: dict[str, list[str]] | None = None


_state = _State()


def configure(
    *,
    extra_dicts: Sequence[str] = (),
    extra_synonyms: Sequence[str] = (),
    cache_dir: str | None = None,
) -> None:
    """Set extra user dictionaries / synonym files and jieba's cache directory.

    Takes effect at the next use (the segmenter is rebuilt lazily). Missing
    files are an error, reported here rather than at the first search.
    """
    for path in [*extra_dicts, *extra_synonyms]:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"search dictionary file not found: {path}")
    with _state.lock:
        new = (list(extra_dicts), list(extra_synonyms), cache_dir or None)
        old = (_state.extra_dicts, _state.extra_synonyms, _state.cache_dir)
        if new == old:
            return
        _state.extra_dicts, _state.extra_synonyms, _state.cache_dir = new
        _state.tokenizer = None
        _state.synonyms = None
        _index_words.cache_clear()


# ---------------------------------------------------------------- normalizing


def _converter():
    if _state.converter is None:
        import opencc

        _state.converter = opencc.OpenCC("t2s")
    return _state.converter


def _traditional_chars() -> frozenset[str]:
    # characters OpenCC's t2s changes: text without any is already simplified
    # (the converter is pure Python and slow, most catalog text skips it)
    chars = _state.traditional
    if chars is None:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        found = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                source, _, targets = line.rstrip("\n").partition("\t")
                if source and targets.split(" ")[0] != source:
                    found.add(source)
        chars = _state.traditional = frozenset(found)
    return chars


def to_simplified(text: str) -> str:
    """Width/compatibility fold and traditional → simplified (case kept)."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isascii() and not _traditional_chars().isdisjoint(text):
        text = _converter().convert(text)
    return text


def normalize(text: str) -> str:
    """Width/compatibility fold, traditional → simplified, lowercase."""
    return to_simplified(text).lower()


# ---------------------------------------------------------------- dictionaries


def _entries(path: Path | str) -> Iterable[tuple[str, int | None, str | None]]:
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            yield parts[0], freq, tag


def read_synonym_groups(path: Path | str) -> list[list[str]]:
    """Synonym groups of a file: one comma-separated group per line."""
    groups = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            members = [normalize(m.strip()) for m in re.split(r"[,，]", line)]
            members = list(dict.fromkeys(m for m in members if m))
            if len(members) > 1:
                groups.append(members)
    return groups


def _synonym_map() -> dict[str, list[str]]:
    if _state.synonyms is None:
        table: dict[str, list[str]] = {}
        for path in [SYNONYMS, *_state.extra_synonyms]:
            for group in read_synonym_groups(path):
                for member in group:
                    known = table.setdefault(member, [])
                    known.extend(m for m in group if m not in known)
        _state.synonyms = table
    return _state.synonyms


def _tokenizer():
    tokenizer = _state.tokenizer
    if tokenizer is not None:
        return tokenizer
    with _state.lock:
        if _state.tokenizer is None:
            _state.tokenizer = _build_tokenizer()
        return _state.tokenizer


def _build_tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    cache_dir = _state.cache_dir or tempfile.gettempdir()
    os.makedirs(cache_dir, exist_ok=True)
    tokenizer.tmp_dir = cache_dir
    tokenizer.initialize()
    for path in [USER_DICT, *_state.extra_dicts]:
        for word, freq, tag in _entries(path):
            tokenizer.add_word(normalize(word), freq or DEFAULT_WORD_FREQ, tag)
    for word in _synonym_map():
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, DEFAULT_WORD_FREQ)
    log.debug("jieba initialised (cache in %s)", cache_dir)
    return tokenizer


# ---------------------------------------------------------------- segmenting


def _wordy(words: Iterable[str]) -> list[str]:
    return [w for w in (w.strip() for w in words) if w and _WORDY_RE.search(w)]


def query_words(text: str) -> list[str]:
    """Precise-mode words of a query text (normalized, punctuation dropped)."""
    normalized = normalize(text)
    if not normalized.strip():
        return []
    return _wordy(_tokenizer().cut(normalized, HMM=True))


def index_words(text: str) -> list[str]:
    """Words to index for ``text``: precise words in order, then the extra
    sub-words of search mode (each once)."""
    return list(_index_words(text))


@functools.lru_cache(maxsize=4096)
def _index_words(text: str) -> tuple[str, ...]:
    # Index texts repeat across datasets (organization titles, tags, data
    # item and resource names): segmented once. Emptied when the dictionaries
    # change (configure).
    normalized = normalize(text)
    if not normalized.strip():
        return ()
    tokenizer = _tokenizer()
    precise = _wordy(tokenizer.cut(normalized, HMM=True))
    extra: dict[str, None] = {}
    seen = set(precise)
    for word in precise:
        if len(word) > 2:
            for sub in _subwords(tokenizer, word):
                if sub not in seen:
                    extra[sub] = None
                    seen.add(sub)
    return (*precise, *extra)


def _subwords(tokenizer, word: str) -> list[str]:
    # what jieba's search mode adds for one word: its dictionary 2- and 3-grams
    out = []
    for n in (2, 3):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if tokenizer.FREQ.get(gram):
                    out.append(gram)
    return out


def index_text(values: Iterable[str]) -> str:
    """The whitespace-separated words of several values (one index field)."""
    words: list[str] = []
    for value in values:
        if value:
            words.extend(index_words(str(value)))
    return " ".join(words)


def synonyms(word: str) -> list[str]:
    """The synonym group of ``word`` (itself first), or ``[word]``."""
    group = _synonym_map().get(word)
    if not group:
        return [word]
    return [word, *(m for m in group if m != word)]


def pinyin_key(text: str) -> str:
    """The pinyin of the Chinese characters of ``text`` run together, a
    space, then their initials run together: ``渝中区医院`` →
    ``yuzhongquyiyuan yzqyy``. Autocomplete matches typed pinyin as a
    substring of it (``yiyuan``, ``yzq``), as it matches typed characters as
    a substring of the title. Polyphones are read in context (``重庆`` →
    ``chongqing``, pypinyin's phrase dictionary); other characters are left
    out. Empty when ``text`` has no Chinese characters."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(to_simplified(text), errors="ignore")
    full = "".join(syllables)
    if not full:
        return ""
    # the initials are the syllables' first letters (pypinyin's FIRST_LETTER
    # style, without reading the text a second time)
    initials = "".join(syllable[:1] for syllable in syllables)
    return f"{full} {initials}"


def warm_up() -> None:
    """Initialise the segmenter and the pinyin dictionaries now (e.g. before
    timing searches)."""
    _tokenizer()
    pinyin_key("重庆")


def compound_parts(word: str) -> list[str]:
    """Two dictionary words of at least two characters each that make up
    ``word`` (the most even split), or ``[]``. ``公交线路`` → ``公交``, ``线路``:
    a query word is also found where its parts were written apart."""
    if len(word) < 4 or not _WORDY_RE.search(word) or word.isascii():
        return []
    tokenizer = _tokenizer()
    best: list[str] = []
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        known = tokenizer.FREQ.get(head) and tokenizer.FREQ.get(tail)
        if known and (not best or min(len(head), len(tail)) > min(map(len, best))):
            best = [head, tail]
    return best
