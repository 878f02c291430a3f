"""Search benchmark: a catalog of realistic Chinese metadata, then
``package_search`` timings in-process and over HTTP.

Run with ``make bench`` (``BENCH_ARGS="--datasets 100000"`` by default), or::

    .venv/bin/python benchmarks/search_bench.py --datasets 100000

It uses its own database (the development database's name + ``_bench``) and
keeps it between runs: a second run with the same ``--datasets`` reuses the
catalog (``--rebuild-catalog`` starts over).

The catalog: 36 organizations (municipal departments and district
governments), ``--real`` datasets created through ``package_create`` (real
database rows; each run times ``ckan search-index rebuild`` and ``ckan
search-index rebuild-fast`` over them, the commands a user runs for a full
rebuild, unless ``--no-rebuild``) and the rest indexed in bulk through CKAN's
index path: ``PackageSearchIndex.index_package`` (validation, the ``cqgov`` plugin's
segmented fields, the backend's document builder) with writes batched 1,000
at a time. They have no database rows, so ``package_show`` is not part of
that path, and their permission labels are CKAN's defaults. ``--unique N``
indexes only N of them that way and fills the rest with SQL copies (quick
runs only). 20 % of the datasets are private; five facet fields
(organization, tags, res_format, share_type, update_cycle).

Query shapes (anonymous unless said): keyword + 4 facets; keyword + fq;
``*:*`` with 4 facets only; ``*:*`` sorted by ``metadata_modified``; deep
paging (``start=5000``); keyword + 4 facets as a member of one organization
(that organization's permission labels); ``package_autocomplete`` of a keyword
(in-process only). For reference, the same keywords as
a naive ``ILIKE`` scan over title and description of the same rows.

The table (p50 / p95 / max in milliseconds per shape) is printed and written
to ``benchmarks/results/search-<datasets>.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from ckanext.cqgov.search import chinese

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

DEPARTMENTS = [
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "规划和自然资源局",
    "生态环境局",
    "住房和城乡建设委员会",
    "城市管理局",
    "交通运输委员会",
    "水利局",
    "农业农村委员会",
    "商务委员会",
    "文化和旅游发展委员会",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "大数据发展局",
    "教育委员会",
    "林业局",
    "体育局",
    "退役军人事务局",
    "税务局",
]
# topic, tags, typical data items
TOPICS = [
    ("公共停车场", ["停车", "交通"], ["停车场名称", "泊位数量", "收费标准"]),
    ("医疗机构", ["卫生", "医疗"], ["机构名称", "机构等级", "床位数"]),
    ("定点医院", ["医保", "医疗"], ["医院名称", "医院等级", "地址"]),
    ("中小学校", ["教育"], ["学校名称", "办学类型", "在校生人数"]),
    ("幼儿园", ["教育"], ["园所名称", "办园等级"]),
    ("公交线路", ["交通", "公交"], ["线路名称", "首班时间", "末班时间"]),
    ("轨道交通站点", ["交通"], ["站点名称", "所属线路"]),
    ("空气质量监测", ["环境"], ["监测点位", "PM2.5浓度", "AQI"]),
    ("水质监测断面", ["环境", "水务"], ["断面名称", "水质类别"]),
    ("养老机构", ["民政", "养老"], ["机构名称", "床位数", "收费标准"]),
    ("最低生活保障对象", ["民政", "低保"], ["保障人数", "保障金额"]),
    ("企业登记信息", ["市场监管"], ["企业名称", "统一社会信用代码", "成立日期"]),
    ("营业执照", ["市场监管"], ["主体名称", "登记机关"]),
    ("食品经营许可", ["食品安全"], ["许可证编号", "经营者名称"]),
    ("不动产登记", ["自然资源"], ["登记类型", "办结时限"]),
    ("住房公积金缴存", ["住房", "公积金"], ["缴存人数", "缴存金额"]),
    ("社会保险参保", ["社保"], ["参保人数", "险种"]),
    ("城乡居民医疗保险", ["医保"], ["参保人数", "筹资标准"]),
    ("充电设施", ["交通", "能源"], ["站点名称", "充电桩数量"]),
    ("旅游景区", ["旅游"], ["景区名称", "景区等级"]),
    ("道路交通事故", ["交通", "安全"], ["事故起数", "伤亡人数"]),
    ("行政许可", ["政务服务"], ["许可事项", "办理时限"]),
    ("行政处罚", ["执法"], ["处罚事由", "处罚结果"]),
    ("常住人口", ["统计", "人口"], ["常住人口数", "城镇化率"]),
    ("地区生产总值", ["统计", "经济"], ["GDP", "增速"]),
    ("降雨量监测", ["气象", "水务"], ["站点", "降雨量"]),
    ("林地资源", ["林业"], ["林地面积", "森林覆盖率"]),
    ("体育场馆", ["体育"], ["场馆名称", "开放时间"]),
    ("政务服务事项", ["政务服务", "渝快办"], ["事项名称", "承诺时限"]),
    ("农产品价格", ["农业"], ["品种", "价格"]),
]
SUFFIXES = ["信息", "名录", "统计", "数据", "年报", "月报", "明细", "分布", "目录"]
FORMATS = ["CSV", "XLSX", "JSON", "API", "PDF"]
SHARE = ["unconditional", "conditional", "not_shared"]
CYCLES = ["real_time", "daily", "weekly", "monthly", "quarterly", "yearly"]
KEYWORDS = [
    "停车场",
    "医院",
    "渝中区 停车场",
    "空气质量",
    "营业执照",
    "公交",
    "养老机构",
    "社保",
    "学校",
    "PM2.5 监测",
    "醫療機構",
    "不动产登记",
    "充电桩",
    "江北区 幼儿园",
    "旅游景区",
    "公积金",
]
FACETS = ["organization", "tags", "res_format", "share_type"]


# ---------------------------------------------------------------- set-up


BENCH_INI = ROOT / ".local" / "bench.ini"


def _env() -> dict[str, str]:
    from ckanext.cqgov.bootstrap.__main__ import datastore_env, dev_urls
    from ckanext.cqgov.bootstrap.database import (
        database_name,
        ensure_database,
        with_database,
    )
    from ckanext.cqgov.bootstrap.datastore import (
        default_urls,
        ensure_datastore,
        new_password,
        role_of,
    )
    from ckanext.cqgov.bootstrap.localconfig import existing_option
    from ckanext.cqgov.bootstrap.services import ensure_postgres, ensure_redis

    db_url, redis_url = dev_urls()
    bench_url = with_database(db_url, database_name(db_url) + "_bench")
    ensure_postgres(bench_url)
    ensure_redis(redis_url)
    ensure_database(bench_url)
    # the bench database's own DataStore (the portal loads the datastore plugin)
    kept = existing_option(BENCH_INI, "ckan.datastore.read_url")
    password = (role_of(kept)[1] if kept else "") or new_password()
    ds_write, ds_read = default_urls(bench_url, password)
    ensure_datastore(bench_url, ds_write, ds_read)
    return dict(
        os.environ,
        CKAN_SQLALCHEMY_URL=bench_url,
        CKAN_REDIS_URL=redis_url,
        **datastore_env(ds_write, ds_read),
    )


def _ini(env: dict[str, str]) -> Path:
    from ckanext.cqgov.bootstrap.localconfig import write_local_ini

    return write_local_ini(
        BENCH_INI,
        ROOT / "config" / "development.ini",
        {
            "ckan.site_url": "http://127.0.0.1:5099",
            "ckan.tracking_enabled": "false",
            "ckan.datastore.write_url": env["CKAN_DATASTORE_WRITE_URL"],
            "ckan.datastore.read_url": env["CKAN_DATASTORE_READ_URL"],
        },
    )


def _load_ckan(ini: Path):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    return app._wsgi_app.test_request_context()


# ---------------------------------------------------------------- catalog


def _org_titles() -> list[tuple[str, str]]:
    orgs = [(f"cq-dept-{i:02d}", "重庆市" + d) for i, d in enumerate(DEPARTMENTS)]
    orgs += [
        (f"cq-district-{i:02d}", d + "人民政府")
        for i, d in enumerate(chinese.CHONGQING_DISTRICTS)
    ]
    return orgs[:36]


def _dataset(rng: random.Random, i: int, org: dict, now: dt.datetime) -> dict:
    topic, tags, items = rng.choice(TOPICS)
    district = rng.choice(chinese.CHONGQING_DISTRICTS)
    year = rng.randint(2015, 2025)
    title = f"{district}{topic}{rng.choice(SUFFIXES)}"
    if rng.random() < 0.3:
        title = f"{year}年{title}"
    notes = (
        f"{org['title']}发布的{district}{topic}数据，包括"
        + "、".join(items)
        + f"等信息项，按{rng.choice(['月', '季度', '年'])}更新。"
    )
    modified = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
    fmt = rng.sample(FORMATS, rng.randint(1, 2))
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "name": f"bench-{i:06d}",
        "title": title,
        "notes": notes,
        "type": "dataset",
        "state": "active",
        "private": rng.random() < 0.2,
        "owner_org": org["id"],
        "organization": org,
        "tags": [
            {"name": t, "display_name": t, "state": "active"}
            for t in dict.fromkeys([*tags, rng.choice(["开放数据", "共享", district])])
        ],
        "resources": [
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "name": f"{topic}{f}",
                "description": f"{district}{topic}（{f}格式）",
                "format": f,
                "url": f"http://data.example.gov.cn/{i}/{n}.{f.lower()}",
                "audience": "open",
            }
            for n, f in enumerate(fmt)
        ],
        "num_resources": len(fmt),
        "num_tags": len(tags),
        "resource_category": "departmental",
        "share_type": rng.choice(SHARE),
        "open_type": rng.choice(["proactive", "on_application", "not_open"]),
        "update_cycle": rng.choice(CYCLES),
        "data_items": [
            {
                "name": n,
                "data_type": "C",
                "length": "50",
                "description": n,
                "sensitive_category": "none",
            }
            for n in items
        ],
        # the catalog fields the dataset schema requires (conditions and bases
        # filled in so that every share / open type validates)
        "share_condition": "仅限政务部门履行法定职责使用",
        "share_basis": "《政务信息资源共享管理暂行办法》",
        "open_condition": "实名注册并说明用途",
        "open_basis": "《公共数据开放管理办法》",
        "format_type": "spreadsheet",
        "format_subtype": "csv",
        "share_method": "platform_api",
        "metadata_created": modified.isoformat(),
        "metadata_modified": modified.isoformat(),
        "license_id": "cc-by",
        "groups": [],
        "extras": [],
    }


class _Collector:
    """Stands in for the engine connection during bulk indexing: keeps the
    documents ``index_package`` builds and writes them 1,000 at a time."""

    def __init__(self, labels_by_id: dict[str, list[str]]):
        from ckanext.cqgov.search.client import PgSolrClient

        self.client = PgSolrClient()
        self.pending: list[dict] = []
        self.labels_by_id = labels_by_id

    def add(self, docs, commit=None, **_):
        for doc in docs:
            # index_package looks the labels up on the database row, which
            # bulk-built datasets do not have; CKAN's default labels:
            doc["permission_labels"] = self.labels_by_id[doc["id"]]
            self.pending.append(doc)
        if len(self.pending) >= 1000:
            self.flush()

    def flush(self):
        if self.pending:
            self.client.add(self.pending)
            self.pending = []


def build_catalog(total: int, real: int, unique: int, seed: int) -> dict:
    import ckan.lib.search as search
    import ckan.lib.search.index as search_index
    from ckan import model
    from ckan.logic import get_action

    from ckanext.cqgov.search import chinese

    chinese.warm_up()
    rng = random.Random(seed)
    admin = _user("bench-admin", sysadmin=True)
    member = _user("bench-member")
    context = lambda: {"user": admin, "ignore_auth": True}  # noqa: E731
    search.clear_all()
    orgs = []
    for name, title in _org_titles():
        existing = model.Group.get(name)
        if existing is None:
            orgs.append(
                get_action("organization_create")(
                    context(), {"name": name, "title": title}
                )
            )
        else:
            orgs.append(get_action("organization_show")(context(), {"id": name}))
    get_action("organization_member_create")(
        context(), {"id": orgs[0]["id"], "username": member, "role": "member"}
    )
    for pkg in model.Session.query(model.Package).filter(
        model.Package.name.like("bench-%")
    ):
        pkg.purge()
    model.repo.commit_and_remove()

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    print(f"creating {real} datasets through package_create …", flush=True)
    started = time.perf_counter()
    for i in range(real):
        data = _dataset(rng, i, rng.choice(orgs), now)
        for key in ("id", "organization", "metadata_created", "metadata_modified"):
            data.pop(key)
        get_action("package_create")(context(), data)
    created = time.perf_counter() - started

    print("re-indexing them with search-index rebuild …", flush=True)
    ids = [
        row.id
        for row in model.Session.query(model.Package.id).filter(
            model.Package.name.like("bench-%")
        )
    ]
    started = time.perf_counter()
    search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
    rebuild_seconds = time.perf_counter() - started

    bulk = total - real
    print(f"indexing {bulk} datasets in bulk through index_package …", flush=True)
    labels: dict[str, list[str]] = {}
    collector = _Collector(labels)
    index = search_index.PackageSearchIndex()
    started = time.perf_counter()
    with _patched(search_index, "make_connection", lambda *a, **k: collector):
        for i in range(real, total):
            data = _dataset(rng, i, rng.choice(orgs), now)
            labels[data["id"]] = (
                [f"member-{data['owner_org']}"] if data["private"] else ["public"]
            )
            index.index_package(data, defer_commit=True)
            if (i - real) % 10000 == 9999:
                print(f"  {i - real + 1} …", flush=True)
            if i + 1 >= real + unique:
                break
        collector.flush()
    bulk_seconds = time.perf_counter() - started
    bulk = min(bulk, unique)
    copies = _replicate(total)
    # what the rebuild commands end with (the GIN pending lists merged)
    search.commit()
    _analyze()
    return {
        "datasets": total,
        "real": real,
        "create_per_s": real / created if created else 0,
        "build_rebuild_per_s": real / rebuild_seconds if rebuild_seconds else 0,
        "bulk_per_s": bulk / bulk_seconds if bulk_seconds else 0,
        "organizations": len(orgs),
        "unique": real + bulk,
        "copies": copies,
    }


def _replicate(total: int) -> int:
    """Fill the index up to ``total`` rows with copies of the documents built
    through the index path (new ids and names, modification times spread):
    the same tokens, organizations, labels and facet values, at scale."""
    from ckan import model

    with model.meta.engine.begin() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM cqgov_search_doc").scalar()
        made = 0
        round_ = 1
        while have + made < total:
            batch = min(have, total - have - made)
            conn.exec_driver_sql(
                f"""
                INSERT INTO cqgov_search_doc (index_id, id, site_id, name,
                    entity_type, state, dataset_type, capacity, permission_labels,
                    metadata_created, metadata_modified, title_string, fields,
                    stored, tsv, zh)
                SELECT md5(index_id || '-{round_}'), md5(id || '-{round_}'), site_id,
                    name || '-{round_}', entity_type, state, dataset_type, capacity,
                    permission_labels, metadata_created,
                    metadata_modified - interval '{round_} hours', title_string,
                    fields, stored, tsv, zh
                FROM cqgov_search_doc WHERE name NOT LIKE %(copy)s
                ORDER BY index_id LIMIT {batch}
                """,
                {"copy": "%-%-%"},
            )
            made += batch
            round_ += 1
    return made


@contextlib.contextmanager
def _patched(module, name, value):
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


def _user(name: str, sysadmin: bool = False) -> str:
    from ckan import model

    user = model.User.get(name)
    if user is None:
        user = model.User(
            name=name, email=f"{name}@example.gov.cn", password=uuid.uuid4().hex
        )
        model.Session.add(user)
    user.sysadmin = sysadmin
    model.repo.commit_and_remove()
    return name


def _analyze() -> None:
    from ckan import model

    with model.meta.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE cqgov_search_doc")


def _count() -> int:
    from ckan import model

    with model.meta.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM cqgov_search_doc").scalar()


# ---------------------------------------------------------------- rebuild


def _ckan_cli(ini: Path, env: dict, *args: str) -> float:
    """Run ``ckan -c <ini> <args>``; its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "ckan"), "-c", str(ini), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def measure_rebuild(ini: Path, env: dict) -> dict:
    """What a user runs to rebuild the whole index: ``ckan search-index
    rebuild`` and ``ckan search-index rebuild-fast`` (both one process per
    CPU, the first by ``ckanext.cqgov.search.rebuild_processes``), over every
    dataset with database rows (the ``--real`` ones). The rate leaves out the
    command's start-up (loading CKAN and its plugins), measured as the time of
    ``ckan search-index show`` of one dataset."""
    from ckan import model

    with model.meta.engine.connect() as conn:
        datasets = conn.exec_driver_sql(
            "SELECT count(*) FROM package WHERE state = 'active'"
        ).scalar()
        one = conn.exec_driver_sql(
            "SELECT name FROM package WHERE state = 'active' LIMIT 1"
        ).scalar()
    if not datasets:
        return {}
    print(f"timing search-index rebuild / rebuild-fast of {datasets} datasets …")
    start_up = min(_ckan_cli(ini, env, "search-index", "show", one) for _ in range(2))
    out: dict = {"rebuild_datasets": datasets, "start_up_s": start_up}
    load = []
    for key, command in (
        ("rebuild", ["rebuild", "-q"]),
        ("rebuild_fast", ["rebuild-fast"]),
    ):
        load.append(os.getloadavg()[0])
        seconds = _ckan_cli(ini, env, "search-index", *command)
        out[f"{key}_s"] = seconds
        out[f"{key}_per_s"] = datasets / max(seconds - start_up, 1e-9)
    out["rebuild_load"] = load
    return out


# ---------------------------------------------------------------- queries


def shapes(
    rng: random.Random, member_org: str
) -> list[tuple[str, str | None, callable]]:
    """(label, user, parameters factory) per query shape."""
    facet = {"facet.field": json.dumps(FACETS), "rows": 20}
    return [
        ("keyword + 4 facets", None, lambda: {"q": rng.choice(KEYWORDS), **facet}),
        (
            "keyword + fq",
            None,
            lambda: {
                "q": rng.choice(KEYWORDS),
                "fq": f"share_type:{rng.choice(SHARE)}",
                "rows": 20,
            },
        ),
        ("*:* + 4 facets only", None, lambda: {"q": "*:*", **facet, "rows": 0}),
        (
            "sort metadata_modified",
            None,
            lambda: {"q": "*:*", "sort": "metadata_modified desc", "rows": 20},
        ),
        ("start=5000", None, lambda: {"q": "*:*", "start": 5000, "rows": 20}),
        (
            "member of 1 org: keyword + 4 facets",
            "bench-member",
            lambda: {"q": rng.choice(KEYWORDS), **facet, "include_private": True},
        ),
    ]


# untimed searches per shape first: every keyword at least once, so that the
# rows they match are in memory as on a server in use (the rebuild timing just
# before may have pushed them out)
WARM_UP = len(KEYWORDS) + 3


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95, ordered[-1]


def _timed(iterations: int, make, run) -> tuple[float, float, float]:
    """p50 / p95 / max milliseconds of ``run(make())`` (only ``run`` timed)
    over ``iterations`` calls, after :data:`WARM_UP` untimed ones."""
    samples = []
    for i in range(iterations + WARM_UP):
        argument = make()
        started = time.perf_counter()
        run(argument)
        elapsed = (time.perf_counter() - started) * 1000
        if i >= WARM_UP:
            samples.append(elapsed)
    return _percentiles(samples)


def run_in_process(iterations: int, seed: int) -> dict[str, tuple]:
    from ckan.logic import get_action

    rng = random.Random(seed)
    out = {}
    search = get_action("package_search")
    for label, user, params in shapes(rng, "cq-dept-00"):

        def run(data_dict, user=user):
            assert search({"user": user or ""}, data_dict)["count"] >= 0

        out[label] = _timed(iterations, params, run)
    # the search box's autocomplete: a keyword as a title substring (in
    # traditional characters too: a second query) through package_autocomplete
    autocomplete = get_action("package_autocomplete")
    out["package_autocomplete (title substring)"] = _timed(
        iterations,
        lambda: {"q": rng.choice(KEYWORDS).replace(" ", "")},
        lambda data_dict: autocomplete({"user": ""}, data_dict),
    )
    return out


def run_ilike(iterations: int, seed: int) -> tuple:
    """The naive reference: keyword as substring of title or description,
    public rows, newest first, with the match count."""
    from ckan import model

    rng = random.Random(seed)
    sql = """
        SELECT stored ->> 'name', count(*) OVER ()
        FROM cqgov_search_doc
        WHERE capacity = 'public' AND state = 'active'
          AND (stored ->> 'title' ILIKE %(p)s OR stored ->> 'notes' ILIKE %(p)s)
        ORDER BY metadata_modified DESC LIMIT 20
    """
    with model.meta.engine.connect() as conn:
        return _timed(
            iterations,
            lambda: {"p": "%" + rng.choice(KEYWORDS).split()[0] + "%"},
            lambda binds: conn.exec_driver_sql(sql, binds).fetchall(),
        )


def run_http(ini: Path, env: dict, iterations: int, seed: int) -> dict[str, tuple]:
    import requests
    from ckan.logic import get_action

    token = get_action("api_token_create")(
        {"user": "bench-member", "ignore_auth": True},
        {"user": "bench-member", "name": "bench"},
    )["token"]
    port = 5099
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ckan"),
            "-c",
            str(ini),
            "run",
            "-H",
            "127.0.0.1",
            "-p",
            str(port),
            "-r",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/3/action/package_search"
    try:
        for _ in range(120):
            with contextlib.suppress(requests.RequestException):
                if requests.get(base, params={"rows": 0}, timeout=5).ok:
                    break
            time.sleep(1)
        rng = random.Random(seed)
        out = {}
        session = requests.Session()
        for label, user, params in shapes(rng, "cq-dept-00"):
            headers = {"Authorization": token} if user else {}

            def run(query, headers=headers):
                session.get(base, params=query, headers=headers).raise_for_status()

            out[label] = _timed(iterations, params, run)
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


# ---------------------------------------------------------------- report


def report(info: dict, inproc: dict, http: dict | None, ilike: tuple) -> str:
    lines = [
        f"# Search benchmark: {info['datasets']:,} datasets",
        "",
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"CPUs: {os.cpu_count()}, iterations per shape: {info['iterations']}",
        f"- organizations: {info.get('organizations', '?')}; datasets through "
        f"package_create: {info.get('real', '?')}; built one by one through "
        f"index_package: {info.get('unique', '?')}; copies of those with new ids: "
        f"{info.get('copies', '?')}",
    ]
    if "load_before" in info:
        lines.append(
            "- load average (1, 5, 15 min) when measuring started: "
            + ", ".join(f"{v:.2f}" for v in info["load_before"])
            + "; when it ended: "
            + ", ".join(f"{v:.2f}" for v in info["load_after"])
            + " (the machine is shared: compare with the ILIKE reference "
            "measured in the same run)"
        )
    if "bulk_per_s" in info:
        lines += [
            f"- catalog build: in-process search.rebuild of the package_create "
            f"datasets: {info['build_rebuild_per_s']:.0f} datasets/s; "
            f"bulk index_package: {info['bulk_per_s']:.0f} datasets/s; "
            f"package_create: {info['create_per_s']:.0f} datasets/s",
        ]
    if "rebuild_fast_per_s" in info:
        lines += [
            f"- full rebuild of the {info['rebuild_datasets']} datasets with "
            f"database rows, command wall time less start-up "
            f"({info['start_up_s']:.1f} s): `ckan search-index rebuild` "
            f"({os.cpu_count()} processes): {info['rebuild_per_s']:.0f} datasets/s "
            f"({info['rebuild_s']:.1f} s); `ckan search-index rebuild-fast` "
            f"({os.cpu_count()} processes): {info['rebuild_fast_per_s']:.0f} "
            f"datasets/s ({info['rebuild_fast_s']:.1f} s); 1-min load average "
            "at their start: " + ", ".join(f"{v:.2f}" for v in info["rebuild_load"]),
        ]
    lines += [
        "",
        "| query shape | in-process p50 | p95 | max | HTTP p50 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, (p50, p95, top) in inproc.items():
        h = http.get(label) if http else None
        hp = " | ".join(f"{v:.1f}" for v in h) if h else "– | – | –"
        lines.append(f"| {label} | {p50:.1f} | {p95:.1f} | {top:.1f} | {hp} |")
    kw = inproc["keyword + 4 facets"][0]
    lines += [
        f"| naive ILIKE scan (reference) | {ilike[0]:.1f} | {ilike[1]:.1f} | "
        f"{ilike[2]:.1f} | | | |",
        "",
        f"Milliseconds. Naive ILIKE p50 / keyword + 4 facets p50 = "
        f"{ilike[0] / kw:.1f}x (the ILIKE scan counts nothing per facet: it "
        "is a floor for any unindexed approach, not the same work).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=1000)
    parser.add_argument(
        "--unique",
        type=int,
        default=None,
        help="datasets indexed one by one through index_package (default: all "
        "of --datasets); the rest are SQL copies of them with new ids, a "
        "shortcut for quick runs",
    )
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--rebuild-catalog", action="store_true")
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="skip timing ckan search-index rebuild / rebuild-fast",
    )
    args = parser.parse_args(argv)

    env = _env()
    os.environ.update(env)
    ini = _ini(env)
    from ckanext.cqgov.bootstrap import portal

    portal.migrate(ini, env)
    with _load_ckan(ini):
        info: dict = {"datasets": args.datasets, "iterations": args.iterations}
        if args.rebuild_catalog or _count() != args.datasets:
            unique = args.datasets if args.unique is None else args.unique
            info.update(build_catalog(args.datasets, args.real, unique, args.seed))
        else:
            print("reusing the catalog already indexed", flush=True)
        if not args.no_rebuild:
            info.update(measure_rebuild(ini, env))
        print("measuring …", flush=True)
        info["load_before"] = os.getloadavg()
        inproc = run_in_process(args.iterations, args.seed)
        ilike = run_ilike(args.iterations, args.seed)
        http = None if args.no_http else run_http(ini, env, args.iterations, args.seed)
        info["load_after"] = os.getloadavg()
    text = report(info, inproc, http, ilike)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"search-{args.datasets}.md"
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
