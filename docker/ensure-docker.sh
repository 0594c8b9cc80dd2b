#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`. On a machine without one (a fresh Debian CI box), installs
# Debian's docker.io and starts dockerd in the background, detached so that it outlives this script.
# Idempotent; silent when the engine already answers; one clear line and exit 3 when it cannot make it answer.
#   BALEEN_DOCKERD_LOG   where dockerd logs          (default /var/log/baleen-dockerd.log)
#   BALEEN_DOCKERD_ARGS  extra dockerd arguments     (e.g. "--storage-driver=vfs" inside another container)
#   BALEEN_DOCKER_WAIT   seconds to wait for it      (default 60)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" # dockerd lives in sbin, which a non-root PATH may lack

log=${BALEEN_DOCKERD_LOG:-/var/log/baleen-dockerd.log}
wait_s=${BALEEN_DOCKER_WAIT:-60}
fail() { echo "ensure-docker: $*" >&2; exit 3; }
is_root() { [ "$(id -u)" = 0 ]; }
# apt_install PKG: `apt-get update` only when needed (lists that do not offer PKG, or stale ones); apt's
# output only when it fails.
apt_install() {
  local out rc=0
  out=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-cache show "$1" >/dev/null 2>&1 && apt-get install -y -qq "$1" >"$out" 2>&1; }; then
    { apt-get update -qq && apt-get install -y -qq "$1"; } >"$out" 2>&1 || rc=$?
  fi
  [ $rc = 0 ] || tail -n 20 "$out" >&2
  rm -f "$out"
  return $rc
}

docker info >/dev/null 2>&1 && exit 0

# DOCKER_HOST naming another engine (tcp://, ssh://): starting a local one would not help.
case ${DOCKER_HOST:-unix://} in
  unix://*) ;;
  *) fail "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer: $(docker info 2>&1 >/dev/null | tail -n 1)" ;;
esac

if ! command -v dockerd >/dev/null 2>&1; then
  is_root || fail "no Docker engine here: install one (Debian: sudo apt-get install docker.io), start it (sudo dockerd &), then retry"
  command -v apt-get >/dev/null 2>&1 || fail "no Docker engine and no apt-get to install one: install Docker, start it, then retry"
  echo "ensure-docker: installing docker.io" >&2
  apt_install docker.io || fail "apt-get install docker.io failed (its output above)"
  # Installing may have started the engine already (invoke-rc.d on a machine with an init system).
  docker info >/dev/null 2>&1 && exit 0
fi
command -v docker >/dev/null 2>&1 || fail "dockerd is installed but the docker client is not: install docker.io (or docker-ce-cli)"

# live NAME PID...: one of the pids is a running NAME. A killed process can linger as a zombie (state Z)
# until something reaps it; dockerd takes a zombie for a live engine (or containerd), so we must not.
live() {
  local name=$1 pid state
  shift
  for pid in "$@"; do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || continue
    state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || true)
    [ -n "$state" ] && [ "$state" != Z ] && return 0
  done
  return 1
}
# Running already? The pid file first (no procps on a minimal machine), pgrep when there is one.
dockerd_running() {
  live dockerd $(cat /var/run/docker.pid 2>/dev/null || true) $(pgrep -x dockerd 2>/dev/null || true)
}
# Pid files of a killed engine and of its containerd would make a new dockerd refuse to start, or wait for
# the dead containerd's socket.
remove_stale_pid_files() {
  local file=/var/run/docker/containerd/containerd.pid
  live containerd $(cat "$file" 2>/dev/null || true) || rm -f "$file"
  rm -f /var/run/docker.pid
}

started=0
if ! dockerd_running; then
  is_root || fail "the Docker engine is not running: start it (sudo systemctl start docker, or sudo dockerd &), then retry"
  echo "ensure-docker: starting dockerd (log: $log)" >&2
  remove_stale_pid_files
  mkdir -p "$(dirname "$log")"
  # setsid + nohup, stdin from /dev/null: the engine outlives this script and the shell that ran it.
  # shellcheck disable=SC2086 # BALEEN_DOCKERD_ARGS is a list of words
  setsid nohup dockerd ${BALEEN_DOCKERD_ARGS:-} >>"$log" 2>&1 </dev/null &
  started=1
elif [[ $(docker info 2>&1 >/dev/null || true) == *"permission denied"* ]]; then
  fail "the Docker engine runs but $(id -un) may not use its socket: run as root, or join the docker group (sudo usermod -aG docker $(id -un), then log in again)"
fi

deadline=$((SECONDS + wait_s))
while [ $SECONDS -lt $deadline ]; do
  docker info >/dev/null 2>&1 && exit 0
  sleep 0.5
done

if [ $started = 1 ] || [ -s "$log" ]; then tail -n 15 "$log" >&2 2>/dev/null || true; fi
reason=$(docker info 2>&1 >/dev/null | tail -n 1 || true)
fail "the Docker engine did not answer within ${wait_s} s (${reason:-no reason given}); dockerd log: $log"
