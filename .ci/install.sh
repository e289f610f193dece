#!/usr/bin/env bash
# Installs what a fresh machine lacks. Idempotent; safe to run again.
set -euo pipefail

need() { command -v "$1" >/dev/null 2>&1; }

if ! need cargo; then
  echo "cargo is missing: this machine is expected to come with Rust (rustup)." >&2
  exit 1
fi
# rustfmt and clippy come with the machine's rustup toolchain; say so clearly if not.
for c in rustfmt clippy-driver; do
  need "$c" || { echo "$c is missing from the Rust toolchain" >&2; exit 1; }
done

# Oracle tests: pytest and numpy-financial from PyPI.
python3 -m pip --version >/dev/null 2>&1 || { echo "python3 with pip is missing" >&2; exit 1; }
python3 - <<'PY' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore pytest numpy-financial
import numpy_financial, pytest
PY
