/*
 * The MC146818 real-time clock and CMOS RAM of the PC: ports and register
 * layout (Motorola MC146818A data sheet: registers A-D, time, calendar
 * and alarm bytes, periodic rates).  The PC puts the index on port 0x70,
 * whose bit 7 also masks NMI, and the data on port 0x71; the century byte
 * at 0x32 is the PC/AT convention, not the chip's.
 */
#ifndef HW_MC146818_H
#define HW_MC146818_H

#define PORT_CMOS_INDEX	0x70
#define PORT_CMOS_DATA	0x71
#define CMOS_NMI_MASK	0x80	/* port 0x70 bit 7 */
#define CMOS_INDEX_MASK	0x7F
#define CMOS_SIZE	128
/* The PC chipsets' upper 128 bytes of NVRAM: index and data. */
#define PORT_NVRAM_INDEX 0x72
#define PORT_NVRAM_DATA	0x73
#define RTC_IRQ		8

#define RTC_SEC		0x00
#define RTC_SEC_ALARM	0x01
#define RTC_MIN		0x02
#define RTC_MIN_ALARM	0x03
#define RTC_HOUR	0x04
#define RTC_HOUR_ALARM	0x05
#define RTC_DOW		0x06	/* day of week, 1-7, Sunday = 1 */
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_REG_A	0x0A
#define RTC_REG_B	0x0B
#define RTC_REG_C	0x0C
#define RTC_REG_D	0x0D
#define RTC_CENTURY	0x32	/* PC/AT */

/* PC/AT BIOS conventions: the shutdown status byte tells the BIOS, after
   a CPU reset, what to do instead of a power-on self test (0 is a normal
   POST; 0x05 and 0x0A jump through the far pointer at 40:67 in the BIOS
   data area, physical 0x467). */
#define CMOS_SHUTDOWN	0x0F
#define CMOS_SHUTDOWN_POST 0x00
#define CMOS_SHUTDOWN_JMP 0x0A
#define BDA_RESUME_VECTOR 0x467

#define RTC_A_UIP	0x80	/* update in progress (read only) */
#define RTC_A_DV_MASK	0x70	/* divider: 010 = 32.768 kHz time base */
#define RTC_A_DV_32K	0x20
#define RTC_A_DV_RESET	0x60	/* 11x: divider chain held in reset */
#define RTC_A_RS_MASK	0x0F	/* periodic rate select */

#define RTC_B_SET	0x80	/* updates stopped, time may be set */
#define RTC_B_PIE	0x40
#define RTC_B_AIE	0x20
#define RTC_B_UIE	0x10
#define RTC_B_SQWE	0x08
#define RTC_B_DM	0x04	/* binary (1) or BCD (0) */
#define RTC_B_24H	0x02
#define RTC_B_DSE	0x01

#define RTC_C_IRQF	0x80
#define RTC_C_PF	0x40
#define RTC_C_AF	0x20
#define RTC_C_UF	0x10
#define RTC_C_FLAGS	(RTC_C_PF | RTC_C_AF | RTC_C_UF)

#define RTC_D_VRT	0x80	/* valid RAM and time */

#define RTC_HOUR_PM	0x80	/* 12-hour mode */
#define RTC_ALARM_ANY	0xC0	/* an alarm byte with both top bits set matches any value */

/* Time base and the update cycle at 32.768 kHz (data sheet, "Update cycle"). */
#define RTC_TIMEBASE_HZ	32768
#define RTC_UIP_LEAD_NS	244000	/* UIP rises this long before the update ... */
#define RTC_UPDATE_NS	1984000	/* ... which then takes this long */

#endif
