#!/usr/bin/env bash
# The MMIO instruction emulator's host unit test (tests/mmio/test_mmio.c):
# monitor/mmio.c compiled for a 32-bit Linux process, every form it
# emulates compared with the same instruction run natively on the host
# CPU, and the forms it refuses.  No QEMU; about a second.
set -u
. "$(dirname "$0")/lib.sh"
bin=$BUILD/tests/mmio_unit
if [ ! -x "$bin" ]; then
	fail mmio-unit "$bin not built (make host-tests)"
	exit 1
fi
"$bin"
