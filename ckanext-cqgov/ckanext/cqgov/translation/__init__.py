"""Translations: the extension's catalogs and the completions of CKAN's, the
ckanext-scheming and ckanext-dcat catalogs (see ``catalogs``)."""
