#!/usr/bin/env bash
# Guests on CPU models other than QEMU's default (qemu32), natively and
# under hv, transcripts compared (docs/ARCHITECTURE.md, "How we know it
# works"): what the default CPU lacks is not tested by the other suites.
#   - msr with -cpu qemu32,+rdtscp: RDTSCP (which hv emulates in
#     translated kernel code) returns IA32_TSC_AUX in ECX, as natively.
# Prints "PASS name" or "FAIL name: why" per check.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-cpus
mkdir -p "$work"
T=cpus

# run_cpu NAME CPU GUEST: the guest natively and under hv on -cpu CPU.
run_cpu() {
	local name=$1 cpu=$2 g=$3 elf=$BUILD/guest/$3.elf
	local d=$work/$name
	RUN_QEMU_EXTRA=(-cpu "$cpu")
	native_run "$d.native" "$elf"
	hv_run "$d.hv" "$d.hvlog" "console=com2 exit_on_panic" "$elf"
	tr -d '\r' <"$d.native" >"$d.native.txt"
	tr -d '\r' <"$d.hv" >"$d.hv.txt"
	if ! grep -q "^END $g pass=[0-9]* fail=0\$" "$d.native.txt"; then
		fail "$T: $name" "natively the guest did not pass ($d.native.txt)"
	elif ! cmp -s "$d.native.txt" "$d.hv.txt"; then
		fail "$T: $name" "transcripts differ: diff $d.native.txt $d.hv.txt (hv log $d.hvlog)"
	elif ! grep -q '^hv: integrity: text and data intact' "$d.hvlog"; then
		fail "$T: $name" "no integrity line (hv log $d.hvlog)"
	else
		pass "$T: $name: as natively"
	fi
}

run_cpu msr-rdtscp "qemu32,+rdtscp" msr
if grep -q '^rdtscp: ecx 12345' "$work/msr-rdtscp.native.txt" 2>/dev/null; then
	pass "$T: msr-rdtscp: the CPU offers RDTSCP (the case ran)"
else
	fail "$T: msr-rdtscp" "the rdtscp case did not run natively ($work/msr-rdtscp.native.txt)"
fi
exit 0
