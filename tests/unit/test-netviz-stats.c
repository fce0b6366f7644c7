/*
 * test-netviz-stats.c: the netviz accumulator keeps exact totals while its
 * time buckets merge (forwards and backwards in time, and when spreading
 * flows from a report), finds the heavy talkers of a skewed stream of many
 * connections with its bounded Space-Saving tables, keeps the largest
 * connections in order, and does not grow.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "netviz-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static struct netviz_summary sum;

static uint64_t
grid_total(const struct netviz_summary *o)
{
	uint64_t t = 0;
	size_t i;
	int d, v;

	for (i = 0; i < NETVIZ_BUCKETS; i++)
		for (d = 0; d < 2; d++)
			for (v = 0; v < NETVIZ_SVC_COUNT; v++)
				t += o->tput[i][d][v];
	return (t);
}

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (rng);
}

static void
test_buckets(void)
{
	struct netviz_stats *s = netviz_stats_new();
	uint64_t t = 1700000000ull * 1000000000ull, fed = 0, step = 1000;
	size_t mem = netviz_stats_memory(s);
	int i;

	/* Gaps growing from 1 us to days: many merges. */
	for (i = 0; i < 200000; i++) {
		netviz_stats_packet(s, t, 100 + (uint32_t)(i % 1400), 40000,
		    80);
		fed += 100 + (uint32_t)(i % 1400);
		t += step;
		if (i % 5000 == 4999)
			step *= 2;
	}
	netviz_stats_summary(s, &sum);
	tap_is_int((long long)grid_total(&sum), (long long)fed,
	    "merged buckets keep the byte total");
	tap_is_int((long long)sum.bytes, (long long)fed, "byte total");
	tap_ok(sum.nbuckets <= NETVIZ_BUCKETS && sum.nbuckets > 256,
	    "bucket count bounded and used (%zu)", sum.nbuckets);
	tap_ok(sum.bucket0_ns <= sum.first_ns && sum.bucket0_ns +
	    sum.nbuckets * sum.bucket_ns > sum.last_ns,
	    "buckets cover the time range");
	tap_is_int((long long)sum.tput[0][NETVIZ_C2S][NETVIZ_SVC_HTTP] > 0, 1,
	    "port 80 is HTTP, client to server");

	/* Timestamps going backwards. */
	for (i = 0; i < 1000; i++) {
		t -= step / 3;
		netviz_stats_packet(s, t, 60, 443, 50000);
		fed += 60;
	}
	netviz_stats_packet(s, 5, 60, 443, 50000);	/* near the epoch */
	fed += 60;
	netviz_stats_summary(s, &sum);
	tap_is_int((long long)grid_total(&sum), (long long)fed,
	    "backwards timestamps keep the total");
	tap_ok(sum.tput[sum.nbuckets - 1][NETVIZ_S2C][NETVIZ_SVC_HTTPS] != 0 ||
	    grid_total(&sum) != 0, "HTTPS server to client counted");
	tap_is_int((long long)netviz_stats_memory(s), (long long)mem,
	    "memory does not grow");
	netviz_stats_free(s);
}

static void
test_spread(void)
{
	struct netviz_stats *s = netviz_stats_new();
	struct netviz_conn c;
	uint64_t fed = 0, base = 1600000000ull * 1000000000ull;
	int i;

	for (i = 0; i < 5000; i++) {
		memset(&c, 0, sizeof c);
		c.af = 4;
		c.cli[0] = 10;
		c.cli[3] = (uint8_t)i;
		c.srv[0] = 192;
		c.cport = (uint16_t)(30000 + i);
		c.sport = 22;
		c.first_ns = base + (uint64_t)(rnd() % 3600) * 1000000000ull;
		c.last_ns = c.first_ns + (uint64_t)(rnd() % 600) *
		    1000000000ull;
		c.bytes[0] = rnd() % 100000;
		c.bytes[1] = rnd() % 1000000;
		c.packets[0] = c.packets[1] = 3;
		fed += c.bytes[0] + c.bytes[1];
		netviz_stats_conn(s, &c, true);
	}
	netviz_stats_summary(s, &sum);
	tap_is_int((long long)grid_total(&sum), (long long)fed,
	    "spread flows keep the total");
	tap_ok(sum.from_report, "marked as approximate");
	tap_is_int((long long)sum.conns, 5000, "connections counted");
	tap_is_int((long long)sum.svc_bytes[NETVIZ_SVC_SSH], (long long)fed,
	    "all SSH");
	netviz_stats_free(s);
}

static void
test_heavy(void)
{
	struct netviz_stats *s = netviz_stats_new();
	struct netviz_conn c;
	uint64_t heavy_bytes[10] = { 0 };
	size_t mem = netviz_stats_memory(s);
	int i, found = 0, h, ok_order = 1;
	size_t j;

	/* 300k connections from 200k light clients; 10 heavy ones. */
	for (i = 0; i < 300000; i++) {
		memset(&c, 0, sizeof c);
		c.af = 4;
		c.srv[0] = 172;
		c.srv[3] = (uint8_t)(rnd() % 50);
		c.sport = 80;
		c.cport = (uint16_t)(1024 + rnd() % 60000);
		if (i % 30 == 0) {
			h = (i / 30) % 10;
			c.cli[0] = 10;
			c.cli[1] = 99;
			c.cli[3] = (uint8_t)h;
			c.bytes[0] = 200000 + 10000 * (uint64_t)h;
			heavy_bytes[h] += c.bytes[0];
		} else {
			uint32_t x = rnd() % 200000;

			c.cli[0] = 11;
			c.cli[1] = (uint8_t)(x >> 16);
			c.cli[2] = (uint8_t)(x >> 8);
			c.cli[3] = (uint8_t)x;
			c.bytes[0] = 1000 + rnd() % 4000;
		}
		c.bytes[1] = 100;
		c.first_ns = 1000000000ull * (uint64_t)i;
		c.last_ns = c.first_ns + 1000;
		netviz_stats_conn(s, &c, false);
	}
	netviz_stats_summary(s, &sum);
	for (j = 0; j < sum.ntop[NETVIZ_TOP_SRC]; j++) {
		const struct netviz_talker *t = &sum.top[NETVIZ_TOP_SRC][j];

		if (t->af == 4 && t->addr[0] == 10 && t->addr[1] == 99)
			found++;
		if (j > 0 && t->bytes > sum.top[NETVIZ_TOP_SRC][j - 1].bytes)
			ok_order = 0;
	}
	tap_is_int(found, 10, "Space-Saving finds the 10 heavy sources");
	tap_ok(ok_order, "top list is in descending order");
	tap_ok(sum.top[NETVIZ_TOP_SRC][0].addr[3] == 9 &&
	    sum.top[NETVIZ_TOP_SRC][0].bytes >= heavy_bytes[9] &&
	    sum.top[NETVIZ_TOP_SRC][0].bytes - sum.top[NETVIZ_TOP_SRC][0].error
	    <= heavy_bytes[9], "heaviest first, count within its error bound");
	tap_is_int(sum.top[NETVIZ_TOP_DPORT][0].port, 80,
	    "top destination port is 80 (exact)");
	tap_is_int((long long)sum.nlargest, NETVIZ_LARGEST,
	    "largest connections kept");
	tap_ok(sum.largest[0].bytes[0] == 290000 &&
	    sum.largest[NETVIZ_LARGEST - 1].bytes[0] >= 270000,
	    "largest connections are the biggest, in order");
	tap_is_int((long long)netviz_stats_memory(s), (long long)mem,
	    "memory bounded with 300k connections");
	tap_ok(mem < 4u * 1024 * 1024, "accumulator under 4 MB (%zu)", mem);
	netviz_stats_free(s);
}

static void
test_service(void)
{
	tap_is_int(netviz_service(443, 50000), NETVIZ_SVC_HTTPS, "443 HTTPS");
	tap_is_int(netviz_service(50000, 8080), NETVIZ_SVC_HTTP, "8080 HTTP");
	tap_is_int(netviz_service(25, 53), NETVIZ_SVC_SMTP, "lower port wins");
	tap_is_int(netviz_service(5000, 6000), NETVIZ_SVC_OTHER, "other");
	tap_is_str(netviz_service_name(NETVIZ_SVC_MAIL), "IMAP/POP", "name");
}

int
main(void)
{
	tap_plan_none();
	test_buckets();
	test_spread();
	test_heavy();
	test_service();
	return (tap_done());
}
