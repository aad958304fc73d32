#!/usr/bin/env bash
# Runs every test guest of guest/tests/MANIFEST natively (and, for guests
# whose tags hv supports, differentially: natively and under hv in the same
# QEMU, comparing the COM1 transcripts byte for byte).
#
# A guest prints "ok G.CASE" or "FAIL G.CASE: why" per case and
# "END G pass=N fail=M", then exits through port 0xf4 (0: all passed).
#
# Usage: scripts/test-guests.sh [NAME...]   (default: every guest)
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-guests
mkdir -p "$work"
manifest=$HV_ROOT/guest/tests/MANIFEST

# Tags of guests hv can run so far; others run natively only.
HV_TAGS=${HV_TAGS-flat,irq,io,smc,paging,user,apic}
# A third hv run with every device emulated (docs/DEVICES.md), for guests
# whose tags are all in HV_EMU_TAGS (empty HV_EMU_OPTS: no such run).
# Not "user" yet: with an emulated PIC, ring-3 code runs with the real IF
# set, and a PUSHF there shows it.
HV_EMU_OPTS=${HV_EMU_OPTS-pic=emulate pit=emulate com1=emulate com2=emulate rtc=emulate kbd=emulate pci=emulate}
HV_EMU_TAGS=${HV_EMU_TAGS-flat,irq,io,smc,paging,user,apic}

if [ ! -f "$manifest" ]; then
	fail guests "no $manifest"
	exit 1
fi

supported() {	# supported TAGS: every tag of the guest is in HV_TAGS
	local t
	[ -n "$HV_TAGS" ] || return 1
	for t in ${1//,/ }; do
		case ",$HV_TAGS," in *",$t,"*) ;; *) return 1 ;; esac
	done
}

# guest_checks NAME TAGS ARGS: the runs and verdicts of one guest.
guest_checks() {
	local name=$1 tags=$2 args=$3 elf st flushes reclaims
	elf=$BUILD/guest/$name.elf
	if [ ! -f "$elf" ]; then
		fail "native: $name" "$elf not built"
		return
	fi

	native_run "$work/$name.native" "$elf" $args
	st=$RUN_STATUS
	sed -n 's/^ok \(.*\)$/PASS native: \1/p; s/^FAIL \(.*\)$/FAIL native: \1/p' \
		"$work/$name.native" | tr -d '\r'
	if ! grep -q "^END $name pass=[0-9]* fail=0" "$work/$name.native" ||
		[ "$st" != "$(exit_status 0)" ]; then
		fail "native: $name" "status $st, transcript $work/$name.native"
		return
	fi

	# The transcript must not vary from run to run (a differential oracle
	# is useless otherwise).
	native_run "$work/$name.native2" "$elf" $args
	if cmp -s "$work/$name.native" "$work/$name.native2"; then
		pass "deterministic: $name"
	else
		fail "deterministic: $name" "two native runs differ: $work/$name.native{,2}"
	fi

	case ",$tags," in *,hvpending,*)
		echo "pending under hv (see guest/tests/MANIFEST): $name"
		return ;;
	esac
	supported "$tags" || return
	hv_run "$work/$name.hv" "$work/$name.hvlog" "console=com2 exit_on_panic" "$elf $args"
	if cmp -s "$work/$name.native" "$work/$name.hv" && [ "$RUN_STATUS" = "$st" ]; then
		pass "differential: $name"
	else
		fail "differential: $name" "status $RUN_STATUS vs native $st; diff $work/$name.native $work/$name.hv; hv log $work/$name.hvlog"
	fi

	# Again with a tiny code cache: flushed and refilled many times, which
	# the guest must not notice; and with the smallest frame pool, so that
	# a guest with many address spaces makes hv reclaim shadows.
	hv_run "$work/$name.hv8k" "$work/$name.hv8klog" "console=com2 exit_on_panic dtcache=8K hvmem=1M" "$elf $args"
	flushes=$(sed -n 's/^hv: dt: flushes \([0-9]*\),.*/\1/p' "$work/$name.hv8klog")
	reclaims=$(sed -n 's/^hv: shadow: .*reclaims \([0-9]*\).*/\1/p' "$work/$name.hv8klog")
	[ "${reclaims:-0}" = 0 ] && reclaims=
	if cmp -s "$work/$name.native" "$work/$name.hv8k" && [ "$RUN_STATUS" = "$st" ] &&
		[ "${flushes:-0}" -gt 0 ]; then
		pass "differential, cache flushed $flushes times${reclaims:+, shadows reclaimed $reclaims times}: $name"
	else
		fail "differential, small cache: $name" "status $RUN_STATUS, ${flushes:-no} flushes; diff $work/$name.native $work/$name.hv8k; hv log $work/$name.hv8klog"
	fi

	[ -n "$HV_EMU_OPTS" ] && HV_TAGS=$HV_EMU_TAGS supported "$tags" || return
	hv_run "$work/$name.hvemu" "$work/$name.hvemulog" "console=com2 exit_on_panic $HV_EMU_OPTS" "$elf $args"
	if cmp -s "$work/$name.native" "$work/$name.hvemu" && [ "$RUN_STATUS" = "$st" ]; then
		pass "differential, devices emulated: $name"
	else
		fail "differential, devices emulated: $name" "status $RUN_STATUS vs native $st; diff $work/$name.native $work/$name.hvemu; hv log $work/$name.hvemulog"
	fi
}

# Two guests at a time (GUEST_JOBS), each on its own core: every QEMU run
# is one thread.  Their lines are printed in the MANIFEST's order.
jobs=${GUEST_JOBS:-2}
order=()
want=" $* "
while read -r name tags args; do
	case "$name" in ''|'#'*) continue ;; esac
	[ $# -gt 0 ] && [ "${want/ $name /}" = "$want" ] && continue
	# Guests tagged smp need -smp 2: scripts/test-smp.sh runs them.
	case ",$tags," in *,smp,*) continue ;; esac
	order+=("$name")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	guest_checks "$name" "$tags" "$args" >"$work/$name.result" 2>&1 </dev/null &
done < "$manifest"
wait
for name in "${order[@]}"; do
	cat "$work/$name.result"
done
exit 0
