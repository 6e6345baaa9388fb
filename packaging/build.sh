#!/usr/bin/env bash
# Build the Linux installer: a release build packaged as a .deb by cargo-deb (installed first if
# missing). Prints the path of the .deb on the last line.
#   bash packaging/build.sh [OUT_DIR]      (default: target/packages)
# Windows and macOS installers are built on those systems; see packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
out=${1:-$target_dir/packages}
mkdir -p "$out"
if ! command -v cargo-deb >/dev/null; then
  echo "installing cargo-deb (once)…" >&2
  cargo install cargo-deb --locked --version 3.8.0 >&2
fi
cargo deb --locked --output "$out" >&2
deb=$(ls -t "$out"/keyholder_*.deb | head -n 1)
echo "$deb"
