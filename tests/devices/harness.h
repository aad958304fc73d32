/*
 * Host-side unit tests of hv's device models (tests/devices/): the model
 * files are compiled for the host as they are; harness.c stands in for
 * what they use from the rest of hv (the port table, the clock, the
 * interrupt lines, the log) and for the real hardware behind
 * io_native_read/io_native_write (a plain array of port values).
 */
#ifndef TESTS_DEVICES_HARNESS_H
#define TESTS_DEVICES_HARNESS_H

#include <setjmp.h>
#include <stdint.h>

/* The fake machine. */
extern uint8_t real_port[65536];	/* what io_native_read returns */
extern uint64_t fake_now;		/* clock_ns() */
/* The guest's TSC, clock_tsc(): FAKE_TSC_PER_NS ticks a nanosecond. */
#define FAKE_TSC_PER_NS	3
extern int line_level[16];		/* irq_set_isa: current levels ... */
extern int line_edges[16];		/* ... and rising edges seen */
extern int route_to_vpic;		/* irq_set_isa also drives vpic */
extern char real_out[4096];		/* bytes written to real UART THRs */
extern int nreal_out;
extern int real_writes_64;		/* writes to the real port 0x64 */
extern uint8_t real_last_64;

/*
 * drivers/platform.c's resets: plat_reset calls hv's integrity check
 * (exit_hooks.check), which the harness makes count the reset and jump
 * back.  EXPECT_RESET(stmt) runs stmt and comes back after a reset.
 */
extern jmp_buf plat_reset_jmp;
extern int plat_resets;
void harness_catch_resets(int on);
#define EXPECT_RESET(stmt) \
	do { \
		harness_catch_resets(1); \
		if (!setjmp(plat_reset_jmp)) { \
			stmt; \
		} \
		harness_catch_resets(0); \
	} while (0)

/* Port access as the guest makes it (through the registered model, with
   the dev_sync before and after that the real trampoline does). */
uint32_t gin(uint16_t port, int size);
void gout(uint16_t port, int size, uint32_t v);
static inline uint8_t inb_g(uint16_t port) { return (uint8_t)gin(port, 1); }
static inline void outb_g(uint16_t port, uint8_t v) { gout(port, 1, v); }
/* Advances the fake clock and runs the timed models, as a wake-up would. */
void advance_ns(uint64_t ns);
/* Earliest deadline any timed model asks for (CLOCK_NEVER if none). */
uint64_t next_deadline(void);
/* Forgets every registration (between model tests). */
void harness_reset(void);

/* Results: one "PASS devices-unit: GROUP" or "FAIL ..." line per group. */
void check_at(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK(c, ...) check_at(!!(c), __FILE__, __LINE__, __VA_ARGS__)
/* seen is evaluated once: it is often a port read. */
#define CHECK_EQ(what, seen, want) \
	do { \
		unsigned long long seen_ = (unsigned long long)(seen); \
		unsigned long long want_ = (unsigned long long)(want); \
		check_at(seen_ == want_, __FILE__, __LINE__, "%s: saw 0x%llx, want 0x%llx", \
			 what, seen_, want_); \
	} while (0)
void group(const char *name);	/* ends the previous group's line */
int groups_failed(void);

void test_vpic(void);
void test_vpit(void);
void test_vuart(void);
void test_vrtc(void);
void test_vkbd(void);
void test_vpci(void);
void test_platform(void);
void test_idedma(void);
void test_vlapic(void);
void test_vlapic_msgs(void);
void test_vlapic_timer(void);
void test_vioapic(void);
void test_irq(void);

#endif
