#!/usr/bin/env bash
# The server's load figures: a PostgreSQL cluster of its own, daftar-server
# (release) on a loopback port, daftar-load pushing N phones' years of
# meetings with faults, raw COPY of the same rows, then the server's verify.
# Run twice: pushes of a weekly meeting, and of about a month of meetings.
#   scripts/server-bench.sh [--phones N] [--weeks W] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
args=(); profile=server
for a in "$@"; do
  case "$a" in
    --quick) args+=(--phones 4 --weeks 8); profile=debug ;;
    *) args+=("$a") ;;
  esac
done
if [ "$profile" = server ]; then
  cargo build --quiet --locked --profile server -p daftar-server
else
  cargo build --quiet --locked -p daftar-server
fi
bin="$PWD/target/$profile"
bash scripts/pg-cluster.sh bash -c '
  set -euo pipefail
  bin="$1"; shift
  work=$(mktemp -d); trap "kill \$server 2>/dev/null || true; wait \$server 2>/dev/null || true; rm -rf $work" EXIT
  "$bin/daftar-server" migrate >/dev/null
  "$bin/daftar-server" serve --listen 127.0.0.1:0 --key "$work/key" --books "$work/books" ${DAFTAR_SERVE_FLAGS:-} \
      >"$work/out" 2>"$work/log" &
  server=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
  url=$(sed -n "s/^daftar-server listening on //p" "$work/out")
  echo "== pushes of a weekly meeting each (about 12 kB)"
  "$bin/daftar-load" --server "$url" --seed 1000 "$@"
  echo "== pushes of about a month of meetings each (64 kB), new phones"
  "$bin/daftar-load" --server "$url" --seed 2000 --push-bytes 65536 "$@"
  "$bin/daftar-server" verify | tail -n 1
' bench "$bin" "${args[@]}"
