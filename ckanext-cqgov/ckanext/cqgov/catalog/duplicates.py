"""一数一源 (Art. 10): does an entry duplicate another department's? Pure module.

Two entries *substantially duplicate* each other when their normalized titles
are alike and their data items (by normalized name) mostly coincide: the same
data collected twice by two departments. Titles are compared as sets of
character bigrams (Chinese titles have no word boundaries), data items as sets
of names; both with the Jaccard index. Entries of the same department are never
reported (a department may split its own data as it likes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Both similarities must reach these for a pair to be reported.
TITLE_THRESHOLD = 0.6
ITEMS_THRESHOLD = 0.6

# Words that say nothing about *which* data an entry holds.
_NOISE = re.compile(r"重庆市|信息资源|信息|数据|目录|名录|统计|汇总|清单")
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Width-folded, lower-cased, without punctuation, spaces and noise words."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _NOISE.sub("", _PUNCTUATION.sub("", folded))


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Fingerprint:
    """What an entry is compared by."""

    id: str
    owner_org: str
    title_grams: frozenset[str]
    item_names: frozenset[str]

    @classmethod
    def of(
        cls, id: str, owner_org: str, title: str, data_items: Sequence[Any] | None
    ) -> Fingerprint:
        names = frozenset(
            normalize(str(item.get("name", "")))
            for item in (data_items or [])
            if isinstance(item, Mapping) and normalize(str(item.get("name", "")))
        )
        return cls(id, owner_org, _bigrams(normalize(title)), names)


@dataclass(frozen=True)
class Duplicate:
    id: str
    title_similarity: float
    items_similarity: float


def find_duplicates(
    entry: Fingerprint, others: Iterable[Fingerprint]
) -> list[Duplicate]:
    """Other departments' entries that substantially duplicate ``entry``.

    Most similar first.
    """
    found = []
    for other in others:
        if other.id == entry.id or other.owner_org == entry.owner_org:
            continue
        title = jaccard(entry.title_grams, other.title_grams)
        items = jaccard(entry.item_names, other.item_names)
        if title >= TITLE_THRESHOLD and items >= ITEMS_THRESHOLD:
            found.append(Duplicate(other.id, round(title, 3), round(items, 3)))
    found.sort(key=lambda d: (-(d.title_similarity + d.items_similarity), d.id))
    return found
