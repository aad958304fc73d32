#!/usr/bin/env bash
# The GDB stub (issue "Serial-console debugging"): Debian's gdb debugs the
# debuggee guest (guest/tests/debuggee.c) under hv through QEMU's COM3 on
# a TCP socket on 127.0.0.1 (hv option gdb=com3).  Expected values come
# from the guest's known behaviour and from its ELF (nm, objdump, readelf),
# never from hv's output.  Also the option conflicts of monitor= and gdb=.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-gdb
mkdir -p "$work"
elf=$BUILD/guest/debuggee.elf

# Option conflicts: one error line, status 5.
bad=$(exit_status 2)
conflict() {
	local name=$1 opts=$2 re=$3
	hv_run "$work/$name.out" "$work/$name.log" "console=com2 $opts" "$elf"
	if [ "$RUN_STATUS" = "$bad" ] && grep -Eq -- "$re" "$work/$name.log"; then
		pass "$name"
	else
		fail "$name" "status $RUN_STATUS, want $bad and /$re/ (log: $work/$name.log)"
	fi
}
conflict gdb-option-com5 "gdb=com5" '^hv: options: error: gdb= takes com1 to com4 or off, not com5'
conflict gdb-option-pass "gdb=com1 com1=pass" '^hv: options: error: gdb=com1 needs com1=hide, not com1=pass'
conflict gdb-option-console "gdb=com2" "^hv: options: error: gdb= cannot share its port with hv's log, console=com2"
conflict gdb-option-shared "gdb=com3 monitor=com3" '^hv: options: error: gdb= and monitor= cannot share com3'
conflict monitor-option-pass "monitor=com1 com1=pass" '^hv: options: error: monitor=com1 needs com1=emulate or hide, not pass'

if ! command -v gdb >/dev/null; then
	fail gdb-session "gdb is not installed (scripts/packages.txt)"
	exit 0
fi

sym() { nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
hex() { printf '0x%x' "$(($1))"; }
marker=$(hex "$(sym dbg_marker)")
tick=$(hex "$(sym dbg_tick)")
entry=$(hex "$(readelf -h "$elf" | awk '/Entry point/ { print $4 }')")
# The instruction after dbg_marker's first one, as objdump decodes it.
marker_next=$(objdump -d --start-address="$marker" --stop-address=$((marker + 16)) "$elf" |
	awk -F: '/^ +[0-9a-f]+:/ { n++; if (n == 2) { print "0x" $1; exit } }' | tr -d ' ')
marker_next=$(hex "$marker_next")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >"$work/hv.log"
timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" -serial "file:$work/guest.out" \
	-serial "file:$work/hv.log" -serial "tcp:127.0.0.1:$port,server=on,wait=off" \
	-kernel "$BUILD/hv.elf" -append "console=com2 gdb=com3" -initrd "$elf" \
	</dev/null >"$work/qemu.out" 2>&1 &
qemu=$!

# The session.  Markers (echo) split gdb's output into the checks' parts.
cat >"$work/session.gdb" <<EOF
set architecture i386
set pagination off
set confirm off
target remote 127.0.0.1:$port
echo @attach\n
p/x \$pc
break dbg_marker
continue
echo @break\n
p/x \$pc
p/x \$eax
p dbg_calls
p/x dbg_sum
stepi
echo @stepi\n
p/x \$pc
set var dbg_value = 0x5678
echo @setvar\n
p/x dbg_value
delete
watch dbg_ticks
continue
echo @watch\n
p/x \$pc
delete
hbreak dbg_tick
continue
echo @hbreak\n
p/x \$pc
p dbg_ticks
delete
detach
echo @detached\n
EOF
# gdb connects once hv has set the UART up (its FIFO reset would drop what
# gdb sent before), and may still retry the connection a few times.
for i in $(seq 1 300); do
	grep -q 'the guest waits for gdb' "$work/hv.log" 2>/dev/null && break
	sleep 0.1
done
for i in 1 2 3 4 5 6 7 8 9 10; do
	timeout 60 gdb -batch -nx -x "$work/session.gdb" "$elf" >"$work/session.out" 2>&1
	grep -q '^@attach' "$work/session.out" && break
	sleep 0.5
done
wait "$qemu"
status=$?

# The value gdb printed for an expression after marker @NAME: val NAME N.
val() {
	awk -v m="@$1" -v n="$2" '$0 == m { on = 1; k = 0; next } /^@/ { on = 0 }
		on && /^\$[0-9]+ = / { k++; if (k == n) { sub(/^\$[0-9]+ = /, ""); print; exit } }' \
		"$work/session.out"
}
check() {
	local name=$1 seen=$2 want=$3
	if [ "$seen" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "saw '$seen', want '$want' (gdb: $work/session.out)"
	fi
}

check gdb-attach-at-entry "$(val attach 1)" "$entry"
check gdb-break-symbol "$(val break 1)" "$marker"
check gdb-read-register "$(val break 2)" "0xc0ffee"
check gdb-read-variable "$(val break 3) $(val break 4)" "5 0x23"
check gdb-stepi "$(val stepi 1)" "$marker_next"
check gdb-write-variable "$(val setvar 1)" "0x5678"
if grep -q '^value=00005678$' "$work/guest.out"; then
	pass gdb-guest-sees-write
else
	fail gdb-guest-sees-write "no 'value=00005678' in $work/guest.out"
fi
if grep -q '^Old value = 0$' "$work/session.out" && grep -q '^New value = 1$' "$work/session.out" &&
	[ $(($(val watch 1))) -ge $((tick)) ] && [ $(($(val watch 1))) -lt $((tick + 16)) ]; then
	pass gdb-watchpoint
else
	fail gdb-watchpoint "no 0 -> 1 change of dbg_ticks reported inside dbg_tick (gdb: $work/session.out)"
fi
check gdb-hw-breakpoint "$(val hbreak 1) $(val hbreak 2)" "$tick 1"
if grep -q '^@detached' "$work/session.out" && [ "$status" = "$(exit_status 0)" ] &&
	grep -q '^END debuggee pass=3 fail=0$' "$work/guest.out"; then
	pass gdb-detach-guest-finishes
else
	fail gdb-detach-guest-finishes "QEMU status $status, guest: $(tail -1 "$work/guest.out")"
fi

# Ctrl-C: the guest spins waiting for a byte on its (emulated) COM1
# (debuggee's "wait"); a raw protocol client (scripts/rsp-ctrlc.py)
# continues it, sends the interrupt byte 0x03 and must get a stop reply
# with SIGINT (S02 or T02...) and an EIP inside that wait loop: uart_getc
# or gmain, from the ELF's symbol table.
range_of() { nm -S "$elf" | awk -v s="$1" '$4 == s { print "0x" $1, "0x" $2 }'; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >"$work/ctrlc-hv.log"
timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" -serial "file:$work/ctrlc-guest.out" \
	-serial "file:$work/ctrlc-hv.log" -serial "tcp:127.0.0.1:$port,server=on,wait=off" \
	-kernel "$BUILD/hv.elf" -append "console=com2 gdb=com3 com1=emulate" -initrd "$elf wait" \
	</dev/null >"$work/ctrlc-qemu.out" 2>&1 &
qemu=$!
for i in $(seq 1 300); do
	grep -q 'the guest waits for gdb' "$work/ctrlc-hv.log" 2>/dev/null && break
	sleep 0.1
done
timeout 60 python3 "$HV_ROOT/scripts/rsp-ctrlc.py" "$port" >"$work/ctrlc.out" 2>&1
wait "$qemu"
stop=$(sed -n 's/^after ctrl-c: //p' "$work/ctrlc.out")
eip=$(sed -n 's/^eip: //p' "$work/ctrlc.out")
inside=0
for f in uart_getc gmain; do
	set -- $(range_of $f)
	[ $# = 2 ] && [ -n "$eip" ] && [ "$eip" != none ] &&
		[ $((eip)) -ge $(($1)) ] && [ $((eip)) -lt $(($1 + $2)) ] && inside=1
done
case "$stop" in
S02|T02*)
	if [ $inside = 1 ]; then
		pass "gdb-ctrl-c: stopped with SIGINT at $eip in the guest's wait loop"
	else
		fail gdb-ctrl-c "stopped at '$eip', not in uart_getc or gmain ($work/ctrlc.out)"
	fi ;;
*)	fail gdb-ctrl-c "stop reply '$stop', want S02/T02 ($work/ctrlc.out, $work/ctrlc-hv.log)" ;;
esac
exit 0
