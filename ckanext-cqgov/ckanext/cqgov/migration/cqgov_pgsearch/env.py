"""Alembic environment for the cqgov_pgsearch plugin (ckanext.cqgov.alembic_env)."""

import os

from ckanext.cqgov.alembic_env import run

run(os.path.basename(os.path.dirname(os.path.abspath(__file__))))
