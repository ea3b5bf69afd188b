#!/usr/bin/env bash
# Stops, by pid, the servers up.sh started (all of them, or only those named) and removes their data.
set -euo pipefail
source "$(dirname "$0")/common.sh"

names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${SERVICES[@]}")
for name in "${names[@]}"; do
  pid_file="$STATE_DIR/$name.pid"
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "$name stopped (pid $pid)"
  fi
  data=$(cat "$STATE_DIR/$name.data" 2>/dev/null || true)
  [ -n "$data" ] && [ -d "$data" ] && rm -rf "$data"
  rm -f "$pid_file" "$STATE_DIR/$name.data"
done
