#!/usr/bin/env bash
# Sourced by the scripts that need a virtual X display: `start_xvfb WIDTHxHEIGHT` starts Xvfb,
# waits until it accepts connections and exports DISPLAY; XVFB_PID is its process.
# Xvfb picks the display number itself (-displayfd): a number that looks free in /tmp can still
# be taken by another Xvfb in the same network namespace (another CI job), and the socket file
# appears before the server is ready, so neither is checked by hand. -noreset: by default Xvfb
# resets whenever its last client leaves, and a program connecting during that reset is turned
# away ("Failed to open connection to X server"); then the display is asked once (xdpyinfo)
# before it is handed over.
start_xvfb() {
  local size=$1 ready_file
  ready_file=$(mktemp)
  Xvfb -displayfd 3 -noreset -screen 0 "${size}x24" -nolisten tcp 3>"$ready_file" >/dev/null 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 300); do
    if [ -s "$ready_file" ]; then
      DISPLAY=:$(tr -dc '0-9' <"$ready_file")
      export DISPLAY
      rm -f "$ready_file"
      for _ in $(seq 100); do
        xdpyinfo >/dev/null 2>&1 && return 0
        sleep 0.1
      done
      echo "xvfb.sh: Xvfb on $DISPLAY does not answer" >&2
      return 1
    fi
    kill -0 "$XVFB_PID" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$ready_file"
  kill "$XVFB_PID" 2>/dev/null || true
  echo "xvfb.sh: Xvfb did not start (is the xvfb package installed?)" >&2
  return 1
}
