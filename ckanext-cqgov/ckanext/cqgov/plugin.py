"""The cqgov plugin: wires the extension's pieces into CKAN.

Logic lives in the subpackages; this module only declares interfaces.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.cqgov import api_errors, cli, helpers
from ckanext.cqgov.access import plugin as access


@tk.blanket.config_declarations
@tk.blanket.cli(cli.get_commands)
@tk.blanket.helpers(helpers.get_helpers)
class CqgovPlugin(p.SingletonPlugin):
    p.implements(p.IMiddleware, inherit=True)

    # --- access: who sees what (ckanext.cqgov.access.plugin) ---------------
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def get_actions(self):
        return access.get_actions()

    def get_auth_functions(self):
        return access.get_auth_functions()

    # --- end access ----------------------------------------------------------

    # IMiddleware

    def make_middleware(self, app, config_):
        app.after_request(api_errors.search_query_error_as_conflict)
        return app
