# Boot media (included by the top-level Makefile; docs/BOOT-MEDIA.md).
#
#   make iso         build/hv.img: a hybrid image for a USB stick or a CD that
#                    boots on BIOS (GRUB) and UEFI (hvboot, boot/efi/);
#                    build/hv.iso is the same file
#   make efi         build/efi/BOOTX64.EFI alone
#   make test-boot   the boot-media tests (scripts/media/test-boot.sh)
#
# scripts/write-usb DEVICE writes the image to a stick.

include boot/efi/efi.mk

.PHONY: iso test-boot
iso: deps
	$(MAKE) all efi
	scripts/media/mkimage.sh --out $(BUILD)/hv.img
	ln -sf hv.img $(BUILD)/hv.iso

test-boot: deps
	$(MAKE) all efi
	scripts/media/test-boot.sh
