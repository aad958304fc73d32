# Shared settings of the Linux guest's scripts (sourced, not run;
# docs/LINUX.md).  Every setting can be given in the environment.
#
# How a run boots, in the order of precedence:
#   QEMU_KERNEL set      -kernel "$QEMU_KERNEL" -append "$QEMU_APPEND"
#                        -initrd "$QEMU_INITRD" as given, so any way of
#                        booting (hv with any options) can be swapped in; in
#                        both strings @LINUX_APPEND@ stands for the Linux
#                        command line ($LINUX_APPEND and the test's words
#                        such as hvtest=smoke), e.g.
#                          QEMU_KERNEL=build/hv.elf QEMU_APPEND=console=com2
#                          QEMU_INITRD="build/linux/bzImage @LINUX_APPEND@,build/linux/initramfs.cpio.gz"
#                          QEMU_EXTRA="-serial file:/tmp/hv.log"
#   LINUX_MODE=hv        hv boots Linux: -kernel $HV_ELF -append "$HV_OPTS"
#                        -initrd "$LINUX_BZIMAGE $LINUX_APPEND,$LINUX_INITRD"
#                        with hv's log (COM2) in $HV_LOG;
#   LINUX_MODE=native    (default) -kernel $LINUX_BZIMAGE -initrd $LINUX_INITRD
#                        -append "$LINUX_APPEND".
# QEMU_EXTRA: more QEMU arguments (split on blanks).  The guest's console is
# always the first serial port, on stdio.
#
# Note: QEMU's Multiboot loader splits -initrd on commas, so in hv mode the
# Linux command line must not contain one (console=ttyS0, not ttyS0,115200).

LINUX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BUILD:=$LINUX_ROOT/build}"
: "${QEMU:=qemu-system-i386}"
: "${LINUX_DIR:=$BUILD/linux}"
: "${LINUX_BZIMAGE:=$LINUX_DIR/bzImage}"
: "${LINUX_INITRD:=$LINUX_DIR/initramfs.cpio.gz}"
# quiet: the kernel prints only errors; nokaslr: the same addresses on
# every boot (System.map is made from such a boot).
: "${LINUX_APPEND:=console=ttyS0 quiet nokaslr}"
: "${LINUX_MODE:=native}"
: "${HV_ELF:=$BUILD/hv.elf}"
: "${HV_OPTS:=console=com2 watchdog=60}"
: "${HV_LOG:=$BUILD/test-linux/hv.log}"
: "${QEMU_EXTRA:=}"

# The machine of every run (README.md, "Running under QEMU"), with the
# isa-debug-exit port that hvexit=port uses.
LINUX_MACHINE=(-accel tcg -m 256 -display none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=4)

# linux_qemu_cmd [EXTRA KERNEL ARGS...]: sets the array QCMD to the whole
# QEMU command line; the extra words (hvtest=NAME...) go on the Linux
# command line.
linux_qemu_cmd() {
	local extra="$*" app boot
	app="$LINUX_APPEND${extra:+ $extra}"
	if [ -n "${QEMU_KERNEL:-}" ]; then
		local qa=${QEMU_APPEND:-} qi=${QEMU_INITRD:-}
		qa=${qa//@LINUX_APPEND@/$app}
		qi=${qi//@LINUX_APPEND@/$app}
		boot=(-serial stdio -kernel "$QEMU_KERNEL" -append "$qa")
		[ -n "$qi" ] && boot+=(-initrd "$qi")
	elif [ "$LINUX_MODE" = hv ]; then
		mkdir -p "$(dirname "$HV_LOG")"
		: >"$HV_LOG"
		boot=(-serial stdio -serial "file:$HV_LOG" -kernel "$HV_ELF"
			-append "$HV_OPTS" -initrd "$LINUX_BZIMAGE $app,$LINUX_INITRD")
	else
		boot=(-serial stdio -kernel "$LINUX_BZIMAGE" -initrd "$LINUX_INITRD"
			-append "$app")
	fi
	# shellcheck disable=SC2206
	QCMD=("$QEMU" "${LINUX_MACHINE[@]}" "${boot[@]}" $QEMU_EXTRA)
}

# linux_missing: prints what of the recipe's output is missing (nothing if
# all is there).
linux_missing() {
	local f
	for f in "$LINUX_BZIMAGE" "$LINUX_INITRD"; do
		[ -s "$f" ] || echo "$f"
	done
	if [ "$LINUX_MODE" = hv ] && [ -z "${QEMU_KERNEL:-}" ] && [ ! -s "$HV_ELF" ]; then
		echo "$HV_ELF"
	fi
}

# linux_extract FILE: the part of a transcript between "=== hvtest begin"
# and "=== hvtest end" (both excluded), on stdout.
linux_extract() {
	sed -n '/^=== hvtest begin /,/^=== hvtest end /{/^=== hvtest /d;p}' "$1"
}
