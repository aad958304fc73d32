#!/usr/bin/env bash
# Tests of the guest's devices, passed through or emulated (docs/DEVICES.md):
#  - the device models' host-side unit tests (build/tests/devices_unit, and
#    build/tests/irq_unit for the real interrupt lines behind them);
#  - the device options: bad values and contradictions are one error line
#    and status 5; the choice is logged;
#  - each device emulated on its own (the others passed through), with the
#    guests that use it: the COM1 transcript is the native one;
#  - com1=hide, kbd=hide, pci=hide, pcihide=: the device is absent;
#  - com1=emulate while hv logs on COM1: the guest's lines reach COM1 whole,
#    never inside one of hv's log lines.
# (Every guest with every device emulated is scripts/test-guests.sh's.)
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-devices
mkdir -p "$work"

# The unit tests print their own PASS/FAIL lines.
for unit in devices_unit irq_unit; do
	if [ -x "$BUILD/tests/$unit" ]; then
		"$BUILD/tests/$unit" || true
	else
		fail "devices-unit" "$BUILD/tests/$unit not built (make host-tests)"
	fi
done

ok=$(exit_status 0)
bad=$(exit_status 2)

# expect_opts NAME 'OPTIONS' REGEX: boots hv without a guest; status 5 and
# exactly one error line, matching REGEX.
expect_opts() {
	local name=$1 opts=$2 re=$3 n
	hv_run "$work/$name.out" "$work/$name.log" "console=com2 $opts" ""
	n=$(grep -c 'error:' "$work/$name.log")
	if [ "$RUN_STATUS" = "$bad" ] && [ "$n" = 1 ] && grep -Eq -- "$re" "$work/$name.log"; then
		pass "$name"
	else
		fail "$name" "status $RUN_STATUS (want $bad), $n error lines, want /$re/ (log: $work/$name.log)"
	fi
}

expect_opts dev-option-bad-pic "pic=foo" '^hv: options: error: pic= takes pass or emulate, not foo'
expect_opts dev-option-bad-com1 "com1=off" \
	'^hv: options: error: com1= takes pass, emulate or hide, not off'
expect_opts dev-option-rtc-hide "rtc=hide" '^hv: options: error: rtc= takes pass or emulate, not hide'
expect_opts dev-option-pic-pass "pit=emulate pic=pass" \
	'^hv: options: error: pic=pass cannot deliver the interrupts of pit=emulate'
expect_opts dev-option-pcihide-pass "pcihide=00:03.0" \
	'^hv: options: error: pcihide= needs pci=emulate, not pci=pass'
expect_opts dev-option-pcihide-bad "pci=emulate pcihide=00:3" \
	'^hv: options: error: pcihide= takes BB:DD\.F\[,\.\.\.\] in hex, not 00:3'

# native NAME [ARGS]: the guest's native transcript in $work/NAME.native.
native() {
	local name=$1
	shift
	native_run "$work/$name.native" "$BUILD/guest/$name.elf" "$@"
	NATIVE_STATUS=$RUN_STATUS
}

# differ TEST NAME 'OPTIONS' [ARGS]: hv with OPTIONS must give the native
# transcript and status; sets OUT and LOG.
differ() {
	local test=$1 name=$2 opts=$3
	shift 3
	OUT=$work/${test//[^A-Za-z0-9_-]/_}.out
	LOG=$work/${test//[^A-Za-z0-9_-]/_}.log
	hv_run "$OUT" "$LOG" "console=com2 exit_on_panic $opts" "$BUILD/guest/$name.elf $*"
	if cmp -s "$work/$name.native" "$OUT" && [ "$RUN_STATUS" = "$NATIVE_STATUS" ]; then
		pass "$test"
	else
		fail "$test" "status $RUN_STATUS vs native $NATIVE_STATUS; diff $work/$name.native $OUT; hv log $LOG"
	fi
}

# Each device alone: picprio touches the PIC, PIT, i8042, COM1 and RTC.
native picprio
for d in pic pit com1 rtc kbd pci; do
	differ "dev-alone-$d: picprio" picprio "$d=emulate"
	if [ "$d" != pic ] && [ "$d" != pci ] && ! grep -q "^hv: dev: pic=emulate .*$d=emulate" "$LOG"; then
		fail "dev-alone-$d: logged" "no 'hv: dev:' line with pic=emulate and $d=emulate in $LOG"
	fi
done
native pitmodes
differ "dev-alone-pit: pitmodes" pitmodes "pit=emulate"
native uart
differ "dev-alone-com1: uart" uart "com1=emulate"
native rtc
differ "dev-alone-rtc: rtc" rtc "rtc=emulate"
if grep -q "wake-ups from the local APIC timer" "$LOG"; then
	pass "dev-rtc-alone: hv's wake-ups from the local APIC timer"
else
	fail "dev-rtc-alone: hv's wake-ups from the local APIC timer" "see $LOG"
fi

# Absent devices.
hv_run "$work/com1-hide.out" "$work/com1-hide.log" "console=com2 exit_on_panic com1=hide" \
	"$BUILD/guest/kbdpci.elf"
if [ "$RUN_STATUS" = "$ok" ] && [ ! -s "$work/com1-hide.out" ]; then
	pass "dev-com1-hide: the guest's COM1 goes nowhere"
else
	fail "dev-com1-hide: the guest's COM1 goes nowhere" "status $RUN_STATUS, $work/com1-hide.out"
fi
native kbdpci pci=none
hv_run "$work/pci-hide.out" "$work/pci-hide.log" "console=com2 exit_on_panic pci=hide" \
	"$BUILD/guest/kbdpci.elf pci=none"
if [ "$RUN_STATUS" = "$ok" ] && grep -q "^ok kbdpci.pci_bus0" "$work/pci-hide.out"; then
	pass "dev-pci-hide: no PCI function"
else
	fail "dev-pci-hide: no PCI function" "status $RUN_STATUS, $work/pci-hide.out"
fi
hv_run "$work/kbd-hide.out" "$work/kbd-hide.log" "console=com2 exit_on_panic kbd=hide" \
	"$BUILD/guest/kbdpci.elf nokbd"
if [ "$RUN_STATUS" = "$ok" ] && grep -q "^ok kbdpci.no_controller" "$work/kbd-hide.out"; then
	pass "dev-kbd-hide: no i8042"
else
	fail "dev-kbd-hide: no i8042" "status $RUN_STATUS, $work/kbd-hide.out"
fi
native kbdpci
hv_run "$work/pcihide.out" "$work/pcihide.log" "console=com2 exit_on_panic pci=emulate pcihide=00:03.0" \
	"$BUILD/guest/kbdpci.elf"
if [ "$RUN_STATUS" = "$ok" ] && grep -v '^pci 00:03\.0 ' "$work/kbdpci.native" | cmp -s - "$work/pcihide.out" &&
	grep -q '^pci 00:03\.0 ' "$work/kbdpci.native"; then
	pass "dev-pcihide: 00:03.0 hidden, the rest as natively"
else
	fail "dev-pcihide: 00:03.0 hidden, the rest as natively" "status $RUN_STATUS; diff $work/kbdpci.native $work/pcihide.out"
fi

# hv's log and the guest's lines on one UART.
native timer
hv_run "$work/shared.out" "$work/shared.log" "console=com1 exit_on_panic com1=emulate" \
	"$BUILD/guest/timer.elf"
tr -d '\r' <"$work/shared.out" >"$work/shared.lines"
if [ "$RUN_STATUS" = "$NATIVE_STATUS" ] && grep -q '^hv: ' "$work/shared.lines" &&
	! grep -q '.hv: [a-z]*: ' "$work/shared.lines" &&
	grep -v '^hv: ' "$work/shared.lines" | cmp -s - <(tr -d '\r' <"$work/timer.native"); then
	pass "dev-shared-console: guest lines whole, between hv's"
else
	fail "dev-shared-console: guest lines whole, between hv's" "status $RUN_STATUS; $work/shared.lines vs $work/timer.native"
fi
exit 0
