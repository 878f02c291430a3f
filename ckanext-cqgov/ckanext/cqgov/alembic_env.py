"""The alembic environment shared by the extension's plugins' migrations.

Each plugin keeps its own version table (``<plugin>_alembic_version``) so its
migrations never interfere with CKAN core's or another plugin's.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(plugin: str) -> None:
    """Run the migrations of ``plugin`` (offline or online, as alembic asks)."""
    config = context.config
    if config.config_file_name:
        fileConfig(config.config_file_name)
    version_table = f"{plugin}_alembic_version"
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            literal_binds=True,
            version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
