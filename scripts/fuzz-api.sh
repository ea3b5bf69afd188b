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

# Ports of its own in 23860-23869 (etcd takes the next one for peers), apart from the shared
# servers and from the test suites' ports. The control plane needs no AWS: moto is not started.
export LCM_INFRA_STATE_DIR=${LCM_INFRA_STATE_DIR:-$ROOT/.infra-fuzz} LCM_ETCD_PORT=23860 LCM_MONGO_PORT=23862 \
  LCM_PG_PORT=23863 AWS_ENDPOINT_URL=http://127.0.0.1:23864
started=$(bash scripts/infra/up.sh | sed -n 's/^LCM_INFRA_STARTED=//p' | tr ',' ' ')
port=23865
key=fuzz-controller-key-0123456789
SWC_NODE_PROJECT=tsconfig.base.json AUTH_MODE=development DEV_AUTH_SECRET=fuzz-development-secret-0123456789 \
  INTERNAL_API_KEYS=$key PORT=$port MONGO_URL=mongodb://127.0.0.1:23862 MONGO_DB="lcm_fuzz_$$" \
  ETCD_ENDPOINTS=http://127.0.0.1:23860 LOG_LEVEL=warn \
  node -r @swc-node/register apps/control-plane-api/src/main.ts >"$LCM_INFRA_STATE_DIR/cpa.log" 2>&1 &
cpa=$!
trap 'kill $cpa 2>/dev/null; bash scripts/infra/down.sh $started' EXIT
# Up to two minutes: a loaded machine compiles and starts the control plane slowly.
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
token=$(curl -sf -XPOST "http://127.0.0.1:$port/api/auth/dev-token" -H 'content-type: application/json' \
  -d '{"subject":"fuzzer","roles":["admin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Both documents, each fetched with the credential that reads it and tested with the one its
# security scheme names (bearer for the public API, the API key for the controllers' internal one).
# The credentials are given as OpenAPI auth (not as plain headers) so the auth check (ST401) can
# take them away and see a request without credentials refused.
# Every check runs: positive and negative data, status codes, headers, schema conformance.
# The scheduler routes answer 503 by design until a resource-scheduler is configured.
config="$LCM_INFRA_STATE_DIR/schemathesis.toml"
cat >"$config" <<TOML
[auth.openapi.bearer]
bearer = "$token"
[auth.openapi.apiKey]
api_key = "$key"
TOML
curl -sf "http://127.0.0.1:$port/api/docs/openapi.json" -o "$LCM_INFRA_STATE_DIR/public.json"
curl -sf -H "x-api-key: $key" "http://127.0.0.1:$port/api/docs/internal/openapi.json" -o "$LCM_INFRA_STATE_DIR/internal.json"
status=0
for document in public internal; do
  "$VENV/bin/schemathesis" --config-file "$config" run "$LCM_INFRA_STATE_DIR/$document.json" \
    --url "http://127.0.0.1:$port" -c all --exclude-path-regex '/scheduler/' \
    -n "$EXAMPLES" --request-timeout 10 || status=1
done
exit $status
