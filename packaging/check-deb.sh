#!/usr/bin/env bash
# Install a built .deb on this machine the way an office manager would (apt resolves its
# dependencies), then check what it installed and start the installed program under Xvfb.
#   bash packaging/check-deb.sh PATH.deb [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
shot=${2:-target/packages/installed.png}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --reinstall "$deb" >/dev/null  # --reinstall: the same version may be installed already
expected=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
version=$(/usr/bin/keyholder --version)
[ "$version" = "keyholder $expected" ] || { echo "check-deb: /usr/bin/keyholder says '$version', expected $expected" >&2; exit 1; }
for f in /usr/share/applications/keyholder.desktop /usr/share/icons/hicolor/256x256/apps/keyholder.png \
         /usr/share/icons/hicolor/scalable/apps/keyholder.svg /usr/share/metainfo/org.keyholder.Keyholder.metainfo.xml; do
  [ -f "$f" ] || { echo "check-deb: $f was not installed" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/keyholder.desktop; fi
echo "check-deb: installed $(basename "$deb"): $version, desktop entry and icons in place"
# Start the installed program (not the build tree's) on a fresh vault, under Xvfb.
bash scripts/smoke-test.sh /usr/bin/keyholder "$shot"
