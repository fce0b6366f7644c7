/*
 * test-cursor.c: every cursor.h reader at its exact edges (0 bytes left,
 * len - 1, len, SIZE_MAX lengths) and the sticky error.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cursor.h"

#include <stdint.h>
#include <stdio.h>

#include "tap.h"

static const uint8_t buf[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08 };

static void
test_empty(void)
{
	struct cursor c = cur_make(buf, 0);
	uint8_t out[2] = { 0xaa, 0xbb };

	tap_is_int((long long)cur_left(&c), 0, "empty: nothing left");
	tap_ok(cur_has(&c, 0), "empty: has 0 bytes");
	tap_ok(!cur_has(&c, 1), "empty: has not 1 byte");
	tap_ok(!c.err, "empty: cur_has does not set err");
	tap_ok(cur_skip(&c, 0), "empty: skip 0 succeeds");
	tap_is_int(cur_u8(&c), 0, "empty: u8 returns 0");
	tap_ok(c.err, "empty: u8 sets err");
	c = cur_make(buf, 0);
	tap_is_int(cur_be16(&c), 0, "empty: be16 0");
	c = cur_make(buf, 0);
	tap_is_int(cur_be32(&c), 0, "empty: be32 0");
	c = cur_make(buf, 0);
	tap_is_int(cur_le16(&c), 0, "empty: le16 0");
	c = cur_make(buf, 0);
	tap_is_int(cur_le32(&c), 0, "empty: le32 0");
	c = cur_make(buf, 0);
	tap_ok(!cur_bytes(&c, out, 2) && out[0] == 0 && out[1] == 0,
	    "empty: bytes fails and zero-fills");
	c = cur_make(buf, 0);
	tap_is_int(cur_peek_u8(&c, 0), 0, "empty: peek u8 0");
	tap_is_int(cur_peek_be16(&c, 0), 0, "empty: peek be16 0");
	tap_ok(!c.err, "empty: peeks do not set err");
	c = cur_make(NULL, 0);
	tap_is_int((long long)cur_left(&c), 0, "NULL, 0: nothing left");
}

static void
test_exact(void)
{
	struct cursor c;
	uint8_t out[8];

	/* Each reader with exactly its size, and with one byte short. */
	c = cur_make(buf, 1);
	tap_is_int(cur_u8(&c), 0x01, "u8 with 1 byte");
	tap_ok(!c.err && cur_left(&c) == 0, "u8 consumed it, no err");

	c = cur_make(buf, 2);
	tap_is_int(cur_be16(&c), 0x0102, "be16 with 2 bytes");
	tap_ok(!c.err && cur_left(&c) == 0, "be16 exact no err");
	c = cur_make(buf, 1);
	tap_is_int(cur_be16(&c), 0, "be16 with 1 byte is 0");
	tap_ok(c.err && c.p == buf, "be16 short: err, not advanced");

	c = cur_make(buf, 2);
	tap_is_int(cur_le16(&c), 0x0201, "le16 with 2 bytes");
	c = cur_make(buf, 1);
	tap_is_int(cur_le16(&c), 0, "le16 with 1 byte is 0");
	tap_ok(c.err, "le16 short sets err");

	c = cur_make(buf, 4);
	tap_is_int(cur_be32(&c), 0x01020304, "be32 with 4 bytes");
	tap_ok(!c.err && cur_left(&c) == 0, "be32 exact no err");
	c = cur_make(buf, 3);
	tap_is_int(cur_be32(&c), 0, "be32 with 3 bytes is 0");
	tap_ok(c.err && c.p == buf, "be32 short: err, not advanced");

	c = cur_make(buf, 4);
	tap_is_int(cur_le32(&c), 0x04030201, "le32 with 4 bytes");
	c = cur_make(buf, 3);
	tap_is_int(cur_le32(&c), 0, "le32 with 3 bytes is 0");

	c = cur_make(buf, 8);
	tap_ok(cur_bytes(&c, out, 8) && out[7] == 0x08, "bytes exact 8");
	c = cur_make(buf, 7);
	tap_ok(!cur_bytes(&c, out, 8) && out[0] == 0, "bytes 8 of 7 fails");

	c = cur_make(buf, 8);
	tap_ok(cur_skip(&c, 8) && cur_left(&c) == 0, "skip exact");
	c = cur_make(buf, 8);
	tap_ok(!cur_skip(&c, 9) && c.err, "skip len+1 fails");
	c = cur_make(buf, 8);
	tap_ok(!cur_skip(&c, SIZE_MAX) && c.err && c.p == buf,
	    "skip SIZE_MAX fails without moving");
	c = cur_make(buf, 8);
	cur_u8(&c);
	tap_ok(!cur_skip(&c, SIZE_MAX), "skip SIZE_MAX after a read fails");

	c = cur_make(buf, 8);
	tap_is_int(cur_peek_u8(&c, 7), 0x08, "peek u8 at last byte");
	tap_is_int(cur_peek_u8(&c, 8), 0, "peek u8 past end is 0");
	tap_is_int(cur_peek_u8(&c, SIZE_MAX), 0, "peek u8 SIZE_MAX is 0");
	tap_is_int(cur_peek_be16(&c, 6), 0x0708, "peek be16 at last 2");
	tap_is_int(cur_peek_be16(&c, 7), 0, "peek be16 one short is 0");
	tap_is_int(cur_peek_be16(&c, SIZE_MAX), 0, "peek be16 SIZE_MAX 0");
	tap_is_int(cur_peek_be16(&c, SIZE_MAX - 1), 0,
	    "peek be16 SIZE_MAX-1 0");
	tap_ok(!c.err && c.p == buf, "peeks neither move nor set err");
	tap_ok(cur_has(&c, 8) && !cur_has(&c, 9) && !cur_has(&c, SIZE_MAX),
	    "has at 8, 9, SIZE_MAX");
}

static void
test_sub(void)
{
	struct cursor c = cur_make(buf, 8), s;
	bool clamped;

	cur_skip(&c, 2);
	s = cur_sub(&c, 4, &clamped);
	tap_ok(!clamped && cur_left(&s) == 4 && cur_peek_u8(&s, 0) == 3,
	    "sub of 4 within 6");
	tap_is_int((long long)cur_offset(&c), 2, "parent offset unchanged");
	tap_is_int((long long)cur_offset(&s), 0, "child offset starts at 0");
	cur_skip(&s, 4);
	tap_ok(cur_u8(&s) == 0 && s.err, "child cannot read past its end");
	tap_ok(!c.err && cur_left(&c) == 6, "parent unaffected by child err");

	s = cur_sub(&c, 6, &clamped);
	tap_ok(!clamped && cur_left(&s) == 6, "sub exactly remaining");
	s = cur_sub(&c, 7, &clamped);
	tap_ok(clamped && cur_left(&s) == 6, "sub len+1 clamped");
	s = cur_sub(&c, SIZE_MAX, &clamped);
	tap_ok(clamped && cur_left(&s) == 6, "sub SIZE_MAX clamped");
	s = cur_sub(&c, 0, &clamped);
	tap_ok(!clamped && cur_left(&s) == 0, "sub 0");
	s = cur_sub(&c, 3, NULL);
	tap_ok(cur_left(&s) == 3, "sub with NULL clamped pointer");

	c.err = true;
	s = cur_sub(&c, 2, &clamped);
	tap_ok(s.err && cur_left(&s) == 0 && clamped,
	    "sub of an errored cursor is errored and empty");
}

static void
test_sticky(void)
{
	struct cursor c = cur_make(buf, 3);

	tap_is_int(cur_be16(&c), 0x0102, "sticky: first read ok");
	tap_is_int(cur_be16(&c), 0, "sticky: short read 0");
	tap_ok(c.err, "sticky: err set");
	tap_is_int(cur_u8(&c), 0, "sticky: a 1-byte read still fails");
	tap_is_int((long long)cur_left(&c), 0, "sticky: left is 0");
	tap_ok(!cur_has(&c, 0), "sticky: has(0) false once in error");
	tap_ok(!cur_skip(&c, 0), "sticky: skip(0) fails once in error");
	tap_ok(cur_ptr(&c) == buf + 2, "sticky: position kept at failure");
	tap_ok(!cur_fail(&c) && c.err, "cur_fail returns false");
}

int
main(void)
{
	tap_plan_none();
	test_empty();
	test_exact();
	test_sub();
	test_sticky();
	return (tap_done());
}
