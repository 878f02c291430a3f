"""``package_autocomplete`` in Chinese, the same on Solr and PostgreSQL.

CKAN matches the typed text against n-grams of titles and names. On top of
that, the typed text is checked (``q`` required, ``limit`` a whole number from
1 to :data:`MAX_LIMIT`, errors per field in the user's language instead of a
server error), and text in traditional characters also finds titles in
simplified ones (``渝中區停車`` finds 渝中区停车场…): CKAN's query runs
again with the converted text and the lists are merged, the matches of the
text as typed first.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import chinese

MAX_LIMIT = 100
DEFAULT_LIMIT = 10


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
    if simplified == q or len(found) >= limit:
        return found
    seen = {d["name"] for d in found}
    more = up_func(dict(context), {**data_dict, "q": simplified})
    found.extend(d for d in more if d["name"] not in seen)
    return found[:limit]


def get_actions() -> dict[str, Any]:
    return {"package_autocomplete": package_autocomplete}
