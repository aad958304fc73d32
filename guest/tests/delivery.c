/*
 * Faults during exception delivery, for scripts/test-delivery.sh (not in
 * MANIFEST: most cases end in a triple fault).  SDM vol. 3A 6.12.1 (the
 * checks and pushes of delivery through an interrupt or trap gate, the
 * stack switch from SS0:ESP0 of the TSS), 6.13 (error codes: a selector
 * or IDT index with EXT and IDT in bits 0-1), 6.15 (table 6-4: #DE #TS
 * #NP #SS #GP are contributory; table 6-5: a contributory fault while
 * delivering a contributory one, or a contributory or page fault while
 * delivering a #PF, becomes #DF; any other pair is handled serially; a
 * fault while delivering #DF shuts the processor down: a triple fault),
 * 7.2 (the TSS's SS0 and ESP0).
 *
 * Arguments: case=NAME ring=0|3 (the CPL of the instruction that raises
 * the first event; from ring 3 delivery switches to SS0:ESP0 of the TSS)
 * and, for the cases that say so, event=int|intgp|intnp|ud|gp (the first
 * event: int $0x40 through a present DPL-3 gate; int $0x41 through a gate
 * of a reserved type, #GP(0x20a); int $0x42 through a DPL-3 gate whose
 * code segment is not present, #NP(0x30), raised before any stack is
 * used: INT n's operation checks the new code segment before the stack;
 * ud2, #UD; a load of FS with a selector beyond the GDT, #GP(0x138)).
 *
 *   pf-df-unmapped  #PF and #DF gates to handler code on unmapped pages,
 *                   then a read of an unmapped page: every fetch of the #PF
 *                   handler faults again and pushes one more frame, until
 *                   the test stack (two pages over an unmapped one) is
 *                   full; the next #PF cannot be pushed: #DF, whose push
 *                   faults too: triple fault.
 *   pf-gate-np      the #PF gate not present: #NP while delivering #PF:
 *                   #DF, to a working handler (ends with END).
 *   idt-limit0      IDT limit 0, then the event (default ud): #GP for the
 *                   IDT entry, and so on: triple fault.
 *   idt-unmapped    the IDT on an unmapped page, then the event (default
 *                   ud): #PF reading the gate, and so on: triple fault.
 *   cs-np           gates to a code segment that is not present, through a
 *                   selector of RPL rpl=N (default 2; the RPL of a gate's
 *                   selector is not checked): INT n and a #UD give
 *                   #NP(selector), delivered to the #NP handler; a #GP
 *                   gives #NP during #GP delivery: #DF, delivered to a
 *                   working #DF handler (ends with END).
 *   ss0-bad         (ring 3) SS0 = ss0=SEL (default 0, the null selector)
 *                   during the event (default int): #TS, and again for the
 *                   #TS: #DF, and again: triple fault.
 *   esp0-unmapped   (ring 3) ESP0 on an unmapped page during the event
 *                   (default int): #PF pushing the frame, again for the
 *                   #PF: #DF, again: triple fault.
 *   gp-in-gp        the #GP handler faults with a #GP of its own (after
 *                   delivery): the second entry returns past the handler's
 *                   faulting load, the first past the original one (ends
 *                   with END).
 *   pf-push         the stack pointer (ring 0: ESP; ring 3: ESP0) 8 bytes
 *                   above an unmapped page during the event (default
 *                   int): the third dword of the frame faults; the #PF's
 *                   frame faults the same way: #DF, again: triple fault.
 *
 * Every line printed is deterministic: vectors, error codes, EIPs relative
 * to the snippets' labels (delivery.S), CS RPLs, CR2 and stack pointers
 * inside the guest's own layout.  A case that triple-faults prints its
 * setup and then nothing (natively QEMU with -no-reboot shuts down, exit
 * status 0); one that ends prints "ok delivery.CASE" and END.
 *
 * Where QEMU 7.2 (TCG) and the SDM disagree, the guest checks only what
 * both agree on and prints the exact value, so the differential test
 * follows QEMU: QEMU never sets EXT in the error code of a fault raised
 * while delivering an event (SDM 6.13: EXT = 1 when the event being
 * delivered was external to the program, as a #UD or #GP is), and the EIP
 * and CS a #DF pushes are undefined in the SDM (an abort, 6.15 interrupt
 * 8) while QEMU pushes those of the first event's instruction.
 */
#include <stdarg.h>

#include "guest/lib/guest.h"
#include "guest/tests/delivery.h"
#include "lib/uart.h"

GUEST_NAME("delivery");

extern char dv_int_at[], dv_int_after[], dv_intgp_at[], dv_intnp_at[];
extern char dv_ud_at[], dv_ud_after[], dv_gp_at[], dv_gp_after[];
extern char dv_gp_inner_at[], dv_gp_inner_after[];
extern char dv_touch_at[], dv_touch_after[];
void dv_int(void);
void dv_intgp(void);
void dv_intnp(void);
void dv_ud(void);
void dv_gp(void);
void dv_gp_inner(void);
void dv_touch(void);
void dv_stack_call(uint32_t esp, void (*fn)(void));

#define GATE_P		((uint64_t)DESC_P << 40)
#define SEL_ERR(sel)	((sel) & ~3u)		/* error code naming a selector */

/* The first events (see the top). */
struct event {
	const char *name, *what;
	void (*fn)(void);
};

static const struct event events[] = {
	{ "int", "int $0x40", dv_int },
	{ "intgp", "int $0x41 (a gate of a reserved type)", dv_intgp },
	{ "intnp", "int $0x42 (a gate to a code segment not present)", dv_intnp },
	{ "ud", "ud2", dv_ud },
	{ "gp", "a load of fs beyond the gdt", dv_gp },
};

/* Labels for printing EIPs. */
static const struct {
	const char *name;
	const char *at;
} labels[] = {
	{ "int", dv_int_at }, { "intgp", dv_intgp_at }, { "intnp", dv_intnp_at },
	{ "ud", dv_ud_at },
	{ "gp", dv_gp_at }, { "gp_inner", dv_gp_inner_at }, { "touch", dv_touch_at },
};

static int ring;
static const char *case_name;

/* --- what handlers saw ---------------------------------------------- */

struct seen {
	uint32_t vec, err, eip, cs, cr2, esp, ss;
	uint32_t frame;		/* where the trap frame was */
};

#define MAX_SEEN	4
static struct seen seen[MAX_SEEN];
static volatile uint32_t nseen;
static volatile uint32_t resume_at;

static void record(const struct trapframe *tf)
{
	if (nseen < MAX_SEEN) {
		struct seen *s = &seen[nseen];

		s->vec = tf->vector;
		s->err = tf->errcode;
		s->eip = tf->eip;
		s->cs = tf->cs & 0xFFFF;
		s->cr2 = trap_cr2;
		s->esp = (tf->cs & 3) ? tf->esp : 0;
		s->ss = (tf->cs & 3) ? tf->ss & 0xFFFF : 0;
		s->frame = (uint32_t)tf;
	}
	nseen++;
}

/* Records the event and resumes where the case said (once). */
static void catch_trap(struct trapframe *tf)
{
	record(tf);
	if (!resume_at)
		guest_abort("vector %u at eip 0x%08x with no resume point", tf->vector,
			    tf->eip);
	tf->eip = resume_at;
	resume_at = 0;
}

static void expect_at(const char *label)
{
	nseen = 0;
	resume_at = (uint32_t)label;
}

/* An EIP as label+offset (the nearest label at or below it). */
static void print_eip(uint32_t eip)
{
	const char *best = NULL;
	uint32_t off = 0;

	for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		uint32_t a = (uint32_t)labels[i].at;

		if (eip >= a && (!best || eip - a < off)) {
			best = labels[i].name;
			off = eip - a;
		}
	}
	if (best && off < 64)
		gprintf("%s+%u", best, off);
	else
		gprintf("%08x", eip);
}

static uint32_t user_top(void)
{
	return (uint32_t)(user_stack + USER_STACK_SIZE);
}

static void show(const char *who, const struct seen *s, int with_cr2)
{
	gprintf("delivery: %s: vector %u err 0x%x eip ", who, s->vec, s->err);
	print_eip(s->eip);
	gprintf(" cs rpl %u", s->cs & 3);
	if (with_cr2)
		gprintf(" cr2 %08x", s->cr2);
	if (s->cs & 3)
		gprintf(" from ss rpl %u esp top-%u", s->ss & 3, user_top() - s->esp);
	gprintf("\n");
}

/* --- running the first event ------------------------------------------ */

static const struct event *find_event(const char *def)
{
	const char *e = guest_arg("event");

	if (!e)
		e = def;
	for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i].name, e))
			return &events[i];
	guest_abort("unknown event=%s (int, intgp, intnp, ud, gp)", e);
}

/* The gates the events use, all DPL 3 (ring 3 may use them): 0x40
   present, 0x41 of type 0 (reserved), 0x42 to a code segment (DPL 0)
   that is not present. */
static void event_gates(void)
{
	idt_set_gate(DV_VEC_INT, (const void *)trap_vector_table[DV_VEC_INT],
		     SYS_INTGATE32, 3);
	idt_set(DV_VEC_BADTYPE, GATE_DESC(SEL_KCODE, trap_vector_table[DV_VEC_BADTYPE],
					  0, 3));
	gdt_set(DV_GDT_NP, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0) & ~DESC_P, FLAT_FLAGS));
	idt_set(DV_VEC_NPCS, GATE_DESC(DV_SEL_NP_ERR, trap_vector_table[DV_VEC_NPCS],
				       SYS_INTGATE32, 3));
}

/* Runs fn at the case's ring (at ring 0 on esp when esp is not 0). */
static void run_at_ring(void (*fn)(void), uint32_t esp)
{
	if (ring == 3)
		user_call((uint32_t (*)(void))fn);
	else if (esp)
		dv_stack_call(esp, fn);
	else
		fn();
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gprintf("delivery: %s ring %d: %s\n", case_name, ring, buf);
}

/*
 * The end of a case that must triple-fault: the event is raised and
 * nothing may come back (nothing can be delivered any more).  If it does
 * come back, the case fails.
 */
static void fatal_event(const struct event *ev, uint32_t esp)
{
	say("then %s", ev->what);
	uart_drain(PORT_COM1);
	run_at_ring(ev->fn, esp);
	t_fail("%s came back: expected a triple fault", ev->what);
}

/* --- paging ---------------------------------------------------------- */

static uint32_t *pd;

/* The low 16 MiB 1:1 (user-accessible: ring 3 runs the image), the test
   stack at DV_STACK (supervisor), everything else not present. */
static void paging_on(void)
{
	pd = pg_dir_new();
	pg_identity4m(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_map4k(pd, DV_STACK, (uint32_t)pg_alloc(), PTE_W);
	pg_map4k(pd, DV_STACK + PAGE_SIZE, (uint32_t)pg_alloc(), PTE_W);
	pg_enable(pd);
	if (pg_entry(pd, DV_STACK_HOLE) && (*pg_entry(pd, DV_STACK_HOLE) & PTE_P))
		guest_abort("the page below the test stack is mapped");
}

/* --- the cases -------------------------------------------------------- */

/*
 * The #PF handler's code is not mapped: the read of DV_HOLE is a #PF,
 * delivered (the frame pushed, CS:EIP loaded); the fetch at the handler is
 * a new #PF (after delivery, so handled as a new event), pushed below the
 * first, and so on: 16 bytes a frame from ring 0, until the push reaches
 * DV_STACK_HOLE.  That #PF while delivering #PF is #DF (table 6-5); its
 * push faults as well: triple fault.  The #DF handler (unmapped too) is
 * never reached.
 */
static void case_pf_df_unmapped(void)
{
	paging_on();
	idt_set_gate(EXC_PF, (const void *)DV_CODE_HOLE, SYS_INTGATE32, 0);
	idt_set_gate(EXC_DF, (const void *)(DV_CODE_HOLE + PAGE_SIZE), SYS_INTGATE32, 0);
	if (ring == 3)
		tss.t.esp0 = DV_STACK_TOP;
	say("#PF handler at %08x, #DF handler at %08x (not mapped), stack %08x-%08x "
	    "over the unmapped page %08x", DV_CODE_HOLE, DV_CODE_HOLE + PAGE_SIZE,
	    DV_STACK, DV_STACK_TOP, DV_STACK_HOLE);
	say("then a read of %08x (not mapped)", DV_HOLE);
	uart_drain(PORT_COM1);
	run_at_ring(dv_touch, DV_STACK_TOP);
	t_fail("the read came back: expected a triple fault");
}

/*
 * The #PF gate is not present: delivering the read's #PF raises
 * #NP(14 * 8 + 2 + EXT), a contributory fault while delivering a #PF:
 * #DF (error code 0), delivered to the library's gate for vector 8, whose
 * handler resumes after the read.  CR2 holds the read's address (loaded
 * when the #PF was raised).
 */
static void case_pf_gate_np(void)
{
	const struct seen *s = &seen[0];

	paging_on();
	idt_set(EXC_PF, idt_get(EXC_PF) & ~GATE_P);
	trap_set_handler(EXC_DF, catch_trap);
	say("#PF gate not present, #DF gate working, then a read of %08x", DV_HOLE);
	expect_at(dv_touch_after);
	run_at_ring(dv_touch, 0);
	idt_restore(EXC_PF);
	trap_set_handler(EXC_DF, NULL);
	if (!t_eq("events delivered", nseen, 1))
		return;
	show("#DF handler", s, 1);
	t_eq("vector", s->vec, EXC_DF);
	t_eq("#DF error code", s->err, 0);
	t_eq("cr2", s->cr2, DV_HOLE);
	/* EIP and CS of a #DF are undefined (SDM 6.15, interrupt 8): printed
	   only.  From ring 3 the #DF came through SS0:ESP0. */
	if (ring == 3)
		t_eq("ss:esp pushed from ring 3", s->ss, SEL_UDATA);
}

/*
 * The IDT's limit is 0, so no gate lies inside it: the event's gate is
 * #GP(vec * 8 + 2 + EXT), that #GP's own gate is #GP again (contributory
 * during contributory: #DF), and #DF's gate is #GP: triple fault.
 */
static void case_idt_limit0(void)
{
	const struct event *ev = find_event("ud");

	event_gates();
	say("IDT limit 0");
	idt_load_limit(0);
	fatal_event(ev, 0);
	idt_load_limit(IDT_LIMIT);
}

/*
 * The IDT on a page that is not mapped: reading the event's gate is a #PF
 * (a supervisor read), reading the #PF's gate is #PF during #PF: #DF, and
 * reading the #DF's gate faults: triple fault.
 */
static void case_idt_unmapped(void)
{
	const struct event *ev = find_event("ud");
	struct dtr d = { IDT_LIMIT, DV_HOLE };

	paging_on();
	event_gates();
	say("IDT at %08x (not mapped)", DV_HOLE);
	lidt(&d);
	fatal_event(ev, 0);
	idt_load_limit(IDT_LIMIT);
}

/*
 * Gates whose code segment (DPL 0) is not present: #NP(selector + EXT)
 * (SDM 6.12.1.1 and INT n's operation: "IF new code segment is not
 * present THEN #NP(error_code(new code-segment selector,0,EXT))"), a
 * fault of the event's delivery, so pushed with the EIP of the event's
 * instruction.  The gates' selector has RPL rpl=N (default 2): INT n's
 * operation checks the selector for null, the table limit, a code
 * segment, its DPL against the CPL and P, never the selector's RPL (the
 * handler's CPL is the segment's DPL), and the error code replaces the
 * RPL with EXT and IDT (6.13).
 *   1. int $0x40: a software interrupt, EXT = 0: #NP(0x30), delivered to
 *      the library's (working) #NP gate.
 *   2. ud2 (#UD, benign): #NP(0x30 + EXT), handled serially: the #NP
 *      handler.  QEMU pushes 0x30 (no EXT); the check ignores EXT.
 *   3. a #GP (contributory) whose gate is the same: #NP during #GP: #DF.
 *      The #DF gate is the library's, so this case ends in the #DF
 *      handler, not in a triple fault.
 * Each handler resumes after the instruction.
 */
static void case_cs_np(void)
{
	const struct seen *s = &seen[0];
	const void *any = (const void *)trap_vector_table[0];
	uint16_t gsel = (uint16_t)(DV_SEL_NP_ERR | (guest_arg_u32("rpl", 2) & 3));

	gdt_set(DV_GDT_NP, SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0) & ~DESC_P, FLAT_FLAGS));
	trap_set_handler(EXC_NP, catch_trap);
	trap_set_handler(EXC_DF, catch_trap);
	say("code segment %04x not present", DV_SEL_NP_ERR);

	idt_set(DV_VEC_INT, GATE_DESC(gsel, (uint32_t)any, SYS_INTGATE32, 3));
	say("int $0x40 through a DPL-3 gate to %04x", gsel);
	expect_at(dv_int_after);
	run_at_ring(dv_int, 0);
	if (t_eq("int: events delivered", nseen, 1)) {
		show("int $0x40", s, 0);
		t_eq("int: vector", s->vec, EXC_NP);
		t_eq("int: error code (EXT 0)", s->err, DV_SEL_NP_ERR);
		t_eq("int: eip", s->eip, (uint32_t)dv_int_at);
		t_eq("int: cs rpl", s->cs & 3, (uint32_t)ring);
	}

	idt_set(EXC_UD, GATE_DESC(gsel, (uint32_t)any, SYS_INTGATE32, 0));
	say("ud2 with the #UD gate to %04x", gsel);
	expect_at(dv_ud_after);
	run_at_ring(dv_ud, 0);
	idt_restore(EXC_UD);
	if (t_eq("ud: events delivered", nseen, 1)) {
		show("ud2", s, 0);
		t_eq("ud: vector", s->vec, EXC_NP);
		t_eq_mask("ud: error code (EXT not checked)", s->err, DV_SEL_NP_ERR, ~1u);
		t_eq("ud: eip", s->eip, (uint32_t)dv_ud_at);
		t_eq("ud: cs rpl", s->cs & 3, (uint32_t)ring);
	}

	idt_set(EXC_GP, GATE_DESC(gsel, (uint32_t)any, SYS_INTGATE32, 0));
	say("a #GP with the #GP gate to %04x", gsel);
	expect_at(dv_gp_after);
	run_at_ring(dv_gp, 0);
	idt_restore(EXC_GP);
	if (t_eq("gp: events delivered", nseen, 1)) {
		show("#GP", s, 0);
		t_eq("gp: vector", s->vec, EXC_DF);
		t_eq("gp: #DF error code", s->err, 0);
	}
	trap_set_handler(EXC_NP, NULL);
	trap_set_handler(EXC_DF, NULL);
}

/*
 * From ring 3 the event's gate (DPL 0 code) needs the ring-0 stack:
 * SS0 = the null selector is #TS(EXT), a selector of a descriptor that is
 * not a writable data segment of DPL 0 is #TS(selector + EXT) (INT n's
 * operation).  The #TS's own delivery needs SS0 again: #TS during #TS is
 * #DF, and again: triple fault.  (A valid SS0 whose segment is not present
 * is #SS(selector + EXT) in the SDM, #TS in QEMU 7.2; both are
 * contributory, so that too ends in a triple fault.)
 */
static void case_ss0_bad(void)
{
	const struct event *ev = find_event("int");
	uint32_t ss0 = guest_arg_u32("ss0", 0);

	event_gates();
	say("SS0 %04x in the TSS", ss0);
	tss.t.ss0 = (uint16_t)ss0;
	fatal_event(ev, 0);
	tss.t.ss0 = SEL_KDATA;
}

/*
 * From ring 3, ESP0 on a page that is not mapped: the first push of the
 * frame (SS, at ESP0 - 4) is a #PF (a supervisor write), the #PF's frame
 * faults the same way: #DF, and again: triple fault.
 */
static void case_esp0_unmapped(void)
{
	const struct event *ev = find_event("int");
	uint32_t esp0 = DV_STACK_HOLE + PAGE_SIZE / 2;

	paging_on();
	event_gates();
	say("ESP0 %08x (not mapped)", esp0);
	tss.t.esp0 = esp0;
	fatal_event(ev, 0);
}

/*
 * The #GP handler runs (delivery done) and faults with a #GP of its own:
 * not a fault during delivery, so a new event, delivered on the handler's
 * stack (same privilege: no stack switch, the frame below the first).
 * Entry 2 resumes after the handler's load, entry 1 after the first.
 */
static volatile uint32_t gp_depth, gp_entries, gp_back;

static void gp_nested(struct trapframe *tf)
{
	uint32_t n = ++gp_depth;

	gp_entries++;
	record(tf);
	if (n == 1) {
		dv_gp_inner();	/* faults: entry 2 */
		gp_back = gp_entries;
		tf->eip = (uint32_t)dv_gp_after;
	} else {
		tf->eip = (uint32_t)dv_gp_inner_after;
	}
	gp_depth--;
}

static void case_gp_in_gp(void)
{
	trap_set_handler(EXC_GP, gp_nested);
	say("the #GP handler loads fs with %04x", DV_SEL_BEYOND2);
	nseen = 0;
	run_at_ring(dv_gp, 0);
	trap_set_handler(EXC_GP, NULL);
	if (!t_eq("entries", gp_entries, 2))
		return;
	show("entry 1", &seen[0], 0);
	show("entry 2", &seen[1], 0);
	gprintf("delivery: entry 1 went on after entry 2 returned: %s\n",
		gp_back == 2 ? "yes" : "no");
	t_eq("entry 1 vector", seen[0].vec, EXC_GP);
	t_eq("entry 1 error code", seen[0].err, SEL_ERR(DV_SEL_BEYOND));
	t_eq("entry 1 eip", seen[0].eip, (uint32_t)dv_gp_at);
	t_eq("entry 1 cs rpl", seen[0].cs & 3, (uint32_t)ring);
	t_eq("entry 2 vector", seen[1].vec, EXC_GP);
	t_eq("entry 2 error code", seen[1].err, SEL_ERR(DV_SEL_BEYOND2));
	t_eq("entry 2 eip", seen[1].eip, (uint32_t)dv_gp_inner_at);
	t_eq("entry 2 cs rpl", seen[1].cs & 3, 0);
	t_check(seen[1].frame < seen[0].frame,
		"entry 2's frame (%08x) not below entry 1's (%08x)", seen[1].frame,
		seen[0].frame);
	t_eq("entry 1 went on after entry 2", gp_back, 2);
}

/*
 * The stack pointer 8 bytes above a page that is not mapped (ring 0: ESP
 * at the event; ring 3: ESP0): the frame's third dword (ring 0: EIP;
 * ring 3: EFLAGS) is a #PF.  The #PF's frame (as long, or longer) faults
 * the same way: #PF during #PF, #DF, and again: triple fault.
 */
static void case_pf_push(void)
{
	const struct event *ev = find_event("int");
	uint32_t esp = DV_STACK + 8;

	paging_on();
	event_gates();
	if (ring == 3) {
		say("ESP0 %08x, the page below it not mapped", esp);
		tss.t.esp0 = esp;
	} else {
		say("ESP %08x, the page below it not mapped", esp);
	}
	/* dv_stack_call's CALL pushes 4 bytes: the event runs at esp. */
	fatal_event(ev, esp + 4);
}

static const struct {
	const char *name;
	int ring3_only;
	void (*fn)(void);
} cases[] = {
	{ "pf-df-unmapped", 0, case_pf_df_unmapped },
	{ "pf-gate-np", 0, case_pf_gate_np },
	{ "idt-limit0", 0, case_idt_limit0 },
	{ "idt-unmapped", 0, case_idt_unmapped },
	{ "cs-np", 0, case_cs_np },
	{ "ss0-bad", 1, case_ss0_bad },
	{ "esp0-unmapped", 1, case_esp0_unmapped },
	{ "gp-in-gp", 0, case_gp_in_gp },
	{ "pf-push", 0, case_pf_push },
};

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	(void)mbi;
	ring = (int)guest_arg_u32("ring", 0);
	if (ring != 0 && ring != 3)
		guest_abort("ring=%d: 0 or 3", ring);
	for (unsigned i = 0; c && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].name, c))
			continue;
		if (cases[i].ring3_only && ring != 3)
			guest_abort("case=%s needs ring=3", c);
		case_name = c;
		t_begin(c);
		cases[i].fn();
		t_end();
		return;
	}
	guest_abort("case=%s: one of pf-df-unmapped pf-gate-np idt-limit0 idt-unmapped "
		    "cs-np ss0-bad esp0-unmapped gp-in-gp pf-push", c ? c : "(none)");
}
