#!/usr/bin/env bash
# Sets everything up and runs the system locally: installs dependencies, starts etcd, FerretDB
# and moto on loopback (or uses those already running), builds the dashboard, then the project's
# processes (simulators, OIDC provider, control plane, controllers). Ctrl-C stops them all, and
# the servers this run started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
infra_output=$(bash scripts/infra/up.sh)
started=$(echo "$infra_output" | sed -n 's/^LCM_INFRA_STARTED=//p' | tr ',' ' ')

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Only what this run started: down.sh without names would stop servers others are using.
  if [ -n "$started" ]; then bash scripts/infra/down.sh $started; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

echo "[dev] building the dashboard (apps/dashboard/dist)"
pnpm exec nx run dashboard:build --outputStyle=stream >/dev/null

# The apps (simulators, development OIDC provider, control plane, controllers) start through the
# launcher the e2e suite uses (libs/testing/src/system/launcher.ts): ports, wiring and settings live
# there, moto is prepared for worker launches, and the addresses are printed once every app answers.
# Any of its settings can be overridden from the environment (see launch-system.main.ts).
SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/testing/src/system/launch-system.main.ts &
pids+=($!)

# Optional: Prometheus (Debian package) scraping every app, with the alert rules of the deployments.
if [ "${LCM_PROMETHEUS:-}" = 1 ]; then
  prometheus_bin=$(bash scripts/tools/prometheus.sh | sed -n 's/^PROMETHEUS=//p')
  mkdir -p .infra/prometheus-data
  "$prometheus_bin" --config.file=deployment/prometheus/prometheus.local.yml \
    --storage.tsdb.path=.infra/prometheus-data --web.listen-address="127.0.0.1:${LCM_PROMETHEUS_PORT:-9090}" \
    > >(sed -u 's/^/[prometheus] /') 2>&1 &
  pids+=($!)
  echo "[dev] Prometheus: http://127.0.0.1:${LCM_PROMETHEUS_PORT:-9090} (targets at /targets, alerts at /alerts)"
fi

wait
