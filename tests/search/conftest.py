"""Fixtures for the PostgreSQL search backend tests.

clean_db, catalog_fields and dataset_factory come from tests/conftest.py.
"""
