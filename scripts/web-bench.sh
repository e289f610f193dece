#!/usr/bin/env bash
# How fast the federation's block page renders for a block of many SHGs
# (default 2,000): a PostgreSQL cluster of its own, daftar-server (server
# profile) with every new SHG placed under a VO of one block, daftar-load
# pushing each SHG's weeks of meetings, consolidation, then the block page
# fetched by a signed-in person: the first render of a day (the core's PAR30
# and grade on each replica), then the median of ten renders from the rollups.
#   scripts/web-bench.sh [--phones N] [--weeks W] [--members M]
set -euo pipefail
cd "$(dirname "$0")/.."
phones=2000; weeks=41; members=4
while [ $# -gt 0 ]; do
  case "$1" in
    --phones) phones="$2"; shift 2 ;;
    --weeks) weeks="$2"; shift 2 ;;
    --members) members="$2"; shift 2 ;;
    *) echo "usage: scripts/web-bench.sh [--phones N] [--weeks W] [--members M]" >&2; exit 2 ;;
  esac
done
cargo build --quiet --locked --profile server -p daftar-server
bin="$PWD/target/server"
bash scripts/pg-cluster.sh bash -c '
  set -euo pipefail
  bin="$1"; phones="$2"; weeks="$3"; members="$4"
  work=$(mktemp -d); trap "kill \$server 2>/dev/null || true; wait \$server 2>/dev/null || true; rm -rf $work" EXIT
  "$bin/daftar-server" migrate >/dev/null
  "$bin/daftar-server" node add --kind block --name "Bench block" --code BLK >/dev/null
  "$bin/daftar-server" node add --kind vo --name "Bench VO" --code VO --parent BLK >/dev/null
  token=$("$bin/daftar-server" user --name bench --node BLK)
  "$bin/daftar-server" serve --listen 127.0.0.1:0 --key "$work/key" --books "$work/books" \
      --new-orgs-under VO >"$work/out" 2>"$work/log" &
  server=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
  url=$(sed -n "s/^daftar-server listening on //p" "$work/out")
  echo "== $phones SHGs of $members members, $weeks weeks each, pushed"
  "$bin/daftar-load" --server "$url" --phones "$phones" --weeks "$weeks" --members "$members" | grep -E "events|phones" || true
  echo "== consolidating"
  start=$(date +%s)
  behind() { psql -tA "$DAFTAR_DATABASE_URL" -c "SELECT count(*) FROM chains c LEFT JOIN org_figures f USING (org_id) WHERE f.consolidated_seq IS NULL OR f.consolidated_seq < c.head_seq"; }
  until [ "$(behind)" = 0 ]; do
    sleep 2
  done
  echo "consolidated in $(( $(date +%s) - start )) s"
  jar="$work/jar"
  curl -s -c "$jar" "$url/web/signin" >"$work/form"
  csrf=$(grep -o "name=\"csrf\" value=\"[0-9a-f]*\"" "$work/form" | grep -o "[0-9a-f]\{64\}")
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "token=$token" -d "csrf=$csrf" "$url/web/signin"
  page="$url/web/nodes/BLK"
  first=$(curl -s -b "$jar" -o "$work/page" -w "%{http_code} %{time_total}" "$page")
  groups=$(grep -o "<tr data-org=" "$work/page" | wc -l)
  echo "block page, first render of the day: $first s ($groups groups, $(wc -c <"$work/page") bytes)"
  for i in $(seq 10); do curl -s -b "$jar" -o /dev/null -w "%{time_total}\n" "$page"; done | sort -n >"$work/times"
  echo "block page from the rollups: median $(sed -n 5p "$work/times") s, slowest $(tail -1 "$work/times") s (10 renders)"
  for lang in hi fa; do
    curl -s -b "$jar" -o /dev/null -w "block page in $lang: %{time_total} s\n" "$page?lang=$lang"
  done
  echo "where the last renders went (the server log):"
  grep "node page" "$work/log" | tail -3 | sed -e "s/^.*node page//"
  psql -q "$DAFTAR_DATABASE_URL" -c ANALYZE
  for i in $(seq 5); do curl -s -b "$jar" -o /dev/null -w "%{time_total}\n" "$page"; done | sort -n >"$work/times2"
  echo "after ANALYZE: median $(sed -n 3p "$work/times2") s"
  grep "node page" "$work/log" | tail -1 | sed -e "s/^.*node page//"
' bench "$bin" "$phones" "$weeks" "$members"
