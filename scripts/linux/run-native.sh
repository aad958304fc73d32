#!/usr/bin/env bash
# Boots the Linux guest natively in QEMU (docs/LINUX.md) and runs one guest
# test, by default smoke (guest/linux/tests/smoke.sh):
#   scripts/linux/run-native.sh [TEST [OUTDIR]]
# OUTDIR (default build/test-linux/native) gets:
#   TEST.log       the whole console transcript (kernel messages included)
#   TEST.out       the part between init's markers, "=== hvtest begin" and
#                  "=== hvtest end": identical on every run, the part compared
#   TEST.times     "mark NAME SECONDS" lines: init (kernel boot until the
#                  test starts) and end (test done), from QEMU's start
# and prints the extracted part, the timings, and "exit N" (0: QEMU exited
# after the guest powered off).  Exit status: 0 if the test finished and
# reported status 0.  The boot can be changed as scripts/linux/lib.sh says
# (LINUX_APPEND, LINUX_MODE=hv, QEMU_KERNEL...), so this also runs the test
# under hv.  RUN_TIMEOUT bounds the run (default 120 s).
set -u
. "$(dirname "$0")/lib.sh"
test=${1:-smoke}
outdir=${2:-$BUILD/test-linux/$LINUX_MODE}
mkdir -p "$outdir"
miss=$(linux_missing)
if [ -n "$miss" ]; then
	echo "run-native: missing $miss (run: make linux)" >&2
	exit 1
fi
linux_qemu_cmd "hvtest=$test"
log=$outdir/$test.log
python3 "$LINUX_ROOT/scripts/linux/serial.py" --transcript "$log" \
	--timeout "${RUN_TIMEOUT:-120}" \
	--mark "init==== hvtest begin $test\n" \
	--mark "end==== hvtest end $test status=[0-9]+\n" \
	--exit -- "${QCMD[@]}" >"$outdir/$test.times"
rc=$?
linux_extract "$log" >"$outdir/$test.out"
cat "$outdir/$test.out"
cat "$outdir/$test.times"
grep -q "^=== hvtest end $test status=0\$" "$log" && [ $rc = 0 ]
