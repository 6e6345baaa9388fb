#!/usr/bin/env bash
# Proves that signing in leaves no password behind and that locking wipes the data key: the
# real GUI on its own Xvfb display signs in to a throwaway vault (password, then the
# authenticator code), is dumped with gcore, locked with Ctrl+L and dumped again; then it sets
# a new password with the recovery key form (which signs in), is dumped, locked and dumped
# again. Each dump is searched for the data key (raw bytes, hex in both cases), both passwords,
# the recovery key and the operator's TOTP secret (raw bytes and base 32), whole and in pieces.
#
#   scripts/memory-dump-check.sh BINARY [KEY_HELPER]
#
# BINARY is a built `keyholder` (e.g. target/debug/keyholder); KEY_HELPER prints the vault's
# data key and defaults to examples/memory_dump_key beside it (`cargo test` builds it). Builds
# and installs nothing. Needs the Debian packages xvfb, xdotool, gdb (gcore) and python3, plus
# the GUI's run-time libraries (scripts/install-gui-deps.sh).
#
# MEMORY_DUMP_KEEP=DIR keeps the dumps and memory maps there, to look into with gdb.
#
# Fails when: the data key is NOT found while signed in (the search would prove nothing), a
# password, the recovery key or the key's hex text is found while signed in, or anything at
# all is found once locked.
set -euo pipefail
bin=${1:?usage: scripts/memory-dump-check.sh BINARY [KEY_HELPER]}
helper=${2:-$(dirname "$bin")/examples/memory_dump_key}
[ -x "$bin" ] || { echo "memory-dump-check: no program at $bin" >&2; exit 2; }
[ -x "$helper" ] || { echo "memory-dump-check: no key helper at $helper (cargo test builds it)" >&2; exit 2; }
for tool in Xvfb xdotool gcore python3; do
  command -v "$tool" >/dev/null || { echo "memory-dump-check: $tool is missing" >&2; exit 2; }
done
bin=$(realpath "$bin"); helper=$(realpath "$helper")
started=$(date +%s)

work=$(mktemp -d)
xvfb=""; app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "memory-dump-check: $*"; }
fail() { echo "memory-dump-check: FAILED: $*" >&2; exit 1; }

# The secrets are random so no copy of them can come from the program's own files.
operator=Ada
random_password() { echo "${1}-$(python3 -c 'import secrets; print(secrets.token_hex(10))')-meadow"; }
password=$(random_password lantern)
new_password=$(random_password orbit)
vault="$work/office.khv"
mkdir -p "$work/home" "$work/data" "$work/config" "$work/cache"
cli() { env -i PATH="$PATH" HOME="$work/home" XDG_DATA_HOME="$work/data" KEYHOLDER_PASSWORD="$password" "$@"; }
recovery=$(cli "$bin" --vault "$vault" init --operator "$operator" --kdf-memory-mib 19 --kdf-iterations 2 2>/dev/null)
key_hex=$(cli "$helper" "$vault" "$operator")
[ ${#key_hex} -eq 64 ] || fail "the key helper printed no key"

# Two-step sign-in on, so the TOTP secret is read and the code field is used.
totp() {  # URI [STEP]: the code for a step (now by default); prints "STEP CODE"
  python3 - "$@" <<'PY'
import base64, hashlib, hmac, struct, sys, time, urllib.parse
query = urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)
secret = query["secret"][0]
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
step = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time()) // 30
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
offset = mac[-1] & 15
print(step, "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
}
uri=$(cli "$bin" --vault "$vault" operator totp enable 2>/dev/null)
read -r confirm_step code <<<"$(totp "$uri")"
cli "$bin" --vault "$vault" operator totp enable --confirm "$code" >/dev/null 2>&1 || fail "cannot turn on two-step sign-in"
totp_secret=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)["secret"][0])' "$uri")

# shellcheck source=scripts/xvfb.sh
source "$(dirname "$0")/xvfb.sh"
start_xvfb 1280x800 || fail "no X display"
xvfb=$XVFB_PID
display=$DISPLAY

# No secret in the GUI's environment or arguments: only what is typed into its window.
env -i PATH="$PATH" HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
  XDG_CACHE_HOME="$work/cache" DISPLAY="$display" "$bin" --vault "$vault" >"$work/gui.log" 2>&1 &
app=$!

wid=""
for _ in $(seq 300); do
  wid=$(xdotool search --onlyvisible --name '^Keyholder' 2>/dev/null | head -n 1 || true)
  [ -n "$wid" ] && break
  kill -0 "$app" 2>/dev/null || fail "the program exited before showing a window: $(tail -n 3 "$work/gui.log")"
  sleep 0.2
done
[ -n "$wid" ] || fail "no window within 60 s"
title() { xdotool getwindowname "$wid" 2>/dev/null || echo '?'; }
wait_title() {  # PATTERN SECONDS
  for _ in $(seq $(($2 * 5))); do
    # shellcheck disable=SC2053
    [[ $(title) == $1 ]] && return 0
    kill -0 "$app" 2>/dev/null || fail "the program died: $(tail -n 3 "$work/gui.log")"
    sleep 0.2
  done
  fail "the window title is '$(title)', not '$1', after $2 s"
}
# Typed as a person does, with pauses: egui keeps an undo point of a field's text once it has
# stood still for a second.
type_slowly() {
  xdotool type --window "$wid" --delay 60 "${1:0:12}"
  sleep 1.5
  xdotool type --window "$wid" --delay 60 "${1:12}"
  sleep 1.5
}
press() { for k in "$@"; do xdotool key --window "$wid" "$k"; sleep 0.3; done; }

sleep 2   # the first frames
xdotool windowfocus --sync "$wid"
type_slowly "$password"   # the form puts the cursor in the password field (one operator)
press Return
sleep 4   # the key derivation (fast at this cost) and the code screen
# The code must be for a later step than the one used to confirm (a code is accepted once).
while :; do
  read -r step code <<<"$(totp "$uri")"
  [ "$step" -gt "$confirm_step" ] && [ $(( $(date +%s) % 30 )) -lt 25 ] && break
  sleep 1
done
xdotool type --window "$wid" --delay 40 "$code"
press Return
wait_title 'Keyholder — *' 30
sleep 2   # a few frames of the signed-in office

failed=0
dump_and_search() {  # NAME: dump the GUI, print the hits per secret, keep the counts in NAME.hits
  local name=$1
  cp "/proc/$app/maps" "$work/$name.maps"
  gcore -o "$work/$name" "$app" >"$work/gcore.log" 2>&1 || fail "gcore failed: $(tail -n 3 "$work/gcore.log")"
  python3 - "$work/$name.$app" "$work/$name.maps" "$work/$name.hits" \
    "$key_hex" "$password" "$new_password" "$recovery" "$totp_secret" <<'PY'
import base64, mmap, os, struct, sys
core, maps, hits, key_hex, password, new_password, recovery, totp_secret = sys.argv[1:]
totp_raw = base64.b32decode(totp_secret + "=" * (-len(totp_secret) % 8))
secrets = [
    ("key.raw", "data key, 32 raw bytes", bytes.fromhex(key_hex)),
    ("key.hex", "data key, hex lower case", key_hex.lower().encode()),
    ("key.HEX", "data key, hex upper case", key_hex.upper().encode()),
    ("password", "password (UTF-8)", password.encode()),
    ("password16", "password (UTF-16)", password.encode("utf-16-le")),
    ("new-password", "new password (UTF-8)", new_password.encode()),
    ("new-password16", "new password (UTF-16)", new_password.encode("utf-16-le")),
    ("recovery", "recovery key as shown", recovery.encode()),
    ("recovery.plain", "recovery key without dashes", recovery.replace("-", "").encode()),
    ("totp.raw", "TOTP secret, raw bytes", totp_raw),
    ("totp.b32", "TOTP secret, base 32", totp_secret.encode()),
]
PIECE = 16  # a freed block keeps all but its first 16 bytes (the allocator's list pointers)
with open(core, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
    # The core's PT_LOAD headers map file offsets to addresses; /proc/PID/maps names them.
    phoff, phentsize, phnum = struct.unpack_from("<Q", m, 0x20)[0], *struct.unpack_from("<HH", m, 0x36)
    loads = []
    for i in range(phnum):
        kind, flags, offset, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", m, phoff + i * phentsize)
        if kind == 1 and filesz:
            loads.append((offset, offset + filesz, vaddr, flags))
    # Pieces are looked for where the program writes (most of a dump is code and read-only
    # mappings); whole copies everywhere.
    writable = [(lo, hi) for lo, hi, _, flags in loads if flags & 2]
    regions = []
    for line in open(maps):
        fields = line.split(maxsplit=5)
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        regions.append((lo, hi, fields[5].strip() if len(fields) > 5 else "[anonymous]"))
    def where(at):
        addr = next((vaddr + at - lo for lo, hi, vaddr, _ in loads if lo <= at < hi), None)
        if addr is None:
            return "(core notes)"
        name = next((n for lo, hi, n in regions if lo <= addr < hi), "?")
        return f"{addr:#x} {os.path.basename(name) if name.startswith('/') else name}"
    def find_all(needle, ranges):
        found = []
        for lo, hi in ranges:
            at = m.find(needle, lo, hi)
            while at >= 0:
                found.append(at)
                at = m.find(needle, at + 1, hi)
        return found
    print(f"  {os.path.basename(core)}: {len(m) / 2**20:.0f} MiB, {sum(hi - lo for lo, hi in writable) / 2**20:.0f} MiB writable;"
          f" whole copies, and places holding a piece of {PIECE}+ bytes")
    with open(hits, "w") as out:
        for short, label, secret in secrets:
            whole = find_all(secret, [(0, len(m))])
            starts = set(whole)
            step = 1 if len(secret) <= 48 else 8
            for i in range(0, len(secret) - PIECE + 1, step):
                starts.update(at - i for at in find_all(secret[i:i + PIECE], writable))
            places = sorted(starts)
            shown = ", ".join(where(max(at, 0)) for at in places[:6]) + (" …" if len(places) > 6 else "")
            print(f"  {label:30} {len(whole):4} whole {len(places):4} places" + (f"  [{shown}]" if places else ""))
            print(short, len(whole), len(places), file=out)
PY
  if [ -n "${MEMORY_DUMP_KEEP:-}" ]; then
    mkdir -p "$MEMORY_DUMP_KEEP"
    mv "$work/$name.$app" "$work/$name.maps" "$MEMORY_DUMP_KEEP/"
  fi
  rm -f "$work/$name.$app"
}
hits() { awk -v k="$1" '$1 == k { print $3 }' "$work/$2.hits"; }  # SECRET DUMP: places
expect_found() {  # DUMP SECRET
  [ "$(hits "$2" "$1")" -gt 0 ] || fail "$2 is not in the $1 dump, where it must be: the search proves nothing"
}
expect_gone() {  # DUMP SECRET…: each must be in no place of the dump
  local dump=$1 k n; shift
  for k in "$@"; do
    n=$(hits "$k" "$dump")
    [ "$n" -eq 0 ] || { echo "memory-dump-check: $k is in the $dump dump ($n places)" >&2; failed=1; }
  done
}
everything=(key.raw key.hex key.HEX password password16 new-password new-password16 recovery recovery.plain totp.raw totp.b32)
typed=(key.hex key.HEX password password16 new-password new-password16 recovery recovery.plain)
lock_and_check() {  # DUMP
  press ctrl+l
  wait_title 'Keyholder' 10
  sleep 2   # a few frames of the sign-in screen
  say "locked ($(title)); dumping"
  dump_and_search "$1"
  expect_gone "$1" "${everything[@]}"
}

say "signed in with the password and the code ($(title)); dumping"
dump_and_search signed-in
expect_found signed-in key.raw
expect_gone signed-in "${typed[@]}"
lock_and_check locked

# The recovery key form, by keyboard: the sign-in form has the cursor in the password field,
# Tab skips the disabled Sign in button to the recovery link; in the form, Tab starts at the top.
press Tab Return
sleep 1
press Tab Tab Tab   # the "Locked." notice's Dismiss button, the operator, the recovery key
type_slowly "$recovery"
press Tab
type_slowly "$new_password"
press Tab
type_slowly "$new_password"
press Tab Return
wait_title 'Keyholder — *' 30
sleep 2
say "signed in with the recovery key and a new password ($(title)); dumping"
dump_and_search recovered
expect_found recovered key.raw
expect_gone recovered "${typed[@]}"
lock_and_check locked-again

kill -0 "$app" 2>/dev/null || fail "the program died: $(tail -n 3 "$work/gui.log")"
[ $failed -eq 0 ] || fail "secrets left in memory (see above); $(( $(date +%s) - started )) s"
say "ok: no password, recovery key or key text once signed in; no key, password, recovery key or TOTP secret once locked ($(( $(date +%s) - started )) s)"
