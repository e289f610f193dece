#!/usr/bin/env bash
# Runs a command with a PostgreSQL cluster of its own: initdb in a temporary
# directory, started on a free loopback port, stopped and removed on exit.
# The command sees DAFTAR_DATABASE_URL (database `daftar`, user `daftar`).
#   scripts/pg-cluster.sh COMMAND [ARGS...]
#   DAFTAR_PG_DIR=DIR scripts/pg-cluster.sh ...   keeps the cluster in DIR (made if missing)
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL's server is missing: run .ci/install.sh (it installs Debian's postgresql)" >&2
  exit 1
fi

# initdb refuses to run as root: a root caller runs the cluster as `postgres`.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

keep=""
if [ -n "${DAFTAR_PG_DIR:-}" ]; then
  dir="$DAFTAR_PG_DIR"; keep=1; mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/daftar-pg.XXXXXX")
fi
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  [ -n "$keep" ] || rm -rf "$dir"
}
trap stop EXIT

if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$pgbin/initdb" -D "$dir/data" -U daftar --auth=trust -E UTF8 --locale=C >"$dir/initdb.log"
fi
as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
as_owner "$pgbin/psql" -h 127.0.0.1 -p "$port" -U daftar -d postgres -qAt \
  -c "SELECT 1 FROM pg_database WHERE datname = 'daftar'" | grep -q 1 ||
  as_owner "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U daftar daftar

export DAFTAR_DATABASE_URL="postgres://daftar@127.0.0.1:$port/daftar"
export DAFTAR_PG_BIN="$pgbin"
"$@"
