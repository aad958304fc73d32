/*
 * hv's data selector for the common entry path of lib/vectors.S.
 */
#include "lib/layout.h"

	.globl trap_data_sel
	.set trap_data_sel, SEL_HV_DS
