"""Wait until the services CKAN needs answer: PostgreSQL, Redis and (if used) Solr.

Reads the effective configuration the way CKAN does: the ini file named by
CKAN_INI, then the CKAN_* environment variables CKAN lets override it
(CKAN_SQLALCHEMY_URL, CKAN_REDIS_URL, CKAN_SOLR_URL, ...). Solr is waited for
only when ``solr_url`` is set and the PostgreSQL search backend (cqgov_pgsearch)
is not enabled.

Exit status 0 when every service answered, 1 on timeout (CQGOV_WAIT_TIMEOUT
seconds, default 180). Passwords never appear in the output.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def effective_config(ini_path: str) -> dict[str, str]:
    from ckan.cli import CKANConfigLoader
    from ckan.config.environment import CONFIG_FROM_ENV_VARS

    config = CKANConfigLoader(ini_path).get_config()
    for option, env_name in CONFIG_FROM_ENV_VARS.items():
        if os.environ.get(env_name):
            config[option] = os.environ[env_name]
    return config


def redact(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def check_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    finally:
        engine.dispose()


def check_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        if not client.ping():
            raise RuntimeError("no PONG")
    finally:
        client.close()


def check_solr(url: str, user: str | None, password: str | None) -> None:
    import requests

    auth = (user, password) if user and password else None
    response = requests.get(
        url.rstrip("/") + "/admin/ping", params={"wt": "json"}, auth=auth, timeout=5
    )
    response.raise_for_status()
    status = response.json().get("status")
    if status != "OK":
        raise RuntimeError(f"ping status {status!r}")


def services(config: dict[str, str]) -> list[tuple[str, str, Callable[[], None]]]:
    """(name, printable address, check) for every service to wait for."""
    found: list[tuple[str, str, Callable[[], None]]] = []
    db_url = config.get("sqlalchemy.url", "")
    if db_url:
        found.append(("PostgreSQL", redact(db_url), lambda: check_postgres(db_url)))
    redis_url = config.get("ckan.redis.url", "")
    if redis_url:
        found.append(("Redis", redact(redis_url), lambda: check_redis(redis_url)))
    solr_url = config.get("solr_url", "")
    plugins = config.get("ckan.plugins", "").split()
    if solr_url and "cqgov_pgsearch" not in plugins:
        user, password = config.get("solr_user"), config.get("solr_password")
        found.append(
            ("Solr", redact(solr_url), lambda: check_solr(solr_url, user, password))
        )
    return found


def wait(config: dict[str, str], timeout: float, interval: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    for name, address, check in services(config):
        last_error = ""
        while True:
            try:
                check()
            except Exception as error:  # any failure means "not ready yet"
                message = f"{type(error).__name__}: {error}".splitlines()[0]
                if message != last_error:
                    print(f"waiting for {name} at {address} ({message})", flush=True)
                    last_error = message
                if time.monotonic() >= deadline:
                    print(
                        f"gave up waiting for {name} at {address} after {timeout:g}s",
                        file=sys.stderr,
                    )
                    return False
                time.sleep(interval)
            else:
                print(f"{name} is ready at {address}", flush=True)
                break
    return True


def main() -> int:
    ini_path = os.environ.get("CKAN_INI")
    if not ini_path:
        print("CKAN_INI is not set", file=sys.stderr)
        return 1
    timeout = float(os.environ.get("CQGOV_WAIT_TIMEOUT", "180"))
    return 0 if wait(effective_config(ini_path), timeout) else 1


if __name__ == "__main__":
    sys.exit(main())
