"""Find PostgreSQL and Redis; on Debian/Ubuntu install and start them if absent."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


def log(message: str) -> None:
    print(f"[cqgov] {message}", flush=True)


def is_listening(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_listening(host: str, port: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_listening(host, port):
            return True
        time.sleep(0.5)
    return False


def _privileged(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return cmd
    if shutil.which("sudo"):
        return ["sudo", *cmd]
    raise SystemExit(
        f"cqgov: need root to run {' '.join(cmd)!r}; run it yourself or use sudo"
    )


def apt_install(*packages: str) -> None:
    if not shutil.which("apt-get"):
        raise SystemExit(
            f"cqgov: {', '.join(packages)} missing and this is not a Debian/Ubuntu "
            "system; install them and start them, or point CKAN_SQLALCHEMY_URL / "
            "CKAN_REDIS_URL at running servers"
        )
    log(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(_privileged(["apt-get", "update", "-q"]), check=True, env=env)
    subprocess.run(
        _privileged(["apt-get", "install", "-y", "-q", *packages]), check=True, env=env
    )


def _start_postgres() -> None:
    clusters = sorted(glob.glob("/etc/postgresql/*/main"))
    if clusters and shutil.which("pg_ctlcluster"):
        version = clusters[-1].split("/")[-2]
        subprocess.run(
            _privileged(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
            ),
            check=False,
        )
    elif shutil.which("service"):
        subprocess.run(_privileged(["service", "postgresql", "start"]), check=False)


def ensure_postgres(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if is_listening(host, port):
        return
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"cqgov: PostgreSQL at {host}:{port} does not answer")
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        apt_install("postgresql")
    log("starting PostgreSQL")
    _start_postgres()
    if not wait_listening(host, port):
        raise SystemExit(f"cqgov: PostgreSQL did not start on {host}:{port}")


def ensure_redis(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if is_listening(host, port):
        return
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"cqgov: Redis at {host}:{port} does not answer")
    if not shutil.which("redis-server"):
        apt_install("redis-server")
    log("starting Redis")
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=False,
    )
    if not wait_listening(host, port):
        raise SystemExit(f"cqgov: Redis did not start on {host}:{port}")
