#!/usr/bin/env bash
# Assembles a minimal root filesystem from this machine's own Node binary, the shared libraries it needs,
# and a static busybox (sh, env, coreutils). No registry is involved: the result is `docker import`ed.
set -euo pipefail
root=$1

node_bin=$(command -v node)
busybox_bin=${BUSYBOX:-/bin/busybox}
# A dynamic busybox would need its own libraries in the image: insist on the static one.
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "make-rootfs: $busybox_bin is not statically linked; install busybox-static" >&2
  exit 2
fi

mkdir -p "$root"/{bin,usr/bin,usr/local/bin,tmp,etc,root,suite}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# The loader and every library `ldd` names, at the same paths.
for lib in $(ldd "$node_bin" | grep -oE '/[^ )]+'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
# npm bins start with `#!/usr/bin/env node`.
ln -sf /bin/busybox "$root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
