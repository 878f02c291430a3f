"""How the catalog's controlled values map onto DCAT-AP vocabularies.

Pure module (no CKAN imports). Both directions are derived from one table per
vocabulary, so serializing and parsing cannot disagree.

* ``update_cycle`` → EU *frequency* authority table (``dct:accrualPeriodicity``).
* ``open_type`` → EU *access-right* authority table (``dct:accessRights``): a
  proactively opened entry is ``PUBLIC``, one opened on application
  ``RESTRICTED``, one not opened ``NON_PUBLIC``.
* ``theme`` / ``basic_type`` → EU *data-theme* table where a theme has a clear
  counterpart, in addition to the project's own concept for the value.
* data item types (national list C N Y D T L M G B I F) → XSD datatypes of the
  CSVW column that describes the item.
"""

from __future__ import annotations

import re

EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: update_cycle → EU frequency code.
UPDATE_CYCLE_FREQUENCY = {
    "real_time": "UPDATE_CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "half_yearly": "ANNUAL_2",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
}

#: open_type → EU access-right code.
OPEN_TYPE_ACCESS_RIGHT = {
    "proactive": "PUBLIC",
    "on_application": "RESTRICTED",
    "not_open": "NON_PUBLIC",
}

#: theme or basic_type value → EU data-theme code (only clear counterparts).
THEME_DATA_THEME = {
    "administrative_approval": "GOVE",
    "tax": "ECON",
    "eco_environment": "ENVI",
    "health": "HEAL",
    "social_security": "SOCI",
    "traffic": "TRAN",
    "education": "EDUC",
    "agriculture": "AGRI",
    "energy": "ENER",
    "science_technology": "TECH",
    "culture": "EDUC",
    "public_security": "JUST",
    "natural_person": "SOCI",
    "legal_person": "ECON",
    "natural_resources_geo": "REGI",
    "investment_project": "ECON",
    "credit": "ECON",
}

#: national data item type code → XSD datatype local name.
DATA_TYPE_XSD = {
    "C": "string",  # 字符型
    "N": "decimal",  # 数值型
    "Y": "decimal",  # 货币型
    "D": "date",  # 日期型
    "T": "dateTime",  # 日期时间型
    "L": "boolean",  # 逻辑型
    "M": "string",  # 备注型
    "G": "base64Binary",  # 通用型
    "B": "base64Binary",  # 二进制
    "I": "integer",  # 整型
    "F": "double",  # 浮点型
}


def _inverse(table: dict[str, str], base: str) -> dict[str, str]:
    return {base + code: value for value, code in table.items()}


_FREQUENCY_VALUE = _inverse(UPDATE_CYCLE_FREQUENCY, EU_FREQUENCY)
_ACCESS_RIGHT_VALUE = _inverse(OPEN_TYPE_ACCESS_RIGHT, EU_ACCESS_RIGHT)


def frequency_uri(update_cycle: str | None) -> str | None:
    code = UPDATE_CYCLE_FREQUENCY.get(update_cycle or "")
    return EU_FREQUENCY + code if code else None


def update_cycle_from_uri(uri: str | None) -> str | None:
    return _FREQUENCY_VALUE.get(uri or "")


def access_right_uri(open_type: str | None) -> str | None:
    code = OPEN_TYPE_ACCESS_RIGHT.get(open_type or "")
    return EU_ACCESS_RIGHT + code if code else None


def open_type_from_uri(uri: str | None) -> str | None:
    return _ACCESS_RIGHT_VALUE.get(uri or "")


def data_theme_uri(value: str | None) -> str | None:
    code = THEME_DATA_THEME.get(value or "")
    return EU_DATA_THEME + code if code else None


def xsd_datatype(data_type: str | None) -> str:
    return XSD + DATA_TYPE_XSD.get((data_type or "").upper(), "string")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """Whether a literal is Chinese text (holds at least one Han character)."""
    return bool(_HAN.search(text))
