"""``python -m ckanext.cqgov.translation compile|update``.

- ``compile``: merge the source catalogs into the catalog CKAN loads
  (``ckanext/cqgov/i18n/<locale>/LC_MESSAGES/ckanext-cqgov.mo``).
- ``update``: add the extension's new message ids (from its Python code and
  templates) to ``translation/<locale>/ckanext-cqgov.po``, untranslated, and drop
  the ones the code no longer uses; then fill in the empty ``msgstr`` lines.
"""

from __future__ import annotations

import argparse
import sys

from . import catalogs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ckanext.cqgov.translation")
    parser.add_argument("command", choices=["compile", "update"])
    args = parser.parse_args(argv)
    if args.command == "compile":
        for mo in catalogs.compile_all():
            print(f"compiled {mo}")
        return 0
    for locale in catalogs.LOCALES:
        added, removed = catalogs.update_own_catalog(locale)
        path = catalogs.source_path(locale, catalogs.DOMAIN)
        print(f"{path}: {len(added)} new, {len(removed)} dropped")
        for msgid in added:
            print(f"  + {msgid!r}")
        for msgid in removed:
            print(f"  - {msgid!r}")
    catalogs.compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
