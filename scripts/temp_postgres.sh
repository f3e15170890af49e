#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 on 127.0.0.1 for tests and benchmarks.
#   scripts/temp_postgres.sh start <dir> <port>   prints the DATABASE_URL
#   scripts/temp_postgres.sh stop <dir>
# PostgreSQL refuses to run as root, so as root it runs as the user "pgtemp".
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
action=${1:?start or stop}
dir=${2:?data folder}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u pgtemp -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    port=${3:?port}
    if [ ! -x "$PGBIN/initdb" ]; then
      echo "PostgreSQL 15 not found in $PGBIN; install it with: apt-get install -y postgresql-15" >&2
      exit 1
    fi
    if [ "$(id -u)" = 0 ] && ! id -u pgtemp >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin pgtemp
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown pgtemp "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    as_owner "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "create database interviewer" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/interviewer"
    ;;
  stop)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start <dir> <port> | stop <dir>" >&2
    exit 2
    ;;
esac
