#!/usr/bin/env bash
# Runs SpiceDB's parser test inputs through `kith schema check --syntax-only` and compares
# accept/reject with SpiceDB's own verdict: an input whose .expected tree dump contains a
# NodeTypeError must be rejected, every other input accepted. Inputs that use composable schemas
# (`use import`, `use partial`, `import`, `partial`) are refused by kith as not supported yet; they
# are counted apart, and each must be refused with a "not supported" diagnostic.
#
# Syntax only, because these inputs are fragments: they name types and relations they never define.
#
# Usage: .ci/conformance-parser.sh JAR DIR    (e.g. api/target/kith.jar ../shared/conformance/spicedb/parser)
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 JAR DIR" >&2
    exit 2
fi
jar=$1
dir=$2
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

passed=0
failed=0
unsupported=0
shopt -s nullglob
inputs=("$dir"/*.zed)
if [ ${#inputs[@]} -eq 0 ]; then
    echo "no .zed files in $dir" >&2
    exit 2
fi

for input in "${inputs[@]}"; do
    name=$(basename "$input")
    expected="$input.expected"
    if [ ! -f "$expected" ]; then
        echo "FAIL $name: no $name.expected beside it"
        failed=$((failed + 1))
        continue
    fi
    stderr=$("$java" -jar "$jar" schema check --syntax-only "$input" 2>&1 >/dev/null)
    status=$?
    if grep -Eq '^[[:space:]]*(use[[:space:]]+(import|partial)|import[[:space:]]|partial[[:space:]])' "$input"; then
        if [ $status -ne 0 ] && grep -q 'not supported yet' <<<"$stderr"; then
            unsupported=$((unsupported + 1))
        else
            echo "FAIL $name: composable schema not refused as unsupported (exit $status)"
            failed=$((failed + 1))
        fi
        continue
    fi
    if grep -q 'NodeTypeError' "$expected"; then
        want=reject
    else
        want=accept
    fi
    if grep -Eq '^[[:space:]]+at [a-z]|Exception in thread' <<<"$stderr"; then
        got="crash (a stack trace)"
    elif [ $status -eq 0 ]; then
        got=accept
    elif [ $status -eq 1 ]; then
        got=reject
    else
        got="crash (exit $status)"
    fi
    if [ "$want" = "$got" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL $name: SpiceDB would $want it, kith did $got"
        if [ -n "$stderr" ]; then
            sed 's/^/    /' <<<"$stderr"
        fi
        failed=$((failed + 1))
    fi
done

echo "parser conformance: $passed passed, $failed failed"
echo "refused as unsupported (import/partial): $unsupported"
[ $failed -eq 0 ]
