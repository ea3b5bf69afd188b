#!/usr/bin/env bash
# Makes sure Prometheus and promtool are installed (Debian package `prometheus`, once) and prints
# PROMETHEUS=<path> and PROMTOOL=<path>. Used by `LCM_PROMETHEUS=1 bash scripts/dev.sh` and by the
# tests that check the alert rules (deployment/src/helm.int-spec.ts).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  echo "[prometheus] installing the Debian package prometheus (once)" >&2
  as_root apt-get update -qq >&2 || true
  # The package's post-install starts a system service; the local run starts its own instance instead.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then as_root systemctl stop prometheus >&2 || true; fi
fi
echo "PROMETHEUS=$(command -v prometheus)"
echo "PROMTOOL=$(command -v promtool)"
