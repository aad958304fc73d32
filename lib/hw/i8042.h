/*
 * The i8042 keyboard controller of the PC, its keyboard and auxiliary
 * (mouse) devices, and port 0x92: ports and register layout (Intel 8042
 * / IBM PC/AT and PS/2 technical references: status register, controller
 * command byte, controller commands, output port; keyboard commands;
 * "system control port A").
 */
#ifndef HW_I8042_H
#define HW_I8042_H

#define PORT_KBD_DATA	0x60
#define PORT_KBD_CMD	0x64	/* write: command; read: status */
#define PORT_SYSCTL_A	0x92
#define PORT_POST	0x80
#define KBD_IRQ		1
#define AUX_IRQ		12

/* Status register */
#define KBD_ST_OBF	0x01	/* output buffer full */
#define KBD_ST_IBF	0x02	/* input buffer full */
#define KBD_ST_SYS	0x04	/* system flag (command byte bit 2) */
#define KBD_ST_A2	0x08	/* last write was to the command port */
#define KBD_ST_INH	0x10	/* 1: keyboard not inhibited (key lock) */
#define KBD_ST_AUXB	0x20	/* output buffer holds auxiliary data */
#define KBD_ST_TIMEOUT	0x40
#define KBD_ST_PARITY	0x80

/* Controller command byte */
#define KBD_CB_INT	0x01	/* IRQ1 on keyboard data */
#define KBD_CB_INT2	0x02	/* IRQ12 on auxiliary data */
#define KBD_CB_SYS	0x04
#define KBD_CB_KBD_DIS	0x10
#define KBD_CB_AUX_DIS	0x20
#define KBD_CB_XLAT	0x40	/* translate to scan code set 1 */

/* Controller commands (port 0x64) */
#define KBC_READ_CB	0x20	/* 0x20-0x3F read RAM, 0x20 = command byte */
#define KBC_WRITE_CB	0x60	/* 0x60-0x7F write RAM */
#define KBC_AUX_DISABLE	0xA7
#define KBC_AUX_ENABLE	0xA8
#define KBC_AUX_TEST	0xA9
#define KBC_SELF_TEST	0xAA
#define KBC_KBD_TEST	0xAB
#define KBC_KBD_DISABLE	0xAD
#define KBC_KBD_ENABLE	0xAE
#define KBC_READ_INPUT	0xC0
#define KBC_READ_OUTPUT	0xD0
#define KBC_WRITE_OUTPUT 0xD1
#define KBC_WRITE_KBD_OB 0xD2	/* next data byte appears as keyboard data */
#define KBC_WRITE_AUX_OB 0xD3	/* ... as auxiliary data */
#define KBC_WRITE_AUX	0xD4	/* next data byte goes to the auxiliary device */
#define KBC_A20_OFF	0xDD
#define KBC_A20_ON	0xDF
#define KBC_READ_TEST	0xE0
#define KBC_PULSE	0xF0	/* 0xF0-0xFF: pulse output port bits 3-0 low */
#define KBC_SELF_TEST_OK 0x55

/* Output port */
#define KBD_OUT_RESET	0x01	/* 0 resets the processor */
#define KBD_OUT_A20	0x02
#define KBD_OUT_OBF	0x10	/* IRQ1 line */
#define KBD_OUT_AUXOBF	0x20	/* IRQ12 line */

/* Keyboard and auxiliary device commands and replies */
#define KBD_CMD_LEDS	0xED
#define KBD_CMD_ECHO	0xEE
#define KBD_CMD_SCANSET	0xF0
#define KBD_CMD_ID	0xF2
#define KBD_CMD_RATE	0xF3
#define KBD_CMD_ENABLE	0xF4
#define KBD_CMD_DISABLE	0xF5
#define KBD_CMD_DEFAULT	0xF6
#define KBD_CMD_RESEND	0xFE
#define KBD_CMD_RESET	0xFF
#define AUX_CMD_SCALE11	0xE6
#define AUX_CMD_SCALE21	0xE7
#define AUX_CMD_RES	0xE8
#define AUX_CMD_STATUS	0xE9
#define AUX_CMD_SAMPLE	0xF3
#define KBD_REPLY_ACK	0xFA
#define KBD_REPLY_RESEND 0xFE
#define KBD_REPLY_BAT_OK 0xAA
#define KBD_ID_1	0xAB
#define KBD_ID_2_XLAT	0x41
#define KBD_ID_2	0x83

/* Port 0x92 (system control port A) */
#define SYSA_RESET	0x01	/* 0->1: fast reset */
#define SYSA_A20	0x02

#endif
