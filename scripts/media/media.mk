# Boot media (included by the top-level Makefile).
include boot/efi/efi.mk
