#!/usr/bin/env bash
# The federation's pages in headless Chromium (tests/web): a PostgreSQL
# cluster of their own, the debug daftar-server and daftar, the demo book and
# a scaled book synced; screenshots land in docs/screenshots/web/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked -p daftar-server -p daftar
bash scripts/pg-cluster.sh python3 -m pytest -q tests/web "$@"
