#!/usr/bin/env bash
# Starts a local daftar server to try sync against, e.g. the demo book:
#   scripts/serve.sh            # prints: daftar-server listening on http://127.0.0.1:8080
#   daftar sync --db demo.daftar --server http://127.0.0.1:8080 --actor asha
# Its PostgreSQL cluster, key, replica books and admin token live in
# ./.daftar-server (or $DAFTAR_SERVER_DIR) and survive a restart. The port is
# $DAFTAR_SERVER_PORT (8080 by default). New organisations are placed under a
# VO node "Demo VO" (code DEMO-VO), so its rollup shows them:
#   target/debug/daftar-server --database URL rollup --node DEMO-VO --books DIR/books
# The federation's pages are at http://127.0.0.1:8080/web/: sign in with the
# admin token it prints. Stop it with Ctrl-C; the cluster stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${DAFTAR_SERVER_DIR:-$PWD/.daftar-server}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
port="${DAFTAR_SERVER_PORT:-8080}"
cargo build --quiet --locked -p daftar-server -p daftar
bin="$PWD/target/debug/daftar-server"
DAFTAR_PG_DIR="$dir/pg" bash scripts/pg-cluster.sh bash -c '
  set -euo pipefail
  bin="$1"; dir="$2"; port="$3"
  "$bin" migrate >/dev/null
  [ "$(psql -tA "$DAFTAR_DATABASE_URL" -c "SELECT count(*) FROM orgs WHERE code = '"'"'DEMO-VO'"'"'")" = 1 ] ||
    "$bin" node add --kind vo --name "Demo VO" --code DEMO-VO >/dev/null
  [ -s "$dir/admin.token" ] || "$bin" user --name admin --admin >"$dir/admin.token"
  echo "database: $DAFTAR_DATABASE_URL"
  echo "admin token: $dir/admin.token (curl -H \"Authorization: Bearer \$(cat $dir/admin.token)\" http://127.0.0.1:$port/v1/nodes/DEMO-VO/rollup)"
  echo "federation pages: http://127.0.0.1:$port/web/ (sign in with the token: $(cat "$dir/admin.token"))"
  "$bin" serve --listen "127.0.0.1:$port" --key "$dir/server.key" --books "$dir/books" \
    --new-orgs-under DEMO-VO
' serve "$bin" "$dir" "$port"
