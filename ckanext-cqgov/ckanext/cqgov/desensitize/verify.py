"""Scalar validators from python-stdnum: the independent second opinion.

The bulk detectors compute check characters with polars expressions; these
functions use python-stdnum's maintained implementations (``cn.ric`` checks
the GB 11643 check character, the birth date and the area code in its birth
year; ``cn.uscc`` the GB 32100 check character; ``luhn`` bank cards). The
residual scan runs them over every output token shaped like such an
identifier, and the tests compare both implementations on generated data.
"""

from __future__ import annotations

import datetime
from collections import Counter

import polars as pl
from stdnum import luhn
from stdnum.cn import ric, uscc

from ckanext.cqgov.desensitize import areas

_CARD_PREFIXES = ("62", "4", "51", "52", "53", "54", "55", "34", "37", "35", "60")


def is_resident_id(value: str) -> bool:
    try:
        return ric.is_valid(value)
    except KeyError:  # stdnum 2.2: a province prefix without a county entry
        return False


def is_uscc(value: str) -> bool:
    """stdnum's check character, plus the structure rules the detector also
    applies (registration authority and type, known division code)."""
    return (
        uscc.is_valid(value)
        and value[0] in "123456789ANY"
        and value[1] in "123456789"
        and value[2:8] in areas.area_codes()
    )


def _valid_date(yyyymmdd: str) -> bool:
    """A birth date as the detector accepts it: YYYYMMDD, 1900 to today."""
    try:
        day = datetime.datetime.strptime(yyyymmdd, "%Y%m%d").date()
    except ValueError:
        return False
    return day.year >= 1900 and day <= datetime.date.today()


def is_bank_card(value: str) -> bool:
    """Luhn via stdnum; like the detector, an 18-digit number shaped as an
    ID number (known area code, birth year 19xx/20xx, and a valid birth date
    or ID check character) is a mistyped ID, not a card."""
    id_shaped = (
        len(value) == 18
        and value[:6] in areas.area_codes()
        and value[6:8] in areas.ID_CENTURIES
        and (_valid_date(value[6:14]) or ric.calc_check_digit(value) == value[17])
    )
    return (
        not id_shaped
        and value.isdigit()
        and 16 <= len(value) <= 19
        and value.startswith(_CARD_PREFIXES)
        and luhn.is_valid(value)
    )


def scan_tokens(tokens: pl.Series) -> Counter:
    """Counts of tokens that stdnum accepts as ID number, USCC or bank card."""
    shaped = tokens.filter(
        tokens.str.contains(r"^(?:[0-9]{17}[0-9Xx]|[0-9A-Z]{18}|[0-9]{16,19})$")
    )
    counts: Counter = Counter()
    for value in shaped.to_list():
        if len(value) == 18 and is_resident_id(value.upper()):
            counts["stdnum:resident_id"] += 1
        elif len(value) == 18 and is_uscc(value):
            counts["stdnum:uscc"] += 1
        elif is_bank_card(value):
            counts["stdnum:bank_card"] += 1
    return counts
