#!/usr/bin/env bash
# GUI smoke test: create a vault with the CLI, start the real binary on it under Xvfb, wait for
# its window and save a screenshot of the sign-in screen. Fails if no window appears, the
# program dies, the picture is blank or the window is not titled "Keyholder".
#   scripts/smoke-test.sh [BINARY] [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/keyholder}
out=${2:-target/smoke/sign-in.png}
[ -x "$bin" ] || { echo "smoke test: no program at $bin (build it first)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/data"   # no remembered window size from earlier runs
KEYHOLDER_PASSWORD="smoke test lantern orbit meadow" "$bin" --vault "$work/office.khv" \
  init --operator "Office Manager" --kdf-memory-mib 19 --kdf-iterations 2 >/dev/null 2>&1
if ! result=$(scripts/screenshot.sh "$out" -- "$bin" --vault "$work/office.khv" 2>"$work/err"); then
  echo "smoke test: failed:" >&2; grep -v WARN "$work/err" >&2; exit 1
fi
echo "$result"
case $result in
  *"(Keyholder,"*) echo "smoke test: ok, the window is up and titled Keyholder ($out)";;
  *) echo "smoke test: the window title is wrong: $result" >&2; exit 1;;
esac
