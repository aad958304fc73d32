# The Linux guest (included by the top-level Makefile; docs/LINUX.md).
#
#   make linux        build/linux/: bzImage, System.map, initramfs.cpio.gz
#                     (fetches linux-image-686:i386 and busybox-static:i386
#                     into build/cache/deb/ when they are not there)
#   make test-linux   scripts/linux/test-linux.sh (natively; HV_LINUX=1 also
#                     under hv)
#   make run-linux-native   the guest's shell natively, on the terminal
#   make test-installer     scripts/linux/test-installer.sh: Debian's
#                     installer to its first dialog natively and under hv
#                     (fetches debian-installer-12-netboot-i386)
#
# scripts/linux/fetch.sh runs on every `make linux` (it is quick once the
# packages are cached, and picks up a newer kernel the archive serves); it
# rewrites its outputs only when their content changed.

LINUX_OUT := $(BUILD)/linux
LINUX_INITRAMFS_IN := guest/linux/init $(wildcard guest/linux/tests/*.sh) \
	scripts/linux/mkinitramfs.sh scripts/linux/mkcpio.py

.PHONY: linux linux-fetch test-linux run-linux-native test-installer
linux: $(LINUX_OUT)/bzImage $(LINUX_OUT)/initramfs.cpio.gz $(LINUX_OUT)/System.map

linux-fetch:
	@scripts/linux/fetch.sh

$(LINUX_OUT)/bzImage $(LINUX_OUT)/busybox $(LINUX_OUT)/System.map.deb: linux-fetch
	@test -s $@

$(LINUX_OUT)/initramfs.cpio.gz: $(LINUX_OUT)/busybox $(LINUX_INITRAMFS_IN)
	scripts/linux/mkinitramfs.sh $@

# One native boot reads the symbols from /proc/kallsyms (Debian's package
# ships a stub System.map).
$(LINUX_OUT)/System.map: $(LINUX_OUT)/bzImage $(LINUX_OUT)/System.map.deb \
		guest/linux/tests/kallsyms.sh | $(LINUX_OUT)/initramfs.cpio.gz
	scripts/linux/sysmap.sh $@

test-linux: linux
	scripts/linux/test-linux.sh

test-installer: hv
	scripts/linux/test-installer.sh

run-linux-native: linux
	$(QEMU) -accel tcg -m 256 -display none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -serial mon:stdio \
		-kernel $(LINUX_OUT)/bzImage -initrd $(LINUX_OUT)/initramfs.cpio.gz \
		-append "console=ttyS0 quiet nokaslr"
