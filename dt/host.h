/*
 * The translator's boundary: everything dt/ needs from the rest of hv, and
 * the only header outside dt/ and lib/ that dt/ includes.  The memory
 * layer implements most of it (monitor/mm/gmem.c, gphys.c), the virtual CPU
 * the rest (monitor/dt_host.c: breakpoints, ports); the host unit test of the translator (tests/dt/) implements it
 * over a fake guest memory.
 *
 * Addresses are guest linear unless named pa (a guest-physical frame,
 * which is host-physical: docs/ARCHITECTURE.md, "Memory").
 */
#ifndef DT_HOST_H
#define DT_HOST_H

#include <stdint.h>

/*
 * Copies up to len guest code bytes at lin with supervisor rights (what
 * dt/ translates is the guest kernel's code); returns how many it could
 * read.  It stops at
 * the first page the guest cannot fetch from and sets *why to the DTF_*
 * kind (dt/dt.h) of that failure.
 */
int dth_fetch(uint32_t lin, uint8_t *buf, uint32_t len, int *why);
/*
 * The frame holding the guest code at lin, setting accessed bits as the
 * CPU's fetch would; -1 if the guest's tables do not map it.  *global (may
 * be 0): a global page maps it (CR4.PGE set).
 */
int dth_code_frame(uint32_t lin, uint32_t *pa, int *global);
/* The same, looking only (no accessed bits, no fault). */
int dth_peek_frame(uint32_t lin, uint32_t *pa);
/*
 * The guest's page-directory entry for lin (0 with paging off); *large
 * says it maps a 4 MiB page (PS with CR4.PSE), so it holds the whole
 * mapping of its region.
 */
uint32_t dth_guest_pde(uint32_t lin, int *large);
/* A dword of guest-physical memory (a guest page-table entry). */
uint32_t dth_read_phys32(uint32_t pa);
/*
 * Self-modifying code (dt/smc.c): frame pa now holds translations, so no
 * mapping the guest uses may let it write there without hv knowing (-1:
 * not a frame the guest may have, nothing done); or it holds none any more
 * and may be writable again.
 */
int dth_protect_frame(uint32_t pa);
void dth_unprotect_frame(uint32_t pa);
/* Is there a debugger breakpoint at lin (asked only in DT_MODE_DEBUG)? */
int dth_breakpoint_at(uint32_t lin);
/* Does hv intercept this port (for size bytes)? */
int dth_port_intercepted(uint16_t port, int size);

#endif
