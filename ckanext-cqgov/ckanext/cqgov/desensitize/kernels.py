"""Compiled checks over the UTF-8 bytes of candidate tokens (numba).

Most candidate tokens of a table are runs of digits, e-mail addresses and
codes of letters and digits. :func:`verdicts` settles those in one compiled
pass over the token column's bytes (its offsets and data as numpy arrays):
GB 11643 check character, birth date and area code in the birth year for
resident ID numbers, GB 32100 check character and division code for unified
social credit codes, Luhn and scheme prefix for bank cards, the shapes of
mobile numbers and e-mail addresses. Each verdict is exactly what the polars
path of :func:`detectors.classify` decides for such a token; every other
token (Chinese text, separators, letters and digits of other shapes) gets
:data:`POLARS` and goes that way.

The functions are compiled on first use and cached on disk (``cache=True``):
a new process loads them in a fraction of a second instead of compiling
them again. They release the GIL, so worker threads run them side by side.
"""

from __future__ import annotations

import datetime
import functools

import numba
import numpy as np
import polars as pl

from ckanext.cqgov.desensitize import areas

# Verdicts. DROP: no finding in the token; POLARS: not settled here.
DROP, POLARS, RESIDENT_ID, MOBILE, BANK_CARD, USCC, EMAIL = range(7)
KINDS = {
    RESIDENT_ID: "resident_id",
    MOBILE: "mobile",
    BANK_CARD: "bank_card",
    USCC: "uscc",
    EMAIL: "email",
}

_RIC_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))
_USCC_WEIGHTS = np.array(
    (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
)
_NO_START, _NO_END = 0, 9999  # an open validity period of an area code

_0, _9, _X = ord("0"), ord("9"), ord("X")


@functools.cache
def _area_periods() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """python-stdnum's division table (:func:`areas.area_table`) as arrays:
    the periods of area code ``c`` are ``start[i], end[i]`` for ``i`` from
    ``first[c]`` to ``first[c + 1]`` (none: the code never existed)."""
    table = areas.area_table().sort("area")
    codes = table["area"].cast(pl.Int32).to_numpy()
    first = np.searchsorted(codes, np.arange(1_000_001)).astype(np.int32)
    start = table["start"].fill_null(_NO_START).to_numpy().astype(np.int32)
    end = table["end"].fill_null(_NO_END).to_numpy().astype(np.int32)
    return first, start, end


def token_bytes(tokens: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a string column and where each value starts (one
    more offset than values; a null is empty)."""
    buffers = tokens.rechunk()._get_buffers()
    data = buffers["values"].to_numpy()
    offsets = buffers["offsets"].to_numpy()
    return data, offsets


def verdicts(tokens: pl.Series) -> np.ndarray:
    """One verdict (``int8``, see :data:`KINDS`) per token."""
    if tokens.len() == 0:
        return np.zeros(0, dtype=np.int8)
    data, offsets = token_bytes(tokens)
    first, start, end = _area_periods()
    today = datetime.date.today()
    return _verdicts(
        data,
        offsets,
        first,
        start,
        end,
        today.year * 10000 + today.month * 100 + today.day,
    )


@numba.njit(cache=True, nogil=True)
def _verdicts(data, offsets, first, start, end, today):
    out = np.empty(len(offsets) - 1, dtype=np.int8)
    for i in range(len(out)):
        out[i] = _verdict(data[offsets[i] : offsets[i + 1]], first, start, end, today)
    return out


@numba.njit(cache=True, nogil=True)
def _verdict(t, first, start, end, today):
    n = len(t)
    if n == 0:
        return POLARS
    digits = 0
    ascii_ = True
    at = -1
    dash_or_space = False
    for j in range(n):
        b = t[j]
        if _0 <= b <= _9:
            digits += 1
        elif b >= 128:
            ascii_ = False
        elif b == 64 and at < 0:  # @
            at = j
        elif b == 32 or b == 45:  # space, -
            dash_or_space = True
    if digits == n:
        return _digit_run(t, first, start, end, today)
    if digits == 17 and n == 18 and t[17] == _X:
        return _id_with_x(t, first, start, end, today)
    if not ascii_:
        return POLARS  # Chinese text: names, addresses, plates…
    if n < 7:
        return DROP  # (names and addresses hold Chinese characters)
    if at > 0 and not dash_or_space:
        # (a space or dash may make the token a glued landline or grouped
        # number: those go the polars way)
        return EMAIL
    if n == 18 and _uscc_shape(t):
        return USCC if _uscc_ok(t, first) else DROP
    return POLARS


@numba.njit(cache=True, nogil=True)
def _digit_run(t, first, start, end, today):
    """A token of digits alone (as the digit-run shapes of
    :func:`detectors.classify`: by length)."""
    n = len(t)
    if n == 11:
        return MOBILE if _mobile(t, 0) else DROP
    if n == 15:
        if _number(t, 0, 5) == 861:  # 00861…
            return MOBILE if _mobile(t, 4) else DROP
        birth = 19000000 + _number(t, 6, 6)
        ok = _date_ok(birth, today) and _area_in_year(
            _number(t, 0, 6), birth // 10000, first, start, end
        )
        return RESIDENT_ID if ok else DROP
    if n == 18:
        if _ric18_ok(t, first, today):
            ok = _area_in_year(_number(t, 0, 6), _number(t, 6, 4), first, start, end)
            return RESIDENT_ID if ok else DROP
        if _card_ok(t) and not _id_shaped(t, first, today):
            return BANK_CARD
        return USCC if _uscc_shape(t) and _uscc_ok(t, first) else DROP
    if 16 <= n <= 19:
        return BANK_CARD if _card_ok(t) else DROP
    return DROP


@numba.njit(cache=True, nogil=True)
def _id_with_x(t, first, start, end, today):
    """17 digits and X: a resident ID number, or (failing its checks) a
    code or a 17-digit card before an X, settled the polars way."""
    if _ric18_ok(t, first, today):
        ok = _area_in_year(_number(t, 0, 6), _number(t, 6, 4), first, start, end)
        return RESIDENT_ID if ok else DROP
    return POLARS


@numba.njit(cache=True, nogil=True)
def _number(t, at, width):
    value = 0
    for j in range(at, at + width):
        value = value * 10 + (t[j] - _0)
    return value


@numba.njit(cache=True, nogil=True)
def _mobile(t, at):
    """``1[3-9]`` and nine more digits from ``at`` (digits already)."""
    return len(t) - at == 11 and t[at] == _0 + 1 and t[at + 1] >= _0 + 3


@numba.njit(cache=True, nogil=True)
def _known_area(code, first):
    return first[code + 1] > first[code]


@numba.njit(cache=True, nogil=True)
def _area_in_year(code, year, first, start, end):
    for i in range(first[code], first[code + 1]):  # noqa: SIM110 (compiled loop)
        if start[i] <= year <= end[i]:
            return True
    return False


@numba.njit(cache=True, nogil=True)
def _date_ok(ymd, today):
    """A valid date YYYYMMDD from 1900 to ``today`` (same form)."""
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    if year < 1900 or not 1 <= month <= 12 or ymd > today:
        return False
    if month == 2:
        leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
        days = 29 if leap else 28
    elif month in (4, 6, 9, 11):
        days = 30
    else:
        days = 31
    return 1 <= day <= days


@numba.njit(cache=True, nogil=True)
def _ric_check(t):
    """The GB 11643 check character (a byte) of 17 digits."""
    total = 0
    for j in range(17):
        total += (t[j] - _0) * _RIC_WEIGHTS[j]
    check = (12 - total % 11) % 11
    return _X if check == 10 else _0 + check


@numba.njit(cache=True, nogil=True)
def _ric18_ok(t, first, today):
    """Check character, birth date and a known area code (the area's
    validity in the birth year is tested apart)."""
    return (
        t[17] == _ric_check(t)
        and _date_ok(_number(t, 6, 8), today)
        and _known_area(_number(t, 0, 6), first)
    )


@numba.njit(cache=True, nogil=True)
def _id_shaped(t, first, today):
    """18 digits shaped as an ID number (known area, birth century 19/20,
    and a valid birth date or check character): a mistyped ID, not a card."""
    century = _number(t, 6, 2)
    return (
        _known_area(_number(t, 0, 6), first)
        and (century == 19 or century == 20)
        and (_date_ok(_number(t, 6, 8), today) or t[17] == _ric_check(t))
    )


@numba.njit(cache=True, nogil=True)
def _card_ok(t):
    """Luhn and a card-scheme prefix (62, 4, 51–55, 34, 37, 35, 60) of
    16–19 digits."""
    n = len(t)
    if not 16 <= n <= 19:
        return False
    a, b = t[0] - _0, t[1] - _0
    if not (
        a == 4
        or (a == 6 and (b == 2 or b == 0))
        or (a == 5 and 1 <= b <= 5)
        or (a == 3 and (b == 4 or b == 7 or b == 5))
    ):
        return False
    total = 0
    for j in range(n):
        d = t[n - 1 - j] - _0
        if j % 2 == 1:
            d = d * 2 - 9 if d >= 5 else d * 2
        total += d
    return total % 10 == 0


@numba.njit(cache=True, nogil=True)
def _uscc_value(b):
    """Value of a GB 32100 character (digits, then the capitals without I,
    O, S, V, Z); -1 for any other byte."""
    if _0 <= b <= _9:
        return b - _0
    if not 65 <= b <= 90 or b in (73, 79, 83, 86, 90):
        return -1
    return b - 55 - (b > 73) - (b > 79) - (b > 83) - (b > 86)


@numba.njit(cache=True, nogil=True)
def _uscc_shape(t):
    """``[1-9ANY][1-9][0-9]{6}`` and ten characters of the alphabet."""
    b0, b1 = t[0], t[1]
    if not ((_0 + 1 <= b0 <= _9) or b0 in (65, 78, 89)):  # A N Y
        return False
    if not _0 + 1 <= b1 <= _9:
        return False
    for j in range(2, 8):
        if not _0 <= t[j] <= _9:
            return False
    for j in range(8, 18):  # noqa: SIM110 (compiled loop)
        if _uscc_value(t[j]) < 0:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _uscc_ok(t, first):
    """A known division code and the GB 32100 check character (of a token
    of :func:`_uscc_shape`)."""
    if not _known_area(_number(t, 2, 6), first):
        return False
    total = 0
    for j in range(17):
        total += _uscc_value(t[j]) * _USCC_WEIGHTS[j]
    return _uscc_value(t[17]) == (31 - total % 31) % 31
