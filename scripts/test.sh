#!/usr/bin/env bash
# The test command: installs what is missing (dependencies, Debian's chromium), then runs unit,
# integration, browser and end-to-end tests, type checks and lint. Integration tests start etcd,
# FerretDB and moto themselves unless they are running (or MONGO_URL / ETCD_ENDPOINTS /
# AWS_ENDPOINT_URL point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
# Browser tests run in several steps (the control plane's API docs page, the dashboard), so the
# browser is installed before any of them.
CHROMIUM_PATH=$(bash scripts/ensure-browser.sh)
export CHROMIUM_PATH
node scripts/run-tests.mjs
