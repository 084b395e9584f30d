# shellcheck shell=bash
# A throwaway PostgreSQL cluster for the test suite: installed from Debian if
# missing, started in a temporary directory on a free loopback port, stopped
# (and deleted) when the calling script exits. Sourced after bootstrap.sh.

postgres_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_test_postgres() {
    if [ -n "${YMS_TEST_POSTGRES_URL:-}" ]; then
        say "using the PostgreSQL at YMS_TEST_POSTGRES_URL"
        return
    fi
    if [ -z "$(postgres_bin)" ]; then
        apt_install postgresql
    fi
    local bin port
    bin="$(postgres_bin)"
    PG_TMP="$(mktemp -d /tmp/yms-postgres.XXXXXX)"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # initdb refuses to run as root: the cluster then belongs to Debian's postgres user.
    PG_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$PG_TMP"
        PG_AS=(runuser -u postgres --)
    fi
    say "starting a throwaway PostgreSQL ($("$bin/postgres" --version | cut -d' ' -f3)) on 127.0.0.1:$port"
    "${PG_AS[@]}" "$bin/initdb" -D "$PG_TMP/data" -U yms -A trust -E UTF8 --locale=C --no-sync >/dev/null
    # Durability settings off: the cluster is thrown away, and the tests run faster.
    "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -s start -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    PG_CTL="$bin/pg_ctl"
    trap stop_test_postgres EXIT
    export YMS_TEST_POSTGRES_URL="postgresql://yms@127.0.0.1:$port/postgres"
}

stop_test_postgres() {
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
        "${PG_AS[@]}" "$PG_CTL" -D "$PG_TMP/data" -m immediate -w -s stop || true
        rm -rf "$PG_TMP"
    fi
}
