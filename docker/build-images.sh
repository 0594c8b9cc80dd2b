#!/usr/bin/env bash
# Builds baleen's runner images without any registry, on the engine DOCKER_HOST names (the local one by default):
#   baleen/node-base:20        `docker import` of a root fs: this machine's Node + its libraries + busybox-static
#   baleen/cucumber-runner:12  + cucumber-js 12 in /node_modules                  (docker/cucumber-runner/)
#   baleen-example             + the repository's features/ in /suite/features     (docker/example/)
#
#   build-images.sh [--force]                       the three images above
#   build-images.sh [--force] --suite DIR --tag NAME   base and runner, then NAME: DIR's contents in /suite
#                                                     (DIR/features/x.feature is /suite/features/x.feature)
# Idempotent and fast when the images are current: the base is rebuilt when this machine's Node version
# changes, the runner when its lock file, its Dockerfile or the base changes, a suite image by docker's build
# cache. --force rebuilds everything. One line per image; a build's output only when it fails (exit 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
# The classic builder: it never looks for FROM images in a registry, and needs no buildx plugin.
export DOCKER_BUILDKIT=0

usage() { echo "usage: build-images.sh [--force] [--suite DIR --tag NAME]" >&2; exit 2; }
force=0 suite='' tag=''
while [ $# -gt 0 ]; do
  case $1 in
    --force) force=1 ;;
    --suite) [ $# -ge 2 ] || usage; suite=$2; shift ;;
    --tag) [ $# -ge 2 ] || usage; tag=$2; shift ;;
    -h | --help) usage ;;
    *) echo "build-images: unknown argument $1" >&2; usage ;;
  esac
  shift
done
if [ -n "$suite" ] && [ -z "$tag" ]; then echo "build-images: --suite needs --tag NAME" >&2; exit 2; fi
if [ -n "$tag" ] && [ -z "$suite" ]; then echo "build-images: --tag needs --suite DIR" >&2; exit 2; fi
if [ -n "$suite" ] && [ ! -d "$suite" ]; then echo "build-images: $suite is not a directory" >&2; exit 2; fi

fail() { echo "build-images: $*" >&2; exit 3; }
command -v node >/dev/null 2>&1 || fail "no node on PATH: the base image carries this machine's Node 20"
bash "$here/ensure-docker.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/baleen-images.XXXXXX")
superseded=()
cleanup() {
  rm -rf "$scratch"
  # Images this run replaced, newest first, so that children go before parents. `docker rmi` without
  # --force keeps any that a container (running or stopped) or another tag still uses.
  local i
  for ((i = ${#superseded[@]} - 1; i >= 0; i--)); do docker rmi "${superseded[$i]}" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
# Remembers what NAME pointed to before, if that was another image, for cleanup.
replaced() { [ -z "$1" ] || [ "$1" = "$2" ] || superseded+=("$1"); }
# docker build, quiet: prints the image id; the build's output (and the classic builder's deprecation notice)
# only when it fails.
build() {
  if ! docker build -q "$@" >"$scratch/build.out" 2>"$scratch/build.err"; then
    cat "$scratch/build.out" "$scratch/build.err" >&2
    fail "docker build $* failed"
  fi
  tail -n 1 "$scratch/build.out"
}

# 1. The base, rebuilt when this machine's Node changes, since the image carries this very binary.
base=baleen/node-base:20
node_version=$(node --version)
case $node_version in v20.*) ;; *) echo "build-images: warning: Node $node_version here; $base is meant for Node 20" >&2 ;; esac
old=$(image_id $base)
if [ $force = 1 ] || [ -z "$old" ] || [ "$(label_of $base io.baleen.node-version)" != "$node_version" ]; then
  t=$(now_ms)
  # ldd succeeds on a dynamic busybox, useless in an image without its libraries: busybox-static is needed.
  if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || fail "needs busybox-static: sudo apt-get install busybox-static"
    command -v apt-get >/dev/null 2>&1 || fail "needs busybox-static at /bin/busybox (a statically linked busybox)"
    echo "build-images: installing busybox-static" >&2
    export DEBIAN_FRONTEND=noninteractive
    # apt-get update only when needed (lists that do not offer it, or stale ones); apt's output on failure.
    if ! { apt-cache show busybox-static >/dev/null 2>&1 && apt-get install -y -qq busybox-static >"$scratch/apt.log" 2>&1; }; then
      { apt-get update -qq && apt-get install -y -qq busybox-static; } >"$scratch/apt.log" 2>&1 ||
        { tail -n 20 "$scratch/apt.log" >&2; fail "apt-get install busybox-static failed"; }
    fi
  fi
  bash "$here/base/make-rootfs.sh" "$scratch/rootfs"
  tar -C "$scratch/rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'WORKDIR /suite' \
    --change "LABEL io.baleen.node-version=$node_version" \
    --change 'CMD ["sh"]' \
    - $base >/dev/null
  rm -rf "$scratch/rootfs"
  replaced "$old" "$(image_id $base)"
  echo "build-images: $base built ($node_version, $(($(now_ms) - t)) ms)"
else
  echo "build-images: $base reused ($node_version)"
fi
base_id=$(image_id $base)

# 2. cucumber-js 12 on it: node_modules made here by `npm ci` in a scratch build context, never in the repo.
runner=baleen/cucumber-runner:12
src=$here/cucumber-runner
recipe=$(cat "$src/package-lock.json" "$src/Dockerfile" | sha256sum | cut -c1-16)
old=$(image_id $runner)
if [ $force = 1 ] || [ -z "$old" ] || [ "$(label_of $runner io.baleen.runner-recipe)" != "$recipe" ] ||
  [ "$(label_of $runner io.baleen.base-id)" != "$base_id" ]; then
  t=$(now_ms)
  ctx=$scratch/runner
  mkdir -p "$ctx"
  cp "$src/package.json" "$src/package-lock.json" "$src/Dockerfile" "$ctx/"
  (cd "$ctx" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null) ||
    fail "npm ci in $src failed"
  # Node on the host and in the image is the same binary, but an addon could need libraries the image lacks.
  addons=$(find "$ctx/node_modules" \( -name '*.node' -o -name binding.gyp \) -print | head -n 3)
  [ -z "$addons" ] || fail "native addons in the runner's node_modules, not supported by the base image: $addons"
  build --label "io.baleen.runner-recipe=$recipe" --label "io.baleen.base-id=$base_id" -t $runner "$ctx" >/dev/null
  rm -rf "$ctx"
  replaced "$old" "$(image_id $runner)"
  echo "build-images: $runner built (@cucumber/cucumber $(sed -n 's/.*"@cucumber\/cucumber": *"\([^"]*\)".*/\1/p' "$src/package.json"), $(($(now_ms) - t)) ms)"
else
  echo "build-images: $runner reused"
fi

# 3. A suite on top: the example, or the folder asked for. One COPY layer, so docker's cache decides.
if [ -n "$suite" ]; then
  name=$tag dockerfile=$here/suite.Dockerfile context=$suite what="$suite"
else
  name=baleen-example dockerfile=$here/example/Dockerfile context=$repo/features what=features/
fi
t=$(now_ms)
old=$(image_id "$name")
new=$(build -f "$dockerfile" -t "$name" "$context")
if [ "$new" = "$old" ]; then
  echo "build-images: $name reused ($what unchanged)"
else
  replaced "$old" "$new"
  echo "build-images: $name built from $what ($(($(now_ms) - t)) ms)"
fi
