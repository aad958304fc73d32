# Shared shell helpers for hv's test scripts (sourced, not run).
#
# Every test prints exactly one line "PASS <name>" or "FAIL <name>: <why>";
# scripts/run-tests.sh counts them.

HV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$HV_ROOT/build}
QEMU=${QEMU:-qemu-system-i386}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}

# The machine every run uses (README.md, "Running under QEMU").
QEMU_MACHINE=(-accel tcg -m 256 -display none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=4)
# Extra QEMU arguments for native_run and hv_run (none unless a script sets
# them after sourcing this file, e.g. RUN_QEMU_EXTRA=(-icount shift=0,sleep=off)).
RUN_QEMU_EXTRA=()

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# Runs a guest natively: native_run OUT KERNEL [ARGS].  COM1 goes to OUT.
# Sets RUN_STATUS to QEMU's exit status (124 on timeout).
native_run() {
	local out=$1 kernel=$2
	shift 2
	timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" "${RUN_QEMU_EXTRA[@]}" -serial stdio \
		-kernel "$kernel" -append "$*" </dev/null >"$out" 2>"$out.stderr"
	RUN_STATUS=$?
}

# Runs hv with a guest: hv_run OUT LOG "HV OPTIONS" "MODULES"
# COM1 (the guest's) goes to OUT, COM2 (hv's log, console=com2) to LOG.
# An empty MODULES boots hv without a module.
hv_run() {
	local out=$1 log=$2 opts=$3 mods=$4
	local initrd=()
	[ -n "$mods" ] && initrd=(-initrd "$mods")
	: >"$log"
	timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" "${RUN_QEMU_EXTRA[@]}" -serial stdio \
		-serial "file:$log" -kernel "$BUILD/hv.elf" -append "$opts" \
		"${initrd[@]}" </dev/null >"$out" 2>"$out.stderr"
	RUN_STATUS=$?
}

# QEMU's isa-debug-exit status for an exit code written to port 0xf4.
exit_status() { echo $((($1 << 1) | 1)); }

# expect_refused WHAT NAME MODULE REGEX: hv, given MODULE (with its command
# line "$args"), refuses it with one error line "hv: guest: error: module
# ...: " matching REGEX and QEMU status 5 (scripts/test-mb1.sh, test-mb2.sh);
# the run's files go in $work.
expect_refused() {
	local what=$1 name=$2 file=$3 re=$4 n
	hv_run "$work/$name.out" "$work/$name.log" "console=com2" "$file $args"
	n=$(grep -c 'error:' "$work/$name.log")
	if [ "$RUN_STATUS" != "$(exit_status 2)" ]; then
		fail "$what refuses: $name" "QEMU status $RUN_STATUS, want $(exit_status 2) (log $work/$name.log)"
	elif [ "$n" != 1 ]; then
		fail "$what refuses: $name" "$n error lines (log $work/$name.log)"
	elif ! grep -Eq "^hv: guest: error: module [^ ]*: $re" "$work/$name.log"; then
		fail "$what refuses: $name" "no error line matches /$re/ (log $work/$name.log)"
	else
		pass "$what refuses: $name"
	fi
}
