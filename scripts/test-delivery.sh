#!/usr/bin/env bash
# Faults during exception delivery (issue 14): guest/tests/delivery.c, each
# case natively and under hv, both under -icount shift=0,sleep=off (the TSC
# counts guest nanoseconds).  Checks, one PASS/FAIL line each:
#   native       the native run (the oracle) ends as the case says: with
#                END, or in a triple fault (-no-reboot: QEMU exits with
#                status 0, no END line, and its -d cpu_reset log says
#                "Triple fault") after the vectors in CHAIN below (its -d int
#                log);
# and for each of hv's options "console=com2 exit_on_panic" and the same
# plus "pic=emulate":
#   transcript   COM1 under hv is the native one, byte for byte;
#   ending       a native triple fault is hv's status 7 with exactly one
#                line "hv: guest: stopped: triple fault ..."; any other
#                native ending is hv's exit status too;
#   chain        (triple faults) that line lists CHAIN: "(delivering vector
#                A, then B, ...)", the vectors the SDM's table 6-5 gives;
#   integrity    hv's log has "hv: integrity: text and data intact (crc X)";
#   guest time   hv's log has "hv: exit: time stamp counter N", N < 10^9:
#                less than one second of guest time.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-delivery
mkdir -p "$work"
RUN_QEMU_EXTRA=(-icount shift=0,sleep=off)
RUN_TIMEOUT=${DELIVERY_TIMEOUT:-60}
stopped=$(exit_status 3)
guest=$BUILD/guest/delivery.elf
tsc_max=1000000000

# CASE RING ARGS CHAIN: ARGS more guest arguments ('' for none); CHAIN the
# vectors of a triple fault as hv's stop line lists them (each event being
# delivered, then the fault while delivering #DF; SDM vol. 3A 6.15 table
# 6-5, every one checked natively with QEMU's -d int), '-' when the case
# ends with END.  Vectors: 64 int $0x40, 65 int $0x41, 66 int $0x42,
# 6 #UD, 8 #DF, 10 #TS, 11 #NP, 13 #GP, 14 #PF.
runs=(
	# The last #PF of the handler fetches cannot be pushed: #DF, whose push faults.
	"pf-df-unmapped 0 '' 14, then 8, then 14"
	"pf-df-unmapped 3 '' 14, then 8, then 14"
	"pf-gate-np 0 '' -"
	"pf-gate-np 3 '' -"
	# ud2, #GP for its gate beyond the limit, #GP again: #DF, #GP.
	"idt-limit0 0 '' 6, then 13, then 8, then 13"
	"idt-limit0 3 '' 6, then 13, then 8, then 13"
	"idt-limit0 3 'event=int' 64, then 13, then 8, then 13"
	# ud2, #PF reading its gate, #PF again: #DF, #PF.
	"idt-unmapped 0 '' 6, then 14, then 8, then 14"
	"idt-unmapped 3 '' 6, then 14, then 8, then 14"
	# The gates' selector has RPL 2 (not checked), or 0.
	"cs-np 0 '' -"
	"cs-np 3 '' -"
	"cs-np 0 'rpl=0' -"
	"cs-np 3 'rpl=0' -"
	# int $0x40 from ring 3, #TS for SS0, #TS again: #DF, #TS.
	"ss0-bad 3 '' 64, then 10, then 8, then 10"
	# a #GP from ring 3, then #TS (contributory twice): #DF, #TS.
	"ss0-bad 3 'event=gp' 13, then 8, then 10"
	# int $0x42: #NP for its gate's code segment, checked before the stack;
	# then #TS for the #NP's stack: #DF, #TS.
	"ss0-bad 3 'event=intnp' 66, then 11, then 8, then 10"
	# int $0x40 from ring 3, #PF pushing on ESP0, #PF again: #DF, #PF.
	"esp0-unmapped 3 '' 64, then 14, then 8, then 14"
	# int $0x41: #GP for its gate's type (before the stack), whose push is a
	# #PF (contributory then #PF: serially), #PF again: #DF, #PF.
	"esp0-unmapped 3 'event=intgp' 65, then 13, then 14, then 8, then 14"
	# int $0x42: #NP for its code segment before the stack, then as above.
	"esp0-unmapped 3 'event=intnp' 66, then 11, then 14, then 8, then 14"
	"gp-in-gp 0 '' -"
	"gp-in-gp 3 '' -"
	"pf-push 0 '' 64, then 14, then 8, then 14"
	"pf-push 3 '' 64, then 14, then 8, then 14"
	"pf-push 0 'event=gp' 13, then 14, then 8, then 14"
	"pf-push 0 'event=intnp' 66, then 11, then 14, then 8, then 14"
)
# The chain in QEMU's -d int log, as long as the wanted one: the last
# vectors delivered ("v=NN", hex) and the one raised while delivering #DF
# ("check_exception old: 0x8 new 0xNN").
native_chain() {
	local qlog=$1 want=$2 k out='' v
	k=$(echo "$want" | tr ',' '\n' | wc -l)
	for v in $(grep -oE '^ *[0-9]+: v=[0-9a-f]+' "$qlog" | sed 's/.*v=//' | tail -n $((k - 1))) \
			$(grep -oE '^check_exception old: 0x8 new 0x[0-9a-f]+' "$qlog" | tail -n 1 |
			  sed 's/.*new 0x//'); do
		out="$out${out:+, then }$((16#$v))"
	done
	echo "$out"
}

hv_opts=("console=com2 exit_on_panic" "console=com2 exit_on_panic pic=emulate")

for r in "${runs[@]}"; do
	eval "set -- $r"
	c=$1 ring=$2 extra=$3
	shift 3
	chain=$*
	args="case=$c ring=$ring${extra:+ $extra}"
	id="$c-ring$ring${extra:+-${extra//=/-}}"
	name="delivery: $c ring $ring${extra:+ $extra}"

	# Natively with QEMU's log of interrupts and resets, which shows the
	# vectors delivered ("v=NN") and the triple fault.
	nat=$work/$id.native
	RUN_QEMU_EXTRA=(-icount shift=0,sleep=off -d int,cpu_reset -D "$nat.qlog")
	native_run "$nat.out" "$guest" "$args"
	RUN_QEMU_EXTRA=(-icount shift=0,sleep=off)
	nstatus=$RUN_STATUS
	ntriple=0
	[ "$nstatus" = 0 ] && ! grep -q '^END ' "$nat.out" && ntriple=1
	# The native run is the oracle: it must end as the case says.
	if [ "$chain" = - ]; then
		if [ "$nstatus" = 1 ] && grep -q '^END delivery pass=1 fail=0$' "$nat.out" &&
				! grep -q '^Triple fault' "$nat.qlog"; then
			pass "$name: native ends with END"
		else
			fail "$name: native ends with END" "status $nstatus (COM1 $nat.out, log $nat.qlog)"
		fi
	elif [ "$ntriple" = 1 ] && grep -q '^Triple fault' "$nat.qlog"; then
		nchain=$(native_chain "$nat.qlog" "$chain")
		if [ "$nchain" = "$chain" ]; then
			pass "$name: native triple fault"
		else
			fail "$name: native triple fault" "QEMU delivered '$nchain', want '$chain' (log $nat.qlog)"
		fi
	else
		fail "$name: native triple fault" "status $nstatus (COM1 $nat.out, log $nat.qlog)"
	fi

	for opts in "${hv_opts[@]}"; do
		tag=
		[ "$opts" != "${hv_opts[0]}" ] && tag=" pic=emulate"
		hvf=$work/$id${tag:+-pic}.hv
		hv_run "$hvf.out" "$hvf.log" "$opts" "$guest $args"
		hstatus=$RUN_STATUS
		n=$(grep -c '^hv: guest: stopped: triple fault' "$hvf.log")
		what="$name$tag"

		if cmp -s "$nat.out" "$hvf.out"; then
			pass "$what: transcript"
		else
			fail "$what: transcript" "COM1 differs from native ($nat.out, $hvf.out)"
		fi

		if [ "$ntriple" = 1 ]; then
			if [ "$hstatus" != "$stopped" ]; then
				fail "$what: ending" "native triple fault, hv status $hstatus, want $stopped (log $hvf.log)"
			elif [ "$n" != 1 ]; then
				fail "$what: ending" "$n 'stopped: triple fault' lines, want one (log $hvf.log)"
			else
				pass "$what: ending"
			fi
			line=$(tr -d '\r' <"$hvf.log" | grep -m1 '^hv: guest: stopped: triple fault')
			if [[ "$line" == *"triple fault (delivering vector $chain) "* ]]; then
				pass "$what: chain"
			else
				fail "$what: chain" "want 'triple fault (delivering vector $chain)', log has '${line:-no such line}'"
			fi
		elif [ "$hstatus" != "$nstatus" ]; then
			fail "$what: ending" "hv status $hstatus, native $nstatus (log $hvf.log)"
		elif [ "$n" != 0 ]; then
			fail "$what: ending" "a 'stopped: triple fault' line, none natively (log $hvf.log)"
		else
			pass "$what: ending"
		fi

		if grep -q '^hv: integrity: text and data intact (crc [0-9a-f]\{8\})' "$hvf.log"; then
			pass "$what: integrity"
		else
			fail "$what: integrity" "no 'hv: integrity: text and data intact' line (log $hvf.log)"
		fi

		tsc=$(tr -d '\r' <"$hvf.log" |
		      sed -n 's/^hv: exit: time stamp counter \([0-9]\{1,\}\)$/\1/p' | tail -n 1)
		if [ -z "$tsc" ]; then
			why="no 'hv: exit: time stamp counter' line"
			grep -q '^hv: guest: guest wrote [0-9]* to the exit port' "$hvf.log" &&
				why="$why (the guest left through port 0xf4)"
			fail "$what: guest time" "$why (log $hvf.log)"
		elif [ "${#tsc}" -gt 10 ] || [ "$tsc" -ge "$tsc_max" ]; then
			fail "$what: guest time" "time stamp counter $tsc, want < $tsc_max (log $hvf.log)"
		else
			pass "$what: guest time"
		fi
	done
done
exit 0
