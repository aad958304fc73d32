# tests/devices/devices.mk: host-side unit tests of the device models
# (included from tests/tests.mk).
#
#   make host-tests          also builds build/tests/devices_unit
#   build/tests/devices_unit  one PASS/FAIL line per group (scripts/test-devices.sh runs it)
#
# The models (drivers/v*.c) are compiled for the host as they are;
# tests/devices/harness.c stands in for the rest of hv and the hardware.

DEV_UNIT_CC     ?= cc
DEV_UNIT_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -Werror -I.
DEV_UNIT_MODELS := drivers/vpic.c drivers/vpit.c drivers/vuart.c drivers/vrtc.c \
	drivers/vkbd.c drivers/vpci.c drivers/busmaster.c drivers/platform.c drivers/kbdgate.c drivers/idedma.c \
	drivers/vlapic.c drivers/vlapic_irq.c \
	drivers/vlapic_timer.c drivers/vioapic.c lib/fmt.c
DEV_UNIT_SRCS   := $(filter-out tests/devices/test_irq.c,$(sort $(wildcard tests/devices/*.c)))
DEV_UNIT_HDRS   := $(wildcard tests/devices/*.h) $(wildcard drivers/*.h)

.PHONY: devices-unit
host-tests: $(BUILD)/tests/devices_unit $(BUILD)/tests/irq_unit
devices-unit: $(BUILD)/tests/devices_unit $(BUILD)/tests/irq_unit
	$(BUILD)/tests/devices_unit
	$(BUILD)/tests/irq_unit

$(BUILD)/tests/devices_unit: $(DEV_UNIT_SRCS) $(DEV_UNIT_MODELS) $(DEV_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(DEV_UNIT_CC) $(DEV_UNIT_CFLAGS) -o $@ $(DEV_UNIT_SRCS) $(DEV_UNIT_MODELS)

# drivers/irq.c with the PIC model, the real PICs faked by the harness.
IRQ_UNIT_SRCS   := tests/devices/harness.c tests/devices/test_irq.c drivers/irq.c \
	drivers/vpic.c drivers/vlapic.c drivers/vlapic_irq.c drivers/vlapic_timer.c drivers/vioapic.c
$(BUILD)/tests/irq_unit: $(IRQ_UNIT_SRCS) $(DEV_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(DEV_UNIT_CC) $(DEV_UNIT_CFLAGS) -DHARNESS_REAL_IRQ -o $@ $(IRQ_UNIT_SRCS)
