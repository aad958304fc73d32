#!/usr/bin/env python3
"""Writes a gzip'd "newc" cpio archive (the format the Linux kernel unpacks
as an initramfs) from a list in the kernel's gen_init_cpio syntax, one entry
a line:

    dir   NAME MODE
    file  NAME SOURCE MODE
    slink NAME TARGET MODE
    nod   NAME MODE c|b MAJOR MINOR

MODE is octal.  Every entry belongs to root (uid 0, gid 0) and has mtime 0,
and gzip's header carries no name or date, so the same inputs always give
the same bytes, and no root rights are needed (device nodes are only
described, never created on the host).

    mkcpio.py LIST OUT.cpio.gz
"""
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, name, rmaj=0, rmin=0):
    namesz = len(name) + 1
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, namesz, 0]
    h = b"070701" + b"".join(b"%08X" % f for f in fields) + name + b"\0"
    return h + b"\0" * (-len(h) % 4)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkcpio.py LIST OUT.cpio.gz")
    out = bytearray()
    ino = 1
    for lineno, line in enumerate(open(sys.argv[1]), 1):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        kind, name = w[0], w[1].lstrip("/").encode()
        try:
            if kind == "dir":
                out += header(ino, stat.S_IFDIR | int(w[2], 8), 2, 0, name)
            elif kind == "file":
                data = open(w[2], "rb").read()
                out += header(ino, stat.S_IFREG | int(w[3], 8), 1, len(data), name)
                out += data + b"\0" * (-len(data) % 4)
            elif kind == "slink":
                data = w[2].encode()
                out += header(ino, stat.S_IFLNK | int(w[3], 8), 1, len(data), name)
                out += data + b"\0" * (-len(data) % 4)
            elif kind == "nod":
                t = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[w[3]]
                out += header(ino, t | int(w[2], 8), 1, 0, name, int(w[4]), int(w[5]))
            else:
                raise ValueError("unknown kind " + kind)
        except (IndexError, KeyError, ValueError, OSError) as e:
            sys.exit("mkcpio: %s:%d: %s" % (sys.argv[1], lineno, e))
        ino += 1
    out += header(0, 0, 1, 0, b"TRAILER!!!")
    out += b"\0" * (-len(out) % 512)
    with open(sys.argv[2] + ".tmp", "wb") as f:
        f.write(gzip.compress(bytes(out), 9, mtime=0))
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
