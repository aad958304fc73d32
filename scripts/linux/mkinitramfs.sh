#!/usr/bin/env bash
# Builds build/linux/initramfs.cpio.gz, the Linux guest's root file system
# (docs/LINUX.md): the static busybox with a link per applet, /init
# (guest/linux/init), the guest tests guest/linux/tests/*.sh as /tests/, the
# mount points, and /dev/console (the kernel opens it for init's stdio before
# devtmpfs is mounted).  Run scripts/linux/fetch.sh first.
#   mkinitramfs.sh [OUT]      default build/linux/initramfs.cpio.gz
# MODULES=DIR adds DIR's *.ko and its order file (scripts/linux/modclosure.py)
# as /lib/modules/ (the disk test's drivers, guest/linux/tests/disk.sh).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
lx=${LINUX_OUT:-$root/build/linux}
out=${1:-$lx/initramfs.cpio.gz}
bb=$lx/busybox
die() { echo "linux-initramfs: $*" >&2; exit 1; }
[ -f "$bb" ] || die "no $bb (run scripts/linux/fetch.sh)"

list=$(mktemp "$lx/.initramfs-list.XXXXXX")
trap 'rm -f "$list"' EXIT
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root \
		 /etc /mnt /tests; do
		echo "dir $d 0755"
	done
	echo "nod /dev/console 0600 c 5 1"
	echo "nod /dev/null 0666 c 1 3"
	echo "file /bin/busybox $bb 0755"
	echo "file /init $root/guest/linux/init 0755"
	for t in "$root"/guest/linux/tests/*.sh; do
		echo "file /tests/$(basename "$t") $t 0755"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$list.passwd"
	echo "file /etc/passwd $list.passwd 0644"
	if [ -n "${MODULES:-}" ]; then
		echo "dir /lib 0755"
		echo "dir /lib/modules 0755"
		echo "file /lib/modules/order $MODULES/order 0644"
		for m in "$MODULES"/*.ko; do
			echo "file /lib/modules/$(basename "$m") $m 0644"
		done
	fi
	# The applet links, where busybox installs them (bin, sbin, usr/bin,
	# usr/sbin).  The i386 binary runs on an x86-64 host; if it cannot run
	# here, /init makes the links at boot (busybox --install -s).
	if apps=$("$bb" --list-full 2>/dev/null) && [ -n "$apps" ]; then
		for a in $apps; do
			[ "$a" = bin/busybox ] && continue
			up=$(echo "$a" | sed 's|[^/]*/|../|g; s|[^/]*$||')
			echo "slink /$a ${up}bin/busybox 0777"
		done
	else
		echo "linux-initramfs: cannot run $bb here; /init will install the applet links at boot" >&2
	fi
} >"$list"
trap 'rm -f "$list" "$list.passwd"' EXIT
python3 "$root/scripts/linux/mkcpio.py" "$list" "$out" || die "mkcpio failed"
