# hv: a code-monitoring hypervisor for 32-bit x86.
#
# Targets (see README.md):
#   make            build build/hv.elf (+ .sym/.asm listings) and the test guests
#   make run        boot hv in QEMU with Debian's Linux: hv's log and the
#                   guest's shell on the terminal (GUEST= for another guest)
#   make test       install what is missing, build, run the whole test suite
#   make qemu-gdb   boot hv in QEMU stopped for gdb on tcp::1234
#   make test-fuzz-long  1 500 000 differential fuzzer sequences
#   make clean
#
# Folder fragments: guest/guest.mk (test guests), guest/mb1/mb1.mk and
# guest/mb2/mb2.mk (loader test guests), tests/tests.mk (host tests).

BUILD    := build
CC       := gcc
OBJCOPY  := objcopy
OBJDUMP  := objdump
NM       := nm
QEMU     := qemu-system-i386

# Flags for code that runs on the bare machine (hv itself and the guests).
BARE_CFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fno-strict-aliasing -mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	-O2 -g -Wall -Wextra -Werror -isystem /usr/include/multiboot -MMD -MP
BARE_ASFLAGS := -m32 -g -Werror -isystem /usr/include/multiboot -MMD -MP -DASM_FILE
BARE_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

HV_CFLAGS  := $(BARE_CFLAGS) -I.
HV_ASFLAGS := $(BARE_ASFLAGS) -I.

HV_SRCS := $(sort $(wildcard lib/*.c lib/*.S boot/*.S boot/*.c monitor/*.c monitor/*.S \
	monitor/mm/*.c monitor/loader/*.c monitor/debug/*.c \
	dt/*.c dt/*.S drivers/*.c drivers/*.S))
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

.PHONY: all hv guests run run-nox qemu-gdb test test-fuzz-long test-bochs-linux deps clean
all: hv guests

hv: $(BUILD)/hv.elf $(BUILD)/hv.sym $(BUILD)/hv.asm

$(BUILD)/hv/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(HV_OBJS) linker.ld
	$(CC) $(BARE_LDFLAGS) -T linker.ld -o $@ $(HV_OBJS) -lgcc

$(BUILD)/hv.sym: $(BUILD)/hv.elf
	$(NM) -n $< > $@

$(BUILD)/hv.asm: $(BUILD)/hv.elf
	$(OBJDUMP) -d -S $< > $@

-include guest/guest.mk
-include tests/tests.mk
-include guest/fuzz/fuzz.mk
-include guest/bench/bench.mk
-include guest/mb1/mb1.mk
-include guest/mb2/mb2.mk
-include scripts/media/media.mk
-include scripts/linux/linux.mk

# QEMU as the README documents it: COM1 is the console, shared by hv's log
# and the guest, on the terminal.  The default guest is Debian's Linux with
# a busybox shell (make linux fetches and builds it); GUEST= picks another.
QEMU_FLAGS := -accel tcg -m 256 -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4
HV_OPTS ?= console=com1
LINUX_ARGS ?= console=ttyS0 quiet nokaslr
GUEST   ?= $(BUILD)/linux/bzImage $(LINUX_ARGS),$(BUILD)/linux/initramfs.cpio.gz

run: deps all $(if $(findstring $(BUILD)/linux/bzImage,$(GUEST)),linux)
	$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel $(BUILD)/hv.elf \
		-append "$(HV_OPTS)" $(if $(GUEST),-initrd "$(GUEST)")

qemu-gdb: all
	$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel $(BUILD)/hv.elf \
		-append "$(HV_OPTS)" $(if $(GUEST),-initrd "$(GUEST)") -S -gdb tcp::1234

deps:
	@scripts/deps.sh

test: deps
	$(MAKE) all host-tests linux
	scripts/run-tests.sh

# 1 500 000 fuzzer sequences, natively and under hv (not part of make test):
# ring 0, ring 0 with paging, ring 3 with paging (scripts/test-fuzz.sh).
test-fuzz-long: deps
	$(MAKE) all
	scripts/test-fuzz.sh --long

# The Linux smoke test under Bochs, natively and under hv (minutes; not
# part of make test).
test-bochs-linux: deps
	$(MAKE) all linux
	BOCHS_LINUX=1 BOCHS_TIMEOUT=$${BOCHS_TIMEOUT:-1800} scripts/test-bochs.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
