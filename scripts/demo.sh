#!/usr/bin/env bash
# The main job: build the demo book, verify it, and print each organisation's
# trial balance. Usage: scripts/demo.sh [BOOK] [SEED]   (default demo.daftar, seed 1)
set -euo pipefail
cd "$(dirname "$0")/.."
book=${1:-demo.daftar}
seed=${2:-1}

cargo build --quiet --locked -p daftar
daftar=target/debug/daftar

# The script owns its output file, so it replaces an earlier demo.
"$daftar" demo --db "$book" --seed "$seed" --force
echo "== verify"
"$daftar" verify --db "$book"
echo
echo "== organisations"
"$daftar" orgs --db "$book"
for id in $("$daftar" orgs --db "$book" | cut -d' ' -f1); do
  echo
  "$daftar" report trial-balance --db "$book" --org "$id"
done
