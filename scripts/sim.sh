#!/usr/bin/env bash
# The simulator on many seeds, in a release build:
#   scripts/sim.sh [--seeds N]      seeds 1..N (default 200) against daftar-sync's
#                                   reference model (core/tests/simulator.rs)
#   scripts/sim.sh --seed S         replay one seed exactly
#   scripts/sim.sh --server ...     the same world against the real daftar-server
#                                   on its own PostgreSQL (server/tests/simulator.rs);
#                                   default 12 seeds
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=""
seed=""
server=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --server) server=1; shift ;;
    *) echo "usage: scripts/sim.sh [--server] [--seeds N | --seed S]" >&2; exit 2 ;;
  esac
done
if [ -n "$seed" ]; then
  export DAFTAR_SIM_SEED="$seed"
else
  export DAFTAR_SIM_SEEDS="${seeds:-$([ -n "$server" ] && echo 12 || echo 200)}"
fi
if [ -n "$server" ]; then
  run=(bash scripts/pg-cluster.sh cargo test --release --locked -p daftar-server --test simulator)
else
  run=(cargo test --release --locked -p daftar-core --test simulator)
fi
"${run[@]}" -- --nocapture --test-threads=1 2>&1 \
  | grep -v '^$' | grep -v '^running\|simulator_crash_child'
