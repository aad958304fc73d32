/*
 * 64 address spaces switched round-robin, each with its own user process
 * at the same linear addresses (SDM vol. 3A 4.10.4.1: MOV to CR3
 * invalidates every non-global translation, so after a switch only the
 * new space's mappings may be used; 4.10.4: no invalidation is needed for
 * entries of a space that is not current, the CR3 load that makes it
 * current is enough; 4.6 user pages; 6.12.1 INT 0x80 from ring 3 onto the
 * TSS stack and IRET back to ring 3 with the frame the kernel chose).
 *
 * Each space maps, at VA_PROC/VA_DATA/VA_STACK, a code page of its own
 * (a template with the space's identity in its immediates), a data page
 * with the space's counter and a stack page.  Half the spaces map the
 * kernel with shared 4 KiB page tables, half with 4 MiB pages.
 *   calls:  each process is entered with IRET and returns a value made of
 *           its identity and counter (SYS_EXIT through INT 0x80); rounds
 *           in order, backwards and by a stride of 7;
 *   swap:   the code and data pages of spaces i and 63-i exchanged in
 *           their (non-current) page tables, then every space run again;
 *   yield:  64 live processes; each INT 0x80 saves the caller's frame,
 *           loads CR3 of the next space and IRETs into its process, for
 *           several rounds; registers and user stacks must survive.
 * Every result is checked against the counter the kernel keeps.
 */
#include "guest/lib/guest.h"

GUEST_NAME("spaces64");

#define NSPACES		64
#define VA_PROC		0x08048000u
#define VA_DATA		0x08049000u	/* spaces64.S: SP_VA_DATA */
#define VA_STACK	0x0804A000u
#define YIELD_OFF	0x100		/* the yield template in the code page */
#define SYS_YIELD	(SYS_GUEST + 0)
#define CALL_ROUNDS	4
#define YIELD_ROUNDS	16
#define EXIT_DONE	0x600D
#define EXIT_BAD	0xBAD

#define AT(va)		(*(volatile uint32_t *)(va))

extern uint8_t sp_call_tmpl[], sp_call_id[], sp_call_end[];
extern uint8_t sp_yield_tmpl[], sp_yield_id1[], sp_yield_id2[], sp_yield_end[];
extern char user_exit_stub[];	/* guest/lib/user.S */

/* Pages for 64 spaces: directory, table, code, data, stack. */
static uint8_t pool[NSPACES * 5][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int pool_used;

struct space {
	uint32_t *pd, *pt;
	uint32_t *code, *data, *stack;	/* physical pages (identity) */
	uint32_t count;			/* the counter as the kernel expects it */
};

struct ctx {
	int started;
	uint32_t eip, esp, eflags, ebx, ecx, edx, esi, edi, ebp;
};

static struct space sp[NSPACES];
static struct ctx ctx[NSPACES];
static uint32_t *kpd;
static int cur, yields, yield_bad;

static void *page(void)
{
	void *p = pool[pool_used++];

	memset(p, 0, PAGE_SIZE);
	return p;
}

static uint32_t ident(int i)
{
	return 0x5A000000u | ((uint32_t)i << 16) | 0x1234;
}

/* The space whose code page sits at `i`'s VA_PROC (changed by the swap). */
static int code_owner[NSPACES], data_owner[NSPACES];

static void build_code(int i)
{
	uint8_t *c = (uint8_t *)sp[i].code;
	uint32_t id = ident(i);

	memcpy(c, sp_call_tmpl, sp_call_end - sp_call_tmpl);
	memcpy(c + (sp_call_id - sp_call_tmpl), &id, 4);
	memcpy(c + YIELD_OFF, sp_yield_tmpl, sp_yield_end - sp_yield_tmpl);
	memcpy(c + YIELD_OFF + (sp_yield_id1 - sp_yield_tmpl), &id, 4);
	memcpy(c + YIELD_OFF + (sp_yield_id2 - sp_yield_tmpl), &id, 4);
}

static void map_user(int i)
{
	struct space *s = &sp[i];

	s->pt[(VA_PROC >> PAGE_SHIFT) & 0x3FF] =
		(uint32_t)sp[code_owner[i]].code | PTE_P | PTE_U;
	s->pt[(VA_DATA >> PAGE_SHIFT) & 0x3FF] =
		(uint32_t)sp[data_owner[i]].data | PTE_P | PTE_U | PTE_W;
	s->pt[(VA_STACK >> PAGE_SHIFT) & 0x3FF] = (uint32_t)s->stack | PTE_P | PTE_U | PTE_W;
}

static void setup(void)
{
	kpd = pg_dir_new();
	pg_identity4k(kpd, 0, PG_IDENT_END, PTE_W | PTE_U);
	for (int i = 0; i < NSPACES; i++) {
		struct space *s = &sp[i];

		s->pd = page();
		s->pt = page();
		s->code = page();
		s->data = page();
		s->stack = page();
		for (uint32_t a = 0; a < PG_IDENT_END; a += LARGE_PAGE_SIZE) {
			uint32_t k = a >> PGDIR_SHIFT;

			/* Odd spaces: 4 MiB identity pages; even: the shared tables. */
			s->pd[k] = i & 1 ? a | PTE_P | PTE_W | PTE_U | PTE_PS : kpd[k];
		}
		s->pd[VA_PROC >> PGDIR_SHIFT] = (uint32_t)s->pt | PTE_P | PTE_W | PTE_U;
		s->count = 0x100 * (uint32_t)i;
		s->data[0] = s->count;
		code_owner[i] = data_owner[i] = i;
		build_code(i);
		map_user(i);
	}
	pg_enable(kpd);
}

/* Runs space i's call template once; checks and counts the result. */
static int run_call(int i, const char *what)
{
	struct space *d = &sp[data_owner[i]];
	uint32_t got, want;

	pg_switch(sp[i].pd);
	got = user_run((uint32_t (*)(void))VA_PROC, VA_STACK + PAGE_SIZE, FL_FIXED);
	d->count++;
	want = d->count ^ ident(code_owner[i]);
	if (!t_check(got == want, "%s: space %d returned 0x%x, expected 0x%x", what, i, got,
		     want))
		return 0;
	/* The kernel sees the same counter through the space's mapping. */
	return t_check(AT(VA_DATA) == d->count, "%s: space %d data 0x%x, expected 0x%x", what,
		       i, AT(VA_DATA), d->count);
}

static void calls_case(void)
{
	int ok = 1;

	t_begin("calls");
	for (int r = 0; r < CALL_ROUNDS && ok; r++) {
		for (int i = 0; i < NSPACES && ok; i++)
			ok = run_call(i, "forward");
		for (int i = NSPACES - 1; i >= 0 && ok; i--)
			ok = run_call(i, "backward");
		for (int i = 0; i < NSPACES && ok; i++)
			ok = run_call((i * 7 + r) % NSPACES, "stride 7");
	}
	pg_switch(kpd);
	for (int i = 0; i < NSPACES; i++)
		t_check(sp[i].data[0] == sp[i].count, "space %d counter 0x%x, expected 0x%x", i,
			sp[i].data[0], sp[i].count);
	gprintf("calls: %d runs\n", ok ? CALL_ROUNDS * 3 * NSPACES : -1);
	t_end();
}

static void swap_case(void)
{
	int ok = 1;

	t_begin("swap_pages");
	/*
	 * kpd is current: every space's tables are written while not in use.
	 * Code pages are exchanged between i and 63 - i; spaces with bit 1
	 * set use the data page of 63 - i, which 63 - i keeps using too: one
	 * physical page shared by two spaces.
	 */
	for (int i = 0; i < NSPACES; i++) {
		code_owner[i] = NSPACES - 1 - i;
		data_owner[i] = i & 2 ? NSPACES - 1 - i : i;
		map_user(i);
	}
	for (int r = 0; r < 2 && ok; r++)
		for (int i = 0; i < NSPACES && ok; i++)
			ok = run_call(i, "swapped");
	/* And back, this time each space changed while it is current. */
	for (int i = 0; i < NSPACES && ok; i++) {
		pg_switch(sp[i].pd);
		code_owner[i] = data_owner[i] = i;
		map_user(i);
		invlpg(VA_PROC);
		invlpg(VA_DATA);
		ok = run_call(i, "restored");
	}
	pg_switch(kpd);
	t_end();
}

static uint32_t yield_hook(struct trapframe *tf)
{
	struct space *s = &sp[cur];
	struct ctx *c = &ctx[cur];
	int next;

	if (tf->eax != SYS_YIELD)
		return (uint32_t)-1;
	s->count++;
	if (!t_check(tf->ebx == ident(cur) && tf->ecx == s->count && s->data[0] == s->count,
		     "yield %d: space %d ebx 0x%x ecx 0x%x data 0x%x, expected 0x%x 0x%x", yields,
		     cur, tf->ebx, tf->ecx, s->data[0], ident(cur), s->count) ||
	    !t_check(tf->esi == c->esi && tf->edi == c->edi && tf->ebp == c->ebp,
		     "yield %d: space %d esi/edi/ebp 0x%x/0x%x/0x%x changed", yields, cur,
		     tf->esi, tf->edi, tf->ebp) ||
	    !t_check(tf->esp == VA_STACK + PAGE_SIZE - 8 &&
			     s->stack[PAGE_SIZE / 4 - 2] == s->count,
		     "yield %d: space %d esp 0x%x, top of stack 0x%x", yields, cur, tf->esp,
		     s->stack[PAGE_SIZE / 4 - 2])) {
		yield_bad = 1;
		tf->eip = (uint32_t)user_exit_stub;
		return EXIT_BAD;
	}
	yields++;
	c->eip = tf->eip;
	c->esp = tf->esp;
	c->eflags = tf->eflags;
	c->ebx = tf->ebx;
	c->ecx = tf->ecx;
	c->edx = tf->edx;
	if (yields == YIELD_ROUNDS * NSPACES) {
		tf->eip = (uint32_t)user_exit_stub;
		return EXIT_DONE;
	}
	next = (cur + 1) % NSPACES;
	c = &ctx[next];
	if (!c->started) {
		c->started = 1;
		c->eip = VA_PROC + YIELD_OFF;
		c->esp = VA_STACK + PAGE_SIZE - 4;	/* as user_run leaves it */
		c->eflags = FL_FIXED;
		c->ebx = c->ecx = c->edx = 0;
		c->esi = 0x01010101u * (uint32_t)next;
		c->edi = ~(uint32_t)next;
		c->ebp = 0xE0000000u + (uint32_t)next;
	}
	tf->eip = c->eip;
	tf->esp = c->esp;
	tf->eflags = c->eflags;
	tf->ebx = c->ebx;
	tf->ecx = c->ecx;
	tf->edx = c->edx;
	tf->esi = c->esi;
	tf->edi = c->edi;
	tf->ebp = c->ebp;
	write_cr3((uint32_t)sp[next].pd);
	cur = next;
	return 0;
}

static void yield_case(void)
{
	volatile uint32_t code = 0;
	int v;

	t_begin("yield_round_robin");
	syscall_set_hook(yield_hook);
	/* Space 0's process starts with every register zero (user_run). */
	ctx[0].started = 1;
	cur = 0;
	pg_switch(sp[0].pd);
	v = TRY(code = user_run((uint32_t (*)(void))(VA_PROC + YIELD_OFF), VA_STACK + PAGE_SIZE,
				FL_FIXED));
	syscall_set_hook(NULL);
	pg_switch(kpd);
	if (t_no_fault("processes", v) && !yield_bad)
		t_eq("exit code", code, EXIT_DONE);
	t_eq("yields", yields, YIELD_ROUNDS * NSPACES);
	for (int i = 0; i < NSPACES; i++)
		t_check(sp[i].data[0] == sp[i].count, "space %d counter 0x%x, expected 0x%x", i,
			sp[i].data[0], sp[i].count);
	gprintf("yield: %d switches\n", yields);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	calls_case();
	swap_case();
	yield_case();
	pg_disable();
}
