#!/usr/bin/env python3
"""Ctrl-C through the GDB remote serial protocol, for scripts/test-gdb.sh.

A minimal client (GDB manual, "Remote Protocol": packets $body#checksum,
'+' acknowledgements, the 0x03 byte as the interrupt request, 'S' stop
replies with a signal number, 'g' returning the registers in the i386
order eax ecx edx ebx esp ebp esi edi eip ...).  Usage: rsp-ctrlc.py PORT.
It asks why the target stopped, continues it, sends 0x03 two seconds
later and prints the stop reply and EIP; then kills the target.
"""
import socket, sys, time
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
buf = b""
def pkt(body):
    cs = sum(body.encode()) & 0xFF
    s.sendall(b"$" + body.encode() + b"#%02x" % cs)
def reply(timeout=20):
    global buf
    end = time.time() + timeout
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i + 1) if i >= 0 else -1
        if i >= 0 and j >= 0 and len(buf) >= j + 3:
            body = buf[i + 1:j]
            buf = buf[j + 3:]
            s.sendall(b"+")
            return body.decode()
        if time.time() > end:
            return None
        s.settimeout(max(0.1, end - time.time()))
        try:
            d = s.recv(4096)
        except socket.timeout:
            return None
        if not d:
            return None
        buf += d
pkt("?")
print("stop:", reply())
pkt("c")
time.sleep(2)
s.sendall(b"\x03")
r = reply()
print("after ctrl-c:", r)
pkt("g")
g = reply()
eip = int.from_bytes(bytes.fromhex(g[8*8:9*8]), "little") if g else None
print("eip: %#x" % eip if eip is not None else "eip: none")
pkt("k")
