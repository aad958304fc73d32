#!/usr/bin/env bash
# make bench (issue 8, docs/PERFORMANCE.md): runs the benchmark guest
# (build/guest/bench.elf, guest/bench/bench.c) natively and under hv in the
# same QEMU configuration, alternating native and hv, then the Linux
# workloads (guest/linux/tests/bench.sh, hvtest=bench) the same way, and
# prints a table of medians and hv/native ratios; writes build/bench.json
# (one section per mode, the other mode's section kept).
#
#   scripts/bench/bench.sh [--icount] [--reps N] [--linux-reps N]
#                          [--no-linux] [--scale N] [--only NAME]
#                          [--counters]
#
#   --icount       QEMU runs with -icount shift=0,sleep=off: the guest's TSC
#                  and clocks count executed instructions (hv's included)
#   --reps N       nanobenchmark runs per side (default 5)
#   --linux-reps N Linux runs per side (default 3)
#   --no-linux     nanobenchmarks only
#   --counters     also run each benchmark alone under hv once and keep hv's
#                  counters per benchmark (build/bench/MODE/counters-NAME.log);
#                  and boot Linux under hv once per workload (hvbench=NAME,
#                  none for the boot alone) with hvexit=port, so that hv
#                  prints its counters (build/bench/MODE/linux-counters-NAME/)
#
# Per-run outputs and hv's logs stay in build/bench/MODE/.  Each QEMU run is
# bounded by timeout(1): NANO_TIMEOUT (default 300 s), LINUX_TIMEOUT
# (default 900 s); a run that fails or times out is reported, not counted.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-$ROOT/build}
QEMU=${QEMU:-qemu-system-i386}
reps=5 lreps=3 icount=0 linux=1 scale=1 only= counters=0
while [ $# -gt 0 ]; do
	case $1 in
	--icount) icount=1 ;;
	--reps) reps=$2; shift ;;
	--linux-reps) lreps=$2; shift ;;
	--no-linux) linux=0 ;;
	--scale) scale=$2; shift ;;
	--only) only=$2; shift ;;
	--counters) counters=1 ;;
	*) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
mode=tcg
icount_opt=()
if [ $icount = 1 ]; then
	mode=icount
	icount_opt=(-icount shift=0,sleep=off)
fi
out=$BUILD/bench/$mode
rm -rf "$out"
mkdir -p "$out"
HV=$BUILD/hv.elf
GUEST=$BUILD/guest/bench.elf
for f in "$HV" "$GUEST"; do
	[ -s "$f" ] || { echo "bench.sh: missing $f (run make)" >&2; exit 1; }
done
MACHINE=("$QEMU" -accel tcg "${icount_opt[@]}" -m 256 -display none
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4)
args="scale=$scale${only:+ only=$only}"
nt=${NANO_TIMEOUT:-300}

# run_nano SIDE REP [GUEST ARGS]: one run; COM1 in $out/SIDE-REP.txt,
# QEMU's status in $out/SIDE-REP.rc, hv's log in $out/SIDE-REP.log.
run_nano() {
	local side=$1 rep=$2 a=${3:-$args} rc
	if [ "$side" = native ]; then
		timeout "$nt" "${MACHINE[@]}" -serial stdio -kernel "$GUEST" \
			-append "$a" >"$out/$side-$rep.txt" 2>"$out/$side-$rep.err"
	else
		timeout "$nt" "${MACHINE[@]}" -serial stdio \
			-serial "file:$out/$side-$rep.log" -kernel "$HV" \
			-append "console=com2" -initrd "$GUEST $a" \
			>"$out/$side-$rep.txt" 2>"$out/$side-$rep.err"
	fi
	rc=$?
	echo $rc >"$out/$side-$rep.rc"
	if [ $rc != 1 ] || ! grep -q '^END bench$' "$out/$side-$rep.txt"; then
		echo "bench: $mode $side run $rep failed (status $rc; $out/$side-$rep.txt)" >&2
	fi
}

echo "bench: mode $mode, $reps nanobenchmark runs per side${only:+ (only $only)}" >&2
for r in $(seq 1 "$reps"); do
	run_nano native "$r"
	run_nano hv "$r"
	echo "bench: run $r of $reps done" >&2
done

if [ $counters = 1 ]; then
	names=$(sed -n 's/^bench \([a-z0-9]*\) .*/\1/p' "$out/native-1.txt")
	for n in $names none; do
		run_nano counters "$n" "scale=$scale only=$n"
	done
fi

if [ $linux = 1 ]; then
	lt=${LINUX_TIMEOUT:-900}
	if ! make -s linux >"$out/make-linux.txt" 2>&1; then
		echo "bench: make linux failed ($out/make-linux.txt): Linux workloads skipped" >&2
		linux=0
	fi
fi
if [ $linux = 1 ]; then
	echo "bench: Linux, $lreps runs per side" >&2
	extra=
	[ $icount = 1 ] && extra="-icount shift=0,sleep=off"
	for r in $(seq 1 "$lreps"); do
		QEMU_EXTRA="$extra" RUN_TIMEOUT=$lt LINUX_MODE=native \
			scripts/linux/run-native.sh bench "$out/linux-native-$r" \
			>/dev/null 2>&1 ||
			echo "bench: Linux native run $r failed ($out/linux-native-$r)" >&2
		QEMU_EXTRA="$extra" RUN_TIMEOUT=$lt LINUX_MODE=hv \
			HV_LOG="$out/linux-hv-$r/hv.log" \
			scripts/linux/run-native.sh bench "$out/linux-hv-$r" \
			>/dev/null 2>&1 ||
			echo "bench: Linux hv run $r failed ($out/linux-hv-$r)" >&2
		echo "bench: Linux run $r of $lreps done" >&2
	done
	if [ $counters = 1 ]; then
		# hvexit=port: the guest ends QEMU through port 0xf4, which makes
		# hv print its counters (an ACPI power-off does not).
		app="${LINUX_APPEND:-console=ttyS0 quiet nokaslr} hvexit=port"
		for w in none forkexec shloop md5sum; do
			QEMU_EXTRA="$extra" RUN_TIMEOUT=$lt LINUX_MODE=hv \
				LINUX_APPEND="$app hvbench=$w" \
				HV_LOG="$out/linux-counters-$w/hv.log" \
				scripts/linux/run-native.sh bench "$out/linux-counters-$w" \
				>/dev/null 2>&1
			grep -q "exit port" "$out/linux-counters-$w/hv.log" ||
				echo "bench: Linux counters run $w failed ($out/linux-counters-$w)" >&2
		done
		echo "bench: Linux counter runs done" >&2
	fi
fi

python3 scripts/bench/report.py --mode "$mode" --dir "$out" --reps "$reps" \
	--linux-reps "$([ $linux = 1 ] && echo "$lreps" || echo 0)" \
	--json "$BUILD/bench.json"
