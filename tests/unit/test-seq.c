/*
 * test-seq.c: serial-number comparison around 0, 2^31 and the 2^32 wrap, and
 * unwrapping 32-bit sequence numbers to 64 bits forwards and backwards across
 * several wraps.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seq.h"

#include <stdint.h>
#include <stdio.h>

#include "tap.h"

static void	 test_compare(void);
static void	 test_unwrap(void);

static void
test_compare(void)
{
	tap_ok(seq_lt(1, 2), "1 < 2");
	tap_ok(!seq_lt(2, 1), "!(2 < 1)");
	tap_ok(!seq_lt(5, 5), "!(5 < 5)");
	tap_ok(seq_leq(5, 5), "5 <= 5");
	tap_ok(seq_geq(5, 5), "5 >= 5");
	tap_ok(!seq_gt(5, 5), "!(5 > 5)");
	tap_ok(seq_lt(0xffffffffu, 0), "0xffffffff < 0 (wrap)");
	tap_ok(seq_gt(0, 0xffffffffu), "0 > 0xffffffff (wrap)");
	tap_ok(seq_lt(0xfffffff0u, 0x10), "0xfffffff0 < 0x10");
	tap_ok(seq_leq(0xfffffff0u, 0x10), "0xfffffff0 <= 0x10");
	tap_ok(!seq_geq(0xfffffff0u, 0x10), "!(0xfffffff0 >= 0x10)");
	tap_is_int(seq_diff(0x10, 0xfffffff0u), 0x20, "diff across wrap +32");
	tap_is_int(seq_diff(0xfffffff0u, 0x10), -0x20, "diff across wrap -32");
	tap_is_int(seq_diff(0, 0), 0, "diff 0");
	/* Just under half the space apart: ordered as expected. */
	tap_ok(seq_lt(0, 0x7fffffffu), "0 < 2^31-1");
	tap_ok(seq_gt(0x7fffffffu, 0), "2^31-1 > 0");
	tap_is_int(seq_diff(0x7fffffffu, 0), INT32_MAX, "diff 2^31-1");
	/* Exactly 2^31 apart: diff is INT32_MIN, both say "less". */
	tap_is_int(seq_diff(0x80000000u, 0), INT32_MIN, "diff 2^31 = INT32_MIN");
	tap_ok(seq_lt(0x80000000u, 0), "2^31 < 0 (half-way is negative)");
	tap_ok(seq_lt(0, 0x80000000u), "0 < 2^31 too (ambiguous point)");
	/* Just over half: wraps around. */
	tap_ok(seq_gt(0, 0x80000001u), "0 > 2^31+1");
	tap_ok(seq_lt(0x80000001u, 0), "2^31+1 < 0");
	tap_ok(seq_lt(0x7fffffffu, 0x80000000u), "2^31-1 < 2^31");
	tap_ok(seq_gt(0x80000000u, 0x7fffffffu), "2^31 > 2^31-1");
	tap_ok(seq_lt(0xffffffffu, 0x7ffffffeu), "2^32-1 < 2^31-2");
}

static void
test_unwrap(void)
{
	uint64_t o = SEQ_UNWRAP_ORIGIN, ref, s;
	uint32_t x;
	int i;

	tap_ok(o >= (uint64_t)1 << 33, "origin leaves room below");
	tap_ok(seq_unwrap_first(0) == o, "first(0) = origin");
	tap_ok(seq_unwrap_first(0xffffffffu) == o + 0xffffffffu,
	    "first(2^32-1) = origin + 2^32-1");
	tap_ok((uint32_t)seq_unwrap_first(12345) == 12345,
	    "first keeps low 32 bits");

	ref = seq_unwrap_first(0xfffffff0u);
	s = seq_unwrap(ref, 0x10);
	tap_ok(s == ref + 0x20, "forward across 2^32: +0x20");
	tap_ok((uint32_t)s == 0x10, "low bits preserved");
	s = seq_unwrap(ref, 0xffffffe0u);
	tap_ok(s == ref - 0x10, "backward without wrap: -0x10");
	s = seq_unwrap(ref, 0xfffffff0u);
	tap_ok(s == ref, "same value unwraps to ref");

	ref = seq_unwrap_first(0x10);
	s = seq_unwrap(ref, 0xfffffff0u);
	tap_ok(s == ref - 0x20, "backward across 2^32: -0x20");
	tap_ok(s < ref, "backward value is smaller");

	ref = seq_unwrap_first(0);
	s = seq_unwrap(ref, 0x7fffffffu);
	tap_ok(s == ref + 0x7fffffffu, "+2^31-1 is forward");
	s = seq_unwrap(ref, 0x80000001u);
	tap_ok(s == ref - 0x7fffffffu, "+2^31+1 is backward");
	s = seq_unwrap(ref, 0x80000000u);
	tap_ok(s == ref - 0x80000000u, "exactly 2^31 is backward");

	/* Walk forward over 5 wraps in 1 GiB steps, tracking the highest. */
	ref = seq_unwrap_first(0xc0000000u);
	x = 0xc0000000u;
	for (i = 0; i < 20; i++) {
		x += 0x40000000u;
		s = seq_unwrap(ref, x);
		if (s != ref + 0x40000000u)
			break;
		ref = s;
	}
	tap_is_int(i, 20, "20 forward steps of 2^30 unwrap monotonically");
	tap_ok(ref == seq_unwrap_first(0xc0000000u) + 20ull * 0x40000000u,
	    "5 wraps forward: ref = first + 5 * 2^32");
	tap_ok((uint32_t)ref == x, "low bits still the wire value");
	/* Now walk back down the same way. */
	for (i = 0; i < 20; i++) {
		x -= 0x40000000u;
		s = seq_unwrap(ref, x);
		if (s != ref - 0x40000000u)
			break;
		ref = s;
	}
	tap_is_int(i, 20, "20 backward steps of 2^30 unwrap monotonically");
	tap_ok(ref == seq_unwrap_first(0xc0000000u), "back to the start");
	/* A value far above a large ref still lands within +-2^31. */
	ref = o + 7ull * 0x100000000ull + 5;
	s = seq_unwrap(ref, 3);
	tap_ok(s == ref - 2, "ref in 8th epoch, seq 3 -> ref - 2");
	s = seq_unwrap(ref, 0xfffffffdu);
	tap_ok(s == ref - 8, "ref in 8th epoch, seq -3 -> ref - 8 (prev epoch)");
}

int
main(void)
{
	tap_plan_none();
	test_compare();
	test_unwrap();
	return (tap_done());
}
