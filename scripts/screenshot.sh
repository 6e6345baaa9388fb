#!/usr/bin/env bash
# Start a program on a virtual X display, wait for its window, optionally type into it, and
# save a PNG of the screen.
#
#   scripts/screenshot.sh OUT.png [--size 1280x800] [--wait SECONDS] [--keys "KEY …"] -- COMMAND [ARGS…]
#
# --keys: xdotool key names sent one by one; `sleep:N` waits N seconds instead, `type:TEXT`
# types TEXT (no spaces), `click:X,Y` clicks at window coordinates, `wheel:N` scrolls down N notches, `mouse-away` parks the pointer in a corner (no tooltips). Exits non-zero if no window appears, the program dies, or the
# picture is a single colour. Needs xvfb, xdotool and imagemagick (scripts/install-gui-deps.sh).
set -euo pipefail
out=$1; shift
size=1280x800; wait_s=60; keys=""
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2;;
    --wait) wait_s=$2; shift 2;;
    --keys) keys=$2; shift 2;;
    --) shift; break;;
    *) echo "screenshot.sh: unknown option $1" >&2; exit 2;;
  esac
done
[ $# -gt 0 ] || { echo "screenshot.sh: no command given" >&2; exit 2; }

# shellcheck source=scripts/xvfb.sh
source "$(dirname "$0")/xvfb.sh"
app=""; XVFB_PID=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
start_xvfb "$size"
# The program's messages, passed on at the end (the caller reads them).
app_err=$(mktemp)
trap 'cleanup; cat "$app_err" >&2; rm -f "$app_err"' EXIT
started=1
"$@" 2>"$app_err" &
app=$!

wid=""
for _ in $(seq $((wait_s * 5))); do
  wid=$(xdotool search --onlyvisible --name 'Keyholder' 2>/dev/null | head -n 1 || true)
  [ -n "$wid" ] && break
  if ! kill -0 "$app" 2>/dev/null; then
    # Turned away by the X server in a moment it was not taking clients: start it again.
    if [ $started -lt 3 ] && grep -q "Failed to open connection to X server" "$app_err"; then
      started=$((started + 1)); : >"$app_err"; sleep 1
      "$@" 2>"$app_err" &
      app=$!
      continue
    fi
    echo "screenshot.sh: the program exited before showing a window" >&2; exit 1
  fi
  sleep 0.2
done
[ -n "$wid" ] || { echo "screenshot.sh: no window within ${wait_s}s" >&2; exit 1; }

sleep 2   # let the first frames draw
if [ -n "$keys" ]; then
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  for k in $keys; do
    case $k in
      sleep:*) sleep "${k#sleep:}";;
      type:*) xdotool type --window "$wid" --delay 40 "${k#type:}"; sleep 0.3;;
      click:*) xy=${k#click:}; xdotool mousemove --window "$wid" "${xy%,*}" "${xy#*,}" click 1; sleep 0.5;;
      wheel:*) xdotool click --repeat "${k#wheel:}" --delay 50 5; sleep 0.5;;
      mouse-away) xdotool mousemove --window "$wid" 1 1; sleep 0.5;;
      *) xdotool key --window "$wid" "$k"; sleep 0.3;;
    esac
  done
  sleep 1
fi
kill -0 "$app" 2>/dev/null || { echo "screenshot.sh: the program died" >&2; exit 1; }
import -window "$wid" "$out"
colours=$(convert "$out" -format '%k' info:)
title=$(xdotool getwindowname "$wid" 2>/dev/null || echo '?')
echo "screenshot.sh: $out ($title, $colours colours)"
[ "$colours" -gt 1 ] || { echo "screenshot.sh: the picture is a single colour" >&2; exit 1; }
