#!/usr/bin/env bash
# tests/run-decoder.sh [--full]: compares hv's decoder with Capstone.
# Prints one "PASS <name>" or "FAIL <name>: <reason>" line per check, and
# informative lines that start with neither.  Exit status 1 if any FAIL.
#
#   decoder-edge        hand-written SDM cases (tests/edge_cases.c)
#   decoder-random      seeded random sequences: 1 million (10 million with --full)
#   decoder-kernel      linear sweep of Debian's i386 kernel .text
#   decoder-busybox     linear sweep of busybox-static:i386 .text
#   decoder-throughput  host decodes per second (reported, never fails on speed)
#
# DECODER_SEED overrides the random seed; DECODER_VERBOSE=1 shows more
# disagreements.  Build first with `make host-tests`.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/tests/decoder_cmp
corpus=$root/build/cache/corpus
count=1000000
[ "${1:-}" = "--full" ] && count=10000000
seed=${DECODER_SEED:-20240601}
fail=0

if [ ! -x "$bin" ]; then
	for n in decoder-edge decoder-random decoder-kernel decoder-busybox decoder-throughput; do
		echo "FAIL $n: $bin not built (make host-tests)"
	done
	exit 1
fi

run() { "$bin" "$@" || fail=1; }

run edge decoder-edge
run random decoder-random "$count" "$seed"
for c in kernel:vmlinux busybox:busybox; do
	name=decoder-${c%%:*}
	f=$corpus/${c#*:}.text
	if [ ! -s "$f" ]; then
		# Try once to fetch it; report the reason when that fails.
		why=$("$root/scripts/fetch-corpus.sh" 2>&1 >/dev/null | tail -1)
		if [ ! -s "$f" ]; then
			echo "FAIL $name: no corpus $f (scripts/fetch-corpus.sh: ${why:-failed})"
			fail=1
			continue
		fi
	fi
	run corpus "$name" "$f"
done
run speed decoder-throughput "$corpus/vmlinux.text"
exit $fail
