#!/usr/bin/env bash
# Makes sure a Docker engine answers. On a machine without one (a fresh CI box), installs Debian's docker.io
# and starts dockerd in the background. Quiet when all is well; one clear line and exit 3 when it cannot.
set -euo pipefail

log=${BALEEN_DOCKERD_LOG:-/var/log/baleen-dockerd.log}
fail() { echo "ensure-docker: $*" >&2; exit 3; }

docker info >/dev/null 2>&1 && exit 0

if ! command -v dockerd >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "no Docker engine here; install one (Debian: sudo apt-get install docker.io) and start it"
  command -v apt-get >/dev/null 2>&1 || fail "no Docker engine and no apt-get to install one; install Docker and start it"
  echo "ensure-docker: installing docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq docker.io >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq docker.io >/dev/null; }
fi
command -v docker >/dev/null 2>&1 || fail "dockerd is installed but the docker client is not; install docker.io"

if ! pgrep -x dockerd >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "the Docker engine is not running; start it (sudo systemctl start docker, or sudo dockerd &)"
  echo "ensure-docker: starting dockerd (log: $log)" >&2
  mkdir -p "$(dirname "$log")"
  # setsid + nohup: the engine outlives this script and the shell that ran it.
  setsid nohup dockerd >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 0.5
done
tail -n 20 "$log" >&2 2>/dev/null || true
fail "dockerd did not become ready within 60 s (log above, full log: $log)"
