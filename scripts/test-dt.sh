#!/usr/bin/env bash
# The translator's host unit test (tests/dt/test_dt.c): dt/ compiled for a
# 32-bit Linux process, its translations run for real against the same
# code run natively.  Once with a 1 MiB code cache, once with 8 KiB, which
# fills and is flushed on the way.  No QEMU.
set -u
. "$(dirname "$0")/lib.sh"
bin=$BUILD/tests/dt_unit
if [ ! -x "$bin" ]; then
	fail dt-unit "$bin not built (make host-tests)"
	exit 1
fi
rc=0
"$bin" || rc=1
"$bin" 8192 | sed 's/^\(PASS\|FAIL\) dt-unit: /\1 dt-unit, 8 KiB cache: /' || rc=1
exit $rc
