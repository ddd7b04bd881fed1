#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a spare port, owned by the postgres user when run as root.
#   scripts/postgres.sh start    # prints the URL to put in WOKMANAGER_TEST_POSTGRES_URL
#   scripts/postgres.sh stop     # stops it, if it runs, and deletes its folder
#   scripts/postgres.sh status   # exits 0 when it runs
#   scripts/postgres.sh restart  # for the replica tests: the database goes away and comes back
# WOKMANAGER_PG_DIR (default /tmp/wokmanager-test-pg) and WOKMANAGER_PG_PORT (default 55432) choose another cluster;
# WOKMANAGER_PG_DURABLE=1 keeps fsync on, as in production (the benchmark), where the tests turn it off for speed.
# Needs Debian's `postgresql` package; says so when it is missing.
set -euo pipefail
action=${1:-start}
dir=${WOKMANAGER_PG_DIR:-/tmp/wokmanager-test-pg}
port=${WOKMANAGER_PG_PORT:-55432}
speed="-c fsync=off -c full_page_writes=off"
[[ ${WOKMANAGER_PG_DURABLE:-} == 1 ]] && speed=""
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $bin ]]; then
  echo "PostgreSQL is not installed: install it with: sudo apt-get install postgresql" >&2
  exit 3
fi

as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ctl_() { as_owner "$bin/pg_ctl" -D "$dir/data" "$@"; }

case $action in
  start)
    if ! pg_ctl_ status >/dev/null 2>&1; then
      rm -rf "$dir"
      mkdir -p "$dir"
      [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
      pg_ctl_ -w -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $speed -c max_connections=200" start >/dev/null
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres wokmanager_test
    fi
    echo "postgres://postgres@127.0.0.1:$port/wokmanager_test?sslmode=disable"
    ;;
  stop)
    if pg_ctl_ status >/dev/null 2>&1; then pg_ctl_ -w -m fast stop >/dev/null; fi
    rm -rf "$dir"
    ;;
  status) pg_ctl_ status >/dev/null 2>&1 ;;
  restart) pg_ctl_ -w -m fast restart -l "$dir/server.log" >/dev/null ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
