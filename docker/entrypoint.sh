#!/usr/bin/env bash
#
# cqgov container entrypoint.
#
#   entrypoint.sh web            prepare the database, then serve CKAN with gunicorn (default)
#   entrypoint.sh <command...>   prepare the configuration, wait for the services, then run
#                                the command, e.g. `ckan jobs worker default` (the worker)
#                                or `ckan search-index rebuild`
#
# Every role: checks the environment, writes the secrets from CKAN_SECRET_KEY into
# the configuration with `ckan config-tool`, and waits for PostgreSQL, Redis and Solr.
# The web role also sets up the DataStore's database and read-only role, runs the
# database migrations (CKAN core, then every enabled plugin, cqgov included) and
# creates the sysadmin named by CKAN_SYSADMIN_NAME.
#
set -euo pipefail

APP_DIR="${CQGOV_APP_DIR:-/srv/app/cqgov}"
export CKAN_INI="${CKAN_INI:-${APP_DIR}/config/production.ini}"

log() { printf 'cqgov-entrypoint: %s\n' "$*"; }
die() {
    printf 'cqgov-entrypoint: error: %s\n' "$*" >&2
    exit 1
}

check_environment() {
    [[ -f "$CKAN_INI" ]] || die "configuration file $CKAN_INI not found (CKAN_INI)"

    # CKAN's config loader hands every CKAN_* variable to Python's ConfigParser, which
    # fails on a bare '%'. Refuse early with a message instead of a traceback.
    local name
    while IFS= read -r name; do
        if [[ "${!name}" == *%* ]]; then
            die "$name contains '%', which CKAN's config loader cannot read;" \
                "use a value without '%' (e.g. a password of letters and digits)"
        fi
    done < <(compgen -e | grep '^CKAN_' || true)

    [[ -n "${CKAN_SECRET_KEY:-}" ]] ||
        die "CKAN_SECRET_KEY is not set; refusing to start." \
            "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    [[ ${#CKAN_SECRET_KEY} -ge 32 ]] || die "CKAN_SECRET_KEY must be at least 32 characters long"
    [[ "$CKAN_SECRET_KEY" =~ ^[^[:space:]]+$ ]] || die "CKAN_SECRET_KEY must not contain whitespace"
}

write_secrets() {
    [[ -w "$CKAN_INI" ]] || die "$CKAN_INI is not writable; the secrets cannot be written"
    ckan config-tool "$CKAN_INI" \
        "SECRET_KEY=${CKAN_SECRET_KEY}" \
        "api_token.jwt.encode.secret=string:${CKAN_SECRET_KEY}" \
        "api_token.jwt.decode.secret=string:${CKAN_SECRET_KEY}" >/dev/null
    log "secrets written to $CKAN_INI"
}

wait_for_services() {
    python "${APP_DIR}/docker/wait_for_services.py" ||
        die "the services did not become ready (see above)"
}

cqgov_has_migrations() {
    python - <<'EOF'
import importlib.util
import pathlib
import sys

spec = importlib.util.find_spec("ckanext.cqgov")
root = pathlib.Path(next(iter(spec.submodule_search_locations)))
sys.exit(0 if (root / "migration" / "cqgov" / "alembic.ini").is_file() else 1)
EOF
}

setup_datastore() {
    # The DataStore's database and read-only role (CKAN_DATASTORE_WRITE_URL /
    # CKAN_DATASTORE_READ_URL), created when missing, and CKAN's permission script
    # (`ckan datastore set-permissions`) applied as the database superuser; a no-op
    # when everything is in place.
    log "checking the DataStore database, read-only role and permissions"
    python -m ckanext.cqgov.bootstrap datastore
}

migrate() {
    log "upgrading the database (CKAN core and enabled plugins)"
    ckan db upgrade
    if cqgov_has_migrations; then
        ckan db upgrade -p cqgov
    else
        log "the cqgov plugin has no migrations yet"
    fi
}

create_sysadmin() {
    local name="${CKAN_SYSADMIN_NAME:-}" shown
    if [[ -z "$name" ]]; then
        log "CKAN_SYSADMIN_NAME not set; no sysadmin created"
        return
    fi
    shown="$(ckan user show "$name")"
    if [[ "$shown" == *"User: None"* ]]; then
        [[ -n "${CKAN_SYSADMIN_EMAIL:-}" && -n "${CKAN_SYSADMIN_PASSWORD:-}" ]] ||
            die "creating sysadmin $name needs CKAN_SYSADMIN_EMAIL and CKAN_SYSADMIN_PASSWORD"
        log "creating user $name"
        ckan user add "$name" "email=${CKAN_SYSADMIN_EMAIL}" \
            "password=${CKAN_SYSADMIN_PASSWORD}" >/dev/null
    fi
    ckan sysadmin add "$name" >/dev/null
    log "$name is a sysadmin"
}

forget_secrets() {
    # CKAN's config loader copies every CKAN_* variable into the configuration;
    # the secrets are in the ini file now, so keep them out of the running process.
    unset CKAN_SECRET_KEY CKAN_SYSADMIN_PASSWORD
}

serve() {
    local workers="${CQGOV_WEB_WORKERS:-4}"
    local timeout="${CQGOV_WEB_TIMEOUT:-120}"
    log "starting gunicorn on :5000 with $workers workers"
    exec gunicorn \
        --bind 0.0.0.0:5000 \
        --workers "$workers" \
        --timeout "$timeout" \
        --forwarded-allow-ips "${CQGOV_FORWARDED_ALLOW_IPS:-*}" \
        --worker-tmp-dir /dev/shm \
        --no-control-socket \
        --access-logfile - \
        --error-logfile - \
        --pythonpath "${APP_DIR}/docker" \
        wsgi:application
}

main() {
    local role="${1:-web}"
    check_environment
    write_secrets
    wait_for_services
    case "$role" in
        web)
            setup_datastore
            migrate
            create_sysadmin
            forget_secrets
            serve
            ;;
        *)
            forget_secrets
            exec "$@"
            ;;
    esac
}

main "$@"
