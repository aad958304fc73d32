#!/usr/bin/env bash
# Fetches the real-code corpus for the decoder tests (tests/run-decoder.sh):
# the .text of Debian's i386 kernel (linux-image-686) and of busybox-static
# (i386), as raw bytes in build/cache/corpus/{vmlinux,busybox}.text.
#
# The kernel comes as a bzImage; the vmlinux ELF inside it is found through
# the x86 boot protocol's setup header (Linux Documentation/arch/x86/boot.rst):
#   0x1f1 setup_sects  (0 means 4)
#   0x248 payload_offset, 0x24c payload_length, both relative to the start of
#         the protected-mode code at (setup_sects + 1) * 512.
# The payload's compression is recognised by its magic number.
#
# Nothing is fetched again once the two .text files exist.  Exit status is
# non-zero, with the reason on stderr, if anything fails (no network, apt
# errors, an unknown compression...): the corpus tests then FAIL.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CORPUS_DIR:-$root/build/cache}
out=$cache/corpus
mkdir -p "$out"

die() { echo "fetch-corpus: $*" >&2; exit 1; }

if [ -s "$out/vmlinux.text" ] && [ -s "$out/busybox.text" ]; then
	exit 0
fi

# Tools this script uses, by Debian package (also in scripts/packages.txt).
need=()
for t in dpkg-deb:dpkg objcopy:binutils xz:xz-utils zstd:zstd gzip:gzip \
	 lz4:lz4 bzip2:bzip2 od:coreutils; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
export DEBIAN_FRONTEND=noninteractive
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing tools, install: ${need[*]}"
	apt-get install -y -q --no-install-recommends "${need[@]}" \
		>"$cache/apt-install.log" 2>&1 || die "cannot install ${need[*]} (see $cache/apt-install.log)"
fi

# The i386 package index.
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	[ "$(id -u)" = 0 ] || die "the i386 architecture is not enabled (run as root: dpkg --add-architecture i386 && apt-get update)"
	dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
	apt-get update -q >"$cache/apt-update.log" 2>&1 ||
		echo "fetch-corpus: apt-get update reported errors (tolerated; see $cache/apt-update.log)" >&2
fi
if ! apt-cache show busybox-static:i386 >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >"$cache/apt-update.log" 2>&1 ||
			echo "fetch-corpus: apt-get update reported errors (tolerated)" >&2
	fi
	apt-cache show busybox-static:i386 >/dev/null 2>&1 ||
		die "no i386 package index (apt-get update failed? see $cache/apt-update.log)"
fi

# linux-image-686 is a metapackage: its dependency names the real image.
kpkg=$(apt-cache depends linux-image-686:i386 2>/dev/null |
	sed -n 's/^ *Depends: *\(linux-image-[0-9][^ :]*-686\)\(:i386\)\?$/\1/p' | head -1)
[ -n "$kpkg" ] || die "cannot resolve linux-image-686:i386 to a kernel package"

dl=$cache/deb
mkdir -p "$dl"
( cd "$dl" &&
  { ls "$kpkg"_*_i386.deb >/dev/null 2>&1 || apt-get download -q "$kpkg:i386"; } &&
  { ls busybox-static_*_i386.deb >/dev/null 2>&1 || apt-get download -q busybox-static:i386; } ) \
	>"$cache/apt-download.log" 2>&1 || die "apt-get download failed (see $cache/apt-download.log)"
kdeb=$(ls "$dl/$kpkg"_*_i386.deb | head -1)
bdeb=$(ls "$dl"/busybox-static_*_i386.deb | head -1)

tmp=$(mktemp -d "$cache/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- busybox: a static i386 ELF.
dpkg-deb -x "$bdeb" "$tmp/bb" || die "cannot extract $bdeb"
bb=$tmp/bb/bin/busybox
[ -f "$bb" ] || die "no bin/busybox in $bdeb"
objcopy -O binary --only-section=.text "$bb" "$out/busybox.text.tmp" ||
	die "objcopy failed on busybox"
mv "$out/busybox.text.tmp" "$out/busybox.text"

# --- kernel: only boot/vmlinuz-* is needed from the package.
mkdir -p "$tmp/k"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp/k" --wildcards './boot/vmlinuz-*' ||
	die "cannot extract boot/vmlinuz-* from $kdeb"
bz=$(ls "$tmp"/k/boot/vmlinuz-* | head -1)
[ -f "$bz" ] || die "no vmlinuz in $kdeb"

rdu() { od -An -t"u$2" -j "$1" -N "$2" "$bz" | tr -d ' '; }
[ "$(od -An -c -j $((0x202)) -N 4 "$bz" | tr -d ' ')" = "HdrS" ] || die "$bz: no HdrS setup header"
setup_sects=$(rdu $((0x1f1)) 1)
[ "$setup_sects" = 0 ] && setup_sects=4
poff=$(rdu $((0x248)) 4)
plen=$(rdu $((0x24c)) 4)
start=$(( (setup_sects + 1) * 512 + poff ))
tail -c +"$((start + 1))" "$bz" | head -c "$plen" >"$tmp/payload"
magic=$(od -An -tx1 -N 6 "$tmp/payload" | tr -d ' \n')
case "$magic" in
	1f8b*)          dec="gzip -dc" ;;
	fd377a585a00)   dec="xz -dc" ;;
	28b52ffd*)      dec="zstd -dc" ;;
	5d00*)          dec="xz --format=lzma -dc" ;;
	02214c18*)      dec="lz4 -dc" ;;
	425a68*)        dec="bzip2 -dc" ;;
	*) die "$bz: unknown payload compression (magic $magic)" ;;
esac
$dec <"$tmp/payload" >"$tmp/vmlinux" 2>"$tmp/dec.log"
[ "$(od -An -c -N 4 "$tmp/vmlinux" | tr -d ' ')" = "177ELF" ] ||
	die "$bz: decompressing the payload ($dec) gave no ELF: $(head -c 200 "$tmp/dec.log")"
objcopy -O binary --only-section=.text "$tmp/vmlinux" "$out/vmlinux.text.tmp" ||
	die "objcopy failed on vmlinux"
mv "$out/vmlinux.text.tmp" "$out/vmlinux.text"
echo "fetch-corpus: $(basename "$kdeb"): $(stat -c %s "$out/vmlinux.text") bytes of .text;" \
	"$(basename "$bdeb"): $(stat -c %s "$out/busybox.text") bytes"
