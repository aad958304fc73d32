#!/usr/bin/env bash
# Fetches the Linux guest's two Debian packages and extracts what the recipe
# needs (docs/LINUX.md):
#   linux-image-686:i386   a metapackage; its dependency names the real image
#                          (linux-image-6.x-N-686), resolved with apt-cache
#   busybox-static:i386    a static i386 busybox
# The .deb files go to build/cache/deb/ under apt's own names: the same
# folder and names scripts/fetch-corpus.sh (the decoder corpus) uses, so
# whichever runs first downloads and the other reuses the file.
#
# Out, in build/linux/ (each file replaced only when its content changed,
# so make does not rebuild what depends on it for nothing):
#   bzImage         /boot/vmlinuz-* of the image package
#   System.map.deb  the package's /boot/System.map-* (in Debian a stub:
#                   scripts/linux/sysmap.sh makes the real build/linux/System.map)
#   config          /boot/config-*
#   busybox         /bin/busybox of busybox-static
#   packages        the two package file names, one a line
#
# Needs root only to add the i386 architecture, update the index and
# download; with both .deb files cached it runs as any user, and offline it
# falls back to the newest cached kernel package.  Exit status non-zero, with
# the reason on stderr, when something is missing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LINUX_CACHE:-$root/build/cache}
dl=$cache/deb
out=${LINUX_OUT:-$root/build/linux}
mkdir -p "$dl" "$out"

die() { echo "linux-fetch: $*" >&2; exit 1; }
say() { echo "linux-fetch: $*" >&2; }

# One fetch at a time in the shared cache (fetch-corpus.sh may run too).
exec 9>"$dl/.lock-linux"
flock 9 2>/dev/null || true

for t in dpkg-deb:dpkg tar:tar; do
	command -v "${t%%:*}" >/dev/null 2>&1 || die "missing ${t%%:*} (package ${t#*:})"
done
export DEBIAN_FRONTEND=noninteractive
isroot() { [ "$(id -u)" = 0 ]; }

update_index() {
	isroot || return 1
	apt-get update -q >"$cache/apt-update.log" 2>&1 ||
		say "apt-get update reported errors (tolerated; see $cache/apt-update.log)"
}

# The i386 package index: enable the architecture once, update if the index
# does not know the i386 packages yet.
have_index() { apt-cache show busybox-static:i386 >/dev/null 2>&1; }
if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386; then
	if isroot; then
		dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
		update_index
	fi
fi
have_index || update_index

# linux-image-686 -> linux-image-6.x-N-686 (the same resolution as
# scripts/fetch-corpus.sh, so both name the same file).
kpkg=$(apt-cache depends linux-image-686:i386 2>/dev/null |
	sed -n 's/^ *Depends: *\(linux-image-[0-9][^ :]*-686\)\(:i386\)\?$/\1/p' | head -1)

newest() { ls -t "$@" 2>/dev/null | head -1; }
if [ -n "$kpkg" ]; then
	kdeb=$(newest "$dl/$kpkg"_*_i386.deb)
	if [ -z "$kdeb" ]; then
		isroot || die "$kpkg:i386 is not cached in $dl and downloading needs root"
		say "downloading $kpkg:i386"
		( cd "$dl" && apt-get download -q "$kpkg:i386" ) >"$cache/apt-download-linux.log" 2>&1 ||
			die "apt-get download $kpkg:i386 failed (see $cache/apt-download-linux.log)"
		kdeb=$(newest "$dl/$kpkg"_*_i386.deb)
	fi
else
	kdeb=$(newest "$dl"/linux-image-[0-9]*-686_*_i386.deb)
	[ -n "$kdeb" ] || die "cannot resolve linux-image-686:i386 to a kernel package (no i386 index? see $cache/apt-update.log)"
	say "cannot resolve linux-image-686:i386 (no index?); using the cached $(basename "$kdeb")"
fi
[ -s "$kdeb" ] || die "no kernel package in $dl"

bdeb=$(newest "$dl"/busybox-static_*_i386.deb)
if [ -z "$bdeb" ]; then
	isroot || die "busybox-static:i386 is not cached in $dl and downloading needs root"
	have_index || die "no i386 package index (see $cache/apt-update.log)"
	say "downloading busybox-static:i386"
	( cd "$dl" && apt-get download -q busybox-static:i386 ) >"$cache/apt-download-linux.log" 2>&1 ||
		die "apt-get download busybox-static:i386 failed (see $cache/apt-download-linux.log)"
	bdeb=$(newest "$dl"/busybox-static_*_i386.deb)
fi
[ -s "$bdeb" ] || die "no busybox-static package in $dl"

tmp=$(mktemp -d "$out/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Moves $1 to $2 unless $2 already has the same bytes.
install_if_changed() {
	if [ -f "$2" ] && cmp -s "$1" "$2"; then
		rm -f "$1"
	else
		mv -f "$1" "$2" && touch "$2"	# the package's dates may lie in the future
	fi
}

# Kernel: only ./boot/ of the image package (the modules are not needed:
# everything the guest uses is built in; docs/LINUX.md).
mkdir -p "$tmp/k"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp/k" ./boot/ ||
	die "cannot extract ./boot/ from $kdeb"
vmlinuz=$(ls "$tmp"/k/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $kdeb"
[ "$(od -An -c -j $((0x202)) -N 4 "$vmlinuz" | tr -d ' ')" = "HdrS" ] ||
	die "$(basename "$vmlinuz") has no x86 boot-protocol header (HdrS)"
install_if_changed "$vmlinuz" "$out/bzImage"
for f in System.map config; do
	src=$(ls "$tmp"/k/boot/$f-* 2>/dev/null | head -1)
	[ -n "$src" ] || die "no boot/$f-* in $kdeb"
	dst=$out/$f; [ "$f" = System.map ] && dst=$out/System.map.deb
	install_if_changed "$src" "$dst"
done

# Busybox.
dpkg-deb -x "$bdeb" "$tmp/bb" || die "cannot extract $bdeb"
[ -f "$tmp/bb/bin/busybox" ] || die "no bin/busybox in $bdeb"
install_if_changed "$tmp/bb/bin/busybox" "$out/busybox"
chmod 755 "$out/busybox"

printf '%s\n%s\n' "$(basename "$kdeb")" "$(basename "$bdeb")" >"$tmp/packages"
install_if_changed "$tmp/packages" "$out/packages"
exit 0
