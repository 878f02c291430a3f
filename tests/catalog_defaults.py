"""Catalog field values the tests share (importable from any test module:
``from catalog_defaults import CATALOG_DEFAULTS``)."""

# The catalog fields the dataset schema requires, with neutral values: a
# departmental entry, shared unconditionally through the platform's API, open,
# with one data item that is not sensitive. The resource code is generated.
# Conditions and bases are filled in too, so that a test may switch to
# `conditional` / `on_application` by changing the type alone (Arts. 15, 21).
CATALOG_DEFAULTS = {
    "share_condition": "仅限政务部门履行法定职责使用",
    "share_basis": "《政务信息资源共享管理暂行办法》",
    "open_condition": "实名注册并说明用途",
    "open_basis": "《公共数据开放管理办法》",
    "resource_category": "departmental",
    "format_type": "spreadsheet",
    "format_subtype": "csv",
    "data_items": [
        {
            "name": "编号",
            "data_type": "C",
            "length": "20",
            "description": "记录编号",
            "sensitive_category": "none",
        }
    ],
    "share_type": "unconditional",
    "share_method": "platform_api",
    "open_type": "proactive",
    "update_cycle": "yearly",
}
