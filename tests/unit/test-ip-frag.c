/*
 * test-ip-frag.c: fragment reassembly: in order, reverse order, overlaps
 * (first copy wins), duplicates, a missing middle timing out, eviction over
 * the memory and count budgets, IPv6 keys, the 65535-byte limit and
 * inconsistent fragments.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ip-frag.h"

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "tap.h"

#define SEC	((uint64_t)1000000000)

static uint8_t		 data[65536 + 64];
static const uint8_t	*out;
static size_t		 outlen;
static uint8_t		 nh;

static struct ip_frag_key
key4(uint32_t id)
{
	struct ip_frag_key k;

	memset(&k, 0, sizeof(k));
	k.af = FS_AF_INET;
	k.proto = 6;
	k.vlan = 0x10000;
	k.id = id;
	k.src[0] = 10;
	k.dst[0] = 11;
	return (k);
}

static enum ip_frag_result
add(struct ip_frag *f, const struct ip_frag_key *k, size_t off, size_t len,
    bool more, uint64_t t)
{
	nh = 6;
	return (ip_frag_add(f, k, off, more, data + off, len, &nh, t, &out,
	    &outlen));
}

static void
test_orders(void)
{
	struct ip_frag *f = ip_frag_new(0, 0, 0);
	struct ip_frag_key k = key4(1);
	const struct ip_frag_stats *st = ip_frag_get_stats(f);

	tap_is_int(add(f, &k, 0, 16, true, 1), IP_FRAG_HELD, "in order: 1st");
	tap_is_int(add(f, &k, 16, 16, true, 2), IP_FRAG_HELD, "in order: 2nd");
	tap_ok(add(f, &k, 32, 5, false, 3) == IP_FRAG_DONE && outlen == 37 &&
	    memcmp(out, data, 37) == 0 && nh == 6, "in order: done, bytes");
	tap_ok(st->pending == 0 && st->reassembled == 1,
	    "in order: nothing pending");

	k.id = 2;
	tap_is_int(add(f, &k, 32, 5, false, 4), IP_FRAG_HELD, "reverse: last");
	tap_is_int(add(f, &k, 16, 16, true, 5), IP_FRAG_HELD,
	    "reverse: middle");
	nh = 17;
	tap_ok(ip_frag_add(f, &k, 0, true, data, 16, &nh, 6, &out, &outlen) ==
	    IP_FRAG_DONE && outlen == 37 && memcmp(out, data, 37) == 0 &&
	    nh == 17, "reverse: done, next header of offset 0");

	/* A fragment whose data points into the previous result. */
	k.id = 3;
	nh = 6;
	tap_ok(ip_frag_add(f, &k, 8, false, out + 8, 8, &nh, 7, &out, &outlen) ==
	    IP_FRAG_HELD, "data inside the previous result is copied");
	tap_ok(add(f, &k, 0, 8, true, 8) == IP_FRAG_DONE && outlen == 16 &&
	    memcmp(out, data, 16) == 0, "and completes with those bytes");
	ip_frag_free(f);
}

static void
test_overlap(void)
{
	struct ip_frag *f = ip_frag_new(0, 0, 0);
	struct ip_frag_key k = key4(9);
	uint8_t a[24], b[24];
	size_t i;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	nh = 6;
	tap_is_int(ip_frag_add(f, &k, 0, true, a, 24, &nh, 1, &out, &outlen),
	    IP_FRAG_HELD, "overlap: A at 0..24");
	tap_is_int(ip_frag_add(f, &k, 8, true, b, 24, &nh, 1, &out, &outlen),
	    IP_FRAG_HELD, "overlap: B at 8..32");
	tap_is_int(add(f, &k, 8, 16, true, 1), IP_FRAG_HELD,
	    "duplicate range held again");
	tap_is_int(add(f, &k, 32, 8, false, 2), IP_FRAG_DONE,
	    "overlap: done with the last fragment");
	for (i = 0; i < 24 && out[i] == 'A'; i++)
		;
	tap_ok(i == 24 && out[24] == 'B' && out[31] == 'B' &&
	    memcmp(out + 32, data + 32, 8) == 0, "overlap: first copy wins");

	/* Exact duplicates. */
	k.id = 10;
	add(f, &k, 0, 8, true, 3);
	tap_is_int(add(f, &k, 0, 8, true, 3), IP_FRAG_HELD, "duplicate held");
	tap_is_int(add(f, &k, 8, 8, false, 3), IP_FRAG_DONE,
	    "duplicates complete once");
	tap_is_int(add(f, &k, 8, 8, false, 3), IP_FRAG_HELD,
	    "a late duplicate starts a new (pending) datagram");

	/* Inconsistent ends and sizes. */
	k.id = 11;
	add(f, &k, 0, 16, true, 4);
	tap_is_int(add(f, &k, 16, 3, true, 4), IP_FRAG_DROPPED,
	    "non-last fragment not a multiple of 8: dropped");
	tap_is_int(add(f, &k, 8, 0, true, 4), IP_FRAG_DROPPED,
	    "empty non-last fragment: dropped");
	tap_is_int(add(f, &k, 8, 4, false, 4), IP_FRAG_DROPPED,
	    "last fragment ending before data seen: dropped");
	tap_is_int(add(f, &k, 16, 4, false, 4), IP_FRAG_DONE,
	    "consistent last fragment completes");
	k.id = 12;
	add(f, &k, 16, 4, false, 4);
	tap_is_int(add(f, &k, 16, 8, false, 4), IP_FRAG_DROPPED,
	    "second, different end: dropped");
	tap_is_int(add(f, &k, 16, 8, true, 4), IP_FRAG_DROPPED,
	    "fragment beyond the end: dropped");
	tap_ok(ip_frag_get_stats(f)->dropped == 5, "dropped fragments counted");
	ip_frag_free(f);
}

static void
test_limits(void)
{
	struct ip_frag *f = ip_frag_new(0, 0, 30 * SEC);
	const struct ip_frag_stats *st = ip_frag_get_stats(f);
	struct ip_frag_key k = key4(20);
	unsigned i, max_pending_seen;
	size_t max_bytes_seen;

	/* Missing middle: times out. */
	add(f, &k, 0, 8, true, 1 * SEC);
	add(f, &k, 16, 8, false, 2 * SEC);
	ip_frag_expire(f, 30 * SEC);
	tap_ok(st->pending == 1 && st->timeouts == 0, "not yet timed out");
	ip_frag_expire(f, 32 * SEC);
	tap_ok(st->pending == 0 && st->timeouts == 1 && st->bytes == 0,
	    "missing middle: timed out, memory released");
	tap_is_int(add(f, &k, 8, 8, true, 33 * SEC), IP_FRAG_HELD,
	    "the middle after the timeout does not complete anything");
	ip_frag_free(f);

	/* 65535 limit. */
	f = ip_frag_new(0, 0, 0);
	st = ip_frag_get_stats(f);
	k = key4(21);
	tap_is_int(add(f, &k, 65528, 16, true, 1), IP_FRAG_DROPPED,
	    "fragment past 65535 dropped");
	tap_is_int(add(f, &k, 65528, 8, false, 1), IP_FRAG_DROPPED,
	    "last fragment ending at 65536 dropped");
	tap_is_int(add(f, &k, 65528, 7, false, 1), IP_FRAG_HELD,
	    "last fragment ending at 65535 held");
	tap_is_int(add(f, &k, (size_t)1 << 40, 8, false, 1), IP_FRAG_DROPPED,
	    "absurd offset dropped");
	for (i = 0; i < 65528 / 1480; i++)
		add(f, &k, i * 1480, 1480, true, 2);
	tap_ok(add(f, &k, i * 1480, 65528 - i * 1480, true, 3) ==
	    IP_FRAG_DONE && outlen == 65535 && memcmp(out, data, 65535) == 0,
	    "a 65535-byte datagram completes");
	ip_frag_free(f);

	/* Memory budget: about three datagrams' worth. */
	f = ip_frag_new(12000, 0, 0);
	st = ip_frag_get_stats(f);
	max_bytes_seen = 0;
	for (i = 0; i < 50; i++) {
		k = key4(100 + i);
		add(f, &k, 8, 8, true, 5);
		if (st->bytes > max_bytes_seen)
			max_bytes_seen = st->bytes;
	}
	tap_ok(max_bytes_seen <= 12000 && st->evictions > 40 &&
	    st->pending >= 1, "memory budget: evictions, bytes <= budget "
	    "(max %zu, %llu evicted)", max_bytes_seen,
	    (unsigned long long)st->evictions);
	k = key4(100);
	tap_is_int(add(f, &k, 0, 8, true, 6), IP_FRAG_HELD,
	    "an evicted datagram does not complete");
	k = key4(149);
	tap_is_int(add(f, &k, 16, 8, false, 6), IP_FRAG_HELD,
	    "the newest survives...");
	tap_is_int(add(f, &k, 0, 8, true, 6), IP_FRAG_DONE, "...and completes");
	ip_frag_free(f);

	/* A single datagram larger than the whole budget. */
	f = ip_frag_new(4000, 0, 0);
	k = key4(7);
	tap_is_int(add(f, &k, 0, 8, true, 1), IP_FRAG_HELD, "small budget ok");
	tap_is_int(add(f, &k, 30000, 8, true, 1), IP_FRAG_DROPPED,
	    "growth beyond the budget drops the datagram");
	tap_ok(ip_frag_get_stats(f)->pending == 0, "and frees it");
	ip_frag_free(f);

	/* Count budget. */
	f = ip_frag_new(0, 3, 0);
	st = ip_frag_get_stats(f);
	max_pending_seen = 0;
	for (i = 0; i < 10; i++) {
		k = key4(200 + i);
		add(f, &k, 0, 8, true, 1);
		if (st->pending > max_pending_seen)
			max_pending_seen = st->pending;
	}
	tap_ok(max_pending_seen == 3 && st->evictions == 7,
	    "count budget: at most 3 pending, 7 evicted");
	ip_frag_free(f);
}

static void
test_keys(void)
{
	struct ip_frag *f = ip_frag_new(0, 0, 0);
	struct ip_frag_key k = key4(1), k2;

	k2 = k;
	k2.vlan = 5;
	add(f, &k, 0, 8, true, 1);
	tap_is_int(add(f, &k2, 8, 8, false, 1), IP_FRAG_HELD,
	    "another VLAN is another datagram");
	k2 = k;
	k2.proto = 17;
	tap_is_int(add(f, &k2, 8, 8, false, 1), IP_FRAG_HELD,
	    "another protocol is another datagram");
	k2 = k;
	k2.src[15] = 1;
	tap_is_int(add(f, &k2, 8, 8, false, 1), IP_FRAG_HELD,
	    "another source is another datagram");
	tap_is_int(add(f, &k, 8, 8, false, 1), IP_FRAG_DONE,
	    "the same key completes");

	/* IPv6: 32-bit id, no protocol. */
	memset(&k, 0, sizeof(k));
	k.af = FS_AF_INET6;
	k.vlan = 0x10000;
	k.id = 0xdeadbeef;
	memset(k.src, 0x20, 16);
	memset(k.dst, 0x21, 16);
	tap_is_int(add(f, &k, 1232, 100, false, 2), IP_FRAG_HELD, "v6 last");
	tap_is_int(add(f, &k, 0, 1232, true, 2), IP_FRAG_DONE, "v6 done");
	tap_ok(outlen == 1332 && memcmp(out, data, 1332) == 0, "v6 bytes");
	ip_frag_free(f);
	ip_frag_free(NULL);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	tap_plan_none();
	test_orders();
	test_overlap();
	test_limits();
	test_keys();
	return (tap_done());
}
