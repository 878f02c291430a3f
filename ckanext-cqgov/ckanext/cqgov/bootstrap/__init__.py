"""Local bootstrap for the two README commands (``make run`` and ``make test``).

Runs before CKAN's configuration can be loaded, so it uses the standard library
(plus psycopg2) only: it finds or installs PostgreSQL and Redis, creates the
database and role, writes the local ini, prepares the database and starts the
portal's processes.
"""
