#!/usr/bin/env bash
# The monitor console (issue "Serial-console debugging"): hv runs the
# debuggee guest (guest/tests/debuggee.c, argument "wait") with
# monitor=com1, so COM1 (a TCP socket on 127.0.0.1) carries the guest's
# console and the monitor, switched by Ctrl-A escapes.  A Python script
# plays the user: it stops the guest, runs commands, sets a breakpoint and
# a watchpoint, steps, and lets the guest finish.  Expected values come
# from the guest's known behaviour and its ELF (nm, objdump), never from
# hv's output.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-monitor
mkdir -p "$work"
elf=$BUILD/guest/debuggee.elf

sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
marker=$(sym dbg_marker)
# dbg_marker's first two instructions as objdump decodes them (Intel syntax).
read -r next_addr first_insn < <(objdump -d -M intel --no-show-raw-insn \
	--start-address=0x"$marker" --stop-address=$((0x$marker + 16)) "$elf" |
	awk -F'\t' '/^ +[0-9a-f]+:/ { n++; a = $1; sub(/:.*/, "", a); gsub(/ /, "", a)
		if (n == 1) insn = $2; if (n == 2) { print a, insn; exit } }')
export M_MARKER=$marker M_NEXT=$(printf '%08x' $((0x$next_addr))) M_FIRST=$first_insn \
	M_VALUE=$(sym dbg_value) M_TICKS=$(sym dbg_ticks) M_GDT=$(sym gdt) M_TSS=$(sym tss)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export M_PORT=$port M_LOG=$work/console.txt
# wait=on: QEMU starts the machine once the script is connected.
: >"$work/hv.log"
timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" \
	-serial "tcp:127.0.0.1:$port,server=on,wait=on" -serial "file:$work/hv.log" \
	-kernel "$BUILD/hv.elf" -append "console=com2 monitor=com1" -initrd "$elf wait" \
	</dev/null >"$work/qemu.out" 2>&1 &
qemu=$!

python3 - <<'EOF'
import os, re, socket, sys, time

env = os.environ
marker, nxt = env["M_MARKER"], env["M_NEXT"]
sock = None
for _ in range(100):
    try:
        sock = socket.create_connection(("127.0.0.1", int(env["M_PORT"])))
        break
    except OSError:
        time.sleep(0.1)
if sock is None:
    print("FAIL monitor-connect: cannot connect to QEMU's COM1 socket")
    sys.exit(0)
sock.settimeout(0.2)
text = ""
log = open(env["M_LOG"], "w")

def expect(pattern, timeout=30):
    """Reads until pattern matches the text not consumed yet; returns it."""
    global text
    end = time.time() + timeout
    while True:
        m = re.search(pattern, text)
        if m:
            seen, text = text[:m.end()], text[m.end():]
            return seen
        if time.time() > end:
            return None
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            time.sleep(0.1)
            if time.time() > end:
                return None
            continue
        s = data.decode("latin-1").replace("\r", "")
        log.write(s)
        log.flush()
        text += s

def send(s):
    sock.sendall(s.encode("latin-1"))

def cmd(line):
    """Runs a monitor command; returns its output (up to the next prompt)."""
    send(line + "\r")
    out = expect(r"hv> ")
    return out if out is not None else ""

def check(name, ok, why):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s (console: %s)" % (name, why, env["M_LOG"])))

def flat(s):
    return re.sub(r"\s+", "", s)

check("monitor-guest-console", expect(r"waiting\n") is not None, "the guest never said 'waiting'")
send("\x01h")
check("monitor-escape-help", expect(r"Ctrl-A c") is not None, "Ctrl-A h printed no help")
send("\x01c")
check("monitor-escape-stop", expect(r"hv> ") is not None, "Ctrl-A c gave no prompt")

out = cmd("help")
check("monitor-help", all(c in out for c in ("regs", "walk", "tr ", "reboot")), "help lists no commands")
out = cmd("x %s 4" % env["M_VALUE"])
check("monitor-memory-linear", re.search(r"%s: 34 12 00 00" % env["M_VALUE"].lower(), out) is not None,
      "dbg_value is not 34 12 00 00: %r" % out)
out = cmd("xp %s 4" % env["M_VALUE"])
check("monitor-memory-physical", re.search(r"%s: 34 12 00 00" % env["M_VALUE"].lower(), out) is not None,
      "xp of dbg_value: %r" % out)
out = cmd("u %s 1" % marker)
line = [l for l in out.splitlines() if l.startswith(marker + ":")]
check("monitor-disassemble", bool(line) and flat(line[0]).endswith(flat(env["M_FIRST"])),
      "first instruction of dbg_marker is not '%s': %r" % (env["M_FIRST"], out))
out = cmd("gdt")
check("monitor-gdt", ("gdt base=%s" % env["M_GDT"]) in out and re.search(r"code dpl=3", out) is not None,
      "GDT not at the guest's gdt symbol or no ring-3 code descriptor: %r" % out)
out = cmd("tss")
check("monitor-tss", ("base=%s" % env["M_TSS"]) in out, "TR base is not the guest's tss: %r" % out)
out = cmd("idt")
check("monitor-idt", "idt base=" in out and re.search(r"\n  0e [0-9a-f]{4}:", out) is not None,
      "no #PF gate in the IDT dump: %r" % out)
out = cmd("b %s" % marker)
check("monitor-break-set", "breakpoint set" in out, out)
send("c\r")
time.sleep(0.5)
send("g")        # the guest's byte: it goes on to dbg_marker
out = expect(r"hv> ")
check("monitor-break-hit", out is not None and ("stopped (breakpoint) at %s" % marker) in out,
      "no breakpoint stop at %s: %r" % (marker, out))
out = cmd("regs")
check("monitor-regs", "eax=00c0ffee" in out and ("eip=%s" % marker) in out and
      re.search(r"cs=0008 base=00000000 limit=ffffffff", out) is not None and "cr0=" in out and
      "dr7=" in out, "registers: %r" % out)
out = cmd("s")
check("monitor-step", re.search(r"(^|\n)%s:" % nxt, out) is not None, "the step did not end at %s: %r" % (nxt, out))
out = cmd("walk %s" % marker)
check("monitor-walk", "guest paging off: linear %s is physical" % marker in out and "read-only" in out,
      "walk: %r" % out)
out = cmd("tr %s" % marker)
check("monitor-translation", re.search(r"block %s-" % marker, out) is not None and "exit debug" in out,
      "translation of the breakpoint address: %r" % out)
out = cmd("last 4")
check("monitor-last", "last " in out and re.search(r"\n  [0-9a-f]{8}", out) is not None, out)
out = cmd("cache")
check("monitor-cache", "translations" in out, out)
out = cmd("dev")
check("monitor-dev", "com1=emulate" in out and "pic=emulate" in out, out)
out = cmd("log 3")
check("monitor-log", "log level 3" in out and "log level 2" in cmd("log 2"), out)
out = cmd("bl")
check("monitor-breakpoint-list", ("%s (monitor)" % marker) in out, out)
cmd("bd %s" % marker)
out = cmd("w %s 4" % env["M_TICKS"])
send("c\r")
out = expect(r"hv> ")
check("monitor-watchpoint", out is not None and "stopped (watchpoint)" in out and
      ("watched %s changed" % env["M_TICKS"]) in out, "watchpoint: %r" % out)
out = cmd("x %s 4" % env["M_TICKS"])
check("monitor-watch-value", "%s: 01 00 00 00" % env["M_TICKS"] in out, out)
cmd("wd %s 4" % env["M_TICKS"])
send("c\r")
check("monitor-continue-guest-finishes", expect(r"END debuggee pass=3 fail=0") is not None,
      "the guest did not finish after c")
EOF
wait "$qemu"
status=$?
if [ "$status" = "$(exit_status 0)" ]; then
	pass monitor-exit-status
else
	fail monitor-exit-status "QEMU status $status, want $(exit_status 0) (log: $work/hv.log)"
fi

# Post-mortem: a guest that triple-faults; the dead guest's prompt shows its
# registers (the flat code segment the Multiboot spec and the guest library
# give it), then quit, and hv exits with the guest-stopped status as before.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export M_PORT=$port M_LOG=$work/postmortem.txt
timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" \
	-serial "tcp:127.0.0.1:$port,server=on,wait=on" -serial "file:$work/postmortem.log" \
	-kernel "$BUILD/hv.elf" -append "console=com2 monitor=com1" \
	-initrd "$BUILD/guest/hostile.elf case=triple" </dev/null >"$work/qemu-pm.out" 2>&1 &
qemu=$!
python3 - <<'EOF2'
import os, socket, time
env = os.environ
sock = None
for _ in range(100):
    try:
        sock = socket.create_connection(("127.0.0.1", int(env["M_PORT"])))
        break
    except OSError:
        time.sleep(0.1)
text = ""
def expect(s, timeout=30):
    global text
    end = time.time() + timeout
    sock.settimeout(0.2)
    while s not in text and time.time() < end:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            break
        text += data.decode("latin-1").replace("\r", "")
    ok = s in text
    text = text[text.index(s) + len(s):] if ok else text
    return ok
ok = sock is not None and expect("hv(dead)> ")
if ok:
    sock.sendall(b"regs\r")
    ok = expect("cs=0008 base=00000000 limit=ffffffff") and expect("hv(dead)> ")
    sock.sendall(b"quit\r")
    expect("no such text: wait for QEMU to close the line", 20)
open(env["M_LOG"], "w").write(text)
print("PASS monitor-postmortem" if ok else "FAIL monitor-postmortem: no dead guest's prompt with its registers (%s)" % env["M_LOG"])
EOF2
wait "$qemu"
status=$?
if [ "$status" = "$(exit_status 3)" ]; then
	pass monitor-postmortem-exit-status
else
	fail monitor-postmortem-exit-status "QEMU status $status, want $(exit_status 3) (log: $work/postmortem.log)"
fi
