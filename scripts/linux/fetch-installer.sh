#!/usr/bin/env bash
# Fetches Debian's installer for i386, a third-party guest (issue 16): the
# netboot kernel and initrd of the archive's debian-installer-12-netboot-i386
# package (Architecture: all, so no i386 index is needed), text frontend.
# The .deb goes to build/cache/deb/ under apt's own name, as
# scripts/linux/fetch.sh keeps the Linux guest's packages; once it is there
# this runs offline and as any user.
#
# Out, in build/installer/ (each file replaced only when its content
# changed):
#   linux       .../images/12/i386/text/debian-installer/i386/linux
#   initrd.gz   .../images/12/i386/text/debian-installer/i386/initrd.gz
#   package     the package file's name
# Exit status non-zero, with the reason on stderr, when something is missing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LINUX_CACHE:-$root/build/cache}
dl=$cache/deb
out=${INSTALLER_OUT:-$root/build/installer}
pkg=debian-installer-12-netboot-i386
images=./usr/lib/debian-installer/images/12/i386/text/debian-installer/i386
mkdir -p "$dl" "$out"

die() { echo "installer-fetch: $*" >&2; exit 1; }
say() { echo "installer-fetch: $*" >&2; }

exec 9>"$dl/.lock-installer"
flock 9 2>/dev/null || true

for t in dpkg-deb:dpkg tar:tar apt-get:apt; do
	command -v "${t%%:*}" >/dev/null 2>&1 || die "missing ${t%%:*} (package ${t#*:})"
done
export DEBIAN_FRONTEND=noninteractive

newest() { ls -t "$@" 2>/dev/null | head -1; }
deb=$(newest "$dl/$pkg"_*_all.deb)
if [ -z "$deb" ]; then
	# The index may not know the package yet (a fresh CI machine): update
	# it once, as root.
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		[ "$(id -u)" = 0 ] || die "$pkg is not in the package index and updating it needs root"
		apt-get update -q >"$cache/apt-update.log" 2>&1 ||
			say "apt-get update reported errors (tolerated; see $cache/apt-update.log)"
	fi
	say "downloading $pkg (about 100 MB)"
	( cd "$dl" && apt-get download -q "$pkg" ) >"$cache/apt-download-installer.log" 2>&1 ||
		die "apt-get download $pkg failed (see $cache/apt-download-installer.log)"
	deb=$(newest "$dl/$pkg"_*_all.deb)
fi
[ -s "$deb" ] || die "no $pkg package in $dl"

tmp=$(mktemp -d "$out/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$images/linux" "$images/initrd.gz" ||
	die "cannot extract the text netboot kernel and initrd from $deb"
[ "$(od -An -c -j $((0x202)) -N 4 "$tmp/$images/linux" | tr -d ' ')" = "HdrS" ] ||
	die "$images/linux has no x86 boot-protocol header (HdrS)"

# Moves $1 to $2 unless $2 already has the same bytes.
install_if_changed() {
	if [ -f "$2" ] && cmp -s "$1" "$2"; then
		rm -f "$1"
	else
		mv -f "$1" "$2" && touch "$2"
	fi
}
install_if_changed "$tmp/$images/linux" "$out/linux"
install_if_changed "$tmp/$images/initrd.gz" "$out/initrd.gz"
basename "$deb" >"$tmp/package"
install_if_changed "$tmp/package" "$out/package"
exit 0
