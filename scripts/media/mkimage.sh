#!/usr/bin/env bash
# Builds hv's boot image: one file that is at the same time
#   - an ISO 9660 CD image, El Torito bootable on BIOS (GRUB i386-pc's
#     eltorito core image) and on UEFI (an El Torito EFI entry for the ESP);
#   - a hybrid disk image for a USB stick: GRUB's boot_hybrid.img in the MBR
#     loads the same GRUB core on BIOS, and the MBR's partition table has the
#     ESP (a FAT image) as an EFI system partition for UEFI.
# This is the layout grub-mkrescue makes (xorriso's --grub2-mbr and
# --efi-boot options), except that the ESP boots hvboot, hv's own GNU-EFI
# loader (boot/efi/), rather than GRUB (--uefi grub puts GRUB x86_64-efi
# there instead, with the BIOS menu).  docs/BOOT-MEDIA.md explains it.
#
# GRUB boots hv with `multiboot2`/`module2` (hv.elf has both headers;
# --multiboot 1 makes it `multiboot`/`module`), the guests without hv with
# `multiboot`: they have a Multiboot 1 header only.
#
# Both menus are generated from one list: scripts/media/entries.txt (Linux
# and other hand-written entries), then every guest of guest/tests/MANIFEST
# under hv, then the same guests natively.
#
# Usage: scripts/media/mkimage.sh [options]
#   --out FILE        the image (default build/hv.img)
#   --default ID      the default entry (default: the first entry present)
#   --timeout N       menu time-out in seconds (default 5; 0 boots at once)
#   --hv-opts "..."   hv's options for the entries (default
#                     "console=com1 loglevel=2")
#   --efi-cfg FILE    use FILE as hvboot.cfg instead of the generated one
#   --add FILE=PATH   also put FILE on both file systems at /PATH
#   --entries FILE    read the hand-written entries from FILE instead of
#                     scripts/media/entries.txt (scripts/test-bochs.sh)
#   --no-manifest     leave out the guests of guest/tests/MANIFEST
#   --multiboot 1|2   the protocol GRUB boots hv with (default 2)
#   --uefi hvboot|grub  what the ESP boots (default hvboot)
#   --quiet           no notes
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}

out=$build/hv.img
default=
timeout=5
hv_opts="console=com1 loglevel=2"
efi_cfg=
adds=()
entries=$here/entries.txt
manifest=1
quiet=0
multiboot=2
uefi=hvboot
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--default) default=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--hv-opts) hv_opts=$2; shift 2 ;;
	--efi-cfg) efi_cfg=$2; shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	--entries) entries=$2; shift 2 ;;
	--no-manifest) manifest=0; shift ;;
	--multiboot) multiboot=$2; shift 2 ;;
	--uefi) uefi=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	*) echo "mkimage: unknown option $1 (see the head of $0)" >&2; exit 2 ;;
	esac
done

note() { [ "$quiet" = 1 ] || echo "mkimage: $*"; }
die() { echo "mkimage: error: $*" >&2; exit 1; }
case "$multiboot" in
1) mb_kernel=multiboot mb_module=module ;;
2) mb_kernel=multiboot2 mb_module=module2 ;;
*) die "--multiboot $multiboot: 1 or 2" ;;
esac
grub_efi=/usr/lib/grub/x86_64-efi
case "$uefi" in
hvboot) ;;
grub) [ -f "$grub_efi/multiboot2.mod" ] || die "$grub_efi is missing: install grub-efi-amd64-bin" ;;
*) die "--uefi $uefi: hvboot or grub" ;;
esac

grub_pc=/usr/lib/grub/i386-pc
for t in grub-mkimage xorriso mkfs.fat mcopy mmd; do
	command -v "$t" >/dev/null || die "$t is missing: run scripts/deps.sh (packages in scripts/packages.txt)"
done
[ -f "$grub_pc/boot_hybrid.img" ] || die "$grub_pc is missing: install grub-pc-bin"
[ -f "$build/hv.elf" ] || die "$build/hv.elf is not built: run make"
[ -f "$build/efi/BOOTX64.EFI" ] || die "$build/efi/BOOTX64.EFI is not built: run make efi"

work=$(mktemp -d "${TMPDIR:-/tmp}/hv-media.XXXXXX")
trap 'rm -rf "$work"' EXIT
iso=$work/iso
esp=$work/esp
mkdir -p "$iso/boot/grub/i386-pc" "$esp/EFI/BOOT"

# --- the entries -------------------------------------------------------------
# ids[i], titles[i], opts[i] (hv options, empty: the menu's), mods[i]
# ("FILE ARGS;FILE ARGS", FILE under build/), kinds[i] (hv, native, or
# linux: an entry file line whose HV OPTIONS are "no-hv linux", booted by
# GRUB's linux and initrd without hv; left out of hvboot's menu).
ids=() titles=() opts=() mods=() kinds=()
files=()	# every FILE under build/ that goes on the image

add_entry() {	# add_entry KIND ID TITLE OPTS MODS
	kinds+=("$1") ids+=("$2") titles+=("$3") opts+=("$4") mods+=("$5")
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

while IFS='|' read -r id title eopts emods; do
	id=$(trim "$id")
	case "$id" in ''|'#'*) continue ;; esac
	title=$(trim "$title") eopts=$(trim "$eopts") emods=$(trim "$emods")
	missing=
	IFS=';' read -ra ms <<<"$emods"
	for m in "${ms[@]}"; do
		m=$(trim "$m")
		f=${m%% *}
		[ -f "$build/$f" ] || { missing=$f; break; }
	done
	if [ -n "$missing" ]; then
		note "leaving out '$id': build/$missing is not built"
		continue
	fi
	if [ "$eopts" = "no-hv linux" ]; then
		add_entry linux "$id" "$title" "" "$emods"	# GRUB's linux/initrd, no hv
	else
		add_entry hv "$id" "$title" "$eopts" "$emods"
	fi
done <"$entries"

guests=()
first_guest=${#ids[@]}
while [ "$manifest" = 1 ] && read -r name tags args; do
	case "$name" in ''|'#'*) continue ;; esac
	if [ ! -f "$build/guest/$name.elf" ]; then
		note "leaving out guest '$name': build/guest/$name.elf is not built"
		continue
	fi
	guests+=("$name")
	add_entry hv "$name" "$name: test guest under hv [$tags]" "" "guest/$name.elf${args:+ $args}"
done <"$root/guest/tests/MANIFEST"
[ ${#ids[@]} -gt 0 ] || die "no entries: build the guests first (make)"
first_native=${#ids[@]}
for i in $(seq 0 $((first_native - 1))); do
	[ "${mods[$i]#guest/}" != "${mods[$i]}" ] || continue
	add_entry native "native-${ids[$i]}" "${ids[$i]}: the same guest natively, without hv" "" "${mods[$i]}"
done

if [ -z "$default" ]; then
	default=${ids[0]}
else
	found=0
	for id in "${ids[@]}"; do [ "$id" = "$default" ] && found=1; done
	[ "$found" = 1 ] || die "--default $default: no such entry (ids: ${ids[*]})"
fi

# GRUB names an entry inside a submenu by the path of ids.
grub_default=$default
case "$default" in native-*) grub_default="native>$default" ;; esac

# Every module file goes to /boot/FILE on both file systems.
for m in "${mods[@]}"; do
	IFS=';' read -ra ms <<<"$m"
	for x in "${ms[@]}"; do
		x=$(trim "$x")
		files+=("${x%% *}")
	done
done

place() {	# place SRC DEST (DEST relative to the file systems' roots)
	mkdir -p "$iso/$(dirname "$2")" "$esp/$(dirname "$2")"
	cp "$1" "$iso/$2"
	cp "$1" "$esp/$2"
}
place "$build/hv.elf" boot/hv.elf
for f in $(printf '%s\n' "${files[@]}" | sort -u); do
	place "$build/$f" "boot/$f"
done
for a in "${adds[@]+"${adds[@]}"}"; do
	place "${a%%=*}" "${a#*=}"
done

# --- GRUB (BIOS) --------------------------------------------------------------
grub_quote() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; s=${s//\$/\\\$}; printf '"%s"' "$s"; }

grub_entry() {	# grub_entry I
	local i=$1 x first=1
	printf 'menuentry %s --id %s {\n' "$(grub_quote "${titles[$i]}")" "${ids[$i]}"
	IFS=';' read -ra ms <<<"${mods[$i]}"
	for x in "${ms[@]}"; do
		x=$(trim "$x")
		# GRUB 2 leaves a file's own name out of its command line; hv's
		# guests (like QEMU's -initrd) expect "PATH ARGS", so the path is
		# given twice.  hv takes its options with or without the path.
		local f=/boot/${x%% *} args=
		[ "$x" != "${x#* }" ] && args=" ${x#* }"
		if [ "${kinds[$i]}" = linux ]; then
			if [ $first = 1 ]; then
				printf '\tlinux %s%s\n' "$f" "$args"
			else
				printf '\tinitrd %s\n' "$f"
			fi
		elif [ "${kinds[$i]}" = native ] && [ $first = 1 ]; then
			printf '\tmultiboot %s %s%s\n' "$f" "$f" "$args"
		else
			if [ $first = 1 ]; then
				if [ -n "${opts[$i]}" ]; then
					printf '\t%s /boot/hv.elf %s\n' "$mb_kernel" "${opts[$i]}"
				else
					printf '\t%s /boot/hv.elf $hv_opts\n' "$mb_kernel"
				fi
			fi
			if [ "${kinds[$i]}" = native ]; then
				printf '\tmodule %s %s%s\n' "$f" "$f" "$args"
			else
				printf '\t%s %s %s%s\n' "$mb_module" "$f" "$f" "$args"
			fi
		fi
		first=0
	done
	printf '}\n'
}

{
	cat <<EOF
# GRUB menu of hv's boot image (generated by scripts/media/mkimage.sh from
# scripts/media/entries.txt and guest/tests/MANIFEST; docs/BOOT-MEDIA.md).
# 'e' edits an entry; the "hv options" entry changes hv's options for all.
# The screen and COM1 at 115200 8N1 (the screen alone where COM1 is missing).
if serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1; then
	terminal_input console serial
	terminal_output console serial
fi
if [ -z "\$hv_opts" ]; then
	set hv_opts=$(grub_quote "$hv_opts")
fi
export hv_opts
set default="$grub_default"
set timeout=$timeout

EOF
	for i in $(seq 0 $((first_guest - 1))); do grub_entry "$i"; done
	cat <<'EOF'
menuentry "hv options: $hv_opts   (key o)" --hotkey=o --id hv-options {
	echo "hv's options for every entry (README.md), for example"
	echo "  console=com1|com2|e9|none loglevel=0..3 exit_on_panic"
	echo "  selftest hvmem=8M dtcache=4M"
	echo "Now: $hv_opts"
	echo -n "New (empty: keep): "
	read new_opts
	if [ -n "$new_opts" ]; then
		set hv_opts="$new_opts"
	fi
	export hv_opts
	configfile $prefix/grub.cfg
}
EOF
	for i in $(seq "$first_guest" $((first_native - 1))); do grub_entry "$i"; done
	cat <<'EOF'

submenu "Test guests natively, without hv" --id native {
EOF
	for i in $(seq "$first_native" $((${#ids[@]} - 1))); do grub_entry "$i" | sed 's/^/\t/'; done
	cat <<'EOF'
}

menuentry "Reboot" --id reboot {
	reboot
}
menuentry "Power off" --id halt {
	halt
}
EOF
} >"$iso/boot/grub/grub.cfg"

# The ISO's creation date is its file-system UUID for GRUB's search, as
# grub-mkrescue does it: the core image finds the right disk by it.
stamp=$(date -u +%Y%m%d%H%M%S)00
uuid=$(echo "$stamp" | sed 's/\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\1-\2-\3-\4-\5-\6-\7/')
cat >"$work/embed.cfg" <<EOF
search --no-floppy --fs-uuid --set=root $uuid
set prefix=(\$root)/boot/grub
EOF
cp "$grub_pc"/*.mod "$grub_pc"/*.lst "$iso/boot/grub/i386-pc/"
grub-mkimage --directory "$grub_pc" --format i386-pc-eltorito --prefix /boot/grub \
	--config "$work/embed.cfg" --output "$iso/boot/grub/i386-pc/eltorito.img" \
	biosdisk iso9660 search

# --- UEFI: hvboot, or GRUB -----------------------------------------------------
if [ "$uefi" = grub ]; then
	# GRUB x86_64-efi as the ESP's BOOTX64.EFI, with what the menu uses
	# built in (the image has no x86_64-efi modules to load), finding the
	# ISO 9660 file system by its UUID as the BIOS core does: one grub.cfg
	# for both firmwares.
	grub-mkimage --directory "$grub_efi" --format x86_64-efi --prefix /boot/grub \
		--config "$work/embed.cfg" --output "$esp/EFI/BOOT/BOOTX64.EFI" \
		normal configfile search search_fs_uuid iso9660 fat part_msdos part_gpt \
		multiboot multiboot2 serial terminal echo test read reboot halt \
		efi_gop all_video
else
	cp "$build/efi/BOOTX64.EFI" "$esp/EFI/BOOT/BOOTX64.EFI"
	if [ -n "$efi_cfg" ]; then
		cp "$efi_cfg" "$esp/EFI/BOOT/hvboot.cfg"
	else
		{
			cat <<-EOF
	# hvboot's menu on hv's boot image (generated by scripts/media/mkimage.sh;
	# the format is in docs/BOOT-MEDIA.md).
	timeout $timeout
	default $default
	serial auto
	on_error menu
	EOF
			for i in "${!ids[@]}"; do
				[ "${kinds[$i]}" = linux ] && continue	# hvboot starts hv only
				echo
				echo "entry ${ids[$i]} ${titles[$i]}"
				IFS=';' read -ra ms <<<"${mods[$i]}"
				first=1
				for x in "${ms[@]}"; do
					x=$(trim "$x")
					if [ "${kinds[$i]}" = native ] && [ $first = 1 ]; then
						echo "kernel /boot/$x"
					else
						[ $first = 1 ] && echo "hv /boot/hv.elf ${opts[$i]:-$hv_opts}"
						echo "module /boot/$x"
					fi
					first=0
				done
			done
		} >"$esp/EFI/BOOT/hvboot.cfg"
		# hvboot refuses a whole hvboot.cfg with more entries than it has room
		# for (CFG_MAX_ENTRIES, boot/efi/hvboot.h) and falls back to the
		# firmware: say so here rather than on the machine.
		max=$(awk '$1 == "#define" && $2 == "CFG_MAX_ENTRIES" { print $3 }' "$root/boot/efi/hvboot.h")
		if [ -n "$max" ] && [ ${#ids[@]} -gt "$max" ]; then
			die "${#ids[@]} menu entries, hvboot takes at most $max (CFG_MAX_ENTRIES in boot/efi/hvboot.h)"
		fi
	fi
	cp "$esp/EFI/BOOT/hvboot.cfg" "$iso/boot/hvboot.cfg"	# for reading, from any OS
fi

# The ESP: a FAT image sized to its files (FAT12/16 as mkfs.fat picks;
# UEFI reads any FAT on removable media).
kib=$(du -sk --apparent-size "$esp" | cut -f1)
kib=$(( (kib + kib / 8 + 512 + 63) / 64 * 64 ))
mkfs.fat -C -n HV_EFI "$iso/efi.img" "$kib" >/dev/null
(cd "$esp" && find . -mindepth 1 -type d | sed 's|^\./||' | sort | while read -r d; do
	mmd -i "$iso/efi.img" "::/$d"
done
find . -type f | sed 's|^\./||' | sort | while read -r f; do
	mcopy -i "$iso/efi.img" "$f" "::/$f"
done)

# --- the image ------------------------------------------------------------------
mkdir -p "$(dirname "$out")"
rm -f "$out"
xorriso -as mkisofs -quiet -graft-points --modification-date="$stamp" \
	-V HV_BOOT -r \
	-b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 \
	-boot-info-table --grub2-boot-info \
	--grub2-mbr "$grub_pc/boot_hybrid.img" \
	--efi-boot efi.img -efi-boot-part --efi-boot-image \
	--protective-msdos-label \
	-o "$out" "$iso" 2>"$work/xorriso.log" || { cat "$work/xorriso.log" >&2; die "xorriso failed"; }
note "$out: $(( $(stat -c %s "$out") / 1024 )) KiB, ${#ids[@]} entries, default '$default', timeout $timeout s"
