"""Find PostgreSQL and Redis; on Debian/Ubuntu install and start them if absent."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
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


def _ensure_service(
    name: str,
    url: str,
    default_port: int,
    installed: Callable[[], bool],
    package: str,
    start: Callable[[int], None],
) -> None:
    """Answering at the URL's address, or local: installed (apt) and started."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    if is_listening(host, port):
        return
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"cqgov: {name} at {host}:{port} does not answer")
    if not installed():
        apt_install(package)
    log(f"starting {name}")
    start(port)
    if not wait_listening(host, port):
        raise SystemExit(f"cqgov: {name} did not start on {host}:{port}")


def _start_redis(port: int) -> None:
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


def ensure_postgres(url: str) -> None:
    _ensure_service(
        "PostgreSQL",
        url,
        5432,
        lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/postgres")),
        "postgresql",
        lambda _port: _start_postgres(),
    )


def ensure_redis(url: str) -> None:
    _ensure_service(
        "Redis",
        url,
        6379,
        lambda: bool(shutil.which("redis-server")),
        "redis-server",
        _start_redis,
    )
