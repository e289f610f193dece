#!/usr/bin/env bash
# Checks the Android demo (android-demo/) without the Android SDK, which this
# project's machines cannot download:
#   1. the logic module's JUnit tests, on the JVM, through the real native core;
#   2. R.java from the app's resources and manifest, made by Debian's aapt against
#      the framework resources in Robolectric's android-all jar (Maven Central);
#   3. every Kotlin source of the app and of the logic module, compiled with R
#      against android-all's framework classes;
#   4. the app's Activities run under Robolectric (from Maven Central) through
#      the real core, drawing the main screens in en/hi/fa into
#      docs/screenshots/android/ (native graphics).
# A broken Activity, a missing string or id, or a malformed layout fails it.
# Non-interactive and idempotent; needs a JDK 17, Maven, cargo, and apt for aapt.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
demo=$root/android-demo
mvn=(mvn -B -q --no-transfer-progress -Dstyle.color=never)
started=$SECONDS

section() { printf '\n=== %s ===\n' "$*"; }

section "aapt (Debian's Android Asset Packaging Tool)"
if ! command -v aapt >/dev/null; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq aapt >/dev/null
fi
aapt version

section "daftar Kotlin library: host cdylib, bindings, install to the local Maven repository"
(cd "$root/bindings/kotlin" && "${mvn[@]}" install -DskipTests)

section "Logic module: JUnit tests through the real core"
# The Sync screen's logic talks to the real server and PostgreSQL.
(cd "$root" && cargo build --quiet --locked -p daftar-server)
(cd "$demo/logic" && bash "$root/scripts/pg-cluster.sh" "${mvn[@]}" test)
reports=$demo/logic/target/surefire-reports
if ! ls "$reports"/*.txt >/dev/null 2>&1; then
    echo "android-check: the logic module ran no test" >&2
    exit 1
fi
echo  # Maven leaves a colour reset without a newline; the summary gets its own line.
awk '/^Tests run:/ { run += $3; failed += $5; errors += $7; skipped += $9 }
     END { gsub(",", "", run); printf "logic: %d passed, %d failed\n", run - failed - errors - skipped, failed + errors }' \
    "$reports"/*.txt

section "android-all: the Android framework's classes and resources"
android_all=$(sed -n 's:.*<android.all.version>\(.*\)</android.all.version>.*:\1:p' "$demo/check/pom.xml")
"${mvn[@]}" dependency:get -Dartifact="org.robolectric:android-all:$android_all"
repo=$("${mvn[@]}" -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout \
    | sed 's/\x1b\[[0-9;]*m//g')
jar=$repo/org/robolectric/android-all/$android_all/android-all-$android_all.jar
[ -f "$jar" ] || { echo "android-check: $jar missing" >&2; exit 1; }
echo "$jar"

section "R.java from app/src/main/res and the manifest (aapt)"
out=$demo/check/target
rdir=$out/generated-sources/r
rm -rf "$rdir" && mkdir -p "$rdir"
# AGP takes the package from `namespace` in build.gradle.kts; aapt wants it in the manifest.
namespace=$(sed -n 's/^ *namespace = "\(.*\)"/\1/p' "$demo/app/build.gradle.kts")
[ -n "$namespace" ] || { echo "android-check: no namespace in app/build.gradle.kts" >&2; exit 1; }
sed "s|<manifest |<manifest package=\"$namespace\" |" "$demo/app/src/main/AndroidManifest.xml" >"$out/AndroidManifest.xml"
min_sdk=$(sed -n 's/^ *minSdk = \([0-9]*\).*/\1/p' "$demo/app/build.gradle.kts")
target_sdk=$(sed -n 's/^ *targetSdk = \([0-9]*\).*/\1/p' "$demo/app/build.gradle.kts")
# -F packs the resources too, so a bad reference in the manifest or a layout fails here.
aapt package -f -m -J "$rdir" -F "$out/resources.ap_" -M "$out/AndroidManifest.xml" \
    -S "$demo/app/src/main/res" -I "$jar" --min-sdk-version "$min_sdk" --target-sdk-version "$target_sdk"
find "$rdir" -name R.java

section "Every English string has its Hindi and Persian translation"
names() { grep -o '<string\(-array\)\? name="[^"]*"' "$1" | sort; }
for lang in hi fa; do
    missing=$(comm -23 <(names "$demo/app/src/main/res/values/strings.xml") \
        <(names "$demo/app/src/main/res/values-$lang/strings.xml"))
    if [ -n "$missing" ]; then
        echo "android-check: values-$lang/strings.xml lacks:" >&2
        echo "$missing" >&2
        exit 1
    fi
    echo "values-$lang: complete"
done

section "AndroidX Test's classes for Robolectric (its aars' classes.jar)"
# Robolectric needs androidx.test's monitor and idling resources, which come as
# aars; Maven puts jars on a classpath, so their classes.jar is taken out.
mkdir -p "$out/androidx"
for a in androidx.test:monitor:1.7.2 androidx.test.espresso:espresso-idling-resource:3.6.1; do
    "${mvn[@]}" dependency:get -Dtransitive=false -Dartifact="$a:aar"
    IFS=: read -r g n v <<<"$a"
    unzip -p "$repo/${g//.//}/$n/$v/$n-$v.aar" classes.jar >"$out/androidx/$n-$v.jar"
done
ls "$out/androidx"

section "Robolectric's view of the app: test_config.properties"
mkdir -p "$out/robolectric/com/android/tools"
cat >"$out/robolectric/com/android/tools/test_config.properties" <<PROPS
android_resource_apk=$out/resources.ap_
android_merged_manifest=$out/AndroidManifest.xml
android_custom_package=$namespace
PROPS

section "Compile every Kotlin source of the app against the Android framework, then run its Activities under Robolectric"
# The screenshot tests rewrite docs/screenshots/android/*.png.
(cd "$demo/check" && "${mvn[@]}" test -Dr.dir="$rdir")
classes=$(find "$out/classes" -name '*Activity.class' | wc -l)
echo "compiled: $(find "$out/classes" -name '*.class' | wc -l) classes, $classes activities"
[ "$classes" -gt 0 ] || { echo "android-check: no Activity was compiled" >&2; exit 1; }
awk '/^Tests run:/ { run += $3; failed += $5; errors += $7 }
     END { gsub(",", "", run); printf "robolectric: %d passed, %d failed\n", run - failed - errors, failed + errors; if (run == 0) exit 1 }' \
    "$out/surefire-reports"/*.txt
echo "screenshots: $(ls "$root/docs/screenshots/android" | tr '\n' ' ')"

section "android-check passed in $((SECONDS - started)) s"
