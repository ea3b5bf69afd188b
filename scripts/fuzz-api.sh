#!/usr/bin/env bash
# Property-based fuzzing of the control-plane API against its own OpenAPI document with
# schemathesis: every operation gets generated valid and invalid input, and the run fails on any
# 5xx, on a response that does not match the documented schema, and on any other schemathesis check. Uses its own servers on spare
# ports (so it never disturbs a running test suite) and stops them afterwards.
# usage: bash scripts/fuzz-api.sh [examples per operation, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra/common.sh
EXAMPLES=${1:-25}
VENV="$TOOLS_DIR/schemathesis-venv"
[ -x "$VENV/bin/schemathesis" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet 'schemathesis>=4,<5'; }

# Ports of its own in 19200-19209 (etcd takes the next one for peers), apart from the shared
# servers and from the test suites' ports. The control plane needs no AWS: moto is not started.
export LCM_INFRA_STATE_DIR=${LCM_INFRA_STATE_DIR:-$ROOT/.infra-fuzz} LCM_ETCD_PORT=19200 LCM_MONGO_PORT=19202 \
  LCM_PG_PORT=19203 AWS_ENDPOINT_URL=http://127.0.0.1:19204
started=$(bash scripts/infra/up.sh | sed -n 's/^LCM_INFRA_STARTED=//p' | tr ',' ' ')
port=19205
scheduler_port=19206
key=fuzz-controller-key-0123456789
# The control plane's scheduler routes proxy the resource-scheduler's admin API: a real one runs
# (named by RESOURCE_SCHEDULER_URL, so resigning its leadership leaves it reachable), and those
# routes are fuzzed like every other. Without it they answer 503, which their integration tests cover.
SWC_NODE_PROJECT=tsconfig.base.json AUTH_MODE=development DEV_AUTH_SECRET=fuzz-development-secret-0123456789 \
  INTERNAL_API_KEYS=$key PORT=$port MONGO_URL=mongodb://127.0.0.1:19202 MONGO_DB="lcm_fuzz_$$" \
  ETCD_ENDPOINTS=http://127.0.0.1:19200 LOG_LEVEL=warn RESOURCE_SCHEDULER_URL=http://127.0.0.1:$scheduler_port \
  node -r @swc-node/register apps/control-plane-api/src/main.ts >"$LCM_INFRA_STATE_DIR/cpa.log" 2>&1 &
cpa=$!
SWC_NODE_PROJECT=tsconfig.base.json PORT=$scheduler_port CPA_URL=http://127.0.0.1:$port CPA_API_KEY=$key \
  ETCD_ENDPOINTS=http://127.0.0.1:19200 LOG_LEVEL=warn \
  node -r @swc-node/register apps/resource-scheduler/src/main.ts >"$LCM_INFRA_STATE_DIR/scheduler.log" 2>&1 &
scheduler=$!
trap 'kill $cpa $scheduler 2>/dev/null; bash scripts/infra/down.sh $started' EXIT
# Up to two minutes each: a loaded machine compiles and starts the processes slowly.
await_ready() { # url pid log
  for _ in $(seq 1 240); do
    curl -sf "$1" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.5
  done
  tail -20 "$3" >&2
  return 1
}
await_ready "http://127.0.0.1:$port/health/ready" $cpa "$LCM_INFRA_STATE_DIR/cpa.log"
await_ready "http://127.0.0.1:$scheduler_port/ready" $scheduler "$LCM_INFRA_STATE_DIR/scheduler.log"
token=$(curl -sf -XPOST "http://127.0.0.1:$port/api/auth/dev-token" -H 'content-type: application/json' \
  -d '{"subject":"fuzzer","roles":["admin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -sf "http://127.0.0.1:$port/api/docs/openapi.json" -o "$LCM_INFRA_STATE_DIR/public.json"
curl -sf -H "x-api-key: $key" "http://127.0.0.1:$port/api/docs/internal/openapi.json" -o "$LCM_INFRA_STATE_DIR/internal.json"
# One real document of each kind a path names, handed to the read-only operations half of the time
# (scripts/fuzz-seed.ts says why only those).
CPA_URL="http://127.0.0.1:$port" CPA_TOKEN=$token CPA_API_KEY=$key SWC_NODE_PROJECT=tsconfig.base.json \
  node -r @swc-node/register scripts/fuzz-seed.ts >"$LCM_INFRA_STATE_DIR/seeded.toml"
# Both documents, each fetched with the credential that reads it and tested with the one its
# security scheme names (bearer for the public API, the API key for the controllers' internal one).
# The credentials are given as OpenAPI auth (not as plain headers) so the auth check (ST401) can
# take them away and see a request without credentials refused.
# Every check runs: positive and negative data, status codes, headers, schema conformance. The one
# allowance: an operation whose document lists `x-validation-rules` (rules JSON Schema cannot state,
# platform/openapi/openapi-document.ts) may refuse schema-valid data with 400 (ST202); the list of
# such operations is read from the documents, never written here.
status=0
for document in public internal; do
  config="$LCM_INFRA_STATE_DIR/$document.toml"
  cat >"$config" <<TOML
[auth.openapi.bearer]
bearer = "$token"
[auth.openapi.apiKey]
api_key = "$key"
# Invalid data is refused with a 4xx; an overlong URL or header section with 414/431 as issue 8
# asks (platform/http/http-semantics.ts), which schemathesis does not count as a refusal by itself.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "431"]
TOML
  python3 - "$LCM_INFRA_STATE_DIR/$document.json" >>"$config" <<'PY'
import json, sys
ids = sorted(operation["operationId"] for methods in json.load(open(sys.argv[1]))["paths"].values()
             for operation in methods.values() if operation.get("x-validation-rules"))
if ids:
    print("[[operations]]")
    print("include-operation-id = " + json.dumps(ids))
    print('checks.positive_data_acceptance.expected-statuses = '
          '["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]')
PY
  cat "$LCM_INFRA_STATE_DIR/seeded.toml" >>"$config"
  "$VENV/bin/schemathesis" --config-file "$config" run "$LCM_INFRA_STATE_DIR/$document.json" \
    --url "http://127.0.0.1:$port" -c all \
    -n "$EXAMPLES" --request-timeout 10 || status=1
done
exit $status
