"""Administrative division codes (GB/T 2260) with their validity periods.

The table comes from python-stdnum's ``cn/loc`` database, the same data its
``cn.ric`` validator uses, so the bulk checks here and stdnum agree on which
area prefixes exist and in which birth years.
"""

from __future__ import annotations

import functools

import polars as pl
from stdnum import numdb

# Birth centuries of resident ID numbers (digits 7–8 of an 18-digit number).
ID_CENTURIES = ("19", "20")


def _periods(county: str) -> list[tuple[int | None, int | None]]:
    """``"[1986-]房山区,[-1986]..."`` → ``[(1986, None), ...]``; no bracket → always."""
    periods: list[tuple[int | None, int | None]] = []
    for part in county.split(","):
        if not part.startswith("["):
            return [(None, None)]
        span = part[1:].split("]", 1)[0]
        start, end = span.split("-")
        periods.append((int(start) if start else None, int(end) if end else None))
    return periods


@functools.lru_cache(maxsize=1)
def area_table() -> pl.DataFrame:
    """One row per (6-digit area code, validity period): ``area, start, end``."""
    rows: list[tuple[str, int | None, int | None]] = []
    for _len, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        for _l2, code, _h2, props, _c in children:
            county = props.get("county")
            if county is None:
                continue
            for start, end in _periods(county):
                rows.append((low + code, start, end))
    return pl.DataFrame(
        rows,
        schema={"area": pl.Utf8, "start": pl.Int32, "end": pl.Int32},
        orient="row",
    )


@functools.lru_cache(maxsize=1)
def area_codes() -> frozenset[str]:
    """Every 6-digit code that was valid at some time."""
    return frozenset(area_table()["area"].to_list())


@functools.lru_cache(maxsize=1)
def always_valid_areas() -> tuple[str, ...]:
    """Codes valid whatever the year (used to generate synthetic identifiers)."""
    table = area_table().filter(pl.col("start").is_null() & pl.col("end").is_null())
    return tuple(sorted(set(table["area"].to_list())))
