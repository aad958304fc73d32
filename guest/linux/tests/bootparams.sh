#!/bin/sh
# Prints what the boot loader gave the kernel in boot_params (the "zero
# page", Linux Documentation/x86/zero-page.rst and boot.rst's setup header
# offsets), as the kernel keeps it in /sys/kernel/boot_params/data, and the
# kernel's own view of the same: its command line and e820 map.  One
# "name value" line each (values in hex); scripts/test-linux-boot.sh checks
# them against the protocol and against a native boot:
#   scripts/linux/run-native.sh bootparams     (LINUX_MODE=hv: under hv)
bp=/sys/kernel/boot_params/data
[ -r "$bp" ] || { echo "no $bp"; exit 1; }

# field NAME OFFSET SIZE: the little-endian field, in hex.
field() {
	r=
	for b in $(od -An -tx1 -v -j $(($2)) -N "$3" "$bp"); do
		r=$b$r
	done
	echo "$1 $r"
}

field version 0x206 2
field type_of_loader 0x210 1
field loadflags 0x211 1
field code32_start 0x214 4
field ramdisk_image 0x218 4
field ramdisk_size 0x21c 4
field cmd_line_ptr 0x228 4
field initrd_addr_max 0x22c 4
field cmdline_size 0x238 4
field hardware_subarch 0x23c 4
field hardware_subarch_data 0x240 8
field acpi_rsdp_addr 0x070 8
field alt_mem_k 0x1e0 4
field sentinel 0x1ef 1
field video_mode 0x006 1
field video_cols 0x007 1
field video_lines 0x00e 1
field video_is_vga 0x00f 1
field video_points 0x010 2
n=$(field n 0x1e8 1 | cut -d' ' -f2)
echo "e820_entries $n"
i=0
while [ "$i" -lt $((0x$n)) ]; do
	o=$((0x2d0 + i * 20))
	a=$(field a $o 8 | cut -d' ' -f2)
	s=$(field s $((o + 8)) 8 | cut -d' ' -f2)
	t=$(field t $((o + 16)) 4 | cut -d' ' -f2)
	echo "e820 $a $s $t"
	i=$((i + 1))
done
echo "cmdline $(cat /proc/cmdline)"
dmesg | sed -n 's/^\[[ 0-9.]*\] //; s/^BIOS-e820: /kernel-e820 /p; s/^ACPI: RSDP \(0x[0-9A-Fa-f]*\).*/kernel-rsdp \1/p'
exit 0
