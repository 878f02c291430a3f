"""The cqgov plugin: wires the extension's pieces into CKAN.

Logic lives in the subpackages; this module only declares interfaces.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.cqgov import api_errors, cli, helpers
from ckanext.cqgov.access import plugin as access
from ckanext.cqgov.catalog import actions as catalog_actions
from ckanext.cqgov.catalog import hooks as catalog_hooks
from ckanext.cqgov.catalog import validators as catalog_validators
from ckanext.cqgov.catalog import views as catalog_views
from ckanext.cqgov.desensitize import logic as desensitize
from ckanext.cqgov.desensitize import views as desensitize_views
from ckanext.cqgov.search import autocomplete, chinese_search
from ckanext.cqgov.spreadsheet import actions as spreadsheet
from ckanext.cqgov.spreadsheet import views as spreadsheet_views
from ckanext.cqgov.translation import views as translation_views
from ckanext.cqgov.translation.plugin import Translation
from ckanext.cqgov.workflow import logic as workflow_logic
from ckanext.cqgov.workflow import tasks as workflow_tasks  # noqa: F401 (registers)
from ckanext.cqgov.workflow import views as workflow_views


# The catalog spreadsheet (its DCAT profile is an entry point, not wired here).
def _blueprints():
    return [
        *workflow_views.get_blueprints(),
        *catalog_views.get_blueprints(),
        *spreadsheet_views.get_blueprints(),
        *desensitize_views.get_blueprints(),
        *access.get_blueprints(),
        *translation_views.get_blueprints(),
    ]


@tk.blanket.config_declarations
@tk.blanket.cli(cli.get_commands)
@tk.blanket.helpers(helpers.get_helpers)
# -- workflow: applications, opening requests, error reports, feedback --
# -- the catalog's review pages and spreadsheet pages --
@tk.blanket.blueprints(_blueprints)
class CqgovPlugin(p.SingletonPlugin, Translation):
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IConfigurer, inherit=True)

    # IConfigurer

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")

    # --- translation: zh_Hans_CN catalogs; the methods come from Translation
    p.implements(p.ITranslation)

    # --- access: who sees what (ckanext.cqgov.access.plugin) ---------------
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPermissionLabels)

    def get_actions(self):
        return {
            **access.get_actions(),
            **workflow_logic.get_actions(),
            **spreadsheet.get_actions(),
            **desensitize.get_actions(),
            **catalog_hooks.get_actions(),
            **autocomplete.get_actions(),
        }

    def get_auth_functions(self):
        return {
            **access.get_auth_functions(),
            **workflow_logic.get_auth_functions(),
            **spreadsheet.get_auth_functions(),
            **desensitize.get_auth_functions(),
            **catalog_hooks.get_auth_functions(),
        }

    def after_dataset_search(self, search_results, search_params):
        return access.after_dataset_search(search_results)

    def get_dataset_labels(self, dataset_obj):
        return access.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return access.user_labels(user_obj)

    # --- end access ----------------------------------------------------------

    # --- desensitize: the publish gate (ckanext.cqgov.desensitize.logic) ----
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IValidators)

    def get_validators(self):
        # the catalog's scheming validators and the desensitize gate's
        return {
            **catalog_validators.get_validators(),
            **desensitize.get_validators(),
        }

    def before_resource_create(self, context, resource):
        desensitize.before_create(context, resource)

    def after_resource_create(self, context, resource):
        desensitize.after_change(context, resource)

    def before_resource_update(self, context, current, resource):
        desensitize.before_update(context, current, resource)

    def after_resource_update(self, context, resource):
        desensitize.after_change(context, resource)

    # --- end desensitize -----------------------------------------------------

    # IMiddleware

    def make_middleware(self, app, config_):
        app.after_request(api_errors.search_query_error_as_conflict)
        access.install_views(app)
        return app

    # --- search: Chinese search (ckanext.cqgov.search.chinese_search) ------
    # segmented index fields and edismax parameters, the same for Solr and
    # cqgov_pgsearch
    p.implements(p.IConfigurable, inherit=True)

    def configure(self, config_):
        chinese_search.configure(config_)

    def before_dataset_index(self, pkg_dict):
        pkg_dict = catalog_hooks.before_index(pkg_dict)
        # what the index may summarise (open resources only), then segmented
        pkg_dict = access.before_dataset_index(pkg_dict)
        return chinese_search.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        return chinese_search.before_dataset_search(search_params)

    # --- end search ----------------------------------------------------------
    # IPackageController (catalog)

    def after_dataset_create(self, context, pkg_dict):
        catalog_actions.after_create(context, pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        catalog_actions.after_update(context, pkg_dict)

    def after_dataset_show(self, context, pkg_dict):
        pkg_dict = catalog_hooks.after_show(context, pkg_dict)
        # last: what the viewer may not see leaves the dict
        access.after_dataset_show(context, pkg_dict)
        return pkg_dict
