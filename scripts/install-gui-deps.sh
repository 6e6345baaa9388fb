#!/usr/bin/env bash
# Install the Debian packages a bare machine needs to build Keyholder, run its tests and its
# headless GUI checks (idempotent; run as root or with sudo available).
#   build: gcc, make, perl (the vendored OpenSSL inside SQLCipher is built from source)
#   xvfb, xdotool, imagemagick: a virtual display, window control, screenshots
#   mesa and X libraries: software OpenGL for the real window under Xvfb
#   desktop-file-utils: checks the installed .desktop entry
#   bindfs: a FUSE file system for the test that a vault there is refused
#   gdb: gcore, for the memory-dump check (no key or password left after lock)
#   oathtool: an independent TOTP implementation to check shared accounts' codes against
#   qpdf, poppler-utils: independent PDF readers to check the reports against
#   slapd, ldap-utils, openssl: a real OpenLDAP server the directory tests start on loopback,
#     and the throwaway CA and certificate for its LDAPS and StartTLS
#   samba-ad-dc, samba-ad-provision, samba-dsdb-modules: a real Active Directory (Samba AD) that
#     the tests provision and start on loopback
#   python3-venv, and scim2-server 0.8.3 from PyPI in /opt/keyholder-scim: a real SCIM 2.0
#     server (in memory) the SCIM connector's tests start on loopback
#   postgresql: a real PostgreSQL server (initdb in a temporary folder, Unix socket only) that
#     the server-store tests start and stop themselves
#   python3: the memory-dump check computes TOTP codes and the screenshots read the staff list
set -euo pipefail
pkgs=(gcc make perl pkg-config xvfb xdotool imagemagick libgl1-mesa-dri libglx-mesa0 libegl1
      libxkbcommon-x11-0 libxcursor1 libxi6 libx11-xcb1 libxrandr2 x11-utils desktop-file-utils bindfs gdb oathtool
      qpdf poppler-utils slapd ldap-utils openssl python3 python3-venv samba-ad-dc samba-ad-provision
      samba-dsdb-modules postgresql)
# The SCIM 2.0 server the tests start (PyPI's in-memory scim2-server, pinned), in a venv of
# Debian's Python: tests/scim looks for it here.
scim_server=/opt/keyholder-scim/bin/scim2-server
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x "$scim_server" ]; then
  $sudo /usr/bin/python3 -m venv /opt/keyholder-scim
  $sudo /opt/keyholder-scim/bin/pip install -q scim2-server==0.8.3 >/dev/null
fi
[ ${#missing[@]} -eq 0 ] && exit 0
# Debian may start its own slapd (or Samba) on every address after installing it: the tests
# start their own on 127.0.0.1 only, so stop those.
for server in slapd samba; do
  if command -v pkill >/dev/null && pgrep -x "$server" >/dev/null; then $sudo pkill -x "$server" || true; fi
done
