"""The JavaScript translations under the name CKAN's browser code asks for.

CKAN's pages say ``<html lang="zh-Hans-CN">``; its client turns only the first
hyphen back into an underscore and asks ``/api/i18n/zh_Hans-CN``, which the
API refuses (400). Without the translations CKAN's JavaScript modules never
start, so on Chinese pages the dataset form's repeating data items, the
autocompletes and every other module would not work. This blueprint answers
that name with the locale's translations.
"""

from __future__ import annotations

from ckan.lib.helpers import unix_locale_to_bcp47
from ckan.lib.i18n import get_locales_from_config
from ckan.views.api import i18n_js_translations
from flask import Blueprint


def client_locale_name(locale: str) -> str:
    """The name CKAN's client asks for: the page's language tag with its first
    hyphen made an underscore (``zh_Hans_CN`` → ``zh_Hans-CN``)."""
    return unix_locale_to_bcp47(locale).replace("-", "_", 1)


def get_blueprints() -> list[Blueprint]:
    blueprint = Blueprint("cqgov_i18n_js", __name__)
    for locale in sorted(get_locales_from_config()):
        alias = client_locale_name(locale)
        if alias == locale:
            continue
        blueprint.add_url_rule(
            f"/api/i18n/{alias}",
            endpoint=f"js_translations_{locale}",
            view_func=lambda locale=locale: i18n_js_translations(locale),
        )
    return [blueprint]
