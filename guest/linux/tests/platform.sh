#!/bin/sh
# Prints what the kernel found on the platform, to compare a native boot
# with one under hv (not a pass/fail test; counts and times vary):
#   scripts/linux/run-native.sh platform      (LINUX_MODE=hv: under hv)
# CPU, clock sources and events, interrupts, I/O ports, memory map, PCI
# devices, the kernel messages that look like problems.
show() { echo "--- $1"; shift; "$@" 2>&1; }
show cpuinfo cat /proc/cpuinfo
show clocksource cat /sys/devices/system/clocksource/clocksource0/available_clocksource \
	/sys/devices/system/clocksource/clocksource0/current_clocksource
show clockevents sh -c 'for d in /sys/devices/system/clockevents/*/current_device; do echo "$d: $(cat $d)"; done'
show interrupts cat /proc/interrupts
show ioports cat /proc/ioports
show iomem cat /proc/iomem
show pci sh -c 'for d in /sys/bus/pci/devices/*; do [ -e "$d" ] && echo "${d##*/} $(cat $d/vendor):$(cat $d/device) class $(cat $d/class)"; done'
show cmdline cat /proc/cmdline
show dmesg-problems sh -c "dmesg | grep -iE 'warn|error|fail|unable|bug|not (found|supported)|disabled|timeout' "
show dmesg-tail sh -c 'dmesg | tail -40'
