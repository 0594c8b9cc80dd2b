#!/usr/bin/env bash
# Assembles a minimal root filesystem from this machine's own Node binary, exactly the shared libraries `ldd`
# lists for it (and the loader), and a static busybox (sh, env and the usual utilities as applet links).
# No registry is involved: build-images.sh `docker import`s the result as baleen/node-base:20.
#   make-rootfs.sh DIR        (NODE=path/to/node and BUSYBOX=path/to/busybox override the defaults)
set -euo pipefail
root=${1:?usage: make-rootfs.sh DIR}

# The real binary, not a version manager's shim (volta, asdf) that `command -v node` may name.
node_bin=${NODE:-$(node -p process.execPath)}
busybox_bin=${BUSYBOX:-/bin/busybox}
# A dynamic busybox would need its own libraries in the image: insist on the static one.
if [ ! -x "$busybox_bin" ] || ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "make-rootfs: $busybox_bin is missing or not statically linked; install busybox-static" >&2
  exit 2
fi

mkdir -p "$root"/{bin,usr/bin,usr/local/bin,tmp,etc,root,suite}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# The loader and every library `ldd` names, at the same paths (symlinks resolved: the file itself).
libs=$(ldd "$node_bin" | grep -oE '/[^ )]+' | sort -u)
[ -n "$libs" ] || { echo "make-rootfs: ldd lists no libraries for $node_bin" >&2; exit 2; }
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
# npm bins (node_modules/.bin/cucumber-js) start with `#!/usr/bin/env node`.
ln -sf /bin/busybox "$root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# The result must run: node through the copied loader and libraries, inside the new root.
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1; then
  chroot "$root" /usr/bin/env -i /usr/local/bin/node -e 'process.exit(0)' || { echo "make-rootfs: node does not start inside $root" >&2; exit 2; }
fi
