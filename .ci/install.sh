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
