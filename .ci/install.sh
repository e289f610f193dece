#!/usr/bin/env bash
# Installs what a fresh machine lacks. Idempotent; safe to run again.
set -euo pipefail

need() { command -v "$1" >/dev/null 2>&1; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! need cargo; then
  echo "cargo is missing: this machine is expected to come with Rust (rustup)." >&2
  exit 1
fi
# rustfmt and clippy come with the machine's rustup toolchain; say so clearly if not.
for c in rustfmt clippy-driver; do
  need "$c" || { echo "$c is missing from the Rust toolchain" >&2; exit 1; }
done

# The Kotlin library: a JDK 17 and Maven (Maven fetches artifacts from Maven
# Central); `strip` for the size budget.
need java || apt_install openjdk-17-jdk-headless
need mvn || apt_install maven
need strip || apt_install binutils
# The Android demo's check: Debian's aapt makes R.java from the app's resources.
need aapt || apt_install aapt
# ... and unzip takes the classes out of AndroidX Test's aars for Robolectric.
need unzip || apt_install unzip

# Encrypted books' tests (the `encrypted-system-openssl` feature): SQLCipher
# links the system's libcrypto, found through pkg-config.
[ -e /usr/include/openssl/crypto.h ] || apt_install libssl-dev
need pkg-config || apt_install pkg-config

# The server's tests: Debian's PostgreSQL server (initdb, pg_ctl, postgres);
# each test starts its own cluster in a temporary directory on a loopback port.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql

# Oracle tests: hledger from Debian; pytest, numpy-financial, beancount,
# jdatetime (Solar Hijri dates) and babel (CLDR number formats), cryptography (Ed25519, for the
# independent bundle checker) and argon2-cffi (PIN verifiers, the reference Argon2) from PyPI.
need hledger || apt_install hledger
need python3 || apt_install python3 python3-pip
python3 - <<'PY' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore pytest numpy-financial beancount jdatetime babel cryptography argon2-cffi
import numpy_financial, pytest, beancount.loader, jdatetime, babel.numbers, cryptography.hazmat.primitives.asymmetric.ed25519, argon2
PY
# The federation's web pages are tested in a real browser: Debian's headless
# Chromium, driven over the DevTools protocol by websocket-client (PyPI).
need chromium || apt_install chromium fonts-noto-core
python3 -c 'import websocket' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore websocket-client
need bean-check || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore beancount
