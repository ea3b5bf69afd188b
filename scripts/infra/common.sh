# Shared by up.sh and down.sh: where state lives and which servers exist.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE_DIR=${LCM_INFRA_STATE_DIR:-$ROOT/.infra}
TOOLS_DIR=${LCM_TOOLS_DIR:-$HOME/.cache/lcm-tools}
FERRETDB_VERSION=v1.24.2
ETCD_PORT=${LCM_ETCD_PORT:-2379}
MONGO_PORT=${LCM_MONGO_PORT:-27017}
MOTO_PORT=${LCM_MOTO_PORT:-5000}
# FerretDB's storage: `sqlite` (files in its data folder) or `postgresql` (a PostgreSQL of our own
# on PG_PORT, whose collections stay flat as they grow: docs/decisions/store.md).
MONGO_BACKEND=${LCM_MONGO_BACKEND:-postgresql}
PG_PORT=${LCM_PG_PORT:-27050}
# FerretDB holds a pooled PostgreSQL connection for each open cursor and in-flight command; at its
# default of 50 a burst of concurrent reads from the test suites (each test starts its own control
# plane) used them all and every command then waited for ever (seen on 2026-12-01: 50 idle
# connections, the store answering nothing). A pool far above what the suites open keeps clear of it.
FERRETDB_PG_POOL=${LCM_FERRETDB_PG_POOL:-400}
PG_MAX_CONNECTIONS=$((FERRETDB_PG_POOL + 20))
# Stopped in this order: FerretDB before the PostgreSQL it writes to.
SERVICES=(etcd ferretdb moto postgres)
mkdir -p "$STATE_DIR"

log() { echo "[infra] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
