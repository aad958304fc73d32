#!/usr/bin/env bash
# hv's Multiboot 1 loader against the spec (Multiboot 0.6.96, section 3;
# issues 16 and 21).
#
# 1. The loader test guests (guest/mb1/: an ELF asking for a video mode, an
#    ELF linked high with its entry at the physical address, an ELF with
#    the a.out kludge and a flat binary with it, both with bss_end_addr
#    64 KiB beyond the file) run natively (QEMU's -kernel, which
#    implements Multiboot 1 and the kludge) and under hv, with a command
#    line and two modules.  Their transcripts must be identical but for
#    the "loader: " lines, which print what the spec lets a loader choose
#    (addresses, the memory it keeps, its name, optional fields QEMU does
#    not give: section headers, the framebuffer).  hv's loader: lines are
#    then checked against what hv documents (README, "Booting your own
#    kernel"): its name, the EGA text framebuffer for header flag 2, the
#    section headers as the ELF has them (read here with Python), its
#    tables below 1 MiB, its range reserved in the memory map and
#    mem_upper ending where the map's RAM from 1 MiB ends.  Flag 2 with no
#    VGA text mode (-vga none) gets a warning and no framebuffer; an ELF
#    with 300 more sections loads.
# 2. Bad headers and images: each one error line naming the field,
#    status 5, never a hang.
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-mb1
mkdir -p "$work"
mb=$BUILD/guest/mb1
RUN_TIMEOUT=40
ok=$(exit_status 0)
bad=$(exit_status 2)

head -c 5000 /dev/zero | tr '\0' 'M' > "$work/mod1.bin"
printf 'abc' > "$work/mod2.bin"
args="one two=3"
# QEMU splits -initrd at commas; ",," is a comma inside a command line.
mods="$work/mod1.bin m1 arg,,x=1,$work/mod2.bin"

# The ELF's sections as the guest prints them (mb1.c, sections()).
elf_sections() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
shoff, = struct.unpack_from('<I', d, 32)
shnum, shstrndx = struct.unpack_from('<HH', d, 48)
sh = [struct.unpack_from('<10I', d, shoff + 40 * i) for i in range(shnum)]
names = sh[shstrndx][4]
for s in sh[1:]:
    n = d[names + s[0]:d.index(b'\0', names + s[0])].decode()
    line = 'loader: section %s type %d flags %x size %d' % (n, s[1], s[2], s[5])
    if s[2] & 2:
        line += ' addr %08x' % s[3]
    print(line)
EOF
}

for g in mbelf.elf mbphys.elf mbkludge.elf mbflat.bin; do
	n=${g%.*}
	if [ ! -f "$mb/$g" ]; then
		fail "mb1 $n" "$mb/$g not built"
		continue
	fi
	timeout "$RUN_TIMEOUT" "$QEMU" "${QEMU_MACHINE[@]}" -serial stdio -kernel "$mb/$g" \
		-append "$args" -initrd "$mods" </dev/null >"$work/$n.native" 2>"$work/$n.native.stderr"
	st=$?
	if [ "$st" != "$ok" ] || ! grep -q "^END $n pass=[0-9]* fail=0" "$work/$n.native"; then
		fail "mb1 native: $n" "status $st, transcript $work/$n.native"
		continue
	fi
	pass "mb1 native: $n ($(grep -c '^ok ' "$work/$n.native") cases)"
	hv_run "$work/$n.hv" "$work/$n.hvlog" "console=com2 exit_on_panic" "$mb/$g $args,$mods"
	grep -v '^loader: ' "$work/$n.native" > "$work/$n.native.spec"
	grep -v '^loader: ' "$work/$n.hv" > "$work/$n.hv.spec"
	if [ "$RUN_STATUS" = "$st" ] && cmp -s "$work/$n.native.spec" "$work/$n.hv.spec"; then
		pass "mb1 differential: $n"
	else
		fail "mb1 differential: $n" "status $RUN_STATUS vs $st; diff $work/$n.native.spec $work/$n.hv.spec; hv log $work/$n.hvlog"
		continue
	fi

	# What hv gives, against what it documents.
	why=
	grep -qx 'loader: boot_loader_name "hv"' "$work/$n.hv" || why="$why; no boot_loader_name \"hv\""
	grep -qx "$n: module 0: 5000 bytes, fnv [0-9a-f]*, command line \"m1 arg,x=1\"" "$work/$n.hv" ||
		why="$why; module 0's command line is not \"m1 arg,x=1\""
	case $n in mbelf|mbflat)
		grep -qx 'loader: framebuffer b8000 pitch 160 80x25 bpp 16 type 2' "$work/$n.hv" ||
			why="$why; no EGA text framebuffer 80x25 at b8000" ;;
	esac
	case $n in mbelf|mbphys)
		elf_sections "$mb/$g" > "$work/$n.sections"
		grep '^loader: section ' "$work/$n.hv" | grep -v '^loader: section \(headers \)\?at ' |
			diff -q - "$work/$n.sections" >/dev/null ||
			why="$why; section headers differ from the ELF's ($work/$n.sections)" ;;
	*)
		grep -qx 'loader: no ELF section headers' "$work/$n.hv" ||
			why="$why; section headers given with the a.out kludge" ;;
	esac
	high=$(sed -n 's/^loader: \(information\|memory map\|command line\|boot loader name\|module list\|module command line\|section headers\) at \([0-9a-f]*\)-\([0-9a-f]*\)$/\3/p' "$work/$n.hv" |
		while read -r e; do [ $((0x$e)) -ge $((0x100000)) ] && echo "$e"; done)
	[ -z "$high" ] || why="$why; tables above 1 MiB (ending at $high)"
	set -- $(sed -n 's/^hv: mem: hv owns \([0-9a-f]*\)-\([0-9a-f]*\).*/\1 \2/p' "$work/$n.hvlog")
	if [ $# = 2 ]; then
		lo=$((0x$1)) hi=$((0x$2))
		exposed=$(sed -n 's/^loader: mmap \([0-9a-f]*\)-\([0-9a-f]*\) type 1$/\1 \2/p' "$work/$n.hv" |
			while read -r a b; do
				[ $((0x$a)) -lt $hi ] && [ $((0x$b)) -ge $lo ] && echo "$a-$b"
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
		pass "mb1 hv's choices: $n"
	else
		fail "mb1 hv's choices: $n" "${why#; } (transcript $work/$n.hv)"
	fi
done

# Header flag 2 on a machine whose VGA is not in a text mode (here none at
# all, as behind UEFI's GOP): no framebuffer information and one warning
# instead of a false EGA text report; the guest runs.
RUN_QEMU_EXTRA=(-vga none)
hv_run "$work/novga.hv" "$work/novga.hvlog" "console=com2 exit_on_panic" "$mb/mbelf.elf $args"
RUN_QEMU_EXTRA=()
if [ "$RUN_STATUS" = "$ok" ] && grep -qx 'loader: no framebuffer information' "$work/novga.hv" &&
	grep -q '^END mbelf pass=[0-9]* fail=0' "$work/novga.hv" &&
	[ "$(grep -c 'warning: its Multiboot header asks for a video mode .* the VGA is not in a text mode' "$work/novga.hvlog")" = 1 ]; then
	pass "mb1 hv: flag 2 without a VGA text mode: one warning, no framebuffer"
else
	fail "mb1 hv: flag 2 without a VGA text mode" "status $RUN_STATUS (transcript $work/novga.hv, log $work/novga.hvlog)"
fi

# hv's placement table merges neighbours: 300 more sections (copies of
# .symtab's header) load, each copied, where one range each would run out.
many() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<I', d, 32)
shnum, = struct.unpack_from('<H', d, 48)
tab = d[shoff:shoff + 40 * shnum]
sym = next(tab[i:i + 40] for i in range(0, len(tab), 40) if struct.unpack_from('<I', tab, i + 4)[0] == 2)
while len(d) % 4:
    d.append(0)
struct.pack_into('<I', d, 32, len(d))
struct.pack_into('<H', d, 48, shnum + 300)
d += tab + sym * 300
open(sys.argv[2], 'wb').write(d)
EOF
}
many "$mb/mbelf.elf" "$work/many-sections.elf"
hv_run "$work/many-sections.hv" "$work/many-sections.hvlog" "console=com2 exit_on_panic" "$work/many-sections.elf $args,$mods"
n=$(grep -c '^loader: section \.symtab ' "$work/many-sections.hv")
if [ "$RUN_STATUS" = "$ok" ] && [ "$n" = 301 ] && grep -q '^END mbelf pass=[0-9]* fail=0' "$work/many-sections.hv"; then
	pass "mb1 hv: an ELF with 300 more sections loads ($n symbol tables)"
else
	fail "mb1 hv: many sections" "status $RUN_STATUS, $n symbol tables (transcript $work/many-sections.hv)"
fi

# Bad inputs: patch a header or ELF field (Python: FILE OFFSET-EXPR VALUE...),
# keeping the header's checksum right when its flags change.
patch() {	# patch IN OUT 'python statements on d (bytearray), h (header offset)'
	python3 - "$1" "$2" "$3" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
h = next(o for o in range(0, 8192, 4) if d[o:o+4] == b'\x02\xb0\xad\x1b')
def u32(off, v): struct.pack_into('<I', d, off, v & 0xffffffff)
def get(off): return struct.unpack_from('<I', d, off)[0]
def flags(v):
    u32(h + 4, v); u32(h + 8, -(0x1BADB002 + v))
exec(sys.argv[3])
open(sys.argv[2], 'wb').write(d)
EOF
}

# expect_bad NAME FILE REGEX: one error line matching REGEX, status 5.
expect_bad() { expect_refused mb1 "$@"; }

# hv's range moves with the modules' sizes; its last MiB is always hv's.
hvhi=$(sed -n 's/^hv: mem: hv owns [0-9a-f]*-\([0-9a-f]*\).*/\1/p' "$work/mbelf.hvlog")
k=$mb/mbkludge.elf f=$mb/mbflat.bin e=$mb/mbelf.elf p=$mb/mbphys.elf
# Header fields (offsets from the header: 4 flags, 12 header_addr, 16
# load_addr, 20 load_end_addr, 24 bss_end_addr, 28 entry_addr, 32 mode_type).
patch "$e" "$work/flag3.elf" 'flags(get(h + 4) | 8)'
expect_bad flags-bit3 "$work/flag3.elf" 'its Multiboot header requires features hv does not know \(flags [0-9a-f]{8}: bits 3-15 0008\)'
patch "$e" "$work/flag15.elf" 'flags(get(h + 4) | 0x8000)'
expect_bad flags-bit15 "$work/flag15.elf" 'its Multiboot header requires features hv does not know \(flags [0-9a-f]{8}: bits 3-15 8000\)'
patch "$e" "$work/mode2.elf" 'u32(h + 32, 2)'
expect_bad mode_type "$work/mode2.elf" 'Multiboot header: mode_type 2 is neither 0 \(linear graphics\) nor 1 \(EGA text\)'
patch "$k" "$work/hdr-below.elf" 'u32(h + 12, get(h + 16) - 4)'
expect_bad header_addr "$work/hdr-below.elf" 'Multiboot header: header_addr [0-9a-f]{8} is below load_addr'
patch "$f" "$work/load-before.bin" 'u32(h + 16, get(h + 12) - 0x1000)'
expect_bad load_addr-before-file "$work/load-before.bin" 'Multiboot header: load_addr [0-9a-f]{8} lies before the file.s start'
patch "$k" "$work/load-end-before.elf" 'u32(h + 20, get(h + 16) - 0x1000)'
expect_bad load_end_addr-before-load_addr "$work/load-end-before.elf" 'Multiboot header: load_end_addr [0-9a-f]{8} is before load_addr'
patch "$k" "$work/load-end-equal.elf" 'u32(h + 20, get(h + 16))'
expect_bad load_end_addr-equal "$work/load-end-equal.elf" 'Multiboot header: nothing to load'
patch "$k" "$work/load-end-beyond.elf" 'u32(h + 20, get(h + 16) + len(d))'
expect_bad load_end_addr-beyond-file "$work/load-end-beyond.elf" 'truncated: load_end_addr [0-9a-f]{8} needs file bytes up to'
patch "$k" "$work/bss-before.elf" 'u32(h + 24, get(h + 20) - 4)'
expect_bad bss_end_addr-before-load-end "$work/bss-before.elf" 'Multiboot header: bss_end_addr [0-9a-f]{8} is before the loaded image.s end'
patch "$f" "$work/bss-over-hv.bin" "u32(h + 24, 0x${hvhi:-0} - 0xFFFFF)"
expect_bad bss_end_addr-over-hv "$work/bss-over-hv.bin" 'would load over the hypervisor: load_addr-bss_end_addr at [0-9a-f]{8}-[0-9a-f]{8} overlaps hv.s'
patch "$f" "$work/entry-out.bin" 'u32(h + 28, get(h + 16) + len(d) + 0x100)'
expect_bad entry_addr-outside "$work/entry-out.bin" 'Multiboot header: entry_addr [0-9a-f]{8} is outside the loaded image'
patch "$f" "$work/load-not-ram.bin" 'u32(h + 12, 0xE0000000); u32(h + 16, 0xE0000000); u32(h + 24, 0); u32(h + 28, 0xE0000030)'
expect_bad load_addr-not-ram "$work/load-not-ram.bin" 'load_addr-load_end_addr at e0000000-[0-9a-f]{8} is not in usable RAM'
head -c 40 "$f" > "$work/hdr-cut.bin"
expect_bad header-truncated "$work/hdr-cut.bin" 'truncated: its Multiboot header at offset 0 needs 48 bytes'
patch "$f" "$work/no-kludge.bin" 'flags(get(h + 4) & ~0x10000)'
expect_bad flat-without-kludge "$work/no-kludge.bin" 'a Multiboot kernel that is not ELF and whose header lacks the a.out kludge'
# ELF fields (issue 21).
patch "$e" "$work/class0.elf" 'd[4] = 0'
expect_bad elf-class-0 "$work/class0.elf" 'malformed ELF: class 0, neither 32-bit \(1\) nor 64-bit \(2\)'
# mbphys: segment 0 (phdr at 52) the header linked high, segment 1 (at 84) the rest.
patch "$p" "$work/entry-two.elf" 'u32(52 + 8, get(84 + 8)); u32(24, get(84 + 8) + 0x10)'
expect_bad entry-in-two-segments "$work/entry-two.elf" 'entry point [0-9a-f]{8} lies in two segments. virtual ranges \(segments 0 and 1\)'
patch "$p" "$work/overlap.elf" 'u32(52 + 12, get(84 + 12) + 0x100)'
expect_bad overlapping-segments "$work/overlap.elf" 'malformed ELF: segments 0 \([0-9a-f-]*\) and 1 \([0-9a-f-]*\) overlap'
patch "$p" "$work/entry-none.elf" 'u32(24, 0x00200000)'
expect_bad entry-in-no-segment "$work/entry-none.elf" 'entry point 00200000 is outside its loadable segments'
patch "$e" "$work/shdr-cut.elf" 'u32(32, len(d) - 40)'
expect_bad section-headers-truncated "$work/shdr-cut.elf" 'truncated: section headers end beyond the module'
exit 0
