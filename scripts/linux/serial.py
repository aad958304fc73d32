#!/usr/bin/env python3
"""Drives a QEMU run through its serial console on stdio: starts the
command after "--" with a pipe on its stdin and stdout, keeps the whole
output (carriage returns removed) in a transcript file, and runs a list of
steps in order:

    --expect REGEX        wait until REGEX appears in the output after the
                          point the previous --expect/--mark matched
    --mark NAME=REGEX     the same, and print "mark NAME SECONDS" (seconds
                          since QEMU started) on stdout
    --send TEXT           type TEXT on the console (Python escapes such as
                          \\r are understood)
    --exit                wait for QEMU to exit

After the last step, QEMU is left to exit on its own within --linger
seconds (default 0: killed at once).  Output: the mark lines, then
"exit STATUS" (QEMU's status, or "killed"); on a step that times out, a
line "timeout: STEP" and exit status 2.  The overall bound is --timeout
seconds (default 60); --reply-timeout S bounds each --expect that follows
a --send (default: the overall bound), so a shell that stopped answering
fails fast while a slow boot still has the whole --timeout.

    serial.py --transcript OUT [--timeout S] [--reply-timeout S] [--linger S]
              STEPS... -- QEMU ARGS...
"""
import os
import re
import select
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    opts, cmd = argv[:cut], argv[cut + 1:]
    transcript, timeout, linger, steps = None, 60.0, 0.0, []
    reply_timeout = None
    i = 0
    while i < len(opts):
        o = opts[i]
        if o == "--exit":
            steps.append(("exit", None))
            i += 1
            continue
        if i + 1 >= len(opts):
            sys.exit("serial.py: %s needs a value" % o)
        v = opts[i + 1]
        i += 2
        if o == "--transcript":
            transcript = v
        elif o == "--timeout":
            timeout = float(v)
        elif o == "--reply-timeout":
            reply_timeout = float(v)
        elif o == "--linger":
            linger = float(v)
        elif o == "--expect":
            steps.append(("expect", (None, re.compile(v))))
        elif o == "--mark":
            name, _, rx = v.partition("=")
            steps.append(("expect", (name, re.compile(rx))))
        elif o == "--send":
            steps.append(("send", v.encode().decode("unicode_escape").encode("latin-1")))
        else:
            sys.exit("serial.py: unknown option " + o)
    if not cmd or not transcript:
        sys.exit(__doc__)

    t0 = time.monotonic()
    deadline = t0 + timeout
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=open(transcript + ".stderr", "wb"))
    out = open(transcript, "wb")
    buf = ""          # the output so far, without \r
    pos = 0           # where the next --expect starts looking
    eof = False

    def pump(until):
        """Reads what QEMU printed, waiting at most until `until`."""
        nonlocal buf, eof
        if eof:
            return
        left = until - time.monotonic()
        r, _, _ = select.select([p.stdout], [], [], max(0.0, left))
        if r:
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                eof = True
                return
            data = data.replace(b"\r", b"")
            out.write(data)
            out.flush()
            buf += data.decode("latin-1")

    status = 0
    after_send = False
    for kind, arg in steps:
        if kind == "send":
            after_send = True
            try:
                # Typed one character at a time, as a person (or a 16550
                # without a FIFO worth mentioning) would.
                for ch in arg:
                    p.stdin.write(bytes([ch]))
                    p.stdin.flush()
                    time.sleep(0.002)
            except BrokenPipeError:
                print("timeout: send %r: QEMU has exited" % arg.decode("latin-1"))
                status = 2
                break
            continue
        if kind == "exit":
            while not eof and time.monotonic() < deadline:
                pump(deadline)
            if not eof:
                print("timeout: waiting for QEMU to exit")
                status = 2
                break
            continue
        name, rx = arg
        m = None
        until = deadline
        if after_send and reply_timeout is not None:
            until = min(deadline, time.monotonic() + reply_timeout)
        while True:
            m = rx.search(buf, pos)
            if m or eof or time.monotonic() >= until:
                break
            pump(until)
        if not m:
            print("timeout: expecting %r%s" % (rx.pattern, " (QEMU exited)" if eof else ""))
            status = 2
            break
        pos = m.end()
        if name:
            print("mark %s %.2f" % (name, time.monotonic() - t0))
        sys.stdout.flush()

    end = time.monotonic() + (linger if status == 0 else 0)
    while not eof and time.monotonic() < end:
        pump(end)
    try:
        rc = p.wait(timeout=0.1 if eof else 0)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = "killed"
    out.close()
    print("exit %s" % rc)
    sys.exit(status)


if __name__ == "__main__":
    main()
