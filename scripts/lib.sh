# Shared helpers for scripts/run and scripts/test (sourced, not executed).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.venv
ODOO_BIN=$ROOT/.odoo/odoo-bin
LOCAL=$ROOT/.local
export PS_DB_HOST=${PS_DB_HOST:-127.0.0.1}
export PS_DB_PORT=${PS_DB_PORT:-54329}
export PS_DB_USER=${PS_DB_USER:-odoo}
export PS_DB_PASSWORD=${PS_DB_PASSWORD:-}

log() { printf '\033[1;34m[%s]\033[0m %s\n' "$(basename "$0")" "$*"; }
die() { printf '\033[1;31m[%s] ERROR:\033[0m %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

require_setup() {
    [ -x "$VENV/bin/python" ] && [ -f "$ODOO_BIN" ] \
        || die "Odoo is not set up: run scripts/setup (make setup) first"
}

# Start the project-local PostgreSQL cluster (.local/pgdata, 127.0.0.1 only)
# unless PS_DB_HOST/PS_DB_PORT point to a server that already answers.
pg_start() {
    local pg_bin pgdata=$LOCAL/pgdata
    if pg_isready -q -h "$PS_DB_HOST" -p "$PS_DB_PORT" 2>/dev/null; then
        return 0
    fi
    [ "$PS_DB_HOST" = 127.0.0.1 ] && [ "$PS_DB_PORT" = 54329 ] \
        || die "PostgreSQL at $PS_DB_HOST:$PS_DB_PORT does not answer"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -x "$pg_bin/initdb" ] || die "PostgreSQL server binaries not found: run scripts/setup"
    local as_pg=()
    if [ "$(id -u)" -eq 0 ]; then
        # PostgreSQL refuses to run as root: run it as the 'postgres' system user,
        # which must be able to reach the project directory.
        as_pg=(runuser -u postgres --)
        local d=$ROOT
        while [ "$d" != / ]; do
            [ "$(stat -c %A "$d" | cut -c10)" = x ] || [ "$(stat -c %A "$d" | cut -c10)" = t ] || chmod o+x "$d"
            d=$(dirname "$d")
        done
    fi
    mkdir -p "$pgdata"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pgdata" && chmod 700 "$pgdata"
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        log "creating the local PostgreSQL cluster in .local/pgdata"
        "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null || die "initdb failed"
    fi
    log "starting PostgreSQL on 127.0.0.1:$PS_DB_PORT"
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PS_DB_PORT -k $pgdata -c fsync=off" start >/dev/null \
        || die "PostgreSQL did not start (see .local/pgdata/server.log)"
    psql -qAt -h 127.0.0.1 -p "$PS_DB_PORT" -U postgres -d postgres \
        -c "SELECT 1 FROM pg_roles WHERE rolname='$PS_DB_USER'" | grep -q 1 \
        || psql -q -h 127.0.0.1 -p "$PS_DB_PORT" -U postgres -d postgres \
            -c "CREATE ROLE \"$PS_DB_USER\" LOGIN CREATEDB" \
        || die "could not create the '$PS_DB_USER' role"
}

# .venv/bin first on PATH, where Odoo looks up wkhtmltopdf: the patched-Qt one
# scripts/setup installs there wins over Debian's (no report headers/footers).
odoo_path() { printf '%s' "$VENV/bin:$PATH"; }

# odoo-bin with the project's configuration and the database settings above;
# a sub-command (shell, ...) may come first.
odoo() {
    local sub=()
    case "${1:-}" in shell|populate|neutralize|cloc) sub=("$1"); shift ;; esac
    (cd "$ROOT" && PATH=$(odoo_path) "$VENV/bin/python" "$ODOO_BIN" "${sub[@]}" -c odoo.conf \
        --db_host "$PS_DB_HOST" --db_port "$PS_DB_PORT" --db_user "$PS_DB_USER" \
        ${PS_DB_PASSWORD:+--db_password "$PS_DB_PASSWORD"} "$@")
}
