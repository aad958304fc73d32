#!/usr/bin/env bash
# Writes hv's boot image (build/hv.img, `make iso`) to a USB stick, with
# progress, then reads it back to verify.  Called as scripts/write-usb.
#
# Usage: scripts/write-usb [--image FILE] [--force] [--yes] [--no-verify] DEVICE
#
# It refuses, unless --force, a DEVICE that is not a removable whole disk
# (a partition, a fixed disk, a loop device, a plain file) or that is in
# use (a file system on it or on one of its partitions mounted, swap on
# it, a device-mapper or RAID device on top of it).  It refuses always a
# device smaller than the image, or one that does not exist.  Before
# writing it asks for "yes" on the terminal, unless --yes.
#
# "Removable" is what the kernel says (/sys/block/NAME/removable) or a disk
# on a USB bus; some USB sticks call themselves fixed disks, and then
# --force is the way.  Linux only (it reads /sys and /proc).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

image=${BUILD:-$root/build}/hv.img
force=0
yes=0
verify=1
dev=
usage() { sed -n '5p' "$0" | sed 's/^# //' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--image) [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
	--force) force=1; shift ;;
	--yes) yes=1; shift ;;
	--no-verify) verify=0; shift ;;
	-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "write-usb: unknown option $1" >&2; usage ;;
	*) [ -z "$dev" ] || usage; dev=$1; shift ;;
	esac
done
[ -n "$dev" ] || usage

die() { echo "write-usb: $*" >&2; exit 1; }

[ -f "$image" ] || die "no image $image: build it with 'make iso'"
isize=$(stat -c %s "$image")
[ -e "$dev" ] || die "$dev does not exist"
[ -d "$dev" ] && die "$dev is a directory"

reasons=()
what=$dev
real=$(readlink -f "$dev")
block=0
if [ -b "$real" ]; then
	block=1
	name=$(basename "$real")
	sys=/sys/class/block/$name
	[ -d "$sys" ] || die "$dev: no $sys (is /sys mounted?)"

	# A whole disk, not a partition of one.
	if [ -e "$sys/partition" ]; then
		parent=$(basename "$(dirname "$(readlink -f "$sys")")")
		reasons+=("it is a partition, not a whole disk (the disk is /dev/$parent)")
	fi

	# Removable, or on USB.
	removable=$(cat "$sys/removable" 2>/dev/null || echo 0)
	on_usb=0
	case "$(readlink -f "$sys")" in */usb*) on_usb=1 ;; esac
	if [ "$removable" != 1 ] && [ "$on_usb" != 1 ]; then
		case "$name" in
		loop*) reasons+=("it is a loop device, not a removable disk") ;;
		*) reasons+=("it is not a removable disk (the kernel says removable=$removable and it is not on USB)") ;;
		esac
	fi

	# In use: mounted, swap, or something stacked on it; for the disk and
	# each of its partitions.
	parts=("$name")
	for p in "$sys"/"$name"*; do
		[ -e "$p/partition" ] && parts+=("$(basename "$p")")
	done
	for p in "${parts[@]}"; do
		majmin=$(cat "/sys/class/block/$p/dev" 2>/dev/null) || continue
		while read -r _ _ mm _ mnt _; do
			[ "$mm" = "$majmin" ] && reasons+=("it is mounted: /dev/$p on $mnt")
		done </proc/self/mountinfo
		if grep -q "^/dev/$p " /proc/swaps 2>/dev/null; then
			reasons+=("it is in use as swap: /dev/$p")
		fi
		for h in "/sys/class/block/$p/holders"/*; do
			[ -e "$h" ] && reasons+=("it is in use by /dev/$(basename "$h") (device mapper or RAID on /dev/$p)")
		done
	done

	dsize=$(( $(cat "$sys/size") * 512 ))
	[ "$dsize" -ge "$isize" ] ||
		die "refusing $dev: it is too small ($((dsize / 1048576)) MiB for a $(( (isize + 1048575) / 1048576 )) MiB image)"
	vendor=$(cat "$sys/device/vendor" 2>/dev/null | xargs)
	model=$(cat "$sys/device/model" 2>/dev/null | xargs)
	what="$dev (${vendor:+$vendor }${model:-unknown model}, $((dsize / 1048576)) MiB)"
else
	reasons+=("it is not a block device")
	what="$dev (not a block device)"
fi

if [ ${#reasons[@]} -gt 0 ]; then
	if [ "$force" != 1 ]; then
		echo "write-usb: refusing $dev:" >&2
		for r in "${reasons[@]}"; do echo "write-usb:   $r" >&2; done
		echo "write-usb: (--force writes anyway)" >&2
		exit 1
	fi
	for r in "${reasons[@]}"; do echo "write-usb: warning: $r (--force)" >&2; done
fi

if [ "$yes" != 1 ]; then
	[ -t 0 ] || die "not writing: no terminal to confirm on (add --yes)"
	printf 'write-usb: write %s (%d MiB)\n           over everything on %s?\n           Type yes: ' \
		"$image" $(( (isize + 1048575) / 1048576 )) "$what" >&2
	read -r answer || answer=
	[ "$answer" = yes ] || die "not confirmed: nothing written"
fi

echo "write-usb: writing $image to $dev" >&2
flags=(conv=fsync)
[ "$block" = 1 ] && flags+=(oflag=direct)
if ! dd if="$image" of="$dev" bs=4M status=progress "${flags[@]}"; then
	die "writing $dev failed"
fi
sync

if [ "$verify" = 1 ]; then
	echo "write-usb: verifying" >&2
	[ "$block" = 1 ] && blockdev --flushbufs "$dev" 2>/dev/null
	if ! cmp -n "$isize" "$image" "$dev" >/dev/null 2>&1; then
		die "verification failed: $dev does not hold the image"
	fi
fi
echo "write-usb: done: $dev boots hv on BIOS (GRUB) and on UEFI (hvboot); it can be unplugged" >&2
