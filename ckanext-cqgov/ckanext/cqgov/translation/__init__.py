"""Translations: the extension's catalogs and the completions of CKAN's, the
ckanext-scheming and ckanext-dcat catalogs (see ``catalogs``)."""


def site_text(message: str) -> str:
    """``message`` in the portal's default language (``ckan.locale_default``),
    for text that background jobs write into the catalog, where no request
    says which language to use."""
    import gettext

    from ckan.plugins import toolkit as tk

    from .catalogs import DOMAIN, OUTPUT_DIR

    locale = tk.config.get("ckan.locale_default") or "en"
    if locale == "en":
        return message
    translations = gettext.translation(
        DOMAIN, localedir=str(OUTPUT_DIR), languages=[locale], fallback=True
    )
    return translations.gettext(message)
