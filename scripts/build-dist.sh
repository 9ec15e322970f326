#!/bin/sh
# Builds the launcher and its runtime classpath into app/target/digitstream/ (bin/digitstream,
# lib/*.jar): the one build the Docker image runs, and the one CI checks on a fresh clone. On the
# way it builds the serving-only install, app-serving/target/digitstream-serving/
# (bin/digitstream-serving: classifier, console, accuracy, producer, model import; no training stack).
#
#   scripts/build-dist.sh [amd64|arm64]     (default: this machine's architecture)
#
# The architecture picks Deeplearning4j's natives (ND4J ships a oneDNN build for x86-64 only).
# Afterwards it checks that no class is on the classpath twice (scripts/ClassConflicts.java).
set -eu
cd "$(dirname "$0")/.."

arch=${1:-$(uname -m)}
case "$arch" in
  amd64|x86_64) platform=linux-x86_64; extension=-onednn ;;
  arm64|aarch64) platform=linux-arm64; extension= ;;
  *) echo "build-dist: no natives for architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac

echo "build-dist: building for $platform${extension}" >&2
dist=app/target/digitstream
rm -rf "$dist" app-serving/target/digitstream-serving # one build's jars only: natives of another architecture must not stay behind
./mvnw -B -q -Pdist -pl app -am package -DskipTests \
  -Dnd4j.platform="$platform" -Dnd4j.natives.extension="$extension" -Djavacpp.platform="$platform"

serving=app-serving/target/digitstream-serving
[ -x "$dist/bin/digitstream" ] || { echo "build-dist: $dist/bin/digitstream is missing" >&2; exit 1; }
[ -x "$serving/bin/digitstream-serving" ] || { echo "build-dist: $serving/bin/digitstream-serving is missing" >&2; exit 1; }

# Each install logs through logback: without it SLF4J falls back to logging nothing, silently (a
# module inheriting the parent's test-scoped logback once lost it this way).
for lib in "$dist/lib" "$serving/lib"; do
  ls "$lib"/*logback-classic-*.jar >/dev/null 2>&1 || { echo "build-dist: $lib has no logging backend (logback-classic)" >&2; exit 1; }
done

# No class may be on the classpath twice. The check runs on the JDK alone (the build image has no
# unzip), and a check that cannot run fails the build rather than passing with nothing checked.
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
checked=$("$java" scripts/ClassConflicts.java "$dist/lib") || exit 1
echo "build-dist: $dist/lib: $checked; run $dist/bin/digitstream --help" >&2
checked=$("$java" scripts/ClassConflicts.java "$serving/lib") || exit 1
echo "build-dist: $serving/lib: $checked, $(du -sh "$serving/lib" | cut -f1); run $serving/bin/digitstream-serving --help" >&2
