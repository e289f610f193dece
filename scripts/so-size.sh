#!/usr/bin/env bash
# Builds the release cdylib for the host, strips a copy, prints its size and
# fails if it is over the budget (3.8 MB: sync and its Ed25519 signatures took it past 3 MB,
# the server sync and the reports' fixes past 3.3 MB, sealed hand-over files past 3.4 MB,
# people's PINs (Argon2id) past 3.5 MB, the group's language past 3.6 MB, the
# screens' one-call reads and the Kotlin API's own types past 3.7 MB, its own records with plain Int and Long numbers to 3.77 MB). Android builds of the same profile are
# of the same order; this keeps growth visible in every run.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=3800000
cargo build --quiet --locked --release -p daftar-ffi
out="${TMPDIR:-/tmp}/libdaftar_ffi.stripped.so"
cp target/release/libdaftar_ffi.so "$out"
strip "$out"
size=$(stat -c %s "$out")
echo "stripped host libdaftar_ffi.so: $size bytes (budget $budget)"
[ "$size" -le "$budget" ] || { echo "the library is over its size budget" >&2; exit 1; }
# A cdylib links even with undefined symbols; an SQLite option that breaks
# SQLite would then only fail when a phone loads the library.
if nm -D --undefined-only target/release/libdaftar_ffi.so | grep -q ' sqlite3'; then
  echo "the library has undefined SQLite symbols:" >&2
  nm -D --undefined-only target/release/libdaftar_ffi.so | grep ' sqlite3' >&2
  exit 1
fi
