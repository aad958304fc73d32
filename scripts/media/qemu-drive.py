#!/usr/bin/env python3
"""Runs QEMU with COM1 on its stdio, records COM1, and answers it like a
person at a serial terminal (used by scripts/media/test-boot.sh).

    qemu-drive.py --out FILE --timeout SECONDS [STEP...] -- QEMU ARGS...

STEPs, carried out in order, each waiting for the one before:
    --expect REGEX   wait until REGEX appears in COM1's output (after what
                     the previous --expect matched; ANSI escapes removed)
    --send TEXT      type TEXT (Python escapes: \\r, \\x15, \\x1b[B, ...)
    --pause SECONDS  wait
    --stop           kill QEMU (after the steps before it)

Exit status: QEMU's own; 124 when --timeout ran out first; 125 when a
--stop step killed it.  On a time-out the step waited for is printed on
stderr.  The caller passes `-serial stdio` (COM1) among QEMU's arguments.
"""
import argparse
import codecs
import os
import re
import select
import signal
import subprocess
import sys
import time

ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][0-9A-Za-z]|[=>78cDEHM])")


def main():
    if "--" not in sys.argv:
        sys.exit("qemu-drive: usage: qemu-drive.py --out FILE --timeout S [steps] -- qemu ...")
    cut = sys.argv.index("--")
    mine, qemu = sys.argv[1:cut], sys.argv[cut + 1:]

    steps = []
    rest = []
    i = 0
    while i < len(mine):
        a = mine[i]
        if a in ("--expect", "--send", "--pause"):
            steps.append((a[2:], mine[i + 1]))
            i += 2
        elif a == "--stop":
            steps.append(("stop", None))
            i += 1
        else:
            rest.append(a)
            i += 1
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=float, required=True)
    opts = p.parse_args(rest)

    proc = subprocess.Popen(qemu, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(opts.out + ".stderr", "wb"))
    out = open(opts.out, "wb")
    deadline = time.monotonic() + opts.timeout
    raw = b""
    text = ""          # COM1 with escapes removed
    pos = 0            # where the next --expect starts looking
    step = 0
    pause_until = None
    status = None
    fd = proc.stdout.fileno()

    while True:
        # Carry out every step that is ready.
        while step < len(steps):
            kind, arg = steps[step]
            if kind == "expect":
                m = re.compile(arg).search(text, pos)
                if not m:
                    break
                pos = m.end()
            elif kind == "send":
                try:
                    proc.stdin.write(codecs.decode(arg, "unicode_escape").encode("latin-1"))
                    proc.stdin.flush()
                except BrokenPipeError:
                    pass
            elif kind == "pause":
                if pause_until is None:
                    pause_until = time.monotonic() + float(arg)
                if time.monotonic() < pause_until:
                    break
                pause_until = None
            elif kind == "stop":
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                status = 125
                break
            step += 1
        if status is not None:
            break

        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            status = 124
            if step < len(steps):
                sys.stderr.write("qemu-drive: timed out at step %d: %s %r\n"
                                 % (step + 1, steps[step][0], steps[step][1]))
            break
        r, _, _ = select.select([fd], [], [], min(left, 0.2))
        if r:
            data = os.read(fd, 65536)
            if not data:
                status = proc.wait()
                break
            out.write(data)
            out.flush()
            raw += data
            # Re-derive the text from the raw bytes: an escape sequence may
            # be split across reads.
            text = ANSI.sub("", raw.decode("latin-1")).replace("\r", "")
        elif proc.poll() is not None:
            # Drain what is left, then stop.
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                out.write(data)
            status = proc.returncode
            break
    out.close()
    sys.exit(status)


if __name__ == "__main__":
    main()
