#!/bin/sh
# Smoke test of hv's Linux guest (issue 7), run by /init with hvtest=smoke.
# Each step prints its results, then "ok STEP" or "FAIL STEP: why"; the last
# line is "END linux pass=N fail=M".  Everything printed is deterministic
# (no times, PIDs, dates or memory sizes), so the transcript natively and
# under hv must be identical: scripts/linux/test-linux.sh compares them, and
# compares each step with guest/linux/tests/smoke.expected.
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# uname: the kernel's build string is fixed; the hostname is set by /init.
uname -a
if [ "$(uname -s)" != Linux ]; then bad uname "system is '$(uname -s)'"
elif [ "$(uname -n)" != hv-guest ]; then bad uname "hostname is '$(uname -n)'"
elif ! grep -qF "Linux version $(uname -r) " /proc/version; then bad uname "release $(uname -r) not in /proc/version"
else ok uname; fi

# mount: device, mount point and type (the options hold memory sizes).
mount | awk '{ print $1, $2, $3, $4, $5 }'
m=$(mount | awk '{ print $3 ":" $5 }' | tr '\n' ' ')
case "$m" in
*"/proc:proc "*"/sys:sysfs "*"/dev:devtmpfs "*) ok mount ;;
*) bad mount "expected proc on /proc, sysfs on /sys, devtmpfs on /dev; have $m" ;;
esac

# ls /proc: the entries of a fixed list (present on any machine this kernel
# boots on, unlike acpi, mtrr, bus...), in sorted order; PIDs never listed.
stable="buddyinfo cgroups cmdline consoles cpuinfo crypto devices diskstats
	execdomains filesystems fs interrupts iomem ioports irq kallsyms kmsg
	loadavg locks meminfo misc modules mounts net pagetypeinfo partitions
	self slabinfo softirqs stat swaps sys sysvipc thread-self timer_list tty
	uptime version vmallocinfo vmstat zoneinfo"
# (No process per entry: forks are what costs most under hv.)
have=" $(ls /proc | tr '\n' ' ') "
missing=
for e in $stable; do
	case "$have" in
	*" $e "*) echo "$e" ;;
	*) missing="$missing $e" ;;
	esac
done
if [ -z "$missing" ]; then ok proc; else bad proc "missing:$missing"; fi

# A 10 000-iteration shell loop.
i=0 sum=0
while [ $i -lt 10000 ]; do
	i=$((i + 1))
	sum=$((sum + i))
done
echo "loop: count=$i sum=$sum"
if [ $i = 10000 ] && [ $sum = 50005000 ]; then ok loop; else bad loop "count=$i sum=$sum"; fi

# 200 fork+exec of /bin/true (a path, so the shell execs it, never a builtin).
n=0 j=0
while [ $j -lt 200 ]; do
	j=$((j + 1))
	/bin/true && n=$((n + 1))
done
echo "fork+exec: $n of 200 succeeded"
if [ $n = 200 ]; then ok forkexec; else bad forkexec "$n of 200 succeeded"; fi

# dd through a pipe: 1 MiB in 4 KiB blocks, re-blocked to 512 bytes.
c=$(dd if=/dev/zero bs=4096 count=256 2>/dev/null | dd bs=512 2>/dev/null | wc -c)
echo "dd: $c bytes through the pipe"
if [ "$c" = 1048576 ]; then ok dd; else bad dd "$c bytes, expected 1048576"; fi

# md5sum of a known file on tmpfs ("hv line 1" ... "hv line 1000").
mkdir -p /tmp
if mount -t tmpfs -o size=1m tmpfs /tmp; then
	k=0
	while [ $k -lt 1000 ]; do k=$((k + 1)); echo "hv line $k"; done >/tmp/known
	md5sum /tmp/known
	s=$(md5sum /tmp/known | cut -d' ' -f1)
	sz=$(wc -c </tmp/known)
	if [ "$s" = 1b16e072e7068b3f9af84195745bf71c ] && [ $sz = 11893 ]; then ok md5sum
	else bad md5sum "md5 $s, $sz bytes; expected 1b16e072e7068b3f9af84195745bf71c, 11893 bytes"; fi
	umount /tmp
else
	bad md5sum "cannot mount tmpfs on /tmp"
fi

# /proc/interrupts: the timer lines (IRQ 0, the local APIC timer LOC) add up
# to more a second later.  Only the verdict is printed.
ticks() {
	awk '$1 == "0:" || $1 == "LOC:" {
		for (f = 2; f <= NF && $f ~ /^[0-9]+$/; f++) s += $f
	} END { print s + 0 }' /proc/interrupts
}
t0=$(ticks)
sleep 1
t1=$(ticks)
if [ "$t1" -gt "$t0" ]; then
	echo "timer ticking: yes"
	ok timer
else
	echo "timer ticking: no"
	bad timer "timer interrupts (IRQ 0 + LOC) stayed at $t0 over one second"
fi

# The interrupt controllers: the kernel found the local APIC and the I/O
# APIC in the firmware's tables and uses them (the local APIC's timer
# counts, device lines go through the I/O APIC), not the 8259s alone.
loc=$(awk '$1 == "LOC:" { print $2 }' /proc/interrupts)
ioapic=$(grep -c 'IO-APIC' /proc/interrupts)
if dmesg | grep -q -e 'Local APIC .*not detected' -e 'Keep in PIC mode'; then
	echo "apic: PIC mode"
	bad apic "the kernel kept to the 8259s: $(dmesg | grep -e 'not detected' -e 'PIC mode' | head -1)"
elif [ "${loc:-0}" -gt 0 ] && [ "$ioapic" -gt 0 ]; then
	echo "apic: local APIC timer and I/O APIC lines counting"
	ok apic
else
	echo "apic: not in use"
	bad apic "LOC ${loc:-none}, $ioapic IO-APIC lines in /proc/interrupts"
fi

echo "END linux pass=$pass fail=$fail"
[ $fail = 0 ]
