#!/usr/bin/env bash
# The test command: installs what is missing, then runs unit and integration tests, type checks
# and lint. Integration tests start etcd, FerretDB and moto themselves unless they are running
# (or MONGO_URL / ETCD_ENDPOINTS / AWS_ENDPOINT_URL point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/run-tests.mjs
