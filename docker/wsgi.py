"""WSGI entry point for production servers (gunicorn): ``wsgi:application``.

Builds the CKAN application from the ini file named by CKAN_INI (the container
sets it to config/production.ini).
"""

import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

CONFIG_PATH = os.environ.get("CKAN_INI", "/srv/app/cqgov/config/production.ini")

application = make_app(load_config(CONFIG_PATH))
