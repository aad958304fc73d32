#!/usr/bin/env bash
# Debian's installer for i386 as a third-party guest (issue 16): the
# netboot kernel and initrd of debian-installer-12-netboot-i386
# (scripts/linux/fetch-installer.sh), with console=ttyS0, natively and
# under hv in the same QEMU.  One line per test:
#   installer-fetch          build/installer/ is there (fetched if not)
#   installer-native         natively: the first dialog, "Select a language"
#                            ("Choose the language to be used ..."), comes
#                            up on the serial console; Enter (its default,
#                            English) brings the next one, "Select your
#                            location"
#   installer-hv             the same under hv
# and INFO lines with the seconds from QEMU's start to each dialog.
# 640 MiB of RAM: the installer's low-memory mode starts below 466 MiB of
# MemTotal on i386 (its lowmem levels), and hv keeps about 15 MiB.
#   INSTALLER_TIMEOUT     bound of the native run in seconds (default 300)
#   INSTALLER_HV_TIMEOUT  bound of the run under hv (default 600; it took
#                         155 s on a host at load 5, 2 CPUs)
# Also `make test-installer`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${BUILD:=$root/build}"
: "${QEMU:=qemu-system-i386}"
dir=$BUILD/installer
out=$BUILD/test-installer
mkdir -p "$out"
nfail=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }

if ! "$here/fetch-installer.sh" >"$out/fetch.log" 2>&1; then
	fail installer-fetch "scripts/linux/fetch-installer.sh failed: $(tail -1 "$out/fetch.log")"
	exit 1
fi
pass "installer-fetch: $(cat "$dir/package")"

machine=(-accel tcg -m 640 -display none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=4)
# run NAME TIMEOUT BOOT...: drives the console through the two dialogs.
run() {
	local name=$1 limit=$2 res why
	shift 2
	res=$(python3 "$here/serial.py" --transcript "$out/$name.log" \
		--timeout "$limit" \
		--mark 'language=\[!!\] Select a language' \
		--expect 'Choose the language to be used for the installation process' \
		--expect '<Enter> activates buttons' \
		--send '\r' \
		--mark 'location=\[!!\] Select your location' \
		-- "$QEMU" "${machine[@]}" -serial stdio "$@" </dev/null 2>"$out/$name.stderr")
	echo "$res" >"$out/$name.times"
	if echo "$res" | grep -q '^mark location '; then
		pass "installer-$name: 'Select a language', then after Enter 'Select your location'"
	else
		why=$(echo "$res" | sed -n 's/^timeout: //p' | head -1)
		fail "installer-$name" "${why:-the console driver failed}: last console line: $(grep -av '^[[:space:]]*$' "$out/$name.log" | tail -1 | tr -cd '[:print:]' | cut -c1-100) (see $out/$name.log)"
	fi
	for m in language location; do
		echo "$res" | sed -n "s/^mark $m \\(.*\\)/INFO installer-$name $m dialog after \\1 s/p"
	done
}

run native "${INSTALLER_TIMEOUT:-300}" -kernel "$dir/linux" -initrd "$dir/initrd.gz" -append "console=ttyS0"
if [ ! -s "$BUILD/hv.elf" ]; then
	fail installer-hv "no $BUILD/hv.elf (run: make)"
else
	run hv "${INSTALLER_HV_TIMEOUT:-600}" -serial "file:$out/hv.hvlog" -kernel "$BUILD/hv.elf" -append "console=com2" \
		-initrd "$dir/linux console=ttyS0,$dir/initrd.gz"
fi
[ "$nfail" = 0 ]
