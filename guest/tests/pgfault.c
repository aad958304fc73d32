/*
 * Page faults (SDM vol. 3A 4.7 page-fault exceptions: error code P, W/R,
 * U/S, I/D bits, CR2 = the linear address; 6.15 #PF is a fault: EIP of
 * the faulting instruction, restartable): reads, writes and instruction
 * fetches of not-present pages and PDEs, writes to read-only pages with
 * CR0.WP = 1 (fault) and 0 (allowed at CPL 0), demand paging by a handler
 * that maps the page and restarts the instruction, a REP MOVSB that
 * faults half way (ECX/ESI/EDI show the progress) and completes after the
 * fix, and INVLPG after unmapping.  The I/D bit stays 0: it is only
 * reported with PAE+NX or SMEP.
 */
#include "guest/lib/guest.h"

GUEST_NAME("pgfault");

#define VA_NP	0x50000000u	/* PDE not present */
#define VA_PT	0x50400000u	/* page table present, PTE not present */
#define VA_RO	0x50401000u	/* read-only page */
#define VA_DEM	0x50800000u	/* demand-paged window */
#define VA_CODE	0x50C00000u	/* unmapped code */

static uint32_t *pd, *page_ro, *page_dem[3];
static uint8_t *copy_src;

#define AT(va)	(*(volatile uint32_t *)(va))

static void setup(void)
{
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W);
	page_ro = pg_alloc();
	page_ro[0] = 0x0DDBA11;
	pg_map4k(pd, VA_RO, (uint32_t)page_ro, 0);
	pg_map4k(pd, VA_PT, (uint32_t)page_ro, 0);
	pg_unmap(pd, VA_PT);	/* page table stays, PTE not present */
	for (int i = 0; i < 3; i++)
		page_dem[i] = pg_alloc();
	copy_src = pg_alloc();
	pg_enable(pd);
}

static void not_present_case(void)
{
	int v;

	t_begin("not_present");
	v = TRY(__asm__ volatile(FAULT_HERE "movl (%0), %%eax" : : "r"(VA_NP) : "eax"));
	t_fault("read, no PDE", v, EXC_PF, 0, g_fault_label);
	t_eq("cr2", g_fault.cr2, VA_NP);
	v = TRY(__asm__ volatile(FAULT_HERE "movl %%eax, (%0)" : : "r"(VA_PT + 0x10), "a"(0)));
	t_fault("write, no PTE", v, EXC_PF, PFEC_W, g_fault_label);
	t_eq("cr2", g_fault.cr2, VA_PT + 0x10);
	t_eq("read cr2 register", read_cr2(), VA_PT + 0x10);
	v = TRY(__asm__ volatile(FAULT_HERE "call *%0" : : "r"(VA_CODE) : "memory"));
	t_fault("fetch", v, EXC_PF, 0, VA_CODE);
	t_eq("cr2 = eip", g_fault.cr2, VA_CODE);
	t_end();
}

static void protection_case(void)
{
	int v;

	t_begin("write_protect");
	t_eq("read-only page readable", AT(VA_RO), 0x0DDBA11);
	v = TRY(__asm__ volatile(FAULT_HERE "movl %%eax, 4(%0)" : : "r"(VA_RO), "a"(1)));
	t_fault("write with WP=1", v, EXC_PF, PFEC_P | PFEC_W, g_fault_label);
	t_eq("cr2", g_fault.cr2, VA_RO + 4);
	t_eq("not written", page_ro[1], 0);
	write_cr0(read_cr0() & ~CR0_WP);
	v = TRY(AT(VA_RO + 4) = 7);
	t_no_fault("write with WP=0 at CPL 0", v);
	t_eq("written", page_ro[1], 7);
	write_cr0(read_cr0() | CR0_WP);
	t_end();
}

static volatile uint32_t demand_faults, fault_ecx, fault_edi, fault_esi;

/* Maps the next pool page at the faulting address and restarts. */
static void demand_handler(struct trapframe *tf)
{
	uint32_t va = trap_cr2 & PTE_ADDR;

	if (va < VA_DEM || va >= VA_DEM + 3 * PAGE_SIZE || demand_faults >= 3)
		guest_abort("unexpected #PF err=0x%x eip=0x%08x cr2=0x%08x", tf->errcode,
			    tf->eip, trap_cr2);
	if (!demand_faults) {
		fault_ecx = tf->ecx;
		fault_edi = tf->edi;
		fault_esi = tf->esi;
	}
	pg_map4k(pd, va, (uint32_t)page_dem[(va - VA_DEM) / PAGE_SIZE], PTE_W);
	demand_faults++;
}

static void demand_case(void)
{
	uint32_t esi, edi, ecx;

	t_begin("demand_rep_movs");
	for (int i = 0; i < PAGE_SIZE; i++)
		copy_src[i] = (uint8_t)(i ^ 0x5A);
	trap_set_handler(EXC_PF, demand_handler);
	/* 100 bytes ending 60 bytes into VA_DEM: 40 before the first fault. */
	esi = (uint32_t)copy_src;
	edi = VA_DEM - 40;
	ecx = 100;
	pg_map4k(pd, VA_DEM - PAGE_SIZE, (uint32_t)page_dem[2], PTE_W);
	invlpg(VA_DEM - PAGE_SIZE);
	__asm__ volatile("rep movsb" : "+S"(esi), "+D"(edi), "+c"(ecx) : : "memory");
	trap_set_handler(EXC_PF, NULL);
	t_eq("faults", demand_faults, 1);
	t_eq("ecx at the fault", fault_ecx, 60);
	t_eq("edi at the fault", fault_edi, VA_DEM);
	t_eq("esi at the fault", fault_esi, (uint32_t)copy_src + 40);
	t_eq("ecx after", ecx, 0);
	t_eq("edi after", edi, VA_DEM + 60);
	t_check(!memcmp((uint8_t *)page_dem[0], copy_src + 40, 60), "copied data");
	t_eq("second page still unmapped", *pg_entry(pd, VA_DEM + PAGE_SIZE) & PTE_P, 0);
	t_end();
}

static void unmap_case(void)
{
	int v;

	t_begin("unmap_invlpg");
	t_eq("mapped", AT(VA_DEM), *(uint32_t *)page_dem[0]);
	pg_unmap(pd, VA_DEM);		/* clears P and INVLPGs */
	v = TRY(__asm__ volatile(FAULT_HERE "movl (%0), %%eax" : : "r"(VA_DEM) : "eax"));
	t_fault("read after unmap", v, EXC_PF, 0, g_fault_label);
	t_eq("cr2", g_fault.cr2, VA_DEM);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	not_present_case();
	protection_case();
	demand_case();
	unmap_case();
	pg_disable();
}
