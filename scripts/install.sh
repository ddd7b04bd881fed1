#!/usr/bin/env bash
# Installs a built wokmanager under a prefix (what `make install` runs after the release build):
#   scripts/install.sh BUILD_DIR PREFIX [DESTDIR]    # e.g. scripts/install.sh .build/release /usr/local
# The executable needs two things beside it at run time, so it lives in its own folder:
#   PREFIX/lib/wokmanager/wokmanager                  the executable
#   PREFIX/lib/wokmanager/wokmanager_Web.resources/   the page templates (Swift's resource bundle, looked up beside the executable)
#   PREFIX/share/wokmanager/Public/                   the static files served under /static/ (`--public`, default ./Public)
#   PREFIX/bin/wokmanager                             a launcher: WOKMANAGER_PUBLIC defaults to the folder above, then exec
# DESTDIR, for packaging, is put in front of every path written; the launcher names the final paths.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 BUILD_DIR PREFIX [DESTDIR]" >&2
  exit 2
fi
build=$1 prefix=$2 destdir=${3:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
for needed in "$build/wokmanager" "$build/wokmanager_Web.resources"; do
  if [[ ! -e $needed ]]; then
    echo "install: $needed is missing: build first (swift build -c release --product wokmanager)" >&2
    exit 1
  fi
done

lib=$destdir$prefix/lib/wokmanager
share=$destdir$prefix/share/wokmanager
bin=$destdir$prefix/bin
mkdir -p "$lib" "$share" "$bin"
rm -rf "$lib/wokmanager_Web.resources" "$share/Public"
install -m 0755 "$build/wokmanager" "$lib/wokmanager"
cp -R "$build/wokmanager_Web.resources" "$lib/"
cp -R "$repo/Public" "$share/Public"
cat >"$bin/wokmanager.new" <<EOF
#!/bin/sh
# wokmanager, installed by \`make install\`: the executable and its templates are in $prefix/lib/wokmanager,
# the static files in $prefix/share/wokmanager/Public (--public or WOKMANAGER_PUBLIC choose others).
: "\${WOKMANAGER_PUBLIC:=$prefix/share/wokmanager/Public}"
export WOKMANAGER_PUBLIC
exec "$prefix/lib/wokmanager/wokmanager" "\$@"
EOF
chmod 0755 "$bin/wokmanager.new"
mv -f "$bin/wokmanager.new" "$bin/wokmanager"
echo "installed $bin/wokmanager (and $lib, $share)"
