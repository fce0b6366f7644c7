/*
 * test-flow-table.c: canonical keys (both directions, IPv4 against IPv6,
 * the VLAN as part of the key), and the table under 200,000 connections:
 * inserts crossing several incremental rehashes with every connection found
 * at every stage, removal and replacement in the middle of a rehash, foreach
 * visiting each newest instance exactly once, and the spread of the hash.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tap.h"

#define NCONN	200000

static uint32_t	*visits;
static size_t	 nvisit_bad;

static void	 mkaddr(uint8_t *, uint8_t, uint32_t, uint8_t);
static void	 conn_key(struct flow_key *, uint32_t);
static void	 visit(struct flow_conn *, void *);
static void	 test_keys(void);
static void	 test_table(void);
static void	 test_spread(void);

/* An address of family af built from n (IPv4 in the first 4 bytes). */
static void
mkaddr(uint8_t *a, uint8_t af, uint32_t n, uint8_t last)
{
	memset(a, 0, 16);
	if (af == FS_AF_INET) {
		a[0] = 10;
		a[1] = (uint8_t)(n >> 16);
		a[2] = (uint8_t)(n >> 8);
		a[3] = (uint8_t)n ^ last;
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[12] = (uint8_t)(n >> 24);
		a[13] = (uint8_t)(n >> 16);
		a[14] = (uint8_t)(n >> 8);
		a[15] = (uint8_t)n ^ last;
	}
}

/* The key of test connection n: a mix of families, VLANs and ports. */
static void
conn_key(struct flow_key *k, uint32_t n)
{
	uint8_t src[16], dst[16];
	uint8_t af = n % 5 == 0 ? FS_AF_INET6 : FS_AF_INET;

	mkaddr(src, af, n / 7, 0);
	mkaddr(dst, af, 0x123456, 0x55);
	flow_key_make(k, af, src, (uint16_t)(1024 + n % 7 * 1000), dst,
	    n % 3 == 0 ? 443 : 80, n % 11 == 0, (uint16_t)(n % 11 == 0 ?
	    n % 4095 : 0));
}

static void
visit(struct flow_conn *c, void *arg)
{
	(void)arg;
	if (c->id >= NCONN * 2)
		nvisit_bad++;
	else
		visits[c->id]++;
}

static void
test_keys(void)
{
	struct flow_key k1, k2, k3;
	uint8_t a[16], b[16];
	int d1, d2;

	mkaddr(a, FS_AF_INET, 1, 0);
	mkaddr(b, FS_AF_INET, 2, 0);
	d1 = flow_key_make(&k1, FS_AF_INET, a, 1234, b, 80, false, 0);
	d2 = flow_key_make(&k2, FS_AF_INET, b, 80, a, 1234, false, 0);
	tap_ok(d1 != d2, "two directions give opposite dir indexes (%d, %d)",
	    d1, d2);
	tap_ok(d1 == 0 || d1 == 1, "dir index is 0 or 1");
	tap_ok(memcmp(&k1, &k2, sizeof k1) == 0,
	    "both directions give the same key bytes");
	tap_ok(flow_key_hash(&k1) == flow_key_hash(&k2), "same hash");
	tap_ok(memcmp(k1.a, a, 16) == 0 && k1.pa == 1234 && d1 == 0,
	    "endpoint a is the lower address");

	/* Same address both ways (loopback): the port decides. */
	d1 = flow_key_make(&k1, FS_AF_INET, a, 5000, a, 80, false, 0);
	d2 = flow_key_make(&k2, FS_AF_INET, a, 80, a, 5000, false, 0);
	tap_ok(d1 == 1 && d2 == 0 && memcmp(&k1, &k2, sizeof k1) == 0,
	    "same address: lower port is a");
	/* Fully identical endpoints: one key. */
	d1 = flow_key_make(&k1, FS_AF_INET, a, 80, a, 80, false, 0);
	tap_ok(d1 == 0, "identical endpoints: dir 0");

	/* IPv4 against IPv6 with the same first bytes. */
	flow_key_make(&k1, FS_AF_INET, a, 1234, b, 80, false, 0);
	flow_key_make(&k2, FS_AF_INET6, a, 1234, b, 80, false, 0);
	tap_ok(memcmp(&k1, &k2, sizeof k1) != 0, "IPv4 and IPv6 keys differ");
	tap_ok(flow_key_hash(&k1) != flow_key_hash(&k2),
	    "IPv4 and IPv6 hashes differ");

	/* The VLAN is part of the key. */
	flow_key_make(&k1, FS_AF_INET, a, 1234, b, 80, true, 10);
	flow_key_make(&k2, FS_AF_INET, a, 1234, b, 80, true, 11);
	flow_key_make(&k3, FS_AF_INET, a, 1234, b, 80, false, 0);
	tap_ok(memcmp(&k1, &k2, sizeof k1) != 0, "VLAN 10 and 11 differ");
	tap_ok(memcmp(&k1, &k3, sizeof k1) != 0, "tagged and untagged differ");
	tap_ok(flow_key_hash(&k1) != flow_key_hash(&k2) &&
	    flow_key_hash(&k1) != flow_key_hash(&k3), "and hash differently");
	flow_key_make(&k1, FS_AF_INET, a, 1234, b, 80, true, 0);
	tap_ok(memcmp(&k1, &k3, sizeof k1) != 0,
	    "VLAN 0 tagged differs from untagged");
	flow_key_make(&k1, FS_AF_INET, a, 1234, b, 80, false, 77);
	tap_ok(memcmp(&k1, &k3, sizeof k1) == 0,
	    "untagged: the vlan argument is ignored");
	flow_key_make(&k1, FS_AF_INET, b, 80, a, 1234, true, 10);
	flow_key_make(&k2, FS_AF_INET, a, 1234, b, 80, true, 10);
	tap_ok(memcmp(&k1, &k2, sizeof k1) == 0,
	    "tagged: both directions same key");

	/* IPv6 canonical order by full 16 bytes. */
	mkaddr(a, FS_AF_INET6, 0x01000000, 0);
	mkaddr(b, FS_AF_INET6, 0x00ffffff, 0);
	d1 = flow_key_make(&k1, FS_AF_INET6, a, 1, b, 2, false, 0);
	d2 = flow_key_make(&k2, FS_AF_INET6, b, 2, a, 1, false, 0);
	tap_ok(d1 == 1 && d2 == 0 && memcmp(&k1, &k2, sizeof k1) == 0,
	    "IPv6: lower 16-byte address is a");
}

static void
test_table(void)
{
	struct flow_table *t = flow_table_new();
	struct flow_conn **c = calloc(NCONN, sizeof *c);
	struct flow_conn *r;
	uint32_t i, j, bad = 0, spot_bad = 0, scans = 0, rnd = 1;
	uint32_t next_scan = 1025;

	visits = calloc(NCONN * 2, sizeof *visits);
	for (i = 0; i < NCONN; i++) {
		c[i] = calloc(1, sizeof **c);
		c[i]->id = i;
		conn_key(&c[i]->key, i);
	}
	/* Keys are distinct by construction: sanity-check a sample. */
	for (i = 1; i < 2000; i++)
		if (memcmp(&c[i]->key, &c[i - 1]->key, sizeof c[i]->key) == 0)
			bad++;
	tap_is_int(bad, 0, "test keys distinct");

	for (i = 0; i < NCONN; i++) {
		flow_table_insert(t, c[i]);
		if (flow_table_lookup(t, &c[i]->key) != c[i])
			spot_bad++;
		rnd = rnd * 1664525u + 1013904223u;
		j = rnd % (i + 1);
		if (flow_table_lookup(t, &c[j]->key) != c[j])
			spot_bad++;
		/* Right after each doubling starts, everything must be
		 * found in whichever array holds it. */
		if (i + 1 == next_scan || i + 1 == next_scan + 100) {
			for (j = 0; j <= i; j++)
				if (flow_table_lookup(t, &c[j]->key) != c[j])
					bad++;
			scans++;
			if (i + 1 == next_scan + 100)
				next_scan = next_scan * 2 - 1;
		}
	}
	tap_is_int(spot_bad, 0, "every insert: new and a random old one found");
	tap_is_int(bad, 0, "full scans across rehashes find everything");
	tap_ok(scans >= 16, "%u full scans at 8 rehash points", scans);
	tap_is_int((long long)flow_table_count(t), NCONN, "count 200000");

	/* A key never inserted is not found. */
	{
		struct flow_key k;

		conn_key(&k, NCONN + 5);
		tap_ok(flow_table_lookup(t, &k) == NULL, "absent key: NULL");
	}

	/* foreach: every one exactly once. */
	memset(visits, 0, NCONN * 2 * sizeof *visits);
	flow_table_foreach(t, visit, NULL);
	for (bad = 0, i = 0; i < NCONN; i++)
		if (visits[i] != 1)
			bad++;
	tap_ok(bad == 0 && nvisit_bad == 0, "foreach visits each once (%u bad)",
	    bad);

	/* Push 62145 more so a rehash to 512k is in progress, then remove
	 * every third and replace every fifth while it runs. */
	{
		struct flow_conn **x;
		uint32_t n2 = 262145 - NCONN + 10, removed = 0;

		x = calloc(n2, sizeof *x);
		for (i = 0; i < n2; i++) {
			x[i] = calloc(1, sizeof **x);
			x[i]->id = NCONN + i;
			conn_key(&x[i]->key, NCONN + 10 + i);
			flow_table_insert(t, x[i]);
		}
		tap_is_int((long long)flow_table_count(t), NCONN + n2,
		    "count after more inserts");
		for (i = 0; i < NCONN; i += 3) {
			flow_table_remove(t, c[i]);
			removed++;
		}
		for (i = 1; i < NCONN; i += 5) {
			struct flow_conn *y;

			if (i % 3 == 0)
				continue;
			y = calloc(1, sizeof *y);
			y->key = c[i]->key;
			y->id = c[i]->id;
			y->older = c[i];
			flow_table_replace(t, c[i], y);
			c[i] = y;
		}
		tap_is_int((long long)flow_table_count(t), NCONN + n2 - removed,
		    "count after removals (replace keeps it)");
		for (bad = 0, i = 0; i < NCONN; i++) {
			r = flow_table_lookup(t, &c[i]->key);
			if (i % 3 == 0 ? r != NULL : r != c[i])
				bad++;
		}
		for (i = 0; i < n2; i++)
			if (flow_table_lookup(t, &x[i]->key) != x[i])
				bad++;
		tap_is_int(bad, 0, "removed gone, replaced found as the new "
		    "one, the rest found");
		memset(visits, 0, NCONN * 2 * sizeof *visits);
		nvisit_bad = 0;
		flow_table_foreach(t, visit, NULL);
		for (bad = 0, i = 0; i < NCONN + n2; i++)
			if (visits[i] != (i < NCONN && i % 3 == 0 ? 0u : 1u))
				bad++;
		tap_ok(bad == 0 && nvisit_bad == 0,
		    "foreach after remove/replace: each newest once (%u bad)",
		    bad);
		/* Remove everything. */
		for (i = 0; i < NCONN; i++)
			if (i % 3 != 0)
				flow_table_remove(t, c[i]);
		for (i = 0; i < n2; i++)
			flow_table_remove(t, x[i]);
		tap_is_int((long long)flow_table_count(t), 0,
		    "count 0 after removing everything");
		for (bad = 0, i = 0; i < n2; i += 97)
			if (flow_table_lookup(t, &x[i]->key) != NULL)
				bad++;
		tap_is_int(bad, 0, "nothing found in an empty table");
		/* Re-insert one: found again. */
		flow_table_insert(t, x[7]);
		tap_ok(flow_table_lookup(t, &x[7]->key) == x[7],
		    "re-insert after emptying");
		for (i = 0; i < n2; i++)
			free(x[i]);
		free(x);
	}
	for (i = 0; i < NCONN; i++) {
		if (c[i]->older != NULL)
			free(c[i]->older);
		free(c[i]);
	}
	free(c);
	free(visits);
	flow_table_free(t);
}

static void
test_spread(void)
{
	static uint32_t bucket[4096], top[4096];
	struct flow_key k;
	uint32_t i, max = 0, tmax = 0, empty = 0;
	uint64_t h;

	for (i = 0; i < 409600; i++) {
		conn_key(&k, i);
		h = flow_key_hash(&k);
		bucket[h & 4095]++;
		top[h >> 52]++;
	}
	for (i = 0; i < 4096; i++) {
		if (bucket[i] > max)
			max = bucket[i];
		if (top[i] > tmax)
			tmax = top[i];
		if (bucket[i] == 0)
			empty++;
	}
	/* Mean 100 per bucket; a fair hash stays well under 2x. */
	tap_ok(max < 170 && empty == 0, "low 12 bits spread (max %u, %u empty)",
	    max, empty);
	tap_ok(tmax < 170, "high 12 bits spread (max %u)", tmax);

	/* Sequential client ports on one address pair. */
	memset(bucket, 0, sizeof bucket);
	for (i = 0; i < 65536; i++) {
		uint8_t a[16], b[16];

		mkaddr(a, FS_AF_INET, 1, 0);
		mkaddr(b, FS_AF_INET, 2, 0);
		flow_key_make(&k, FS_AF_INET, a, (uint16_t)i, b, 80, false, 0);
		bucket[flow_key_hash(&k) & 1023]++;
	}
	for (max = 0, i = 0; i < 1024; i++)
		if (bucket[i] > max)
			max = bucket[i];
	tap_ok(max < 110, "sequential ports spread (max %u of mean 64)", max);
}

int
main(void)
{
	tap_plan_none();
	test_keys();
	test_table();
	test_spread();
	return (tap_done());
}
