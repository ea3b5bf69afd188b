#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the dashboard's browser tests (Playwright cannot
# download its own browser here); prints the executable's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "[browser] installing chromium with apt" >&2
  sudo=''
  [ "$(id -u)" -ne 0 ] && sudo='sudo'
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
fi
command -v chromium
