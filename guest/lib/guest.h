/*
 * The guest runtime library: everything a test guest includes.
 * See guest/README.md for the API tour and the output convention.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <multiboot.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/x86.h"

#include "guest/lib/apic.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/console.h"
#include "guest/lib/cpu.h"
#include "guest/lib/desc.h"
#include "guest/lib/fault.h"
#include "guest/lib/test.h"
#include "guest/lib/trap.h"
#include "guest/lib/paging.h"
#include "guest/lib/pic.h"
#include "guest/lib/pit.h"
#include "guest/lib/user.h"

#endif
