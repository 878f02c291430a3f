"""Controlled vocabularies of the catalog (国家政务信息资源目录编制指南).

The code names the API uses; the zh_Hans_CN and English labels live in the
scheming schemas (``schemas/``), and a test keeps both in step. Pure module.
"""

from __future__ import annotations

#: 信息资源分类 → the class digit that starts its resource code.
CATEGORY_CLASS_DIGIT: dict[str, str] = {
    "basic": "1",
    "thematic": "2",
    "departmental": "3",
}
RESOURCE_CATEGORIES = tuple(CATEGORY_CLASS_DIGIT)

#: 基础信息资源 kinds (Art. 15(2)).
BASIC_TYPES = (
    "natural_person",
    "legal_person",
    "natural_resources_geo",
    "investment_project",
    "credit",
    "public_security",
)

#: 主题 (themes). The first six are the Art. 15(3) themes.
THEMES = (
    "administrative_approval",
    "tax",
    "eco_environment",
    "health",
    "social_security",
    "traffic",
    "education",
    "employment",
    "market_supervision",
    "urban_construction",
    "culture_tourism",
    "agriculture_rural",
    "civil_affairs",
    "public_resource_trading",
    "economic_statistics",
)
#: Themes whose thematic resources must be shared (Art. 15(3)).
MUST_SHARE_THEMES = frozenset(THEMES[:6])

#: 信息资源格式: format family → its sub-formats (the guide's list).
FORMATS: dict[str, tuple[str, ...]] = {
    "electronic_file": ("ofd", "wps", "xml", "txt", "doc", "docx", "pdf"),
    "spreadsheet": ("et", "xls", "xlsx", "csv"),
    "database": ("dm", "kingbase", "mysql", "oracle", "sqlserver", "postgresql"),
    "image": ("jpg", "gif", "bmp", "png", "tiff"),
    "streaming_media": ("swf", "rm", "mpg", "mp4"),
    "self_describing": ("json", "xml_self", "rdf"),
    "service_interface": ("webservice", "rest_api"),
}
FORMAT_TYPES = tuple(FORMATS)
FORMAT_SUBTYPES = tuple(sub for subs in FORMATS.values() for sub in subs)

#: 信息项数据类型 (the national list): 字符型 C, 数值型 N, 货币型 Y, 日期型 D,
#: 日期时间型 T, 逻辑型 L, 备注型 M, 通用型 G, 双精度型 B, 整型 I, 浮点型 F.
DATA_TYPES = ("C", "N", "Y", "D", "T", "L", "M", "G", "B", "I", "F")
#: Data types whose length is meaningful (the others have a fixed size).
DATA_TYPES_WITH_LENGTH = frozenset({"C", "N", "Y", "B", "F"})

#: 敏感信息类别 of a data item; ``none`` means not sensitive.
SENSITIVE_CATEGORIES = (
    "none",
    "id_number",
    "name",
    "phone",
    "address",
    "email",
    "bank_account",
    "vehicle_plate",
    "location",
    "health",
    "biometric",
    "other",
)
NOT_SENSITIVE = "none"

SHARE_TYPES = ("unconditional", "conditional", "not_shared")
#: 共享方式; the first three go through the sharing platform online.
SHARE_METHODS = ("platform_api", "platform_file", "platform_database", "offline")
ONLINE_SHARE_METHODS = frozenset(SHARE_METHODS[:3])

OPEN_TYPES = ("proactive", "on_application", "not_open")

UPDATE_CYCLES = (
    "real_time",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "half_yearly",
    "yearly",
    "irregular",
)

#: 目录状态 (review state) of an entry.
CATALOG_STATUSES = ("draft", "submitted", "approved", "returned")

AUDIENCES = ("share", "open")

# -- organizations ------------------------------------------------------------

ORG_KINDS = ("government", "institution", "public_enterprise")
ORG_LEVELS = ("municipal", "district")


def is_sensitive(category: object) -> bool:
    """Whether a data item's ``sensitive_category`` marks it sensitive.

    Empty counts as not sensitive; anything else but ``none`` is sensitive.
    """
    return bool(category) and category != NOT_SENSITIVE


def default_audience(data_items: object) -> str:
    """A new resource's audience: ``share`` when any data item is sensitive.

    Sensitive data is published only after desensitization (Art. 21), so the
    original file of such an entry stays on the sharing side until a
    desensitized one is marked ``open``.
    """
    items = data_items if isinstance(data_items, list | tuple) else []
    if any(
        isinstance(item, dict) and is_sensitive(item.get("sensitive_category"))
        for item in items
    ):
        return "share"
    return "open"
