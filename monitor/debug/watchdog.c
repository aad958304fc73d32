/* The guest watchdog (see watchdog.h). */
#include "monitor/debug/debug.h"

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "dt/dt.h"
#include "lib/log.h"
#include "monitor/guest.h"

static uint64_t last, period;
static uint32_t translations;

static void wd_poll(uint64_t now)
{
	if (guest_watch.progress || dt_stats.translations != translations) {
		guest_watch.progress = 0;
		translations = dt_stats.translations;
		last = now;
	} else if (now - last >= period) {
		guest_watch.fired = 1;
	}
}

/* Looks again a quarter period after the last progress seen, so a stuck
   guest is caught between one and one and a quarter periods. */
static uint64_t wd_next(uint64_t now)
{
	uint64_t t = last + period;

	if (guest_watch.fired)
		return CLOCK_NEVER;
	if (t <= now)
		return now + period / 4;
	return t;
}

static const struct dev_timed wd_timed = { "watchdog", wd_poll, wd_next };

void watchdog_init(uint32_t seconds)
{
	if (!seconds)
		return;
	guest_watch.seconds = seconds;
	period = (uint64_t)seconds * NS_PER_SEC;
	last = clock_ns();
	dev_add_timed(&wd_timed);
	dev_sync();
	log_info("watchdog", "a guest without progress for %u s is stopped", seconds);
}
