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

# A policy most have acknowledged and a course, for the Policies & evidence screen.
KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" policy add "Data protection" --version 2026.1 >/dev/null 2>&1
KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" training add "Phishing awareness" --every-days 182 >/dev/null 2>&1
for email in $(KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" staff list --json 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["status"] == "active":
        print(p["email"])' | head -n 20); do
  KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" policy ack "Data protection" "$email" >/dev/null 2>&1
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
shot settings "Keyholder — demo" "$in click:40,374 sleep:1"
KEYHOLDER_THEME=light shot overview "Keyholder — demo" "$in ctrl+2"
shot policies-evidence "Keyholder — demo" "$in click:60,305 sleep:1 mouse-away"
# The demo's lost laptop: its clock, the decisions taken and to take, its containment.
shot incident "Keyholder — demo" "$in click:47,282 sleep:1 click:812,139 sleep:1 mouse-away"
# The Directories screen after "Check now", against a throwaway slapd shaped like the demo
# office (scripts/demo-directory.sh); last, because the check puts a row on the dashboard.
people="$work/people.txt"
KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" staff list --json 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["status"] != "joining":
        print(p["email"], p["team"])' >"$people"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=$(bash scripts/demo-directory.sh "$work/ldap" "$port" <"$people")
trap 'kill "$(cat "$work/ldap/slapd.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$work"' EXIT
kh() { KEYHOLDER_PASSWORD=$pw "$bin" --vault "$vault" "$@" >/dev/null 2>&1; }
KEYHOLDER_DIRECTORY_PASSWORD=demo-admin-password kh directory add "Office directory" --kind openldap --url "$url" \
  --base-dn dc=example,dc=org --bind-dn cn=admin,dc=example,dc=org
kh directory map "Office directory" --accounts Email
kh directory map "Office directory" --group "cn=Payroll Users,ou=Groups,dc=example,dc=org" Payroll user
shot directories "Keyholder — demo" "$in click:47,259 sleep:1 click:724,102 sleep:1 click:227,170 sleep:3 mouse-away"
# A leaver's account item in that directory: what ticking it will send, before it is sent.
shot directory-preview "Keyholder — demo" "$in ctrl+4 sleep:1 click:276,76 sleep:1 click:195,199 sleep:2 mouse-away"
exit $failed
