# Shared helpers for scripts/run and scripts/test (sourced, not executed).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.venv
ODOO_BIN=$ROOT/.odoo/odoo-bin
LOCAL=$ROOT/.local
# PS_DB_HOST/PS_DB_PORT given by the caller: an existing server, not ours.
PS_DB_GIVEN=${PS_DB_HOST:+1}${PS_DB_PORT:+1}
export PS_DB_HOST=${PS_DB_HOST:-127.0.0.1}
export PS_DB_PORT=${PS_DB_PORT:-54329}
export PS_DB_USER=${PS_DB_USER:-odoo}
export PS_DB_PASSWORD=${PS_DB_PASSWORD:-}
# The project-local clusters: the app's (scripts/run, data kept: fsync on) and
# the tests' (scripts/test, throw-away: tuned for speed, never the app's data).
PS_APP_PG_PORT=54329
PS_TEST_PG_PORT=${PS_TEST_DB_PORT:-54339}
# Their passwords (generated once, scram-sha-256 on TCP): a libpq password
# file, mode 600, that psql, pg_dump and Odoo (libpq) read by themselves; no
# password on any command line or in the repository.
PS_PGPASS=$LOCAL/pgpass
[ -n "$PS_DB_GIVEN" ] || export PGPASSFILE=$PS_PGPASS

log() { printf '\033[1;34m[%s]\033[0m %s\n' "$(basename "$0")" "$*"; }
die() { printf '\033[1;31m[%s] ERROR:\033[0m %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
warn() { printf '\033[1;33m[%s] WARNING:\033[0m %s\n' "$(basename "$0")" "$*" >&2; }

require_setup() {
    [ -x "$VENV/bin/python" ] && [ -f "$ODOO_BIN" ] \
        || die "Odoo is not set up: run scripts/setup (make setup) first"
}

# -- Local PostgreSQL clusters -------------------------------------------------
# PostgreSQL refuses to run as root: as root, the clusters run as the
# 'postgres' system user and live outside the project (which that user need
# not reach; nothing above the project is opened to others), under
# /var/lib/postgresql/personal_shopper/, with a symlink in .local/. Otherwise
# they run as the invoking user, in .local/. A cluster made in .local/pgdata by
# an earlier release (as postgres, in the tree) is used where it is.
pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_cluster_dir app|test: the data directory of that cluster (may not exist yet)
pg_cluster_dir() {
    local link=$LOCAL/pgdata
    [ "$1" = app ] || link=$LOCAL/pgdata-$1
    if [ -L "$link" ]; then
        readlink -f "$link"
    elif [ -d "$link" ] || [ "$(id -u)" -ne 0 ]; then
        printf '%s\n' "$link"
    else
        local id
        id=$(basename "$ROOT")-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)
        printf '%s\n' "/var/lib/postgresql/personal_shopper/$id-$1"
    fi
}

# pg_bin_for DATADIR: the server binaries of that cluster's major version
# (PG_VERSION), or of the newest installed version for a new cluster.
pg_bin_for() {
    local version bin
    if [ -f "$1/PG_VERSION" ]; then
        version=$(cat "$1/PG_VERSION")
        bin=/usr/lib/postgresql/$version/bin
        [ -x "$bin/postgres" ] && [ -x "$bin/pg_ctl" ] \
            || die "the cluster in $1 is PostgreSQL $version, whose server ($bin) is not installed: install postgresql-$version (or dump it with that version and restore it into a new cluster)"
    else
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
        [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found: run scripts/setup"
    fi
    printf '%s\n' "$bin"
}

pgpass_get() {  # PORT USER -> password (empty if none)
    [ -f "$PS_PGPASS" ] || return 0
    awk -F: -v p="$1" -v u="$2" '$1 == "127.0.0.1" && $2 == p && $4 == u { print $5; exit }' "$PS_PGPASS"
}
pgpass_set() {  # PORT USER PASSWORD
    local tmp
    mkdir -p "$LOCAL"
    tmp=$(umask 077 && mktemp "$PS_PGPASS.XXXXXX") || die "cannot write $PS_PGPASS"
    [ -f "$PS_PGPASS" ] && awk -F: -v p="$1" -v u="$2" '!($1 == "127.0.0.1" && $2 == p && $4 == u)' "$PS_PGPASS" > "$tmp"
    printf '127.0.0.1:%s:*:%s:%s\n' "$1" "$2" "$3" >> "$tmp"
    chmod 600 "$tmp" && mv -f "$tmp" "$PS_PGPASS"
}
pgpass_ensure() {  # PORT USER: its password, generated (and kept) if none yet
    local pw
    pw=$(pgpass_get "$1" "$2")
    if [ -z "$pw" ]; then
        pw=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
        pgpass_set "$1" "$2" "$pw"
    fi
    printf '%s\n' "$pw"
}

PG_HBA_MARK="# personal_shopper: loopback TCP with passwords (scram-sha-256)"
pg_hba_write() {  # DATADIR
    local tmp
    tmp=$(mktemp) || return 1
    cat > "$tmp" <<HBA
$PG_HBA_MARK; written by scripts/lib.sh
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 peer
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
HBA
    [ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"
    chmod 600 "$tmp" && mv -f "$tmp" "$1/pg_hba.conf"
}

psql_super() {  # PORT SQL...: run SQL as the 'postgres' superuser over TCP
    local port=$1; shift
    PGPASSFILE=$PS_PGPASS psql -w -qAtX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

# pg_cluster_start app|test PORT: start that cluster unless it answers; make it
# on the first start. app: fsync on (data kept); test: fsync off & co.
pg_cluster_start() {
    local kind=$1 port=$2 pgdata pg_bin opts
    if [ "$kind" = app ]; then
        opts="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    else
        opts="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    pgdata=$(pg_cluster_dir "$kind")
    if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
        if [ "$kind" = app ]; then
            [ "$(PGPASSFILE=$PS_PGPASS psql -w -qAtX -h 127.0.0.1 -p "$port" -U "$PS_DB_USER" -d postgres -c 'SHOW fsync' 2>/dev/null)" != off ] \
                || warn "the local PostgreSQL cluster runs with fsync=off (started by an earlier release): restart it (scripts/pg-stop, then make run) to make it safe"
            grep -qsF "$PG_HBA_MARK" "$pgdata/pg_hba.conf" \
                || warn "the local PostgreSQL cluster still lets anybody in without a password (trust): restart it (scripts/pg-stop, then make run) to switch to passwords"
        fi
        return 0
    fi
    pg_bin=$(pg_bin_for "$pgdata") || exit 1
    if [ "$(id -u)" -eq 0 ] && [ -d "$pgdata" ] && ! runuser -u postgres -- test -r "$pgdata/PG_VERSION"; then
        die "PostgreSQL (system user postgres) cannot reach $pgdata. Earlier releases opened the directories above the project to others; this one does not. Move the cluster out of the tree: scripts/pg-stop; mkdir -p /var/lib/postgresql/personal_shopper && mv $pgdata /var/lib/postgresql/personal_shopper/ && chown -R postgres: /var/lib/postgresql/personal_shopper && ln -s /var/lib/postgresql/personal_shopper/$(basename "$pgdata") $pgdata"
    fi
    local new=
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        new=1
        log "creating the local PostgreSQL cluster ($kind) in $pgdata"
        local pwfile
        if [ "$(id -u)" -eq 0 ]; then
            install -d -o postgres -g postgres -m 700 "$(dirname "$pgdata")"
            install -d -o postgres -g postgres -m 700 "$pgdata"
            local link=$LOCAL/pgdata; [ "$kind" = app ] || link=$LOCAL/pgdata-$kind
            mkdir -p "$LOCAL" && ln -sfn "$pgdata" "$link"
        else
            mkdir -p "$pgdata" && chmod 700 "$pgdata"
        fi
        pwfile=$(mktemp) || die "mktemp failed"
        pgpass_ensure "$port" postgres > "$pwfile"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
        pg_as "$pg_bin/initdb" -D "$pgdata" -U postgres --pwfile="$pwfile" \
            --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
            || { rm -f "$pwfile"; die "initdb failed"; }
        rm -f "$pwfile"
        pg_hba_write "$pgdata" || die "could not write $pgdata/pg_hba.conf"
    fi
    log "starting PostgreSQL ($kind, $(basename "$(dirname "$pg_bin")")) on 127.0.0.1:$port"
    pg_as "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c password_encryption=scram-sha-256 $opts" \
        start >/dev/null || die "PostgreSQL did not start (see $pgdata/server.log)"
    if [ -z "$new" ] && ! grep -qsF "$PG_HBA_MARK" "$pgdata/pg_hba.conf"; then
        # A cluster of an earlier release (trust, no passwords): give its
        # roles passwords (while trust still lets us in), then require them.
        log "switching the $kind cluster to passwords (scram-sha-256); its data is kept"
        local pw_super pw_user
        pw_super=$(pgpass_ensure "$port" postgres)
        pw_user=$(pgpass_ensure "$port" "$PS_DB_USER")
        psql_super "$port" -c "ALTER ROLE postgres PASSWORD '$pw_super'" >/dev/null \
            || die "could not set the password of role postgres"
        psql_super "$port" -c "SELECT 1 FROM pg_roles WHERE rolname='$PS_DB_USER'" | grep -q 1 \
            && { psql_super "$port" -c "ALTER ROLE \"$PS_DB_USER\" PASSWORD '$pw_user'" >/dev/null \
                || die "could not set the password of role $PS_DB_USER"; }
        cp -p "$pgdata/pg_hba.conf" "$pgdata/pg_hba.conf.trust.bak"
        pg_hba_write "$pgdata" || die "could not write $pgdata/pg_hba.conf"
        pg_as "$pg_bin/pg_ctl" -D "$pgdata" reload >/dev/null || die "pg_ctl reload failed"
        sleep 1
    fi
    local pw_user
    pw_user=$(pgpass_ensure "$port" "$PS_DB_USER")
    if ! psql_super "$port" -c "SELECT 1 FROM pg_roles WHERE rolname='$PS_DB_USER'" | grep -q 1; then
        psql_super "$port" -c "CREATE ROLE \"$PS_DB_USER\" LOGIN CREATEDB PASSWORD '$pw_user'" >/dev/null \
            || die "could not create the '$PS_DB_USER' role"
    fi
    PGPASSFILE=$PS_PGPASS psql -w -qAtX -h 127.0.0.1 -p "$port" -U "$PS_DB_USER" -d postgres -c "SELECT 1" >/dev/null \
        || die "role $PS_DB_USER cannot log in to the $kind cluster with the password of $PS_PGPASS"
}

# Start the app's PostgreSQL cluster (127.0.0.1:54329, data kept) unless
# PS_DB_HOST/PS_DB_PORT point to a server that already answers.
pg_start() {
    if [ -n "$PS_DB_GIVEN" ] && ! { [ "$PS_DB_HOST" = 127.0.0.1 ] && [ "$PS_DB_PORT" = "$PS_APP_PG_PORT" ]; }; then
        pg_isready -q -h "$PS_DB_HOST" -p "$PS_DB_PORT" 2>/dev/null \
            || die "PostgreSQL at $PS_DB_HOST:$PS_DB_PORT does not answer"
        return 0
    fi
    pg_cluster_start app "$PS_APP_PG_PORT"
    export PGPASSFILE=$PS_PGPASS
}

# Start the tests' throw-away cluster (127.0.0.1:54339, PS_TEST_DB_PORT) and
# point PS_DB_* to it, unless PS_DB_HOST/PS_DB_PORT were given (never the
# app's cluster, even when a shell that sourced this file exported its port).
pg_test_start() {
    if [ -n "$PS_DB_GIVEN" ] && ! { [ "$PS_DB_HOST" = 127.0.0.1 ] && [ "$PS_DB_PORT" = "$PS_APP_PG_PORT" ]; }; then
        pg_isready -q -h "$PS_DB_HOST" -p "$PS_DB_PORT" 2>/dev/null \
            || die "PostgreSQL at $PS_DB_HOST:$PS_DB_PORT does not answer"
        return 0
    fi
    local pgdata
    pgdata=$(pg_cluster_dir test)
    # Throw-away: a test cluster we cannot log into is not kept. One still
    # running on the port for another checkout (its passwords are in that
    # checkout's .local/pgpass) is stopped; ours, made by a checkout whose
    # passwords are gone (a new clone at the same path), is made again.
    if pg_isready -q -h 127.0.0.1 -p "$PS_TEST_PG_PORT" 2>/dev/null \
        && ! PGPASSFILE=$PS_PGPASS psql -w -qAtX -h 127.0.0.1 -p "$PS_TEST_PG_PORT" \
            -U "$PS_DB_USER" -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
        pg_test_stop_other "$PS_TEST_PG_PORT"
    fi
    if [ -f "$pgdata/PG_VERSION" ] && [ -z "$(pgpass_get "$PS_TEST_PG_PORT" postgres)" ]; then
        log "the tests' cluster in $pgdata has no password in .local/pgpass: made again"
        pg_as "$(pg_bin_for "$pgdata")/pg_ctl" -D "$pgdata" stop -m fast >/dev/null 2>&1 || true
        rm -rf "$pgdata"
    fi
    pg_cluster_start test "$PS_TEST_PG_PORT"
    export PS_DB_PORT=$PS_TEST_PG_PORT PGPASSFILE=$PS_PGPASS
}

# pg_test_stop_other PORT: stop the PostgreSQL serving PORT if it is a tests'
# cluster of this project (of another checkout); anything else is left alone.
pg_test_stop_other() {
    local port=$1 pid cmd dir=
    for pid in $(pgrep -f 'bin/postgres -D' || true); do
        cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || continue
        case "$cmd" in *" -p $port "*) dir=$(sed -n 's/.* -D \([^ ]*\) .*/\1/p' <<<"$cmd") ;; esac
    done
    case "$dir" in
        */personal_shopper/*-test|*/.local/pgdata-test)
            log "stopping the tests' cluster of another checkout ($dir) on port $port"
            pg_as "$(pg_bin_for "$dir")/pg_ctl" -D "$dir" stop -m fast >/dev/null \
                || die "could not stop the PostgreSQL cluster in $dir" ;;
        *)
            die "port $port answers with a PostgreSQL that is not a tests' cluster of this project${dir:+ ($dir)}: set PS_TEST_DB_PORT to a free port" ;;
    esac
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
