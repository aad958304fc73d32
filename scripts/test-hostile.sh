#!/usr/bin/env bash
# hv against a misbehaving guest (guest/tests/hostile.c): whatever the guest
# does, hv must end with one clear line in its log and a clean exit (QEMU
# status 7: guest stopped; or the guest's own exit), never a panic, a hang
# or a reset.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-hostile
mkdir -p "$work"
stopped=$(exit_status 3)

# hostile NAME 'ARGS' WANT_STATUS REGEX
hostile() {
	local name=$1 args=$2 want=$3 re=$4 n
	hv_run "$work/$name.out" "$work/$name.log" "console=com2 exit_on_panic" \
		"$BUILD/guest/hostile.elf $args"
	n=$(grep -c '^hv: guest: stopped: ' "$work/$name.log")
	if grep -q 'PANIC' "$work/$name.log"; then
		fail "hostile: $name" "hv panicked (log $work/$name.log)"
	elif [ "$want" != any ] && [ "$RUN_STATUS" != "$want" ]; then
		fail "hostile: $name" "QEMU status $RUN_STATUS, want $want (log $work/$name.log)"
	elif [ "$want" = any ] && ! { [ "$RUN_STATUS" = "$stopped" ] && [ "$n" = 1 ] ||
			[ "$RUN_STATUS" = 1 ] || [ "$RUN_STATUS" = 3 ]; }; then
		fail "hostile: $name" "status $RUN_STATUS with $n stop lines (log $work/$name.log)"
	elif [ "$RUN_STATUS" = "$stopped" ] && [ "$n" != 1 ]; then
		fail "hostile: $name" "$n 'stopped:' lines, want one (log $work/$name.log)"
	elif [ -n "$re" ] && ! grep -Eq "$re" "$work/$name.log"; then
		fail "hostile: $name" "no log line matches /$re/ (log $work/$name.log)"
	else
		pass "hostile: $name"
	fi
}

hostile triple "case=triple" "$stopped" 'stopped: triple fault \(delivering vector 0'
hostile garbage "case=garbage" "$stopped" 'stopped: '
hostile jumphv "case=jumphv" "$stopped" "stopped: guest jumped into hv's linear region \(ff000000\)"
hostile writehv "case=writehv" "$stopped" "stopped: guest touched hv's memory at ff000000"
hostile unsupported "case=unsupported" "$stopped" \
	'stopped: hv cannot emulate "sysexit" \(0f 35 [0-9a-f ]+\.\.\.\) \(guest eip [0-9a-f]{8}\)'
hostile hltcli "case=hltcli" "$stopped" 'stopped: guest halted with interrupts disabled'
# Random bytes can also overwrite the guest's own IDT and spin in a fault
# loop for as long as natively; these seeds end within seconds.
RUN_TIMEOUT=60
for seed in 3 5 7 11 13 15 17 21; do
	hostile "random-$seed" "case=random seed=$seed count=40" any ''
done
exit 0
