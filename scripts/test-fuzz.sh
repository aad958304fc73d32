#!/usr/bin/env bash
# The differential fuzzer (guest/fuzz/): each run in guest/fuzz/FUZZ_RUNS
# (or, with --long, 1 000 000 sequences at ring 0 over ten seeds, 200 000 at
# ring 0 with paging on each of two more and 100 000 at ring 3 with paging;
# with --pending, the known disagreements of FUZZ_RUNS_PENDING) natively and
# under hv in the same QEMU; the transcripts (one hash of the architectural
# state per sequence) must be identical.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-fuzz
mkdir -p "$work"
elf=$BUILD/guest/fuzz.elf

if [ "${1:-}" = --pending ]; then
	runs=$(grep -v '^#' "$HV_ROOT/guest/fuzz/FUZZ_RUNS_PENDING")
elif [ "${1:-}" = --long ]; then
	runs=$(for s in 11 12 13 14 15 16 17 18 19 20; do echo "fuzz seed=$s count=100000"; done
	       # Ring 0 with paging (issue 21: shadow fills and the null
	       # selectors IRET clears), and the seed whose generator broke a
	       # limit at sequence 84348.
	       for s in 31337 271828; do echo "fuzz seed=$s count=200000 paging=1"; done
	       echo "fuzz seed=777003 count=100000 ring=3 paging=1")
	RUN_TIMEOUT=2400
else
	runs=$(grep -v '^#' "$HV_ROOT/guest/fuzz/FUZZ_RUNS")
fi
[ -f "$elf" ] || { fail fuzz "$elf not built"; exit 1; }

total=0
while read -r name args; do
	[ -n "$name" ] || continue
	tag=$(echo "$args" | tr ' =' '_-')
	native_run "$work/$tag.native" "$elf" $args
	nst=$RUN_STATUS
	hv_run "$work/$tag.hv" "$work/$tag.hvlog" "console=com2 exit_on_panic" "$elf $args"
	n=$(grep -c '^seq ' "$work/$tag.native")
	if [ "$nst" != "$(exit_status 0)" ] || ! grep -q '^END fuzz .*fail=0' "$work/$tag.native"; then
		fail "fuzz $args" "native run failed (status $nst, $work/$tag.native)"
	elif ! cmp -s "$work/$tag.native" "$work/$tag.hv" || [ "$RUN_STATUS" != "$nst" ]; then
		first=$(cmp "$work/$tag.native" "$work/$tag.hv" 2>&1 | head -1)
		fail "fuzz $args" "differs from native ($first; hv log $work/$tag.hvlog)"
	else
		total=$((total + n))
		pass "fuzz $args ($n sequences agree)"
	fi
done <<< "$runs"
echo "fuzz: $total sequences agreed with native"
exit 0
