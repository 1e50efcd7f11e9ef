#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 (or at KITH_TEST_PG_URL, when set) for the
# storage tests: starts the installed cluster if it is stopped, installs one if none is installed. Without it
# the tests would still pass, starting an embedded PostgreSQL per test JVM (storage-postgres/README.md); a
# running server saves that time.
set -euo pipefail
if [ -n "${KITH_TEST_PG_URL:-}" ]; then
  echo "PostgreSQL for tests: KITH_TEST_PG_URL is set"; exit 0
fi
ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
if ready; then echo "PostgreSQL is running on 127.0.0.1:5432"; exit 0; fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "installing PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf=/etc/postgresql/$version/main
# tests connect as postgres over TCP without a password (a throwaway local CI database)
if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
  sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do ready && { echo "PostgreSQL started"; exit 0; }; sleep 1; done
echo "PostgreSQL did not start on 127.0.0.1:5432; set KITH_TEST_PG_URL to a reachable server" >&2
exit 1
