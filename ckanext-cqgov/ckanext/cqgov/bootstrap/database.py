"""Create the role and database a PostgreSQL URL names, if they are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2

from .services import LOCAL_HOSTS, log


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def can_connect(url: str) -> bool:
    try:
        psycopg2.connect(url, connect_timeout=5).close()
        return True
    except psycopg2.OperationalError:
        return False


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _statements(url: str, recreate: bool) -> list[tuple[str | None, str]]:
    """(database-that-must-not-exist-yet or None, statement) pairs."""
    parts = urlsplit(url)
    role = unquote(parts.username or "")
    password = unquote(parts.password or "")
    db = database_name(url)
    steps: list[tuple[str | None, str]] = []
    if role:
        steps.append(
            (
                None,
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                f"{quote_literal(role)}) THEN CREATE ROLE {quote_ident(role)} LOGIN "
                f"PASSWORD {quote_literal(password)}; END IF; END$$",
            )
        )
    if recreate:
        steps.append((None, f"DROP DATABASE IF EXISTS {quote_ident(db)} WITH (FORCE)"))
    owner = f" OWNER {quote_ident(role)}" if role else ""
    steps.append(
        (
            db,
            f"CREATE DATABASE {quote_ident(db)}{owner} ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
        )
    )
    return steps


def _superuser_tcp(url: str, database: str = "postgres"):
    """A connection (autocommit) to `database` as a superuser over TCP: the
    URL's own role when it is one (e.g. the docker db service's user), else
    ``postgres`` without a password (local trust). None when neither works."""
    parts = urlsplit(url)
    own = urlunsplit(parts._replace(path="/" + database))
    try:
        conn = psycopg2.connect(own, connect_timeout=5)
    except psycopg2.OperationalError:
        conn = None
    if conn is not None:
        # before any statement: psycopg2 refuses to switch inside a transaction
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cur.fetchone()[0]:
                return conn
        conn.close()
    admin = urlunsplit(
        parts._replace(
            netloc=f"postgres@{parts.hostname}:{parts.port or 5432}",
            path="/" + database,
        )
    )
    try:
        conn = psycopg2.connect(admin, connect_timeout=5)
    except psycopg2.OperationalError:
        return None
    conn.autocommit = True
    return conn


def _superuser_socket_command() -> list[str]:
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", "psql", "-X", "-q"]
    if shutil.which("sudo"):
        return ["sudo", "-u", "postgres", "psql", "-X", "-q"]
    raise SystemExit("cqgov: need root or sudo to create the PostgreSQL role/database")


def ensure_database(url: str, recreate: bool = False) -> None:
    """Make sure the role and database of `url` exist (recreate: start empty)."""
    if not recreate and can_connect(url):
        return
    log(f"creating PostgreSQL database {database_name(url)!r}")
    steps = _statements(url, recreate)
    conn = _superuser_tcp(url)
    if conn is not None:
        with conn.cursor() as cur:
            for db, stmt in steps:
                if db:
                    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
                    if cur.fetchone():
                        continue
                cur.execute(stmt)
        conn.close()
    else:
        if (urlsplit(url).hostname or "") not in LOCAL_HOSTS:
            raise SystemExit(
                f"cqgov: cannot connect to {database_name(url)!r} nor act as the "
                "PostgreSQL superuser there; create the role and database yourself"
            )
        psql = _superuser_socket_command()
        for db, stmt in steps:
            if db:
                found = subprocess.run(
                    [
                        *psql,
                        "-tAc",
                        "SELECT 1 FROM pg_database WHERE datname = "
                        + quote_literal(db),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                if found:
                    continue
            subprocess.run([*psql, "-v", "ON_ERROR_STOP=1", "-c", stmt], check=True)
    if not can_connect(url):
        raise SystemExit(
            f"cqgov: database {database_name(url)!r} exists but the URL cannot log in; "
            "check the password and pg_hba.conf (md5/scram for 127.0.0.1)"
        )
