#!/usr/bin/env bash
# Linux reading a disk by DMA, natively and under hv (issue 17; docs/LINUX.md,
# docs/DEVICES.md "DMA"): Debian's kernel with its own drivers (ata_piix,
# ahci, sd_mod, ext4, crc32c_generic and what they need, from the kernel package:
# scripts/linux/modclosure.py) mounts an ext2 file system (mke2fs -d) and
# checksums a file of 1 MiB of bytes from a fixed seed
# (guest/linux/tests/disk.sh):
#   linux-disk-pc-native, linux-disk-pc-hv      QEMU's default machine, the
#       disk on the PIIX IDE controller (hv mediates its bus master)
#   linux-disk-q35-native, linux-disk-q35-hv    q35 with VT-d, the disk on
#       AHCI (hv programs the IOMMU), booted with pci=nomsi: hv does not
#       virtualize message-signalled interrupts yet (docs/ARCHITECTURE.md,
#       "Not yet"), and AHCI's would never reach the guest
# Each run must print the checksum the host's md5sum gives for the file and
# a DMA transfer mode, and under hv the transcript must equal the native one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$BUILD/test-disk
D=$LINUX_DIR/disk
mkdir -p "$work" "$D"
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

kdeb=$(ls "$LINUX_ROOT"/build/cache/deb/linux-image-*.deb 2>/dev/null | head -1)
if [ -z "$kdeb" ] || [ ! -s "$LINUX_BZIMAGE" ]; then
	fail linux-disk "no kernel package in build/cache/deb or no $LINUX_BZIMAGE (make linux)"
	exit 0
fi
# What the runs boot, made again when older than what they are made of.
if [ ! -s "$D/initramfs.cpio.gz" ] || [ "$kdeb" -nt "$D/initramfs.cpio.gz" ] ||
   [ "$here/modclosure.py" -nt "$D/initramfs.cpio.gz" ] ||
   [ "$here/mkinitramfs.sh" -nt "$D/initramfs.cpio.gz" ] ||
   [ "$LINUX_ROOT/guest/linux/init" -nt "$D/initramfs.cpio.gz" ] ||
   [ "$LINUX_ROOT/guest/linux/tests/disk.sh" -nt "$D/initramfs.cpio.gz" ]; then
	rm -rf "$D/modules"
	if ! python3 "$here/modclosure.py" "$kdeb" "$D/modules" ata_piix ahci sd_mod ext4 crc32c_generic \
		>"$work/build.log" 2>&1 ||
	   ! MODULES=$D/modules "$here/mkinitramfs.sh" "$D/initramfs.cpio.gz" >>"$work/build.log" 2>&1; then
		fail linux-disk "building the initramfs failed: $(tail -1 "$work/build.log")"
		exit 0
	fi
fi
if [ ! -s "$D/disk.img" ] || [ "$0" -nt "$D/disk.img" ]; then
	rm -rf "$D/fs" "$D/disk.img"
	mkdir -p "$D/fs"
	python3 -c '
import random, sys
random.seed(17)
open(sys.argv[1], "wb").write(bytes(random.getrandbits(8) for _ in range(1 << 20)))' "$D/fs/data.bin"
	if ! mke2fs -q -t ext2 -F -d "$D/fs" "$D/disk.img" 4M >>"$work/build.log" 2>&1; then
		fail linux-disk "mke2fs failed: $(tail -1 "$work/build.log")"
		exit 0
	fi
fi
want=$(md5sum <"$D/fs/data.bin" | cut -d' ' -f1)

# disk_run NAME MODE QEMU_EXTRA [KERNEL ARGS]: one boot; its part between
# the markers in $work/NAME/disk.out.
disk_run() {
	local name=$1 mode=$2 extra=$3 args=${4:-}
	rm -rf "${work:?}/$name"
	LINUX_MODE=$mode LINUX_INITRD=$D/initramfs.cpio.gz QEMU_EXTRA="$extra" \
		LINUX_APPEND="console=ttyS0 quiet nokaslr${args:+ $args}" \
		HV_LOG=$work/$name.hvlog RUN_TIMEOUT=${RUN_TIMEOUT:-300} \
		"$here/run-native.sh" disk "$work/$name" >/dev/null 2>"$work/$name.stderr"
}

for m in pc q35; do
	args=
	if [ $m = pc ]; then
		extra="-drive file=$D/disk.img,if=ide,index=0,format=raw,snapshot=on"
		hvre='^hv: dma: ide 00:01.1: bus master at [0-9a-f]* mediated'
	else
		extra="-machine q35 -device intel-iommu -drive file=$D/disk.img,if=ide,index=0,format=raw,snapshot=on"
		hvre='^hv: dma: VT-d unit 0 at fed90000 (version [0-9a-f]*): translating'
		args=pci=nomsi
	fi
	# (The two at once: each QEMU is one thread.)
	disk_run "$m-native" native "$extra" "$args" &
	disk_run "$m-hv" hv "$extra" "$args"
	wait
	for side in native hv; do
		o=$work/$m-$side/disk.out
		if ! grep -q '^ok disk$' "$o" 2>/dev/null; then
			fail "linux-disk-$m-$side" "the test did not pass: $(grep -m1 'FAIL' "$o" 2>/dev/null || echo "no result; $work/$m-$side/disk.log")"
		elif ! grep -q "^$want  /mnt/data.bin\$" "$o"; then
			fail "linux-disk-$m-$side" "the checksum is not the host's ($want): $(grep data.bin "$o")"
		elif ! grep -Eq '^libata: ata1.00 transfer mode XFER_(UDMA|MW_DMA)_[0-9]$' "$o"; then
			fail "linux-disk-$m-$side" "no DMA transfer mode: $(grep '^libata' "$o")"
		elif [ $side = hv ] && ! grep -q "$hvre" "$work/$m-hv.hvlog"; then
			fail "linux-disk-$m-hv" "hv's log has no line /$hvre/ ($work/$m-hv.hvlog)"
		elif [ $side = hv ] && ! cmp -s "$work/$m-native/disk.out" "$o"; then
			fail "linux-disk-$m-hv" "transcript differs: diff $work/$m-native/disk.out $o"
		else
			pass "linux-disk-$m-$side: $(grep '^libata' "$o" | cut -d' ' -f2-), md5 as the host's"
		fi
	done
done
exit 0
