#!/usr/bin/env python3
"""The table of `make bench` (scripts/bench/bench.sh, docs/PERFORMANCE.md):
reads the runs bench.sh left in one mode's folder, prints benchmark, native
median, hv median and ratio (hv/native, of the medians), and writes the
mode's section of the JSON file, keeping the other mode's section.

Inputs in --dir: native-R.txt / hv-R.txt (the guest's COM1: "bench NAME
CYCLES_PER_OP" lines), hv-R.log (hv's log; its counters are kept from the
last good run), counters-NAME.txt/.log (one benchmark alone under hv),
linux-SIDE-R/bench.out ("bench NAME START END", seconds of guest uptime)
and linux-SIDE-R/bench.times ("mark init S": host seconds from QEMU's
start to the test's start), linux-counters-W/hv.log (Linux under hv with
only workload W, "none" for the boot alone, ended through port 0xf4 so
that hv printed its counters).
"""
import argparse
import json
import os
import re
import statistics
import time


def nano_runs(d, side, reps):
    runs = []
    for r in range(1, reps + 1):
        try:
            txt = open(os.path.join(d, "%s-%d.txt" % (side, r))).read()
        except OSError:
            continue
        if "\nEND bench" not in "\n" + txt:
            continue
        runs.append({m.group(1): float(m.group(2)) for m in
                     re.finditer(r"^bench (\S+) ([0-9.]+)$", txt, re.M)})
    return runs


def hv_counters(log):
    """hv's counter lines after the guest's exit, as {name: number}."""
    try:
        lines = open(log, errors="replace").read().splitlines()
    except OSError:
        return {}
    c, on = {}, False
    for ln in lines:
        if "guest wrote" in ln and "exit port" in ln:
            on = True
            continue
        if not on:
            continue
        body = ln.split(":", 2)[-1]
        if "vector" in body:        # "exceptions reflected, vector 14: 4"
            m = re.search(r"vector (\d+): (\d+)", ln)
            if m:
                c["reflected vector %s" % m.group(1)] = int(m.group(2))
            continue
        for part in re.split(r"[,;:(]", body):
            for m in re.finditer(r"([a-z][a-z/-]*(?: [a-z/-]+)*?) (\d+)\b",
                                 part):
                c[m.group(1).strip()] = int(m.group(2))
        m = re.search(r"translations (\d+)", ln)
        if m:
            c["translations"] = int(m.group(1))
    return c


# The counters shown per operation (hv's log names, monitor/ and dt/).
PER_OP_KEYS = ["exits", "emulated", "iret", "faults", "fills", "invlpg",
               "switches", "flushes", "entries checked", "zaps",
               "translations", "indirect misses", "smc writes", "steps",
               "interrupts", "reflected vector 14"]
# Entries into hv that the counters see: exits from translated code,
# shadow page faults (reflected ones included), interrupts, single-steps.
# A ring-3 INT 0x80 is a trap too but has no counter of its own.
TRAP_KEYS = ["exits", "faults", "interrupts", "steps"]
# Operations of each Linux workload (guest/linux/tests/bench.sh); md5sum
# per MiB (its run also writes the 16 MiB file first).
LINUX_OPS = {"forkexec": 500, "shloop": 100000, "md5sum": 16}


def per_op(c, base, ops):
    names = set(c) | set(base)
    return {n: (c.get(n, 0) - base.get(n, 0)) / ops for n in sorted(names)
            if isinstance(c.get(n, 0), int) and not n.startswith("ops ")}


def counters_per_op(counters):
    """{bench: {counter: per operation}} from the counters-NAME runs, and
    the Linux workloads from the linux-counters-W runs (less the boot)."""
    base = counters.get("none", {})
    res = {}
    for k, c in counters.items():
        if k.startswith("linux") or k in ("all", "none") or \
                "ops timed" not in c:
            continue
        ops = c["ops timed"] + c["ops warmup"]
        if ops:
            res[k] = per_op(c, base, ops)
    lbase = counters.get("linux-none")
    if lbase:
        res["linux-boot"] = per_op(lbase, {}, 1)
        for w, ops in LINUX_OPS.items():
            if "linux-" + w in counters:
                res["linux-" + w] = per_op(counters["linux-" + w], lbase, ops)
    return res


def linux_runs(d, side, reps):
    runs = []
    for r in range(1, reps + 1):
        sub = os.path.join(d, "linux-%s-%d" % (side, r))
        try:
            out = open(os.path.join(sub, "bench.out")).read()
        except OSError:
            continue
        v = {}
        for m in re.finditer(r"^bench (\S+) ([0-9.]+) ([0-9.]+)$", out, re.M):
            v[m.group(1)] = float(m.group(3)) - float(m.group(2))
        if "boot" in v:
            v["boot"] = v["boot"]
        try:
            t = open(os.path.join(sub, "bench.times")).read()
            m = re.search(r"mark init ([0-9.]+)", t)
            if m:
                v["boot-host"] = float(m.group(1))
        except OSError:
            pass
        if v:
            runs.append(v)
    return runs


def medians(runs):
    names = []
    for r in runs:
        for k in r:
            if k not in names:
                names.append(k)
    return names, {k: statistics.median([r[k] for r in runs if k in r])
                   for k in names}


LINUX_LABEL = {
    "boot": "linux boot to init/shell (s, guest clock)",
    "boot-host": "linux boot to init/shell (s, host wall clock)",
    "forkexec": "linux 500 fork+exec /bin/true (s)",
    "shloop": "linux 100000-iteration shell loop (s)",
    "md5sum": "linux md5sum 16 MiB tmpfs (s)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--linux-reps", type=int, default=0)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()

    nat, hv = nano_runs(a.dir, "native", a.reps), nano_runs(a.dir, "hv", a.reps)
    names, nmed = medians(nat)
    hnames, hmed = medians(hv)
    for k in hnames:
        if k not in names:
            names.append(k)
    rows = []
    for k in names:
        n, h = nmed.get(k), hmed.get(k)
        rows.append({"name": k, "unit": "cycles/op", "native": n, "hv": h,
                     "ratio": (h / n) if n and h is not None else None,
                     "native_runs": [r[k] for r in nat if k in r],
                     "hv_runs": [r[k] for r in hv if k in r]})
    lnat = linux_runs(a.dir, "native", a.linux_reps)
    lhv = linux_runs(a.dir, "hv", a.linux_reps)
    lnames, lnmed = medians(lnat)
    lhnames, lhmed = medians(lhv)
    for k in lhnames:
        if k not in lnames:
            lnames.append(k)
    lorder = [k for k in LINUX_LABEL if k in lnames] + \
             [k for k in lnames if k not in LINUX_LABEL]
    for k in lorder:
        n, h = lnmed.get(k), lhmed.get(k)
        rows.append({"name": "linux-" + k, "unit": "s", "native": n, "hv": h,
                     "ratio": (h / n) if n and h is not None else None,
                     "native_runs": [r[k] for r in lnat if k in r],
                     "hv_runs": [r[k] for r in lhv if k in r]})

    def f(v, unit):
        if v is None:
            return "-"
        return "%.2f" % v if unit == "s" or v < 1000 else "%.0f" % v

    print()
    print("make bench, mode %s: %d/%d nanobenchmark runs (native/hv), "
          "%d/%d Linux runs; medians" % (a.mode, len(nat), len(hv),
                                          len(lnat), len(lhv)))
    print("| benchmark | unit | native | hv | hv/native |")
    print("| --- | --- | ---: | ---: | ---: |")
    for r in rows:
        print("| %s | %s | %s | %s | %s |" % (
            r["name"], r["unit"], f(r["native"], r["unit"]),
            f(r["hv"], r["unit"]),
            "-" if r["ratio"] is None else "%.2f" % r["ratio"]))

    counters = {}
    for r in range(a.reps, 0, -1):
        c = hv_counters(os.path.join(a.dir, "hv-%d.log" % r))
        if c:
            counters["all"] = c
            break
    for fn in sorted(os.listdir(a.dir)):
        m = re.match(r"counters-(\S+)\.log$", fn)
        if m:
            c = hv_counters(os.path.join(a.dir, fn))
            try:
                txt = open(os.path.join(a.dir, "counters-%s.txt" % m.group(1))).read()
                o = re.search(r"^# ops \S+ timed=(\d+) warmup=(\d+)", txt, re.M)
                if o:
                    c["ops timed"] = int(o.group(1))
                    c["ops warmup"] = int(o.group(2))
            except OSError:
                pass
            counters[m.group(1)] = c
    for w in ["none"] + list(LINUX_OPS):
        c = hv_counters(os.path.join(a.dir, "linux-counters-" + w, "hv.log"))
        if c:
            counters["linux-" + w] = c
    for r in range(a.linux_reps, 0, -1):
        c = hv_counters(os.path.join(a.dir, "linux-hv-%d" % r, "hv.log"))
        if c:
            counters["linux"] = c
            break
    per_op_all = counters_per_op(counters)
    if per_op_all:
        print("\nhv's counters per operation (each benchmark alone under hv,"
              " less an only=none run, over timed + warm-up operations; "
              "Linux: one boot per workload with hvbench=W, less the boot "
              "alone, per fork+exec, loop iteration, MiB)")
        print("| benchmark | " + " | ".join(PER_OP_KEYS) + " |")
        print("| --- |" + " ---: |" * len(PER_OP_KEYS))
        for k, v in per_op_all.items():
            print("| %s | %s |" % (k, " | ".join(
                "%.2f" % v.get(c, 0) for c in PER_OP_KEYS)))
        # What hv adds per trap: (hv - native) per op over traps per op.
        # In icount mode the figures are instructions.
        print("\n%s hv adds per trap ((hv - native median) / traps per op;"
              " traps = %s)" % ("instructions" if a.mode == "icount"
                                 else "cycles", " + ".join(TRAP_KEYS)))
        print("| benchmark | traps/op | added/op | added/trap |")
        print("| --- | ---: | ---: | ---: |")
        for r in rows:
            v = per_op_all.get(r["name"])
            if r["unit"] != "cycles/op" or not v or r["native"] is None or r["hv"] is None:
                continue
            t = sum(v.get(k, 0) for k in TRAP_KEYS)
            added = r["hv"] - r["native"]
            r["traps_per_op"] = t
            r["added_per_trap"] = added / t if t >= 0.01 else None
            print("| %s | %.2f | %.0f | %s |" % (
                r["name"], t, added,
                "-" if t < 0.01 else "%.0f" % (added / t)))

    try:
        doc = json.load(open(a.json))
        if not isinstance(doc, dict) or "modes" not in doc:
            doc = {"modes": {}}
    except (OSError, ValueError):
        doc = {"modes": {}}
    qemu = {"tcg": "-accel tcg", "icount": "-accel tcg -icount shift=0,sleep=off"}
    doc["modes"][a.mode] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "qemu": qemu.get(a.mode, a.mode),
        "runs": {"native": len(nat), "hv": len(hv),
                 "linux_native": len(lnat), "linux_hv": len(lhv)},
        "results": rows,
        "hv_counters": counters,
        "hv_counters_per_op": per_op_all,
    }
    with open(a.json, "w") as fp:
        json.dump(doc, fp, indent=1)
    print("\nwrote %s (mode %s)" % (a.json, a.mode))


if __name__ == "__main__":
    main()
