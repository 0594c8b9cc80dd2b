#!/usr/bin/env bash
# Builds baleen's runner images without any registry, on whatever Docker engine DOCKER_HOST names:
#   baleen/node-base:20        `docker import` of a root fs: this machine's Node + its libraries + busybox
#   baleen/cucumber-runner:12  + cucumber-js 12 in /node_modules            (docker/cucumber-runner/)
#   baleen-example             + the repository's features/ in /suite       (docker/example/)
# Fast when the images are current; --force rebuilds. --suite DIR --tag NAME builds an image of any suite
# folder on the cucumber runner (DIR's contents become /suite).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

force=0 suite= tag=
while [ $# -gt 0 ]; do
  case $1 in
    --force) force=1 ;;
    --suite) suite=$2; shift ;;
    --tag) tag=$2; shift ;;
    *) echo "build-images: unknown argument $1 (use --force, --suite DIR --tag NAME)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$suite" ] && [ -z "$tag" ]; then echo "build-images: --suite needs --tag NAME" >&2; exit 2; fi

bash "$here/ensure-docker.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
took() { echo "$(( $(date +%s%N) / 1000000 - $1 ))ms"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# docker build, quiet: its output (and the legacy builder's deprecation notice) only when it fails.
build() {
  if ! docker build -q "$@" >"$scratch/build.log" 2>&1; then
    cat "$scratch/build.log" >&2
    echo "build-images: docker build $* failed" >&2
    exit 3
  fi
}

# 1. The base: rebuilt when this machine's Node changes, since the image carries this very binary.
node_version=$(node --version)
if [ $force = 1 ] || [ "$(label_of baleen/node-base:20 io.baleen.node-version)" != "$node_version" ]; then
  t=$(now_ms)
  # ldd fails on a static binary: a busybox that ldd can read is the dynamic one, useless in the image.
  if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "build-images: needs busybox-static (sudo apt-get install busybox-static)" >&2; exit 3; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; }
  fi
  bash "$here/base/make-rootfs.sh" "$scratch/rootfs"
  tar -C "$scratch/rootfs" -c . | docker import \
    --change "ENV PATH=/usr/local/bin:/usr/bin:/bin" \
    --change "WORKDIR /suite" \
    --change "LABEL io.baleen.node-version=$node_version" \
    --change 'CMD ["sh"]' - baleen/node-base:20 >/dev/null
  rm -rf "$scratch/rootfs"
  force=1 # everything above the base must be rebuilt on it
  echo "build-images: baleen/node-base:20 built ($node_version, $(took "$t"))"
else
  echo "build-images: baleen/node-base:20 is current"
fi

# 2. cucumber-js: rebuilt when its lock file changes.
lock_hash=$(sha256sum "$here/cucumber-runner/package-lock.json" | cut -c1-16)
if [ $force = 1 ] || [ "$(label_of baleen/cucumber-runner:12 io.baleen.lock)" != "$lock_hash" ]; then
  t=$(now_ms)
  cp "$here/cucumber-runner/package.json" "$here/cucumber-runner/package-lock.json" "$here/cucumber-runner/Dockerfile" "$scratch/"
  (cd "$scratch" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  build --label "io.baleen.lock=$lock_hash" -t baleen/cucumber-runner:12 "$scratch"
  rm -rf "$scratch/node_modules"
  echo "build-images: baleen/cucumber-runner:12 built ($(took "$t"))"
else
  echo "build-images: baleen/cucumber-runner:12 is current"
fi

# 3. A suite on top: the example, or the one asked for. Cheap (one COPY layer), so always rebuilt.
t=$(now_ms)
if [ -n "$suite" ]; then
  build -f "$here/suite.Dockerfile" -t "$tag" "$suite"
  echo "build-images: $tag built from $suite ($(took "$t"))"
else
  build -f "$here/example/Dockerfile" -t baleen-example "$repo/features"
  echo "build-images: baleen-example built from features/ ($(took "$t"))"
fi
