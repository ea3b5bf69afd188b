#!/usr/bin/env bash
# Installs what is missing and starts, on loopback with data in a temporary folder, the servers
# the tests and a local run need: etcd, FerretDB (MongoDB wire protocol over SQLite) and moto.
# A server whose URL is given (ETCD_ENDPOINTS, MONGO_URL, AWS_ENDPOINT_URL) is used as it is and
# nothing is started for it; one already listening on its port is left alone.
# Prints `LCM_INFRA_STARTED=<names>` on stdout so a caller can stop only what this run started.
set -euo pipefail
source "$(dirname "$0")/common.sh"

install_etcd() {
  command -v etcd >/dev/null && return
  log "installing etcd-server (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq etcd-server >/dev/null
  # The package enables a system service on some hosts; we run our own instance on loopback.
  as_root systemctl disable --now etcd >/dev/null 2>&1 || true
}

install_ferretdb() {
  [ -x "$TOOLS_DIR/bin/ferretdb" ] && return
  command -v go >/dev/null || { log "Go is needed to build FerretDB"; exit 1; }
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (first run only)"
  local src build
  # `go install pkg@version` fails on the module's deprecation lookup here, and the module zip
  # lacks the generated version file, so build from a writable copy of the downloaded module.
  src=$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  build=$(mktemp -d)
  cp -r "$src/." "$build/"
  chmod -R u+w "$build"
  echo "$FERRETDB_VERSION" > "$build/build/version/version.txt"
  mkdir -p "$TOOLS_DIR/bin"
  (cd "$build" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o "$TOOLS_DIR/bin/ferretdb" ./cmd/ferretdb)
  rm -rf "$build"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

install_postgresql() {
  [ -n "$(pg_bin)" ] && return
  log "installing postgresql (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  # The package starts a cluster of its own on some hosts; we run our own instance on loopback.
  as_root systemctl disable --now postgresql >/dev/null 2>&1 || true
}

# A PostgreSQL of our own for FerretDB (fsync on: committed data survives a kill -9), with the
# event trigger that indexes what FerretDB's `_id` filters use (scripts/infra/sql/).
start_postgres() {
  install_postgresql
  local bin data as_owner=()
  bin=$(pg_bin)
  data=$(mktemp -d -t lcm-postgres.XXXXXX)
  # PostgreSQL refuses to run as root; the Debian package provides the postgres user.
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$data"
    as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
  fi
  "${as_owner[@]}" "$bin/initdb" -D "$data/db" -A trust -U postgres >/dev/null
  start_bg postgres "$PG_PORT" "$data" "${as_owner[@]}" "$bin/postgres" -D "$data/db" -p "$PG_PORT" \
    -k "$data" -c listen_addresses=127.0.0.1 -c max_connections="$PG_MAX_CONNECTIONS"
  started+=(postgres)
  # It listens while it still replays or initialises ("the database system is starting up").
  for _ in $(seq 1 120); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres && break
    sleep 0.5
  done
  "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'CREATE DATABASE ferretdb' >/dev/null
  "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ferretdb \
    -f "$(dirname "$0")/sql/ferretdb-postgresql-id-index.sql" >/dev/null 2>&1
}

# The Python that runs moto: one that already has it, else a virtual environment of our own, since
# a distribution's Python refuses pip installs (PEP 668) and the PATH differs between shells.
moto_python() {
  local candidate
  for candidate in "$TOOLS_DIR/moto-venv/bin/python" python3 /usr/bin/python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    "$candidate" -c 'import moto.server, flask' >/dev/null 2>&1 && { command -v "$candidate"; return; }
  done
  log "installing moto[server] from PyPI into $TOOLS_DIR/moto-venv"
  if ! python3 -m venv "$TOOLS_DIR/moto-venv" >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$TOOLS_DIR/moto-venv"
  fi
  "$TOOLS_DIR/moto-venv/bin/python" -m pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6' >&2
  echo "$TOOLS_DIR/moto-venv/bin/python"
}

start_bg() { # name port data_dir command...
  local name=$1 port=$2 data=$3; shift 3
  # A session of their own: a signal sent to the caller's process group must not stop the servers.
  nohup setsid "$@" >"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
  echo "$data" >"$STATE_DIR/$name.data"
  for _ in $(seq 1 150); do
    port_open "$port" && { log "$name listening on 127.0.0.1:$port (pid $(cat "$STATE_DIR/$name.pid"))"; return; }
    kill -0 "$(cat "$STATE_DIR/$name.pid")" 2>/dev/null || break
    sleep 0.2
  done
  log "$name did not start; its log:"; tail -20 "$STATE_DIR/$name.log" >&2; exit 1
}

started=()
# A run that fails half-way stops what it had started, so no server is left behind unowned.
stop_started_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && [ ${#started[@]} -gt 0 ]; then bash "$(dirname "$0")/down.sh" "${started[@]}"; fi
  return "$status"
}
trap stop_started_on_failure EXIT

if [ -n "${ETCD_ENDPOINTS:-}" ]; then log "etcd: using $ETCD_ENDPOINTS"
elif port_open "$ETCD_PORT"; then log "etcd: already listening on $ETCD_PORT"
else
  install_etcd
  data=$(mktemp -d -t lcm-etcd.XXXXXX)
  start_bg etcd "$ETCD_PORT" "$data" etcd --name lcm-local --data-dir "$data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "lcm-local=http://127.0.0.1:$((ETCD_PORT + 1))"
  started+=(etcd)
fi

if [ -n "${MONGO_URL:-}" ]; then log "mongo: using $MONGO_URL"
elif port_open "$MONGO_PORT"; then log "mongo: already listening on $MONGO_PORT"
else
  install_ferretdb
  data=$(mktemp -d -t lcm-ferretdb.XXXXXX)
  if [ "$MONGO_BACKEND" = postgresql ]; then
    start_postgres
    storage=(--handler=postgresql
      --postgresql-url="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb?pool_max_conns=$FERRETDB_PG_POOL")
  else
    storage=(--handler=sqlite --sqlite-url="file:$data/")
  fi
  start_bg ferretdb "$MONGO_PORT" "$data" "$TOOLS_DIR/bin/ferretdb" "${storage[@]}" \
    --state-dir="$data" --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr=- --telemetry=disable --log-level=warn
  started+=(ferretdb)
fi

if [ -n "${AWS_ENDPOINT_URL:-}" ]; then log "aws: using $AWS_ENDPOINT_URL"
elif port_open "$MOTO_PORT"; then log "moto: already listening on $MOTO_PORT"
else
  python=$(moto_python)
  start_bg moto "$MOTO_PORT" "" "$python" -m moto.server -H 127.0.0.1 -p "$MOTO_PORT"
  started+=(moto)
fi

echo "LCM_INFRA_STARTED=$(IFS=,; echo "${started[*]:-}")"
