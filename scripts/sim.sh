#!/usr/bin/env bash
# The simulator (core/tests/simulator.rs) on many seeds, in a release build:
#   scripts/sim.sh [--seeds N]      seeds 1..N (default 200)
#   scripts/sim.sh --seed S         replay one seed exactly
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=200
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: scripts/sim.sh [--seeds N | --seed S]" >&2; exit 2 ;;
  esac
done
if [ -n "$seed" ]; then
  export DAFTAR_SIM_SEED="$seed"
else
  export DAFTAR_SIM_SEEDS="$seeds"
fi
cargo test --release --locked -p daftar-core --test simulator -- --nocapture --test-threads=1 2>&1 \
  | grep -v '^$' | grep -v '^running\|simulator_crash_child'
