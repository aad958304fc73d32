#!/usr/bin/env bash
# Resets, the A20 gate and the CMOS shutdown byte are hv's whatever the
# device options (issue 21; docs/DEVICES.md, "Reset, A20 and the shutdown
# byte").
#
#  - guest/tests/reset.c resets through 0xCF9, port 0x92 and the i8042
#    (0xFE, and the output port's bit 0) under each device option: natively
#    QEMU (-no-reboot) ends with status 0 after the guest's one line; under
#    hv the same transcript and status, and hv's log has the reset line
#    followed by its integrity line.
#  - The shutdown byte: the guest sets CMOS 0x0F to 0x0A with 40:67 on its
#    own real-mode code and resets, without -no-reboot: it must boot again
#    (hv starting twice in the log), never resume into its own code.
#  - Linux's reboot -f (guest/linux/tests/reboot.sh), natively and under hv.
#  - guest/tests/a20.c with the i8042 hidden and emulated (scripts/
#    test-guests.sh runs it with everything passed and everything emulated).
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-reset
mkdir -p "$work"
elf=$BUILD/guest/reset.elf
all="pic=emulate pit=emulate com1=emulate com2=emulate rtc=emulate kbd=emulate pci=emulate"
reset_status=0		# QEMU's own exit status after a reset with -no-reboot

# check_reset NAME OPTS: the reset line, then the integrity line, in hv's log.
check_reset() {
	local name=$1 log=$2 r i
	r=$(grep -n '^hv: reset: the guest resets the machine (' "$log" | head -1 | cut -d: -f1)
	i=$(grep -n '^hv: integrity: text and data intact' "$log" | head -1 | cut -d: -f1)
	[ -n "$r" ] && [ -n "$i" ] && [ "$i" -gt "$r" ]
}

for via in cf9 cf9soft 92 kbd kbdout; do
	native_run "$work/$via.native" "$elf" "via=$via"
	if [ "$RUN_STATUS" != "$reset_status" ] ||
		! grep -q "^reset: resetting through $via" "$work/$via.native"; then
		fail "reset-native: $via" "status $RUN_STATUS (transcript $work/$via.native)"
		continue
	fi
	# Every option for the three ports; the variants with the defaults
	# and the i8042 emulated.
	case $via in
	cf9|92|kbd) optsets=("" "kbd=emulate" "kbd=hide" "rtc=emulate" "pci=emulate" "pci=hide" "$all") ;;
	*) optsets=("" "kbd=emulate") ;;
	esac
	for o in "${optsets[@]}"; do
		tag=${o:-pass}
		[ "$o" = "$all" ] && tag=all-emulated
		name="reset: $via, $tag"
		base=$work/$via.${tag// /_}
		hv_run "$base.out" "$base.log" "console=com2 $o" "$elf via=$via"
		if [ "$RUN_STATUS" = "$reset_status" ] && cmp -s "$work/$via.native" "$base.out" &&
			check_reset "$name" "$base.log"; then
			pass "$name: hv's reset line, integrity, QEMU ends as natively"
		else
			fail "$name" "status $RUN_STATUS; diff $work/$via.native $base.out; log $base.log"
		fi
	done
done

# The shutdown byte, with the machine really resetting (no -no-reboot).
resume_run() {	# resume_run OUT LOG KERNEL APPEND [INITRD]
	local out=$1 log=$2 kernel=$3 append=$4
	shift 4
	: >"$log"
	timeout "$RUN_TIMEOUT" "$QEMU" -accel tcg -m 256 -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -serial "file:$log" \
		-kernel "$kernel" -append "$append" ${1:+-initrd "$1"} </dev/null >"$out" 2>"$out.stderr"
	RUN_STATUS=$?
}
resume_run "$work/resume.native" "$work/resume.native.log" "$elf" "via=cf9 resume"
if [ "$RUN_STATUS" = "$(exit_status 0)" ] && grep -q '^ok reset.second_boot' "$work/resume.native"; then
	pass "reset-native: shutdown byte 0x0a and a reset: the firmware boots again"
else
	fail "reset-native: shutdown byte" "status $RUN_STATUS (transcript $work/resume.native)"
fi
for via in cf9 92 kbd; do
	for o in "" "kbd=emulate pci=emulate"; do
		tag=${o:-pass}
		base=$work/resume.$via.${tag// /_}
		resume_run "$base.out" "$base.log" "$BUILD/hv.elf" "console=com2 $o" "$elf via=$via resume"
		boots=$(grep -c '^hv: boot: hv starting' "$base.log")
		if [ "$RUN_STATUS" = "$(exit_status 0)" ] && [ "$boots" = 2 ] &&
			check_reset "" "$base.log" && grep -q '^ok reset.second_boot' "$base.out" &&
			! grep -q 'resumed' "$base.out"; then
			pass "reset: shutdown byte 0x0a, reset through $via, $tag: hv's reset, a second boot, no resume"
		else
			fail "reset: shutdown byte, $via, $tag" "status $RUN_STATUS, $boots boots; out $base.out; log $base.log"
		fi
	done
done

# Linux rebooting (guest/linux/tests/reboot.sh: reboot -f), when it is built:
# natively QEMU ends after the kernel's "Restarting system"; under hv the
# same, after hv's reset and integrity lines.
L=$BUILD/linux
if [ -f "$L/bzImage" ] && [ -f "$L/initramfs.cpio.gz" ]; then
	largs="console=ttyS0 quiet nokaslr hvtest=reboot"
	timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" -serial stdio -kernel "$L/bzImage" \
		-initrd "$L/initramfs.cpio.gz" -append "$largs" </dev/null >"$work/linux.native" 2>&1
	nst=$?
	hv_run "$work/linux.hv" "$work/linux.hvlog" "console=com2" "$L/bzImage $largs,$L/initramfs.cpio.gz"
	if [ "$nst" = "$reset_status" ] && [ "$RUN_STATUS" = "$reset_status" ] &&
		grep -aq '^reboot: rebooting' "$work/linux.native" &&
		grep -aq '^reboot: rebooting' "$work/linux.hv" &&
		! grep -aq 'still running' "$work/linux.hv" && check_reset "" "$work/linux.hvlog"; then
		pass "reset: Linux reboot -f: $(sed -n 's/^hv: reset: the guest resets the machine (\(.*\)).*/\1/p' "$work/linux.hvlog"), hv's integrity, QEMU ends as natively"
	else
		fail "reset: Linux reboot -f" "status $RUN_STATUS (native $nst); $work/linux.hv; log $work/linux.hvlog"
	fi
fi

# A20 with the i8042 hidden (port 0x92 only) and emulated alone.
a20=$BUILD/guest/a20.elf
native_run "$work/a20.native" "$a20"
native_run "$work/a20-nokbd.native" "$a20" nokbd
for o in "kbd=hide" "kbd=emulate"; do
	args=; ref=$work/a20.native
	[ "$o" = kbd=hide ] && { args=nokbd; ref=$work/a20-nokbd.native; }
	hv_run "$work/a20.$o.out" "$work/a20.$o.log" "console=com2 $o" "$a20 $args"
	if [ "$RUN_STATUS" = "$(exit_status 0)" ] && cmp -s "$ref" "$work/a20.$o.out" &&
		grep -q '^END a20 pass=[1-9][0-9]* fail=0' "$ref"; then
		pass "a20, $o: the wrap at 1 MiB + 0x1000 as natively"
	else
		fail "a20, $o" "status $RUN_STATUS; diff $ref $work/a20.$o.out; log $work/a20.$o.log"
	fi
done
exit 0
