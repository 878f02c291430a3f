"""The bootstrap's DataStore setup against the real PostgreSQL server.

A throwaway database pair (``<test db>_dssetup`` and its ``_datastore``) is
created through both superuser paths the bootstrap knows (TCP as a superuser,
and ``psql`` over the local socket as the ``postgres`` system user, as on a
fresh Debian machine), and the read-only role's rights are checked the way
CKAN's DataStore relies on them.
"""

from __future__ import annotations

import os

import psycopg2
import pytest

from ckanext.cqgov.bootstrap import database as bootstrap_database
from ckanext.cqgov.bootstrap import datastore as bootstrap_datastore
from ckanext.cqgov.bootstrap.database import database_name, with_database
from ckanext.cqgov.bootstrap.datastore import (
    default_urls,
    ensure_datastore,
    permissions_in_place,
    permissions_sql,
    role_of,
)

TEST_DB = os.environ.get(
    "CQGOV_TEST_SQLALCHEMY_URL", "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov_test"
)


def _drop(url: str) -> None:
    conn = bootstrap_database._superuser_tcp(url)
    if conn is None:
        pytest.skip("no superuser over TCP to clean up with")
    with conn.cursor() as cur:
        cur.execute(
            "DROP DATABASE IF EXISTS "
            f"{bootstrap_database.quote_ident(database_name(url))} WITH (FORCE)"
        )
    conn.close()


@pytest.fixture(params=["tcp", "socket"])
def urls(request, monkeypatch):
    """(main, write, read) URLs of a fresh database pair; `socket` makes the
    bootstrap fall back to psql as the postgres system user."""
    main = with_database(TEST_DB, database_name(TEST_DB) + "_dssetup")
    write, read = default_urls(main, "ds-setup-test-password")
    _drop(write)
    bootstrap_database.ensure_database(main)
    if request.param == "socket":
        if os.geteuid() != 0 or not bootstrap_database.shutil.which("runuser"):
            pytest.skip("the socket path needs root and runuser")
        monkeypatch.setattr(
            bootstrap_datastore, "_superuser_tcp", lambda *a, **kw: None
        )
        monkeypatch.setattr(bootstrap_database, "_superuser_tcp", lambda *a, **kw: None)
    yield main, write, read
    monkeypatch.undo()
    _drop(write)
    _drop(main)


def test_default_urls_derive_from_the_main_database():
    write, read = default_urls("postgresql://u:p@db.example:5433/portal", "secret")
    assert write == "postgresql://u:p@db.example:5433/portal_datastore"
    assert (
        read
        == "postgresql://portal_datastore_ro:secret@db.example:5433/portal_datastore"
    )


def test_permission_script_is_ckans_with_the_function_revocations():
    script = permissions_sql(
        "postgresql://cqgov:x@h/cqgov",
        "postgresql://cqgov:x@h/cqgov_datastore",
        "postgresql://cqgov_datastore_ro:y@h/cqgov_datastore",
    )
    assert "\\connect" not in script
    assert 'REVOKE CONNECT ON DATABASE "cqgov" FROM "cqgov_datastore_ro"' in script
    assert 'GRANT SELECT ON "_table_metadata" TO "cqgov_datastore_ro"' in script
    assert "REVOKE EXECUTE ON FUNCTION pg_catalog.query_to_xml(" in script


@pytest.mark.parametrize(
    ("write", "read", "message"),
    [
        ("/m_datastore", "/m_other", "same database"),
        ("/m", "/m", "database of its own"),
        ("/m_datastore", "/m_datastore", "read-only role"),
    ],
)
def test_refuses_unsafe_urls(write, read, message):
    base = "postgresql://cqgov:x@127.0.0.1:5432"
    read_role = "ro:y@" if read != write else "cqgov:x@"
    with pytest.raises(SystemExit, match=message):
        ensure_datastore(
            base + "/m",
            base + write,
            f"postgresql://{read_role}127.0.0.1:5432{read}",
        )


def test_creates_database_role_and_permissions_idempotently(urls, capsys):
    main, write, read = urls
    ensure_datastore(main, write, read)
    assert "setting up the DataStore" in capsys.readouterr().out
    assert permissions_in_place(write, read)

    # A table the write role creates is readable, not writable, by the reader.
    with psycopg2.connect(write) as conn, conn.cursor() as cur:
        cur.execute('CREATE TABLE "res-1" (a int); INSERT INTO "res-1" VALUES (1)')
    reader = psycopg2.connect(read)
    reader.autocommit = True
    with reader.cursor() as cur:
        cur.execute('SELECT a FROM "res-1"')
        assert cur.fetchall() == [(1,)]
        cur.execute("SELECT name FROM _table_metadata")
        assert ("res-1",) in cur.fetchall()
        for statement in (
            'INSERT INTO "res-1" VALUES (2)',
            'DELETE FROM "res-1"',
            "CREATE TABLE mine (a int)",
            "SELECT query_to_xml('select 1', true, true, '')",
            "SELECT table_to_xml('\"res-1\"'::regclass, true, true, '')",
        ):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(statement)
    reader.close()
    # The reader cannot read the main (CKAN) database's tables.
    with psycopg2.connect(main) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE secret_core (a int)")
    main_as_reader = with_database(read, database_name(main))
    try:
        conn = psycopg2.connect(main_as_reader)
    except psycopg2.OperationalError:
        pass  # CONNECT refused: fine too
    else:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute("SELECT * FROM secret_core")
        conn.close()

    # Again: nothing to do, no superuser needed.
    ensure_datastore(main, write, read)
    assert "setting up" not in capsys.readouterr().out


def test_a_changed_password_is_set_again(urls):
    main, write, read = urls
    ensure_datastore(main, write, read)
    role, _ = role_of(read)
    moved = read.replace("ds-setup-test-password", "another-password")
    if permissions_in_place(write, moved):
        pytest.skip("this server does not check passwords on 127.0.0.1 (trust)")
    ensure_datastore(main, write, moved)
    assert permissions_in_place(write, moved)
    assert role_of(moved)[0] == role


def test_make_run_keeps_the_read_password_in_the_local_ini(tmp_path, monkeypatch):
    from ckanext.cqgov.bootstrap.__main__ import ROOT, datastore_urls
    from ckanext.cqgov.bootstrap.localconfig import write_local_ini

    monkeypatch.delenv("CKAN_DATASTORE_WRITE_URL", raising=False)
    monkeypatch.delenv("CKAN_DATASTORE_READ_URL", raising=False)
    main = "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov"
    local = tmp_path / "ckan.ini"
    write, read = datastore_urls(main, local)
    assert write == "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov_datastore"
    assert role_of(read)[0] == "cqgov_datastore_ro"
    assert len(role_of(read)[1]) >= 24
    write_local_ini(
        local,
        ROOT / "config" / "development.ini",
        extra={"ckan.datastore.write_url": write, "ckan.datastore.read_url": read},
    )
    assert datastore_urls(main, local) == (write, read)
    monkeypatch.setenv("CKAN_DATASTORE_READ_URL", "postgresql://r:s@h/other_ds")
    assert datastore_urls(main, local)[1] == "postgresql://r:s@h/other_ds"
