/*
 * drivers/platform.c and drivers/kbdgate.c: the reset, A20 and CMOS
 * shutdown byte that are hv's whatever the device options.  Expectations
 * from the PS/2 reference (port 0x92: bit 0 rising resets, bit 1 the A20
 * gate), the PIIX4 data sheet (0xCF9: RCPU 0 to 1 resets), the PC/AT
 * technical reference (i8042 output port: bit 0 the reset line, bit 1
 * A20; 0xD1/0xD0 write and read it, 0xFE pulses the reset line) and the
 * MC146818A data sheet with the PC's ports (0x70 index with the NMI mask
 * in bit 7, 0x71 data; register D read-only); what must not reach the
 * real machine is hv's design (docs/DEVICES.md).
 */
#include "tests/devices/harness.h"

#include "drivers/devices.h"
#include "drivers/platform.h"
#include "lib/hw/i8042.h"
#include "lib/hw/mc146818.h"
#include "lib/hw/pci.h"

static int gate_calls, gate_last;

static void gate_hook(int on)
{
	gate_calls++;
	gate_last = on;
}

static void test_pass(void)
{
	harness_reset();
	real_port[PORT_SYSCTL_A] = SYSA_A20;
	real_port[PORT_CMOS_DATA] = 0;		/* the real shutdown byte */
	plat_hooks.a20 = gate_hook;
	gate_calls = 0;
	plat_init(DEV_PASS, DEV_PASS, DEV_PASS);

	group("platform: port 0x92");
	CHECK_EQ("A20 on at first", plat_a20(), 1);
	CHECK_EQ("reads as the firmware left it", inb_g(PORT_SYSCTL_A), SYSA_A20);
	outb_g(PORT_SYSCTL_A, 0);
	CHECK(plat_a20() == 0 && gate_calls == 1 && gate_last == 0, "bit 1 clear: gate off");
	CHECK_EQ("reads back off", inb_g(PORT_SYSCTL_A) & SYSA_A20, 0);
	CHECK_EQ("the real port untouched", real_port[PORT_SYSCTL_A], SYSA_A20);
	outb_g(PORT_SYSCTL_A, 0);
	CHECK_EQ("no change, no call", gate_calls, 1);
	outb_g(PORT_SYSCTL_A, SYSA_A20);
	CHECK(plat_a20() == 1 && gate_calls == 2 && gate_last == 1, "bit 1 set: gate on");
	EXPECT_RESET(outb_g(PORT_SYSCTL_A, SYSA_A20 | SYSA_RESET));
	CHECK_EQ("bit 0 rising: hv's reset", plat_resets, 1);
	outb_g(PORT_SYSCTL_A, SYSA_A20 | SYSA_RESET);
	CHECK_EQ("bit 0 staying set: no reset", plat_resets, 1);

	group("platform: 0xCF9 with pci=pass");
	gout(PCI_CONFIG_ADDR, 4, 0x80001234);
	CHECK_EQ("CONFIG_ADDRESS dwords go to the real port", io_native_read(PCI_CONFIG_ADDR, 4),
		 0x80001234);
	CHECK_EQ("and are read from it", gin(PCI_CONFIG_ADDR, 4), 0x80001234);
	EXPECT_RESET(gout(PCI_RESET_CTRL, 1, RCR_RCPU));
	CHECK_EQ("a soft reset is a reset too", plat_resets, 2);

	group("platform: CMOS shutdown byte with rtc=pass");
	outb_g(PORT_CMOS_INDEX, CMOS_SHUTDOWN);
	CHECK_EQ("the real chip gets register D's index", real_port[PORT_CMOS_INDEX], RTC_REG_D);
	outb_g(PORT_CMOS_DATA, CMOS_SHUTDOWN_JMP);
	CHECK_EQ("the real data port untouched", real_port[PORT_CMOS_DATA], 0);
	CHECK_EQ("the guest reads its own byte", inb_g(PORT_CMOS_DATA), CMOS_SHUTDOWN_JMP);
	outb_g(PORT_CMOS_INDEX, CMOS_NMI_MASK | CMOS_SHUTDOWN);
	CHECK_EQ("the NMI mask bit still reaches the chip", real_port[PORT_CMOS_INDEX],
		 CMOS_NMI_MASK | RTC_REG_D);
	outb_g(PORT_CMOS_INDEX, 0x10);
	outb_g(PORT_CMOS_DATA, 0x33);
	CHECK(real_port[PORT_CMOS_INDEX] == 0x10 && real_port[PORT_CMOS_DATA] == 0x33,
	      "other bytes pass through");
	gout(PORT_CMOS_INDEX, 2, CMOS_SHUTDOWN_POST << 8 | CMOS_SHUTDOWN);
	CHECK(real_port[PORT_CMOS_DATA] == 0x33, "a word write: index and data, still virtual");
	outb_g(PORT_CMOS_INDEX, CMOS_SHUTDOWN);
	CHECK_EQ("and read back", inb_g(PORT_CMOS_DATA), CMOS_SHUTDOWN_POST);

	group("platform: i8042 passed through but for reset and A20");
	outb_g(PORT_KBD_CMD, KBC_A20_OFF);
	CHECK(plat_a20() == 0 && real_writes_64 == 0, "0xDD: gate off, not passed");
	outb_g(PORT_KBD_CMD, KBC_READ_OUTPUT);
	real_port[PORT_KBD_DATA] = 0xDF;	/* the real output port: A20 on */
	CHECK_EQ("0xD0 passed", real_last_64, KBC_READ_OUTPUT);
	CHECK_EQ("the output port reads the guest's A20", inb_g(PORT_KBD_DATA), 0xDD);
	CHECK_EQ("only that read", inb_g(PORT_KBD_DATA), 0xDF);
	outb_g(PORT_KBD_CMD, KBC_WRITE_OUTPUT);
	outb_g(PORT_KBD_DATA, 0xDF);
	CHECK(plat_a20() == 1 && real_port[PORT_KBD_DATA] == 0xDF, "0xD1, 0xDF: gate on, passed");
	outb_g(PORT_KBD_CMD, KBC_WRITE_OUTPUT);
	outb_g(PORT_KBD_DATA, 0xDD);
	CHECK(plat_a20() == 0 && real_port[PORT_KBD_DATA] == 0xDF,
	      "0xD1, 0xDD: gate off, the real port keeps A20");
	EXPECT_RESET(outb_g(PORT_KBD_CMD, KBC_PULSE | 0x0E));
	CHECK(plat_resets == 3 && real_last_64 == KBC_WRITE_OUTPUT, "0xFE: hv's reset, not passed");
	EXPECT_RESET(outb_g(PORT_KBD_CMD, KBC_WRITE_OUTPUT); outb_g(PORT_KBD_DATA, 0xDE));
	CHECK(plat_resets == 4 && (real_port[PORT_KBD_DATA] & KBD_OUT_RESET),
	      "output port bit 0 low: hv's reset, the real line stays high");
	outb_g(PORT_KBD_CMD, KBC_KBD_ENABLE);
	CHECK_EQ("other commands pass", real_last_64, KBC_KBD_ENABLE);
	outb_g(PORT_KBD_DATA, KBD_CMD_ECHO);
	CHECK_EQ("and data bytes", real_port[PORT_KBD_DATA], KBD_CMD_ECHO);
}

static void test_hidden(void)
{
	harness_reset();
	plat_hooks.a20 = 0;
	plat_init(DEV_HIDE, DEV_EMULATE, DEV_EMULATE);

	group("platform: i8042 hidden");
	CHECK(inb_g(PORT_KBD_CMD) == 0xFF && inb_g(PORT_KBD_DATA) == 0xFF, "ports read 0xFF");
	outb_g(PORT_KBD_CMD, KBC_KBD_ENABLE);
	outb_g(PORT_KBD_CMD, KBC_A20_OFF);
	CHECK(real_writes_64 == 0 && plat_a20() == 0, "nothing passed; the gate is hv's");
	EXPECT_RESET(outb_g(PORT_KBD_CMD, KBC_PULSE | 0x0E));
	CHECK_EQ("the reset line is hv's too", plat_resets, 1);
	CHECK_EQ("the CMOS is not taken with rtc=emulate", real_port[PORT_CMOS_INDEX], 0);

	group("platform: upper NVRAM with rtc=emulate");
	real_port[PORT_NVRAM_DATA] = 0x42;
	outb_g(PORT_NVRAM_INDEX, 0x85);
	CHECK_EQ("the index reads back", inb_g(PORT_NVRAM_INDEX), 0x85);
	CHECK(inb_g(PORT_NVRAM_DATA) == 0x42 && real_port[PORT_NVRAM_INDEX] == 0x85,
	      "a read goes to the real bank at the guest's index");
	outb_g(PORT_NVRAM_DATA, 0x99);
	CHECK_EQ("a write goes nowhere", real_port[PORT_NVRAM_DATA], 0x42);
}

void test_platform(void)
{
	test_pass();
	test_hidden();
}
