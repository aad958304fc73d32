#!/usr/bin/env bash
# Boot-media tests (`make test-boot`; docs/BOOT-MEDIA.md).  One line
# "PASS name" or "FAIL name: why" per check, "SKIP name: why" for a check
# that cannot run here; always exits 0 (scripts/run-tests.sh counts lines).
#
#   - builds hvboot (boot/efi/) and the image (build/hv.img, as `make iso`),
#     and checks its layout: El Torito BIOS and UEFI entries, the MBR, the
#     ESP's files, one menu entry per test guest in both menus;
#   - boots a test image (the same builder, default entry alu, no time-out,
#     hv logging on COM2) attached as a USB stick (EHCI) and as a CD, on
#     SeaBIOS (qemu-system-i386: GRUB, multiboot2) and on OVMF
#     (qemu-system-x86_64: hvboot), and compares the guest's COM1 output
#     under hv with its native output, byte for byte, and the exit status;
#   - the same from a stick with GRUB's `multiboot` (Multiboot 1) on
#     SeaBIOS, whose hv log must show the memory map and firmware tables
#     of the multiboot2 boot, and with GRUB x86_64-efi's `multiboot2` on
#     OVMF (an image made with --uefi grub), where hv must take the ACPI
#     RSDP from GRUB's tag and find the MADT through it;
#   - drives the menus of build/hv.img itself over the serial console: GRUB's
#     "hv options" entry and hvboot's command-line editor, each followed by
#     booting alu with the new options (dtcache=8K shows in hv's log);
#   - hvboot's errors: a missing kernel, a file that is not ELF, a truncated
#     ELF, an ELF too big for the memory below 4 GiB, a missing module, then
#     the next entry boots (on_error next);
#   - scripts/write-usb's refusals on plain files and loop devices;
#   - the Linux guest on both paths, once build/linux/bzImage exists.
#
# Every QEMU run is bounded by BOOT_TIMEOUT seconds (default 90).
set -u
. "$(dirname "$0")/../lib.sh"
work=$BUILD/test-boot
mkdir -p "$work"
media=$HV_ROOT/scripts/media
drive=$media/qemu-drive.py
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
LINUX_TIMEOUT=${LINUX_TIMEOUT:-300}
# What the Linux guest prints once it is up (issue 7 may sharpen this).
LINUX_EXPECT=${LINUX_EXPECT:-Run /init as init process}
T=boot-media

skip() { echo "SKIP $1: $2"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timings=()

# --- build -----------------------------------------------------------------
if ! make --no-print-directory -C "$HV_ROOT" efi >"$work/build.log" 2>&1; then
	fail "$T: build hvboot" "make efi failed: $work/build.log"
	exit 0
fi
if ! "$media/mkimage.sh" --quiet --out "$BUILD/hv.img" >>"$work/build.log" 2>&1; then
	fail "$T: build build/hv.img" "scripts/media/mkimage.sh failed: $work/build.log"
	exit 0
fi
if ! "$media/mkimage.sh" --quiet --out "$work/hv-test.img" --default alu --timeout 0 \
	--hv-opts "console=com2 exit_on_panic" >>"$work/build.log" 2>&1; then
	fail "$T: build the test image" "scripts/media/mkimage.sh failed: $work/build.log"
	exit 0
fi
pass "$T: build hvboot and build/hv.img"

# --- layout ------------------------------------------------------------------
layout_check() {
	local img=$BUILD/hv.img d=$work/layout n_guests n_grub n_efi why=
	rm -rf "$d"
	mkdir -p "$d"
	# Guests of the MANIFEST that are built (mkimage.sh leaves out the rest).
	n_guests=$(awk '$1 !~ /^#/ && NF { print $1 }' "$HV_ROOT/guest/tests/MANIFEST" |
		while read -r g; do [ -f "$BUILD/guest/$g.elf" ] && echo "$g"; done | wc -l)
	xorriso -indev "$img" -report_el_torito plain >"$d/eltorito" 2>&1
	xorriso -osirrox on -indev "$img" -extract /efi.img "$d/efi.img" \
		-extract /boot/grub/grub.cfg "$d/grub.cfg" >/dev/null 2>&1
	mcopy -n -i "$d/efi.img" ::/EFI/BOOT/hvboot.cfg "$d/hvboot.cfg" 2>/dev/null
	mdir -/ -b -i "$d/efi.img" ::/ >"$d/esp.list" 2>/dev/null
	n_grub=$(grep -c 'module2 /boot/guest/' "$d/grub.cfg" 2>/dev/null)
	n_mb1=$(grep -c 'multiboot /boot/hv.elf' "$d/grub.cfg" 2>/dev/null)
	n_efi=$(grep -c '^entry ' "$d/hvboot.cfg" 2>/dev/null)
	if ! grep -q 'El Torito boot img : *1 *BIOS' "$d/eltorito" ||
		! grep -q 'El Torito boot img : *2 *UEFI' "$d/eltorito"; then
		why="no El Torito BIOS and UEFI entries ($d/eltorito)"
	elif [ "$(od -An -tx1 -j510 -N2 "$img" | tr -d ' ')" != 55aa ]; then
		why="no MBR boot signature"
	elif ! grep -qi '::/EFI/BOOT/BOOTX64.EFI' "$d/esp.list" ||
		! grep -qi '::/boot/hv.elf' "$d/esp.list"; then
		why="the ESP lacks EFI/BOOT/BOOTX64.EFI or boot/hv.elf ($d/esp.list)"
	elif [ "$n_grub" != "$n_guests" ]; then
		why="grub.cfg boots $n_grub guests under hv with module2, MANIFEST has $n_guests"
	elif [ "$n_mb1" != 0 ]; then
		why="grub.cfg boots hv with multiboot (not multiboot2) in $n_mb1 entries"
	elif [ "${n_efi:-0}" -lt $((2 * n_guests)) ]; then
		why="hvboot.cfg has $n_efi entries, want at least $((2 * n_guests))"
	fi
	if [ -z "$why" ]; then
		pass "$T: layout of build/hv.img (El Torito BIOS+UEFI, MBR, ESP, $n_guests guests in both menus, GRUB's by multiboot2)"
	else
		fail "$T: layout of build/hv.img" "$why"
	fi
}
layout_check

# --- booting a guest -----------------------------------------------------------
guest=alu
guest_args=$(awk -v g="$guest" '$1 == g { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' \
	"$HV_ROOT/guest/tests/MANIFEST")
native_run "$work/$guest.native" "$BUILD/guest/$guest.elf" $guest_args
native_status=$RUN_STATUS
if [ "$native_status" != "$(exit_status 0)" ]; then
	fail "$T: native reference for $guest" "status $native_status ($work/$guest.native)"
fi

# qemu_args FIRMWARE MEDIUM IMAGE LOG: the machine for one boot, in QARGS.
qemu_args() {
	local fw=$1 medium=$2 img=$3 log=$4
	QARGS=()
	case "$fw" in
	bios) QARGS=(qemu-system-i386) ;;
	uefi) QARGS=(qemu-system-x86_64 -bios "$OVMF") ;;
	esac
	QARGS+=(-accel tcg -m 256 -display none -no-reboot -net none
		-device isa-debug-exit,iobase=0xf4,iosize=4
		-serial stdio -serial "file:$log")
	case "$medium" in
	usb) QARGS+=(-device usb-ehci,id=ehci -device usb-storage,bus=ehci.0,drive=stick
		-drive "if=none,id=stick,format=raw,snapshot=on,file=$img") ;;
	cd) QARGS+=(-drive "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=$img"
		-device ide-cd,drive=cd,bootindex=0) ;;
	esac
}

# Checks a run that should have booted $guest under hv (or natively, with
# NATIVE=1): OUT LOG STATUS; sets WHY.
check_guest_run() {
	local out=$1 log=$2 st=$3 n
	WHY=
	n=$(stat -c %s "$work/$guest.native")
	if [ "$st" = 124 ]; then
		WHY="timed out after $BOOT_TIMEOUT s; COM1 $out, hv log $log"
	# (GRUB x86_64-efi ends its last line with LF CR: hv's first line
	# starts with that CR.)
	elif [ "${NATIVE:-0}" != 1 ] && ! grep -aq $'^\r*hv: boot: hv starting' "$log"; then
		WHY="hv never started (status $st); COM1 $out"
	elif ! tail -c "$n" "$out" | cmp -s - "$work/$guest.native"; then
		WHY="COM1 does not end with the native transcript: diff $work/$guest.native $out (hv log $log)"
	elif [ "$st" != "$native_status" ]; then
		WHY="status $st, natively $native_status (hv log $log)"
	elif grep -aq "^hv: PANIC" "$log"; then
		WHY="hv panicked: $log"
	fi
}

# Checks that hv's log LOG says it was booted by Multiboot N (1 or 2)
# from GRUB; sets WHY.
check_protocol() {
	if [ -z "$WHY" ] && ! grep -aq "^hv: boot: Multiboot $2 information from GRUB" "$1"; then
		WHY="hv's log does not say Multiboot $2 from GRUB: $(grep -a -m1 '^hv: boot: Multiboot' "$1")"
	fi
}

boot_guest() {	# boot_guest FIRMWARE MEDIUM WHAT [IMAGE [NAME]]
	local fw=$1 medium=$2 what=$3 img=${4:-$work/hv-test.img} name=${5:-$1-$2} t0 st
	[ "${NATIVE:-0}" = 1 ] && name=$name-native
	qemu_args "$fw" "$medium" "$img" "$work/$name.log"
	: >"$work/$name.log"
	t0=$(now)
	"$drive" --out "$work/$name.out" --timeout "$BOOT_TIMEOUT" -- "${QARGS[@]}"
	st=$?
	timings+=("$name $(secs "$t0") s")
	check_guest_run "$work/$name.out" "$work/$name.log" "$st"
	[ -n "${PROTOCOL:-}" ] && check_protocol "$work/$name.log" "$PROTOCOL"
	if [ -z "$WHY" ] && [ "${NATIVE:-0}" = 1 ]; then
		pass "$T: $what: $guest without hv, output and status as under QEMU's own loader"
	elif [ -z "$WHY" ]; then
		pass "$T: $what: $guest under hv, output and status as natively"
	else
		fail "$T: $what" "$WHY"
	fi
}

if [ ! -f "$OVMF" ]; then
	fail "$T: UEFI boots" "no $OVMF: install ovmf (scripts/packages.txt)"
fi
PROTOCOL=2 boot_guest bios usb "SeaBIOS, USB stick, GRUB multiboot2"
PROTOCOL=2 boot_guest bios cd "SeaBIOS, CD, GRUB multiboot2"
if [ -f "$OVMF" ]; then
	boot_guest uefi usb "OVMF, USB stick, hvboot"
	boot_guest uefi cd "OVMF, CD, hvboot"
	# OVMF has no RSDP in a BIOS area: hvboot takes it from the EFI
	# configuration table and gives it to hv as acpi_rsdp= (Multiboot 1
	# has no field for it), and hv finds the MADT through it.
	if grep -aq '^hv: dev: firmware tables: RSDP from the boot loader, MADT at [0-9a-f]*[1-9a-f]' \
		"$work/uefi-usb.log"; then
		pass "$T: OVMF, hvboot: hv finds the MADT through the RSDP hvboot passes as acpi_rsdp="
	else
		fail "$T: OVMF, hvboot: ACPI" "no MADT through hvboot's acpi_rsdp=: $(grep -a 'firmware tables' "$work/uefi-usb.log")"
	fi
fi

# hv's two headers: GRUB's multiboot (1) on the same SeaBIOS machine must
# give hv what multiboot2 gave it (the memory map, hence where hv goes,
# and the firmware tables: Multiboot 1 has no RSDP, so hv finds the same
# one in the BIOS area), and the guest must run the same.
mb_compare() {
	local a=$work/bios-usb.log b=$work/bios-usb-mb1.log why=
	[ -f "$a" ] && [ -f "$b" ] || return
	if ! diff <(grep -a '^hv: mem: ' "$a") <(grep -a '^hv: mem: ' "$b") >"$work/mb-compare.diff"; then
		why="the memory map differs: $work/mb-compare.diff"
	elif ! grep -aq '^hv: dev: firmware tables: RSDP from the boot loader, MADT at [0-9a-f]*[1-9a-f]' "$a"; then
		why="with multiboot2 hv did not find the MADT through GRUB's RSDP: $(grep -a 'firmware tables' "$a")"
	elif [ "$(grep -a 'firmware tables' "$a" | sed 's/.*MADT/MADT/')" != \
		"$(grep -a 'firmware tables' "$b" | sed 's/.*MADT/MADT/')" ]; then
		why="the firmware tables differ: $(grep -ah 'firmware tables' "$a" "$b" | tr '\n' ' ')"
	fi
	if [ -z "$why" ]; then
		pass "$T: SeaBIOS: hv booted by multiboot and by multiboot2 gets the same memory map and ACPI tables"
	else
		fail "$T: SeaBIOS: multiboot against multiboot2" "$why"
	fi
}
if "$media/mkimage.sh" --quiet --out "$work/hv-mb1.img" --default "$guest" --timeout 0 \
	--hv-opts "console=com2 exit_on_panic" --multiboot 1 >>"$work/build.log" 2>&1; then
	PROTOCOL=1 boot_guest bios usb "SeaBIOS, USB stick, GRUB multiboot" "$work/hv-mb1.img" bios-usb-mb1
	mb_compare
else
	fail "$T: Multiboot 1 image" "scripts/media/mkimage.sh failed: $work/build.log"
fi

# GRUB on UEFI (grub-efi-amd64-bin): multiboot2 boots hv, which takes the
# memory map and the ACPI RSDP from the tags (OVMF has no RSDP in a BIOS
# area for hv to find).
grub_efi_test() {
	local log=$work/uefi-grub-usb.log
	if ! "$media/mkimage.sh" --quiet --out "$work/hv-grub-efi.img" --default "$guest" \
		--timeout 0 --hv-opts "console=com2 exit_on_panic" --uefi grub >>"$work/build.log" 2>&1; then
		fail "$T: GRUB UEFI image" "scripts/media/mkimage.sh --uefi grub failed: $work/build.log"
		return
	fi
	PROTOCOL=2 boot_guest uefi usb "OVMF, USB stick, GRUB x86_64-efi multiboot2" \
		"$work/hv-grub-efi.img" uefi-grub-usb
	if grep -aq '^hv: dev: firmware tables: RSDP from the boot loader, MADT at [0-9a-f]*[1-9a-f]' "$log"; then
		pass "$T: OVMF, GRUB multiboot2: hv finds the MADT through the RSDP of GRUB's ACPI tag"
	else
		fail "$T: OVMF, GRUB multiboot2: ACPI" "no MADT through GRUB's RSDP: $(grep -a 'firmware tables' "$log")"
	fi
}
[ -f "$OVMF" ] && grub_efi_test

# The guest itself as the Multiboot kernel: GRUB and hvboot must give it
# what QEMU's -kernel loader gives it (the native reference).
if "$media/mkimage.sh" --quiet --out "$work/hv-native.img" --default "native-$guest" \
	--timeout 0 >>"$work/build.log" 2>&1; then
	NATIVE=1 boot_guest bios usb "SeaBIOS, USB stick, GRUB" "$work/hv-native.img"
	[ -f "$OVMF" ] && NATIVE=1 boot_guest uefi usb "OVMF, USB stick, hvboot" "$work/hv-native.img"
else
	fail "$T: native image" "scripts/media/mkimage.sh failed: $work/build.log"
fi

# --- the menus of build/hv.img ------------------------------------------------
new_opts="console=com2 exit_on_panic dtcache=8K"
# index_of FILE AWK-PATTERN-FOR-ENTRIES ID-REGEX: 0-based position of an entry.
down_keys() {	# down_keys N: N presses of the down arrow (VT100)
	local i s=
	for ((i = 0; i < $1; i++)); do s+='\x1b[B'; done
	printf '%s' "$s"
}

check_menu_run() {	# check_menu_run NAME ST WHAT
	local name=$1 st=$2 what=$3 flushes
	check_guest_run "$work/$name.out" "$work/$name.log" "$st"
	flushes=$(sed -n 's/^hv: dt: flushes \([0-9]*\),.*/\1/p' "$work/$name.log")
	if [ -z "$WHY" ] && [ "${flushes:-0}" -eq 0 ]; then
		WHY="hv did not get the edited options (no code-cache flushes in $work/$name.log)"
	fi
	if [ -z "$WHY" ]; then
		pass "$T: $what"
	else
		fail "$T: $what" "$WHY"
	fi
}

# GRUB: top-level entries in order, the default's and alu's positions.
grub_menu_test() {
	local cfg=$work/layout/grub.cfg def ids downs t0 st
	[ -f "$cfg" ] || { fail "$T: GRUB menu" "no grub.cfg extracted"; return; }
	def=$(sed -n "s/^set default=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$cfg")
	mapfile -t ids < <(sed -n 's/^menuentry .* --id \([^ ]*\) {$/\1/p' "$cfg")
	downs=$(( $(printf '%s\n' "${ids[@]}" | grep -nx "$guest" | cut -d: -f1) -
		  $(printf '%s\n' "${ids[@]}" | grep -nx "$def" | cut -d: -f1) ))
	qemu_args bios usb "$BUILD/hv.img" "$work/bios-menu.log"
	: >"$work/bios-menu.log"
	t0=$(now)
	"$drive" --out "$work/bios-menu.out" --timeout "$BOOT_TIMEOUT" \
		--expect 'hv options: console=com1' --send o \
		--expect 'New \(empty: keep\): ' --send "$new_opts\\r" \
		--expect "hv options: $new_opts" --send "$(down_keys "$downs")\\r" \
		-- "${QARGS[@]}" 2>"$work/bios-menu.drive"
	st=$?
	timings+=("bios-menu $(secs "$t0") s")
	check_menu_run bios-menu "$st" "GRUB menu of build/hv.img on SeaBIOS: hv options set from the menu, then $guest"
}

# hvboot: entries in order; arrows move from the default.
efi_menu_test() {
	local cfg=$work/layout/hvboot.cfg def ids downs t0 st
	[ -f "$cfg" ] || { fail "$T: hvboot menu" "no hvboot.cfg extracted"; return; }
	def=$(sed -n 's/^default //p' "$cfg")
	mapfile -t ids < <(sed -n 's/^entry \([^ ]*\).*/\1/p' "$cfg")
	downs=$(( $(printf '%s\n' "${ids[@]}" | grep -nx "$guest" | cut -d: -f1) -
		  $(printf '%s\n' "${ids[@]}" | grep -nx "$def" | cut -d: -f1) ))
	qemu_args uefi usb "$BUILD/hv.img" "$work/uefi-menu.log"
	: >"$work/uefi-menu.log"
	t0=$(now)
	"$drive" --out "$work/uefi-menu.out" --timeout "$BOOT_TIMEOUT" \
		--expect "booting '$def' in" --send x \
		--expect 'Esc: back to the firmware' --send "$(down_keys "$downs")" --pause 1 \
		--send e --expect 'console=com1 loglevel=2' \
		--send "\\x15$new_opts\\r" \
		-- "${QARGS[@]}" 2>"$work/uefi-menu.drive"
	st=$?
	timings+=("uefi-menu $(secs "$t0") s")
	check_menu_run uefi-menu "$st" "hvboot menu of build/hv.img on OVMF: hv's command line edited, then $guest"
}

grub_menu_test
[ -f "$OVMF" ] && efi_menu_test

# --- hvboot's errors --------------------------------------------------------------
efi_errors_test() {
	local d=$work/errors t0 st out
	rm -rf "$d"
	mkdir -p "$d"
	echo "this is not an ELF file" >"$d/notelf.elf"
	head -c 20000 "$BUILD/hv.elf" >"$d/truncated.elf"
	# An i386 Multiboot ELF whose one segment is 3.75 GiB at 1 MiB.
	python3 - "$d/toobig.elf" <<'EOF'
import struct, sys
mb_flags = 0x3
mb = struct.pack("<III", 0x1BADB002, mb_flags, (-(0x1BADB002 + mb_flags)) & 0xffffffff)
ehdr = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + b"\0" * 9, 2, 3, 1,
                   0x100054, 52, 0, 0, 52, 32, 1, 40, 0, 0)
phdr = struct.pack("<IIIIIIII", 1, 0, 0x100000, 0x100000, 96, 0xF0000000, 5, 0x1000)
open(sys.argv[1], "wb").write(ehdr + phdr + mb + b"\xf4" * 8)
EOF
	cat >"$d/hvboot.cfg" <<EOF
# hvboot's error paths, one entry each, then one that boots.
timeout 0
default missing
on_error next
serial com3
entry missing a kernel that is not there
hv /boot/nothere.elf
entry notelf a text file
hv /boot/test/notelf.elf
entry truncated hv.elf cut short
hv /boot/test/truncated.elf
entry toobig an ELF that wants 3.75 GiB at 1 MiB
hv /boot/test/toobig.elf
entry nomodule a missing module
hv /boot/hv.elf console=com2 exit_on_panic
module /boot/guest/nothere.elf
entry $guest boots after all that
hv /boot/hv.elf console=com2 exit_on_panic
module /boot/guest/$guest.elf $guest_args
EOF
	if ! "$media/mkimage.sh" --quiet --out "$d/hv-errors.img" --efi-cfg "$d/hvboot.cfg" \
		--add "$d/notelf.elf=boot/test/notelf.elf" \
		--add "$d/truncated.elf=boot/test/truncated.elf" \
		--add "$d/toobig.elf=boot/test/toobig.elf" >"$d/build.log" 2>&1; then
		fail "$T: hvboot errors" "could not build the image: $d/build.log"
		return
	fi
	# hvboot's messages go to the firmware's console (which OVMF copies to
	# COM1 and COM2) and, by `serial com3`, to COM3 by hvboot itself.
	qemu_args uefi usb "$d/hv-errors.img" "$work/uefi-errors.log"
	QARGS+=(-serial "file:$work/uefi-errors.com3")
	: >"$work/uefi-errors.log"
	: >"$work/uefi-errors.com3"
	t0=$(now)
	"$drive" --out "$work/uefi-errors.out" --timeout "$BOOT_TIMEOUT" -- "${QARGS[@]}"
	st=$?
	timings+=("uefi-errors $(secs "$t0") s")
	out=$work/uefi-errors.text
	sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g; s/\r//g' "$work/uefi-errors.out" >"$out"
	expect_error() {	# expect_error WHAT REGEX
		if ! grep -q "$2" "$out"; then
			fail "$T: hvboot error, $1" "no line matching '$2' on the console: $out"
		elif ! grep -aq "$2" "$work/uefi-errors.com3"; then
			fail "$T: hvboot error, $1" "no line matching '$2' on COM3: $work/uefi-errors.com3"
		else
			pass "$T: hvboot error on screen and serial, $1"
		fi
	}
	expect_error "missing kernel" 'hvboot: error: file not found: /boot/nothere.elf'
	expect_error "not an ELF file" 'hvboot: error: /boot/test/notelf.elf: bad ELF: not an ELF file'
	expect_error "truncated ELF" 'hvboot: error: /boot/test/truncated.elf: bad ELF: segment'
	expect_error "too little memory below 4 GiB" 'hvboot: error: too little memory below 4 GiB: /boot/test/toobig.elf'
	expect_error "missing module" 'hvboot: error: file not found: /boot/guest/nothere.elf'
	check_guest_run "$work/uefi-errors.out" "$work/uefi-errors.log" "$st"
	if [ -z "$WHY" ]; then
		pass "$T: hvboot boots the next entry after errors (on_error next)"
	else
		fail "$T: hvboot boots the next entry after errors" "$WHY"
	fi
}
[ -f "$OVMF" ] && efi_errors_test

# --- scripts/write-usb ------------------------------------------------------------
write_usb_tests() {
	local d=$work/write-usb w=$HV_ROOT/scripts/write-usb img=$BUILD/hv.img loop
	rm -rf "$d"
	mkdir -p "$d"
	refuses() {	# refuses NAME REGEX ARGS...: write-usb must fail saying REGEX
		local name=$1 re=$2
		shift 2
		if "$w" --image "$img" "$@" </dev/null >"$d/out" 2>&1; then
			fail "$T: write-usb refuses $name" "it wrote: $(tr '\n' ' ' <"$d/out")"
		elif grep -q "$re" "$d/out"; then
			pass "$T: write-usb refuses $name"
		else
			fail "$T: write-usb refuses $name" "no '$re' in: $(tr '\n' ' ' <"$d/out")"
		fi
	}
	echo "old contents" >"$d/file"
	refuses "a plain file" "not a block device" "$d/file"
	if ! grep -q "old contents" "$d/file"; then
		fail "$T: write-usb leaves a refused file alone" "$d/file changed"
	fi
	refuses "a missing device" "does not exist" "$d/nothing"
	refuses "to write unconfirmed (no terminal, no --yes)" "no terminal to confirm" --force "$d/file"
	if "$w" --image "$img" --force --yes "$d/file" >"$d/out" 2>&1 &&
		cmp -s "$img" "$d/file" && grep -q "copied" "$d/out" && grep -q "write-usb: done" "$d/out"; then
		pass "$T: write-usb --force writes a plain file, with progress, verified"
	else
		fail "$T: write-usb --force writes a plain file" "$(tr '\n' ' ' <"$d/out")"
	fi

	# Loop devices: a fixed disk, a mounted one (both larger than the image,
	# so that only what is tested refuses them), a small one.
	if ! command -v losetup >/dev/null ||
		! truncate -s $(( ($(stat -c %s "$img") >> 20) + 16 ))M "$d/disk" ||
		! loop=$(losetup -f --show "$d/disk" 2>/dev/null); then
		skip "$T: write-usb on loop devices" "no loop device here (losetup failed)"
		return
	fi
	refuses "a loop device (not removable)" "loop device, not a removable disk" "$loop"
	if command -v mkfs.ext2 >/dev/null && mkfs.ext2 -q "$loop" 2>/dev/null &&
		mkdir -p "$d/mnt" && mount "$loop" "$d/mnt" 2>/dev/null; then
		refuses "a mounted device" "it is mounted: $loop on $d/mnt" "$loop"
		umount "$d/mnt"
	else
		skip "$T: write-usb refuses a mounted device" "cannot make and mount a file system on $loop here"
	fi
	losetup -d "$loop"
	truncate -s 1M "$d/small"
	if loop=$(losetup -f --show "$d/small" 2>/dev/null); then
		refuses "a device smaller than the image (even with --force)" "too small" --force --yes "$loop"
		losetup -d "$loop"
	fi
	# Partitions: only where the kernel scans a loop device's partitions.
	if loop=$(losetup -f --show -P "$img" 2>/dev/null); then
		if [ -b "${loop}p1" ]; then
			refuses "a partition" "a partition, not a whole disk" "${loop}p1"
		else
			skip "$T: write-usb refuses a partition" "no partition devices for $loop here"
		fi
		losetup -d "$loop"
	fi
}
write_usb_tests

# --- Linux ----------------------------------------------------------------------------
# linux_image IMG [MKIMAGE ARGS]: an image booting the Linux entry under hv.
linux_image() {
	local img=$1
	shift
	"$media/mkimage.sh" --quiet --out "$img" --default linux --timeout 0 \
		--hv-opts "console=com2 exit_on_panic" "$@" >"$work/linux-build.log" 2>&1 && return
	fail "$T: Linux image ($*)" "$(tail -3 "$work/linux-build.log" | tr '\n' ' ')"
	return 1
}

# linux_boot NAME FW IMG WHAT EXPECT...: boots IMG from a USB stick on FW;
# COM1 must show each EXPECT in turn, within LINUX_TIMEOUT.
linux_boot() {
	local name=$1 fw=$2 img=$3 what=$4 t0 st why e expects=()
	shift 4
	for e in "$@"; do expects+=(--expect "$e"); done
	qemu_args "$fw" usb "$img" "$work/$name.log"
	: >"$work/$name.log"
	t0=$(now)
	"$drive" --out "$work/$name.out" --timeout "$LINUX_TIMEOUT" "${expects[@]}" --stop \
		-- "${QARGS[@]}" 2>"$work/$name.drive"
	st=$?
	timings+=("$name $(secs "$t0") s")
	if [ "$st" = 125 ]; then
		pass "$T: $what"
	else
		why=$(grep -a -m1 'error:' "$work/$name.log" | tr -d '\r')
		fail "$T: $what" "status $st, not $(printf "'%s' " "$@")in turn on COM1 ($work/$name.out)${why:+; hv said: $why}; hv log $work/$name.log"
	fi
}

linux_tests() {
	local fw img=$work/hv-linux.img
	if [ ! -f "$BUILD/linux/bzImage" ]; then
		skip "$T: Linux on SeaBIOS and OVMF" "build/linux/bzImage is not built yet (issue 7)"
		return
	fi
	linux_image "$img" || return
	for fw in bios uefi; do
		[ "$fw" = uefi ] && [ ! -f "$OVMF" ] && continue
		linux_boot "$fw-linux" "$fw" "$img" "Linux under hv from a USB stick on $fw" \
			'Linux version' "$LINUX_EXPECT"
	done
	# GRUB x86_64-efi's multiboot2 on OVMF: no RSDP in a BIOS area, so the
	# kernel finds ACPI only through the copy of GRUB's tag that hv's
	# Linux loader gives it (acpi_rsdp_addr).
	[ -f "$OVMF" ] || return
	img=$work/hv-linux-grub-efi.img
	linux_image "$img" --uefi grub || return
	linux_boot uefi-grub-linux uefi "$img" \
		"Linux under hv by GRUB x86_64-efi multiboot2 on OVMF: ACPI through GRUB's RSDP" \
		'Linux version' 'ACPI: RSDP 0x0000000000012040' "$LINUX_EXPECT"
}
linux_tests

echo "boot-media timings: ${timings[*]}"
exit 0
