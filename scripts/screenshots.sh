#!/usr/bin/env bash
# The README's screenshots, taken from the real program under Xvfb on a 30-person demo office
# with an access review in progress. Each picture must be non-blank (screenshot.sh checks) and
# its window must carry the expected title, or the script fails.
#   scripts/screenshots.sh [BINARY] [OUT_DIR]   (defaults: target/debug/keyholder, assets/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/keyholder}
out=${2:-assets/screenshots}
[ -x "$bin" ] || { echo "screenshots: no program at $bin (build it first)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Window size and theme of these runs only, never the developer's.
export XDG_DATA_HOME="$work/data"
pw=copper-lantern-orbit-meadow-7
vault="$work/demo.khv"
KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" --operator Ada demo --staff 30 \
  --kdf-memory-mib 19 --kdf-iterations 2 >/dev/null 2>&1
KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" review start >/dev/null 2>&1
for item in $(KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" review items 1 2>/dev/null | cut -f1 | head -n 8); do
  KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" review decide "$item" keep --comment "still needed" >/dev/null 2>&1
done

in="type:$pw Return sleep:3"
failed=0
shot() {  # NAME EXPECTED_TITLE KEYS [VAULT]; a second try if the first run fails (a busy machine)
  local result="" attempt
  for attempt in 1 2; do
    if result=$(scripts/screenshot.sh "$out/$1.png" --keys "$3" -- "$bin" --vault "${4:-$vault}" 2>"$work/err"); then
      break
    fi
    echo "screenshots: $1, attempt $attempt: $(grep -v WARN "$work/err" | tail -n 2)" >&2
    result=""
  done
  [ -n "$result" ] || { failed=1; return; }
  case $result in
    *"($2,"*) echo "$result";;
    *) echo "screenshots: $1 has the wrong window title: $result (expected $2)" >&2; failed=1;;
  esac
}
shot sign-in "Keyholder" ""
# A new vault: the office's name, yours, the password twice, then the recovery key to keep.
shot recovery-key "Keyholder" "type:Brightside Tab type:Ada Tab type:$pw Tab type:$pw Return sleep:5 mouse-away" \
  "$work/new.khv"
shot dashboard "Keyholder — demo" "$in"
shot staff "Keyholder — demo" "$in ctrl+3"
shot joiners-leavers "Keyholder — demo" "$in ctrl+4 mouse-away"
shot checklist "Keyholder — demo" "$in ctrl+4 sleep:1 click:276,76 sleep:1 mouse-away"
shot access-review "Keyholder — demo" "$in ctrl+5 sleep:1 click:278,100"
shot shared-secrets "Keyholder — demo" "$in ctrl+6 sleep:1 click:230,72"
shot systems "Keyholder — demo" "$in ctrl+7 sleep:1 click:215,100 sleep:1 mouse-away"
shot access-matrix "Keyholder — demo" "$in ctrl+9"
shot enrol-authenticator "Keyholder — demo" "$in ctrl+3 sleep:1 click:225,152 sleep:1 click:416,359 sleep:1"
shot help "Keyholder — demo" "$in F1"
shot settings "Keyholder — demo" "$in click:40,305 sleep:1"
KEYHOLDER_THEME=light shot overview "Keyholder — demo" "$in ctrl+2"
exit $failed
