#!/usr/bin/env bash
# hv's whole test suite (`make test`).  Runs each suite, echoes its lines,
# counts "PASS"/"FAIL" lines and ends with one line "N passed, N failed".
# A suite that exits non-zero without printing a FAIL counts as one failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

suites=("scripts/check-layers.py")	# the include table of docs/ARCHITECTURE.md
[ -x tests/run-decoder.sh ] && suites+=("tests/run-decoder.sh")
suites+=("scripts/test-dt.sh")	# the translator on the host: translate, cache, chain, invalidate
suites+=("scripts/test-mmio.sh")	# the MMIO instruction emulator on the host, against the CPU
suites+=("scripts/test-mbinfo.sh")	# hv reading Multiboot 1 and 2 information, on the host
suites+=("scripts/test-hv.sh")
suites+=("scripts/test-mb1.sh")	# the Multiboot 1 guest loader against QEMU's -kernel
suites+=("scripts/test-mb2.sh")	# the Multiboot 2 guest loader against GRUB's multiboot2
suites+=("scripts/test-guests.sh")
suites+=("scripts/test-smp.sh")
suites+=("scripts/test-cpus.sh")	# guests on CPU models other than qemu32 (RDTSCP)
suites+=("scripts/test-fuzz.sh")
suites+=("scripts/test-hostile.sh")
suites+=("scripts/test-dma.sh")	# IDE bus-master DMA mediated: legal reads equal native, attacks on hv refused
suites+=("scripts/test-delivery.sh")
suites+=("scripts/test-devices.sh")
suites+=("scripts/test-reset.sh")	# resets, A20 and the shutdown byte in every device mode
suites+=("scripts/test-gdb.sh")
suites+=("scripts/test-monitor.sh")
[ -x scripts/media/test-boot.sh ] && suites+=("scripts/media/test-boot.sh")
suites+=("scripts/test-bochs.sh")	# hv and guests under Bochs (segment limits, strict UART)
[ -x scripts/linux/test-linux.sh ] && suites+=("scripts/linux/test-linux.sh" "scripts/test-linux-com1.sh" "scripts/test-linux-diag.sh" "scripts/test-linux-boot.sh" "scripts/linux/test-installer.sh" "scripts/linux/test-disk.sh")
export HV_LINUX=1	# Linux natively and under hv, compared

npass=0
nfail=0
times=()
for s in "${suites[@]}"; do
	echo "== $s"
	t0=$(date +%s)
	out=$(mktemp)
	"$s" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $s: exited with status $rc"
		f=1
	fi
	npass=$((npass + p))
	nfail=$((nfail + f))
	rm -f "$out"
	times+=("$(( $(date +%s) - t0 )) s  $s")
done
echo "== time per suite"
printf '%s\n' "${times[@]}"
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
