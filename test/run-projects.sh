#!/usr/bin/env bash
# npm test's tests: the unit and e2e projects (the e2e files two at a time, each worker on a Docker engine and
# swarm of its own that test/global-setup.ts starts) and, at the same time, the podman project (a Podman
# service of its own, vitest.config.ts). Each file has its engine to itself, so no file waits for another's. The podman project's output is held back and printed when both are done, so the two do not
# interleave; the exit status fails if either failed. Extra arguments go to both vitest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp "${TMPDIR:-/tmp}/baleen-podman-tests.XXXXXX")
npx vitest run --project podman --passWithNoTests "$@" >"$log" 2>&1 &
podman=$!
trap 'kill "$podman" 2>/dev/null' INT TERM
npx vitest run --project unit --project e2e "$@"
main=$?
wait "$podman"
other=$?
echo "---- podman project (ran alongside) ----"
cat "$log"
rm -f "$log"
[ "$main" -eq 0 ] && [ "$other" -eq 0 ]
