#!/bin/sh
# Builds the launcher and its runtime classpath into app/target/digitstream/ (bin/digitstream,
# lib/*.jar): the one build the Docker image runs, and the one CI checks on a fresh clone.
#
#   scripts/build-dist.sh [amd64|arm64]     (default: this machine's architecture)
#
# The architecture picks Deeplearning4j's natives (ND4J ships a oneDNN build for x86-64 only).
# Afterwards it checks that no class is on the classpath twice (two versions of one library, or
# one library under two names): the JVM would load whichever jar comes first.
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
rm -rf "$dist" # one build's jars only: natives of another architecture must not stay behind
./mvnw -B -q -Pdist -pl app -am package -DskipTests \
  -Dnd4j.platform="$platform" -Dnd4j.natives.extension="$extension" -Djavacpp.platform="$platform"

[ -x "$dist/bin/digitstream" ] || { echo "build-dist: $dist/bin/digitstream is missing" >&2; exit 1; }

# every .class entry with the jar it comes from; a class in two jars is a conflict
duplicates=$(for jar in "$dist"/lib/*.jar; do
  unzip -Z1 "$jar" 2>/dev/null | grep '\.class$' | grep -v -e '^META-INF/' -e 'module-info\.class$' \
    | sed "s|\$| $(basename "$jar")|"
done | sort | awk '{ if ($1 == last) { print lastjar " and " $2 ": " $1 } last = $1; lastjar = $2 }')
if [ -n "$duplicates" ]; then
  echo "build-dist: classes on the classpath twice:" >&2
  echo "$duplicates" | head -20 >&2
  exit 1
fi
echo "build-dist: $(ls "$dist"/lib | wc -l) jars in $dist/lib, no class twice; run $dist/bin/digitstream --help" >&2
