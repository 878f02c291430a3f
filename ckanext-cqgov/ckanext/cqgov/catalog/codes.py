"""信息资源代码 (resource code) grammar and generation. Pure module.

A resource code is a *front code* and a *sequence*, separated by ``/``::

    2 06 001 [01]  /  000042
    ^ ^^ ^^^ ^^^^     ^^^^^^
    | |  |   |        sequence: 6 digits
    | |  |   细目 (detail): optional digits
    | |  目 (entry): 3 digits
    | 项 (item): 2 digits
    类 (class): 1 digit, the category's (1 basic, 2 thematic, 3 departmental)

Generated codes use the position of the entry's basic type or theme as the
item (``00`` for departmental entries), entry ``001``, no detail, and the next
free sequence number for that front code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ckanext.cqgov.catalog.vocab import BASIC_TYPES, CATEGORY_CLASS_DIGIT, THEMES

#: The longest detail part accepted (the guide leaves its width to the catalog).
MAX_DETAIL_DIGITS = 6

_CODE = re.compile(
    r"^(?P<cls>[0-9])(?P<item>[0-9]{2})(?P<entry>[0-9]{3})"
    rf"(?P<detail>[0-9]{{0,{MAX_DETAIL_DIGITS}}})/(?P<seq>[0-9]{{6}})$"
)


@dataclass(frozen=True)
class ResourceCode:
    cls: str
    item: str
    entry: str
    detail: str
    sequence: str

    @property
    def front(self) -> str:
        return f"{self.cls}{self.item}{self.entry}{self.detail}"

    def __str__(self) -> str:
        return f"{self.front}/{self.sequence}"


def parse_resource_code(code: str) -> ResourceCode | None:
    """The parts of ``code``, or ``None`` when it does not follow the grammar."""
    match = _CODE.match(code or "")
    if match is None:
        return None
    return ResourceCode(
        match["cls"], match["item"], match["entry"], match["detail"], match["seq"]
    )


def class_digit_for(category: str) -> str | None:
    """The class digit a code of an entry in ``category`` must start with."""
    return CATEGORY_CLASS_DIGIT.get(category)


def default_front_code(category: str, basic_type: str = "", theme: str = "") -> str:
    """The front code of a generated resource code for such an entry."""
    cls = class_digit_for(category)
    if cls is None:
        raise ValueError(f"unknown category {category!r}")
    item = 0
    if category == "basic" and basic_type in BASIC_TYPES:
        item = BASIC_TYPES.index(basic_type) + 1
    elif category == "thematic" and theme in THEMES:
        item = THEMES.index(theme) + 1
    return f"{cls}{item:02d}001"


def next_resource_code(front: str, existing: Iterable[str]) -> str:
    """The first code ``front/NNNNNN`` after every existing one with that front.

    Sequences start at ``000001``; ``ValueError`` when all are taken.
    """
    used = [
        int(parsed.sequence)
        for parsed in map(parse_resource_code, existing)
        if parsed is not None and parsed.front == front
    ]
    sequence = max(used, default=0) + 1
    if sequence > 999_999:
        raise ValueError(f"no free sequence number left for {front}")
    return f"{front}/{sequence:06d}"
