#!/usr/bin/env bash
# hv's Linux loader against the boot protocol (Linux Documentation/x86/
# boot.rst and zero-page.rst; monitor/loader/linux*.c), with Debian's
# kernel (build/linux/bzImage) and copies of it with one setup-header field
# changed.  One line per test, "PASS name" or "FAIL name: why".
#
# Bad kernels (hv alone, no guest runs): each is refused before it starts
# with one error line naming the field and status 5 (a bad module), never
# started and then stopped (status 7):
#   code32_start outside the loaded kernel: 0, 0x1000, hv's frame pool,
#   0xFEC00000, 0xFF000000, 0xFFFFFFF0; truncated (syssize beyond the file,
#   the file ending inside the setup sectors); protocol 2.01; a zImage; a
#   command line longer than cmdline_size (and than 2.02's fixed 255); a
#   kernel that is not relocatable with no RAM at its pref_address.
# Good kernels (guest/linux/tests/bootparams.sh prints boot_params as the
# kernel keeps it), with 1 GiB of RAM so that initrd_addr_max matters:
#   native     QEMU's own loader and the kernel's real-mode setup: what the
#              BIOS reports (e820, RSDP, alt_mem_k, the text screen)
#   stock      protocol 2.15 under hv
#   max-noreloc  initrd_addr_max 0xFFFFFFFF (no wrap: boots), not
#              relocatable (runs at its pref_address), and hardware_subarch
#              1 in the file (boot_params must say 0)
#   v2.02      protocol 2.02: initrd_addr_max 0x37FFFFFF and a 255-byte
#              command line, whatever the later fields say
# Under hv each must show: the e820 table the native boot got with hv's
# range (its "hv keeps" log line) reserved; alt_mem_k the RAM above 1 MiB
# up to hv, as natively up to the hole; the RSDP, the screen as natively;
# hardware_subarch 0; type_of_loader 0xFF; the command line with
# reservetop=16M; the initrd whole, page-aligned, above the kernel's end
# and at or below initrd_addr_max (the protocol's, by version).
set -u
. "$(dirname "$0")/lib.sh"
work=$BUILD/test-linux-boot
rm -rf "${BUILD:?}/test-linux-boot/k"
mkdir -p "$work/k"
kernel=$BUILD/linux/bzImage
initrd=$BUILD/linux/initramfs.cpio.gz
if [ ! -s "$kernel" ] || [ ! -s "$initrd" ] || [ ! -s "$BUILD/hv.elf" ]; then
	fail linux-boot "missing $kernel, $initrd or $BUILD/hv.elf (run: make all linux)"
	exit 1
fi
bad=$(exit_status 2)

# mutate NAME OFFSET VALUE BYTES: a copy of the kernel with one field set.
mutate() {
	local f=$work/k/$1
	[ -f "$f" ] || cp "$kernel" "$f"
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2], 0))
f.write(int(sys.argv[3], 0).to_bytes(int(sys.argv[4]), "little"))' "$f" "$2" "$3" "$4"
}
hdr() { od -An -tu$3 -j $(($2)) -N "$3" "$1" | tr -d ' '; }

# Where hv's pool sits (the top of RAM: the same with any modules).
hv_run "$work/nomod.out" "$work/nomod.log" "console=com2" ""
pool=$(sed -n 's/^hv: mem: hv owns .* pool [0-9]* KiB at \([0-9a-f]*\).*/\1/p' "$work/nomod.log")

# refused NAME FILE REGEX [ARGS]: hv refuses the kernel with one error line.
refused() {
	local name=$1 f=$2 re=$3 args=${4:-console=ttyS0} log=$work/$1.log n
	hv_run "$work/$name.out" "$log" "console=com2" "$f $args,$initrd"
	n=$(grep -c 'error:' "$log")
	if [ "$RUN_STATUS" != "$bad" ]; then
		fail "linux-bad-$name" "QEMU status $RUN_STATUS, want $bad (log: $log)"
	elif ! grep -Eq "^hv: guest: error: module $f: $re" "$log"; then
		fail "linux-bad-$name" "no error line matches /$re/ (log: $log)"
	elif [ "$n" != 1 ] || grep -q 'starting the guest' "$log"; then
		fail "linux-bad-$name" "$n error lines, or the guest started (log: $log)"
	else
		pass "linux-bad-$name: $(sed -n 's/^hv: guest: error: module [^:]*: //p' "$log")"
	fi
}

for c in 0 0x1000 0x$pool 0xFEC00000 0xFF000000 0xFFFFFFF0; do
	[ "$c" = 0x ] && { fail linux-bad-code32-pool "no pool address in $work/nomod.log"; continue; }
	n=code32-$(printf '%08x' "$c")
	mutate "$n" 0x214 "$c" 4
	refused "$n" "$work/k/$n" "code32_start $(printf '%08x' "$c") is outside the loaded kernel"
done
setup=$(( ($(hdr "$kernel" 0x1f1 1) + 1) * 512 ))
sys=$(( $(hdr "$kernel" 0x1f4 4) * 16 ))
head -c $((setup + sys / 2)) "$kernel" >"$work/k/trunc-syssize"
refused trunc-syssize "$work/k/trunc-syssize" "truncated: syssize says $sys bytes of protected-mode kernel, the file has $((sys / 2))"
head -c 4096 "$kernel" >"$work/k/trunc-setup"
refused trunc-setup "$work/k/trunc-setup" "truncated: [0-9]+ setup sectors but only 4096 bytes"
mutate v2.01 0x206 0x0201 2
refused v2.01 "$work/k/v2.01" "boot protocol 2.01 is older than 2.02"
mutate zimage 0x211 $(( $(hdr "$kernel" 0x211 1) & ~1 )) 1
refused zimage "$work/k/zimage" "a zImage"
mutate cmdline16 0x238 16 4
# (hv adds " reservetop=16M": 15 bytes.)
refused cmdline-size "$work/k/cmdline16" "kernel command line of 28 bytes is longer than the kernel's cmdline_size 16"
long="console=ttyS0 $(printf 'x%.0s' $(seq 1 250))"
mutate v2.02 0x206 0x0202 2
refused v2.02-cmdline "$work/k/v2.02" "kernel command line of $((${#long} + 15)) bytes is longer than the kernel's cmdline_size 255" "$long"
mutate noreloc-high 0x234 0 1
mutate noreloc-high 0x258 0x30000000 4
refused noreloc-no-ram "$work/k/noreloc-high" "not relocatable, and guest RAM does not hold it .* pref_address 30000000-"

# --- Good kernels: boot_params natively and under hv.
mutate max-noreloc 0x22c 0xFFFFFFFF 4
mutate max-noreloc 0x234 0 1
# A file whose header says another subarchitecture (1: lguest): the
# loader must write 0, a PC, over it (boot.rst, hardware_subarch).
mutate max-noreloc 0x23c 1 4
mutate max-noreloc 0x240 0x12345678 4
args="console=ttyS0 quiet nokaslr"
# boot NAME MODE KERNEL: bootparams.sh's lines in $work/NAME/bootparams.out.
boot() {
	rm -rf "${work:?}/$1"
	LINUX_BZIMAGE=$3 LINUX_MODE=$2 LINUX_APPEND=$args HV_LOG=$work/$1/hv.log \
		QEMU_EXTRA="-m 1024" RUN_TIMEOUT=${HV_RUN_TIMEOUT:-300} \
		"$HV_ROOT/scripts/linux/run-native.sh" bootparams "$work/$1" >/dev/null 2>&1
}
boot native native "$kernel"
nat=$work/native/bootparams.out
val() { sed -n "s/^$2 //p" "$1" | head -1; }
if ! grep -q '^e820 ' "$nat"; then
	fail linux-boot-native "no boot_params from the native boot (see $work/native/bootparams.log)"
	exit 1
fi
# alt_mem_k natively: the usable e820 range from 1 MiB, in KiB.
nat_alt=$(sed -n 's/^e820 0000000000100000 \([0-9a-f]*\) 00000001$/\1/p' "$nat")
nat_alt=$([ -n "$nat_alt" ] && printf '%08x' $((0x$nat_alt / 1024)))
if [ "$(val "$nat" alt_mem_k)" = "$nat_alt" ]; then
	pass "linux-boot-native: alt_mem_k is the RAM from 1 MiB to the first hole ($nat_alt KiB)"
else
	fail linux-boot-native "alt_mem_k $(val "$nat" alt_mem_k), the e820 table says $nat_alt"
fi

# check NAME KERNEL MAX END: the hv boot's boot_params; MAX is the initrd's
# highest address by the protocol, END the kernel's end.
check() {
	local name=$1 f=$2 max=$3 kend=$4 out=$work/$1/bootparams.out log=$work/$1/hv.log
	local lo hi why= rd rs
	if ! grep -q '^=== hvtest end bootparams status=0' "$work/$name/bootparams.log" 2>/dev/null; then
		fail "linux-boot-$name" "the guest did not finish bootparams.sh (see $work/$name/)"
		return
	fi
	set -- $(sed -n 's/^hv: linux: hv keeps [0-9]* KiB at the top of RAM, \([0-9a-f]*\)-\([0-9a-f]*\):.*/\1 \2/p' "$log")
	lo=$((0x$1)) hi=$((0x$2 + 1))
	# The native table with [lo, hi) reserved (it lies in one usable range).
	python3 -c 'import sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
for l in open(sys.argv[3]):
    w = l.split()
    if w[0] != "e820":
        continue
    a, n, t = int(w[1], 16), int(w[2], 16), w[3]
    e = a + n
    if t != "00000001" or e <= lo or a >= hi:
        print(l, end="")
        continue
    if a < lo:
        print("e820 %016x %016x 00000001" % (a, lo - a))
    print("e820 %016x %016x 00000002" % (lo, min(e, hi) - lo))
    if e > hi:
        print("e820 %016x %016x 00000001" % (hi, e - hi))' "$lo" "$hi" "$nat" >"$work/$name/e820.expected"
	grep '^e820 ' "$out" | cmp -s - "$work/$name/e820.expected" ||
		why="$why e820 is not the native table with hv's range reserved;"
	[ "$(val "$out" alt_mem_k)" = "$(printf '%08x' $(((lo - 0x100000) / 1024)))" ] ||
		why="$why alt_mem_k $(val "$out" alt_mem_k);"
	for k in acpi_rsdp_addr video_mode video_cols video_lines video_is_vga video_points; do
		[ "$(val "$out" $k)" = "$(val "$nat" $k)" ] || why="$why $k $(val "$out" $k), natively $(val "$nat" $k);"
	done
	[ "$(val "$out" hardware_subarch)" = 00000000 ] &&
		[ "$(val "$out" hardware_subarch_data)" = 0000000000000000 ] || why="$why hardware_subarch;"
	[ "$(val "$out" type_of_loader)" = ff ] || why="$why type_of_loader;"
	[ "$(val "$out" cmdline)" = "$args hvtest=bootparams reservetop=16M" ] ||
		why="$why command line '$(val "$out" cmdline)';"
	rd=$((0x$(val "$out" ramdisk_image))) rs=$((0x$(val "$out" ramdisk_size)))
	[ "$rs" = "$(stat -c %s "$initrd")" ] || why="$why ramdisk_size $rs;"
	[ $((rd % 4096)) = 0 ] && [ "$rd" -ge "$kend" ] && [ $((rd + rs - 1)) -le "$max" ] &&
		[ $((rd + rs)) -le "$lo" ] ||
		why="$why ramdisk at $(printf %x $rd) not page-aligned between the kernel's end $(printf %x "$kend"), initrd_addr_max $(printf %x "$max") and hv;"
	if [ -z "$why" ]; then
		pass "linux-boot-$name: boot_params as the protocol says (initrd at $(printf %x $rd), hv's $(((hi - lo) >> 10)) KiB reserved)"
	else
		fail "linux-boot-$name" "${why# } (see $out)"
	fi
}
pref=$(hdr "$kernel" 0x258 4) init=$(hdr "$kernel" 0x260 4)
boot stock hv "$kernel"
check stock "$kernel" $((0x7fffffff)) $((pref + init))
boot max-noreloc hv "$work/k/max-noreloc"
check max-noreloc "$work/k/max-noreloc" $((0xffffffff)) $((pref + init))
grep -q "^hv: linux: bzImage protocol 2.0f, .*, not relocatable, runs at $(printf %08x "$pref")" \
	"$work/max-noreloc/hv.log" && pass "linux-boot-max-noreloc-pref: runs at its pref_address" ||
	fail linux-boot-max-noreloc-pref "hv's log does not say it runs at pref_address (see $work/max-noreloc/hv.log)"
boot v2.02 hv "$work/k/v2.02"
check v2.02 "$work/k/v2.02" $((0x37ffffff)) $((0x100000 + $(stat -c %s "$kernel") - setup))
exit 0
