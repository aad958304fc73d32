#!/usr/bin/env bash
# hv's Multiboot 2 loader against the spec (Multiboot2 Specification
# version 2.0, 3.1 and 3.6; issue 16).
#
# 1. The loader test guests (guest/mb2/: an ELF asking for every tag, with
#    console flags, a framebuffer, module alignment and a relocatable range;
#    a flat binary with the address and entry tags and bss_end_addr 64 KiB
#    beyond the file) run natively and under hv, with a command line and
#    two modules.  QEMU's -kernel has no Multiboot 2, so natively means
#    GRUB's `multiboot2`/`module2` (grub-pc-bin): a GRUB core image whose
#    memdisk holds the guest, its modules and grub.cfg, made bootable as a
#    Linux kernel by lnxboot.img, so that QEMU's -kernel starts GRUB (under
#    a second).  The transcripts must be identical but for the "loader: "
#    lines, what the spec lets a loader choose (guest/mb2/mb2.c: addresses,
#    the memory map, mem_lower/upper, its name, the framebuffer, the RSDT's
#    address, tags it may give or not); the rest (command lines, modules'
#    bytes, the mmap version, the ELF's sections, the RSDP's fields and
#    that it is the BIOS area's, the load base, every check) must match.
#    hv's loader: lines are then checked against what hv documents
#    (README, "Booting your own kernel"): its name, EGA text, its tables
#    below 1 MiB, its range reserved, mem_upper, no tag it does not list.
# 2. An image with both headers is booted by Multiboot 1.
# 3. Bad headers: each one error line naming the field, status 5, never a
#    hang.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-mb2
mkdir -p "$work"
mb=$BUILD/guest/mb2
grub_pc=/usr/lib/grub/i386-pc
RUN_TIMEOUT=20
ok=$(exit_status 0)
bad=$(exit_status 2)

head -c 5000 /dev/zero | tr '\0' 'M' > "$work/mod1.bin"
printf 'abc' > "$work/mod2.bin"
args="one two=3"
# GRUB passes the arguments after the file's name; so does hv for
# Multiboot 2.  QEMU splits -initrd at commas (",," is a comma).
mods="$work/mod1.bin m1 arg,,x=1,$work/mod2.bin"

# grub_image GUEST OUT: GRUB (i386-pc) as a Linux kernel booting GUEST.
grub_image() {
	local d=$work/memdisk
	rm -rf "$d" && mkdir -p "$d/boot/grub"
	cp "$1" "$d/kernel" && cp "$work/mod1.bin" "$work/mod2.bin" "$d/"
	cat > "$d/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_output serial
set timeout=0
multiboot2 /kernel $args
module2 /mod1.bin m1 arg,x=1
module2 /mod2.bin
boot
echo "GRUB: boot failed"
EOF
	echo 'configfile (memdisk)/boot/grub/grub.cfg' > "$work/early.cfg"
	(cd "$d" && tar cf "$work/memdisk.tar" .) &&
		grub-mkimage --directory "$grub_pc" -O i386-pc -o "$work/core.img" \
			-c "$work/early.cfg" -m "$work/memdisk.tar" -p '(memdisk)/boot/grub' \
			memdisk tar multiboot2 configfile normal echo serial terminal &&
		cat "$grub_pc/lnxboot.img" "$work/core.img" > "$2"
}

for g in mb2elf.elf mb2flat.bin; do
	n=${g%.*}
	if [ ! -f "$mb/$g" ] || [ ! -f "$grub_pc/lnxboot.img" ]; then
		fail "mb2 $n" "$mb/$g or $grub_pc/lnxboot.img (grub-pc-bin) missing"
		continue
	fi
	if ! grub_image "$mb/$g" "$work/$n.grub"; then
		fail "mb2 native: $n" "grub-mkimage failed"
		continue
	fi
	native_run "$work/$n.native.raw" "$work/$n.grub"
	st=$RUN_STATUS
	# GRUB's terminal codes come before the guest's first line.
	sed -n "/$n: start/,\$p" "$work/$n.native.raw" | sed "s/^.*\($n: start\)/\1/" > "$work/$n.native"
	if [ "$st" != "$ok" ] || ! grep -q "^END $n pass=[0-9]* fail=0" "$work/$n.native"; then
		fail "mb2 native: $n" "status $st, transcript $work/$n.native.raw"
		continue
	fi
	pass "mb2 native: $n, GRUB multiboot2 ($(grep -c '^ok ' "$work/$n.native") cases)"
	hv_run "$work/$n.hv" "$work/$n.hvlog" "console=com2 exit_on_panic" "$mb/$g $args,$mods"
	grep -v '^loader: ' "$work/$n.native" > "$work/$n.native.spec"
	grep -v '^loader: ' "$work/$n.hv" > "$work/$n.hv.spec"
	if [ "$RUN_STATUS" = "$st" ] && cmp -s "$work/$n.native.spec" "$work/$n.hv.spec"; then
		pass "mb2 differential: $n ($(wc -l < "$work/$n.hv.spec") lines equal)"
	else
		fail "mb2 differential: $n" "status $RUN_STATUS vs $st; diff $work/$n.native.spec $work/$n.hv.spec; hv log $work/$n.hvlog"
		continue
	fi

	# What hv gives, against what it documents.
	why=
	grep -qx 'loader: boot loader name "hv"' "$work/$n.hv" || why="$why; no boot loader name \"hv\""
	[ "$n" = mb2elf ] && ! grep -qx 'loader: framebuffer b8000 pitch 160 80x25 bpp 16 type 2 size 32' "$work/$n.hv" &&
		why="$why; no EGA text framebuffer 80x25 at b8000"
	! grep -q '^loader: tag ' "$work/$n.hv" || why="$why; tags hv does not document: $(grep '^loader: tag ' "$work/$n.hv" | tr '\n' ' ')"
	end=$(sed -n 's/^loader: information at [0-9a-f]*-\([0-9a-f]*\)$/\1/p' "$work/$n.hv")
	[ -n "$end" ] && [ $((0x$end)) -lt $((0x100000)) ] || why="$why; information not below 1 MiB (ends at ${end:-?})"
	set -- $(sed -n 's/^hv: mem: hv owns \([0-9a-f]*\)-\([0-9a-f]*\).*/\1 \2/p' "$work/$n.hvlog")
	if [ $# = 2 ]; then
		exposed=$(sed -n 's/^loader: mmap \([0-9a-f]*\)-\([0-9a-f]*\) type 1$/\1 \2/p' "$work/$n.hv" |
			while read -r a b; do
				[ $((0x$a)) -lt $((0x$2)) ] && [ $((0x$b)) -ge $((0x$1)) ] && echo "$a-$b"
			done)
		[ -z "$exposed" ] || why="$why; hv's $1-$2 inside available RAM $exposed"
	else
		why="$why; no 'hv owns' line in $work/$n.hvlog"
	fi
	top=$(sed -n 's/^loader: mmap 0000000000100000-\([0-9a-f]*\) type 1$/\1/p' "$work/$n.hv")
	upper=$(sed -n 's/^loader: mem_lower [0-9]* KiB, mem_upper \([0-9]*\) KiB$/\1/p' "$work/$n.hv")
	[ -n "$top" ] && [ "$upper" = $(((0x$top + 1 - 0x100000) / 1024)) ] ||
		why="$why; mem_upper $upper KiB, the map's RAM from 1 MiB ends at ${top:-?}"
	if [ -z "$why" ]; then
		pass "mb2 hv's choices: $n"
	else
		fail "mb2 hv's choices: $n" "${why#; } (transcript $work/$n.hv)"
	fi
done

# patch IN OUT 'python on d (bytearray), h (header offset)': the checksum
# is made right again afterwards unless the statements set keep = 1.
# tags(t) lists the header's tags of type t by offset.
patch() {
	python3 - "$1" "$2" "$3" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
h = next(o for o in range(0, 32768, 8) if d[o:o+4] == b'\xd6\x50\x52\xe8')
def u32(off, v): struct.pack_into('<I', d, off, v & 0xffffffff)
def u16(off, v): struct.pack_into('<H', d, off, v & 0xffff)
def get(off): return struct.unpack_from('<I', d, off)[0]
def tags(t):
    out, o = [], h + 16
    while o < h + get(h + 8):
        ty, fl, sz = struct.unpack_from('<HHI', d, o)
        if ty == t: out.append(o)
        if ty == 0: break
        o += (sz + 7) & ~7
    return out
keep = 0
exec(sys.argv[3])
if not keep:
    u32(h + 12, -(get(h) + get(h + 4) + get(h + 8)))
open(sys.argv[2], 'wb').write(d)
EOF
}

# expect_bad NAME FILE REGEX: one error line matching REGEX, status 5.
expect_bad() { expect_refused mb2 "$@"; }

e=$mb/mb2elf.elf f=$mb/mb2flat.bin
# Both headers: a Multiboot 1 header (flags 0) in the ELF's padding
# before its first segment, within the first 8 KiB.
patch "$e" "$work/both.elf" 'assert not any(d[0x800:0x80c]); u32(0x800, 0x1BADB002); u32(0x804, 0); u32(0x808, -0x1BADB002)'
RUN_TIMEOUT=10 hv_run "$work/both.hv" "$work/both.hvlog" "console=com2" "$work/both.elf $args"
if grep -q 'module [^ ]*: Multiboot 1 kernel' "$work/both.hvlog" && grep -q '^FAIL mb2elf.magic' "$work/both.hv"; then
	pass "mb2 hv: an image with both headers boots by Multiboot 1 (EAX 0x2BADB002)"
else
	fail "mb2 hv: both headers" "not booted by Multiboot 1 (log $work/both.hvlog, transcript $work/both.hv)"
fi

hvhi=$(sed -n 's/^hv: mem: hv owns [0-9a-f]*-\([0-9a-f]*\).*/\1/p' "$work/mb2elf.hvlog")
# The header (3.1.1-3.1.2): magic 0, architecture 4, header_length 8, 12, checksum 12.
patch "$e" "$work/checksum.elf" 'u32(h + 12, get(h + 12) + 1); keep = 1'
expect_bad checksum "$work/checksum.elf" 'Multiboot 2 header at offset [0-9]+: checksum [0-9a-f]{8} is wrong'
patch "$e" "$work/arch.elf" 'u32(h + 4, 4)'
expect_bad architecture "$work/arch.elf" 'Multiboot 2 header: architecture 4 is not 0 \(i386\)'
patch "$e" "$work/hlen-small.elf" 'u32(h + 8, 16)'
expect_bad header_length-too-small "$work/hlen-small.elf" 'Multiboot 2 header: header_length 16 is too small'
patch "$e" "$work/hlen-large.elf" 'u32(h + 8, len(d))'
expect_bad header_length-too-large "$work/hlen-large.elf" 'Multiboot 2 header: header_length [0-9]+ runs past the module.s end'
# The tags (3.1.3-3.1.13).
patch "$e" "$work/no-end.elf" 'o = tags(0)[0]; u16(o, 0x7777); u16(o + 2, 1)'
expect_bad no-end-tag "$work/no-end.elf" 'Multiboot 2 header: its tag list has no end tag within header_length'
patch "$e" "$work/tag-size.elf" 'o = tags(6)[0]; u32(o + 4, get(h + 8))'
expect_bad tag-size-past-header "$work/tag-size.elf" 'Multiboot 2 header: tag type 6 at header offset [0-9]+ has size'
patch "$e" "$work/unknown.elf" 'u16(tags(0x7777)[0] + 2, 0)'
expect_bad unknown-tag "$work/unknown.elf" 'Multiboot 2 header: tag type 30583 is unknown to hv and not optional'
patch "$e" "$work/req-unknown.elf" 'o = tags(1)[0]; u32(o + 8, 0x55)'
expect_bad info-request-unknown "$work/req-unknown.elf" 'Multiboot 2 header: its information request asks for tag type 85 \(unknown\), which hv cannot give'
patch "$e" "$work/req-smbios.elf" 'u16(tags(1)[1] + 2, 0)'
expect_bad info-request-smbios "$work/req-smbios.elf" 'Multiboot 2 header: its information request asks for tag type 13 \(SMBIOS\), which hv cannot give'
patch "$e" "$work/efi-bs.elf" 'u16(tags(7)[0] + 2, 0)'
expect_bad efi-boot-services "$work/efi-bs.elf" 'Multiboot 2 header: it asks to keep EFI boot services'
patch "$e" "$work/console.elf" 'u32(tags(4)[0] + 8, 1)'
expect_bad console-not-ega "$work/console.elf" 'Multiboot 2 header: console flags 00000001 require a console but not EGA text'
patch "$e" "$work/reloc.elf" 'u32(tags(10)[0] + 8, 0x200000)'
expect_bad relocatable-range "$work/reloc.elf" 'Multiboot 2 header: relocatable tag: hv loads the image where it is linked, 00100000-[0-9a-f]{8}, which is not inside min_addr 00200000'
patch "$e" "$work/reloc-pref.elf" 'u32(tags(10)[0] + 20, 3)'
expect_bad relocatable-preference "$work/reloc-pref.elf" 'Multiboot 2 header: relocatable tag.s preference 3 is not 0, 1 or 2'
# The address and entry tags (3.1.5-3.1.6): header_addr 8, load_addr 12,
# load_end_addr 16, bss_end_addr 20; entry_addr 8.
patch "$f" "$work/load-end-before.bin" 'o = tags(2)[0]; u32(o + 16, get(o + 12) - 0x1000)'
expect_bad load_end_addr-before-load_addr "$work/load-end-before.bin" 'Multiboot 2 header: load_end_addr [0-9a-f]{8} is before load_addr'
patch "$f" "$work/bss-over-hv.bin" "u32(tags(2)[0] + 20, 0x${hvhi:-0} - 0xFFFFF)"
expect_bad bss_end_addr-over-hv "$work/bss-over-hv.bin" 'would load over the hypervisor: load_addr-bss_end_addr at [0-9a-f]{8}-[0-9a-f]{8} overlaps hv.s'
patch "$f" "$work/bss-before.bin" 'o = tags(2)[0]; u32(o + 20, get(o + 12) + 4)'
expect_bad bss_end_addr-before-end "$work/bss-before.bin" 'Multiboot 2 header: bss_end_addr [0-9a-f]{8} is before the loaded image.s end'
patch "$f" "$work/hdr-below.bin" 'o = tags(2)[0]; u32(o + 8, get(o + 12) - 4)'
expect_bad header_addr-below-load_addr "$work/hdr-below.bin" 'Multiboot 2 header: header_addr [0-9a-f]{8} is below load_addr'
patch "$f" "$work/entry-out.bin" 'o = tags(3)[0]; u32(o + 8, get(tags(2)[0] + 12) + len(d) + 0x100)'
expect_bad entry_addr-outside "$work/entry-out.bin" 'Multiboot 2 header: entry_addr [0-9a-f]{8} is outside the loaded image'
patch "$f" "$work/no-entry.bin" 'o = tags(3)[0]; u16(o, 0x7777); u16(o + 2, 1)'
expect_bad address-without-entry "$work/no-entry.bin" 'Multiboot 2 header: an address tag without an entry address tag'
patch "$f" "$work/no-address.bin" 'o = tags(2)[0]; u16(o, 0x7777); u16(o + 2, 1)'
expect_bad flat-without-address "$work/no-address.bin" 'a Multiboot 2 kernel that is not ELF and whose header has no address tag'
# Multiboot 1's last field not yet refused elsewhere (scripts/test-mb1.sh):
# load_addr so high that the image wraps past 4 GiB.
python3 - "$BUILD/guest/mb1/mbflat.bin" "$work/mb1-wrap.bin" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
h = next(o for o in range(0, 8192, 4) if d[o:o+4] == b'\x02\xb0\xad\x1b')
struct.pack_into('<IIII', d, h + 12, 0xFFFFF000 + h, 0xFFFFF000, 0, 0)
open(sys.argv[2], 'wb').write(d)
EOF
expect_bad mb1-load_addr-wraps "$work/mb1-wrap.bin" 'Multiboot header: load_addr fffff000 \+ [0-9]+ bytes wraps past 4 GiB'
exit 0
