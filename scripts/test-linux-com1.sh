#!/usr/bin/env bash
# Linux under hv with its serial console on hv's emulated 16550
# (com1=emulate), and again with the PIT emulated too (pic=emulate
# pit=emulate: the guest's IF virtual, its timer hv's model; the HPET is
# hidden then): the smoke script's transcript, its apic step included
# (the kernel in APIC mode), must be the native one
# (scripts/linux/test-linux.sh leaves it in build/test-linux/native).
set -u
. "$(dirname "$0")/lib.sh"
native=$BUILD/test-linux/native/smoke.out
out=$BUILD/test-linux/hv-com1emu
if [ ! -s "$native" ]; then
	fail linux-com1-emulate "no native transcript ($native; run scripts/linux/test-linux.sh)"
	exit 0
fi
HV_OPTS="console=com2 com1=emulate" LINUX_MODE=hv RUN_TIMEOUT=240 \
	"$HV_ROOT/scripts/linux/run-native.sh" smoke "$out" >/dev/null 2>&1
if cmp -s "$native" "$out/smoke.out"; then
	pass "linux-com1-emulate: smoke transcript as natively"
else
	fail linux-com1-emulate "differs from native: diff $native $out/smoke.out"
fi
out=$BUILD/test-linux/hv-pitemu
HV_OPTS="console=com2 pic=emulate pit=emulate" LINUX_MODE=hv RUN_TIMEOUT=240 \
	"$HV_ROOT/scripts/linux/run-native.sh" smoke "$out" >/dev/null 2>&1
if cmp -s "$native" "$out/smoke.out"; then
	pass "linux-pit-emulate: smoke transcript as natively (pic=emulate pit=emulate)"
else
	fail linux-pit-emulate "differs from native: diff $native $out/smoke.out"
fi
exit 0
