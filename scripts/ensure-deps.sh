#!/usr/bin/env bash
# Makes sure pnpm (the version package.json pins) and the workspace's dependencies are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  echo "[deps] installing pnpm $want" >&2
  npm install -g --no-update-notifier "pnpm@$want" >/dev/null
fi
pnpm install --frozen-lockfile --reporter=append-only >&2
