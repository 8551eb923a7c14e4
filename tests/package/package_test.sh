#!/usr/bin/env bash
# The Debian package (cmake/Package.cmake) as a lab installs it: built with CPack from BUILD_DIR,
# unpacked into a scratch root (dpkg -x), then the installed binary prints the libraries it runs
# with and scans the bundled sample evidence with the installed profile; the package declares the
# Debian packages it needs. Needs dpkg-dev (dpkg-shlibdeps) and file.
#   tests/package/package_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package test: FAIL: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/triage_*.deb)
echo "package test: $(basename "$deb"), $(stat -c %s "$deb") bytes"
depends=$(dpkg-deb -f "$deb" Depends)
echo "package test: Depends: $depends"
for needed in libtsk19 libexif12 libheif1 libopencv-core libavcodec libmagic1 libsqlite3-0 libssl3; do
  [[ $depends == *"$needed"* ]] || fail "Depends does not name $needed"
done
dpkg -x "$deb" "$work/root"
for f in usr/bin/triage usr/share/man/man1/triage.1 usr/share/triage/profiles/uk.json usr/share/triage/profiles/vics-us.json; do
  [[ -e $work/root/$f ]] || fail "the package does not install /$f"
done
version=$("$work/root/usr/bin/triage" --version)
echo "$version" | sed 's/^/package test: /'
for lib in libtsk OpenCV libexif libheif FFmpeg SQLite OpenSSL; do
  grep -q "^  $lib " <<<"$version" || fail "--version does not name $lib"
done
set +e
"$work/root/usr/bin/triage" scan "$source_dir/samples/evidence" "$source_dir/samples/disk/sample-fat12.img" \
  --hashset "$source_dir/samples/hashsets/sample-uk.vics.json" --profile "$work/root/usr/share/triage/profiles/uk.json" \
  --out "$work/case" >"$work/summary.txt" 2>"$work/err.txt"
rc=$?
set -e
[[ $rc -eq 0 || $rc -eq 1 ]] || { cat "$work/err.txt" >&2; fail "the installed triage scan exited $rc"; }
grep -q "Category A" "$work/summary.txt" || fail "the sample scan found no Category A item"
(cd "$work/case" && sha256sum -c --quiet SHA256SUMS) || fail "the sample case's SHA256SUMS does not check"
echo "package test: the installed triage scanned the sample evidence (exit $rc), SHA256SUMS checks"
