"""Static consistency checks of the production deployment (config/ and docker/).

No Docker engine, database or network is needed: the files are parsed and compared
with each other and with what CKAN and the installed plugins actually provide.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "docker-compose.yml"
DOCKERFILE = DOCKER / "Dockerfile"
ENTRYPOINT = DOCKER / "entrypoint.sh"
WAIT_SCRIPT = DOCKER / "wait_for_services.py"
WSGI = DOCKER / "wsgi.py"
ENV_EXAMPLE = DOCKER / ".env.example"
DOCKERIGNORE = DOCKER / "Dockerfile.dockerignore"

# Where the Dockerfile puts the repository inside the image.
APP_DIR = "/srv/app/cqgov"
PGSEARCH = "cqgov_pgsearch"
CKAN_SERVICES = ("ckan", "worker", "scheduler")
SECRET_OPTIONS = (
    "SECRET_KEY",
    "beaker.session.secret",
    "WTF_CSRF_SECRET_KEY",
    "api_token.jwt.encode.secret",
    "api_token.jwt.decode.secret",
)


# --------------------------------------------------------------------- helpers


def raw_ini(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=True)
    parser.optionxform = str  # keep case, as CKAN does
    with open(CONFIG / name, encoding="utf-8") as f:
        parser.read_file(f)
    return parser


def plugins_of(name: str) -> list[str]:
    return raw_ini(name).get("app:main", "ckan.plugins").split()


def load_with_ckan(name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The ini file as CKAN's own loader reads it, without CKAN_* overrides."""
    from ckan.cli import CKANConfigLoader

    for var in list(os.environ):
        if var.startswith("CKAN_"):
            monkeypatch.delenv(var)
    return CKANConfigLoader(str(CONFIG / name)).get_config()


@pytest.fixture(scope="module")
def compose() -> dict:
    with open(COMPOSE, encoding="utf-8") as f:
        return yaml.safe_load(f)  # resolves the << merge keys


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Join continuation lines so every instruction is one line.
    return re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))


def dockerfile_stages(text: str) -> list[list[str]]:
    """The Dockerfile's instructions, one list per build stage (comments dropped)."""
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def service_env(compose: dict, service: str) -> dict[str, str]:
    env = compose["services"][service].get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def command_of(compose: dict, service: str) -> list[str]:
    command = compose["services"][service].get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def env_names_read_by_entrypoint() -> set[str]:
    shell = ENTRYPOINT.read_text(encoding="utf-8")
    names = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", shell))
    python = WAIT_SCRIPT.read_text(encoding="utf-8")
    names |= set(
        re.findall(r"os\.environ(?:\.get)?[\(\[]\"([A-Z][A-Z0-9_]*)\"", python)
    )
    return names


def env_names_read_by_ckan() -> set[str]:
    from ckan.config.environment import CONFIG_FROM_ENV_VARS

    # CKAN_INI is read by ckan.cli.load_config (the `ckan` command and wsgi.py).
    return set(CONFIG_FROM_ENV_VARS.values()) | {"CKAN_INI"}


def interpolated_names(text: str) -> set[str]:
    """Variables compose substitutes from docker/.env (``${NAME...}``)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def installed_plugins() -> set[str]:
    return {ep.name for ep in entry_points(group="ckan.plugins")}


# ------------------------------------------------------------ plugin lists


def test_production_enables_exactly_the_common_plugins():
    assert plugins_of("production.ini") == plugins_of("common.ini")


def test_production_has_no_pgsearch():
    assert PGSEARCH not in plugins_of("production.ini")
    assert PGSEARCH not in plugins_of("common.ini")


@pytest.mark.parametrize("name", ["development.ini", "test.ini"])
def test_dev_and_test_add_only_pgsearch(name):
    plugins = plugins_of(name)
    assert len(plugins) == len(set(plugins)), f"{name} lists a plugin twice"
    assert set(plugins) == set(plugins_of("common.ini")) | {PGSEARCH}


@pytest.mark.parametrize(
    "name", ["common.ini", "production.ini", "development.ini", "test.ini"]
)
def test_every_plugin_is_an_installed_entry_point(name):
    missing = set(plugins_of(name)) - installed_plugins()
    assert not missing, f"{name} names plugins nobody installs: {sorted(missing)}"


@pytest.mark.parametrize("name", ["production.ini", "development.ini", "test.ini"])
def test_ini_uses_common(name):
    assert raw_ini(name).get("app:main", "use") == "config:common.ini"


# -------------------------------------------------------------- production.ini


def test_production_ini_loads_with_ckans_loader(monkeypatch):
    config = load_with_ckan("production.ini", monkeypatch)
    assert config["ckan.plugins"].split() == plugins_of("common.ini")
    assert PGSEARCH not in config["ckan.plugins"]
    # Settings from common.ini arrive through the `use` chain.
    assert config["ckan.site_id"] == "cqgov"
    assert config["scheming.dataset_schemas"].startswith("file://")


def test_production_schema_paths_exist(monkeypatch):
    config = load_with_ckan("production.ini", monkeypatch)
    for option in ("scheming.dataset_schemas", "scheming.organization_schemas"):
        path = Path(config[option].removeprefix("file://"))
        assert path.is_file(), f"{option} points at a missing file: {path}"


def test_production_sets_the_compose_service_addresses(monkeypatch):
    config = load_with_ckan("production.ini", monkeypatch)
    assert config["solr_url"] == "http://solr:8983/solr/ckan"
    assert config["sqlalchemy.url"].startswith("postgresql://")
    assert "@db:" in config["sqlalchemy.url"]
    assert config["ckan.redis.url"].startswith("redis://redis:")
    assert config["ckan.site_url"].startswith("http")
    assert config["ckan.storage_path"] == "/var/lib/ckan"


def test_production_is_not_in_debug_mode(monkeypatch):
    config = load_with_ckan("production.ini", monkeypatch)
    assert config["debug"].lower() == "false"
    assert config.get("ckan.devserver.debug", "false").lower() == "false"
    assert config.get("ckan.testing", "false").lower() == "false"


@pytest.mark.parametrize("name", ["common.ini", "production.ini"])
def test_production_chain_holds_no_secrets(name):
    parser = raw_ini(name)
    for section in parser.sections() + ["DEFAULT"]:
        for option, value in parser.items(section, raw=True):
            assert option not in SECRET_OPTIONS, f"{name} [{section}] sets {option}"
            if re.search(r"password|secret|token", option, re.I):
                assert not value.strip(), f"{name} [{section}] {option} has a value"


def test_production_database_url_has_no_password(monkeypatch):
    from sqlalchemy.engine import make_url

    url = make_url(load_with_ckan("production.ini", monkeypatch)["sqlalchemy.url"])
    assert url.password is None


def test_production_ini_has_complete_logging_sections():
    parser = raw_ini("production.ini")
    for kind in ("logger", "handler", "formatter"):
        keys = parser.get(f"{kind}s", "keys").split(",")
        for key in (k.strip() for k in keys):
            assert parser.has_section(f"{kind}_{key}"), f"[{kind}_{key}] missing"
    assert parser.get("logger_root", "level") in {"WARNING", "ERROR", "INFO"}


# ----------------------------------------------------------------- compose


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) >= {"ckan", "worker", "db", "solr", "redis"}


def test_web_serves_port_5000(compose):
    ckan = compose["services"]["ckan"]
    assert any(str(p).endswith(":5000") for p in ckan["ports"])
    assert command_of(compose, "ckan") == ["web"]
    assert "healthcheck" in ckan


def test_worker_runs_the_job_queue(compose):
    command = " ".join(command_of(compose, "worker"))
    assert "ckan jobs worker" in command
    assert command.split()[-1] == "default"


def test_scheduler_runs_the_periodic_loop(compose):
    assert command_of(compose, "scheduler") == ["ckan", "cqgov", "periodic", "loop"]


def test_web_and_worker_share_one_image_and_build(compose):
    web, *others = (compose["services"][s] for s in CKAN_SERVICES)
    for other in others:
        assert web["image"] == other["image"]
        assert web["build"] == other["build"]
    build = web["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == ROOT
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE


def test_db_is_postgres_15_with_healthcheck_and_volume(compose):
    db = compose["services"]["db"]
    assert db["image"].split(":")[0] == "postgres"
    assert db["image"].split(":")[1].startswith("15")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])


def test_solr_is_ckans_2_11_image_with_volume(compose):
    solr = compose["services"]["solr"]
    repository, tag = solr["image"].split(":")
    assert repository == "ckan/ckan-solr"
    assert tag.startswith("2.11")
    assert solr["volumes"]


def test_redis_is_version_7(compose):
    assert compose["services"]["redis"]["image"].split(":") == ["redis", "7"]


def test_named_volumes_are_declared(compose):
    declared = set(compose.get("volumes", {}))
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} uses undeclared volume {source}"


def test_ckan_containers_depend_on_healthy_services(compose):
    for name in CKAN_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    # The web container migrates the database; the worker starts after it.
    for name in ("worker", "scheduler"):
        depends = compose["services"][name]["depends_on"]
        assert depends["ckan"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_compose_uses_the_production_ini_the_image_contains(compose, service):
    ini = service_env(compose, service)["CKAN_INI"]
    assert ini == f"{APP_DIR}/config/production.ini"
    # The image copies the repository to APP_DIR, so the file is the repo's own.
    assert (ROOT / Path(ini).relative_to(APP_DIR)).is_file()


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_compose_passes_only_env_vars_someone_reads(compose, service):
    known = env_names_read_by_ckan() | env_names_read_by_entrypoint()
    unknown = set(service_env(compose, service)) - known
    assert not unknown, f"{service} passes variables nobody reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_compose_points_ckan_at_the_compose_services(compose, service):
    env = service_env(compose, service)
    assert "@db:5432/" in env["CKAN_SQLALCHEMY_URL"]
    assert env["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert env["CKAN_REDIS_URL"].startswith("redis://redis:6379/")
    assert env["CKAN_SECRET_KEY"].startswith("${CKAN_SECRET_KEY:?")


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_storage_volume_is_mounted_at_the_storage_path(compose, service):
    path = service_env(compose, service)["CKAN_STORAGE_PATH"]
    mounts = [v.split(":")[1] for v in compose["services"][service]["volumes"]]
    assert path in mounts


def test_every_compose_variable_is_documented_in_env_example():
    used = interpolated_names(COMPOSE.read_text(encoding="utf-8"))
    documented = set(env_example())
    assert used - documented == set(), "undocumented: " + ", ".join(
        sorted(used - documented)
    )
    assert documented - used == set(), "unused: " + ", ".join(sorted(documented - used))


def test_env_example_holds_no_secret_values():
    values = env_example()
    for name in ("CKAN_SECRET_KEY", "POSTGRES_PASSWORD", "CKAN_SYSADMIN_PASSWORD"):
        assert values[name] == "", f"{name} must be left empty in .env.example"


def test_env_example_has_a_comment_for_every_variable():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            block = lines[max(0, i - 6) : i]
            assert any(b.startswith("#") for b in block), f"{line} is undocumented"


def test_local_env_file_is_ignored_by_git():
    assert ".env" in (DOCKER / ".gitignore").read_text(encoding="utf-8").split()


# --------------------------------------------------------------- Dockerfile


def test_dockerfile_bases_on_python_3_11_bookworm(dockerfile):
    default = re.search(r"ARG PYTHON_IMAGE=(\S+)", dockerfile)
    assert default and default.group(1) == "python:3.11-slim-bookworm"
    for stage in dockerfile_stages(dockerfile):
        assert stage[0].split()[1] == "${PYTHON_IMAGE}"


def test_dockerfile_installs_the_pinned_requirements_and_the_extension(dockerfile):
    build = " ".join(dockerfile_stages(dockerfile)[0])
    assert "COPY requirements.txt" in build
    assert re.search(r"pip install .*-r requirements\.txt", build)
    assert re.search(r"pip install .*-r docker/requirements-production\.txt", build)
    assert re.search(r"pip install .*-e \.", build)
    assert re.search(r"WORKDIR /srv/app/cqgov\b", build)
    assert "COPY . ." in build


def test_dockerfile_runtime_keeps_the_repository_layout(dockerfile):
    runtime = dockerfile_stages(dockerfile)[-1]
    assert f"COPY --from=build {APP_DIR} {APP_DIR}" in runtime
    env = " ".join(line for line in runtime if line.startswith("ENV "))
    assert re.search(rf"\bCKAN_INI={APP_DIR}/config/production\.ini\b", env)


def test_dockerfile_runs_as_a_non_root_user(dockerfile):
    users = [
        line.split()[1]
        for line in dockerfile_stages(dockerfile)[-1]
        if line.startswith("USER ")
    ]
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_entrypoint_is_the_repo_script(dockerfile):
    match = re.search(r'ENTRYPOINT \["([^"]+)"\]', dockerfile)
    assert match
    assert (ROOT / Path(match.group(1)).relative_to(APP_DIR)) == ENTRYPOINT
    assert os.access(ENTRYPOINT, os.X_OK)
    assert re.search(r'CMD \["web"\]', dockerfile)


def test_dockerfile_installs_the_native_libraries(dockerfile):
    for package in ("libpq-dev", "gcc", "libpq5", "libmagic1"):
        assert re.search(rf"apt-get install .*\b{package}\b", dockerfile), package


def test_dockerfile_compiles_the_translations(dockerfile):
    assert "RUN python -m ckanext.cqgov.translation compile" in dockerfile


def test_dockerignore_keeps_what_the_image_needs():
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    needed = {"config", "schemas", "ckanext-cqgov", "setup.py", "requirements.txt"}
    assert not needed & ignored
    assert not any(entry in {"docker", "docker/*", "*"} for entry in ignored)
    assert {".venv", ".git", "docker/.env"} <= ignored


def test_production_requirements_are_pinned_and_not_duplicated():
    def pins(path: Path) -> dict[str, str]:
        found = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                name, sep, version = line.partition("==")
                assert sep and version, f"{path.name}: {line} is not pinned"
                found[name.strip().lower().replace("_", "-")] = version
        return found

    production = pins(DOCKER / "requirements-production.txt")
    assert "gunicorn" in production
    assert not set(production) & set(pins(ROOT / "requirements.txt"))


# --------------------------------------------------------------- entrypoint


def test_entrypoint_is_valid_bash():
    bash = shutil.which("bash")
    assert bash
    subprocess.run([bash, "-n", str(ENTRYPOINT)], check=True)


def test_entrypoint_migrates_the_database():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert re.search(r"^\s*ckan db upgrade\s*$", text, re.M)
    assert "ckan db upgrade -p cqgov" in text


def test_entrypoint_writes_secrets_with_config_tool():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert 'ckan config-tool "$CKAN_INI"' in text
    for option in ("SECRET_KEY", "api_token.jwt.encode", "api_token.jwt.decode"):
        assert f'"{option}' in text


def test_entrypoint_serves_the_wsgi_module():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert "exec gunicorn" in text
    assert "wsgi:application" in text
    assert re.search(r"^application = make_app\(", WSGI.read_text("utf-8"), re.M)


def run_entrypoint(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run the entrypoint in a bare environment; `ckan` on PATH would fail loudly."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    for tool in ("ckan", "gunicorn", "python"):
        stub = fake_bin / tool
        stub.write_text(f"#!/bin/sh\necho unexpected {tool} call >&2\nexit 99\n")
        stub.chmod(0o755)
    base = {
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "CKAN_INI": str(CONFIG / "production.ini"),
    }
    return subprocess.run(
        ["bash", str(ENTRYPOINT), "web"],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_entrypoint_refuses_to_start_without_secret_key(tmp_path):
    result = run_entrypoint(tmp_path)
    assert result.returncode == 1
    assert "CKAN_SECRET_KEY is not set" in result.stderr
    assert "unexpected" not in result.stderr


def test_entrypoint_refuses_a_short_secret_key(tmp_path):
    result = run_entrypoint(tmp_path, CKAN_SECRET_KEY="too-short")
    assert result.returncode == 1
    assert "at least 32 characters" in result.stderr


def test_entrypoint_refuses_percent_signs_ckan_cannot_read(tmp_path):
    result = run_entrypoint(
        tmp_path,
        CKAN_SECRET_KEY="x" * 40,
        CKAN_SQLALCHEMY_URL="postgresql://cqgov:p%40ss@db/cqgov",
    )
    assert result.returncode == 1
    assert "CKAN_SQLALCHEMY_URL contains '%'" in result.stderr


# ------------------------------------------------------------ service waiting


@pytest.fixture(scope="module")
def wait_module():
    spec = importlib.util.spec_from_file_location("cqgov_wait", WAIT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wait_covers_postgres_redis_and_solr_in_production(wait_module, monkeypatch):
    config = load_with_ckan("production.ini", monkeypatch)
    names = [name for name, _, _ in wait_module.services(config)]
    assert names == ["PostgreSQL", "Redis", "Solr"]


def test_wait_skips_solr_with_the_postgres_search_backend(wait_module, monkeypatch):
    config = load_with_ckan("test.ini", monkeypatch) | {"solr_url": "http://x/solr"}
    names = [name for name, _, _ in wait_module.services(config)]
    assert "Solr" not in names


def test_wait_applies_ckans_env_overrides(wait_module, monkeypatch):
    for var in list(os.environ):
        if var.startswith("CKAN_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("CKAN_SOLR_URL", "http://search.internal:8983/solr/ckan")
    config = wait_module.effective_config(str(CONFIG / "production.ini"))
    assert config["solr_url"] == "http://search.internal:8983/solr/ckan"


def test_wait_never_prints_passwords(wait_module):
    redacted = wait_module.redact("postgresql://cqgov:s3cret@db:5432/cqgov")
    assert "s3cret" not in redacted
    assert redacted == "postgresql://cqgov:***@db:5432/cqgov"
    assert wait_module.redact("redis://redis:6379/0") == "redis://redis:6379/0"


# ---------------------------------------------------------------- DataStore


@pytest.mark.parametrize(
    "name", ["common.ini", "production.ini", "development.ini", "test.ini"]
)
def test_datastore_is_enabled_with_sql_search(name, monkeypatch):
    assert "datastore" in plugins_of(name)
    config = load_with_ckan(name, monkeypatch)
    assert config["ckan.datastore.sqlsearch.enabled"] == "true"


@pytest.mark.parametrize("name", ["production.ini", "development.ini", "test.ini"])
def test_datastore_urls_name_their_own_database_and_a_read_only_role(name, monkeypatch):
    from sqlalchemy.engine import make_url

    config = load_with_ckan(name, monkeypatch)
    main = make_url(config["sqlalchemy.url"])
    write = make_url(config["ckan.datastore.write_url"])
    read = make_url(config["ckan.datastore.read_url"])
    assert write.database == read.database == f"{main.database}_datastore"
    assert write.username == main.username
    assert read.username == f"{main.database}_datastore_ro"
    if name == "production.ini":
        assert write.password is None and read.password is None


@pytest.mark.parametrize("service", CKAN_SERVICES)
def test_compose_gives_ckan_the_datastore_urls(compose, service):
    env = service_env(compose, service)
    write, read = env["CKAN_DATASTORE_WRITE_URL"], env["CKAN_DATASTORE_READ_URL"]
    for url in (write, read):
        assert re.search(r"@db:5432/\$\{POSTGRES_DB:-cqgov\}_datastore$", url), url
    assert write.startswith("postgresql://${POSTGRES_USER:-cqgov}:")
    assert read.startswith("postgresql://${POSTGRES_DB:-cqgov}_datastore_ro:")
    assert "${DATASTORE_READ_PASSWORD:?" in read


def test_entrypoint_sets_up_the_datastore_before_migrating():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert "python -m ckanext.cqgov.bootstrap datastore" in text
    web = text[text.index("        web)") :]
    assert web.index("setup_datastore") < web.index("migrate")


def test_env_example_leaves_the_datastore_password_empty():
    assert env_example()["DATASTORE_READ_PASSWORD"] == ""
