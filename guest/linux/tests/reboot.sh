#!/bin/sh
# hvtest=reboot: the guest reboots the machine the way Linux does
# (busybox reboot -f: the kernel's machine_restart, on QEMU's PC the ACPI
# reset register, 0xCF9, then the keyboard controller).  scripts/test-reset.sh
# runs it with -no-reboot: QEMU ends natively and under hv, and under hv
# the reset is hv's (its reset and integrity lines).
echo "reboot: rebooting"
reboot -f
sleep 5
echo "reboot: still running"
exit 1
