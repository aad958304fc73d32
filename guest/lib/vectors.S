/*
 * The guest library's data selector for the common entry path of
 * lib/vectors.S (its stubs, frame and dispatch are shared with hv).
 */
#include "guest/lib/desc.h"

	.globl trap_data_sel
	.set trap_data_sel, SEL_KDATA
