#!/usr/bin/env bash
# DMA kept off hv's memory (issue 17; docs/DEVICES.md "DMA"):
# guest/tests/dma.c on QEMU's default machine with an IDE disk holding a
# known pattern (byte o of sector s is (s*31 + o*7 + (o>>8)*3 + 0x5A) & 0xff,
# the formula the guest checks against).
#   - legal reads into the guest's own memory (one entry, two, a 64 KiB
#     entry): natively and under hv (pci=pass and pci=emulate) the
#     transcripts must be equal;
#   - under hv, READ DMA onto hv's first and last frames and onto hv's text,
#     a PRD table on hv's frames and one running into them, an entry
#     straddling hv's edge: the guest sees the controller's error status,
#     hv logs one warning per refusal, and its integrity line holds; the
#     entry ending at hv's edge and a read after all of them work;
#   - BAR4 moved by the guest: followed (legal read natively and under hv,
#     an attack through the moved registers refused), moved onto the
#     i8042's ports: hv stops the guest with one line;
#   - dma=trust: the read onto hv's text goes through and the integrity
#     check catches it (what makes the difference is the mediation);
#   - bus mastering of other functions kept off (an e1000 under
#     dma=mediate and dma=deny; dma=trust as natively);
#   - q35 with VT-d: the DMAR table hidden, an e1000's legal DMA through
#     the IOMMU as natively, its write onto hv's text refused and logged
#     (and with dma=trust caught by the integrity check); dma=iommu
#     without an IOMMU: one error line; q35 without one: ECAM turned off;
#   - dma= with an unknown value: one error line, status 5.
# Prints "PASS name" or "FAIL name: why" per check.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-dma
mkdir -p "$work"
elf=$BUILD/guest/dma.elf
RUN_TIMEOUT=60
if [ ! -f "$elf" ]; then
	fail "dma: setup" "$elf not built (make guests)"
	exit 0
fi
disk=$work/disk.img
python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for s in range(256):
        f.write(bytes((s * 31 + o * 7 + (o >> 8) * 3 + 0x5A) & 0xFF for o in range(512)))
' "$disk"
RUN_QEMU_EXTRA=(-drive "file=$disk,if=ide,index=0,format=raw")
intact='^hv: integrity: text and data intact (crc [0-9a-f]\{8\})'
sym() { awk -v s="$1" '$3 == s { print $1 }' "$BUILD/hv.sym"; }

# ended NAME OUT LOG PASSES: the guest ended with every case passed, and (LOG
# given) hv did not panic and its integrity held.  Sets why.
ended() {
	local out=$2 log=${3:-} n=$4
	why=
	if [ -n "$log" ] && grep -q PANIC "$log"; then
		why="hv panicked (log $log)"
	elif [ "$RUN_STATUS" != "$(exit_status 0)" ]; then
		why="QEMU status $RUN_STATUS, want $(exit_status 0) (COM1 $out${log:+, log $log})"
	elif ! grep -q "^END dma pass=$n fail=0" "$out"; then
		why="no 'END dma pass=$n fail=0' (COM1 $out)"
	elif [ -n "$log" ] && ! grep -q "$intact" "$log"; then
		why="no integrity line (log $log)"
	fi
	[ -z "$why" ]
}

# The legal reads: native, then hv with the PCI space passed and emulated.
native_run "$work/legal.native" "$elf" case=legal
if ended legal "$work/legal.native" "" 4; then
	pass "dma: legal reads natively"
else
	fail "dma: legal reads natively" "$why"
fi
for pci in pass emulate; do
	hv_run "$work/legal-$pci.out" "$work/legal-$pci.log" "console=com2 exit_on_panic pci=$pci" \
		"$elf case=legal"
	if ! ended legal "$work/legal-$pci.out" "$work/legal-$pci.log" 4; then
		fail "dma: legal reads under hv, pci=$pci" "$why"
	elif ! cmp -s "$work/legal.native" "$work/legal-$pci.out"; then
		fail "dma: legal reads under hv, pci=$pci" "COM1 differs from native ($work/legal.native, $work/legal-$pci.out)"
	elif ! grep -q '^hv: dma: ide 00:01.1: bus master at [0-9a-f]\{4\} mediated' "$work/legal-$pci.log"; then
		fail "dma: legal reads under hv, pci=$pci" "no 'bus master ... mediated' line (log $work/legal-$pci.log)"
	else
		pass "dma: legal reads under hv, pci=$pci: transcript equals native"
	fi
done

# hv's text: a page of options_parse (run at boot only), at its physical
# address in this layout (the same module, so the same layout in each run).
image=$(sed -n 's/^hv: mem: hv owns .*(image at \([0-9a-f]*\),.*/\1/p' "$work/legal-pass.log")
if [ -z "$image" ]; then
	fail "dma: setup" "no 'image at' in $work/legal-pass.log"
	exit 0
fi
at=$(printf '0x%08x' $((0x$image + 0x$(sym options_parse) - 0xff000000 + 0x100)))
same_layout() { grep -q "(image at $image," "$1"; }

for pic in pass emulate; do
	a=$work/attack-pic-$pic
	hv_run "$a.out" "$a.log" "console=com2 exit_on_panic pic=$pic" "$elf case=attack at=$at"
	nwarn=$(grep -c "^hv: dma: warning: ide 00:01.1 channel 0: PRD .* touches hv's memory: transfer refused" "$a.log")
	if ! ended attack "$a.out" "$a.log" 10; then
		fail "dma: attacks under hv, pic=$pic" "$why"
	elif ! same_layout "$a.log"; then
		fail "dma: attacks under hv, pic=$pic" "hv's image is not at $image this time (log $a.log)"
	elif [ "$nwarn" != 6 ]; then
		fail "dma: attacks under hv, pic=$pic" "$nwarn refusal warnings, want 6 (log $a.log)"
	elif ! grep -q "PRD entry 0 at ${at#0x} (512 bytes) touches hv's memory" "$a.log" ||
	     ! grep -q "PRD table entry 0 at .* (8 bytes)" "$a.log" ||
	     ! grep -q "PRD table entry 1 at .* (8 bytes)" "$a.log"; then
		fail "dma: attacks under hv, pic=$pic" "the warnings do not name hv's text, the table, the second entry (log $a.log)"
	else
		pass "dma: attacks under hv, pic=$pic: 6 transfers refused with the error status, 6 warnings, integrity intact"
	fi
done

# BAR4 moved by the guest.
native_run "$work/move.native" "$elf" case=move
hv_run "$work/move.out" "$work/move.log" "console=com2 exit_on_panic" "$elf case=move"
if ! ended move "$work/move.native" "" 2; then
	fail "dma: BAR4 moved, natively" "$why"
elif ! ended move "$work/move.out" "$work/move.log" 2; then
	fail "dma: BAR4 moved, under hv" "$why"
elif ! cmp -s "$work/move.native" "$work/move.out"; then
	fail "dma: BAR4 moved" "COM1 differs from native ($work/move.native, $work/move.out)"
elif ! grep -q '^hv: dma: ide 00:01.1: bus master moved from [0-9a-f]\{4\} to d000' "$work/move.log"; then
	fail "dma: BAR4 moved" "no 'moved ... to d000' line (log $work/move.log)"
else
	pass "dma: BAR4 moved: followed, transcript equals native"
fi
for pci in pass emulate; do
	hv_run "$work/move-attack-$pci.out" "$work/move-attack-$pci.log" \
		"console=com2 exit_on_panic pci=$pci" "$elf case=move attack=1"
	if ! ended move "$work/move-attack-$pci.out" "$work/move-attack-$pci.log" 4; then
		fail "dma: BAR4 moved, attack, pci=$pci" "$why"
	elif [ "$(grep -c "^hv: dma: warning: .* touches hv's memory: transfer refused" "$work/move-attack-$pci.log")" != 1 ]; then
		fail "dma: BAR4 moved, attack, pci=$pci" "not one refusal warning (log $work/move-attack-$pci.log)"
	else
		pass "dma: BAR4 moved, attack, pci=$pci: refused through the moved registers"
	fi
done
hv_run "$work/move-kbd.out" "$work/move-kbd.log" "console=com2 exit_on_panic" "$elf case=move to=0x60"
if [ "$RUN_STATUS" != "$(exit_status 3)" ]; then
	fail "dma: BAR4 onto hv's ports" "QEMU status $RUN_STATUS, want $(exit_status 3) (log $work/move-kbd.log)"
elif [ "$(grep -c '^hv: guest: stopped: ' "$work/move-kbd.log")" != 1 ] ||
     ! grep -q "^hv: guest: stopped: guest moved the IDE bus master of 00:01.1 to 0060, onto port 0060, which hv takes" "$work/move-kbd.log"; then
	fail "dma: BAR4 onto hv's ports" "no single 'stopped: guest moved the IDE bus master ... onto port 0060' line (log $work/move-kbd.log)"
elif ! grep -q "$intact" "$work/move-kbd.log"; then
	fail "dma: BAR4 onto hv's ports" "no integrity line (log $work/move-kbd.log)"
else
	pass "dma: BAR4 onto the i8042's ports: guest stopped"
fi

# dma=trust: the same read onto hv's text goes through; the integrity check
# at the guest's exit must catch it (exit_on_panic: status 255).
hv_run "$work/trust.out" "$work/trust.log" "console=com2 exit_on_panic dma=trust" "$elf case=hvframe at=$at"
if ! same_layout "$work/trust.log"; then
	fail "dma: dma=trust" "hv's image is not at $image this time (log $work/trust.log)"
elif ! grep -q "^hv: dma: warning: dma=trust: the devices the guest drives can write hv's memory" "$work/trust.log"; then
	fail "dma: dma=trust" "no dma=trust warning at boot (log $work/trust.log)"
elif [ "$RUN_STATUS" != 255 ] || ! grep -Eq "^hv: PANIC at boot/integrity.c:[0-9]+: integrity: hv's text changed" "$work/trust.log"; then
	fail "dma: dma=trust" "status $RUN_STATUS, no integrity panic for hv's text (log $work/trust.log)"
elif ! grep -q "^FAIL dma.onto_hv_text: bus master status" "$work/trust.out"; then
	fail "dma: dma=trust" "the guest's transfer did not complete (COM1 $work/trust.out)"
else
	pass "dma: dma=trust: the read onto hv's text goes through, the integrity check catches it"
fi

# Bus mastering kept off (guest/tests/nicdma.c, QEMU's default e1000 at
# 00:03.0): natively the controller reads a transmit descriptor and writes
# its DD bit back by DMA; under hv with dma=mediate and dma=deny the guest
# reads Bus Master Enable back as it set it, and nothing is written back
# (this differs from native on purpose); with dma=trust it is, as natively.
nic=$BUILD/guest/nicdma.elf
RUN_QEMU_EXTRA=()
nic_line() { grep -c "^nicdma: its status written back by DMA: $2\$" "$1"; }
native_run "$work/nic.native" "$nic"
if [ "$RUN_STATUS" != "$(exit_status 0)" ] || [ "$(nic_line "$work/nic.native" yes)" != 1 ]; then
	fail "dma: e1000 writes back natively" "status $RUN_STATUS, no 'written back by DMA: yes' (COM1 $work/nic.native)"
else
	pass "dma: e1000 writes its descriptor back by DMA natively"
fi
for opts in dma=mediate dma=deny dma=trust "dma=mediate pci=emulate"; do
	m=${opts#dma=}
	m=${m%% *}
	o=$work/nic-${opts//[ =]/-}
	want=no
	[ $m = trust ] && want=yes
	hv_run "$o.out" "$o.log" "console=com2 exit_on_panic $opts" "$nic"
	if grep -q PANIC "$o.log" || [ "$RUN_STATUS" != "$(exit_status 0)" ]; then
		fail "dma: e1000, $opts" "status $RUN_STATUS or a panic (COM1 $o.out, log $o.log)"
	elif ! grep -q '^END nicdma pass=1 fail=0' "$o.out"; then
		fail "dma: e1000, $opts" "the guest's checks failed (bus master enable read back?) (COM1 $o.out)"
	elif [ "$(nic_line "$o.out" $want)" != 1 ]; then
		fail "dma: e1000, $opts" "no 'written back by DMA: $want' (COM1 $o.out)"
	elif [ $m != trust ] &&
	     ! grep -q '^hv: dma: 00:03.0 (8086:100e, class 0200): bus mastering kept off' "$o.log"; then
		fail "dma: e1000, $opts" "no 'bus mastering kept off' line for 00:03.0 (log $o.log)"
	elif ! grep -q "$intact" "$o.log"; then
		fail "dma: e1000, $opts" "no integrity line (log $o.log)"
	elif [ $m = trust ]; then
		pass "dma: e1000, dma=trust: its DMA goes through, as natively"
	else
		pass "dma: e1000, $opts: bus master enable reads back set, the device masters nothing"
	fi
done

# The IOMMU (q35 with QEMU's intel-iommu, its e1000 on user networking;
# dma= left at its default, which takes the IOMMU where there is one).
# guest/tests/madt.c lists the firmware's tables: under hv the DMAR table
# is renamed HVDM (checksum kept), nothing else differs.  nicdma case=arp
# receives QEMU's ARP reply by DMA: into its own memory the transcript
# equals native; aimed at hv's text (after writing 0 to the unit's global
# command register, which hv hides) the write is refused by the unit, hv
# logs the fault with the device and address, and its integrity holds;
# with dma=trust the same write lands and the integrity check catches it.
RUN_QEMU_EXTRA=(-machine q35 -device intel-iommu -nic user,model=e1000)
madt=$BUILD/guest/madt.elf
native_run "$work/q35-madt.native" "$madt"
hv_run "$work/q35-madt.out" "$work/q35-madt.log" "console=com2 exit_on_panic" "$madt"
d=$(diff "$work/q35-madt.native" "$work/q35-madt.out" | grep '^[<>]' | tr '\n' '|')
if [ "$d" != "< table 'DMAR' revision 1|> table 'HVDM' revision 1|" ]; then
	fail "dma: q35 IOMMU: DMAR hidden" "native and hv transcripts differ otherwise than DMAR -> HVDM: diff $work/q35-madt.native $work/q35-madt.out"
elif ! grep -q '^END madt pass=[0-9]* fail=0' "$work/q35-madt.out"; then
	fail "dma: q35 IOMMU: DMAR hidden" "madt failed under hv (COM1 $work/q35-madt.out)"
else
	pass "dma: q35 IOMMU: the guest finds no DMAR table (renamed, checksum valid), the rest as natively"
fi
native_run "$work/q35-arp.native" "$nic" case=arp
hv_run "$work/q35-arp.out" "$work/q35-arp.log" "console=com2 exit_on_panic" "$nic case=arp"
unit_on='^hv: dma: VT-d unit 0 at fed90000 (version [0-9a-f]*): translating'
if ! grep -q '^nicdma: .* ARP op 2, from 52:55:0a:00:02:02 (10.0.2.2)' "$work/q35-arp.native"; then
	fail "dma: q35 IOMMU: legal DMA" "natively no ARP reply received (COM1 $work/q35-arp.native)"
elif ! grep -q "$unit_on" "$work/q35-arp.log"; then
	fail "dma: q35 IOMMU: legal DMA" "hv did not program the IOMMU (log $work/q35-arp.log)"
elif ! cmp -s "$work/q35-arp.native" "$work/q35-arp.out"; then
	fail "dma: q35 IOMMU: legal DMA" "COM1 differs from native ($work/q35-arp.native, $work/q35-arp.out)"
elif ! grep -q "$intact" "$work/q35-arp.log"; then
	fail "dma: q35 IOMMU: legal DMA" "no integrity line (log $work/q35-arp.log)"
else
	pass "dma: q35 IOMMU: an e1000 receives by DMA through the IOMMU, transcript equals native"
fi
img=$(sed -n 's/.*hv owns .*(image at \([0-9a-f]*\),.*/\1/p' "$work/q35-arp.log")
at=$(printf '%x' $((0x${img:-0} + 0x2000)))	# a page of hv's text
for m in default trust; do
	o=$work/q35-attack-$m
	opt=
	[ $m = trust ] && opt=dma=trust
	hv_run "$o.out" "$o.log" "console=com2 exit_on_panic $opt" "$nic case=arp buf=0x$at unit=0xfed90000"
	if [ -z "$img" ]; then
		fail "dma: q35 IOMMU: attack ($m)" "no image address in $work/q35-arp.log"
	elif [ $m = trust ]; then
		if grep -q "^hv: PANIC at boot/integrity.c:[0-9]*: integrity: hv's text changed" "$o.log"; then
			pass "dma: q35, dma=trust: the e1000's write onto hv's text lands, the integrity check catches it"
		else
			fail "dma: q35, dma=trust: attack" "no integrity panic (log $o.log)"
		fi
	elif grep -q PANIC "$o.log" || ! grep -q "$intact" "$o.log"; then
		fail "dma: q35 IOMMU: attack" "a panic or no integrity line (log $o.log)"
	elif ! grep -q "^hv: dma: warning: VT-d unit 0: write at $at by 00:0[0-9a-f].0 refused" "$o.log"; then
		fail "dma: q35 IOMMU: attack" "no fault line for the write at $at (log $o.log)"
	elif ! grep -q '^nicdma: wrote 0 to the command register at fed90018; status reads ffffffff' "$o.out"; then
		fail "dma: q35 IOMMU: attack" "the unit's registers answered the guest (COM1 $o.out)"
	else
		pass "dma: q35 IOMMU: the unit's registers hidden, the e1000's write onto hv's text refused and logged, integrity intact"
	fi
done
# q35 without an IOMMU: PCIe's memory-mapped configuration space (ECAM at
# 0xb0000000 on QEMU's q35) would let the guest set Bus Master Enable where
# hv does not look.  Natively the guest reads the host bridge through it;
# under hv it is off (the guest's write setting PCIEXBAR's enable bit again
# refused), bus mastering stays off, and nothing is written back.
RUN_QEMU_EXTRA=(-machine q35 -nic user,model=e1000)
native_run "$work/q35-ecam.native" "$nic" ecam=0xb0000000
hv_run "$work/q35-ecam.out" "$work/q35-ecam.log" "console=com2 exit_on_panic" "$nic ecam=0xb0000000"
if [ "$(grep -c '00:00.0 reads 29c08086$' "$work/q35-ecam.native")" != 2 ]; then
	fail "dma: q35 ECAM" "natively the host bridge does not read through ECAM (COM1 $work/q35-ecam.native)"
elif grep -q '00:00.0 reads 29c08086$' "$work/q35-ecam.out" ||
     [ "$(nic_line "$work/q35-ecam.out" no)" != 1 ] || ! grep -q '^END nicdma pass=1 fail=0' "$work/q35-ecam.out"; then
	fail "dma: q35 ECAM" "under hv ECAM answered or the e1000 wrote back (COM1 $work/q35-ecam.out)"
elif ! grep -q "^hv: dma: 00:00.0 (8086:29c0): PCIe's memory-mapped configuration space at b0000000 turned off" "$work/q35-ecam.log" ||
     ! grep -q "$intact" "$work/q35-ecam.log"; then
	fail "dma: q35 ECAM" "no 'turned off' or integrity line (log $work/q35-ecam.log)"
else
	pass "dma: q35 without an IOMMU: ECAM off and kept off, bus mastering set through it has no effect"
fi
RUN_QEMU_EXTRA=()
hv_run "$work/noiommu.out" "$work/noiommu.log" "console=com2 dma=iommu" "$nic"
if [ "$RUN_STATUS" != "$(exit_status 2)" ] ||
   ! grep -q '^hv: dma: error: dma=iommu: no usable IOMMU: no DMAR table' "$work/noiommu.log" ||
   [ "$(grep -c 'error' "$work/noiommu.log")" != 1 ]; then
	fail "dma: dma=iommu without one" "want one error line and status 5, got status $RUN_STATUS (log $work/noiommu.log)"
else
	pass "dma: dma=iommu without an IOMMU: one error line, status 5"
fi

# A bad value: one error line, status 5.
hv_run "$work/bad.out" "$work/bad.log" "console=com2 dma=iomu" ""
if [ "$RUN_STATUS" != "$(exit_status 2)" ]; then
	fail "dma: dma=iomu" "QEMU status $RUN_STATUS, want $(exit_status 2) (log $work/bad.log)"
elif [ "$(grep -c 'error' "$work/bad.log")" != 1 ] ||
     ! grep -q '^hv: options: error: dma= takes iommu, mediate, deny or trust, not iomu' "$work/bad.log"; then
	fail "dma: dma=iomu" "not one 'dma= takes iommu, mediate, deny or trust, not iomu' error line (log $work/bad.log)"
else
	pass "dma: dma=iomu: one error line, status 5"
fi
exit 0
