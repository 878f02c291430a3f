"""``package_autocomplete`` in Chinese, the same on Solr and PostgreSQL.

CKAN matches the typed text against n-grams of titles and names. On top of
that, the typed text is checked (``q`` required, ``limit`` a whole number from
1 to :data:`MAX_LIMIT`, errors per field in the user's language instead of a
server error), and text in traditional characters also finds titles in
simplified ones (``渝中區停車`` finds 渝中区停车场…): CKAN's query runs
again with the converted text and the lists are merged, the matches of the
text as typed first. Text in Latin letters is also read as pinyin (full or
initials) and matched against the titles' pinyin (``yiyuan`` and ``yy``
find 医院…, ``yuzhongqu`` finds 渝中区…), through ``package_search`` so the
same access rules apply; those matches come after the others.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from . import chinese, segmented

MAX_LIMIT = 100
DEFAULT_LIMIT = 10
# what is read as pinyin: Latin letters, optionally split by spaces or
# apostrophes (``xi'an``)
_PINYIN_RE = re.compile(r"[a-z]{2,60}")


def _limit(value: Any) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        number = int(str(value).strip())
    except ValueError:
        raise tk.ValidationError({"limit": [tk._("Invalid integer")]}) from None
    if not 1 <= number <= MAX_LIMIT:
        raise tk.ValidationError(
            {
                "limit": [
                    tk._("Must be a whole number from 1 to {max}").format(max=MAX_LIMIT)
                ]
            }
        )
    return number


@tk.chained_action
@tk.side_effect_free
def package_autocomplete(up_func, context, data_dict):
    q = data_dict.get("q")
    if not isinstance(q, str) or not q.strip():
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    limit = _limit(data_dict.get("limit"))
    data_dict = {**data_dict, "q": q, "limit": limit}
    found = up_func(dict(context), data_dict)
    simplified = chinese.to_simplified(q)
    if simplified != q and len(found) < limit:
        _merge(found, up_func(dict(context), {**data_dict, "q": simplified}))
    pinyin = re.sub(r"[\s']+", "", q.lower())
    if _PINYIN_RE.fullmatch(pinyin) and len(found) < limit:
        _merge(found, _pinyin_matches(dict(context), pinyin, limit))
    return found[:limit]


def _merge(found: list[dict[str, Any]], more: list[dict[str, Any]]) -> None:
    seen = {d["name"] for d in found}
    found.extend(d for d in more if d["name"] not in seen)


def _pinyin_matches(context, pinyin: str, limit: int) -> list[dict[str, Any]]:
    result = tk.get_action("package_search")(
        context,
        {
            "q": f"{segmented.PINYIN}:*{pinyin}*",
            "fl": "name,title",
            "rows": limit,
            "include_private": True,
        },
    )
    return [
        {
            "name": d["name"],
            "title": d["title"],
            "match_field": "title",
            "match_displayed": f"{d['title']} ({d['name']})",
        }
        for d in result["results"]
    ]


def get_actions() -> dict[str, Any]:
    return {"package_autocomplete": package_autocomplete}
