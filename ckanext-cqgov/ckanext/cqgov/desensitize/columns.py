"""Whole-column categories: from the entry's data items, header hints and a
sample of the values.

A column with a category gets that category's operator on every non-empty
cell (names, addresses, ID numbers even when a check character is wrong);
every other column is scanned cell by cell by the text detectors.
Quasi-identifier columns (age, sex, district, occupation…) are kept, after
their operator when they have one, and feed the k-anonymity computation.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from ckanext.cqgov.desensitize import detectors

# Direct identifiers / sensitive values handled column-wise.
SENSITIVE_CATEGORIES = (
    "name",
    "address",
    "resident_id",
    "uscc",
    "bank_card",
    "mobile",
    "landline",
    "phone",
    "email",
    "passport",
    "plate",
    "coordinates",
)
QUASI_IDENTIFIERS = (
    "age",
    "sex",
    "birth_date",
    "district",
    "occupation",
    "ethnicity",
    "education",
    "marital_status",
    "postcode",
)
CATEGORIES = SENSITIVE_CATEGORIES + QUASI_IDENTIFIERS + ("none",)

# Header fragments → category, most specific first.
HEADER_HINTS: tuple[tuple[str, str], ...] = (
    ("身份证", "resident_id"),
    ("公民身份号码", "resident_id"),
    ("证件号", "resident_id"),
    ("统一社会信用代码", "uscc"),
    ("信用代码", "uscc"),
    ("银行卡", "bank_card"),
    ("银行账号", "bank_card"),
    ("手机", "mobile"),
    ("联系电话", "phone"),
    ("联系方式", "phone"),
    ("电话", "phone"),
    ("邮箱", "email"),
    ("电子邮件", "email"),
    ("护照", "passport"),
    ("车牌", "plate"),
    ("出生日期", "birth_date"),
    ("出生年月", "birth_date"),
    ("生日", "birth_date"),
    ("年龄", "age"),
    ("性别", "sex"),
    ("民族", "ethnicity"),
    ("职业", "occupation"),
    ("学历", "education"),
    ("婚姻", "marital_status"),
    ("邮编", "postcode"),
    ("邮政编码", "postcode"),
    ("所在区县", "district"),
    ("区县", "district"),
    ("住址", "address"),
    ("家庭地址", "address"),
    ("居住地", "address"),
    ("户籍地", "address"),
    ("通讯地址", "address"),
    ("联系地址", "address"),
    ("经度", "coordinates"),
    ("纬度", "coordinates"),
    ("姓名", "name"),
    ("联系人", "name"),
    ("申请人", "name"),
    ("法定代表人", "name"),
    ("法人代表", "name"),
    ("经办人", "name"),
    ("户主", "name"),
    ("负责人", "name"),
)
EXACT_HEADER_HINTS = {
    "name": "name",
    "full_name": "name",
    "地址": "address",
    "address": "address",
    "phone": "phone",
    "mobile": "mobile",
    "email": "email",
    "id_number": "resident_id",
    "age": "age",
    "sex": "sex",
    "gender": "sex",
    "birth_date": "birth_date",
    "birthday": "birth_date",
    "district": "district",
    "occupation": "occupation",
    "latitude": "coordinates",
    "longitude": "coordinates",
}

SAMPLE_SIZE = 200
_NAME_SHAPE = "^" + detectors.NAME_IN_TEXT + "$"
_ADDRESS_SHAPE = r"\p{Han}+(?:区|县|旗).*[0-9]+号"


@dataclasses.dataclass(frozen=True)
class ColumnPlan:
    name: str
    category: str | None  # None: scanned by the text detectors
    source: str  # data_item | header | sampling | text

    @property
    def quasi_identifier(self) -> bool:
        return self.category in QUASI_IDENTIFIERS


def header_category(header: str) -> str | None:
    key = header.strip()
    if key.lower() in EXACT_HEADER_HINTS:
        return EXACT_HEADER_HINTS[key.lower()]
    for fragment, category in HEADER_HINTS:
        if fragment in key:
            return category
    return None


def sampled_category(values: pl.Series) -> str | None:
    """``name`` or ``address`` when most sampled values look like one."""
    sample = values.drop_nulls().filter(values.drop_nulls().str.len_chars() > 0)
    sample = sample.head(SAMPLE_SIZE)
    if sample.len() < 5:
        return None
    stripped = sample.str.strip_chars()
    names = stripped.str.contains(_NAME_SHAPE).mean() or 0.0
    distinct = stripped.n_unique() / stripped.len()
    if names >= 0.8 and distinct >= 0.5:
        return "name"
    if (stripped.str.contains(_ADDRESS_SHAPE).mean() or 0.0) >= 0.6:
        return "address"
    return None


def plan_columns(
    frame: pl.DataFrame, declared: dict[str, str] | None = None
) -> list[ColumnPlan]:
    """A plan per column of ``frame`` (the first batch).

    ``declared`` maps column names to the data items' ``sensitive_category``
    (a value of :data:`CATEGORIES`; ``none`` means "not sensitive, still scan").
    """
    declared = declared or {}
    plans = []
    for column in frame.columns:
        category = declared.get(column)
        if category is not None:
            plans.append(
                ColumnPlan(
                    column, None if category == "none" else category, "data_item"
                )
            )
            continue
        category = header_category(column)
        if category is not None:
            plans.append(ColumnPlan(column, category, "header"))
            continue
        category = sampled_category(frame[column].cast(pl.Utf8))
        if category is not None:
            plans.append(ColumnPlan(column, category, "sampling"))
            continue
        plans.append(ColumnPlan(column, None, "text"))
    return plans
