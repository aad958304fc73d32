#!/usr/bin/env bash
# The host unit test of hv's reading of its boot loader's information
# (tests/mbinfo/): boot/mbinfo.c and boot/mb2info.c compiled for a 32-bit
# Linux process, fed Multiboot 1 and 2 information built as the specs lay
# it out, well-formed and broken.  No QEMU; milliseconds.
set -u
. "$(dirname "$0")/lib.sh"
bin=$BUILD/tests/mbinfo_unit
if [ ! -x "$bin" ]; then
	fail mbinfo-unit "$bin not built (make host-tests)"
	exit 1
fi
"$bin"
