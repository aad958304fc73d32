#!/usr/bin/env python3
"""Extracts kernel modules and what they depend on from a Debian kernel
image package (Linux's modules record their dependencies in the .modinfo
section as "depends=a,b"; modprobe's modules.dep is made from those at
install time, which is not done here).

    modclosure.py DEB OUTDIR MODULE...

writes OUTDIR/NAME.ko for each module of the closure and OUTDIR/order, the
names in an order in which each comes after what it depends on."""
import os
import subprocess
import sys
import tarfile
import tempfile


def members(deb):
    """Path in the package of every module, by module name."""
    out = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True,
                         capture_output=True).stdout
    with tempfile.TemporaryFile() as f:
        f.write(out)
        f.seek(0)
        with tarfile.open(fileobj=f) as t:
            found = {}
            for m in t.getmembers():
                if m.isfile() and m.name.endswith(".ko"):
                    name = os.path.basename(m.name)[:-3].replace("-", "_")
                    found[name] = t.extractfile(m).read()
            return found


def depends(ko):
    """The module names in the image's depends= field."""
    key = b"\0depends="
    i = ko.find(key)
    if i < 0:
        return []
    end = ko.index(b"\0", i + len(key))
    field = ko[i + len(key):end].decode()
    return [d.replace("-", "_") for d in field.split(",") if d]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    deb, outdir, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    mods = members(deb)
    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return
        if name not in mods:
            sys.exit("modclosure: no module %s in %s (needed by %s)"
                     % (name, deb, " <- ".join(chain) or "the command line"))
        seen.add(name)
        for d in depends(mods[name]):
            visit(d, chain + [name])
        order.append(name)

    for w in wanted:
        visit(w.replace("-", "_"), [])
    os.makedirs(outdir, exist_ok=True)
    for name in order:
        with open(os.path.join(outdir, name + ".ko"), "wb") as f:
            f.write(mods[name])
    with open(os.path.join(outdir, "order"), "w") as f:
        f.write("\n".join(order) + "\n")


if __name__ == "__main__":
    main()
