# The Linux workloads of the benchmarks (issue 8, docs/PERFORMANCE.md),
# run by scripts/bench/bench.sh as hvtest=bench natively and under hv.
# Each workload is timed inside the guest with /proc/uptime (the kernel's
# clock: centiseconds; under QEMU's -icount it follows the instructions
# executed) and printed as
#     bench NAME START END
# with the two uptime readings; the host computes END - START.  The first
# line, "bench boot 0 UPTIME", is the kernel's uptime when init starts this
# test, where it would otherwise start the shell (boot to shell).
# Timings vary by nature: this test is not part of make test.
# hvbench=W1,W2 on the kernel command line runs only those workloads
# (forkexec, shloop, md5sum; "none" runs none): bench.sh --counters boots
# once per workload under hv with hvexit=port, so that hv prints its
# counters for the boot plus that workload alone.

up() { read -r u _ </proc/uptime; echo "$u"; }

echo "bench boot 0 $(up)"

only=
for w in $(cat /proc/cmdline); do
	case $w in hvbench=*) only=,${w#hvbench=}, ;; esac
done
want() { [ -z "$only" ] || case $only in *,$1,*) true ;; *) false ;; esac; }

# 500 fork+exec of /bin/true (a path, so the shell forks and execs it).
if want forkexec; then
	n=0 j=0
	s=$(up)
	while [ $j -lt 500 ]; do
		j=$((j + 1))
		/bin/true && n=$((n + 1))
	done
	e=$(up)
	echo "bench forkexec $s $e"
	[ $n = 500 ] || echo "bench-error forkexec: $n of 500 succeeded"
fi

# A 100 000-iteration shell loop.
if want shloop; then
	i=0
	s=$(up)
	while [ $i -lt 100000 ]; do
		i=$((i + 1))
	done
	e=$(up)
	echo "bench shloop $s $e"
fi

# md5sum of 16 MiB in tmpfs (the file is written first, untimed).
if ! want md5sum; then
	:
elif mkdir -p /tmp && mount -t tmpfs -o size=20m tmpfs /tmp; then
	dd if=/dev/zero of=/tmp/f bs=1048576 count=16 2>/dev/null
	s=$(up)
	m=$(md5sum /tmp/f)
	e=$(up)
	echo "bench md5sum $s $e"
	# md5 of 16 MiB of zeros
	[ "${m%% *}" = 2c7ab85a893283e98c931e9511add182 ] ||
		echo "bench-error md5sum: ${m%% *}"
	rm -f /tmp/f
	umount /tmp
else
	echo "bench-error md5sum: cannot mount tmpfs on /tmp"
fi
exit 0
