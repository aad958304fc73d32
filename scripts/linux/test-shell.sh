#!/usr/bin/env bash
# Drives the Linux guest's interactive shell through the serial console
# (docs/LINUX.md): boots without hvtest=, waits for init's "=== hvshell ready"
# and the prompt, types `echo hello-$((6*7))` and reads hello-42, checks that
# the shell has the console as its controlling tty and job control works
# (`tty` is /dev/ttyS0; a background job shows in `jobs`, `kill %1` ends it
# with status 143, `fg %1` brings another back; no "job control turned
# off"), then powers off with `poweroff -f`.
#   scripts/linux/test-shell.sh [OUTDIR]
# Boots natively by default; LINUX_MODE=hv, or QEMU_KERNEL/QEMU_APPEND/
# QEMU_INITRD (scripts/linux/lib.sh), boot it another way, e.g. under hv.
# Prints "PASS linux-NAME-shell" or "FAIL linux-NAME-shell: why" (NAME is
# $LINUX_NAME, by default $LINUX_MODE), and an informative line
# "INFO linux-NAME boot-to-shell S s" (from QEMU's start to the prompt).
# OUTDIR (default build/test-linux/NAME) gets shell.log, the transcript.
# RUN_TIMEOUT bounds the whole run (default 120 s), REPLY_TIMEOUT each answer
# of the shell (default 30 s).
set -u
. "$(dirname "$0")/lib.sh"
name=${LINUX_NAME:-$LINUX_MODE}
outdir=${1:-$BUILD/test-linux/$name}
mkdir -p "$outdir"
t="linux-$name-shell"
miss=$(linux_missing)
if [ -n "$miss" ]; then
	echo "FAIL $t: missing $(echo $miss) (run: make linux)"
	exit 1
fi
linux_qemu_cmd
log=$outdir/shell.log
prompt='hv-guest:/# '
res=$(python3 "$LINUX_ROOT/scripts/linux/serial.py" --transcript "$log" \
	--timeout "${RUN_TIMEOUT:-120}" --reply-timeout "${REPLY_TIMEOUT:-30}" \
	--mark 'init==== hvshell ready\n' \
	--mark "shell=$prompt" \
	--send 'echo hello-$((6*7))\r' --expect '\nhello-42\n' \
	--expect "$prompt" \
	--send 'tty\r' --expect '\n/dev/ttyS0\n' \
	--expect "$prompt" \
	--send 'sleep 30 &\r' --expect "$prompt" \
	--send 'jobs\r' --expect '\n\[1\]\+ +Running +sleep 30' \
	--expect "$prompt" \
	--send 'kill %1; wait %1; echo killed-$?\r' --expect '\nkilled-143\n' \
	--expect "$prompt" \
	--send 'sleep 1 &\r' --expect "$prompt" \
	--send 'fg %1; echo fg-$?\r' --expect '\nsleep 1\nfg-0\n' \
	--expect "$prompt" \
	--send 'poweroff -f\r' --exit -- "${QCMD[@]}")
rc=$?
echo "$res" >"$outdir/shell.times"
secs=$(echo "$res" | sed -n 's/^mark shell //p')
if [ $rc != 0 ]; then
	why=$(echo "$res" | sed -n 's/^timeout: //p' | head -1)
	last=$(grep -v '^$' "$log" | tail -1 | cut -c1-100)
	echo "FAIL $t: ${why:-serial driver failed} (last console line: $last; see $log)"
elif grep -q 'job control turned off' "$log"; then
	echo "FAIL $t: the shell has no controlling tty (job control turned off; see $log)"
else
	echo "PASS $t"
fi
[ -n "$secs" ] && echo "INFO linux-$name boot-to-shell $secs s"
[ $rc = 0 ]
