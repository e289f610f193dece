#!/usr/bin/env bash
# The benchmark, one table: `daftar bench` (each workload in its own process,
# beside a lower bound or a peer measured in the same run), then the Kotlin
# rows: the same calls through JNA and UniFFI, against the Rust figures of this run;
# then the server's pushes beside raw COPY (server-bench.sh) and the federation's
# block page for 2,000 SHGs (web-bench.sh).
# Usage: scripts/bench.sh [--quick] [--scale clf|SHGSxMEMBERSxWEEKS]
# The full run builds a CLF-sized book (about 1.2 million events, 1.4 GB of
# scratch disk) and takes some minutes; --quick checks that everything runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
quick=()
for a in "$@"; do [ "$a" = --quick ] && quick=(--quick); done

cargo build --quiet --locked --release -p daftar -p daftar-ffi
daftar=$root/target/release/daftar
"$daftar" bench "$@"

# The Rust figures the Kotlin rows are compared with, from this run and machine.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rust=$("$daftar" bench --workload calls --dir "$scratch" "${quick[@]}")
figure() { awk -F'\t' -v w="$1" '$1 == "row" && index($2, w) { split($3, a, " "); print a[1] }' <<<"$rust"; }
(cd bindings/kotlin && mvn -B -q --no-transfer-progress -Dstyle.color=never test-compile exec:java \
    -Dexec.mainClass=org.daftar.CallBenchmark -Dexec.classpathScope=test \
    -Dbench.quick="${#quick[@]}" \
    -Djna.library.path="$root/target/release" \
    -Drust.policy.us="$(figure 'policy')" \
    -Drust.deposit.us="$(figure 'deposit savings')" \
    -Drust.meeting.us="$(figure 'a meeting')") | sed 's/\x1b\[[0-9;]*m//g'
# The meeting screens as the demo app drives them: calls and time per screen and per Save.
(cd bindings/kotlin && mvn -B -q --no-transfer-progress -Dstyle.color=never install -DskipTests)
(cd android-demo/logic && mvn -B -q --no-transfer-progress -Dstyle.color=never test-compile exec:java \
    -Dexec.mainClass=org.daftar.demo.logic.MeetingScreenBenchmark -Dexec.classpathScope=test \
    -Dbench.quick="${#quick[@]}" \
    -Djna.library.path="$root/target/release") | sed 's/\x1b\[[0-9;]*m//g'
echo "Kotlin rows: the JVM that runs them is Maven's (exec:java), so its peak RSS is Maven's too."

# The server's rows: pushes through daftar-server beside raw COPY, in PostgreSQL.
echo
bash scripts/server-bench.sh "${quick[@]}"

# The federation's page: a block of 2,000 SHGs (20 with --quick) rendered from the rollups.
echo
if [ "${#quick[@]}" -gt 0 ]; then
  bash scripts/web-bench.sh --phones 20
else
  bash scripts/web-bench.sh --phones 2000
fi
