#!/usr/bin/env bash
# Every test of the project: formatting, lints, the whole workspace's tests (the
# server's against a PostgreSQL cluster started for them), the
# encrypted books (SQLCipher), the simulator, the oracles, the web pages in a browser, the Kotlin library, the Android demo's check and the library's size.
set -euo pipefail
cd "$(dirname "$0")/.."

# A fresh machine lacks the oracles' tools, Maven and aapt: install what is missing.
echo "== installing what this machine lacks (.ci/install.sh)"
bash ./.ci/install.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (the server's tests against a PostgreSQL cluster of their own, on loopback)"
bash scripts/pg-cluster.sh cargo test --workspace --locked
echo "== encrypted books (SQLCipher, the opt-in feature, on the system's libcrypto)"
cargo test --locked -p daftar-core --features encrypted-system-openssl --lib --test encrypted
cargo test --locked -p daftar --features encrypted-system-openssl --test encrypted
echo "== simulator (200 seeds of phones, the server's model and faults, release build)"
bash scripts/sim.sh --seeds 200
echo "== oracle tests (tests/oracles, against the debug build)"
cargo build --quiet --locked -p daftar
DAFTAR_BIN="$PWD/target/debug/daftar" python3 -m pytest -q tests/oracles
echo "== the federation's web pages in headless Chromium (tests/web; screenshots to docs/screenshots/web)"
bash scripts/web-test.sh
echo "== Kotlin library (bindings/kotlin: generates from the host cdylib, JUnit 5 on the JVM)"
# ServerSyncTest runs the real server (target/debug/daftar-server) on a cluster of its own.
(cd bindings/kotlin && bash ../../scripts/pg-cluster.sh mvn -B --no-transfer-progress test)
echo "== Android demo (android-demo: logic tests through the real core, every source compiled against the framework)"
bash scripts/android-check.sh
echo "== size of the release library"
bash scripts/so-size.sh
