"""The cqgov plugin: wires the extension's pieces into CKAN.

Logic lives in the subpackages; this module only declares interfaces.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.cqgov import api_errors, cli, helpers


@tk.blanket.config_declarations
@tk.blanket.cli(cli.get_commands)
@tk.blanket.helpers(helpers.get_helpers)
class CqgovPlugin(p.SingletonPlugin):
    p.implements(p.IMiddleware, inherit=True)

    # IMiddleware

    def make_middleware(self, app, config_):
        app.after_request(api_errors.search_query_error_as_conflict)
        return app
