"""``python -m ckanext.cqgov.bootstrap run|test`` — what ``make run`` and
``make test`` do after the virtualenv is installed."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import portal
from .database import database_name, ensure_database, with_database
from .datastore import (
    TEST_READ_PASSWORD,
    default_urls,
    ensure_datastore,
    new_password,
    role_of,
)
from .localconfig import existing_option, write_local_ini
from .services import ensure_postgres, ensure_redis, log

ROOT = Path(__file__).resolve().parents[4]
DEFAULT_DB = "postgresql://cqgov:cqgov@127.0.0.1:5432/cqgov"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def dev_urls() -> tuple[str, str]:
    return (
        os.environ.get("CKAN_SQLALCHEMY_URL") or DEFAULT_DB,
        os.environ.get("CKAN_REDIS_URL") or DEFAULT_REDIS,
    )


def test_urls() -> tuple[str, str]:
    """The test suite's own database (never the demo one) and Redis database."""
    db_url, redis_url = dev_urls()
    test_db = os.environ.get("CQGOV_TEST_SQLALCHEMY_URL") or with_database(
        db_url, database_name(db_url) + "_test"
    )
    if database_name(test_db) == database_name(db_url) and not os.environ.get(
        "CQGOV_TEST_SQLALCHEMY_URL"
    ):
        raise SystemExit("cqgov: the test database must differ from the demo database")
    test_redis = (
        os.environ.get("CQGOV_TEST_REDIS_URL") or redis_url.rsplit("/", 1)[0] + "/1"
    )
    return test_db, test_redis


def datastore_urls(db_url: str, local_ini: Path) -> tuple[str, str]:
    """The DataStore URLs of `make run`: CKAN_DATASTORE_WRITE_URL /
    CKAN_DATASTORE_READ_URL, else derived from the main database, with the
    read-only role's password generated once and kept in the local ini."""
    kept = existing_option(local_ini, "ckan.datastore.read_url")
    password = (role_of(kept)[1] if kept else "") or new_password()
    write, read = default_urls(db_url, password)
    return (
        os.environ.get("CKAN_DATASTORE_WRITE_URL") or write,
        os.environ.get("CKAN_DATASTORE_READ_URL") or read,
    )


def datastore_env(write_url: str, read_url: str) -> dict[str, str]:
    return {"CKAN_DATASTORE_WRITE_URL": write_url, "CKAN_DATASTORE_READ_URL": read_url}


def cmd_run(args: argparse.Namespace) -> int:
    db_url, redis_url = dev_urls()
    ensure_postgres(db_url)
    ensure_redis(redis_url)
    ensure_database(db_url)
    local_ini = ROOT / ".local" / "ckan.ini"
    ds_write, ds_read = datastore_urls(db_url, local_ini)
    ensure_datastore(db_url, ds_write, ds_read)
    ini = write_local_ini(
        local_ini,
        ROOT / "config" / "development.ini",
        extra={
            "ckan.datastore.write_url": ds_write,
            "ckan.datastore.read_url": ds_read,
        },
    )
    env = dict(os.environ, CKAN_SQLALCHEMY_URL=db_url, CKAN_REDIS_URL=redis_url)
    env.update(datastore_env(ds_write, ds_read))
    env["CKAN_SITE_URL"] = env.get("CKAN_SITE_URL") or f"http://{args.host}:{args.port}"
    admin = portal.prepare(ini, env=env, demo=not args.no_demo)
    banner = (
        "\n"
        f"  cqgov portal: http://{args.host}:{args.port}\n"
        f"  {admin.replace(chr(10), chr(10) + '  ')}\n"
        f"  config: {os.path.relpath(ini)}   mail catcher: 127.0.0.1:8025\n"
        "  Ctrl-C stops the web server and the job worker.\n"
    )
    return portal.serve(ini, args.host, args.port, env, banner)


def cmd_test(args: argparse.Namespace) -> int:
    db_url, redis_url = test_urls()
    ensure_postgres(db_url)
    ensure_redis(redis_url)
    ensure_database(db_url)
    # The test database's own DataStore, never the one CKAN_DATASTORE_* names.
    ds_write, ds_read = default_urls(db_url, TEST_READ_PASSWORD)
    ensure_datastore(db_url, ds_write, ds_read)
    ini = ROOT / "config" / "test.ini"
    env = dict(os.environ, CKAN_SQLALCHEMY_URL=db_url, CKAN_REDIS_URL=redis_url)
    env.update(datastore_env(ds_write, ds_read))
    env["CQGOV_TEST_SQLALCHEMY_URL"] = db_url
    env["CQGOV_TEST_REDIS_URL"] = redis_url
    log(f"test database: {database_name(db_url)}")
    portal.migrate(ini, env)
    bin_dir = Path(sys.executable).parent
    log("ruff check")
    lint = subprocess.run([str(bin_dir / "ruff"), "check", "--quiet", "."], cwd=ROOT)
    if lint.returncode:
        return lint.returncode
    pytest = [str(bin_dir / "pytest"), f"--ckan-ini={ini}", *args.pytest_args]
    log(" ".join(pytest[:1] + pytest[1:]))
    status = subprocess.run(pytest, cwd=ROOT, env=env).returncode
    if status or args.pytest_args:
        return status
    return run_ckan_search_compat(bin_dir, env)


# CKAN's own search tests, run against the PostgreSQL search backend (CKAN core
# plus cqgov_pgsearch); exclusions with reasons: tests/ckan_compat/exclusions.txt
CKAN_SEARCH_TESTS = [
    "ckan.tests.lib.search",
    "ckan.tests.logic.action.test_get",
]
CKAN_SEARCH_TEST_FILTER = (
    "PackageSearch or test_common or test_index or test_query or test_search"
)


def run_ckan_search_compat(bin_dir: Path, env: dict[str, str]) -> int:
    ini = ROOT / "config" / "test-core.ini"
    pytest = [
        str(bin_dir / "pytest"),
        f"--ckan-ini={ini}",
        "-p",
        "pgsearch_compat",
        "-q",
        "-k",
        CKAN_SEARCH_TEST_FILTER,
        "--pyargs",
        *CKAN_SEARCH_TESTS,
    ]
    # its own database: CKAN core tables only
    test_db = env["CKAN_SQLALCHEMY_URL"]
    db_url = with_database(test_db, database_name(test_db) + "_core")
    ensure_database(db_url)
    compat_env = {k: v for k, v in env.items() if not k.startswith("CKAN_DATASTORE_")}
    compat_env = dict(
        compat_env,
        CKAN_SQLALCHEMY_URL=db_url,
        PYTHONPATH=str(ROOT / "tests" / "ckan_compat"),
    )
    portal.migrate(ini, compat_env)
    log("CKAN's search tests on the PostgreSQL backend: " + " ".join(pytest[1:]))
    return subprocess.run(pytest, cwd=ROOT, env=compat_env).returncode


def cmd_datastore(args: argparse.Namespace) -> int:
    """For deployments (docker/entrypoint.sh): the DataStore database, role and
    permissions of CKAN_SQLALCHEMY_URL / CKAN_DATASTORE_WRITE_URL /
    CKAN_DATASTORE_READ_URL."""
    try:
        urls = [
            os.environ[name]
            for name in (
                "CKAN_SQLALCHEMY_URL",
                "CKAN_DATASTORE_WRITE_URL",
                "CKAN_DATASTORE_READ_URL",
            )
        ]
    except KeyError as missing:
        raise SystemExit(f"cqgov: {missing.args[0]} is not set") from None
    ensure_datastore(*urls)
    log("DataStore database, read-only role and permissions in place")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ckanext.cqgov.bootstrap")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="prepare and run the development/demo portal")
    run.add_argument("--host", default=os.environ.get("CQGOV_HOST", "127.0.0.1"))
    run.add_argument(
        "--port", type=int, default=int(os.environ.get("CQGOV_PORT", "5000"))
    )
    run.add_argument("--no-demo", action="store_true", help="skip the demo catalog")
    run.set_defaults(func=cmd_run)
    test = sub.add_parser("test", help="prepare the test database and run pytest")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)
    datastore = sub.add_parser(
        "datastore",
        help="create the DataStore database and read-only role, set permissions "
        "(URLs from CKAN_SQLALCHEMY_URL, CKAN_DATASTORE_WRITE_URL/READ_URL)",
    )
    datastore.set_defaults(func=cmd_datastore)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
