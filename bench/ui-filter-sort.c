/*
 * ui-filter-sort.c: time the flow list's filter and sort at a million rows
 * (not a test; prints milliseconds).
 *
 * The rows are synthetic but shaped like a busy capture: 90% IPv4 clients
 * in 10.0.0.0/16 talking to 2,000 servers, 10% IPv6, a few ports, 3,000
 * distinct service hints, byte counts spread over six orders of magnitude.
 * Each filter is compiled and matched against every row; each column is
 * sorted from a shuffled index (as after sorting by another column).
 *
 *	gcc -std=c11 -D_GNU_SOURCE -O2 -Isrc -Iui -o /tmp/ui-filter-sort \
 *	    bench/ui-filter-sort.c ui/ui-filter.c ui/ui-sort.c \
 *	    src/xmalloc.c src/log.c
 *	/tmp/ui-filter-sort [rows [f|s]]	(f: filters only, s: sorts only)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "ui-filter.h"
#include "ui-sort.h"

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)(rng >> 11));
}

/*
 * CPU time of this process: the machine is shared, and wall time would
 * count the time other jobs hold the CPU.
 */
static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static void
make_rows(struct ui_row *rows, size_t n)
{
	static const uint16_t sports[] = { 443, 443, 443, 80, 80, 22, 25,
	    8080, 53, 993 };
	static const char *const fmt[] = { "TLS www.host%u.example.com",
	    "GET host%u.example.org", "SSH-2.0-OpenSSH_%u", "" };
	struct ui_row	*r;
	size_t		 i;
	uint32_t	 s, h;

	memset(rows, 0, n * sizeof *rows);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		r->id = i + 1;
		s = rnd() % 2000;
		if (rnd() % 10 != 0) {
			r->key.af = FS_AF_INET;
			r->key.a[0] = 10;
			r->key.a[1] = 0;
			r->key.a[2] = (uint8_t)(rnd() % 256);
			r->key.a[3] = (uint8_t)(rnd() % 256);
			r->key.b[0] = (uint8_t)(100 + s % 100);
			r->key.b[1] = (uint8_t)(s / 100);
			r->key.b[2] = 7;
			r->key.b[3] = (uint8_t)(s % 251);
		} else {
			r->key.af = FS_AF_INET6;
			memcpy(r->key.a, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0",
			    12);
			r->key.a[14] = (uint8_t)rnd();
			r->key.a[15] = (uint8_t)rnd();
			memcpy(r->key.b, "\x2a\x00\x14\x50\0\0\0\0\0\0\0\0",
			    12);
			r->key.b[13] = (uint8_t)s;
			r->key.b[15] = 1;
		}
		r->key.pa = (uint16_t)(1024 + rnd() % 64000);
		r->key.pb = sports[rnd() % 10];
		if (rnd() % 8 == 0) {
			r->key.has_vlan = true;
			r->key.vlan = (uint16_t)(rnd() % 20);
		}
		r->client = 0;
		r->state = (uint8_t)(rnd() % ROW_NSTATES);
		r->bytes[0] = rnd() % (1u << (rnd() % 20));
		r->bytes[1] = (uint64_t)(rnd() % (1u << (rnd() % 31))) *
		    (rnd() % 4 + 1);
		r->packets[0] = (uint32_t)(r->bytes[0] / 1000 + 3);
		r->packets[1] = (uint32_t)(r->bytes[1] / 1400 + 2);
		r->first_ns = 1700000000000000000ULL + i * 1000000ULL +
		    rnd() % 1000000;
		r->last_ns = r->first_ns + (uint64_t)rnd() * 1000;
		r->rate = rnd() % 100000;
		h = rnd() % 3000;
		snprintf(r->hint, sizeof r->hint, fmt[h % 4], h);
	}
}

int
main(int argc, char **argv)
{
	static const char *const filters[] = {
		"10.0.1", "port 443", "host 10.0.3.4", "host 10.0.0.0/16",
		"bytes>1M", "state open", "vlan 3", "example.org",
		"2001:db8", "[2a00:1450::", "not port 443 bytes>10k",
		"port 80 or port 22", "host 2001:db8::/32 ssh",
		"10.0.1 port 443 bytes>1k",
	};
	struct ui_row	*rows;
	struct ui_filter *f;
	uint32_t	*idx, *scratch, *shuf;
	char		 err[128];
	size_t		 n, i, j, m;
	double		 t0, t1, best;
	int		 c, d, rep, what;

	n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	what = argc > 2 ? argv[2][0] : 'a';
	if (n == 0 || n > UINT32_MAX)
		return (1);
	rows = malloc(n * sizeof *rows);
	idx = malloc(n * sizeof *idx);
	scratch = malloc(n * sizeof *scratch);
	shuf = malloc(n * sizeof *shuf);
	if (rows == NULL || idx == NULL || scratch == NULL || shuf == NULL)
		return (1);
	make_rows(rows, n);
	for (i = 0; i < n; i++)
		shuf[i] = (uint32_t)i;
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		m = shuf[i], shuf[i] = shuf[j], shuf[j] = (uint32_t)m;
	}
	printf("%zu rows of %zu bytes\n", n, sizeof *rows);
	if (what != 's')
		printf("\nfilter (compile + match all, best of 5, CPU)"
		    "        ms   matched\n");
	for (i = 0; what != 's' && i < sizeof filters / sizeof filters[0];
	    i++) {
		best = 1e9;
		m = 0;
		for (rep = 0; rep < 5; rep++) {
			t0 = now_ms();
			if ((f = ui_filter_compile(filters[i], err,
			    sizeof err)) == NULL) {
				printf("%s: %s\n", filters[i], err);
				return (1);
			}
			m = 0;
			for (j = 0; j < n; j++)
				m += ui_filter_match(f, &rows[j]);
			ui_filter_free(f);
			t1 = now_ms() - t0;
			if (t1 < best)
				best = t1;
		}
		printf("  %-40s %7.1f %9zu\n", filters[i], best, m);
	}

	if (what != 'f')
		printf("\nsort from shuffled (best of 5, CPU)     asc ms  desc ms"
		    "  resort ms\n");
	for (c = 0; what != 'f' && c < COL_NCOLS; c++) {
		printf("  %-30s", ui_col_name(c));
		for (d = 0; d < 2; d++) {
			best = 1e9;
			for (rep = 0; rep < 5; rep++) {
				memcpy(idx, shuf, n * sizeof *idx);
				t0 = now_ms();
				ui_sort(rows, idx, n, c, d, scratch);
				t1 = now_ms() - t0;
				if (t1 < best)
					best = t1;
			}
			printf(" %8.1f", best);
		}
		/* Sorted already (a refresh with nothing changed). */
		t0 = now_ms();
		ui_sort(rows, idx, n, c, true, scratch);
		printf(" %9.1f\n", now_ms() - t0);
	}
	free(rows);
	free(idx);
	free(scratch);
	free(shuf);
	return (0);
}
