#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/packages.txt that are not
# installed yet.  As root it runs apt-get itself; otherwise it prints the one
# command to run and fails.  An `apt-get update` that fails for one
# architecture's index is tolerated: only a package that cannot be installed
# is an error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r pkg _; do
	case "$pkg" in ''|'#'*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
	[ "$st" = "install ok installed" ] || missing+=("$pkg")
done < "$here/packages.txt"

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/tmp/hv-apt-update.log 2>&1 ||
	echo "deps: apt-get update reported errors (tolerated; see /tmp/hv-apt-update.log)"
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/hv-apt-install.log 2>&1; then
	tail -20 /tmp/hv-apt-install.log >&2
	echo "deps: could not install: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
