#!/bin/sh
# Fetches the handwriting stand-ins (docs/BENCHMARKS.md, H2) from Debian packages into DIR
# (default benchmarks/target/stand-ins), without installing anything:
#   DIR/optdigits/digits.csv.gz   UCI "Optical Recognition of Handwritten Digits", test part: 1,797
#                                 digits by 13 writers, 8x8 (python3-sklearn carries it)
#   DIR/fonts/*.ttf, *.otf        handwriting-like fonts
#   DIR/*/copyright/<package>     each package's licence
# Idempotent: a second run with the files present does nothing.
#
#   benchmarks/stand-ins/fetch.sh [DIR]
set -eu
dir=${1:-$(dirname "$0")/../target/stand-ins}
[ -f "$dir/complete" ] && { echo "stand-ins: already in $dir" >&2; exit 0; }
command -v apt-get >/dev/null || { echo "stand-ins: needs apt-get and dpkg-deb (Debian)" >&2; exit 1; }

fonts="fonts-dkg-handwriting fonts-breip fonts-bwht fonts-femkeklaver fonts-humor-sans fonts-kristi
fonts-rufscript fonts-comic-neue fonts-dancingscript fonts-kaushanscript fonts-cabinsketch fonts-klee"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work" # apt-get downloads as its own user where it can
mkdir -p "$dir/optdigits/copyright" "$dir/fonts/copyright"
(cd "$work" && apt-get download -q python3-sklearn $fonts >/dev/null)
for deb in "$work"/*.deb; do
  package=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -x "$deb" "$work/$package"
  case "$package" in
    python3-sklearn)
      cp "$work/$package"/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz "$dir/optdigits/"
      cp "$work/$package"/usr/lib/python3/dist-packages/sklearn/datasets/descr/digits.rst "$dir/optdigits/README.rst"
      cp "$work/$package/usr/share/doc/$package/copyright" "$dir/optdigits/copyright/$package" ;;
    *)
      find "$work/$package/usr/share/fonts" -type f \( -name '*.ttf' -o -name '*.otf' \) -exec cp {} "$dir/fonts/" \;
      cp "$work/$package/usr/share/doc/$package/copyright" "$dir/fonts/copyright/$package" ;;
  esac
done
touch "$dir/complete"
echo "stand-ins: $(ls "$dir/fonts" | grep -c -E '\.(ttf|otf)$') fonts and the optdigits digits in $dir" >&2
