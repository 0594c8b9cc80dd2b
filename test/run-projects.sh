#!/usr/bin/env bash
# npm test's tests: the unit and e2e projects (the Docker engine and its swarm) and, at the same time, the
# podman project (a Podman service of its own, vitest.config.ts). Two engines, so the files of one never wait
# for the other's. The podman project's output is held back and printed when both are done, so the two do not
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
