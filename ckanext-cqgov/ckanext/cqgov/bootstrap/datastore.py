"""The DataStore's own database, its read-only role and their permissions.

CKAN's DataStore keeps tabular data in a database of its own
(``ckan.datastore.write_url``) and answers queries (``datastore_search``,
``datastore_search_sql``) through a role that may only read it
(``ckan.datastore.read_url``). This module creates both when missing and
applies CKAN's permission script (what ``ckan datastore set-permissions``
prints) as the PostgreSQL superuser, the same way :mod:`.database` creates the
main database. Everything is idempotent: when the read-only role logs in and
the permissions are in place, nothing is done and no superuser is needed.

The defaults, derived from the main database URL ``.../<db>``:

- write URL: the main role on database ``<db>_datastore``;
- read URL: role ``<db>_datastore_ro`` on the same database.
"""

from __future__ import annotations

import secrets
import subprocess
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg2

from .database import (
    _superuser_socket_command,
    _superuser_tcp,
    can_connect,
    database_name,
    ensure_database,
    quote_ident,
    quote_literal,
    with_database,
)
from .services import LOCAL_HOSTS, log

#: The read-only role's password of the test suite and the test portals
#: (a test-only value, like config/test.ini's secrets).
TEST_READ_PASSWORD = "cqgov-datastore-ro-test"

# Functions that run an SQL text or read whole tables/schemas/databases as the
# caller. CKAN's datastore_search_sql refuses functions outside its allowlist
# (none of these is on it); taking EXECUTE away from everyone but the owner in
# the DataStore database means that even a query slipping past that check
# cannot use them to read a table the access check never saw.
SQL_RUNNING_FUNCTIONS = (
    "query_to_xml(text, boolean, boolean, text)",
    "query_to_xmlschema(text, boolean, boolean, text)",
    "query_to_xml_and_xmlschema(text, boolean, boolean, text)",
    "cursor_to_xml(refcursor, integer, boolean, boolean, text)",
    "cursor_to_xmlschema(refcursor, boolean, boolean, text)",
    "table_to_xml(regclass, boolean, boolean, text)",
    "table_to_xmlschema(regclass, boolean, boolean, text)",
    "table_to_xml_and_xmlschema(regclass, boolean, boolean, text)",
    "schema_to_xml(name, boolean, boolean, text)",
    "schema_to_xmlschema(name, boolean, boolean, text)",
    "schema_to_xml_and_xmlschema(name, boolean, boolean, text)",
    "database_to_xml(boolean, boolean, text)",
    "database_to_xmlschema(boolean, boolean, text)",
    "database_to_xml_and_xmlschema(boolean, boolean, text)",
    "ts_stat(text)",
    "ts_stat(text, text)",
)


def with_credentials(url: str, user: str, password: str) -> str:
    """The same server and database, another role."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def role_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def default_urls(main_url: str, read_password: str) -> tuple[str, str]:
    """(write URL, read URL) of the DataStore that belongs to `main_url`."""
    db = database_name(main_url) + "_datastore"
    write = with_database(main_url, db)
    return write, with_credentials(write, db + "_ro", read_password)


def new_password() -> str:
    return secrets.token_urlsafe(24)


def permissions_sql(main_url: str, write_url: str, read_url: str) -> str:
    """CKAN's permission script for these URLs (``ckan datastore
    set-permissions``), without its ``\\connect`` line, plus the
    revocation of :data:`SQL_RUNNING_FUNCTIONS`."""
    from ckanext.datastore.cli import permissions_sql as ckan_permissions_sql

    script = ckan_permissions_sql(
        maindb=database_name(main_url),
        datastoredb=database_name(write_url),
        mainuser=role_of(main_url)[0],
        writeuser=role_of(write_url)[0],
        readuser=role_of(read_url)[0],
    )
    lines = [line for line in script.splitlines() if not line.startswith("\\connect")]
    for signature in SQL_RUNNING_FUNCTIONS:
        lines.append(f"REVOKE EXECUTE ON FUNCTION pg_catalog.{signature} FROM PUBLIC;")
    return "\n".join(lines) + "\n"


def permissions_in_place(write_url: str, read_url: str) -> bool:
    """The read-only role logs in, may read the table list, may not create
    anything, and gets read access to tables the write role creates."""
    if not can_connect(read_url):
        return False
    writer, _ = role_of(write_url)
    reader, _ = role_of(read_url)
    try:
        conn = psycopg2.connect(read_url, connect_timeout=5)
    except psycopg2.OperationalError:
        return False
    try:
        with conn.cursor() as cur:
            cur.execute(
                """
                SELECT to_regclass('public._table_metadata') IS NOT NULL
                   AND has_table_privilege('public._table_metadata', 'SELECT')
                   AND NOT has_schema_privilege('public', 'CREATE')
                   AND NOT has_database_privilege(current_database(), 'CREATE')
                   AND to_regprocedure('public.populate_full_text_trigger()')
                       IS NOT NULL
                   AND NOT has_function_privilege(
                       'pg_catalog.query_to_xml(text, boolean, boolean, text)',
                       'EXECUTE')
                   AND EXISTS (
                       SELECT 1 FROM pg_default_acl d
                       JOIN pg_namespace n ON n.oid = d.defaclnamespace
                       JOIN pg_roles w ON w.oid = d.defaclrole
                       WHERE n.nspname = 'public' AND w.rolname = %s
                         AND d.defaclobjtype = 'r'
                         AND array_to_string(d.defaclacl, ',') LIKE %s)
                """,
                (writer, f"%{reader}=r/%"),
            )
            return bool(cur.fetchone()[0])
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def _role_statement(read_url: str) -> str:
    role, password = role_of(read_url)
    return (
        "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"{quote_literal(role)}) THEN CREATE ROLE {quote_ident(role)}; END IF; END$$;"
        f" ALTER ROLE {quote_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"NOINHERIT PASSWORD {quote_literal(password)};"
    )


def _apply_as_superuser(main_url: str, write_url: str, script: str) -> None:
    """Run the role statement (any database) and the permission script (in
    the DataStore database) as the superuser."""
    db = database_name(write_url)
    conn = _superuser_tcp(write_url, database=db)
    if conn is not None:
        try:
            with conn.cursor() as cur:
                cur.execute(script)
        finally:
            conn.close()
        return
    if (urlsplit(write_url).hostname or "") not in LOCAL_HOSTS:
        raise SystemExit(
            f"cqgov: cannot act as the PostgreSQL superuser for {db!r}; create the "
            "DataStore's read-only role and run `ckan datastore set-permissions` "
            "through psql as a superuser yourself"
        )
    psql = _superuser_socket_command()
    subprocess.run(
        [*psql, "-v", "ON_ERROR_STOP=1", "-d", db],
        input=script,
        text=True,
        check=True,
    )


def ensure_datastore(main_url: str, write_url: str, read_url: str) -> None:
    """The DataStore database (owned by the write role), the read-only role
    with the read URL's password, and CKAN's permissions."""
    if database_name(write_url) != database_name(read_url):
        raise SystemExit(
            "cqgov: the DataStore write and read URLs must name the same database"
        )
    if database_name(write_url) == database_name(main_url):
        raise SystemExit("cqgov: the DataStore needs a database of its own")
    if role_of(write_url)[0] == role_of(read_url)[0]:
        raise SystemExit("cqgov: the DataStore read URL needs a read-only role")
    ensure_database(write_url)
    if permissions_in_place(write_url, read_url):
        return
    log(f"setting up the DataStore database {database_name(write_url)!r}")
    script = (
        _role_statement(read_url)
        + "\n"
        + permissions_sql(main_url, write_url, read_url)
    )
    _apply_as_superuser(main_url, write_url, script)
    if not permissions_in_place(write_url, read_url):
        raise SystemExit(
            f"cqgov: the DataStore read-only role {role_of(read_url)[0]!r} cannot "
            "log in or its permissions are wrong; check pg_hba.conf (md5/scram for "
            "127.0.0.1)"
        )
