# shellcheck shell=bash
# Shared by scripts/postgres-start and scripts/postgres-stop (sourced, not executed).
# A throw-away PostgreSQL cluster for the tests: loopback only, owned by the `postgres` user.
#
#   PORTIER_PG_DIR   where the cluster lives   (default: var/pgtest in the repository; falls back to
#                    a folder under /tmp when the postgres user cannot reach the repository)
#   PORTIER_PG_PORT  TCP port on 127.0.0.1     (default 54329; if that is taken, a free one)

PGTEST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PGTEST_USER=portier
PGTEST_PASSWORD=portier
PGTEST_DATABASE=portier_test
PGTEST_DEFAULT_PORT=54329

pgtest_die() { echo "postgres: $*" >&2; exit 1; }
pgtest_say() { [[ -n "${PGTEST_QUIET:-}" ]] || echo "postgres: $*" >&2; }

# The directory with initdb, pg_ctl and postgres: pg_config --bindir, else the newest
# /usr/lib/postgresql/*/bin (Debian's pg_config may belong to the client package only).
pgtest_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
    fi
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
    done
    return 1
}

# Runs a command as the postgres user (initdb and the server refuse root).
pgtest_as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then
        "$@"
    elif [[ "$(id -u)" == 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        sudo -n -u postgres -- "$@"
    fi
}

# Where the cluster lives. The repository's var/pgtest when the postgres user can reach it
# (it cannot when the clone sits under a private home directory); else a folder under /tmp
# named after the repository path, so that start and stop always agree.
pgtest_dir() {
    if [[ -n "${PORTIER_PG_DIR:-}" ]]; then echo "$PORTIER_PG_DIR"; return; fi
    if id postgres >/dev/null 2>&1 && pgtest_as_postgres test -x "$PGTEST_ROOT" 2>/dev/null; then
        echo "$PGTEST_ROOT/var/pgtest"
    else
        echo "${TMPDIR:-/tmp}/portier-pgtest-$(printf '%s' "$PGTEST_ROOT" | cksum | cut -d' ' -f1)"
    fi
}

pgtest_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pgtest_is_running() {
    local dir="$1" bindir="$2"
    [[ -f "$dir/data/PG_VERSION" ]] || return 1
    pgtest_as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pgtest_url() {
    echo "postgres://$PGTEST_USER:$PGTEST_PASSWORD@127.0.0.1:$1/$PGTEST_DATABASE"
}
