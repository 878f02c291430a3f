"""Prepare a CKAN database for the portal and run its processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .services import log, wait_listening

BIN = Path(sys.executable).parent


def ckan(ini: Path, *args: str, env: dict[str, str] | None = None, quiet: bool = False):
    """Run one `ckan -c INI ...` command; fail loudly."""
    cmd = [str(BIN / "ckan"), "-c", str(ini), *args]
    result = subprocess.run(
        cmd,
        env=env,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
    )
    if result.returncode:
        if quiet and result.stdout:
            sys.stderr.write(result.stdout)
        raise SystemExit(f"cqgov: `ckan {' '.join(args)}` failed ({result.returncode})")
    return result.stdout


def migrate(ini: Path, env: dict[str, str] | None = None) -> None:
    """CKAN core tables and every enabled plugin's migrations."""
    ckan(ini, "db", "upgrade", env=env, quiet=True)


def prepare(ini: Path, env: dict[str, str] | None = None, demo: bool = True) -> str:
    """Migrate, ensure the sysadmin (printing its login and a token), load the
    demo catalog. Returns the sysadmin lines."""
    log("migrating the database")
    migrate(ini, env)
    admin = ckan(ini, "cqgov", "sysadmin", env=env, quiet=True)
    admin_lines = "\n".join(
        line for line in admin.splitlines() if line.startswith("sysadmin ")
    )
    if demo:
        log("loading the demo catalog")
        ckan(ini, "cqgov", "demo", "load", env=env)
    return admin_lines


class Processes:
    """The portal's processes: web server, job worker, scheduler, local mail
    catcher."""

    def __init__(self) -> None:
        self.children: list[subprocess.Popen] = []

    def start(
        self, *cmd: str, env: dict[str, str] | None = None, **kw
    ) -> subprocess.Popen:
        child = subprocess.Popen(list(cmd), env=env, **kw)
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in self.children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def wait_any(self) -> int:
        while True:
            for child in self.children:
                code = child.poll()
                if code is not None:
                    return code
            time.sleep(0.5)


def start_portal(
    ini: Path,
    host: str,
    port: int,
    env: dict[str, str] | None = None,
    smtp_port: int | None = None,
    **popen_kw,
) -> Processes:
    procs = Processes()
    if smtp_port:
        procs.start(
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{smtp_port}",
            env=env,
            **popen_kw,
        )
    procs.start(
        str(BIN / "ckan"),
        "-c",
        str(ini),
        "jobs",
        "worker",
        "default",
        env=env,
        **popen_kw,
    )
    procs.start(
        str(BIN / "ckan"),
        "-c",
        str(ini),
        "cqgov",
        "periodic",
        "loop",
        env=env,
        **popen_kw,
    )
    procs.start(
        str(BIN / "ckan"),
        "-c",
        str(ini),
        "run",
        "-H",
        host,
        "-p",
        str(port),
        "--disable-reloader",
        "--threaded",
        env=env,
        **popen_kw,
    )
    if not wait_listening(host, port, seconds=90):
        procs.stop()
        raise SystemExit(f"cqgov: the web server did not start on {host}:{port}")
    return procs


def serve(ini: Path, host: str, port: int, env: dict[str, str], banner: str) -> int:
    procs = start_portal(ini, host, port, env=env, smtp_port=8025)
    print(banner, flush=True)
    try:
        code = procs.wait_any()
        log(f"a portal process exited ({code}); stopping the others")
        return code or 1
    except KeyboardInterrupt:
        log("stopping")
        return 0
    finally:
        # A second Ctrl-C while the children shut down must not leave them behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        procs.stop()


os.environ.setdefault("PYTHONUNBUFFERED", "1")
