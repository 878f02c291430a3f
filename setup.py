"""Installs ckanext-cqgov, whose source lives under ckanext-cqgov/.

Dependencies are pinned in requirements.txt (one place); install them first:
``pip install -r requirements.txt && pip install -e .``
"""

from setuptools import Extension, find_namespace_packages, setup

setup(
    name="ckanext-cqgov",
    version="0.1.0",
    description="Chongqing government information resource sharing and opening "
    "platform, as a CKAN 2.11 extension",
    license="AGPL-3.0-or-later",
    package_dir={"": "ckanext-cqgov"},
    packages=find_namespace_packages(where="ckanext-cqgov", include=["ckanext.*"]),
    include_package_data=True,
    package_data={
        "ckanext.cqgov": [
            "config_declaration.yaml",
            "templates/**/*",
            "public/**/*",
            "assets/**/*",
            "i18n/**/*",
            "migration/**/*",
            "data/**/*",
            "search/data/*",
        ]
    },
    # The desensitization engine's cell scanner (C, the CPython API alone);
    # without it the engine takes its polars path for every cell.
    ext_modules=[
        Extension(
            "ckanext.cqgov.desensitize._scan",
            ["ckanext-cqgov/ckanext/cqgov/desensitize/_scan.c"],
            extra_compile_args=["-O2"],
        )
    ],
    python_requires=">=3.10",
    entry_points={
        "ckan.plugins": [
            "cqgov = ckanext.cqgov.plugin:CqgovPlugin",
            "cqgov_pgsearch = ckanext.cqgov.search.plugin:PgSearchPlugin",
        ],
        "ckan.rdf.profiles": [
            "cqgov = ckanext.cqgov.dcat.profile:CqgovDCATProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
)
