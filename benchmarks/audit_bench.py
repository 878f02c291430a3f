"""Access-log benchmark: what recording costs a download.

Run with::

    .venv/bin/python benchmarks/audit_bench.py [--iterations 500] [--size-kb 100]

It uses its own database (the development database's name + ``_audit_bench``),
builds a provider, a department holding a share grant, one ``conditional``
entry with an uploaded CSV (``audience: share``), and downloads that file
through the real checked download view (CKAN's Flask app, the department
user's API token: policy decision with the grant lookup, file served from
storage) many times:

* **with recording**: the portal as it runs (one INSERT into the access log,
  on its own connection, committed before the file is returned);
* **without recording**: the same view with only the INSERT replaced by a
  no-op (everything else — the decision, the record's values — still runs).

The two variants alternate request by request, so that both see the same
database and cache state. A warm-up precedes the measurement. The table (p50,
p95, mean in milliseconds, and the difference) is printed and written to
``benchmarks/results/audit.md``. It is not a timed test: figures depend on the
machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "tests"))  # the catalog fields the schema requires


def _env() -> dict[str, str]:
    from ckanext.cqgov.bootstrap.__main__ import dev_urls
    from ckanext.cqgov.bootstrap.database import (
        database_name,
        ensure_database,
        with_database,
    )
    from ckanext.cqgov.bootstrap.datastore import default_urls, ensure_datastore
    from ckanext.cqgov.bootstrap.services import ensure_postgres, ensure_redis

    db_url, redis_url = dev_urls()
    bench_url = with_database(db_url, database_name(db_url) + "_audit_bench")
    ensure_postgres(bench_url)
    ensure_redis(redis_url)
    ensure_database(bench_url)
    # the `datastore` plugin is enabled: the benchmark database gets its own
    ds_write, ds_read = default_urls(bench_url, "audit-bench-read")
    ensure_datastore(bench_url, ds_write, ds_read)
    return dict(
        os.environ,
        CKAN_SQLALCHEMY_URL=bench_url,
        CKAN_REDIS_URL=redis_url,
        CKAN_DATASTORE_WRITE_URL=ds_write,
        CKAN_DATASTORE_READ_URL=ds_read,
    )


def _ini() -> Path:
    from ckanext.cqgov.bootstrap.localconfig import write_local_ini

    return write_local_ini(
        ROOT / ".local" / "audit-bench.ini",
        ROOT / "config" / "development.ini",
        {
            "ckan.site_url": "http://127.0.0.1:5098",
            "ckan.storage_path": str(ROOT / ".local" / "audit-bench-storage"),
            "ckan.datastore.write_url": os.environ["CKAN_DATASTORE_WRITE_URL"],
            "ckan.datastore.read_url": os.environ["CKAN_DATASTORE_READ_URL"],
        },
    )


def _setup(size_kb: int) -> tuple[str, str]:
    """(download URL, API token of the granted department's user)."""
    from catalog_defaults import CATALOG_DEFAULTS
    from ckan import model
    from ckan.plugins import toolkit as tk
    from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

    from ckanext.cqgov.access.model import Grant

    site = {
        "ignore_auth": True,
        "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
    }

    def act(action, **data):
        return tk.get_action(action)(dict(site), data)

    suffix = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    user = act(
        "user_create",
        name=f"bench-user-{suffix}",
        email=f"bench-{suffix}@example.gov.cn",
        password="bench-password-2026",
    )
    provider = act(
        "organization_create",
        name=f"bench-provider-{suffix}",
        title="基准测试提供部门",
        org_kind="government",
        level="municipal",
    )
    other = act(
        "organization_create",
        name=f"bench-user-dept-{suffix}",
        title="基准测试使用部门",
        org_kind="government",
        level="municipal",
        users=[{"name": user["name"], "capacity": "member"}],
    )
    package = act(
        "package_create",
        **{
            **CATALOG_DEFAULTS,
            "name": f"bench-entry-{suffix}",
            "title": "访问日志基准测试数据",
            "notes": "访问日志基准测试用的合成数据。",
            "owner_org": provider["id"],
            "share_type": "conditional",
            "open_type": "not_open",
            "catalog_status": "approved",
        },
    )
    rows = ["编号,名称,数值"] + [
        f"{i:08d},记录{i},{i * 7 % 1000}" for i in range(size_kb * 1024 // 28)
    ]
    resource = act(
        "resource_create",
        package_id=package["id"],
        name="原始数据",
        format="CSV",
        audience="share",
        upload=FakeFileStorage(BytesIO("\n".join(rows).encode()), "data.csv"),
    )
    now = dt.datetime.now(dt.timezone.utc)
    model.Session.add(
        Grant(
            kind="share",
            package_id=package["id"],
            owner_org=provider["id"],
            grantee_id=other["id"],
            purpose="基准测试",
            valid_from=now - dt.timedelta(days=1),
            valid_until=now + dt.timedelta(days=30),
            created=now,
        )
    )
    model.Session.commit()
    token = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": user["name"]}, {"user": user["name"], "name": "b"}
    )["token"]
    url = f"/dataset/{package['name']}/resource/{resource['id']}/download/data.csv"
    return url, token


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client, url: str, token: str, iterations: int, warmup: int) -> dict:
    from ckanext.cqgov.access import audit

    original = audit._insert
    inserts: list[float] = []

    def recording(values):
        start = time.perf_counter()
        original(values)
        inserts.append((time.perf_counter() - start) * 1000)

    def no_op(values):
        return None

    samples: dict[str, list[float]] = {"with recording": [], "without recording": []}
    headers = {"Authorization": token}
    for i in range(warmup + 2 * iterations):
        variant = "with recording" if i % 2 == 0 else "without recording"
        audit._insert = recording if variant == "with recording" else no_op
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        body = response.get_data()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or not body:
            raise SystemExit(f"download failed: {response.status_code}")
        if i >= warmup:
            samples[variant].append(elapsed)
    audit._insert = original
    samples["the INSERT alone"] = inserts[warmup // 2 + warmup % 2 :]
    return samples


def report(samples: dict, info: dict) -> str:
    rows = []
    stats = {}
    insert = samples.pop("the INSERT alone")
    for variant, values in samples.items():
        stats[variant] = (
            statistics.median(values),
            _percentile(values, 0.95),
            statistics.fmean(values),
        )
        p50, p95, mean = stats[variant]
        rows.append(f"| {variant} | {p50:.2f} | {p95:.2f} | {mean:.2f} |")
    on, off = stats["with recording"], stats["without recording"]
    diff = [a - b for a, b in zip(on, off, strict=True)]
    pct = [100 * d / b if b else 0.0 for d, b in zip(diff, off, strict=True)]
    rows.append(
        f"| difference | {diff[0]:+.2f} ({pct[0]:+.1f} %) | "
        f"{diff[1]:+.2f} ({pct[1]:+.1f} %) | {diff[2]:+.2f} ({pct[2]:+.1f} %) |"
    )
    rows.append(
        f"| the INSERT alone (timed inside the view) | "
        f"{statistics.median(insert):.2f} | {_percentile(insert, 0.95):.2f} | "
        f"{statistics.fmean(insert):.2f} |"
    )
    lines = [
        "# Access log: cost of recording a download",
        "",
        f"Measured {info['date']} on {info['machine']} (Python {info['python']}), "
        f"{info['iterations']} downloads per variant after {info['warmup']} warm-up "
        f"requests, alternating; file {info['size_kb']} KB (uploaded CSV, "
        "`audience: share`, `conditional` entry), downloaded by a department user "
        "holding a share grant, through CKAN's Flask app (in-process client: no "
        "network) with the user's API token.",
        "",
        '"Without recording" is the same checked view with only the INSERT into '
        "`cqgov_access_log` replaced by a no-op. The difference of two noisy "
        "distributions can come out below the cost of the INSERT, even negative; "
        "the last row times the INSERT itself (own pooled connection, BEGIN, "
        "INSERT, COMMIT) during the recorded downloads.",
        "",
        "| variant | p50 ms | p95 ms | mean ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Records written during the run: {info['records']}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/audit_bench.py "
        f"--iterations {info['iterations']} --size-kb {info['size_kb']}`.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--size-kb", type=int, default=100)
    args = parser.parse_args(argv)

    env = _env()
    os.environ.update(env)
    ini = _ini()
    from ckanext.cqgov.bootstrap import portal

    portal.migrate(ini, env)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    flask_app = app._wsgi_app
    # CKAN logs every request at INFO; that would be measured too
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)
    with flask_app.test_request_context():
        url, token = _setup(args.size_kb)
    from ckan import model

    from ckanext.cqgov.access.model import AccessRecord

    before = model.Session.query(AccessRecord).count()
    model.Session.remove()
    print(f"measuring {args.iterations} downloads per variant …", flush=True)
    samples = measure(flask_app.test_client(), url, token, args.iterations, args.warmup)
    records = model.Session.query(AccessRecord).count() - before
    info = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "iterations": args.iterations,
        "warmup": args.warmup,
        "size_kb": args.size_kb,
        "records": records,
    }
    text = report(samples, info)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "audit.md"
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
