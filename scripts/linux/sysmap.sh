#!/usr/bin/env bash
# Makes build/linux/System.map, the kernel's symbol table in System.map
# format ("ADDRESS TYPE NAME", sorted), for hv's diagnostics (docs/LINUX.md).
# Debian's image package ships only a stub System.map (the real one is in
# the -dbg package, ~760 MB), so when the package's file is a stub the table
# is read from /proc/kallsyms in one native boot with hvtest=kallsyms and
# nokaslr (guest/linux/tests/kallsyms.sh).  Without CONFIG_KALLSYMS_ALL it
# holds text symbols (and a few data ones): enough to name a guest EIP.
# The addresses hold when the kernel runs where it was linked: nokaslr
# (LINUX_APPEND has it by default).
#   scripts/linux/sysmap.sh [OUT]
set -u
. "$(dirname "$0")/lib.sh"
out=${1:-$LINUX_DIR/System.map}
die() { echo "linux-sysmap: $*" >&2; exit 1; }

deb=$LINUX_DIR/System.map.deb
if [ -f "$deb" ] && [ "$(grep -c . "$deb")" -gt 1000 ]; then
	cp "$deb" "$out.tmp" && mv "$out.tmp" "$out"
	exit 0
fi
miss=$(LINUX_MODE=native linux_missing)
[ -z "$miss" ] || die "missing $miss"

work=$(mktemp -d "$LINUX_DIR/.sysmap.XXXXXX")
trap 'rm -rf "$work"' EXIT
LINUX_MODE=native
QEMU_KERNEL=
LINUX_APPEND="console=ttyS0 quiet nokaslr"
linux_qemu_cmd hvtest=kallsyms
python3 "$LINUX_ROOT/scripts/linux/serial.py" --transcript "$work/log" \
	--timeout "${RUN_TIMEOUT:-300}" \
	--expect '=== hvtest end kallsyms status=0\n' --exit -- "${QCMD[@]}" \
	>"$work/res" || die "the kallsyms boot failed: $(grep -v '^exit' "$work/res") (log: $work/log)"
linux_extract "$work/log" | sed -n '/^kallsyms begin$/,/^kallsyms end$/p' |
	grep -E '^[0-9a-f]{8} [A-Za-z] [^ ]+$' | sort -s -k1,1 >"$work/map"
n=$(wc -l <"$work/map")
[ "$n" -gt 10000 ] || die "only $n symbols read (log: $work/log)"
grep -qE ' [Tt] (start_kernel|_text)$' "$work/map" || die "no start_kernel in the table read"
grep -qE '^0{8} ' "$work/map" && die "addresses are zero (kptr_restrict?)"
mv "$work/map" "$out"
