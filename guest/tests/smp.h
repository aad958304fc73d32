/*
 * Shared by smp.c and smp.S: where the AP's start-up code runs and the
 * mark it leaves (MP spec 1.4 B.4: the code starts on a 4 KiB boundary
 * below 1 MiB; the STARTUP IPI's vector is its page number).
 */
#ifndef GUEST_TESTS_SMP_H
#define GUEST_TESTS_SMP_H

#define SMP_TRAMP_ADDR	0x70000		/* free conventional memory */
#define SMP_TRAMP_VEC	(SMP_TRAMP_ADDR >> 12)
#define SMP_TRAMP_MARK	0x55504150	/* "PAPU" */

#endif
