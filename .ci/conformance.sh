#!/usr/bin/env bash
# Runs the public conformance data through the kith jar: SpiceDB's schema parser cases, its
# validation files (engine, in-process), the same validation files through the HTTP API and its
# steel-thread cases (lookups, cursors, bulk check, import/export, schema writes) through the HTTP API;
# then OpenFGA's staged tests, matrices, sample stores and DSL validation cases (through the OpenFGA
# translator, in-process).
# The product commands (schema check, validate) run from kith.jar; the harnesses (validation over HTTP, steel
# thread, OpenFGA) from kith-conformance.jar, which is never shipped.
# Usage: conformance.sh KITH_JAR CONFORMANCE_JAR CONFORMANCE_DIR. Fails if any case fails.
set -euo pipefail
jar=$1
harness=$2
conf=$3
status=0

echo "== SpiceDB parser cases"
bash "$(dirname "$0")/conformance-parser.sh" "$jar" "$conf/spicedb/parser" || status=1

mapfile -t files < <(ls "$conf"/spicedb/testconfigs/*.yaml; find "$conf/spicedb/examples" -name '*.yaml' | sort)

echo "== SpiceDB validation files (${#files[@]} files), in-process engine"
java -jar "$jar" validate "${files[@]}" || status=1

echo "== SpiceDB validation files (${#files[@]} files), through the HTTP API"
java -jar "$harness" validate-http "${files[@]}" || status=1

echo "== SpiceDB steel-thread cases, through the HTTP API"
java -jar "$harness" conformance-steelthread "$conf/spicedb/steelthread/steelthread_manifest.json" || status=1

echo "== kith's HTTP answers against SpiceDB's API description (Swagger)"
java -jar "$harness" gateway-shapes "$conf/spicedb/api/apidocs.swagger.json" || status=1

echo "== OpenFGA tests, matrices, sample stores and DSL validation cases, in-process"
java -jar "$harness" validate-openfga "$conf/openfga/tests" "$conf/openfga/matrix" "$conf/openfga/sample-stores" \
    "$conf/openfga/language/dsl-syntax-validation-cases.yaml" \
    "$conf/openfga/language/dsl-semantic-validation-cases.yaml" || status=1

exit $status
