#!/bin/sh
# The disk test (scripts/linux/test-disk.sh; its initramfs has the drivers
# in /lib/modules): loads them in /lib/modules/order, mounts the ext2 file
# system of the first disk read-only, and prints the checksum of its file
# and the transfer mode libata chose for it (sysfs: DMA by the disk
# controller).
fail() {
	echo "FAIL disk: $*"
	dmesg | grep -i -E 'ata|ahci|scsi|sd |sda|ext|jbd|crc|module' | tail -20 >&2
	exit 1
}
[ -f /lib/modules/order ] || fail "no /lib/modules/order (not the disk test's initramfs)"
for m in $(cat /lib/modules/order); do
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done
i=0
while [ ! -b /dev/sda ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/sda ] || fail "no /dev/sda after 30 s"
mount -t ext4 -o ro /dev/sda /mnt || fail "mount /dev/sda"
ls /mnt
md5sum /mnt/data.bin
mode=$(cat /sys/class/ata_device/dev1.0/xfer_mode 2>/dev/null)
echo "libata: ata1.00 transfer mode ${mode:-unknown}"
umount /mnt || fail "umount"
echo "ok disk"
