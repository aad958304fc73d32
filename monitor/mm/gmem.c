/*
 * Guest memory (docs/ARCHITECTURE.md, "Memory").
 *
 * Guest-physical is host-physical.  While the guest has paging off, its
 * linear addresses are physical too, and hv's own page directory maps them
 * 1:1 (with PTE_U, so guest ring-3 code can run there), except:
 *  - hv's physical range, which is not mapped at all once the guest is
 *    loaded (gmem_seal): a guest touch faults and the guest is stopped;
 *  - pages holding translated code, which are mapped read-only so that a
 *    guest write faults and invalidates their translations first (SMC).
 * 4 MiB mappings are split into 4 KiB page tables only where one of these
 * needs page granularity.
 *
 * hv's own accesses on the guest's behalf (interrupt frames, descriptor
 * tables, emulated instructions) go through gmem_read/gmem_write, which
 * refuse hv's range and keep the translations of written code pages
 * honest: straight through the loaded page tables where they allow it
 * (gdirect.c), else through the guest's page walk below.
 */
#include "monitor/mm/mm.h"

#include "dt/dt.h"
#include "dt/host.h"
#include "dt/smc.h"
#include "lib/bootinfo.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "lib/x86.h"

#define PDE_4M_RSVD 0x00200000

static int sealed;

/* The PTE of a linear address below HV_BASE, splitting a 4 MiB page. */
static uint32_t *pte_of(uint32_t va)
{
	uint32_t *pde = &hv_pd[va >> PGDIR_SHIFT];
	uint32_t *pt;

	if (*pde & PTE_PS) {
		uint32_t pa = frame_alloc(), base = *pde & PDE_ADDR_4M;
		uint32_t flags = *pde & (PTE_W | PTE_U | PTE_PWT | PTE_PCD);

		if (!pa)
			panic("out of frames splitting the 4 MiB page at %08x", base);
		pt = frame_va(pa);
		for (int i = 0; i < 1024; i++)
			pt[i] = (base + i * PAGE_SIZE) | flags | PTE_P;
		*pde = pa | PTE_P | PTE_W | PTE_U;
		/* The old 4 MiB translation may be cached: drop it everywhere. */
		write_cr3(read_cr3());
	}
	assert(*pde & PTE_P);
	pt = frame_va(*pde & PTE_ADDR);
	return &pt[(va >> PAGE_SHIFT) & 1023];
}

uint32_t *mm_hv_pte(uint32_t pa)
{
	return pte_of(pa);
}

void gmem_seal(void)
{
	/* Guest ring-3 code runs from the same mappings: allow user access. */
	for (uint32_t i = 0; i < HV_PDE_FIRST; i++)
		hv_pd[i] |= PTE_U;
	for (uint32_t pa = boot.hv_phys_lo; pa < boot.hv_phys_hi; pa += PAGE_SIZE)
		*pte_of(pa) = 0;
	write_cr3(read_cr3());
	sealed = 1;
}

int gmem_is_hv(uint32_t pa, uint32_t len)
{
	return frame_hv_owns(pa, len);
}

int mm_protect_frame(uint32_t pa)
{
	if (gmem_is_hv(pa, PAGE_SIZE))
		return -1;
	/* hv's own tables are the guest's while its paging is off, and stay
	   protected for when it turns paging off again. */
	mm_frame_rights(pa, 0, PTE_W);
	if (gcr.cr0 & CR0_PG)
		shadow_protect_frame(pa);
	else
		invlpg(pa);
	return 0;
}

void mm_unprotect_frame(uint32_t pa)
{
	mm_frame_rights(pa, PTE_W, 0);
	if (!(gcr.cr0 & CR0_PG))
		invlpg(pa);
}

struct gmem_pf gmem_pf;
struct guest_cr gcr;

/*
 * The guest's own page walk (SDM vol. 3A 4.3 32-bit paging, 4.6 access
 * rights, 4.8 accessed and dirty flags): linear la to physical, with the
 * rights of a user or supervisor access, setting A (and D for a write) in
 * the guest's tables as the CPU does.  Returns 0, or -1 with gmem_pf set
 * to the #PF the guest must get.
 */
int gmem_walk(uint32_t la, int acc, uint32_t *pa, uint32_t *eff)
{
	uint32_t pde_pa, pde, pte_pa, pte, flags, err = 0;
	int write = acc & GACC_WRITE, user = acc & GACC_USER, big;

	if (acc & GACC_USER)
		err |= PFEC_U;
	if (write)
		err |= PFEC_W;
	if (!(gcr.cr0 & CR0_PG)) {
		*pa = mm_a20_pa(la);	/* the A20 gate's wrap (a20.c) */
		if (eff)
			*eff = PTE_P | PTE_W | PTE_U | PTE_D | PTE_A;
		return 0;
	}
	pde_pa = (gcr.cr3 & PTE_ADDR) + (la >> PGDIR_SHIFT) * 4;
	pde = gphys_read32(pde_pa);
	if (!(pde & PTE_P))
		goto fault;
	big = (pde & PTE_PS) && (gcr.cr4 & CR4_PSE);
	if (big && (pde & PDE_4M_RSVD)) {
		err |= PFEC_P | PFEC_RSVD;	/* bit 21 of a 4 MiB PDE (SDM 4.3) */
		goto fault;
	}
	if (!big && !(pde & PTE_A) && !(acc & GACC_PEEK)) {
		/* Used for the walk: accessed, even if the access faults (4.8). */
		pde |= PTE_A;
		gphys_write32(pde_pa, pde);
	}
	if (big) {
		pte_pa = pde_pa;
		pte = pde;
		flags = pde;
	} else {
		pte_pa = (pde & PTE_ADDR) + ((la >> PAGE_SHIFT) & 1023) * 4;
		pte = gphys_read32(pte_pa);
		if (!(pte & PTE_P))
			goto fault;
		flags = pte & (pde | ~(uint32_t)(PTE_W | PTE_U));	/* both levels */
	}
	err |= PFEC_P;
	if (user && !(flags & PTE_U))
		goto fault;
	if (write && !(flags & PTE_W) && (user || (gcr.cr0 & CR0_WP)))
		goto fault;
	/* Accessed bits, and dirty for a write (only where they change). */
	if (acc & GACC_PEEK)
		goto done;
	if (!(pde & PTE_A) || (big && write && !(pde & PTE_D))) {
		pde |= PTE_A | (big && write ? PTE_D : 0);
		gphys_write32(pde_pa, pde);
	}
	if (!big && (!(pte & PTE_A) || (write && !(pte & PTE_D)))) {
		pte |= PTE_A | (write ? PTE_D : 0);
		gphys_write32(pte_pa, pte);
	}
done:
	if (big)
		*pa = (pde & PDE_ADDR_4M) | (la & (LARGE_PAGE_SIZE - 1));
	else
		*pa = (pte & PTE_ADDR) | (la & (PAGE_SIZE - 1));
	if (eff)
		*eff = (flags & (PTE_W | PTE_U | PTE_G)) | PTE_P |
		       ((big ? pde : pte) & PTE_D) | PTE_A;
	return 0;
fault:
	gmem_pf.cr2 = la;
	gmem_pf.err = err;
	return -1;
}

struct gmem_stats gmem_stats;

/*
 * Whether hv's supervisor access to [la, la+len) may go straight through
 * the loaded page directory (gdirect.c): the range lies inside one page
 * below hv's region, buf is hv's, and the loaded directory is the guest's
 * view now: the shadow of gcr.cr3 with paging on, hv's own once the guest
 * is loaded with it off (with the guest's A20 gate off, hv's directory
 * aliases [1 MiB, 2 MiB) page by page, and the walk's mm_a20_pa stays the
 * only authority).
 */
static inline int direct_ok(uint32_t la, const void *buf, uint32_t len)
{
	uint32_t want = gcr.cr0 & CR0_PG ? gcr.cr3 & PTE_ADDR : SHADOW_NONE;

	return len - 1 < PAGE_SIZE - (la & (PAGE_SIZE - 1)) && la < HV_BASE &&
	       (uint32_t)buf >= HV_BASE && shadow_view == want && sealed &&
	       ((gcr.cr0 & CR0_PG) || !mm_a20_off);
}

/* One try through the live mapping: 0, or -1 where it refuses. */
static inline int direct(uint32_t la, void *buf, uint32_t len, int write)
{
	int r = write ? gdirect_copy((void *)la, buf, len) : gdirect_copy(buf, (void *)la, len);

	gmem_stats.direct++;
	if (r)
		gmem_stats.direct_faults++;
	return r;
}

static int no_rmw(void *ctx)
{
	(void)ctx;
	return 0;	/* hv's access is one read or one write */
}

/*
 * One page's part of an access, [la, la+n): through the live mapping if
 * it may; where that refuses it with the guest's paging on, the shadow is
 * filled as for a guest access (which walks the guest's tables, setting
 * A/D, and refuses hv's frames, device pages and writes to code pages) and
 * the copy tried once more; else, and for user accesses, the walk.
 */
static int access_page(uint32_t la, uint8_t *p, uint32_t n, int acc)
{
	int write = acc & GACC_WRITE;
	uint32_t pa;

	if (!(acc & GACC_USER) && direct_ok(la, p, n)) {
		if (!direct(la, p, n, write))
			return 0;
		if (gcr.cr0 & CR0_PG) {
			switch (shadow_fault(la, write ? PFEC_W : 0, 0, no_rmw, 0, &pa)) {
			case SHADOW_FILLED:
				if (!direct(la, p, n, write))
					return 0;
				break;
			case SHADOW_GUEST_FAULT:
				return GMEM_PF;	/* gmem_pf is the walk's */
			default:
				break;	/* the walk's refusal or smc_write below */
			}
		}
	}
	if (gmem_walk(la, acc, &pa, 0))
		return GMEM_PF;
	if (write) {
		smc_write(pa & PTE_ADDR);
		return gphys_write(pa, p, n);
	}
	return gphys_read(pa, p, n);
}

/* Accesses [la, la+len) page by page. */
static int access(uint32_t la, void *buf, uint32_t len, int acc)
{
	uint8_t *p = buf;

	if (len == 0)
		return 0;
	if (!(gcr.cr0 & CR0_PG) && (la >= HV_BASE || len > HV_BASE - la))
		return GMEM_OUTSIDE;
	while (len) {
		uint32_t n = PAGE_SIZE - (la & (PAGE_SIZE - 1));
		int r;

		if (n > len)
			n = len;
		if ((r = access_page(la, p, n, acc)))
			return r;
		p += n;
		la += n;
		len -= n;
	}
	return 0;
}

/* The common case first: one page, through the live mapping. */
int gmem_read(uint32_t la, void *buf, uint32_t len)
{
	if (direct_ok(la, buf, len) && !direct(la, buf, len, 0))
		return 0;
	return access(la, buf, len, 0);
}

int gmem_write(uint32_t la, const void *buf, uint32_t len)
{
	if (direct_ok(la, buf, len) && !direct(la, (void *)buf, len, 1))
		return 0;
	return access(la, (void *)buf, len, GACC_WRITE);
}

int gmem_read_as(uint32_t la, void *buf, uint32_t len, int user)
{
	return access(la, buf, len, user ? GACC_USER : 0);
}

int gmem_write_as(uint32_t la, const void *buf, uint32_t len, int user)
{
	return access(la, (void *)buf, len, GACC_WRITE | (user ? GACC_USER : 0));
}

static inline __attribute__((always_inline)) int fetch(uint32_t la, uint8_t *buf,
							uint32_t len, int user, int *why)
{
	uint32_t n = 0;

	while (n < len) {
		uint32_t a = la + n, pa;
		uint32_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));

		if (chunk > len - n)
			chunk = len - n;
		if (a < la || a >= HV_BASE) {
			*why = DTF_FETCH_OUTSIDE;
			break;
		}
		if (gmem_walk(a, user ? GACC_USER : 0, &pa, 0)) {
			*why = DTF_FETCH_PF;
			break;
		}
		if (gmem_is_hv(pa, chunk)) {
			*why = DTF_FETCH_HV;
			break;
		}
		gphys_read(pa, buf + n, chunk);
		n += chunk;
	}
	return (int)n;
}

int gmem_fetch(uint32_t la, uint8_t *buf, uint32_t len, int user, int *why)
{
	return fetch(la, buf, len, user, why);
}

int gmem_code_pa(uint32_t la, uint32_t *pa, int *global)
{
	uint32_t eff;

	if (gmem_walk(la, 0, pa, &eff))
		return -1;
	*pa &= PTE_ADDR;
	if (global)
		*global = (gcr.cr0 & CR0_PG) && (gcr.cr4 & CR4_PGE) && (eff & PTE_G);
	return 0;
}

int gmem_peek_pa(uint32_t la, uint32_t *pa)
{
	if (gmem_walk(la, GACC_PEEK, pa, 0))
		return -1;
	*pa &= PTE_ADDR;
	return 0;
}

uint32_t gmem_guest_pde(uint32_t la)
{
	if (!(gcr.cr0 & CR0_PG))
		return 0;
	return gphys_read32((gcr.cr3 & PTE_ADDR) + (la >> PGDIR_SHIFT) * 4);
}

/*
 * The translator's boundary (dt/host.h), where it is the memory layer's
 * own work: the same functions under the names dt/ calls, so a call from
 * the translator costs no second hop.
 */
int dth_code_frame(uint32_t lin, uint32_t *pa, int *global) __attribute__((alias("gmem_code_pa")));
int dth_peek_frame(uint32_t lin, uint32_t *pa) __attribute__((alias("gmem_peek_pa")));
int dth_protect_frame(uint32_t pa) __attribute__((alias("mm_protect_frame")));
void dth_unprotect_frame(uint32_t pa) __attribute__((alias("mm_unprotect_frame")));

/* Translated code is the guest kernel's: fetched with supervisor rights. */
int dth_fetch(uint32_t lin, uint8_t *buf, uint32_t len, int *why)
{
	return fetch(lin, buf, len, 0, why);
}

uint32_t dth_guest_pde(uint32_t lin, int *large)
{
	uint32_t pde = gmem_guest_pde(lin);

	*large = (pde & PTE_P) && (pde & PTE_PS) && (gcr.cr4 & CR4_PSE);
	return pde;
}
