#!/usr/bin/env bash
# SMP containment: guest/tests/smp.c on a two-processor machine (-smp 2).
# The guest sends INIT and two STARTUP IPIs to APIC ID 1 (MP spec 1.4 B.4)
# with real-mode start-up code that prints "AP up" on COM1, and reports
# "ap: answered" or "ap: no answer".
#   - natively the second processor starts: "AP up", "ap: answered";
#   - under hv the guest has one processor, and hv must not let it start
#     the machine's other one: "ap: no answer", no "AP up", and hv's log
#     ends with "hv: integrity: text and data intact".
# Both runs must end with "END smp pass=N fail=0" and the guest's exit 0.
# Then the madt and mptable guests on the same machine: the firmware's
# tables list two enabled processors natively, one under hv.
# Prints "PASS name" or "FAIL name: why" per check.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-smp
mkdir -p "$work"
RUN_QEMU_EXTRA=(-smp 2)
elf=$BUILD/guest/smp.elf

if [ ! -f "$elf" ]; then
	fail "smp: setup" "$elf not built (make guests)"
	exit 0
fi

# ended OUT: the guest finished with every case passed.  Sets why.
ended() {
	why=
	if [ "$RUN_STATUS" != "$(exit_status 0)" ]; then
		why="QEMU status $RUN_STATUS, want $(exit_status 0) (COM1 $1)"
	elif ! grep -q '^END smp pass=[0-9]* fail=0$' "$1"; then
		why="no 'END smp pass=N fail=0' (COM1 $1)"
	fi
	[ -z "$why" ]
}

native_run "$work/native.out" "$elf"
if ! ended "$work/native.out"; then
	fail "smp: native, -smp 2" "$why"
elif ! grep -q '^ap: answered$' "$work/native.out" || ! grep -q '^AP up$' "$work/native.out"; then
	fail "smp: native, -smp 2" "the AP did not answer (COM1 $work/native.out)"
else
	pass "smp: native, -smp 2: ap: answered"
fi

hv_run "$work/hv.out" "$work/hv.log" "console=com2 exit_on_panic" "$elf"
if grep -q 'PANIC' "$work/hv.log"; then
	fail "smp: hv, -smp 2" "hv panicked (log $work/hv.log)"
elif ! ended "$work/hv.out"; then
	fail "smp: hv, -smp 2" "$why; log $work/hv.log"
elif ! grep -q '^ap: no answer$' "$work/hv.out" || grep -q '^AP up$' "$work/hv.out"; then
	fail "smp: hv, -smp 2" "the guest started a second processor (COM1 $work/hv.out)"
else
	pass "smp: hv, -smp 2: ap: no answer"
fi
if grep -q '^hv: integrity: text and data intact (crc [0-9a-f]\{8\})' "$work/hv.log"; then
	pass "smp: hv, -smp 2: integrity"
else
	fail "smp: hv, -smp 2: integrity" "no 'hv: integrity: text and data intact' line (log $work/hv.log)"
fi

# The firmware's tables on the same machine: natively the MADT lists two
# enabled processors (SeaBIOS's MP table lists only the one it booted on);
# the guest under hv reads one in both (hv marks the others disabled,
# docs/DEVICES.md "One CPU").
for g in madt mptable; do
	native_run "$work/$g.native" "$BUILD/guest/$g.elf"
	hv_run "$work/$g.hv" "$work/$g.hvlog" "console=com2 exit_on_panic" "$BUILD/guest/$g.elf"
	n=$(sed -n 's/^processors: [0-9]*, \([0-9]*\) enabled.*/\1/p' "$work/$g.native" | tr -d '\r')
	h=$(sed -n 's/^processors: [0-9]*, \([0-9]*\) enabled.*/\1/p' "$work/$g.hv" | tr -d '\r')
	want_n=2
	[ "$g" = mptable ] && want_n=1
	if [ "$n" = "$want_n" ] && [ "$h" = 1 ] && grep -q "^END $g pass=[0-9]* fail=0" "$work/$g.hv"; then
		pass "smp: $g, -smp 2: $n processors enabled natively, 1 under hv"
	else
		fail "smp: $g, -smp 2" "enabled processors: native '${n}', hv '${h}' (want $want_n and 1; $work/$g.native, $work/$g.hv)"
	fi
done
exit 0
