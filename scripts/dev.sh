#!/usr/bin/env bash
# Sets everything up and runs the system locally: installs dependencies, starts etcd, FerretDB
# and moto on loopback, then the project's processes (simulators, control plane, controllers —
# each as soon as it exists in the tree). Ctrl-C stops them all, and the servers this run started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
infra_output=$(bash scripts/infra/up.sh)
started=$(echo "$infra_output" | sed -n 's/^LCM_INFRA_STARTED=//p' | tr ',' ' ')

# Local-run defaults; any of them can be overridden from the environment.
export SWC_NODE_PROJECT=${SWC_NODE_PROJECT:-tsconfig.base.json}
export AUTH_MODE=${AUTH_MODE:-development}
export DEV_AUTH_SECRET=${DEV_AUTH_SECRET:-local-development-secret-change-me}
export INTERNAL_API_KEYS=${INTERNAL_API_KEYS:-local-development-controller-key}
# Dashboard login (spec §2): the development OIDC provider on loopback (users admin, manager, user;
# password = username) and the control plane's session cookie.
export DEV_OIDC_PORT=${DEV_OIDC_PORT:-8030}
export OIDC_ISSUER=${OIDC_ISSUER:-http://127.0.0.1:$DEV_OIDC_PORT}
export OIDC_CLIENT_ID=${OIDC_CLIENT_ID:-lcm-dashboard}
export SESSION_SECRET=${SESSION_SECRET:-local-development-session-secret-change-me}
# Logs for people at a terminal (every app reads LOG_FORMAT; JSON is the default elsewhere).
export LOG_FORMAT=${LOG_FORMAT:-pretty}
# lablet-controller: the LDS and GradingEngine simulators post their CloudEvents to its /api/events;
# a worker's CML is the fleet simulator's worker keyed by its EC2 instance id (auto-registered).
export SIM_SINK_URL=${SIM_SINK_URL:-http://127.0.0.1:8082/api/events}
export LDS_URL=${LDS_URL:-http://127.0.0.1:9450}
export GRADING_URL=${GRADING_URL:-http://127.0.0.1:9460}

# worker-controller: EC2 + CloudWatch are moto on loopback unless AWS_ENDPOINT_URL says otherwise
# (set it to an empty string for real AWS); moto gets a VPC, subnet, security group and CML AMI, and
# every instance is a simulated CML host of the fleet simulator.
export AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL-http://127.0.0.1:5000}
export AWS_REGION=${AWS_REGION:-us-east-1}
export CML_URL_TEMPLATE=${CML_URL_TEMPLATE:-http://127.0.0.1:9440/workers/\{instance_id\}}
if [ -n "$AWS_ENDPOINT_URL" ]; then
  export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
  export WORKER_REGIONS_CONFIG=${WORKER_REGIONS_CONFIG:-.infra/worker-regions.json}
  pnpm exec tsx scripts/infra/moto-prepare.ts --out "$WORKER_REGIONS_CONFIG" >/dev/null
fi

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/infra/down.sh $started
}
trap stop_all EXIT INT TERM

run() { # name command...
  local name=$1; shift
  echo "[dev] starting $name: $*"
  "$@" 2>&1 | sed -u "s/^/[$name] /" &
  pids+=($!)
}

echo "[dev] building the dashboard (apps/dashboard/dist)"
pnpm exec nx run dashboard:build --outputStyle=stream >/dev/null
[ -f tools/dev-oidc-provider/src/main.ts ] && run dev-oidc-provider pnpm exec node -r @swc-node/register tools/dev-oidc-provider/src/main.ts
[ -f tools/simulators/src/main.ts ] && run simulators pnpm exec tsx tools/simulators/src/main.ts
[ -f apps/control-plane-api/src/main.ts ] && run control-plane-api pnpm exec node -r @swc-node/register apps/control-plane-api/src/main.ts
for app in resource-scheduler worker-controller lablet-controller; do
  [ -f "apps/$app/src/main.ts" ] && run "$app" pnpm exec node -r @swc-node/register "apps/$app/src/main.ts"
done

# Optional: Prometheus (Debian package) scraping every app, with the alert rules of the deployments.
if [ "${LCM_PROMETHEUS:-}" = 1 ]; then
  prometheus_bin=$(bash scripts/tools/prometheus.sh | sed -n 's/^PROMETHEUS=//p')
  mkdir -p .infra/prometheus-data
  run prometheus "$prometheus_bin" --config.file=deployment/prometheus/prometheus.local.yml \
    --storage.tsdb.path=.infra/prometheus-data --web.listen-address="127.0.0.1:${LCM_PROMETHEUS_PORT:-9090}"
  echo "[dev] Prometheus: http://127.0.0.1:${LCM_PROMETHEUS_PORT:-9090} (targets at /targets, alerts at /alerts)"
fi

cat <<EOF
[dev] etcd 127.0.0.1:2379, MongoDB wire (FerretDB) 127.0.0.1:27017, moto 127.0.0.1:5000
[dev] simulators: CML fleet 127.0.0.1:9440, LDS 127.0.0.1:9450, GradingEngine 127.0.0.1:9460
[dev] dashboard: http://127.0.0.1:8020/ (log in as admin/admin, manager/manager or user/user)
[dev] control plane: http://127.0.0.1:8020 (API docs at /api/docs; dev tokens: POST /api/auth/dev-token)
[dev] development OIDC provider: http://127.0.0.1:${DEV_OIDC_PORT}
[dev] lablet-controller: http://127.0.0.1:8082 (CloudEvents at /api/events, admin at /api/admin/stats)
[dev] worker-controller admin: http://127.0.0.1:8083 (regions file: ${WORKER_REGIONS_CONFIG:-none})
[dev] Ctrl-C stops everything
EOF
wait
