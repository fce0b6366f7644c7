/*
 * clock.h: the clocks flowscope reads, in one place.  Coarse monotonic
 * milliseconds for periodic work on the packet path (a vDSO read, no
 * syscall), precise monotonic time for measuring and for the UI's frame
 * pacing, and wall-clock nanoseconds for reports.
 */
#ifndef FLOWSCOPE_CLOCK_H
#define FLOWSCOPE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds, a few ms coarse: cheap enough for every 64th
 * packet. */
static inline uint64_t
clock_coarse_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* Monotonic milliseconds (the same clock as python's time.monotonic()). */
static inline uint64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* Monotonic microseconds. */
static inline uint64_t
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

/* Wall-clock nanoseconds since the epoch, 0 if the clock fails. */
static inline uint64_t
clock_real_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return (0);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

#endif /* FLOWSCOPE_CLOCK_H */
