#!/bin/sh
# Prints a validation file with a delegation chain of N links (default 60), for showing kith's
# depth limit: each link is one hop, and kith's default depth budget is 50 hops, so 50 links
# pass and 51 fail with a depth-exceeded error.
#   examples/delegation/deep-chain.sh 60 > /tmp/deep-chain.yaml
#   java -jar api/target/kith.jar validate /tmp/deep-chain.yaml
set -eu
links=${1:-60}
here=$(dirname "$0")
printf 'schema: |-\n'
sed 's/^/  /' "$here/schema.zed"
printf 'relationships: |-\n'
printf '  document:deep#delegation@delegation:link1\n'
i=1
while [ "$i" -le "$links" ]; do
    printf '  delegation:link%d#delegate@user:holder%d\n' "$i" "$i"
    if [ "$i" -lt "$links" ]; then
        printf '  delegation:link%d#redelegation@delegation:link%d\n' "$i" $((i + 1))
    fi
    i=$((i + 1))
done
printf 'assertions:\n'
printf '  assertTrue:\n'
printf '    - "document:deep#view@user:holder%d"\n' "$links"
printf '  assertFalse:\n'
printf '    - "document:deep#view@user:stranger"\n'
