#!/usr/bin/env bash
# A Linux guest that panics (no init to run), with its System.map passed as
# a third module: hv's log must name panic() with its symbol, show the
# panic's format string, the registers and the last guest addresses.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-linux-diag
mkdir -p "$work"
L=$BUILD/linux
if [ ! -s "$L/bzImage" ] || [ ! -s "$L/System.map" ]; then
	fail linux-diag "build/linux is not built (make linux)"
	exit 1
fi
# The panicked guest never stops by itself: QEMU is stopped once hv has
# written its report (or after 150 s).
: > "$work/log"
"$QEMU" "${QEMU_MACHINE[@]}" -serial file:"$work/out" -serial file:"$work/log" \
	-kernel "$BUILD/hv.elf" -append "console=com2" \
	-initrd "$L/bzImage console=ttyS0 quiet nokaslr rdinit=/nonexistent init=/nonexistent,$L/initramfs.cpio.gz,$L/System.map" \
	</dev/null >/dev/null 2>&1 &
qpid=$!
for _ in $(seq 150); do
	grep -q 'panic format' "$work/log" && break
	kill -0 $qpid 2>/dev/null || break
	sleep 1
done
sleep 1
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
ok=1
for re in '^hv: diag: guest symbols from module 2, watching panic\(\)' \
	'^hv: diag: the guest called panic\(\): guest eip [0-9a-f]{8} <panic\+0x0> cpl 0' \
	'^hv: diag:   eax=[0-9a-f]{8} ebx=' \
	'^hv: diag:     [0-9a-f]{8} <mount_[a-z_]+\+0x[0-9a-f]+>' \
	'^hv: diag:   panic format: "VFS: Unable to mount root fs on %s"'; do
	if ! grep -Eq "$re" "$work/log"; then
		fail linux-diag "no hv log line matches /$re/ ($work/log)"
		ok=0
		break
	fi
done
[ $ok = 1 ] && pass "linux-diag: a guest panic is reported with symbols"
exit 0
